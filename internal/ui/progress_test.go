package ui

import (
	"bytes"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	goldenfile "github.com/pyupload/pyupload/internal/golden"
	"github.com/pyupload/pyupload/pkg/upload"
)

// golden compares got with testdata/golden/name (go test -update rewrites it).
func golden(t *testing.T, name, got string) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", "golden", name), got)
}

// fakeClock is a clock tests move by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

// scriptedTransfer drives a progress display through a transfer of three
// files (13 MiB, one of them already on the index) with one retry, rendering once a second.
func scriptedTransfer(tty bool) string {
	var buf bytes.Buffer
	clock := &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	p := newProgress(&buf, tty, 13<<20, 3, clock.now)
	p.enabled = true
	// enabled, but no sampling goroutine: the test renders
	steps := []struct {
		events []upload.Event
	}{
		{nil}, // nothing sent yet: no rate, no ETA
		{[]upload.Event{{File: "a.whl", Bytes: 1 << 20}}},
		{[]upload.Event{{File: "a.whl", Bytes: 2 << 20}, {File: "b.whl", Bytes: 1 << 20}}},
		{[]upload.Event{{File: "a.whl", Bytes: 1 << 20}, {File: "a.whl", Done: true, Status: upload.Uploaded}}},
		{nil}, // a stall: the log stays quiet, the terminal shows the rate falling
		{[]upload.Event{{File: "b.whl", Bytes: -1 << 20, Retry: true}, {File: "b.whl", Bytes: 2 << 20}}},
		{[]upload.Event{{File: "b.whl", Bytes: 3 << 20}, {File: "b.whl", Done: true, Status: upload.Uploaded}, {File: "c.whl", Bytes: 4 << 20, Total: 4 << 20}}},
		{[]upload.Event{{File: "c.whl", Total: 4 << 20, Done: true, Status: upload.AlreadyPresent}}}, // on the index already: not sent
	}
	for _, s := range steps {
		clock.t = clock.t.Add(time.Second)
		for _, e := range s.events {
			p.Event(e)
		}
		p.render()
	}
	p.Close()
	return buf.String()
}

// visible shows a terminal's control characters in golden files.
func visible(s string) string {
	return strings.NewReplacer("\r\x1b[K", "\n<CR><EL>", "\r", "<CR>", "\x1b", "<ESC>").Replace(s)
}

func TestProgressTerminal(t *testing.T) {
	t.Parallel()
	golden(t, "progress-terminal.golden", visible(scriptedTransfer(true)))
}

func TestProgressLog(t *testing.T) {
	t.Parallel()
	got := scriptedTransfer(false)
	if strings.ContainsAny(got, "\r\x1b") {
		t.Errorf("a CI log got terminal control characters:\n%q", got)
	}
	golden(t, "progress-log.golden", got)
}

// TestProgressDisabled: --disable-progress-bar shows nothing at all.
func TestProgressDisabled(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	pr := &Printer{out: &out, err: &errOut, ci: plainCI{}}
	p := pr.StartProgress(10, 1, false)
	p.Event(upload.Event{Bytes: 10, Done: true})
	p.Close()
	if out.Len()+errOut.Len() != 0 {
		t.Errorf("disabled progress printed %q %q", out.String(), errOut.String())
	}
}

// TestProgressSection: in a CI log the periodic lines sit in a collapsible
// section, and the summary after it.
func TestProgressSection(t *testing.T) {
	t.Parallel()
	var errOut bytes.Buffer
	pr := &Printer{out: &bytes.Buffer{}, err: &errOut, ci: &GitHubActions{Log: &errOut}}
	p := pr.StartProgress(3<<20, 2, true)
	p.Event(upload.Event{Bytes: 3 << 20, Done: true, Status: upload.Failed})
	p.Close()
	p.Close() // a second call does nothing
	got := errOut.String()
	if !strings.HasPrefix(got, "::group::Uploading 2 files (3.0 MiB)\n") || !strings.Contains(got, "::endgroup::\n0 uploaded, 1 failed of 2 files; sent 3.0 MiB in ") {
		t.Errorf("progress in GitHub Actions =\n%s\nwant a group, then the summary", got)
	}
}

func TestFormats(t *testing.T) {
	t.Parallel()
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 5 << 30: "5.0 GiB"} {
		if got := size(n); got != want {
			t.Errorf("size(%d) = %q, want %q", n, got, want)
		}
	}
	for _, tt := range []struct {
		s    snapshot
		want string
	}{
		{snapshot{sent: 0, total: 100, rate: 0}, "--:--"},
		{snapshot{sent: 50, total: 100, rate: 10}, "0:05"},
		{snapshot{sent: 0, total: 7300, rate: 1}, "2:01:40"},
		{snapshot{sent: 100, total: 100, rate: 0}, "0:00"},
	} {
		if got := eta(tt.s); got != tt.want {
			t.Errorf("eta(%+v) = %q, want %q", tt.s, got, tt.want)
		}
	}
	if got, want := bar(snapshot{sent: 1, total: 2}, 10), "[=====>    ]"; got != want {
		t.Errorf("bar(half) = %q, want %q", got, want)
	}
	if got, want := bar(snapshot{sent: 2, total: 2}, 10), "[==========]"; got != want {
		t.Errorf("bar(full) = %q, want %q", got, want)
	}
}

// TestProgressTicks runs the sampling goroutine for real, with events
// arriving concurrently (run with -race), and a line written to stderr in
// between, which must never land on the bar.
func TestProgressTicks(t *testing.T) {
	t.Parallel()
	var errOut syncBuffer
	pr := &Printer{out: &bytes.Buffer{}, err: &errOut, errTTY: true, ci: plainCI{}}
	p := pr.startProgress(100<<10, 10, true, time.Millisecond)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 10 {
			p.Event(upload.Event{Bytes: 10 << 10})
			p.Event(upload.Event{Done: true, Status: upload.Uploaded})
			time.Sleep(2 * time.Millisecond)
		}
	}()
	time.Sleep(5 * time.Millisecond)
	pr.Infof("a line of its own")
	<-done
	p.Close()
	got := errOut.String()
	if !strings.Contains(got, "\r\x1b[K[") {
		t.Errorf("no bar was drawn: %q", got)
	}
	if !strings.Contains(got, "\r\x1b[Ka line of its own\n") && !strings.HasPrefix(got, "a line of its own\n") {
		t.Errorf("the line was not written on a cleared line: %q", got)
	}
	last := got[strings.LastIndex(got, "\r\x1b[K")+len("\r\x1b[K"):]
	if !strings.HasPrefix(last, "10 uploaded of 10 files; sent 100.0 KiB in ") || strings.Count(last, "\n") != 1 {
		t.Errorf("the summary is not last, on a cleared line: %q", got)
	}
}

// syncBuffer is a bytes.Buffer safe for the sampling goroutine and the
// test to share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
