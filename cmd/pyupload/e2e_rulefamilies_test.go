package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyupload/pyupload/internal/testzip"
	"github.com/pyupload/pyupload/internal/ui"
)

// TestE2EArchiveRulesSendNothing: a release whose last file breaks any
// archive rule PyPI enforces (every ZIP framing reason, the tar and gzip
// rules, polyglots, compression, the WHEEL file) sends nothing: the run
// names the file and PyPI's words, and the index sees no upload, while
// the release's good file alone is taken. The metadata rule families have
// their own end-to-end tests (e2e_requirements_test.go,
// e2e_refdata_test.go), and the platform tags are checked here too.
func TestE2EArchiveRulesSendNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	meta := []byte("Metadata-Version: 2.1\nName: m\nVersion: 1.0\nSummary: s\nDescription-Content-Type: text/plain\n\nbody\n")
	goodWheel := filepath.Join(dir, "m-1.0-py2.py3-none-any.whl")
	if err := os.WriteFile(goodWheel, testzip.Build(t, "", testzip.DistInfo("m", "1.0", meta)...), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := append(testzip.ZipCases(), testzip.TarCases(t)...)
	cases = append(cases, testzip.Case{Name: "platform tag", Filename: "m-1.0-cp312-cp312-linux_x86_64.whl",
		Content: testzip.Build(t, "", testzip.DistInfo("m", "1.0", meta)...), Want: "has an unsupported platform tag 'linux_x86_64'"})
	refused := 0
	for _, c := range cases {
		if c.Want == "" {
			continue // PyPI takes it
		}
		refused++
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			bad := filepath.Join(t.TempDir(), c.Filename)
			if err := os.WriteFile(bad, c.Content, 0o600); err != nil {
				t.Fatal(err)
			}
			ix, u := startIndex(t)
			r := runBinary(t, tokenEnv, uploadArgs(u, goodWheel, bad)...)
			if r.code != ui.ExitFailure || !strings.Contains(r.stderr, c.Filename) || !strings.Contains(r.stderr, c.Want) || !strings.Contains(r.stderr, "nothing was uploaded") {
				t.Errorf("exit %d\nstderr:\n%s\nwant exit 1 naming %s, %q and 'nothing was uploaded'", r.code, r.stderr, c.Filename, c.Want)
			}
			if n := ix.UploadAttempts(); n != 0 {
				t.Errorf("index saw %d upload POSTs, want 0", n)
			}
		})
	}
	if refused < 30 {
		t.Errorf("only %d refused archive cases: the corpus lost its cases", refused)
	}
	// The good file alone is taken: the cases test the bad ones.
	_, u := startIndex(t)
	if r := runBinary(t, tokenEnv, uploadArgs(u, goodWheel)...); r.code != 0 {
		t.Errorf("the good wheel alone: exit %d\nstderr:\n%s", r.code, r.stderr)
	}
}
