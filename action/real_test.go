package action_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// buildDir holds the build of cmd/pyupload the tests share; TestMain
// removes it.
var buildDir string

func TestMain(m *testing.M) {
	m.Run()
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
}

var builtPyupload = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "action-pyupload-")
	if err != nil {
		return "", err
	}
	buildDir = dir
	bin := filepath.Join(dir, "pyupload")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-X main.version="+testVersion, "-o", bin, "github.com/pyupload/pyupload/cmd/pyupload")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0") //nolint:forbidigo // the go command needs the test's own environment (GOPATH, caches)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", &buildError{err: err, out: string(out)}
	}
	return bin, nil
})

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return "go build: " + e.err.Error() + "\n" + e.out }

// buildPyupload is a real build of cmd/pyupload for this machine, made once.
func buildPyupload(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds cmd/pyupload")
	}
	bin, err := builtPyupload()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// TestRunRealBinary runs run.sh with a real pyupload against a local
// upload endpoint: the check passes on a real wheel, the credentials reach
// the index as the upload's basic auth (from the environment, not argv),
// and the flags are understood.
func TestRunRealBinary(t *testing.T) {
	t.Parallel()
	bin := buildPyupload(t)
	type upload struct{ user, pass, file string }
	var (
		mu      sync.Mutex
		uploads []upload
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.NotFound(w, r)
			return
		}
		u, p, _ := r.BasicAuth()
		if err := r.ParseMultipartForm(32 << 20); err != nil || r.FormValue(":action") != "file_upload" {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		_, fh, err := r.FormFile("content")
		if err != nil {
			http.Error(w, "no content", http.StatusBadRequest)
			return
		}
		mu.Lock()
		uploads = append(uploads, upload{u, p, fh.Filename})
		mu.Unlock()
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("200 OK\n")) // PyPI's answer (docs/index-server.md)
	}))
	t.Cleanup(srv.Close)

	j := newJob(t)
	wheel := "pyupload_mv24-2.4-py3-none-any.whl"
	if err := os.Remove(filepath.Join(j.dir, "dist", "proj-1.0-py3-none-any.whl")); err != nil {
		t.Fatal(err)
	}
	copyFile(t, filepath.Join(repoRoot(t), "testdata", "dists", "good", wheel), filepath.Join(j.dir, "dist", wheel))
	j.env["PATH"] = filepath.Dir(bin) + ":" + toolDir(t, append([]string{"sha256sum"}, baseTools...)...)
	j.env["CI"] = "true"
	res, _ := j.run(t, map[string]string{
		"INPUT_REPOSITORY_URL": srv.URL + "/legacy/", "INPUT_USER": "alice", "INPUT_PASSWORD": "s3cret",
		"INPUT_SKIP_EXISTING": "true", "INPUT_JOBS": "2", "INPUT_ATTESTATIONS": "false", "INPUT_PRINT_HASH": "true",
	})
	if res.code != 0 {
		t.Fatalf("run.sh with pyupload: exit %d:\n%s", res.code, res.out)
	}
	if !strings.Contains(res.out, "Checking dist/"+wheel+": PASSED") {
		t.Errorf("verify-metadata did not run pyupload check:\n%s", res.out)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(uploads) != 1 || uploads[0] != (upload{"alice", "s3cret", wheel}) {
		t.Errorf("uploads = %+v, want %s as alice:s3cret", uploads, wheel)
	}
}
