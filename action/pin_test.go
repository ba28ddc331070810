package action_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestPin pins a release's SHA256SUMS with pin.sh in a copy of the
// repository's files, then installs with the pins alone: the action on a
// Linux runner and the GitLab component.
func TestPin(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" || (runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64") {
		t.Skip("the served archive is for linux amd64/arm64")
	}
	root, copyRoot := repoRoot(t), t.TempDir()
	for _, f := range []string{"action/pin.sh", "action/install.sh", "action/checksums.txt", "action/VERSION", "templates/pyupload.yml"} {
		if err := os.MkdirAll(filepath.Join(copyRoot, filepath.Dir(f)), 0o755); err != nil {
			t.Fatal(err)
		}
		copyFile(t, filepath.Join(root, f), filepath.Join(copyRoot, f))
	}
	files := map[string][]byte{}
	var sums strings.Builder
	for _, p := range [][2]string{{"linux", runtime.GOARCH}, {"linux", "s390x"}, {"darwin", "arm64"}, {"windows", "amd64"}} {
		name, body := archiveFor(t, "4.5.6", p[0], p[1], []byte(fakeBinary))
		files["v4.5.6/"+name] = body
		sums.WriteString(strings.ToUpper(sha256Hex(body)) + "  " + name + "\n")
	}
	sumsFile := filepath.Join(t.TempDir(), "SHA256SUMS")
	if err := os.WriteFile(sumsFile, []byte(sums.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"PATH": toolDir(t, baseTools...), "HOME": t.TempDir(), "TMPDIR": t.TempDir()}
	pin := filepath.Join(copyRoot, "action", "pin.sh")
	if res := runScript(t, "bash", pin, copyRoot, env); res.code != 2 {
		t.Fatalf("pin.sh without arguments: exit %d, want 2 (usage):\n%s", res.code, res.out)
	}
	for range 2 { // pinning again replaces the version's lines
		if res := runScript(t, "bash", pin, copyRoot, env, "v4.5.6", sumsFile); res.code != 0 {
			t.Fatalf("pin.sh: exit %d:\n%s", res.code, res.out)
		}
	}
	checksums := readFile(t, filepath.Join(copyRoot, "action", "checksums.txt"))
	if n := strings.Count(checksums, "pyupload_4.5.6_"); n != 4 {
		t.Errorf("checksums.txt has %d lines of 4.5.6, want 4:\n%s", n, checksums)
	}
	if v := readFile(t, filepath.Join(copyRoot, "action", "VERSION")); v != "4.5.6\n" {
		t.Errorf("VERSION = %q, want 4.5.6", v)
	}
	if st, err := os.Stat(filepath.Join(copyRoot, "action", "checksums.txt")); err != nil || st.Mode().Perm() != 0o644 {
		t.Errorf("checksums.txt mode after pinning: %v %v, want 0644", st.Mode(), err)
	}

	// The action installs the pinned default version.
	r := newRunner(t, "Linux", map[string]string{"amd64": "X64", "arm64": "ARM64"}[runtime.GOARCH], "", "", files)
	copyFile(t, filepath.Join(copyRoot, "action", "checksums.txt"), filepath.Join(r.actionDir, "checksums.txt"))
	copyFile(t, filepath.Join(copyRoot, "action", "VERSION"), filepath.Join(r.actionDir, "VERSION"))
	r.installed(t, r.install(t), "pyupload")

	// The component pins the Linux archives only, and installs from them.
	tmpl := readFile(t, filepath.Join(copyRoot, "templates", "pyupload.yml"))
	if !strings.Contains(tmpl, `PYUPLOAD_CI_PINNED_VERSION: "4.5.6"`) || strings.Count(tmpl, "pyupload_4.5.6_linux_") != 2 || strings.Contains(tmpl, "darwin") {
		t.Errorf("pinned template:\n%s", tmpl)
	}
	res, calls := gitlabRun(t, filepath.Join(copyRoot, "templates", "pyupload.yml"), map[string]string{"download-url": r.env["PYUPLOAD_DOWNLOAD_URL"]})
	if res.code != 0 || !strings.Contains(calls, "argv [upload]") {
		t.Errorf("the pinned component: exit %d, calls %q:\n%s", res.code, calls, res.out)
	}
}
