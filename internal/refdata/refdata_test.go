package refdata

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestEmbeddedLists(t *testing.T) {
	t.Parallel()
	s := LoadSPDX()
	tests := []struct {
		name string
		got  bool
	}{
		{"list version stated", s.ListVersion != ""},
		{"packaging version stated", s.Header["source-version"] != ""},
		{"MIT is a license", s.Licenses["mit"].ID == "MIT"},
		{"Apache-2.0 keeps its case", s.Licenses["apache-2.0"].ID == "Apache-2.0"},
		{"GPL-2.0 is deprecated", s.Licenses["gpl-2.0"].Deprecated},
		{"Classpath-exception-2.0 is an exception", s.Exceptions["classpath-exception-2.0"].ID == "Classpath-exception-2.0"},
		{"an exception is no license", s.Licenses["classpath-exception-2.0"].ID == ""},
		{"hundreds of licenses", len(s.Licenses) > 500},
	}
	c := LoadClassifiers()
	tests = append(tests, []struct {
		name string
		got  bool
	}{
		{"trove-classifiers version stated", c.Header["source-version"] != "" && c.Header["pypi-pins"] != ""},
		{"a current classifier", c.Valid["Programming Language :: Python :: 3"]},
		{"a deprecated classifier is known", c.Valid["Natural Language :: Ukranian"]},                                                                                     //nolint:misspell // the deprecated classifier is spelled so
		{"its replacement", len(c.Deprecated["Natural Language :: Ukranian"]) == 1 && c.Deprecated["Natural Language :: Ukranian"][0] == "Natural Language :: Ukrainian"}, //nolint:misspell // the deprecated classifier is spelled so
		{"deprecated without replacement", c.Deprecated["Topic :: Communications :: Chat :: AOL Instant Messenger"] != nil},
		{"Private :: is never valid", !c.Valid["Private :: Do Not Upload"]},
	}...)
	for _, tt := range tests {
		if !tt.got {
			t.Errorf("%s: false", tt.name)
		}
	}
}

func TestMalformedLists(t *testing.T) {
	t.Parallel()
	for _, text := range []string{"", "# spdx-list-version: 1\nlicense\n", "# spdx-list-version: 1\nfoo\tMIT\n", "# spdx-list-version: 1\nlicense\tMIT\tx\n"} {
		if _, err := parseSPDX(text); err == nil {
			t.Errorf("parseSPDX(%q) = nil error", text)
		}
	}
	for _, text := range []string{"", "# source-version: 1\nclassifier\ta\tb\n", "# source-version: 1\nnope\ta\n"} {
		if _, err := parseClassifiers(text); err == nil {
			t.Errorf("parseClassifiers(%q) = nil error", text)
		}
	}
}

// TestDebianClassifiers cross-checks the generated list with Debian's
// python3-trove-classifiers (2023.4.18, too old to ship: PyPI takes newer
// classifiers). trove-classifiers never removes a classifier, it
// deprecates it, so every classifier Debian knows must be in the list, as
// valid or as deprecated. It skips only outside CI when the package is
// missing; CI installs it (.ci/run).
func TestDebianClassifiers(t *testing.T) {
	t.Parallel()
	const script = `import json, trove_classifiers as t
print(json.dumps({"valid": list(t.sorted_classifiers), "deprecated": t.deprecated_classifiers}))`
	out, err := exec.CommandContext(t.Context(), "/usr/bin/python3", "-c", script).Output()
	if err != nil {
		if os.Getenv("CI") == "" { //nolint:forbidigo // a test may: only outside CI may a missing tool skip it
			t.Skipf("Debian's python3-trove-classifiers is not installed (%v)", err)
		}
		t.Fatalf("python3 -c 'import trove_classifiers': %v", err)
	}
	var debian struct {
		Valid      []string            `json:"valid"`
		Deprecated map[string][]string `json:"deprecated"`
	}
	if err := json.Unmarshal(out, &debian); err != nil {
		t.Fatal(err)
	}
	c := LoadClassifiers()
	if len(debian.Valid) < 500 {
		t.Fatalf("Debian lists %d classifiers; is trove_classifiers the real package?", len(debian.Valid))
	}
	for _, cl := range debian.Valid {
		if !c.Valid[cl] {
			t.Errorf("Debian's trove-classifiers knows %q; ours neither lists nor deprecates it", cl)
		}
	}
	for cl, repl := range debian.Deprecated {
		if got, ok := c.Deprecated[cl]; !ok || len(got) != len(repl) {
			t.Errorf("Debian deprecates %q for %q; ours: %q (deprecated: %v)", cl, repl, got, ok)
		}
	}
}

// TestPinsMatchScript: the versions the generated files say PyPI pins are
// the ones scripts/refdata.py pins, so changing a pin without running
// `make refdata` fails here.
func TestPinsMatchScript(t *testing.T) {
	t.Parallel()
	script, err := os.ReadFile("../../scripts/refdata.py")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		constant string
		header   Header
	}{{"PACKAGING_VERSION", LoadSPDX().Header}, {"TROVE_VERSION", LoadClassifiers().Header}} {
		want := tt.constant + ` = "` + tt.header["pypi-pins"] + `"`
		if !strings.Contains(string(script), "\n"+want+"\n") {
			t.Errorf("scripts/refdata.py does not say %s: the generated list is stale; run make refdata", want)
		}
	}
}
