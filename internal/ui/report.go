package ui

import (
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
	return writeCheckText(p.out, r.Results, r.Strict)
}

// CheckFailures prints the files that failed on stderr, before an upload
// that will not start.
func (p *Printer) CheckFailures(r *preflight.Report) error {
	return writeCheckText(p.err, r.Failing(), r.Strict)
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

func encodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// UploadReport prints the upload's outcome on stdout: one line per file on
// the index (status, file, sha256) and where to see each release, or every
// file's outcome as JSON.
func (p *Printer) UploadReport(res []upload.Result, asJSON bool) error {
	if asJSON {
		return writeUploadJSON(p.out, res)
	}
	ew := &errWriter{w: p.out}
	var urls []string
	seen := map[string]bool{}
	for _, r := range res {
		if !r.Status.OnIndex() {
			continue
		}
		ew.printf("%-15s %s sha256:%s\n", r.Status, r.Dist.Filename.Base, r.Dist.SHA256)
		if !seen[r.ReleaseURL] {
			seen[r.ReleaseURL] = true
			urls = append(urls, r.ReleaseURL)
		}
	}
	for _, u := range urls {
		ew.printf("View at: %s\n", u)
	}
	return ew.err
}

// FailureSummary says on stderr, after a failure, which files are on the
// index and which are not, so a half-published release can be finished.
func (p *Printer) FailureSummary(res []upload.Result) {
	var on, off []string
	for _, r := range res {
		if r.Status.OnIndex() {
			on = append(on, filepath.Base(r.Dist.Path))
		} else {
			off = append(off, fmt.Sprintf("%s (%s)", filepath.Base(r.Dist.Path), r.Status))
		}
	}
	if len(on) > 0 {
		_, _ = fmt.Fprintf(p.err, "on the index: %s\n", strings.Join(on, ", "))
	}
	if len(off) > 0 {
		_, _ = fmt.Fprintf(p.err, "not on the index: %s\n", strings.Join(off, ", "))
	}
}

type fileJSON struct {
	Path       string `json:"path"`
	Filename   string `json:"filename"`
	Status     string `json:"status"`
	OnIndex    bool   `json:"on_index"`
	SHA256     string `json:"sha256"`
	Size       int64  `json:"size"`
	Attempts   int    `json:"attempts"`
	ReleaseURL string `json:"release_url"`
	Error      string `json:"error,omitempty"`
}

func writeUploadJSON(w io.Writer, res []upload.Result) error {
	out := make([]fileJSON, len(res))
	for i, r := range res {
		out[i] = fileJSON{
			Path: r.Dist.Path, Filename: r.Dist.Filename.Base, Status: r.Status.String(), OnIndex: r.Status.OnIndex(),
			SHA256: r.Dist.SHA256, Size: r.Dist.Size, Attempts: r.Attempts, ReleaseURL: r.ReleaseURL,
		}
		if r.Err != nil {
			out[i].Error = r.Err.Error()
		}
	}
	return encodeJSON(w, out)
}

// JSON prints v as indented JSON on stdout.
func (p *Printer) JSON(v any) error { return encodeJSON(p.out, v) }

// Print writes text to stdout as it is.
func (p *Printer) Print(text string) error {
	_, err := io.WriteString(p.out, text)
	return err
}
