package mint

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pyupload/pyupload/internal/transport"
)

// TestTimeouts: a call that gets no answer, or an answer that stops or
// drips, fails with a timeout named as such: never as an unreadable
// answer of the index's.
func TestTimeouts(t *testing.T) {
	t.Parallel()
	// The handlers read the request first: only then does the server
	// notice the client leave.
	hang := func(w http.ResponseWriter, r *http.Request) { _, _ = io.Copy(io.Discard, r.Body); <-r.Context().Done() }
	stall := func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"success": true, "tok`))
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}
	tests := []struct {
		name    string
		handler http.HandlerFunc
		call    func(context.Context, *Client) error
		want    string
	}{
		{"audience without an answer", hang, audience, "asking for the audience timed out: no complete answer from 127.0.0.1:"},
		{"mint without an answer", hang, exchange, "the token exchange timed out: no complete answer from 127.0.0.1:"},
		{"mint answer cut short", stall, exchange, "the token exchange timed out: no complete answer from 127.0.0.1:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := serve(t, tt.handler)
			c.Timeout = 300 * time.Millisecond
			start := time.Now()
			err := tt.call(t.Context(), c)
			if _, ok := errors.AsType[*transport.TimeoutError](err); !ok || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error = %v, want a timeout saying %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "unexpected response") || strings.Contains(err.Error(), "no readable token") {
				t.Errorf("error = %v: a timeout reported as the index's answer", err)
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("took %v", took)
			}
		})
	}
}

func audience(ctx context.Context, c *Client) error { _, err := c.Audience(ctx); return err }
func exchange(ctx context.Context, c *Client) error { _, err := c.Mint(ctx, "id-token"); return err }

// TestTokenSourceRetriesTimeouts: an exchange that timed out is tried
// again with a fresh identity token.
func TestTokenSourceRetriesTimeouts(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if calls.Add(1) == 1 {
			<-r.Context().Done()
			return
		}
		_, _ = w.Write([]byte(`{"success": true, "token": "pypi-minted"}`))
	})
	c.Timeout = 300 * time.Millisecond
	var ids atomic.Int32
	s := &TokenSource{Client: c, Audience: "pypi", Backoff: func(int) time.Duration { return 0 },
		IDToken: func(context.Context, string) (string, error) { ids.Add(1); return "id", nil }}
	if tok, err := s.Token(t.Context()); err != nil || tok != "pypi-minted" || ids.Load() != 2 {
		t.Errorf("Token() = %q, %v with %d identity tokens; want the token from the second try", tok, err, ids.Load())
	}
}
