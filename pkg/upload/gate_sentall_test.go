package upload

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestHeldConnectionClosedIsNotALostAnswer: a proxy in front of the
// index drops the sdist's connection while the sdist holds back its
// closing boundary (its idle-body timeout is shorter than maxHold). The
// request never ended, so the index never handled it, although every byte
// of the file had been read: the attempt is not "sent whole", and the
// retry's "already exists" (another uploader's file, no read API to check)
// must not be taken for this run's own lost upload. Want Failed
// (unverified duplicate), not Uploaded/LostAnswerDuplicate.
func TestHeldConnectionClosedIsNotALostAnswer(t *testing.T) {
	t.Parallel()
	var sdistPosts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.NotFound(w, r) // no read API
			return
		}
		mr, err := r.MultipartReader()
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var name string
		for {
			p, err := mr.NextPart()
			if err != nil {
				http.Error(w, "no content", http.StatusBadRequest)
				return
			}
			if p.FileName() != "" {
				name = p.FileName()
				break
			}
		}
		if strings.HasSuffix(name, ".whl") {
			_, _ = io.Copy(io.Discard, r.Body)
			time.Sleep(600 * time.Millisecond) // the sdist is held meanwhile
			w.WriteHeader(http.StatusOK)
			return
		}
		if sdistPosts.Add(1) == 1 {
			// The proxy's idle timeout: the body stopped coming; drop it.
			time.Sleep(200 * time.Millisecond)
			conn, _, _ := http.NewResponseController(w).Hijack()
			_ = conn.Close()
			return
		}
		_, _ = io.Copy(io.Discard, r.Body)
		http.Error(w, "package file already exists", http.StatusConflict) // someone else's
	}))
	t.Cleanup(srv.Close)
	up, err := New(srv.Client(), mustURL(t, srv.URL+"/upload/"), WithCredentials(creds), WithJobs(4), WithBackoff(noBackoff))
	if err != nil {
		t.Fatal(err)
	}
	res, _ := up.Upload(t.Context(), goodDists(t, "pyupload_sample_hatch-1.0.0rc1.tar.gz", openerWheel))
	sd := res[0]
	t.Logf("sdist: %v, evidence %v, %d attempts, err %v", sd.Status, sd.Evidence, sd.Attempts, sd.Err)
	if sd.Status == Uploaded || sd.Evidence == LostAnswerDuplicate {
		t.Errorf("sdist reported %v (%v): the index's duplicate was taken for this run's own lost upload, but the first request never ended", sd.Status, sd.Evidence)
	}
}
