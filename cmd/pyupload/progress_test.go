package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/pyupload/pyupload/pkg/upload"
)

func TestProgressRender(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	p := newProgress(&buf, 3<<20, 2, false) // not started: render by hand
	p.event(upload.Event{File: "a.whl", Bytes: 1 << 20})
	p.event(upload.Event{File: "a.whl", Bytes: -1 << 20, Retry: true})
	p.event(upload.Event{File: "a.whl", Bytes: 2 << 20})
	p.event(upload.Event{File: "a.whl", Done: true})
	p.render()
	p.render() // nothing new: no second line in a log
	want := "uploading: 2.0 MiB of 3.0 MiB, 1 of 2 files done, 1 retries\n"
	if got := buf.String(); got != want {
		t.Errorf("render() = %q, want %q", got, want)
	}
	p.close()
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 5 << 30: "5.0 GiB"} {
		if got := size(n); got != want {
			t.Errorf("size(%d) = %q, want %q", n, got, want)
		}
	}
	if strings.Contains(buf.String(), "\r") {
		t.Error("a non-terminal got a carriage return")
	}
}
