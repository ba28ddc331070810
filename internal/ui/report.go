package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/pyupload/pyupload/internal/preflight"
	"github.com/pyupload/pyupload/pkg/dist"
	"github.com/pyupload/pyupload/pkg/upload"
)

// errWriter keeps the first write error, so a report is a list of printf
// calls with one check at the end.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

// CheckReport prints the check results on stdout: twine check's layout,
// or JSON.
func (p *Printer) CheckReport(r *preflight.Report, asJSON bool) error {
	if asJSON {
		return writeCheckJSON(p.out, r)
	}
	return writeCheckText(safeWriter{p.out}, r.Results, r.Strict)
}

// CheckFailures prints the files that failed on stderr, before an upload
// that will not start.
func (p *Printer) CheckFailures(r *preflight.Report) error {
	return writeCheckText(p.Stderr(), r.Failing(), r.Strict)
}

// writeCheckText prints twine check's layout: a status line per file, then
// its findings, each naming the file.
func writeCheckText(w io.Writer, results []preflight.Checked, strict bool) error {
	ew := &errWriter{w: w}
	for i := range results {
		r := &results[i]
		ew.printf("Checking %s: %s\n", r.Path, checkStatus(r, strict))
		if r.Err != nil {
			ew.printf("ERROR    %s\n", r.Err)
		}
		for _, p := range r.Problems {
			ew.printf("%-8s %s: %s\n", levelLabel(p.Severity), r.Path, p.Message)
		}
	}
	return ew.err
}

func checkStatus(r *preflight.Checked, strict bool) string {
	warnings := false
	for _, p := range r.Problems {
		warnings = warnings || p.Severity == dist.Warning
	}
	switch {
	case r.Failed(false):
		return "FAILED"
	case warnings && strict:
		return "FAILED due to warnings"
	case warnings:
		return "PASSED with warnings"
	}
	return "PASSED"
}

func levelLabel(s dist.Severity) string {
	switch s {
	case dist.Error:
		return "ERROR"
	case dist.Warning:
		return "WARNING"
	}
	return "NOTE"
}

type checkJSON struct {
	Path     string         `json:"path"`
	Passed   bool           `json:"passed"`
	Error    string         `json:"error,omitempty"`
	Dist     *dist.Dist     `json:"dist,omitempty"`
	Problems []dist.Problem `json:"problems"`
}

func writeCheckJSON(w io.Writer, r *preflight.Report) error {
	out := make([]checkJSON, len(r.Results))
	for i := range r.Results {
		c := &r.Results[i]
		out[i] = checkJSON{Path: c.Path, Passed: !c.Failed(r.Strict), Dist: c.Dist, Problems: c.Problems}
		if out[i].Problems == nil {
			out[i].Problems = []dist.Problem{}
		}
		if c.Err != nil {
			out[i].Error = c.Err.Error()
		}
	}
	return encodeJSON(w, out)
}

// encodeJSON writes v as indented JSON, made safe for logs by [safeJSON]
// (it decodes to the same values).
func encodeJSON(w io.Writer, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(safeJSON(b.Bytes()))
	return err
}

// UploadReport prints the upload's outcome on stdout: one line per file
// the index holds (status, file, sha256, and how that is known when it
// is not the index's acceptance) and where to see each release, or every
// file's outcome as JSON. Files skipped although the index holds other
// bytes are also warned about on stderr.
func (p *Printer) UploadReport(res []upload.Result, asJSON bool) error {
	defer p.warnSkipped(res)
	if asJSON {
		return writeUploadJSON(p.out, res)
	}
	ew := &errWriter{w: safeWriter{p.out}}
	var urls []string
	seen := map[string]bool{}
	for _, r := range res {
		if !r.Status.OnIndex() && r.Status != upload.Skipped {
			continue
		}
		ew.printf("%-15s %s sha256:%s%s\n", r.Status, r.Dist.Filename.Base, r.Dist.SHA256, howKnown(r))
		if r.ReleaseURL != "" && !seen[r.ReleaseURL] {
			seen[r.ReleaseURL] = true
			urls = append(urls, r.ReleaseURL)
		}
	}
	for _, u := range urls {
		ew.printf("View at: %s\n", u)
	}
	return ew.err
}

// howKnown explains an outcome that is not simply the index accepting the
// upload or its read API listing the same sha256.
func howKnown(r upload.Result) string {
	switch {
	case r.RemoteSHA256 != "":
		return " (the index has other bytes under this name: sha256:" + r.RemoteSHA256 + ")"
	case r.OtherFilename != "":
		return fmt.Sprintf(" (not on the index under this name; its bytes are, as %q)", r.OtherFilename)
	case r.Status == upload.Uploaded && r.Evidence == upload.LostAnswerDuplicate:
		return " (confirmed by the index's duplicate answer after the first answer was lost)"
	case r.Status == upload.Uploaded && r.Evidence == upload.ReadAPI:
		return " (confirmed by the read API: the index's own answer never came)"
	case r.Status == upload.Skipped && r.Evidence == upload.DuplicateAnswer:
		return " (the index says it has this file; not verified by hash)"
	}
	return ""
}

