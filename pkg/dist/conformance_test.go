//go:build conformance

// The conformance tests compare pkg/dist with the Python tools on this
// machine: Debian's /usr/bin/python3 (its email parser) and twine 4.0.2.
// `make conformance` runs them; .ci/run installs the tools first. They fail,
// never skip, when a tool is missing.

package dist

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const debianPython = "/usr/bin/python3"

type pyMetadata struct {
	Headers [][2]string `json:"headers"`
	Body    string      `json:"body"`
	Error   string      `json:"error"`
}

// fieldsOf flattens metadata into header → values, dropping empty values
// (an empty header is the same as an absent one to the index).
func fieldsOf(m *Metadata) map[string][]string {
	out := map[string][]string{}
	for i := range Fields {
		for _, v := range Fields[i].Values(m) {
			if v != "" {
				h := strings.ToLower(Fields[i].Header)
				out[h] = append(out[h], v)
			}
		}
	}
	for _, u := range m.Unknown {
		name, value, _ := strings.Cut(u, ": ")
		out[strings.ToLower(name)] = append(out[strings.ToLower(name)], value)
	}
	return out
}

func (p *pyMetadata) fields() map[string][]string {
	out := map[string][]string{}
	for _, h := range p.Headers {
		if h[1] != "" {
			name := strings.ToLower(h[0])
			out[name] = append(out[name], h[1])
		}
	}
	if p.Body != "" {
		out["description"] = []string{p.Body}
	}
	return out
}

// TestConformanceMetadata: for every good dist, the metadata pkg/dist
// parses equals, field by field, what Python's email parser reads.
func TestConformanceMetadata(t *testing.T) {
	paths := distFiles(t, goodDir)
	args := append([]string{"../../testdata/conformance/read_metadata.py"}, paths...)
	out, err := exec.CommandContext(t.Context(), debianPython, args...).Output()
	if err != nil {
		t.Fatalf("running read_metadata.py with %s (install Debian's python3): %v", debianPython, err)
	}
	var py map[string]*pyMetadata
	if err := json.Unmarshal(out, &py); err != nil {
		t.Fatalf("decoding read_metadata.py output: %v", err)
	}
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			want := py[p]
			if want == nil || want.Error != "" {
				t.Fatalf("Python could not read %s: %+v", p, want)
			}
			d, err := Open(p)
			if err != nil {
				t.Fatalf("Open(%q) error = %v", p, err)
			}
			if diff := cmp.Diff(want.fields(), fieldsOf(d.Metadata)); diff != "" {
				t.Errorf("metadata of %s differs from Python's email parser (-python +pyupload):\n%s", p, diff)
			}
		})
	}
}

// twineDivergence lists files where twine 4.0.2 is known to be wrong, with
// what it says; the test asserts it still says so.
var twineDivergence = map[string]string{
	// pkginfo (under twine 4.0.2) replaces a wheel's Description header by
	// the empty message body, so twine sees no description and fails to
	// render it; it would also upload the wheel without its description.
	"pyupload_mv11-1.1-py3-none-any.whl": "No content rendered from RST source.",
	"pyupload_mv12-1.2-py3-none-any.whl": "No content rendered from RST source.",
	// pkginfo reads only the headers of the Metadata-Version it knows; 2.0
	// has no Description-Content-Type, so twine misses the header that is
	// there. (The index refuses 2.0 anyway; pyupload says so.)
	"metadata_version_2_0-1.0-py3-none-any.whl": "`long_description_content_type` missing.",
}

var (
	ansi        = regexp.MustCompile(`\x1b\[[0-9;]*m`)
	twineStatus = regexp.MustCompile(`(?m)^Checking \S+: (PASSED with warnings|PASSED|FAILED)`)
	twineWarn   = regexp.MustCompile("(?m)^WARNING +(.*)$")
)

// TestConformanceTwineCheck: wherever twine 4.0.2 can read a file, its
// verdict on the description (warnings, rendering failure) equals ours.
// pyupload checks far more than twine; those extra errors are not compared
// here (the malformed corpus test asserts them).
func TestConformanceTwineCheck(t *testing.T) {
	paths := append(distFiles(t, goodDir), distFiles(t, badDir)...)
	compared := 0
	for _, p := range paths {
		base := filepath.Base(p)
		out, _ := exec.CommandContext(t.Context(), debianPython, "-m", "twine", "check", p).CombinedOutput()
		text := ansi.ReplaceAllString(string(out), "")
		if strings.Contains(text, "No module named twine") {
			t.Fatalf("twine is not installed for %s: %s", debianPython, text)
		}
		status := twineStatus.FindStringSubmatch(text)
		if status == nil {
			continue // twine cannot read it (traceback or InvalidDistribution)
		}
		d, err := Open(p)
		if err != nil {
			continue // pyupload refuses the archive outright: stricter than twine
		}
		compared++
		var ours []string
		renderFails := false
		for _, prob := range Check(d) {
			if prob.Severity == Warning {
				ours = append(ours, prob.Message)
			}
			if strings.HasPrefix(prob.Message, "`long_description` has syntax errors") {
				renderFails = true
			}
		}
		var theirs []string
		for _, m := range twineWarn.FindAllStringSubmatch(text, -1) {
			theirs = append(theirs, strings.TrimSpace(m[1]))
		}
		twineFails := status[1] == "FAILED"
		if why, ok := twineDivergence[base]; ok {
			if !strings.Contains(text, why) {
				t.Errorf("%s: twine no longer says %q; revisit twineDivergence:\n%s", base, why, text)
			}
			continue
		}
		slices.Sort(ours)
		slices.Sort(theirs)
		if diff := cmp.Diff(theirs, ours); diff != "" {
			t.Errorf("%s: warnings differ from twine check (-twine +pyupload):\n%s\ntwine said:\n%s", base, diff, text)
		}
		if twineFails != renderFails {
			t.Errorf("%s: twine check rendering failure = %v, pyupload = %v\ntwine said:\n%s", base, twineFails, renderFails, text)
		}
	}
	if compared < 40 {
		t.Errorf("compared %d files with twine, want at least 40", compared)
	}
}
