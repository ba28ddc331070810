package upload

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pyupload/pyupload/internal/transport"
	"github.com/pyupload/pyupload/pkg/dist"
)

// hostileIndex reads each upload whole, then answers the first one with
// answer and every later one with 200.
func hostileIndex(t *testing.T, answer func(w http.ResponseWriter, r *http.Request)) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var calls atomic.Int32
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.NotFound(w, r) // no read API
			return
		}
		_, _ = io.Copy(io.Discard, r.Body)
		if calls.Add(1) > 1 {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"message": "", "code": "200 OK", "title": "OK"}`)) // stored
			return
		}
		answer(w, r)
		select { // until the client goes, or the test ends
		case <-r.Context().Done():
		case <-done:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(done) })
	return srv, &calls
}

// dripping sends the status line and headers, then a byte every gap.
func dripping(status int, gap time.Duration) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
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
}

// TestTimeouts: an answer that stops or drips after its headers, and one
// that never comes, are given up on and retried; the retry's cause is a
// timeout that names the index.
func TestTimeouts(t *testing.T) {
	t.Parallel()
	const timeout = 300 * time.Millisecond
	tests := []struct {
		name     string
		answer   func(http.ResponseWriter, *http.Request)
		wantIdle bool
		wantText string
	}{
		{"no answer", func(http.ResponseWriter, *http.Request) {}, true, "no data from 127.0.0.1:"},
		{"headers, then nothing", dripping(http.StatusServiceUnavailable, time.Hour), true, "index answered 503 Service Unavailable; its answer was cut off: no data from 127.0.0.1:"},
		{"headers, then a drip", dripping(http.StatusServiceUnavailable, timeout/3), false, "its answer was cut off: no complete answer from 127.0.0.1:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, calls := hostileIndex(t, tt.answer)
			var mu sync.Mutex
			var retries []error
			up, err := New(srv.Client(), mustURL(t, srv.URL+"/legacy/"), WithBackoff(noBackoff), WithTimeout(timeout),
				WithProgress(func(e Event) {
					if e.Retry {
						mu.Lock()
						retries = append(retries, e.Err)
						mu.Unlock()
					}
				}))
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			res, err := up.Upload(t.Context(), []*dist.Dist{openDist(t, "pyupload_mv22-2.2-py3-none-any.whl")})
			if err != nil || res[0].Status != Uploaded || res[0].Attempts != 2 || calls.Load() != 2 {
				t.Fatalf("Upload() = %+v, %v after %d POSTs; want uploaded on the second attempt", res, err, calls.Load())
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("took %v", took)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(retries) != 1 {
				t.Fatalf("retry events = %v, want one", retries)
			}
			te, ok := errors.AsType[*transport.TimeoutError](retries[0])
			if !ok || te.Idle != tt.wantIdle || !strings.Contains(retries[0].Error(), tt.wantText) {
				t.Errorf("retry cause = %v, want a timeout (idle %v) saying %q", retries[0], tt.wantIdle, tt.wantText)
			}
		})
	}
}

func TestAttemptLimit(t *testing.T) {
	t.Parallel()
	up, err := New(http.DefaultClient, mustURL(t, "https://upload.example/legacy/"), WithTimeout(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	for size, want := range map[int64]time.Duration{
		0:         2 * time.Minute,
		16 << 10:  2*time.Minute + time.Second,
		1:         2*time.Minute + time.Second,
		100 << 20: 2*time.Minute + 6400*time.Second,
	} {
		if got := up.limit(size); got != want {
			t.Errorf("limit(%d) = %v, want %v", size, got, want)
		}
	}
	if _, err := New(http.DefaultClient, mustURL(t, "https://upload.example/legacy/"), WithTimeout(0)); err == nil {
		t.Error("New(WithTimeout(0)) succeeded, want an error")
	}
}
