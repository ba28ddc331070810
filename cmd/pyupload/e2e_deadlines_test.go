package main

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pyupload/pyupload/internal/ui"
)

// The hostile servers of these tests answer slowly or not at all; every
// run sets a timeout of 1 or 2 s (PYUPLOAD_TIMEOUT, which releases before
// the variable existed ignore, or --timeout) and must end within quick.
const quick = 20 * time.Second

// startHostile serves h for one test. Its handlers get a request context
// that also ends with the test (a server that has not read a request's
// body does not notice its client leave).
func startHostile(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithCancel(r.Context())
		defer cancel()
		go func() {
			select {
			case <-done:
				cancel()
			case <-ctx.Done():
			}
		}()
		h(w, r.WithContext(ctx))
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(done) }) // runs before srv.Close
	return srv.URL
}

// dripBody sends the status and headers, then one byte every gap, until
// the client goes.
func dripBody(w http.ResponseWriter, r *http.Request, status int, contentType string, gap time.Duration) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	w.(http.Flusher).Flush()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-time.After(gap):
		}
		if _, err := w.Write([]byte(" ")); err != nil {
			return
		}
		w.(http.Flusher).Flush()
	}
}

// fakeIdentity is an unsigned identity token for aud (the client never
// verifies them; the index does).
func fakeIdentity(aud string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc([]byte(`{"aud":"`+aud+`","iss":"https://ci.example","sub":"job"}`)) + ".c2ln"
}

// runQuick is runBinary for a run that must end within quick: it is
// killed then, so that a hang fails the test at once.
func runQuick(t *testing.T, env []string, args ...string) binaryRun {
	t.Helper()
	cmd, stdout, stderr := pyuploadCmd(t, env, args...)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killer := time.AfterFunc(quick, func() { _ = cmd.Process.Kill() })
	err := cmd.Wait()
	killer.Stop()
	r := binaryRun{stdout: stdout.String(), stderr: stderr.String(), elapsed: time.Since(start)}
	if ee, ok := errors.AsType[*exec.ExitError](err); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running pyupload: %v", err)
	}
	if r.elapsed >= quick {
		t.Errorf("pyupload %v was killed after %v\nstderr:\n%s", args, quick, r.stderr)
	}
	return r
}

// TestE2EUploadAnswerDrips: the index answers the first upload with its
// headers, then drips the body a byte every 2 s. pyupload gives up on
// that answer after the 2 s timeout (or its limit), names the timeout, and
// retries (a 503 is worth it): the second attempt is stored.
func TestE2EUploadAnswerDrips(t *testing.T) {
	t.Parallel()
	var posts atomic.Int32
	u := startHostile(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.NotFound(w, r) // no read API
			return
		}
		_, _ = io.Copy(io.Discard, r.Body)
		if posts.Add(1) == 1 {
			dripBody(w, r, http.StatusServiceUnavailable, "application/json", 2*time.Second)
			return
		}
		writeStored(w)
	})
	r := runQuick(t, append([]string{"PYUPLOAD_TIMEOUT=2"}, tokenEnv...), uploadArgs(u, "-v", good+"pyupload_mv22-2.2-py3-none-any.whl")...)
	if r.code != ui.ExitOK || posts.Load() != 2 {
		t.Fatalf("exit %d after %d POSTs, want 0 after 2\nstderr:\n%s", r.code, posts.Load(), r.stderr)
	}
	if !strings.Contains(r.stderr, "retrying upload") || !strings.Contains(r.stderr, "its answer was cut off: no ") || !strings.Contains(r.stderr, "from 127.0.0.1:") {
		t.Errorf("stderr does not show a retry after a named timeout:\n%s", r.stderr)
	}
}

// TestE2EUploadNoAnswer: the index takes the whole file and does not
// answer. pyupload gives up after --timeout, asks the read API whether the
// file arrived (it cannot tell), and sends it again.
func TestE2EUploadNoAnswer(t *testing.T) {
	t.Parallel()
	var posts atomic.Int32
	u := startHostile(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.NotFound(w, r)
			return
		}
		_, _ = io.Copy(io.Discard, r.Body)
		if posts.Add(1) == 1 {
			<-r.Context().Done()
			return
		}
		writeStored(w)
	})
	r := runQuick(t, tokenEnv, uploadArgs(u, "--timeout", "1", "-v", good+"pyupload_mv22-2.2-py3-none-any.whl")...)
	if r.code != ui.ExitOK || posts.Load() != 2 || !strings.Contains(r.stderr, "no data from 127.0.0.1:") {
		t.Fatalf("exit %d after %d POSTs, want 0 after 2 and the timeout in the log\nstderr:\n%s", r.code, posts.Load(), r.stderr)
	}
}

