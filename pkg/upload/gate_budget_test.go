package upload

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// TestWaitingForTheGateKeepsTheRetryBudget: a held file that gave up its
// hold waits for its release's first file, then is sent whole; that wait
// is another file's time, not this one's, so it does not count against
// the retry budget (WithRetry's maxElapsed). Here the budget is 400 ms,
// the first file takes 600 ms, and the sdist's one 503 must be retried.
func TestWaitingForTheGateKeepsTheRetryBudget(t *testing.T) {
	t.Parallel()
	var sdistWhole atomic.Int32
	_, srv := serveOpener(t, func(http.ResponseWriter) bool {
		time.Sleep(600 * time.Millisecond)
		return false
	}, func(w http.ResponseWriter) bool {
		if sdistWhole.Add(1) == 1 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return true
		}
		return false
	})
	up, err := New(srv.Client(), mustURL(t, srv.URL+"/legacy/"), WithCredentials(creds), WithJobs(4),
		WithRetry(5, 400*time.Millisecond), WithBackoff(func(int) time.Duration { return 10 * time.Millisecond }))
	if err != nil {
		t.Fatal(err)
	}
	up.opts.maxHold = 50 * time.Millisecond
	res, _ := up.Upload(t.Context(), goodDists(t, hatchSdist, openerWheel))
	if sd := res[0]; sd.Status != Uploaded {
		t.Errorf("sdist: %v after %d attempts (%v); want uploaded at its second attempt: its own attempts took 0.1 s of the 0.4 s budget", sd.Status, sd.Attempts, sd.Err)
	}
}
