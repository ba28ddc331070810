package upload

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// TestOpenerFoundLaterStillFailsTheBatch: the release's first file gets a
// 2xx that is no upload answer and the read API does not list it yet, so
// it is Unknown and its gate stays shut: the held sdist is cut off, not
// attempted. The read API, asked again at the end, then lists the wheel,
// which becomes uploaded; the batch must still fail, as the sdist was
// never sent (it used to return nil: exit 0 with a file missing).
func TestOpenerFoundLaterStillFailsTheBatch(t *testing.T) {
	t.Parallel()
	var reads atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			_ = r.ParseMultipartForm(1 << 20)
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<html><head><title>Welcome</title></head></html>"))
			return
		}
		if strings.HasPrefix(r.URL.Path, "/repo/simple/") && reads.Add(1) > 2 {
			listWheel(t, w)
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(srv.Close)
	res, err := uploadTo(t, srv.URL+"/repo/", []string{wheelName, sdistName}, WithJobs(4))
	t.Logf("wheel %v (%v), sdist %v; err %v", res[0].Status, res[0].Evidence, res[1].Status, err)
	if err == nil && !res[1].Status.OnIndex() {
		t.Errorf("Upload() returned nil, yet %s is %v", res[1].Dist.Filename.Base, res[1].Status)
	}
}
