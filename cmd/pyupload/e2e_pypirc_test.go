package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyupload/pyupload/internal/ui"
)

// writePypirc writes a .pypirc into a fresh home directory.
func writePypirc(t *testing.T, text string) (home string) {
	t.Helper()
	home = t.TempDir()
	if err := os.WriteFile(filepath.Join(home, ".pypirc"), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return home
}

// TestE2EBrokenPypirc: a broken ~/.pypirc (or --config-file) does not stop
// a run whose repository and credentials come entirely from flags or
// variables, since twine reads no config file for a URL either; it stops a
// run that names a repository, with the file and line.
func TestE2EBrokenPypirc(t *testing.T) {
	t.Parallel()
	ix, u := startIndex(t)
	home := writePypirc(t, "[pypi]\nusername = __token__\n\n[pypi]\npassword = pypi-again\n")
	wheel := good + "pyupload_mv22-2.2-py3-none-any.whl"
	runs := []struct {
		name string
		env  []string
		args []string
	}{
		{"flags", []string{"HOME=" + home}, []string{"--repository-url", u + "/legacy/", "-u", "__token__", "-p", testToken}},
		{"variables", append([]string{"HOME=" + home, "TWINE_REPOSITORY_URL=" + u + "/legacy/"}, tokenEnv...), nil},
		{"--config-file", tokenEnv, []string{"--config-file", filepath.Join(home, ".pypirc"), "--repository-url", u + "/legacy/"}},
		{"a URL over a repository name", append([]string{"HOME=" + home, "PYUPLOAD_REPOSITORY=pypi"}, tokenEnv...), []string{"--repository-url", u + "/legacy/"}},
	}
	for _, run := range runs {
		r := runBinary(t, run.env, append(run.args, "--disable-progress-bar", wheel)...)
		if r.code != ui.ExitOK {
			t.Errorf("%s: exit %d, want %d: the config file is not needed\n%s", run.name, r.code, ui.ExitOK, r.stderr)
		}
	}
	if len(ix.Files()) != 1 {
		t.Errorf("stored %d files, want 1", len(ix.Files()))
	}
	r := runBinary(t, append([]string{"HOME=" + home}, tokenEnv...), "-r", "pypi", "--disable-progress-bar", wheel)
	want := filepath.Join(home, ".pypirc") + ": pypirc: line 4: section [pypi] already exists"
	if r.code != ui.ExitFailure || !strings.Contains(r.stderr, want) {
		t.Errorf("-r pypi with a broken ~/.pypirc: exit %d, want %d and %q\n%s", r.code, ui.ExitFailure, want, r.stderr)
	}
}

// TestE2EPypircAsTwine: a repository index-servers does not list is
// missing, as in twine, with the reason; [DEFAULT] and continuation lines
// with comments and blank lines between them are read as twine reads them.
func TestE2EPypircAsTwine(t *testing.T) {
	t.Parallel()
	ix, u := startIndex(t)
	home := writePypirc(t, "[DEFAULT]\nusername = __token__\npassword = "+testToken+"\n\n"+
		"[distutils]\nindex-servers =\n    pypi\n# private comes next\n\n    private\n\n"+
		"[private]\nrepository = "+u+"/legacy/\n\n[unlisted]\nrepository = "+u+"/legacy/\n")
	wheel := good + "pyupload_mv22-2.2-py3-none-any.whl"
	if r := runBinary(t, []string{"HOME=" + home}, "-r", "private", "--disable-progress-bar", wheel); r.code != ui.ExitOK || len(ix.Files()) != 1 {
		t.Errorf("-r private: exit %d, stored %d files\n%s", r.code, len(ix.Files()), r.stderr)
	}
	r := runBinary(t, []string{"HOME=" + home}, "-r", "unlisted", "--disable-progress-bar", wheel)
	if r.code != ui.ExitUsage || !strings.Contains(r.stderr, "does not list it") {
		t.Errorf("-r unlisted: exit %d, want %d and the reason\n%s", r.code, ui.ExitUsage, r.stderr)
	}
}
