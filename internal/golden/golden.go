// Package golden compares test output with golden files, for tests only:
// a golden file holds the expected output, and `go test -update` rewrites
// it from what the code produces now (then the diff is reviewed like code).
// Non-test code never imports it (depguard).
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files")

// Check compares got with the golden file at path, or rewrites the file
// (mode 0o644) when -update is given.
func Check(tb testing.TB, path, got string) {
	tb.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil { //nolint:gosec // testdata is committed and read by everyone
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil { //nolint:gosec // golden files are committed and read by everyone
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("reading golden file (go test -update writes it): %v", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		tb.Errorf("output differs from %s (-want +got):\n%s", path, diff)
	}
}
