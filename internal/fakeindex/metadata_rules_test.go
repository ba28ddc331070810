package fakeindex

import (
	"bufio"
	"encoding/json"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/pyupload/pyupload/internal/refdata"
	"github.com/pyupload/pyupload/pkg/dist"
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
	defer func() { _ = f.Close() }()
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
	{"classifier deprecated with replacement", "Metadata-Version: 2.1\nClassifier: Natural Language :: Ukranian\n", "The classifier 'Natural Language :: Ukranian' has been deprecated, use one of ['Natural Language :: Ukrainian'] instead."}, //nolint:misspell // the deprecated classifier is spelled so
	{"classifier deprecated", "Metadata-Version: 2.1\nClassifier: Topic :: Communications :: Chat :: AOL Instant Messenger\n", "The classifier 'Topic :: Communications :: Chat :: AOL Instant Messenger' has been deprecated."},
	{"dynamic ok", "Metadata-Version: 2.2\nDynamic: license\nDynamic: Import-Name\n", ""},
	{"dynamic name", "Metadata-Version: 2.2\nDynamic: Name\n", "'name' is not allowed as a dynamic field"},
	{"dynamic unknown", "Metadata-Version: 2.2\nDynamic: colour\n", "'colour' is not a valid dynamic field"},
	{"dynamic dynamic", "Metadata-Version: 2.2\nDynamic: Dynamic\n", "Dynamic field 'dynamic' is not a valid dynamic field."},
	{"dynamic dotted capital I", "Metadata-Version: 2.2\nDynamic: L\u0130cense\n", "is not a valid dynamic field"},
	{"import name ok", "Metadata-Version: 2.5\nImport-Name: pkg.sub_mod ; private\nImport-Namespace: ns\nImport-Name: caf\u00e9.x\u00b7\u0300\n", ""},
	{"import name keyword", "Metadata-Version: 2.5\nImport-Name: pkg.class\n", "'pkg.class' is invalid for 'import-name'; 'class' is a keyword"},
	{"import name identifier", "Metadata-Version: 2.5\nImport-Namespace: 1pkg\n", "'1pkg' is invalid for 'import-namespace'; '1pkg' is not a valid identifier"},
	{"import name option", "Metadata-Version: 2.5\nImport-Name: pkg; public\n", "'pkg; public' is invalid for 'import-name'; the only valid option is 'private'"},
	{"import name before 2.5", "Metadata-Version: 2.4\nImport-Name: pkg\n", "import-name introduced in metadata version 2.5, not 2.4"},
	{"project url ok", "Metadata-Version: 2.1\nProject-URL: Source, https://exa mple.com/a/[x]/..\nProject-URL: Docs,http:docs\n", ""},
	{"project url label long", "Metadata-Version: 2.1\nProject-URL: " + strings.Repeat("L", 33) + ", https://x.org\n", "'" + strings.Repeat("L", 33) + "' must be 32 characters or less."},
	{"project url no label", "Metadata-Version: 2.1\nProject-URL: , https://x.org\n", "Must have a label."},
	{"project url no url", "Metadata-Version: 2.1\nProject-URL: Source\n", "Must have a URL."},
	{"project url scheme", "Metadata-Version: 2.1\nProject-URL: Chat, irc://x.org\n", "'irc://x.org' is not a valid url"},
	{"project url brackets", "Metadata-Version: 2.1\nProject-URL: Q, https://x.org/?a[0]=1\n", "'https://x.org/?a[0]=1' is not a valid url"},
	{"project url port", "Metadata-Version: 2.1\nProject-URL: P, https://x.org:70000/\n", "'https://x.org:70000/' is not a valid url"},
	{"project url duplicate", "Metadata-Version: 2.1\nProject-URL: Source, https://x.org\nProject-URL: Source , https://y.org\n", "'project_urls' has invalid data."},
	{"home page", "Metadata-Version: 2.1\nHome-page: www.example.org\n", "'www.example.org' is not a valid url."},
	{"home page port text", "Metadata-Version: 2.1\nDownload-URL: https://x.org:port/\n", ""},
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

// TestLicenseVerdictsAgree generates expressions from SPDX-like pieces and
// compares the client's verdict (dist.Check) with the index's, so the two
// independent readings of packaging meet on far more than the corpus.
func TestLicenseVerdictsAgree(t *testing.T) {
	t.Parallel()
	pieces := []string{"MIT", "mit+", "Apache-2.0", "GPL-2.0-only", "LLVM-exception", "Classpath-exception-2.0", "LicenseRef-a",
		"LicenseRef-a+", "licenseref-B.1", "DocumentRef-d:LicenseRef-e", "Foo", "AND", "and", "Or", "WITH", "with", "(", ")", "((", "))", "+", "\u212a", "\u0130"}
	spdx := refdata.LoadSPDX()
	rnd := rand.New(rand.NewPCG(10, 10))
	for range 20000 {
		var b strings.Builder
		for j := range 1 + rnd.IntN(7) {
			if j > 0 && rnd.IntN(4) > 0 {
				b.WriteString([]string{" ", "\t", "  ", "\u3000"}[rnd.IntN(4)])
			}
			b.WriteString(pieces[rnd.IntN(len(pieces))])
		}
		expr := b.String()
		d := &dist.Dist{Filename: &dist.Filename{Base: "x-1.0.tar.gz", Kind: dist.Sdist},
			Metadata: &dist.Metadata{MetadataVersion: "2.4", Name: "x", Version: "1.0", LicenseExpression: expr}}
		client := slices.ContainsFunc(dist.Check(d), func(p dist.Problem) bool {
			return p.Field == "License-Expression" && p.Severity == dist.Error
		})
		if index := judgeLicenseExpression(expr, spdx) != licenseOK; client != index {
			t.Errorf("%q: client refuses: %v, index refuses: %v", expr, client, index)
		}
	}
}
