package ui

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pyupload/pyupload/pkg/upload"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with testdata/golden/name, or rewrites it with
// -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run go test -update to create it): %v", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("output differs from %s (-want +got):\n%s", path, diff)
	}
}

// fakeClock is a clock tests move by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

// scriptedTransfer drives a progress display through a transfer of three
// files (13 MiB) with one retry, rendering once a second.
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
		{[]upload.Event{{File: "a.whl", Bytes: 1 << 20}, {File: "a.whl", Done: true}}},
		{nil}, // a stall: the log stays quiet, the terminal shows the rate falling
		{[]upload.Event{{File: "b.whl", Bytes: -1 << 20, Retry: true}, {File: "b.whl", Bytes: 2 << 20}}},
		{[]upload.Event{{File: "b.whl", Bytes: 3 << 20}, {File: "b.whl", Done: true}, {File: "c.whl", Bytes: 4 << 20}}},
		{[]upload.Event{{File: "c.whl", Done: true}}},
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
	p.Event(upload.Event{Bytes: 3 << 20, Done: true})
	p.Close()
	got := errOut.String()
	if !strings.HasPrefix(got, "::group::Uploading 2 files (3.0 MiB)\n") || !strings.Contains(got, "::endgroup::\nsent 3.0 MiB in ") || !strings.Contains(got, ", 1 of 2 files done\n") {
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
