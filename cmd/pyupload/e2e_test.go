package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pyupload/pyupload/internal/fakeindex"
	"github.com/pyupload/pyupload/internal/preflight"
	"github.com/pyupload/pyupload/internal/ui"
	"github.com/pyupload/pyupload/pkg/dist"
	"github.com/pyupload/pyupload/pkg/upload"
)

const testToken = "pypi-e2e-test-token"

// startIndex serves a fresh fake index for one test.
func startIndex(t *testing.T, opts ...fakeindex.Option) (*fakeindex.Index, string) {
	t.Helper()
	ix := fakeindex.New(append([]fakeindex.Option{fakeindex.WithTokens(testToken), fakeindex.WithStorageDir(t.TempDir())}, opts...)...)
	srv := httptest.NewServer(ix)
	t.Cleanup(func() {
		srv.Close()
		_ = ix.Close()
	})
	return ix, srv.URL
}

// binaryRun is one run of the built binary.
type binaryRun struct {
	code           int
	stdout, stderr string
	elapsed        time.Duration
}

// pyuploadCmd prepares the built binary with a clean environment: only
// what the test passes, so the machine's TWINE_* or CI variables never
// leak in.
func pyuploadCmd(t *testing.T, env []string, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), builtBinary(t), args...)
	// Every request to a host that is not loopback goes to a closed
	// loopback port: whatever a test forgets (Sigstore's public instance
	// is the default for signing), nothing leaves the machine.
	cmd.Env = append([]string{"HOME=" + t.TempDir(), "PATH=/usr/bin:/bin", "HTTPS_PROXY=http://127.0.0.1:9", "HTTP_PROXY=http://127.0.0.1:9"}, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	return cmd, &stdout, &stderr
}

func runBinary(t *testing.T, env []string, args ...string) binaryRun {
	t.Helper()
	cmd, stdout, stderr := pyuploadCmd(t, env, args...)
	start := time.Now()
	err := cmd.Run()
	r := binaryRun{stdout: stdout.String(), stderr: stderr.String(), elapsed: time.Since(start)}
	if ee, ok := errors.AsType[*exec.ExitError](err); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running pyupload: %v", err)
	}
	return r
}

func uploadArgs(indexURL string, args ...string) []string {
	return append([]string{"--repository-url", indexURL + "/legacy/", "--disable-progress-bar"}, args...)
}

var tokenEnv = []string{"TWINE_USERNAME=__token__", "TWINE_PASSWORD=" + testToken}

