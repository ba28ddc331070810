package upload

import (
	"context"
	"testing"
	"time"

	"github.com/pyupload/pyupload/internal/fakeindex"
)

// TestJobsNoDeadlock: several new releases, each with held files,
// over 1 and 2 workers, on a slow link: every file ends uploaded, the
// opener of each release first, and nothing hangs.
func TestJobsNoDeadlock(t *testing.T) {
	t.Parallel()
	names := []string{
		"pyupload_mv22-2.2.tar.gz", "pyupload_mv22-2.2-py3-none-any.whl",
		"pyupload_mv24-2.4.tar.gz", "pyupload_mv24-2.4-py3-none-any.whl",
		"pyupload_sample_hatch-1.0.0rc1.tar.gz", openerWheel,
		"pyupload_sample_poetry-2.1.0.tar.gz", "pyupload_sample_poetry-2.1.0-py3-none-any.whl",
	}
	for _, jobs := range []int{1, 2} {
		ix, srv := serveIndex(t, fakeindex.WithLatency(20*time.Millisecond))
		up, err := New(srv.Client(), mustURL(t, srv.URL+"/legacy/"), WithCredentials(creds), WithJobs(jobs))
		if err != nil {
			t.Fatal(err)
		}
		up.opts.maxHold = 30 * time.Millisecond
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		res, err := up.Upload(ctx, goodDists(t, names...))
		cancel()
		if err != nil {
			t.Fatalf("jobs=%d: %v", jobs, err)
		}
		for _, r := range res {
			if r.Status != Uploaded || r.Attempts != 1 {
				t.Errorf("jobs=%d %s: %v after %d attempts", jobs, r.Dist.Filename.Base, r.Status, r.Attempts)
			}
		}
		seen := map[string]bool{}
		for _, f := range ix.Files() {
			if !seen[f.Project] && f.Filename[len(f.Filename)-4:] != ".whl" {
				t.Errorf("jobs=%d: %s stored before a wheel of its release", jobs, f.Filename)
			}
			seen[f.Project] = true
		}
	}
}
