package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pyupload/pyupload/internal/ui"
)

// endlessReadAPI answers every read with a body that never ends (a valid
// start, then filler forever, in each form a read API takes) and accepts
// every upload, so the run's memory is what its lookups keep.
func endlessReadAPI(t *testing.T) string {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			w.Header().Set("Content-Type", "application/json")
			_, _ = fmt.Fprint(w, `{"message": "", "code": "200 OK", "title": "OK"}`)
			return
		}
		var start, filler string
		switch n.Add(1) % 4 {
		case 0: // one endless JSON string, as in a description
			w.Header().Set("Content-Type", "application/json")
			start, filler = `{"info": {"description": "`, strings.Repeat("a", 64<<10)
		case 1: // endless files, every one a file of the release asked for
			w.Header().Set("Content-Type", "application/vnd.pypi.simple.v1+json")
			start, filler = `{"meta": {"api-version": "1.0"}, "files": [`, strings.Repeat(`{"filename": "pkg-1.0-py3-none-any.whl", "hashes": {"sha256": "`+strings.Repeat("0", 64)+`"}}, `, 512)
		case 2: // endless links
			w.Header().Set("Content-Type", "text/html")
			start, filler = `<html><body>`, strings.Repeat(`<a href="p-1.0.tar.gz#sha256=`+strings.Repeat("1", 64)+`">p-1.0.tar.gz</a>`, 512)
		default: // one endless HTML text token
			w.Header().Set("Content-Type", "text/html")
			start, filler = `<html><body><a href="x">`, strings.Repeat("x", 64<<10)
		}
		if _, err := fmt.Fprint(w, start); err != nil {
			return
		}
		for r.Context().Err() == nil {
			if _, err := fmt.Fprint(w, filler); err != nil {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestE2EMemoryAgainstEndlessReadAPI: whatever a read API sends, and
// whatever --jobs, the run's peak memory stays small (issue: 940 MB at 4
// jobs, 2.5 GB at 16). Every sample dist is one lookup of a release.
func TestE2EMemoryAgainstEndlessReadAPI(t *testing.T) {
	t.Parallel()
	base := endlessReadAPI(t)
	cmd, stdout, stderr := pyuploadCmd(t, tokenEnv, "--repository-url", base+"/legacy/", "--disable-progress-bar", "--jobs", "16", good)
	peakMiB, err := runMeasuringRSS(cmd)
	if err != nil {
		t.Fatalf("upload: %v\n%s\n%s", err, stdout, stderr)
	}
	t.Logf("peak RSS %.1f MiB against an endless read API at --jobs 16", peakMiB)
	if peakMiB > 64 {
		t.Errorf("peak RSS %.1f MiB, want at most 64 MiB", peakMiB)
	}
	if code := cmd.ProcessState.ExitCode(); code != ui.ExitOK {
		t.Errorf("exit %d", code)
	}
}
