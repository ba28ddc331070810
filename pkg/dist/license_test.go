package dist

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/pyupload/pyupload/internal/refdata"
)

// packagingAnswer is what packaging's canonicalize_license_expression made
// of one corpus line (scripts/refdata.py --license-corpus): the normalized
// expression, its InvalidLicenseExpression message, or the name of the
// exception it crashed with.
type packagingAnswer struct {
	In    string `json:"in"`
	OK    string `json:"ok"`
	Error string `json:"error"`
	Crash string `json:"crash"`
}

// TestLicenseExpressionsAsPackaging is the differential test: every
// expression of testdata/license/corpus.txt, judged by packaging itself
// when the data was generated, must get the same answer here, to the
// message. (packaging ran on the generating machine's Python; PyPI runs
// 3.14, whose parenthesis limit is the same 200.)
func TestLicenseExpressionsAsPackaging(t *testing.T) {
	t.Parallel()
	f, err := os.Open("testdata/license/packaging.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	spdx := refdata.LoadSPDX()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		var a packagingAnswer
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatal(err)
		}
		n++
		got, err := canonicalLicenseExpression(a.In, spdx)
		var le *licenseError
		switch {
		case a.OK != "" && (err != nil || got != a.OK):
			t.Errorf("%q: got %q, %v; packaging: %q", a.In, got, err, a.OK)
		case a.Error != "" && (err == nil || err.Error() != a.Error):
			t.Errorf("%q: got %q, %v; packaging: error %q", a.In, got, err, a.Error)
		case a.Crash != "" && (!errors.As(err, &le) || !le.crash):
			t.Errorf("%q: got %q, %v; packaging crashes with %s", a.In, got, err, a.Crash)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 1000 {
		t.Fatalf("%d answers; want the whole corpus", n)
	}
}

// TestCheckLicenseExpression asserts PyPI's text and the hint for each
// kind of invalid expression.
func TestCheckLicenseExpression(t *testing.T) {
	t.Parallel()
	list := "SPDX license list " + refdata.LoadSPDX().ListVersion + " as in packaging 26.2)"
	tests := []struct {
		expr, mv string
		want     []string // "" when the expression is valid
	}{
		{"MIT", "2.4", nil},
		{"mit and (apache-2.0 Or bsd-2-clause)", "2.4", nil},
		{"GPL-2.0-only WITH Classpath-exception-2.0", "2.4", nil},
		{"LicenseRef-My-License", "2.4", nil},
		{"GPL-2.0", "2.4", nil}, // deprecated ids are still accepted
		{"Use-it-after-midnight", "2.4", []string{"'Use-it-after-midnight' is invalid for 'license-expression' (Unknown license: 'use-it-after-midnight'; " + list}},
		{"Apache-2", "2.4", []string{"(Unknown license: 'apache-2'; did you mean 'Apache-2.0'", list}},
		{"MIT WITH GPL-2.0", "2.4", []string{"'MIT WITH GPL-2.0' is invalid for 'license-expression' (Unknown license exception: 'gpl-2.0'"}},
		{"MIT OR", "2.4", []string{"'MIT OR' is invalid for 'license-expression' (Invalid license expression: 'MIT OR'; " + list}},
		{"DocumentRef-a:LicenseRef-b", "2.4", []string{"(Unknown license: 'documentref-a:licenseref-b'"}},
		{"LicenseRef-a_b", "2.4", []string{"(Invalid licenseref: 'licenseref-a_b'"}},
		{"LicenseRef-a+", "2.4", []string{"500 Internal Server Error"}},
		{"it's MIT", "2.4", []string{`"it's MIT" is invalid for 'license-expression'`}},
		{"MIT", "2.1", []string{"license-expression introduced in metadata version 2.4, not 2.1."}},
	}
	for _, tt := range tests {
		d := sdist("x-1.0.tar.gz", "x", "1.0")
		d.Metadata.MetadataVersion, d.Metadata.LicenseExpression = tt.mv, tt.expr
		var got []string
		for _, p := range Check(d) {
			if p.Field == "License-Expression" && p.Severity == Error {
				got = append(got, p.Message)
			}
		}
		if len(tt.want) == 0 && len(got) > 0 || len(tt.want) > 0 && len(got) != 1 {
			t.Errorf("%q: errors %q, want %d", tt.expr, got, min(1, len(tt.want)))
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(got[0], w) {
				t.Errorf("%q: %q, want it to contain %q", tt.expr, got[0], w)
			}
		}
	}
}

// FuzzLicenseExpression: the parser never panics, what it accepts it
// accepts again in its normalized form (packaging's output is a fixed
// point), and operators come out upper case.
func FuzzLicenseExpression(f *testing.F) {
	for _, s := range []string{"MIT", "mit and (apache-2.0 or bsd-2-clause)", "GPL-2.0+ WITH Classpath-exception-2.0",
		"LicenseRef-a+ OR LicenseRef-a", "((MIT)", "MIT WITH", "\u0130", "No\u212aia", "(((((MIT)))))"} {
		f.Add(s)
	}
	spdx := refdata.LoadSPDX()
	f.Fuzz(func(t *testing.T, s string) {
		norm, err := canonicalLicenseExpression(s, spdx)
		if err != nil {
			return
		}
		again, err := canonicalLicenseExpression(norm, spdx)
		if err != nil || again != norm {
			t.Fatalf("%q normalizes to %q, which gives %q, %v", s, norm, again, err)
		}
	})
}

// TestUnsentValuesAreNotChecked: values that strip to "UNKNOWN" are left
// out of the upload form (the index would delete them), so no rule
// applies to them.
func TestUnsentValuesAreNotChecked(t *testing.T) {
	t.Parallel()
	d := sdist("x-1.0.tar.gz", "x", "1.0")
	m := d.Metadata
	m.MetadataVersion, m.HomePage, m.DownloadURL, m.LicenseExpression = "2.5", "UNKNOWN", " UNKNOWN ", "UNKNOWN"
	m.Classifiers, m.Dynamic, m.ImportNames, m.ProjectURLs = []string{"UNKNOWN"}, []string{"UNKNOWN"}, []string{"UNKNOWN "}, []string{"UNKNOWN"}
	for _, p := range Check(d) {
		if p.Severity == Error && p.Field != "Name" && p.Field != "" {
			t.Errorf("%s: %s", p.Field, p.Message)
		}
	}
}
