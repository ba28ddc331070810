package dist

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pyupload/pyupload/internal/testzip"
)

// python3 is Debian's interpreter, whose zipfile and tarfile the corpus
// is checked against.
const python3 = "/usr/bin/python3"

// inCI reports a CI run (.ci/run sets CI), where a missing tool fails the
// tests that need it instead of skipping them.
func inCI() bool {
	return os.Getenv("CI") != "" //nolint:forbidigo // tests may read the environment; only CI's flag is read
}

// needPython skips a test when Debian's python3 is missing, except in CI
// (CI set), where it must be installed and the test fails instead.
func needPython(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(python3); err != nil {
		if inCI() {
			t.Fatalf("%s is needed in CI: %v", python3, err)
		}
		t.Skipf("%s is missing: %v", python3, err)
	}
}

// olderPython are the cases on which Debian's python3 (3.11 in bookworm)
// differs from the Python PyPI runs (3.14), by case name.
var olderPython = map[string]string{
	"sdist: negative size on the first member": "tarfile refuses negative sizes as invalid offsets " +
		"since 3.13.6 and 3.12.12 (CVE-2025-8194); older versions read on",
	"sdist: negative size after two members ends the archive": "before the CVE-2025-8194 fix, tarfile loops " +
		"forever on a negative size; since, the archive ends there",
	"sdist: negative size before PKG-INFO hides it": "as above",
}

// TestPythonOpensCorpus runs Python's zipfile and tarfile once over the
// malformed corpus: every case PyPI refuses must be refused by them too,
// unless the case says Python opens it and only Warehouse's own checks
// (the record walk, the compression rules, the polyglot and layout rules)
// refuse it; every case PyPI accepts must open.
func TestPythonOpensCorpus(t *testing.T) {
	t.Parallel()
	needPython(t)
	cases := append(testzip.ZipCases(), testzip.TarCases(t)...)
	dir := t.TempDir()
	paths := make([]string, len(cases))
	for i, c := range cases {
		ext := ".tar.gz"
		if strings.HasSuffix(c.Filename, ".whl") {
			ext = ".whl"
		}
		paths[i] = filepath.Join(dir, fmt.Sprintf("case%03d%s", i, ext))
		if err := os.WriteFile(paths[i], c.Content, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, python3, append([]string{"testdata/python/open_archives.py"}, paths...)...).Output() // #nosec G204 -- fixed interpreter and script
	if err != nil {
		t.Fatalf("python3 open_archives.py: %v", err)
	}
	var verdicts map[string]string
	if err := json.Unmarshal(out, &verdicts); err != nil {
		t.Fatalf("python3 output: %v\n%s", err, out)
	}
	for i, c := range cases {
		if why, ok := olderPython[c.Name]; ok {
			t.Logf("%s: not compared (%s); Python says %q", c.Name, why, verdicts[paths[i]])
			continue
		}
		opened := verdicts[paths[i]] == "ok"
		if opened != (c.Want == "" || c.PythonOpens) {
			t.Errorf("%s: Python says %q; the case says PyPI refuses it with %q (Python opens it: %v)", c.Name, verdicts[paths[i]], c.Want, c.PythonOpens)
		}
	}
}

// debianWheels is where Debian's python3-pip-whl and
// python3-setuptools-whl put real wheels built by their projects.
const debianWheels = "/usr/share/python-wheels"

// TestDebianWheels reads and checks every wheel Debian ships: real
// wheels built by other tools must pass.
func TestDebianWheels(t *testing.T) {
	t.Parallel()
	paths, _ := filepath.Glob(filepath.Join(debianWheels, "*.whl"))
	if len(paths) == 0 {
		if inCI() {
			t.Fatalf("no wheels in %s: CI installs python3-pip-whl", debianWheels)
		}
		t.Skipf("no wheels in %s (apt-get install python3-pip-whl)", debianWheels)
	}
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			t.Parallel()
			d, err := Open(p)
			if err != nil {
				t.Fatalf("Open(%s) error = %v", p, err)
			}
			for _, prob := range Check(d) {
				if prob.Severity == Error {
					t.Errorf("Check(%s): %s", p, prob.Message)
				}
			}
		})
	}
}
