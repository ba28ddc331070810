package upload

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pyupload/pyupload/internal/fakeindex"
	"github.com/pyupload/pyupload/pkg/dist"
)

// countingReads serves ix and counts the read API's requests.
type countingReads struct {
	ix    *fakeindex.Index
	reads atomic.Int32
}

func (c *countingReads) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		c.reads.Add(1)
	}
	c.ix.ServeHTTP(w, r)
}

func lookaheadIndex(t *testing.T) (*countingReads, *httptest.Server) {
	t.Helper()
	c := &countingReads{ix: fakeindex.New(fakeindex.WithTokens(token), fakeindex.WithStorageDir(t.TempDir()))}
	srv := httptest.NewServer(c)
	t.Cleanup(func() { srv.Close(); _ = c.ix.Close() })
	return c, srv
}

// uploadAfterLookahead goes on as a run does once the files are checked
// and the credentials known: the upload, with the lookahead's answers.
func uploadAfterLookahead(t *testing.T, srv *httptest.Server, la *Lookahead, ds []*dist.Dist) ([]Result, error) {
	t.Helper()
	la.Checked(ds)
	la.Authenticated(creds)
	defer la.Stop()
	up, err := New(srv.Client(), mustURL(t, srv.URL+"/legacy/"), WithCredentials(creds), WithLookahead(la))
	if err != nil {
		t.Fatal(err)
	}
	return up.Upload(t.Context(), ds)
}

// TestLookaheadAnswersTheUpload: the lookups made while the files were
// checked are the upload's: a new project's two 404s need no sha256 and
// end before the checks do; an existing release's pages wait for the
// checked files, then decide by hash. The upload asks nothing again.
func TestLookaheadAnswersTheUpload(t *testing.T) {
	t.Parallel()
	for _, existing := range []bool{false, true} {
		c, srv := lookaheadIndex(t)
		endpoint := mustURL(t, srv.URL+"/legacy/")
		if existing {
			up, err := New(srv.Client(), endpoint, WithCredentials(creds))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := up.Upload(t.Context(), goodDists(t, hatchWheel)); err != nil {
				t.Fatal(err)
			}
			c.reads.Store(0)
		}
		ds := goodDists(t, hatchSdist, hatchWheel)
		la := StartLookahead(t.Context(), LookaheadConfig{Client: srv.Client(), Endpoint: endpoint}, []string{ds[0].Path, ds[1].Path})
		if !existing {
			// Both pages are missing: nothing to read, so no need to wait.
			deadline := time.Now().Add(5 * time.Second)
			for c.reads.Load() < 2 && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
		}
		res, err := uploadAfterLookahead(t, srv, la, ds)
		if err != nil {
			t.Fatalf("existing=%v: Upload() error = %v", existing, err)
		}
		want := Uploaded
		if existing {
			want = AlreadyPresent
		}
		if res[1].Status != want || res[0].Status != Uploaded {
			t.Errorf("existing=%v: wheel %v, sdist %v; want %v and uploaded", existing, res[1].Status, res[0].Status, want)
		}
		if n := c.reads.Load(); n != 2 {
			t.Errorf("existing=%v: %d read API requests, want the lookahead's 2", existing, n)
		}
	}
}

// TestLookaheadNotUsedWhenRegrouped: files whose metadata names another
// release than their filenames are looked up again by the upload, against
// the release the metadata names.
func TestLookaheadNotUsedWhenRegrouped(t *testing.T) {
	t.Parallel()
	c, srv := lookaheadIndex(t)
	endpoint := mustURL(t, srv.URL+"/legacy/")
	ds := goodDists(t, hatchWheel)
	la := StartLookahead(t.Context(), LookaheadConfig{Client: srv.Client(), Endpoint: endpoint}, []string{"other-2.0-py3-none-any.whl"})
	res, err := uploadAfterLookahead(t, srv, la, ds)
	if err != nil || res[0].Status != Uploaded {
		t.Fatalf("Upload() = %v, %v; want uploaded", res[0].Status, err)
	}
	if n := c.reads.Load(); n != 4 {
		t.Errorf("%d read API requests, want 4 (the lookahead's 2 for another release, the upload's 2)", n)
	}
}

// TestLookaheadStopEndsWaits: a run that fails its checks stops the
// lookups, which were waiting for the files, at once.
func TestLookaheadStopEndsWaits(t *testing.T) {
	t.Parallel()
	c, srv := lookaheadIndex(t)
	endpoint := mustURL(t, srv.URL+"/legacy/")
	up, err := New(srv.Client(), endpoint, WithCredentials(creds))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := up.Upload(t.Context(), goodDists(t, hatchWheel)); err != nil {
		t.Fatal(err)
	}
	before := c.reads.Load()
	// The release exists: its pages are there to read, so the lookups
	// wait for the checked files, which never come.
	la := StartLookahead(t.Context(), LookaheadConfig{Client: srv.Client(), Endpoint: endpoint}, []string{hatchSdist})
	deadline := time.Now().Add(5 * time.Second)
	for c.reads.Load() < before+2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	done := make(chan struct{})
	go func() { la.Stop(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Stop() did not end the lookups waiting for the checked files")
	}
}
