package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyupload/pyupload/internal/testzip"
	"github.com/pyupload/pyupload/internal/ui"
)

// writeWheel writes a pure-Python wheel of name 1.0 whose METADATA has
// the extra header lines, and returns its path.
func writeWheel(t *testing.T, dir, name, extra string) string {
	t.Helper()
	meta := "Metadata-Version: 2.1\nName: " + name + "\nVersion: 1.0\nSummary: s\n" + extra +
		"Description-Content-Type: text/plain\n\nbody\n"
	members := append([]testzip.Member{testzip.Stored(name+"/__init__.py", nil)}, testzip.DistInfo(name, "1.0", []byte(meta))...)
	p := filepath.Join(dir, name+"-1.0-py3-none-any.whl")
	if err := os.WriteFile(p, testzip.Build(t, "", members...), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestE2EInvalidRequirementsSendNothing is issue 10's report: a release
// whose last wheel has a Requires-Python or Requires-Dist that PyPI's
// packaging refuses sends nothing, and says why with PyPI's words; a
// Requires-Python with a trailing comma, which packaging accepts, uploads.
func TestE2EInvalidRequirementsSendNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, extra, want string
	}{
		{"reqpython", "Requires-Python: ~=3\n", "'~=3' is invalid for 'requires-python'"},
		{"reqdist", "Requires-Dist: requests >>= 2.0\n", "'requests >>= 2.0' is invalid for 'requires-dist'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			first := writeWheel(t, dir, "first_"+tt.name, "Requires-Python: >=3.9,\n")
			last := writeWheel(t, dir, "last_"+tt.name, tt.extra)
			ix, u := startIndex(t)
			r := runBinary(t, tokenEnv, uploadArgs(u, first, last)...)
			if r.code != ui.ExitFailure || !strings.Contains(r.stderr, filepath.Base(last)) || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d\nstderr:\n%s\nwant exit 1 naming %s with %q", r.code, r.stderr, filepath.Base(last), tt.want)
			}
			if n := ix.UploadAttempts(); n != 0 {
				t.Errorf("index saw %d upload POSTs, want 0", n)
			}
			r = runBinary(t, tokenEnv, uploadArgs(u, first)...)
			if r.code != ui.ExitOK {
				t.Errorf("Requires-Python '>=3.9,' refused: exit %d\nstderr:\n%s", r.code, r.stderr)
			}
		})
	}
}