func (p *Printer) warnSkipped(res []upload.Result) {
	for _, r := range res {
		switch {
		case r.Status != upload.Skipped:
		case r.RemoteSHA256 != "":
			p.Warn(fmt.Sprintf("%s was skipped, but the index holds different bytes under this name (index sha256 %s, local sha256 %s): the release on the index is not the one built here. A published file can never be replaced; publish a new version to ship this build.",
				r.Dist.Filename.Base, r.RemoteSHA256, r.Dist.SHA256))
		case r.OtherFilename != "":
			p.Warn(fmt.Sprintf("%s was skipped: the index holds its very bytes (sha256 %s) under another name, %q, and takes no file's bytes twice; it is not on the index under its own name.",
				r.Dist.Filename.Base, r.Dist.SHA256, r.OtherFilename))
		}
	}
}

// FailureSummary says on stderr, after a failure, which files are on the
// index and which are not, so a half-published release can be finished.
// A file the index says it holds is never listed as missing.
func (p *Printer) FailureSummary(res []upload.Result) {
	var on, unverified, other, maybe, off []string
	for _, r := range res {
		name := filepath.Base(r.Dist.Path)
		switch {
		case r.Status.OnIndex():
			on = append(on, name)
		case r.Status == upload.Unknown:
			maybe = append(maybe, name)
		case r.RemoteSHA256 != "":
			other = append(other, name)
		case r.IndexHasName():
			unverified = append(unverified, name)
		case r.OtherFilename != "":
			off = append(off, fmt.Sprintf("%s (%s: its bytes are on the index as %q)", name, r.Status, r.OtherFilename))
		default:
			off = append(off, fmt.Sprintf("%s (%s)", name, r.Status))
		}
	}
	for _, group := range []struct {
		label string
		names []string
	}{
		{"on the index", on},
		{"on the index by name, not verified to be these bytes", unverified},
		{"on the index with other bytes", other},
		{"may be on the index (sent whole, but no answer said whether it was stored, and the read API could not tell)", maybe},
		{"not on the index", off},
	} {
		if len(group.names) > 0 {
			_, _ = fmt.Fprintf(p.Stderr(), "%s: %s\n", group.label, strings.Join(group.names, ", "))
		}
	}
}

// fileJSON is one file's outcome. on_index: the index holds a file with
// this name (null when that is unknown); verified: it is known to be
// these very bytes.
type fileJSON struct {
	Path         string `json:"path"`
	Filename     string `json:"filename"`
	Status       string `json:"status"`
	OnIndex      *bool  `json:"on_index"`
	Verified     bool   `json:"verified"`
	Evidence     string `json:"evidence,omitempty"`
	SHA256       string `json:"sha256"`
	RemoteSHA256 string `json:"remote_sha256,omitempty"`
	OtherFile    string `json:"same_bytes_as,omitempty"`
	Size         int64  `json:"size"`
	Attempts     int    `json:"attempts"`
	ReleaseURL   string `json:"release_url,omitempty"`
	Error        string `json:"error,omitempty"`
}

// evidenceJSON names each kind of evidence in --json, stably.
var evidenceJSON = map[upload.Evidence]string{
	upload.UploadAnswer:        "upload-answer",
	upload.ReadAPI:             "read-api",
	upload.LostAnswerDuplicate: "duplicate-after-lost-answer",
	upload.DuplicateAnswer:     "duplicate-answer",
}

// onIndexJSON is on_index: null when the file's fate is unknown.
func onIndexJSON(r upload.Result) *bool {
	if r.Status == upload.Unknown {
		return nil
	}
	has := r.IndexHasName()
	return &has
}

func writeUploadJSON(w io.Writer, res []upload.Result) error {
	out := make([]fileJSON, len(res))
	for i, r := range res {
		out[i] = fileJSON{
			Path: r.Dist.Path, Filename: r.Dist.Filename.Base, Status: r.Status.String(),
			OnIndex: onIndexJSON(r), Verified: r.Verified(), Evidence: evidenceJSON[r.Evidence],
			SHA256: r.Dist.SHA256, RemoteSHA256: r.RemoteSHA256, OtherFile: r.OtherFilename, Size: r.Dist.Size, Attempts: r.Attempts, ReleaseURL: r.ReleaseURL,
		}
		if r.Err != nil {
			out[i].Error = r.Err.Error()
		}
	}
	return encodeJSON(w, out)
}

// JSON prints v as indented JSON on stdout.
func (p *Printer) JSON(v any) error { return encodeJSON(p.out, v) }

// Print writes text to stdout, neutralised (it is never cut: it is a
// result).
func (p *Printer) Print(text string) error {
	_, err := io.WriteString(p.out, neutralize(text))
	return err
}
