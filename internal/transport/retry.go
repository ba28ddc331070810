package transport

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Backoff returns how long to wait before retry number attempt (1-based).
type Backoff func(attempt int) time.Duration

// Exponential returns a backoff that doubles from base up to limit, with
// full jitter so that parallel clients do not retry in step.
func Exponential(base, limit time.Duration) Backoff {
	return func(attempt int) time.Duration {
		ceiling := min(limit, base<<min(attempt-1, 20))
		return time.Duration(rand.Int64N(int64(ceiling)) + 1) // #nosec G404 -- jitter, not a secret
	}
}

// DefaultBackoff is exponential from 500 ms, capped at 30 s.
var DefaultBackoff = Exponential(500*time.Millisecond, 30*time.Second)

// IsLoopback reports whether host names this machine, the only place where
// plain http may carry credentials.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Secure reports whether credentials may be sent to u: over https, or
// over plain http to this machine.
func Secure(u *url.URL) bool {
	return u.Scheme == "https" || u.Scheme == "http" && IsLoopback(u.Hostname())
}

// RetryAfter reads a Retry-After header in seconds or as an HTTP date;
// 0 when absent or unparsable.
func RetryAfter(h http.Header, now time.Time) time.Duration {
	v := h.Get("Retry-After")
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// Temporary reports whether a response status is worth retrying: 429 and
// 5xx, except 501 and 505, which no retry can fix.
func Temporary(status int) bool {
	switch status {
	case http.StatusNotImplemented, http.StatusHTTPVersionNotSupported:
		return false
	}
	return status == http.StatusTooManyRequests || status >= 500
}

// Sleep waits for d or until ctx is done, whichever is first.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-t.C:
		return nil
	}
}

type retry struct {
	inner    http.RoundTripper
	backoff  Backoff
	attempts int
}

var _ http.RoundTripper = (*retry)(nil)

// NewRetry retries requests that are safe to repeat, GET, HEAD and
// OPTIONS, on network errors (timeouts of [NewTimeout] included; never
// TLS failures, [IsTLSError]) and [Temporary] statuses (429 and most
// 5xx), up to attempts tries in all,
// waiting backoff(n) or the server's Retry-After between them. Other methods pass through once: an upload
// rebuilds its own body, and a token exchange needs a fresh identity token
// per try. The request's context bounds the whole.
func NewRetry(inner http.RoundTripper, backoff Backoff, attempts int) http.RoundTripper {
	return &retry{inner: inner, backoff: backoff, attempts: max(1, attempts)}
}

func (t *retry) RoundTrip(req *http.Request) (*http.Response, error) {
	replayable := req.Method == http.MethodGet || req.Method == http.MethodHead || req.Method == http.MethodOptions
	for attempt := 1; ; attempt++ {
		resp, err := t.inner.RoundTrip(req)
		last := !replayable || attempt >= t.attempts
		switch {
		case err != nil && (last || req.Context().Err() != nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || IsTLSError(err)):
			return nil, err
		case err == nil && (!Temporary(resp.StatusCode) || last):
			return resp, nil
		}
		wait := t.backoff(attempt)
		if resp != nil {
			wait = max(wait, RetryAfter(resp.Header, time.Now()))
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			_ = resp.Body.Close()
		}
		if err := Sleep(req.Context(), wait); err != nil {
			return nil, err
		}
	}
}
