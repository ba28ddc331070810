package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// DefaultTimeout is the inactivity timeout when none is given
// (--timeout, PYUPLOAD_TIMEOUT): how long an exchange may go without a
// byte moving in either direction.
const DefaultTimeout = 120 * time.Second

// CallLimit is the overall limit of one small call (an identity token, the
// audience, the token exchange, one read-API page) under the inactivity
// timeout: twice that timeout. A slow but moving answer gets that long; a
// server that drips a byte now and then is given up on.
func CallLimit(timeout time.Duration) time.Duration { return 2 * timeout }

// TimeoutError is an exchange given up on: nothing moved in either
// direction for After (Idle), or it was still going after its overall
// limit After. It is a net.Error whose Timeout method returns true, so
// the stages retry it as they retry other network failures; it never
// matches context.DeadlineExceeded, which means that the caller's own
// context ended.
type TimeoutError struct {
	Host  string        // the server, as the URL names it (host or host:port)
	After time.Duration // the inactivity timeout, or the overall limit
	Idle  bool          // no byte moved for After; false: the limit passed
	// Sending: the server stopped taking the request's body (Idle only).
	Sending bool
}

func (e *TimeoutError) Error() string {
	switch {
	case e.Idle && e.Sending:
		return fmt.Sprintf("%s stopped taking data: nothing could be sent for %s", e.Host, seconds(e.After))
	case e.Idle:
		return fmt.Sprintf("no data from %s for %s", e.Host, seconds(e.After))
	}
	return fmt.Sprintf("no complete answer from %s within %s", e.Host, seconds(e.After))
}

// Timeout reports true: this is a timeout (net.Error).
func (e *TimeoutError) Timeout() bool { return true }

// Temporary reports true: another try may succeed (net.Error).
func (e *TimeoutError) Temporary() bool { return true }

var _ net.Error = (*TimeoutError)(nil)

// seconds prints a duration as "120 s" (or "1.5 s"), to the millisecond.
func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Round(time.Millisecond).Seconds(), 'f', -1, 64) + " s"
}

// WithLimit returns a context that ends after d with a [*TimeoutError]
// for host as its cause, for a caller's own limit on a call (its retries
// included). Errors of requests made with it then say which server took
// too long rather than "context deadline exceeded".
func WithLimit(ctx context.Context, host string, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeoutCause(ctx, d, &TimeoutError{Host: host, After: d})
}

type timeouts struct {
	inner       http.RoundTripper
	idle, limit time.Duration
}

var _ http.RoundTripper = (*timeouts)(nil)

// NewTimeout bounds each request, from sending its body to the end of its
// answer's body: it fails with a [*TimeoutError] when no byte moved in
// either direction for idle (the request's body read by the transport,
// the answer's headers, its body read by the caller), and when the
// request is still going after limit (0: no limit). A slow transfer that
// keeps moving is never cut by idle; limit bounds a server that sends a
// byte now and then forever. Under [NewRetry], each try is bounded.
func NewTimeout(inner http.RoundTripper, idle, limit time.Duration) http.RoundTripper {
	return &timeouts{inner: inner, idle: idle, limit: limit}
}

func (t *timeouts) RoundTrip(req *http.Request) (*http.Response, error) {
	w := newWatch(req.Context(), req.URL.Host, t.idle, t.limit)
	req = req.WithContext(w.ctx)
	if req.Body != nil && req.Body != http.NoBody {
		w.sending.Store(true)
		req.Body = &watchedRequest{watchedBody{rc: req.Body, w: w, request: true}}
		if get := req.GetBody; get != nil {
			req.GetBody = func() (io.ReadCloser, error) {
				rc, err := get()
				if err != nil {
					return nil, err
				}
				return &watchedRequest{watchedBody{rc: rc, w: w, request: true}}, nil
			}
		}
	}
	resp, err := t.inner.RoundTrip(req)
	if err != nil {
		err = w.explain(err)
		w.end()
		return nil, err
	}
	w.sending.Store(false)
	w.touch()
	resp.Body = &watchedBody{rc: resp.Body, w: w}
	return resp, nil
}

