package fakeindex

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// faultKind is one kind of injected failure.
type faultKind int

const (
	faultNone faultKind = iota
	faultStatus
	faultRateLimit
	faultResetMidBody
	faultResetAfterStore
	faultStall
)

type fault struct {
	kind   faultKind
	status int
	wait   time.Duration // Retry-After for faultRateLimit, pause for faultStall
}

// faultPlan is a fault that applies to the next remaining POSTs.
type faultPlan struct {
	fault
	remaining int
}

// Faults apply in the order they were requested: FailUploads(2, 503) then
// RateLimitUploads(1, …) makes the next two uploads fail with 503 and the
// third get 429. Each applies to POSTs to the upload endpoint
// ([Index.UploadPath]) whatever their :action, and under every profile,
// whose registry words the failure.

// FailUploads makes the next n uploads answer status (such as 500, 502
// or 503) with a body naming the standard reason in the registry's error
// format (§2.1-shaped on PyPI), after reading the whole request body.
// Nothing is stored.
func (ix *Index) FailUploads(n, status int) {
	ix.addFault(n, fault{kind: faultStatus, status: status})
}

// RateLimitUploads makes the next n uploads answer 429 "Too many
// requests" with a Retry-After header of retryAfter in whole seconds,
// rounded up, after reading the whole request body.
func (ix *Index) RateLimitUploads(n int, retryAfter time.Duration) {
	ix.addFault(n, fault{kind: faultRateLimit, status: http.StatusTooManyRequests, wait: retryAfter})
}

// ResetUploadsMidBody makes the next n uploads read about half of
// the request body (half the Content-Length, or 32 KiB of a chunked body)
// and then abort the connection without a response. Nothing is stored.
func (ix *Index) ResetUploadsMidBody(n int) {
	ix.addFault(n, fault{kind: faultResetMidBody})
}

// ResetUploadsAfterStore makes the next n uploads be processed in
// full (a valid file is stored) but answered by aborting the connection:
// the ambiguous failure a client resolves by asking the read API.
func (ix *Index) ResetUploadsAfterStore(n int) {
	ix.addFault(n, fault{kind: faultResetAfterStore})
}

// StallUploads makes the next n uploads stop reading the request
// body about half way for d, then continue normally. The stall ends early,
// and the request is dropped, if the request's context is cancelled.
func (ix *Index) StallUploads(n int, d time.Duration) {
	ix.addFault(n, fault{kind: faultStall, wait: d})
}

func (ix *Index) addFault(n int, f fault) { ix.uploadFaults.add(n, f) }

// takeFault returns the fault for this POST, or one of kind faultNone.
func (ix *Index) takeFault() fault { return ix.uploadFaults.take() }

// midpoint is where mid-body faults strike: half the declared length, or
// 32 KiB into a body of unknown length.
func midpoint(r *http.Request) int64 {
	if r.ContentLength > 0 {
		return r.ContentLength / 2
	}
	return 32 << 10
}

// errClosing ends waits when the index is closed.
var errClosing = errors.New("fakeindex: closing")

// sleep waits d, or until ctx is done or the index closed, whichever
// comes first.
func (ix *Index) sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-ix.done:
		return errClosing
	}
}

// abortConnection drops the client's connection without a response: the
// connection is hijacked and closed with a TCP reset where possible, and
// otherwise (HTTP/2) the handler aborts the stream.
func abortConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0) // send RST, like a proxy that gave up
	}
	_ = conn.Close()
}

// shapedBody wraps a request body with the index's bandwidth limit and a
// stall at the midpoint. Waits honour ctx.
type shapedBody struct {
	ix    *Index
	ctx   context.Context
	r     io.Reader
	rate  int64 // bytes per second; 0 means unlimited
	start time.Time
	n     int64

	stallAt int64 // stall once n reaches this, when stall > 0
	stall   time.Duration
	stalled bool
}

func (b *shapedBody) Read(p []byte) (int, error) {
	if b.stall > 0 && !b.stalled {
		if b.n >= b.stallAt {
			b.stalled = true
			if err := b.ix.sleep(b.ctx, b.stall); err != nil {
				return 0, err
			}
		} else if room := b.stallAt - b.n; int64(len(p)) > room {
			p = p[:room]
		}
	}
	if b.rate > 0 {
		// Read in slices of about 50ms worth, so the pace is smooth.
		if limit := max(b.rate/20, 1); int64(len(p)) > limit {
			p = p[:limit]
		}
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	if b.rate > 0 && n > 0 {
		due := b.start.Add(time.Duration(float64(b.n) / float64(b.rate) * float64(time.Second)))
		if wait := time.Until(due); wait > 0 {
			if serr := b.ix.sleep(b.ctx, wait); serr != nil {
				return n, serr
			}
		}
	}
	return n, err
}

// faultQueue is a list of faults applied in order to the next requests of
// one endpoint.
type faultQueue struct {
	mu    sync.Mutex
	plans []*faultPlan
}

func (q *faultQueue) add(n int, f fault) {
	if n <= 0 {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.plans = append(q.plans, &faultPlan{fault: f, remaining: n})
}

func (q *faultQueue) take() fault {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.plans) > 0 {
		p := q.plans[0]
		if p.remaining <= 0 {
			q.plans = q.plans[1:]
			continue
		}
		p.remaining--
		return p.fault
	}
	return fault{}
}
