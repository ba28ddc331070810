package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/pyupload/pyupload/internal/fakeindex"
	"github.com/pyupload/pyupload/internal/ui"
)

// TestE2EWebPageIsNotSuccess: a 200 web page from the upload URL (what a
// wrong URL often gives) is no upload: exit 1, the hint about the URL, and
// --json never says the file is on the index.
func TestE2EWebPageIsNotSuccess(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte("<!DOCTYPE html><html><head><title>Example Domain</title></head><body><h1>Example Domain</h1></body></html>"))
	}))
	t.Cleanup(srv.Close)
	r := runBinary(t, tokenEnv, "--repository-url", srv.URL+"/", "--disable-progress-bar", "--json", good+"pyupload_mv22-2.2-py3-none-any.whl")
	var got []struct {
		Status  string `json:"status"`
		OnIndex *bool  `json:"on_index"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("--json: %v\n%s", err, r.stdout)
	}
	// The index took the bytes and answered 2xx: stored or not, nothing
	// says, so the file is neither claimed nor denied.
	if r.code != ui.ExitFailure || len(got) != 1 || got[0].Status != "unknown" || got[0].OnIndex != nil {
		t.Errorf("exit %d, %+v; want 1 and a file of unknown fate", r.code, got)
	}
	for _, want := range []string{`a web page titled "Example Domain"`, "probably not the index's upload endpoint", "hint: check --repository-url"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
}

// TestE2EInterruptAfterSending: Ctrl-C after the index received a whole
// file but before it answered. The file is never reported "not on the
// index": "may be on the index" when no read API can tell, "uploaded"
// when the read API, asked briefly after the interrupt, lists it.
func TestE2EInterruptAfterSending(t *testing.T) {
	t.Parallel()
	wheel := good + "pyupload_mv22-2.2-py3-none-any.whl"
	for _, stored := range []bool{false, true} {
		t.Run(map[bool]string{false: "read API cannot tell", true: "read API lists it"}[stored], func(t *testing.T) {
			t.Parallel()
			received := make(chan struct{}, 1)
			var got atomic.Bool
			sha := sha256File(t, wheel)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodPost {
					_, _ = io.Copy(io.Discard, r.Body)
					got.Store(true)
					received <- struct{}{}
					<-r.Context().Done() // stored; the answer never comes
					return
				}
				if stored && got.Load() && strings.HasPrefix(r.URL.Path, "/repo/simple/") {
					_, _ = w.Write([]byte(`<a href="f#sha256=` + sha + `">pyupload_mv22-2.2-py3-none-any.whl</a>`))
					return
				}
				http.NotFound(w, r)
			}))
			t.Cleanup(srv.Close)
			cmd, stdout, stderr := pyuploadCmd(t, []string{"TWINE_USERNAME=u", "TWINE_PASSWORD=" + testToken}, "--repository-url", srv.URL+"/repo/", "--disable-progress-bar", wheel)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			<-received
			if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
				t.Fatal(err)
			}
			err := cmd.Wait()
			if ee, ok := errors.AsType[*exec.ExitError](err); !ok || ee.ExitCode() != ui.ExitInterrupted {
				t.Fatalf("exit %v, want %d\nstderr:\n%s", err, ui.ExitInterrupted, stderr)
			}
			if strings.Contains(stderr.String(), "not on the index") {
				t.Errorf("a file the index received is reported not on it:\n%s", stderr)
			}
			want := "may be on the index (sent whole, but no answer said whether it was stored, and the read API could not tell): pyupload_mv22-2.2-py3-none-any.whl"
			out := stderr.String()
			if stored {
				want, out = "uploaded        pyupload_mv22-2.2-py3-none-any.whl", stdout.String()
			}
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\nstdout:\n%s\nstderr:\n%s", want, stdout, stderr)
			}
		})
	}
}

func sha256File(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// TestE2EHostileSuccessAnswers: the hostile index's false successes (a web
// page, a login page, an empty 200 where PyPI's software always sends its
// document) are never reported as uploads.
func TestE2EHostileSuccessAnswers(t *testing.T) {
	t.Parallel()
	for _, h := range []fakeindex.Hostile{fakeindex.HostileUploadHTML, fakeindex.HostileUploadLogin, fakeindex.HostileUploadEmpty} {
		t.Run(string(h), func(t *testing.T) {
			t.Parallel()
			ix, u := startIndex(t, fakeindex.WithHostile(h))
			r := runBinary(t, tokenEnv, uploadArgs(u, "--json", good+"pyupload_mv23-2.3-py3-none-any.whl")...)
			var got []struct {
				Status  string `json:"status"`
				OnIndex *bool  `json:"on_index"`
			}
			if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
				t.Fatalf("--json: %v\n%s", err, r.stdout)
			}
			if r.code != ui.ExitFailure || got[0].Status != "unknown" || got[0].OnIndex != nil || len(ix.Files()) != 0 {
				t.Errorf("exit %d, %s; want a failure, nothing claimed\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stderr, "not the index's upload endpoint") {
				t.Errorf("stderr does not say the answer was no upload's:\n%s", r.stderr)
			}
		})
	}
}