// watch times one request: a timer that fires idle after the last byte
// moved, and the overall limit as the context's deadline.
type watch struct {
	ctx     context.Context
	cancel  context.CancelCauseFunc
	stopAll context.CancelFunc
	timer   *time.Timer
	parent  context.Context
	host    string
	idle    time.Duration
	last    atomic.Int64 // unix nanoseconds of the last byte moved
	sent    atomic.Int64 // bytes of the request's body read
	sending atomic.Bool  // the request's body is not all read yet
	stopped atomic.Bool  // the timer is done with
}

func newWatch(parent context.Context, host string, idle, limit time.Duration) *watch {
	w := &watch{parent: parent, host: host, idle: idle}
	ctx, cancel := context.WithCancelCause(parent)
	w.ctx, w.cancel, w.stopAll = ctx, cancel, func() {}
	if limit > 0 {
		w.ctx, w.stopAll = context.WithTimeoutCause(ctx, limit, &TimeoutError{Host: host, After: limit})
	}
	w.touch()
	if idle > 0 {
		w.timer = time.AfterFunc(time.Hour, w.check) // armed once assigned
		w.timer.Reset(idle)
	}
	return w
}

func (w *watch) touch() { w.last.Store(time.Now().UnixNano()) }

// check runs when the timer fires: it cancels the request if nothing
// moved for idle, and otherwise waits for the rest.
func (w *watch) check() {
	if w.stopped.Load() {
		return
	}
	quiet := time.Since(time.Unix(0, w.last.Load()))
	if quiet < w.idle {
		w.timer.Reset(w.idle - quiet)
		return
	}
	w.cancel(&TimeoutError{Host: w.host, After: w.idle, Idle: true, Sending: w.sending.Load() && w.sent.Load() > 0})
}

// stopTimer ends the inactivity timer (the answer was read to its end).
func (w *watch) stopTimer() {
	if w.timer != nil {
		w.stopped.Store(true)
		w.timer.Stop()
	}
}

// end releases the request's context.
func (w *watch) end() {
	w.stopTimer()
	w.stopAll()
	w.cancel(nil)
}

// explain returns the timeout that ended a request, when one did, in place
// of whatever error the transport made of it; other errors pass
// unchanged.
func (w *watch) explain(err error) error {
	if w.parent.Err() != nil {
		return err // the caller's context ended: its own error
	}
	if _, ok := errors.AsType[*TimeoutError](err); ok {
		return err
	}
	if te, ok := errors.AsType[*TimeoutError](context.Cause(w.ctx)); ok {
		return te
	}
	return err
}

// watchedBody counts activity on a request's or an answer's body.
type watchedBody struct {
	rc      io.ReadCloser
	w       *watch
	request bool
	done    atomic.Bool
}

func (b *watchedBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if n > 0 {
		b.w.touch()
		if b.request {
			b.w.sent.Add(int64(n))
		}
	}
	switch {
	case errors.Is(err, io.EOF) && b.request:
		b.w.sending.Store(false)
	case errors.Is(err, io.EOF):
		b.w.stopTimer()
	case err != nil:
		err = b.w.explain(err)
	}
	return n, err
}

// watchedRequest is a request's watched body, which may write itself.
type watchedRequest struct{ watchedBody }

// WriteTo lets a request's body write itself into the connection (see
// bodyConn): bytes handed to the connection count as activity and as
// sent, as bytes read from the body do, and so does the end of each
// write.
func (b *watchedRequest) WriteTo(w io.Writer) (int64, error) {
	n, err := io.Copy(&watchedWriter{w: w, watch: b.w}, b.rc)
	if err != nil {
		return n, b.w.explain(err)
	}
	b.w.sending.Store(false)
	return n, nil
}

// watchedWriter counts what a request's body writes.
type watchedWriter struct {
	w     io.Writer
	watch *watch
}

func (ww *watchedWriter) Write(p []byte) (int, error) {
	if len(p) > 0 {
		ww.watch.touch()
		ww.watch.sent.Add(int64(len(p)))
	}
	n, err := ww.w.Write(p)
	if n > 0 {
		ww.watch.touch()
	}
	return n, err
}

func (b *watchedBody) Close() error {
	err := b.rc.Close()
	if !b.request && b.done.CompareAndSwap(false, true) {
		b.w.end()
	}
	return err
}
