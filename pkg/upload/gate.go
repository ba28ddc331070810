package upload

import (
	"context"
	"errors"
	"io"
	"sync"
	"time"
)

// A release the index does not have yet is created by its first file,
// and two uploads must not race to create it. Rather than send that file
// alone and only then the others, which costs a whole file's time on
// every new release, the others are sent at the same time but each holds
// back the end of its request (the form's closing boundary, some forty
// bytes) until the first file is on the index. An index handles an upload
// only once its whole body has arrived, so none of them can reach the
// index's release creation before the first one is done, and their bytes
// travel meanwhile. If the first file fails, the held requests are cut
// off unfinished: the index discards an incomplete body, so they were
// never uploaded.

// errNotOpened: the release's first file did not reach the index, so a
// held upload was cut off before its end; the file was not uploaded.
var errNotOpened = errors.New("the release's first file did not reach the index")

// errHeldTooLong: an upload held its end back for [maxHold]; it is cut
// off (unfinished, so never uploaded) rather than left for a proxy to end
// with an error of its own, and sent again once the release exists.
var errHeldTooLong = errors.New("held back longer than an index may wait for the rest of a request")

// maxHold is the longest an upload holds back its end: well under the
// minute servers and proxies commonly wait between two reads of a body
// (and at most half the inactivity timeout, [WithTimeout]).
const maxHold = 20 * time.Second

// gate is what the uploads of a new release wait on before they end: its
// first file's outcome.
type gate struct {
	once sync.Once
	done chan struct{}
	open bool // the release exists; read after done is closed
}

func newGate() *gate { return &gate{done: make(chan struct{})} }

// settle records the first file's outcome: open when the index holds a
// file of the release now. Only the first call counts.
func (g *gate) settle(open bool) {
	g.once.Do(func() {
		g.open = open
		close(g.done)
	})
}

// wait returns nil once the release exists (at once for a nil gate), or
// why a held upload must be cut off: errNotOpened, errHeldTooLong after
// limit (no limit when limit is 0), or the context's cause.
func (g *gate) wait(ctx context.Context, limit time.Duration) error {
	if g == nil {
		return nil
	}
	var expired <-chan time.Time
	if limit > 0 {
		t := time.NewTimer(limit)
		defer t.Stop()
		expired = t.C
	}
	select {
	case <-g.done:
		if g.open {
			return nil
		}
		return errNotOpened
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-expired:
		select {
		case <-g.done: // settled at the same moment: no need to send again
			return g.wait(ctx, 0)
		default:
			return errHeldTooLong
		}
	}
}

// holdingReader goes before the end of a request body: it returns
// io.EOF once the gate is open, and the gate's error otherwise, which
// ends the request unfinished. The transport reads it on a goroutine of
// its own, so its answer is kept under a lock.
type holdingReader struct {
	ctx   context.Context
	gate  *gate
	limit time.Duration
	once  sync.Once

	mu       sync.Mutex
	err      error
	released bool // returned io.EOF: the closing boundary may follow
}

func (h *holdingReader) Read([]byte) (int, error) {
	h.once.Do(func() {
		err := h.gate.wait(h.ctx, h.limit)
		h.mu.Lock()
		h.err, h.released = err, err == nil
		h.mu.Unlock()
	})
	if err := h.cutOff(); err != nil {
		return 0, err
	}
	return 0, io.EOF
}

// isReleased reports whether the request's end was let go.
func (h *holdingReader) isReleased() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.released
}

// cutOff is why the request was ended unfinished, or nil.
func (h *holdingReader) cutOff() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.err
}
