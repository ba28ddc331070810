package sigstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/pyupload/pyupload/internal/transport"
)

// Bounds of the services' answers.
const (
	maxAnswer    = 1 << 20  // a certificate chain or a log entry
	maxErrorBody = 64 << 10 // an error answer (CONTRIBUTING.md C6)
)

// ErrAnswerTooLarge says a service's answer is larger than this package
// reads.
var ErrAnswerTooLarge = errors.New("sigstore: answer too large")

// caller is what the Fulcio and Rekor clients share: the HTTP client, a
// limit per try, bounded tries and the backoff between them.
type caller struct {
	HTTP     *http.Client
	Timeout  time.Duration                   // per try; default 30 s
	Attempts int                             // tries in all; default 4
	Backoff  func(attempt int) time.Duration // default transport.DefaultBackoff
}

func (c *caller) client() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return http.DefaultClient
}

// post sends body to u as JSON until it gets want, a permanent failure,
// or runs out of tries; 429, most 5xx and network errors are retried.
// secret is redacted from every error. A nil body makes it a GET.
func (c *caller) post(ctx context.Context, service, op string, u *url.URL, body []byte, want int, secret string) ([]byte, error) {
	attempts := c.Attempts
	if attempts < 1 {
		attempts = 4
	}
	backoff := c.Backoff
	if backoff == nil {
		backoff = transport.DefaultBackoff
	}
	var last error
	for attempt := 1; attempt <= attempts; attempt++ {
		if attempt > 1 {
			wait := backoff(attempt - 1)
			if se, ok := errors.AsType[*retryAfterError](last); ok && se.after > wait {
				wait = se.after
			}
			if err := transport.Sleep(ctx, wait); err != nil {
				return nil, fmt.Errorf("%s: %w (after %w)", op, err, unwrapRetry(last))
			}
		}
		answer, err := c.try(ctx, service, op, u, body, want, secret)
		if err == nil {
			return answer, nil
		}
		last = err
		if !retryable(ctx, err) {
			break
		}
	}
	return nil, fmt.Errorf("%s: %w", op, unwrapRetry(last))
}

// retryAfterError carries a failure with the server's Retry-After.
type retryAfterError struct {
	err   error
	after time.Duration
}

func (e *retryAfterError) Error() string { return e.err.Error() }
func (e *retryAfterError) Unwrap() error { return e.err }

func unwrapRetry(err error) error {
	if ra, ok := err.(*retryAfterError); ok { //nolint:errorlint // only the outer layer is ours
		return ra.err
	}
	return err
}

func retryable(ctx context.Context, err error) bool {
	if ctx.Err() != nil || errors.Is(err, ErrAnswerTooLarge) {
		return false
	}
	if se, ok := errors.AsType[*ServiceError](err); ok {
		return se.Temporary()
	}
	if transport.IsTLSError(err) {
		return false
	}
	var ne interface{ Timeout() bool }
	var ue *url.Error
	return errors.As(err, &ne) || errors.As(err, &ue)
}

func (c *caller) try(ctx context.Context, service, op string, u *url.URL, body []byte, want int, secret string) ([]byte, error) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := transport.WithLimit(ctx, u.Host, timeout)
	defer cancel()
	method, reader := http.MethodPost, io.Reader(bytes.NewReader(body))
	if body == nil {
		method, reader = http.MethodGet, nil
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), reader)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.client().Do(req)
	if err != nil {
		return nil, redactErr(err, secret)
	}
	defer func() { _ = resp.Body.Close() }()
	limit := int64(maxErrorBody)
	if resp.StatusCode == want {
		limit = maxAnswer
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, redactErr(fmt.Errorf("reading %s's answer (%d): %w", service, resp.StatusCode, err), secret)
	}
	if resp.StatusCode == want {
		if int64(len(data)) > limit {
			return nil, fmt.Errorf("%w: %s sent more than %d bytes", ErrAnswerTooLarge, service, limit)
		}
		return data, nil
	}
	se := &ServiceError{Service: service, Op: op, StatusCode: resp.StatusCode, Body: printable(data, secret), Location: resp.Header.Get("Location")}
	if after := transport.RetryAfter(resp.Header, time.Now()); after > 0 && se.Temporary() {
		return nil, &retryAfterError{err: se, after: min(after, time.Minute)}
	}
	return nil, se
}

// printable is a short, one-line excerpt of an answer, secret redacted.
func printable(b []byte, secret string) string {
	s := string(b)
	if secret != "" {
		s = strings.ReplaceAll(s, secret, "<redacted>")
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return ' '
	}, strings.ToValidUTF8(s, "?"))
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 200 {
		s = strings.ToValidUTF8(s[:200], "") + "…"
	}
	return s
}

// redactedError is an error whose text had the secret removed. It does
// not unwrap (the cause's text holds the secret) but keeps its class.
type redactedError struct {
	msg     string
	timeout bool
}

func (e *redactedError) Error() string { return e.msg }

// Timeout reports whether the cause was a timeout.
func (e *redactedError) Timeout() bool { return e.timeout }

func redactErr(err error, secret string) error {
	if err == nil || secret == "" || !strings.Contains(err.Error(), secret) {
		return err
	}
	var ne interface{ Timeout() bool }
	return &redactedError{msg: strings.ReplaceAll(err.Error(), secret, "<redacted>"), timeout: errors.As(err, &ne) && ne.Timeout()}
}
