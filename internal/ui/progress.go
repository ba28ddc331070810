package ui

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pyupload/pyupload/pkg/upload"
)

// Progress renders an upload's progress on stderr. Upload events only
// touch atomics, so a transfer never waits on the terminal; one sampling
// goroutine renders: a bar with bytes, rate, ETA, files and retries
// rewritten in place on a terminal, a plain line every few seconds in CI
// logs (only when something moved), and a summary line at the end.
//
// The renderer is our own rather than a progress-bar library's: it draws
// only from the sampling goroutine with an injected clock, so both
// renderings are golden-tested byte for byte, and CI logs get plain lines
// instead of a bar's carriage returns.
type Progress struct {
	w     io.Writer
	tty   bool
	total int64
	files int
	now   func() time.Time
	start time.Time

	sent, done, retries atomic.Int64

	// Only the sampling goroutine (or Close, after it stopped) touches
	// these.
	window    []sample
	lastShown int64
	shown     bool

	enabled    bool
	stop       chan struct{}
	wg         sync.WaitGroup
	endSection func()
}

type sample struct {
	at   time.Time
	sent int64
}

// How often progress is drawn, and over how long the rate is averaged.
const (
	terminalInterval = 200 * time.Millisecond
	logInterval      = 5 * time.Second
	rateWindow       = 5 * time.Second
)

// StartProgress starts rendering the progress of uploading files files of
// total bytes. When not enabled, nothing is shown.
func (p *Printer) StartProgress(total int64, files int, enabled bool) *Progress {
	pr := newProgress(p.err, p.errTTY, total, files, time.Now)
	if !enabled {
		return pr
	}
	pr.enabled = true
	interval := terminalInterval
	if !pr.tty {
		interval = logInterval
		pr.endSection = p.ci.Section(fmt.Sprintf("Uploading %d files (%s)", files, size(total)))
	}
	pr.wg.Go(func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-pr.stop:
				return
			case <-t.C:
				pr.render()
			}
		}
	})
	return pr
}

func newProgress(w io.Writer, tty bool, total int64, files int, now func() time.Time) *Progress {
	return &Progress{w: w, tty: tty, total: total, files: files, now: now, start: now(), stop: make(chan struct{})}
}

// Event is the upload.WithProgress callback: cheap and safe for
// concurrent use.
func (p *Progress) Event(e upload.Event) {
	p.sent.Add(e.Bytes)
	if e.Done {
		p.done.Add(1)
	}
	if e.Retry {
		p.retries.Add(1)
	}
}

// snapshot is what one rendering shows.
type snapshot struct {
	sent, total int64
	done, files int
	retries     int64
	elapsed     time.Duration
	rate        float64 // bytes per second; 0 when unknown
}

// sampleNow records the counters at the current time and returns what to
// show: the rate is over the last few seconds, or since the start while
// there is less than a second of samples.
func (p *Progress) sampleNow() snapshot {
	now := p.now()
	s := snapshot{sent: p.sent.Load(), total: p.total, done: int(p.done.Load()), files: p.files, retries: p.retries.Load(), elapsed: now.Sub(p.start)}
	p.window = append(p.window, sample{at: now, sent: s.sent})
	for len(p.window) > 2 && now.Sub(p.window[1].at) >= rateWindow {
		p.window = p.window[1:]
	}
	first := p.window[0]
	switch span := now.Sub(first.at); {
	case span >= time.Second:
		s.rate = float64(s.sent-first.sent) / span.Seconds()
	case s.elapsed > 0:
		s.rate = float64(s.sent) / s.elapsed.Seconds()
	}
	s.rate = max(s.rate, 0) // a retry takes bytes back
	return s
}

// render draws one update.
func (p *Progress) render() {
	s := p.sampleNow()
	if p.tty {
		_, _ = fmt.Fprintf(p.w, "\r\x1b[K%s", terminalLine(s))
		p.shown = true
		return
	}
	if s.sent == p.lastShown {
		return // nothing new: keep CI logs short
	}
	p.lastShown = s.sent
	_, _ = fmt.Fprintln(p.w, logLine(s))
}

// Close stops rendering, clears the terminal line, and prints the summary.
func (p *Progress) Close() {
	if !p.enabled {
		return
	}
	close(p.stop)
	p.wg.Wait()
	if p.tty && p.shown {
		_, _ = fmt.Fprint(p.w, "\r\x1b[K")
	}
	if p.endSection != nil {
		p.endSection()
	}
	_, _ = fmt.Fprintln(p.w, summaryLine(p.sampleNow()))
}

// terminalLine is the line rewritten on a terminal:
// [=====>    ]  45%  12.3 MiB / 27.0 MiB  4.1 MiB/s  ETA 0:04  3/8 files
func terminalLine(s snapshot) string {
	line := fmt.Sprintf("%s %3d%%  %s / %s  %s  ETA %s  %d/%d files", bar(s, 24), percent(s), size(s.sent), size(s.total), rate(s.rate), eta(s), s.done, s.files)
	return line + retries(s.retries, "  ")
}

// logLine is the plain line for CI logs.
func logLine(s snapshot) string {
	line := fmt.Sprintf("uploading: %s of %s (%d%%), %s, ETA %s, %d of %d files done", size(s.sent), size(s.total), percent(s), rate(s.rate), eta(s), s.done, s.files)
	return line + retries(s.retries, ", ")
}

// summaryLine closes the progress: files, bytes, time and average rate.
func summaryLine(s snapshot) string {
	avg := 0.0
	if s.elapsed > 0 {
		avg = float64(s.sent) / s.elapsed.Seconds()
	}
	line := fmt.Sprintf("sent %s in %s (%s average), %d of %d files done", size(s.sent), s.elapsed.Round(100*time.Millisecond), rate(avg), s.done, s.files)
	return line + retries(s.retries, ", ")
}

func retries(n int64, sep string) string {
	switch n {
	case 0:
		return ""
	case 1:
		return sep + "1 retry"
	}
	return fmt.Sprintf("%s%d retries", sep, n)
}

func percent(s snapshot) int {
	if s.total <= 0 {
		return 100
	}
	return int(min(max(s.sent, 0)*100/s.total, 100))
}

func bar(s snapshot, width int) string {
	filled := 0
	if s.total > 0 {
		filled = int(min(max(s.sent, 0)*int64(width)/s.total, int64(width)))
	}
	head := ""
	if filled < width {
		head = ">"
	}
	return "[" + strings.Repeat("=", filled) + head + strings.Repeat(" ", width-filled-len(head)) + "]"
}

func rate(bytesPerSecond float64) string {
	if bytesPerSecond <= 0 {
		return "-- B/s"
	}
	return size(int64(bytesPerSecond)) + "/s"
}

// eta is the time left at the current rate, as m:ss (h:mm:ss past an
// hour), or --:-- when unknown.
func eta(s snapshot) string {
	left := s.total - s.sent
	if left <= 0 {
		return "0:00"
	}
	if s.rate <= 0 {
		return "--:--"
	}
	secs := int64(float64(left)/s.rate + 0.5)
	if secs >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", secs/3600, secs/60%60, secs%60)
	}
	return fmt.Sprintf("%d:%02d", secs/60, secs%60)
}

// size formats a byte count in binary units.
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
