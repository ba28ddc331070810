package dist

import (
	"strings"
	"testing"

	"github.com/pyupload/pyupload/pkg/pep440"
)

func sdist(path, name, version string) *Dist {
	base := path[strings.LastIndexByte(path, '/')+1:]
	return &Dist{Path: path, Filename: &Filename{Base: base, Kind: Sdist}, Metadata: &Metadata{Name: name, Version: version}}
}

func TestCheckBatch(t *testing.T) {
	t.Parallel()
	ds := []*Dist{
		sdist("a/pkg-1.0.tar.gz", "pkg", "1.0"),
		sdist("b/pkg-1.0.tar.gz", "pkg", "1.0"),     // same file name
		sdist("c/Pkg-1.0.0.tar.gz", "Pkg", "1.0.0"), // same release as the first
		sdist("d/pkg-2.0.tar.gz", "pkg", "2.0"),     // another release
		{Path: "e/pkg-1.0-py3-none-any.whl", Filename: &Filename{Base: "pkg-1.0-py3-none-any.whl", Kind: Wheel}, Metadata: &Metadata{Name: "pkg", Version: "1.0"}},
	}
	got := CheckBatch(ds)
	want := []string{"", "the same file name is also given as a/pkg-1.0.tar.gz", "Only one sdist may be uploaded per release: a/pkg-1.0.tar.gz", "", ""}
	for i, w := range want {
		switch {
		case w == "" && len(got[i]) != 0:
			t.Errorf("CheckBatch()[%d] = %v, want no problems", i, got[i])
		case w != "" && (len(got[i]) != 1 || !strings.Contains(got[i][0].Message, w)):
			t.Errorf("CheckBatch()[%d] = %v, want one problem containing %q", i, got[i], w)
		}
	}
}

func TestCheckContentType(t *testing.T) {
	t.Parallel()
	tests := map[string]bool{
		"text/markdown": true, "text/markdown; charset=UTF-8; variant=GFM": true, "text/x-rst": true,
		"TEXT/PLAIN": true, "text/markdown; variant=CommonMark": true, "text/html": false,
		"text/markdown; charset=latin-1": false, "text/markdown; variant=Original": false, "": false,
	}
	for ct, ok := range tests {
		if got := checkContentType(ct) == ""; got != ok {
			t.Errorf("checkContentType(%q) accepted = %v, want %v", ct, got, ok)
		}
	}
}

func TestSpecifiersAndExpressions(t *testing.T) {
	t.Parallel()
	specs := map[string]bool{
		">=3.9": true, ">=3.8, !=3.9.*, <4": true, "~=3.10": true, "===foo": true,
		// packaging's SpecifierSet drops empty items, so the index accepts these.
		">=3.9,": true, ">=3.9, ,<4": true, ",": true, " , ": true,
		"3.9": false, ">=": false, "=>3.9": false, ">=3.9,3.10": false,
	}
	for s, ok := range specs {
		if _, err := pep440.ParseSpecifierSet(s); (err == nil) != ok {
			t.Errorf("pep440.ParseSpecifierSet(%q) error = %v, want valid %v", s, err, ok)
		}
	}
	emails := map[string]bool{"a@example.org": true, `"Doe, Jane" <jane@example.org>, bob@example.com`: true, "not-an-email": false, "a@localhost": false, "a b@example.org": false}
	for e, ok := range emails {
		all := true
		for _, a := range splitAddresses(e) {
			all = all && plausibleEmail(a)
		}
		if all != ok {
			t.Errorf("email list %q valid = %v, want %v", e, all, ok)
		}
	}
}

func TestRSTRenderErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, text string
		want       int
	}{
		{"known directives", "Title\n=====\n\n.. note::\n\n   hi\n\n.. code-block:: python\n\n   x = 1\n", 0},
		{"unknown directive", ".. nope::\n", 1},
		{"raw is disabled", ".. raw:: html\n\n   <b>x</b>\n", 1},
		{"comment is not a directive", "Text.\n\n.. this is a comment\n", 0},
		{"only a comment renders nothing", ".. this is a comment\n", 1},
		{"target and substitution", "Text |sub|.\n\n.. _target: https://x\n.. |sub| replace:: x\n", 0},
		{"title underline too short", "Title\n====\n\nText.\n", 1},
		{"example inside a literal block", "Example::\n\n    .. nope::\n\nback\n", 0},
		{"after the literal block ends", "Example::\n\n    text\n\n.. nope::\n", 1},
	}
	for _, tt := range tests {
		if got := rstRenderErrors(tt.text); len(got) != tt.want {
			t.Errorf("%s: rstRenderErrors() = %v, want %d errors", tt.name, got, tt.want)
		}
	}
}

