// Package pyoracle runs Debian's Python as the reference that differential
// tests judge pyupload's rule mirrors against. It is test support only:
// nothing but _test.go files may import it (depguard in .golangci.yml).
package pyoracle

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"testing"
)

// Python is Debian's interpreter, with the Debian packages .ci/run installs.
const Python = "/usr/bin/python3"

// JSON runs script with in, as JSON, on its standard input, and decodes
// its standard output, as JSON, into out. A python3 (or module) that is
// missing skips the test outside CI, where the tools may not be
// installed, and fails it in CI, where they must be.
func JSON(tb testing.TB, script string, in, out any) {
	tb.Helper()
	data, err := json.Marshal(in)
	if err != nil {
		tb.Fatal(err)
	}
	cmd := exec.CommandContext(tb.Context(), Python, "-c", script) // #nosec G204 -- a test's own script
	cmd.Stdin = bytes.NewReader(data)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	answer, err := cmd.Output()
	if err != nil {
		if os.Getenv("CI") == "" { //nolint:forbidigo // test support: only outside CI may a missing tool skip
			tb.Skipf("%s cannot judge (missing tool or module?): %v: %s", Python, err, stderr.Bytes())
		}
		tb.Fatalf("%s: %v: %s", Python, err, stderr.Bytes())
	}
	if err := json.Unmarshal(answer, out); err != nil {
		tb.Fatalf("%s answered what is not JSON: %v", Python, err)
	}
}
