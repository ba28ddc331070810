package upload

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/pyupload/pyupload/internal/fakeindex"
)

// slowOpener serves a fake index whose release opener (the wheel)
// gets no answer until the client goes away; it reports on held when the
// opener's body has arrived whole.
func slowOpener(t *testing.T, h2 bool, held chan<- struct{}) *httptest.Server {
	t.Helper()
	ix := fakeindex.New(fakeindex.WithTokens(token), fakeindex.WithStorageDir(t.TempDir()))
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			ix.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return // cut off
		}
		if bytes.Contains(body, []byte(`filename="`+openerWheel+`"`)) {
			select {
			case held <- struct{}{}:
			default:
			}
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		ix.ServeHTTP(w, r)
	}))
	if h2 {
		srv.EnableHTTP2 = true
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(func() { srv.Close(); _ = ix.Close() })
	return srv
}

// TestCancelWhileHeldIsNotUnknown: Ctrl-C while the sdist holds back
// its closing boundary. Its request never ended, so the index never
// handled it: it must be Canceled (or NotAttempted), never Unknown ("may be
// on the index", followed by askAboutUnknown's read-API round), over
// HTTP/1 and over HTTP/2, whose transport returns on the cancel before the
// holding reader has woken (a library user's client may speak it).
func TestCancelWhileHeldIsNotUnknown(t *testing.T) {
	t.Parallel()
	for _, h2 := range []bool{false, true} {
		const runs = 20
		unknown := 0
		for range runs {
			held := make(chan struct{}, 1)
			srv := slowOpener(t, h2, held)
			ctx, cancel := context.WithCancel(t.Context())
			up, err := New(srv.Client(), mustURL(t, srv.URL+"/legacy/"), WithCredentials(creds), WithJobs(4))
			if err != nil {
				t.Fatal(err)
			}
			go func() {
				<-held                            // the wheel is on the index's side
				time.Sleep(50 * time.Millisecond) // the sdist is held by now
				cancel()
			}()
			res, _ := up.Upload(ctx, goodDists(t, "pyupload_sample_hatch-1.0.0rc1.tar.gz", openerWheel))
			cancel()
			switch s := res[0].Status; s {
			case Unknown:
				unknown++
				t.Logf("h2=%v sdist: %v (%d attempts): %v", h2, s, res[0].Attempts, res[0].Err)
			case Canceled, NotAttempted:
			default:
				t.Errorf("h2=%v sdist: %v, want canceled or not attempted", h2, s)
			}
		}
		if unknown > 0 {
			t.Errorf("h2=%v: %d of %d runs reported the held sdist Unknown (\"interrupted after the whole file was sent\"); its closing boundary never left", h2, unknown, runs)
		}
	}
}
