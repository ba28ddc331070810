package fakeindex

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/pyupload/pyupload/internal/refdata"
)

// TestLicenseOracleAsPackaging runs the index's License-Expression judge
// over the corpus packaging itself judged (pkg/dist/testdata/license,
// written by scripts/refdata.py): valid, invalid and crashing alike.
func TestLicenseOracleAsPackaging(t *testing.T) {
	t.Parallel()
	f, err := os.Open(repoRoot + "/pkg/dist/testdata/license/packaging.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	spdx := refdata.LoadSPDX()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var a struct{ In, OK, Error, Crash string }
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatal(err)
		}
		want := licenseOK
		switch {
		case a.Error != "":
			want = licenseInvalid
		case a.Crash != "":
			want = licenseCrash
		}
		if got := judgeLicenseExpression(a.In, spdx); got != want {
			t.Errorf("%q: verdict %d, packaging %d (%s%s)", a.In, got, want, a.Error, a.Crash)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}

// metadataRuleCases are one metadata file per rule this index and the
// client both enforce, with the text PyPI answers ("" for a file PyPI
// takes). Each is uploaded as a wheel otherwise sound.
var metadataRuleCases = []struct{ name, headers, want string }{
	{"license ok", "Metadata-Version: 2.4\nLicense-Expression: mit and (apache-2.0 Or bsd-2-clause)\n", ""},
	{"license unknown", "Metadata-Version: 2.4\nLicense-Expression: MIT OR Nope-1.0\n", "'MIT OR Nope-1.0' is invalid for 'license-expression'"},
	{"license unknown exception", "Metadata-Version: 2.4\nLicense-Expression: MIT WITH MIT\n", "'MIT WITH MIT' is invalid for 'license-expression'"},
	{"license syntax", "Metadata-Version: 2.4\nLicense-Expression: (MIT\n", "'(MIT' is invalid for 'license-expression'"},
	{"license documentref", "Metadata-Version: 2.4\nLicense-Expression: DocumentRef-a:LicenseRef-b\n", "'DocumentRef-a:LicenseRef-b' is invalid for 'license-expression'"},
	{"license licenseref", "Metadata-Version: 2.4\nLicense-Expression: LicenseRef-Mine OR LicenseRef-\n", ""},
	{"license licenseref plus", "Metadata-Version: 2.4\nLicense-Expression: LicenseRef-Mine+\n", "Internal Server Error"},
	{"license before 2.4", "Metadata-Version: 2.3\nLicense-Expression: MIT\n", "license-expression introduced in metadata version 2.4, not 2.3"},
	{"classifier ok", "Metadata-Version: 2.1\nClassifier: Programming Language :: Python :: 3\n", ""},
	{"classifier unknown", "Metadata-Version: 2.1\nClassifier: Programming Language :: Cobol :: 2\n", "'Programming Language :: Cobol :: 2' is not a valid classifier."},
	{"classifier private", "Metadata-Version: 2.1\nClassifier: Private :: Do Not Upload\n", "'Private :: Do Not Upload' is not a valid classifier."},
	{"classifier deprecated with replacement", "Metadata-Version: 2.1\nClassifier: Natural Language :: Ukranian\n", "The classifier 'Natural Language :: Ukranian' has been deprecated, use one of ['Natural Language :: Ukrainian'] instead."},
	{"classifier deprecated", "Metadata-Version: 2.1\nClassifier: Topic :: Communications :: Chat :: AOL Instant Messenger\n", "The classifier 'Topic :: Communications :: Chat :: AOL Instant Messenger' has been deprecated."},
	{"classifiers sorted", "Metadata-Version: 2.1\nClassifier: Zzz\nClassifier: Aaa\n", "'Aaa' is not a valid classifier."},
}

// TestMetadataRulesAgree: for each rule, the client refuses exactly the
// files the index refuses, and its first error begins with the index's
// text (the client adds why, and which list it used, after it).
func TestMetadataRulesAgree(t *testing.T) {
	t.Parallel()
	for _, tt := range metadataRuleCases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := metadataWheel(t, tt.name, []byte(strings.Replace(tt.headers, "\n", "\nName: rule\nVersion: 1.0\n", 1)+"\nbody\n"))
			client, index := clientVerdict(c), indexVerdict(t, c)
			index = strings.TrimSuffix(strings.TrimPrefix(index, "400 "), " See "+coreMetadataURL+" for more information.")
			switch {
			case tt.want == "" && (client != "" || index != ""):
				t.Errorf("client %s, index %s; want both to accept", verdict(client), verdict(index))
			case tt.want == "":
			case !strings.Contains(index, tt.want):
				t.Errorf("index %s; want %q", verdict(index), tt.want)
			case !strings.HasPrefix(client, strings.TrimSuffix(strings.TrimPrefix(index, "500 "), ".")) && !strings.Contains(client, tt.want):
				t.Errorf("client %s; want it to begin with the index's %q", verdict(client), index)
			}
		})
	}
}
