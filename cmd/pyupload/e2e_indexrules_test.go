package main

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pyupload/pyupload/internal/fakeindex"
	"github.com/pyupload/pyupload/internal/ui"
)

// TestE2EIndexRules: through the binary, the rules that depend on what
// PyPI holds are predicted from its read API before the first byte: a
// release older than 14 days takes no new file, and an archived project
// takes no upload. The run names the file, PyPI's text and what to do,
// and the index sees no upload attempt.
func TestE2EIndexRules(t *testing.T) {
	t.Parallel()
	const sdist = "pyupload_sample_hatch-1.0.0rc1.tar.gz"
	const wheel = "pyupload_sample_hatch-1.0.0rc1-py3-none-any.whl"
	for _, tt := range []struct {
		name     string
		age      time.Duration
		status   string
		want     []string
		wantCode int
	}{
		{"release older than 14 days", 20 * 24 * time.Hour, fakeindex.StatusActive,
			[]string{wheel + ": Uploading new files to releases older than 14 days is not allowed.", "20 days ago", "publish these files under a new version", "nothing was uploaded"}, ui.ExitFailure},
		{"archived project", time.Hour, fakeindex.StatusArchived,
			[]string{wheel + ": project \"PyUpload.Sample_Hatch\" is archived", "declares the project archived", "unarchive"}, ui.ExitFailure},
		{"young release", 2 * 24 * time.Hour, fakeindex.StatusActive, nil, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clock := fakeindex.NewClock(time.Now().Add(-tt.age))
			ix, u := startIndex(t, fakeindex.WithClock(clock.Now))
			content, err := os.ReadFile(good + sdist)
			if err != nil {
				t.Fatal(err)
			}
			if err := ix.Preload("pyupload-sample-hatch", "1.0.0rc1", sdist, content); err != nil {
				t.Fatal(err)
			}
			if err := ix.SetProjectStatus("pyupload-sample-hatch", tt.status); err != nil {
				t.Fatal(err)
			}
			clock.Set(time.Now())
			r := runBinary(t, tokenEnv, uploadArgs(u, good+wheel, good+sdist)...)
			if r.code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.wantCode, r.stdout, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stdout+r.stderr, w) {
					t.Errorf("output lacks %q\nstdout:\n%s\nstderr:\n%s", w, r.stdout, r.stderr)
				}
			}
			wantAttempts := 0
			if tt.wantCode == 0 {
				wantAttempts = 1 // the wheel; the identical sdist is already there
			}
			if n := ix.UploadAttempts(); n != wantAttempts {
				t.Errorf("index saw %d upload POSTs, want %d", n, wantAttempts)
			}
		})
	}
}
