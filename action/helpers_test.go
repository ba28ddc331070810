package action_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fakeBinary is a stand-in for pyupload: it answers --version and records
// every other invocation (its arguments, one per line, and the variables the
// action sets) in $FAKE_LOG.
const fakeBinary = `#!/bin/sh
if [ "$1" = --version ]; then echo "pyupload 9.9.9 (fake)"; exit 0; fi
{
	printf 'argv'
	for a in "$@"; do printf ' [%s]' "$a"; done
	printf '\n'
	printf 'env TWINE_USERNAME=%s TWINE_PASSWORD=%s PYUPLOAD_USERNAME=%s PYUPLOAD_PASSWORD=%s PYUPLOAD_ATTESTATIONS=%s\n' \
		"${TWINE_USERNAME-<unset>}" "${TWINE_PASSWORD-<unset>}" "${PYUPLOAD_USERNAME-<unset>}" "${PYUPLOAD_PASSWORD-<unset>}" "${PYUPLOAD_ATTESTATIONS-<unset>}"
} >>"${FAKE_LOG:?}"
if [ "$1" = check ] && [ -n "${FAKE_CHECK_FAIL:-}" ]; then echo "check failed" >&2; exit 1; fi
exit 0
`

// repoRoot is the repository's top directory (the tests run in action/).
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// tarGz is a .tar.gz holding one executable file.
func tarGz(t *testing.T, name string, body []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o755, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
		t.Fatal(err)
	}
	if _, err := tw.Write(body); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zipOf is a .zip holding one file.
func zipOf(t *testing.T, name string, body []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	h := &zip.FileHeader{Name: name, Method: zip.Deflate}
	h.SetMode(0o755)
	w, err := zw.CreateHeader(h)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(body); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// archiveFor is the release archive of the contract for an os and arch:
// pyupload_<version>_<os>_<arch>.tar.gz (.zip with pyupload.exe on windows).
func archiveFor(t *testing.T, version, goos, arch string, binary []byte) (string, []byte) {
	t.Helper()
	if goos == "windows" {
		return "pyupload_" + version + "_windows_" + arch + ".zip", zipOf(t, "pyupload.exe", binary)
	}
	return "pyupload_" + version + "_" + goos + "_" + arch + ".tar.gz", tarGz(t, "pyupload", binary)
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// releaseServer serves files as a GitHub release does:
// <base>/v<version>/<archive>. files maps "v1.2.3/name" to its bytes.
func releaseServer(t *testing.T, files map[string][]byte) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	t.Cleanup(srv.Close)
	return srv.URL
}

// optionalTools are used by the scripts when present (md5sum and b2sum
// for print-hash, unzip for Windows archives).
var optionalTools = map[string]bool{"md5sum": true, "b2sum": true, "unzip": true}

// toolDir is a directory of links to the named host tools, to be the whole
// PATH of a script under test: what the script may use is explicit, and a
// variant (wget instead of curl) is a different list. "curl" stands for
// whichever of curl and wget is installed.
func toolDir(t *testing.T, tools ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range tools {
		if name == "curl" {
			if _, err := exec.LookPath("curl"); err != nil {
				name = "wget"
			}
		}
		p, err := exec.LookPath(name)
		if err != nil && optionalTools[name] {
			continue
		}
		if err != nil {
			t.Fatalf("%s is needed by the action's scripts (.ci/run installs it): %v", name, err)
		}
		if err := os.Symlink(p, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// baseTools are what install.sh and run.sh need besides a downloader and a
// hasher.
var baseTools = []string{"bash", "sh", "awk", "tr", "rm", "mkdir", "chmod", "dirname", "tar", "gzip", "unzip", "cat", "mktemp", "wc", "cut", "uname", "md5sum", "b2sum"}

// script is the result of running one of the scripts.
type script struct {
	out  string // stdout and stderr
	code int
}

// runScript runs path with the host's bash (or sh) with exactly env as its
// environment.
func runScript(t *testing.T, shell, path, dir string, env map[string]string, args ...string) script {
	t.Helper()
	sh, err := exec.LookPath(shell)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), sh, append([]string{path}, args...)...)
	cmd.Dir = dir
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	res := script{out: string(out)}
	if ee, ok := err.(*exec.ExitError); ok { //nolint:errorlint // CombinedOutput returns *exec.ExitError unwrapped
		res.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running %s: %v", path, err)
	}
	return res
}

// copyFile copies src to dst, keeping it executable when it was.
func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	mode := os.FileMode(0o644)
	if strings.HasSuffix(src, ".sh") {
		mode = 0o755
	}
	if err := os.WriteFile(dst, b, mode); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return string(b)
}