// TestE2EUploadsEverySample: every sample dist is accepted, and what the
// index stored equals the artifact's metadata, field by field.
func TestE2EUploadsEverySample(t *testing.T) {
	t.Parallel()
	ix, u := startIndex(t)
	r := runBinary(t, tokenEnv, uploadArgs(u, good)...)
	if r.code != ui.ExitOK {
		t.Fatalf("pyupload exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	paths, err := preflight.Expand([]string{good})
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]fakeindex.File{}
	for _, f := range ix.Files() {
		stored[f.Filename] = f
	}
	if len(stored) != len(paths) {
		t.Errorf("index stored %d files, want %d", len(stored), len(paths))
	}
	for _, p := range paths {
		d, err := dist.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		f, ok := stored[d.Filename.Base]
		if !ok {
			t.Errorf("%s was not stored", d.Filename.Base)
			continue
		}
		want := url.Values{}
		for _, fv := range upload.Form(d, "", "") {
			want.Add(fv.Key, fv.Value)
		}
		if diff := cmp.Diff(want, f.Fields); diff != "" {
			t.Errorf("%s: stored form fields differ from the artifact's metadata (-want +got):\n%s", d.Filename.Base, diff)
		}
		if f.SHA256 != d.SHA256 {
			t.Errorf("%s: stored sha256 %s, want %s", d.Filename.Base, f.SHA256, d.SHA256)
		}
		if !strings.Contains(r.stdout, "uploaded        "+d.Filename.Base+" sha256:"+d.SHA256) {
			t.Errorf("stdout lacks the line for %s:\n%s", d.Filename.Base, r.stdout)
		}
		if !strings.HasPrefix(f.UploadedVia, "pyupload/") {
			t.Errorf("%s: User-Agent %q, want pyupload/<version>", d.Filename.Base, f.UploadedVia)
		}
	}
	if !strings.Contains(r.stdout, "View at: "+u+"/project/") {
		t.Errorf("stdout lacks the release URL:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout+r.stderr, testToken) {
		t.Error("the API token appears in pyupload's output")
	}
}

func TestE2EIdenticalReuploadIsSkipped(t *testing.T) {
	t.Parallel()
	ix, u := startIndex(t)
	file := good + "pyupload_mv22-2.2-py3-none-any.whl"
	if r := runBinary(t, tokenEnv, uploadArgs(u, file)...); r.code != ui.ExitOK {
		t.Fatalf("first upload: exit %d\n%s", r.code, r.stderr)
	}
	r := runBinary(t, tokenEnv, uploadArgs(u, file)...)
	if r.code != ui.ExitOK || !strings.Contains(r.stdout, "already present pyupload_mv22-2.2-py3-none-any.whl") {
		t.Errorf("re-upload: exit %d\nstdout:\n%s\nstderr:\n%s\nwant exit 0 and 'already present'", r.code, r.stdout, r.stderr)
	}
	if n := ix.UploadAttempts(); n != 1 {
		t.Errorf("index saw %d upload POSTs, want 1 (the identical file is recognised by hash)", n)
	}
}

func TestE2EConflictIsAnErrorBeforeAnyUpload(t *testing.T) {
	t.Parallel()
	ix, u := startIndex(t)
	if err := ix.Preload("pyupload-mv22", "2.2", "pyupload_mv22-2.2-py3-none-any.whl", []byte("other bytes")); err != nil {
		t.Fatal(err)
	}
	r := runBinary(t, tokenEnv, uploadArgs(u, good+"pyupload_mv22-2.2.tar.gz", good+"pyupload_mv22-2.2-py3-none-any.whl")...)
	if r.code != ui.ExitFailure || !strings.Contains(r.stderr, "pyupload_mv22-2.2-py3-none-any.whl is already on the index with different contents") {
		t.Errorf("exit %d\nstderr:\n%s\nwant exit 1 and a conflict naming the wheel", r.code, r.stderr)
	}
	if n := ix.UploadAttempts(); n != 0 {
		t.Errorf("index saw %d upload POSTs, want 0: a conflict stops the batch before any upload", n)
	}
}

func TestE2ERetries(t *testing.T) {
	t.Parallel()
	const file = good + "pyupload_mv23-2.3-py3-none-any.whl"
	tests := []struct {
		name         string
		fault        func(*fakeindex.Index)
		wantAttempts int
		minElapsed   time.Duration
	}{
		{"503 three times", func(ix *fakeindex.Index) { ix.FailUploads(3, 503) }, 4, 0},
		{"reset mid-body", func(ix *fakeindex.Index) { ix.ResetUploadsMidBody(1) }, 2, 0},
		{"reset after the index stored it", func(ix *fakeindex.Index) { ix.ResetUploadsAfterStore(1) }, 1, 0},
		{"429 with Retry-After", func(ix *fakeindex.Index) { ix.RateLimitUploads(1, 2*time.Second) }, 2, 2 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ix, u := startIndex(t)
			tt.fault(ix)
			r := runBinary(t, tokenEnv, uploadArgs(u, file)...)
			if r.code != ui.ExitOK {
				t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
			if n := ix.UploadAttempts(); n != tt.wantAttempts {
				t.Errorf("index saw %d upload POSTs, want %d", n, tt.wantAttempts)
			}
			if files := ix.Files(); len(files) != 1 {
				t.Errorf("index stored %d files, want exactly one copy", len(files))
			}
			if r.elapsed < tt.minElapsed {
				t.Errorf("finished after %v, before the %v Retry-After", r.elapsed, tt.minElapsed)
			}
		})
	}
}

// TestE2EJobs: with --jobs 4 the index sees exactly 4 uploads in flight.
func TestE2EJobs(t *testing.T) {
	t.Parallel()
	ix, u := startIndex(t, fakeindex.WithLatency(300*time.Millisecond))
	r := runBinary(t, tokenEnv, uploadArgs(u, "--jobs", "4", good)...)
	if r.code != ui.ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if p := ix.PeakInFlight(); p != 4 {
		t.Errorf("peak uploads in flight = %d, want 4", p)
	}
}

func TestE2EBadFileMeansNothingUploaded(t *testing.T) {
	t.Parallel()
	ix, u := startIndex(t)
	r := runBinary(t, tokenEnv, uploadArgs(u, good+"pyupload_mv22-2.2-py3-none-any.whl", bad+"name_mismatch-1.0-py3-none-any.whl", good+"pyupload_mv24-2.4.tar.gz")...)
	if r.code != ui.ExitFailure || !strings.Contains(r.stderr, "name_mismatch-1.0-py3-none-any.whl: Start filename for") || !strings.Contains(r.stderr, "nothing was uploaded") {
		t.Errorf("exit %d\nstderr:\n%s\nwant exit 1, the bad file's problem and 'nothing was uploaded'", r.code, r.stderr)
	}
	if n := ix.UploadAttempts(); n != 0 {
		t.Errorf("index saw %d upload POSTs, want 0", n)
	}
}

func TestE2ENoCredentials(t *testing.T) {
	t.Parallel()
	_, u := startIndex(t)
	r := runBinary(t, nil, uploadArgs(u, good)...)
	if r.code != ui.ExitUsage || !strings.Contains(r.stderr, "no credentials") {
		t.Errorf("exit %d\nstderr:\n%s\nwant exit 2 and 'no credentials'", r.code, r.stderr)
	}
}

func TestE2EWrongToken(t *testing.T) {
	t.Parallel()
	_, u := startIndex(t)
	r := runBinary(t, []string{"TWINE_PASSWORD=pypi-wrong"}, uploadArgs(u, good+"pyupload_mv22-2.2-py3-none-any.whl")...)
	if r.code != ui.ExitFailure || !strings.Contains(r.stderr, "Invalid or non-existent authentication information") || !strings.Contains(r.stderr, "hint: check the credentials") {
		t.Errorf("exit %d\nstderr:\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, "pypi-wrong") {
		t.Error("the token appears in the output")
	}
}

// TestE2EInterrupt: SIGINT during uploads cancels them, exits 130 and says
// which files are on the index.
func TestE2EInterrupt(t *testing.T) {
	t.Parallel()
	ix, u := startIndex(t, fakeindex.WithBandwidth(2<<10))
	cmd, stdout, stderr := pyuploadCmd(t, tokenEnv, uploadArgs(u, good)...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for ix.UploadAttempts() == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	ee, ok := errors.AsType[*exec.ExitError](err)
	if !ok || ee.ExitCode() != ui.ExitInterrupted {
		t.Fatalf("exit %v, want %d\nstdout:\n%s\nstderr:\n%s", err, ui.ExitInterrupted, stdout, stderr)
	}
	if !strings.Contains(stderr.String(), "not on the index:") {
		t.Errorf("stderr lacks the report of files not on the index:\n%s", stderr)
	}
}

// TestE2EPypirc: -r picks a ~/.pypirc section for the URL and credentials,
// as with twine; TWINE_PASSWORD wins over the file.
func TestE2EPypirc(t *testing.T) {
	t.Parallel()
	ix, u := startIndex(t)
	home := t.TempDir()
	rc := "[distutils]\nindex-servers =\n    private\n\n[private]\nrepository = " + u + "/legacy/\nusername = __token__\npassword = " + testToken + "\n"
	if err := os.WriteFile(filepath.Join(home, ".pypirc"), []byte(rc), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd, stdout, stderr := pyuploadCmd(t, nil, "-r", "private", "--disable-progress-bar", good+"pyupload_mv22-2.2-py3-none-any.whl")
	cmd.Env = append(cmd.Env, "HOME="+home) // the later HOME wins
	if err := cmd.Run(); err != nil {
		t.Fatalf("pyupload -r private: %v\n%s%s", err, stdout, stderr)
	}
	if len(ix.Files()) != 1 {
		t.Errorf("stored %d files, want 1", len(ix.Files()))
	}
	cmd, _, stderr = pyuploadCmd(t, []string{"TWINE_PASSWORD=pypi-wrong"}, "-r", "private", "--disable-progress-bar", good+"pyupload_mv23-2.3-py3-none-any.whl")
	cmd.Env = append(cmd.Env, "HOME="+home)
	if err := cmd.Run(); err == nil || !strings.Contains(stderr.String(), "Invalid or non-existent authentication") {
		t.Errorf("TWINE_PASSWORD did not win over the config file: %v\n%s", err, stderr)
	}
	r := runBinary(t, tokenEnv, "-r", "nosuch", "--config-file", filepath.Join(home, ".pypirc"), good+"pyupload_mv22-2.2-py3-none-any.whl")
	if r.code != ui.ExitUsage || !strings.Contains(r.stderr, `unknown repository "nosuch"`) {
		t.Errorf("unknown -r: exit %d\n%s", r.code, r.stderr)
	}
}

// TestE2EUploadJSON: --json reports every file for machines.
func TestE2EUploadJSON(t *testing.T) {
	t.Parallel()
	ix, u := startIndex(t)
	if err := ix.Preload("pyupload-mv24", "2.4", "pyupload_mv24-2.4-py3-none-any.whl", []byte("other bytes")); err != nil {
		t.Fatal(err)
	}
	r := runBinary(t, tokenEnv, uploadArgs(u, "--json", good+"pyupload_mv22-2.2-py3-none-any.whl")...)
	var got []struct {
		Filename string `json:"filename"`
		Status   string `json:"status"`
		OnIndex  bool   `json:"on_index"`
		Verified bool   `json:"verified"`
		SHA256   string `json:"sha256"`
		Remote   string `json:"remote_sha256"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || r.code != ui.ExitOK {
		t.Fatalf("exit %d, decoding %q: %v", r.code, r.stdout, err)
	}
	if len(got) != 1 || got[0].Status != "uploaded" || !got[0].OnIndex || !got[0].Verified || len(got[0].SHA256) != 64 {
		t.Errorf("--json = %+v", got)
	}
	// The index holds other bytes under that name: on the index, not ours.
	r = runBinary(t, tokenEnv, uploadArgs(u, "--json", good+"pyupload_mv24-2.4-py3-none-any.whl")...)
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || r.code != ui.ExitFailure || got[0].Status != "failed" ||
		!got[0].OnIndex || got[0].Verified || len(got[0].Remote) != 64 {
		t.Errorf("conflict with --json: exit %d, %+v, %v", r.code, got, err)
	}
}
