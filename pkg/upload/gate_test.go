package upload

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pyupload/pyupload/internal/fakeindex"
)

// openerIndex serves ix, but first reads each upload whole and hands the
// release's first file (the wheel) to answer, which may delay or refuse
// it. It counts the requests and the bodies cut off before their end.
type openerIndex struct {
	ix     *fakeindex.Index
	answer func(w http.ResponseWriter) (handled bool)
	// others, when set, may answer the other files' uploads the same way.
	others   func(w http.ResponseWriter) (handled bool)
	requests atomic.Int32
	cutOff   atomic.Int32
}

const openerWheel = "pyupload_sample_hatch-1.0.0rc1-py3-none-any.whl"

func (o *openerIndex) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		o.ix.ServeHTTP(w, r)
		return
	}
	o.requests.Add(1)
	body, err := io.ReadAll(r.Body)
	if err != nil {
		o.cutOff.Add(1)
		return
	}
	if bytes.Contains(body, []byte(`filename="`+openerWheel+`"`)) {
		if o.answer(w) {
			return
		}
	} else if o.others != nil && o.others(w) {
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	o.ix.ServeHTTP(w, r)
}

func serveOpener(t *testing.T, answer func(w http.ResponseWriter) bool, others ...func(w http.ResponseWriter) bool) (*openerIndex, *httptest.Server) {
	t.Helper()
	o := &openerIndex{ix: fakeindex.New(fakeindex.WithTokens(token), fakeindex.WithStorageDir(t.TempDir())), answer: answer}
	if len(others) > 0 {
		o.others = others[0]
	}
	srv := httptest.NewServer(o)
	t.Cleanup(func() { srv.Close(); _ = o.ix.Close() })
	return o, srv
}

// TestHeldUploadsCutOffWhenTheFirstFileFails: the release's first file
// is refused, so the sdist, held back meanwhile, is cut off unfinished
// and reported as never attempted; the index stores nothing.
func TestHeldUploadsCutOffWhenTheFirstFileFails(t *testing.T) {
	t.Parallel()
	o, srv := serveOpener(t, func(w http.ResponseWriter) bool {
		time.Sleep(100 * time.Millisecond) // the sdist is held by now
		http.Error(w, "400 Invalid value for classifiers.", http.StatusBadRequest)
		return true
	})
	up, err := New(srv.Client(), mustURL(t, srv.URL+"/legacy/"), WithCredentials(creds), WithJobs(4))
	if err != nil {
		t.Fatal(err)
	}
	res, err := up.Upload(t.Context(), goodDists(t, "pyupload_sample_hatch-1.0.0rc1.tar.gz", openerWheel))
	if err == nil {
		t.Fatal("Upload() succeeded; want the wheel's refusal")
	}
	if res[1].Status != Failed || res[0].Status != NotAttempted || res[0].Attempts != 0 || res[0].Err != nil {
		t.Errorf("results: wheel %v, sdist %v (%d attempts, %v); want failed, and the sdist not attempted", res[1].Status, res[0].Status, res[0].Attempts, res[0].Err)
	}
	if n := len(o.ix.Files()); n != 0 {
		t.Errorf("index stored %d files, want none", n)
	}
	srv.Close() // waits for the handlers
	if r, c := o.requests.Load(), o.cutOff.Load(); r != 2 || c != 1 {
		t.Errorf("index saw %d uploads, %d of them cut off; want 2 and 1 (the sdist travelled, held)", r, c)
	}
}

// TestHeldTooLongIsSentAgainWhole: an upload holds its end back only for
// a while; past it, it is cut off, waits for the release's first file,
// then goes whole, without counting as an attempt.
func TestHeldTooLongIsSentAgainWhole(t *testing.T) {
	t.Parallel()
	o, srv := serveOpener(t, func(http.ResponseWriter) bool {
		time.Sleep(500 * time.Millisecond) // longer than the sdist may hold
		return false
	})
	up, err := New(srv.Client(), mustURL(t, srv.URL+"/legacy/"), WithCredentials(creds), WithJobs(4))
	if err != nil {
		t.Fatal(err)
	}
	up.opts.maxHold = 50 * time.Millisecond
	res, err := up.Upload(t.Context(), goodDists(t, "pyupload_sample_hatch-1.0.0rc1.tar.gz", openerWheel))
	if err != nil {
		t.Fatalf("Upload() error = %v", err)
	}
	for _, r := range res {
		if r.Status != Uploaded || r.Attempts != 1 {
			t.Errorf("%s: %v after %d attempts, want uploaded at the first", r.Dist.Filename.Base, r.Status, r.Attempts)
		}
	}
	files := o.ix.Files()
	if len(files) != 2 || files[0].Filename != openerWheel {
		t.Errorf("stored %+v; want the wheel, then the sdist", files)
	}
	srv.Close() // waits for the handlers
	if r, c := o.requests.Load(), o.cutOff.Load(); r != 3 || c != 1 {
		t.Errorf("index saw %d uploads, %d of them cut off; want 3 and 1", r, c)
	}
}
