package transport

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// drip answers with its headers at once, then one byte every gap, n
// bytes in all.
func drip(n int, gap time.Duration) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		for range n {
			select {
			case <-r.Context().Done():
				return
			case <-time.After(gap):
			}
			_, _ = w.Write([]byte("x"))
			w.(http.Flusher).Flush()
		}
	}
}

// hang never answers, until the client goes away or the test ends.
func hang(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() }

// serve serves h for one test. A request's context also ends with the
// test: a server that has not read the request's body does not notice
// the client leave.
func serve(t *testing.T, h http.Handler) *httptest.Server {
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
		h.ServeHTTP(w, r.WithContext(ctx))
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(done) }) // runs first
	return srv
}

// get makes one GET through c and reads the whole answer.
func get(ctx context.Context, c *http.Client, url string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", err
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

func TestTimeout(t *testing.T) {
	t.Parallel()
	const idle = 300 * time.Millisecond
	tests := []struct {
		name     string
		handler  http.HandlerFunc
		limit    time.Duration
		wantBody string
		wantErr  string // a *TimeoutError saying this; "" for success
		wantIdle bool
	}{
		{"no answer at all", hang, 0, "", "no data from 127.0.0.1:", true},
		{"slow but moving", drip(10, idle/3), 0, "xxxxxxxxxx", "", false},
		{"dripping forever is cut by the limit", drip(1000, idle/3), time.Second, "", "no complete answer from 127.0.0.1:", false},
		{"headers, then a pause", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusOK)
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
			case <-time.After(3 * idle):
			}
			_, _ = w.Write([]byte("late"))
		}, 0, "", "no data from 127.0.0.1:", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := serve(t, tt.handler)
			c := NewClient(Options{Timeout: idle, Limit: tt.limit})
			start := time.Now()
			body, err := get(t.Context(), c, srv.URL)
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("took %v", took)
			}
			if tt.wantErr == "" {
				if err != nil || body != tt.wantBody {
					t.Fatalf("GET = %q, %v; want %q", body, err, tt.wantBody)
				}
				return
			}
			te, ok := errors.AsType[*TimeoutError](err)
			if !ok || te.Idle != tt.wantIdle || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("GET error = %v, want a *TimeoutError (idle %v) saying %q", err, tt.wantIdle, tt.wantErr)
			}
			if ne, ok := errors.AsType[net.Error](err); !ok || !ne.Timeout() {
				t.Errorf("GET error = %v, want a net.Error that is a timeout", err)
			}
			if errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("GET error = %v matches context.DeadlineExceeded; the caller's context did not end", err)
			}
		})
	}
}

// TestTimeoutSending: a server that stops reading the request's body is
// given up on after the inactivity timeout, and the error says so.
func TestTimeoutSending(t *testing.T) {
	t.Parallel()
	srv := serve(t, http.HandlerFunc(hang))
	c := NewClient(Options{Timeout: 300 * time.Millisecond})
	const size = 1 << 30 // far more than the socket buffers hold
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL, io.LimitReader(zeros{}, size))
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = size
	start := time.Now()
	resp, err := c.Do(req)
	if err == nil {
		_ = resp.Body.Close()
	}
	te, ok := errors.AsType[*TimeoutError](err)
	if !ok || !te.Idle || !te.Sending || !strings.Contains(err.Error(), "stopped taking data") {
		t.Fatalf("POST error = %v, want an idle *TimeoutError while sending", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("took %v", took)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// TestTimeoutRetried: an idempotent request whose try timed out is tried
// again; the caller's own cancellation is never retried nor renamed.
func TestTimeoutRetried(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			hang(w, r)
			return
		}
		_, _ = w.Write([]byte("ok"))
	}))
	c := NewClient(Options{Timeout: 200 * time.Millisecond, Retry: true})
	if body, err := get(t.Context(), c, srv.URL); err != nil || body != "ok" || calls.Load() != 2 {
		t.Fatalf("GET = %q, %v after %d tries; want ok after 2", body, err, calls.Load())
	}

	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(100*time.Millisecond, cancel)
	calls.Store(0)
	if _, err := get(ctx, c, srv.URL); !errors.Is(err, context.Canceled) {
		t.Errorf("GET with a cancelled context: error = %v, want context.Canceled", err)
	}
}

// TestWithLimit: a caller's limit on a whole call is reported as a
// timeout naming the server.
func TestWithLimit(t *testing.T) {
	t.Parallel()
	srv := serve(t, http.HandlerFunc(hang))
	ctx, cancel := WithLimit(t.Context(), "index.example", 200*time.Millisecond)
	defer cancel()
	_, err := get(ctx, NewClient(Options{Retry: true}), srv.URL)
	te, ok := errors.AsType[*TimeoutError](err)
	if !ok || te.Idle || err.Error() == "" || !strings.Contains(err.Error(), "no complete answer from index.example within 0.2 s") {
		t.Fatalf("GET error = %v, want the limit's *TimeoutError", err)
	}
}

func TestTimeoutErrorMessages(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		err  *TimeoutError
		want string
	}{
		{&TimeoutError{Host: "upload.pypi.org", After: 120 * time.Second, Idle: true}, "no data from upload.pypi.org for 120 s"},
		{&TimeoutError{Host: "upload.pypi.org", After: 2 * time.Second, Idle: true, Sending: true}, "upload.pypi.org stopped taking data: nothing could be sent for 2 s"},
		{&TimeoutError{Host: "upload.pypi.org", After: 1500 * time.Millisecond}, "no complete answer from upload.pypi.org within 1.5 s"},
	} {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}