// TestCheckRequiresPython: the index validates Requires-Python with
// packaging's SpecifierSet, which ignores empty items, so a trailing comma
// is no error.
func TestCheckRequiresPython(t *testing.T) {
	t.Parallel()
	tests := []struct {
		value string
		want  bool // an error is reported
	}{
		{">=3.9", false},
		{">=3.9,", false},
		{">=3.9, <4,", false},
		{",", false},
		{">=3.9,,<4", false},
		{">=3.9, 3.10", true},
		{"3.9", true},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			t.Parallel()
			d := sdist("x-1.0.tar.gz", "x", "1.0")
			d.Metadata.MetadataVersion, d.Metadata.RequiresPython = "2.1", tt.value
			var got []string
			for _, p := range Check(d) {
				if p.Field == "Requires-Python" && p.Severity == Error {
					got = append(got, p.Message)
				}
			}
			if (len(got) > 0) != tt.want {
				t.Errorf("Check(Requires-Python %q) errors = %q, want an error: %v", tt.value, got, tt.want)
			}
		})
	}
}

// TestUnknownIsNeverJudged: values that strip to UNKNOWN, as distutils and
// old setuptools write them for a bare setup(), are never sent, so no rule
// judges them (the index deletes them too).
func TestUnknownIsNeverJudged(t *testing.T) {
	t.Parallel()
	d := sdist("legacy_pkg-1.0.tar.gz", "legacy-pkg", "1.0")
	fn, err := ParseFilename("legacy_pkg-1.0.tar.gz")
	if err != nil {
		t.Fatal(err)
	}
	d.Filename = fn
	m := d.Metadata
	m.MetadataVersion = "1.0"
	m.Summary, m.HomePage, m.AuthorEmail, m.License = "UNKNOWN", "UNKNOWN", "UNKNOWN", " UNKNOWN "
	m.MaintainerEmail, m.RequiresPython, m.DescriptionContentType, m.DownloadURL = "UNKNOWN", "UNKNOWN", "UNKNOWN", "UNKNOWN"
	m.Platforms, m.LicenseFiles, m.Dynamic = []string{"UNKNOWN"}, []string{"UNKNOWN"}, []string{"UNKNOWN"}
	d.layout.metadataPath = "legacy_pkg-1.0/PKG-INFO"
	for _, p := range Check(d) {
		if p.Severity == Error {
			t.Errorf("error on UNKNOWN values: %s: %s", p.Field, p.Message)
		}
	}
	m.MetadataVersion, m.LicenseExpression = "2.4", "MIT"
	for _, p := range Check(d) {
		if p.Severity == Error {
			t.Errorf("License: UNKNOWN with License-Expression: %s: %s", p.Field, p.Message)
		}
	}
}

// TestCheckDescriptionMarkup: a reStructuredText description PyPI would
// refuse is an error worded as twine check words it, with docutils'
// message; other content types are not rendered.
func TestCheckDescriptionMarkup(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ctype, desc, want string
	}{
		{"text/x-rst", "Title\n====\n\nText.\n", "`long_description` has syntax errors in markup and would not be rendered on PyPI. line 2: Warning: Title underline too short."},
		{"", "Use :foo:`x`.\n", "`long_description` has syntax errors in markup and would not be rendered on PyPI. line 1: Error: Unknown interpreted text role \"foo\"."},
		{"text/x-rst; charset=UTF-8", "See `one`__.\n", "`long_description` has syntax errors in markup and would not be rendered on PyPI. <string>: (ERROR/3) Anonymous hyperlink mismatch: 1 references but 0 targets.\nSee \"backrefs\" attribute for IDs."},
		{"text/markdown", "Title\n====\n", ""},
		{"text/x-rst", "Title\n=====\n\nText.\n", ""},
	}
	for _, tt := range tests {
		d := sdist("x-1.0.tar.gz", "x", "1.0")
		d.Metadata.MetadataVersion, d.Metadata.DescriptionContentType, d.Metadata.Description = "2.1", tt.ctype, tt.desc
		got := ""
		for _, p := range Check(d) {
			if p.Field == "Description" && p.Severity == Error {
				got = p.Message
			}
		}
		if got != tt.want {
			t.Errorf("%q %q: got %q, want %q", tt.ctype, tt.desc, got, tt.want)
		}
	}
}