// TestE2EReadAPIDrips: a read API that drips its page cannot tell; the
// lookup is given up on within twice the timeout and the upload goes ahead.
func TestE2EReadAPIDrips(t *testing.T) {
	t.Parallel()
	var posts atomic.Int32
	u := startHostile(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			_, _ = io.Copy(io.Discard, r.Body)
			posts.Add(1)
			writeStored(w)
			return
		}
		dripBody(w, r, http.StatusOK, "text/html", time.Second)
	})
	r := runQuick(t, append([]string{"PYUPLOAD_TIMEOUT=2"}, tokenEnv...), uploadArgs(u, "-v", "--check-url", u+"/simple/", good+"pyupload_mv22-2.2-py3-none-any.whl")...)
	if r.code != ui.ExitOK || posts.Load() != 1 {
		t.Fatalf("exit %d after %d POSTs, want 0 after 1\nstderr:\n%s", r.code, posts.Load(), r.stderr)
	}
	if !strings.Contains(r.stderr, "no complete answer from 127.0.0.1:") {
		t.Errorf("the log does not name the read API's timeout:\n%s", r.stderr)
	}
}

// TestE2ETokenExchangeTimesOut: a mint endpoint that never answers, or
// whose answer stops after its headers, is a timeout named as one (never
// "unexpected response"), exit 1, with the hint.
func TestE2ETokenExchangeTimesOut(t *testing.T) {
	t.Parallel()
	for name, mint := range map[string]http.HandlerFunc{
		"no answer": func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() },
		"answer cut short": func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(`{"success": true, "tok`))
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			u := startHostile(t, func(w http.ResponseWriter, r *http.Request) {
				switch r.URL.Path {
				case "/_/oidc/audience":
					_, _ = w.Write([]byte(`{"audience": "pypi"}`))
				case "/_/oidc/mint-token":
					_, _ = io.Copy(io.Discard, r.Body)
					mint(w, r)
				default:
					http.NotFound(w, r)
				}
			})
			r := runQuick(t, []string{"PYUPLOAD_OIDC_TOKEN=" + fakeIdentity("pypi"), "PYUPLOAD_TIMEOUT=2"}, "token", "--repository-url", u+"/legacy/")
			if r.code != ui.ExitFailure || !strings.Contains(r.stderr, "the token exchange timed out: no ") || !strings.Contains(r.stderr, "--timeout SECONDS") {
				t.Errorf("exit %d, want %d, the timeout named and the hint\nstderr:\n%s", r.code, ui.ExitFailure, r.stderr)
			}
			if strings.Contains(r.stderr, "unexpected response") {
				t.Errorf("a timeout reported as an unexpected response:\n%s", r.stderr)
			}
		})
	}
}

// TestE2EIdentityEndpointHangs: GitHub's token endpoint that never
// answers fails whoami within twice the timeout, named as a timeout.
func TestE2EIdentityEndpointHangs(t *testing.T) {
	t.Parallel()
	u := startHostile(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/_/oidc/audience" {
			_, _ = w.Write([]byte(`{"audience": "pypi"}`))
			return
		}
		<-r.Context().Done()
	})
	env := []string{"GITHUB_ACTIONS=true", "ACTIONS_ID_TOKEN_REQUEST_URL=" + u + "/token?api-version=2.0", "ACTIONS_ID_TOKEN_REQUEST_TOKEN=" + ghaRequestToken, "PYUPLOAD_TIMEOUT=2"}
	r := runQuick(t, env, "whoami", "--repository-url", u+"/legacy/")
	if r.code != ui.ExitFailure || !strings.Contains(r.stderr, "getting an identity token from github: the token request timed out: no ") {
		t.Errorf("exit %d, want %d and the timeout named\nstderr:\n%s", r.code, ui.ExitFailure, r.stderr)
	}
}

// TestE2ETimeoutFlag: --timeout and PYUPLOAD_TIMEOUT must be a positive
// number of seconds.
func TestE2ETimeoutFlag(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		env  []string
		args []string
	}{
		{nil, []string{"token", "--timeout", "0"}},
		{[]string{"PYUPLOAD_TIMEOUT=-5"}, []string{"whoami"}},
		{nil, []string{"upload", "--timeout", "99999999999", good}},
	} {
		r := runQuick(t, c.env, c.args...)
		if r.code != ui.ExitUsage || !strings.Contains(r.stderr, "--timeout must be a number of seconds") {
			t.Errorf("pyupload %v with %v: exit %d, want %d\nstderr:\n%s", c.args, c.env, r.code, ui.ExitUsage, r.stderr)
		}
	}
}

// writeStored is PyPI's answer to a stored upload, the only success
// answer pyupload takes from a /legacy/ endpoint.
func writeStored(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"message": "", "code": "200 OK", "title": "OK"}`))
}
