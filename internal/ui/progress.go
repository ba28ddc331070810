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

	sent, retries atomic.Int64
	// Outcomes of the files done: those already on the index count as done
	// (and their bytes as progress) but were not sent.
	uploaded, present, skippedFiles, unknown, failed, skippedBytes atomic.Int64

	// Only the sampling goroutine (or Close, after it stopped) touches
	// these.
	window    []sample
	lastShown int64
	shown     bool

	enabled    bool
	stop       chan struct{}
	closeOnce  sync.Once
	wg         sync.WaitGroup
	endSection func()
	// mu serialises drawing with other lines written to the terminal
	// (see Printer.Stderr), so a line never lands on the bar.
	mu sync.Mutex
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
	interval := terminalInterval
	if !p.errTTY {
		interval = logInterval
	}
	return p.startProgress(total, files, enabled, interval)
}

func (p *Printer) startProgress(total int64, files int, enabled bool, interval time.Duration) *Progress {
	pr := newProgress(p.err, p.errTTY, total, files, time.Now)
	if !enabled {
		return pr
	}
	pr.enabled = true
	if !pr.tty {
		pr.endSection = p.ci.Section(fmt.Sprintf("Uploading %s (%s)", plural(files, "file"), size(total)))
	} else {
		p.bar = pr
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
		switch e.Status {
		case upload.Uploaded:
			p.uploaded.Add(1)
		case upload.AlreadyPresent:
			p.present.Add(1)
			p.skippedBytes.Add(e.Total)
		case upload.Skipped:
			p.skippedFiles.Add(1)
			p.skippedBytes.Add(e.Total)
		case upload.Unknown:
			p.unknown.Add(1)
		default:
			p.failed.Add(1)
		}
	}
	if e.Retry {
		p.retries.Add(1)
	}
}

// snapshot is what one rendering shows.
type snapshot struct {
	sent, total               int64
	done, files               int
	retries                   int64
	elapsed                   time.Duration
	rate                      float64 // bytes per second; 0 when unknown
	uploaded, present, failed int64
	skippedFiles              int64 // not sent under --skip-existing
	unknown                   int64 // interrupted after they were sent
	skipped                   int64 // bytes of files already on the index
}

// sampleNow records the counters at the current time and returns what to
// show: the rate is over the last few seconds, or since the start while
// there is less than a second of samples.
func (p *Progress) sampleNow() snapshot {
	now := p.now()
	s := snapshot{
		sent: p.sent.Load(), total: p.total, files: p.files, retries: p.retries.Load(), elapsed: now.Sub(p.start),
		uploaded: p.uploaded.Load(), present: p.present.Load(), skippedFiles: p.skippedFiles.Load(), unknown: p.unknown.Load(), failed: p.failed.Load(), skipped: p.skippedBytes.Load(),
	}
	s.done = int(s.uploaded + s.present + s.skippedFiles + s.unknown + s.failed)
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
		p.mu.Lock()
		_, _ = fmt.Fprintf(p.w, "\r\x1b[K%s", terminalLine(s))
		p.shown = true
		p.mu.Unlock()
		return
	}
	if s.sent == p.lastShown {
		return // nothing new: keep CI logs short
	}
	p.lastShown = s.sent
	_, _ = fmt.Fprintln(p.w, logLine(s))
}

// Close stops rendering, clears the terminal line, and prints the summary.
// Calling it again does nothing.
func (p *Progress) Close() {
	if !p.enabled {
		return
	}
	p.closeOnce.Do(func() {
		close(p.stop)
		p.wg.Wait()
		p.mu.Lock()
		defer p.mu.Unlock()
		p.clearLine()
		if p.endSection != nil {
			p.endSection()
		}
		_, _ = fmt.Fprintln(p.w, summaryLine(p.sampleNow()))
	})
}

// clearLine removes the bar before another line is written to the
// terminal; the next tick draws it again. The caller holds p.mu.
func (p *Progress) clearLine() {
	if p.tty && p.shown {
		_, _ = fmt.Fprint(p.w, "\r\x1b[K")
		p.shown = false
	}
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

// summaryLine closes the progress: what became of the files, the bytes
// actually sent (not those of files already on the index), the time and
// the average rate.
func summaryLine(s snapshot) string {
	sent := max(s.sent-s.skipped, 0)
	avg := 0.0
	if s.elapsed > 0 {
		avg = float64(sent) / s.elapsed.Seconds()
	}
	outcome := fmt.Sprintf("%d uploaded", s.uploaded)
	if s.present > 0 {
		outcome += fmt.Sprintf(", %d already present", s.present)
	}
	if s.skippedFiles > 0 {
		outcome += fmt.Sprintf(", %d skipped", s.skippedFiles)
	}
	if s.unknown > 0 {
		outcome += fmt.Sprintf(", %d unknown (interrupted after sending)", s.unknown)
	}
	if s.failed > 0 {
		outcome += fmt.Sprintf(", %d failed", s.failed)
	}
	line := fmt.Sprintf("%s of %s; sent %s in %s (%s average)", outcome, plural(s.files, "file"), size(sent), s.elapsed.Round(100*time.Millisecond), rate(avg))
	return line + retries(s.retries, ", ")
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
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
