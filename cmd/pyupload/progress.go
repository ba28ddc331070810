package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pyupload/pyupload/pkg/upload"
)

// progress renders upload events on stderr. Events only touch atomics, so
// an upload never waits on the terminal; a ticker renders: one rewritten
// line on a terminal, a plain line every few seconds in CI logs.
type progress struct {
	w         io.Writer
	tty       bool
	total     int64
	files     int
	sent      atomic.Int64
	done      atomic.Int64
	retries   atomic.Int64
	stop      chan struct{}
	wg        sync.WaitGroup
	lastShown int64
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func newProgress(w io.Writer, total int64, files int, enabled bool) *progress {
	p := &progress{w: w, tty: isTerminal(w), total: total, files: files, stop: make(chan struct{})}
	if !enabled {
		return p
	}
	interval := 10 * time.Second
	if p.tty {
		interval = 200 * time.Millisecond
	}
	p.wg.Go(func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				p.render()
			}
		}
	})
	return p
}

// event is the upload.WithProgress callback.
func (p *progress) event(e upload.Event) {
	p.sent.Add(e.Bytes)
	if e.Done {
		p.done.Add(1)
	}
	if e.Retry {
		p.retries.Add(1)
	}
}

func (p *progress) render() {
	sent := p.sent.Load()
	if !p.tty && sent == p.lastShown {
		return // nothing new: keep CI logs short
	}
	p.lastShown = sent
	line := fmt.Sprintf("uploading: %s of %s, %d of %d files done", size(sent), size(p.total), p.done.Load(), p.files)
	if r := p.retries.Load(); r > 0 {
		line += fmt.Sprintf(", %d retries", r)
	}
	if p.tty {
		_, _ = fmt.Fprintf(p.w, "\r\x1b[K%s", line)
		return
	}
	_, _ = fmt.Fprintln(p.w, line)
}

// close stops rendering and clears the terminal line.
func (p *progress) close() {
	close(p.stop)
	p.wg.Wait()
	if p.tty {
		_, _ = fmt.Fprint(p.w, "\r\x1b[K")
	}
}

func size(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
