package transport

import (
	"log/slog"
	"net/http"
	"time"
)

type logger struct {
	inner http.RoundTripper
	log   *slog.Logger
}

var _ http.RoundTripper = (*logger)(nil)

// NewLogger logs each request's method, URL (without userinfo or query
// values, which may hold tokens), status and duration at debug level. It
// never logs headers or bodies, so credentials and tokens cannot leak
// through it.
func NewLogger(inner http.RoundTripper, log *slog.Logger) http.RoundTripper {
	return &logger{inner: inner, log: log}
}

func (t *logger) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.inner.RoundTrip(req)
	attrs := []any{"method", req.Method, "url", Redact(req.URL.String()), "elapsed", time.Since(start).Round(time.Millisecond)}
	if req.ContentLength > 0 {
		attrs = append(attrs, "bytes_sent", req.ContentLength)
	}
	if err != nil {
		t.log.Debug("http request failed", append(attrs, "error", err)...)
		return nil, err
	}
	t.log.Debug("http request", append(attrs, "status", resp.StatusCode)...)
	return resp, nil
}
