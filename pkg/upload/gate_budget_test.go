package upload

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pyupload/pyupload/internal/fakeindex"
)

// TestWaitingForTheGateEatsTheRetryBudget: a held file that gave up
// its hold (maxHold) waits for its release's first file, then is sent
// whole; that wait is not an attempt, but uploadOne's `start` was taken
// before it, so the time budget (WithRetry's maxElapsed) is spent waiting
// for another file, and the first retryable answer of its own first real
// attempt ends the retries. Before the change the rest of a release
// started after the first file, with a whole budget. Here the budget is
// 400 ms, the first file takes 600 ms, and the sdist's one 503 must be
// retried.
func TestWaitingForTheGateEatsTheRetryBudget(t *testing.T) {
	t.Parallel()
	ix := fakeindex.New(fakeindex.WithTokens(token), fakeindex.WithStorageDir(t.TempDir()))
	var sdistWhole atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			ix.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return // cut off
		}
		if bytes.Contains(body, []byte(`filename="`+openerWheel+`"`)) {
			time.Sleep(600 * time.Millisecond)
		} else if sdistWhole.Add(1) == 1 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		ix.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { srv.Close(); _ = ix.Close() })
	up, err := New(srv.Client(), mustURL(t, srv.URL+"/legacy/"), WithCredentials(creds), WithJobs(4),
		WithRetry(5, 400*time.Millisecond), WithBackoff(func(int) time.Duration { return 10 * time.Millisecond }))
	if err != nil {
		t.Fatal(err)
	}
	up.opts.maxHold = 50 * time.Millisecond
	res, err := up.Upload(t.Context(), goodDists(t, "pyupload_sample_hatch-1.0.0rc1.tar.gz", openerWheel))
	if sd := res[0]; sd.Status != Uploaded {
		t.Errorf("sdist: %v after %d attempts (%v); want uploaded at its second attempt: its own attempts took 0.1 s of the 0.4 s budget", sd.Status, sd.Attempts, sd.Err)
	}
	_ = err
}
