package upload

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/pyupload/pyupload/internal/fakeindex"
	"github.com/pyupload/pyupload/pkg/dist"
)

const token = "pypi-upload-test"

func creds(context.Context) (string, string, error) { return "__token__", token, nil }

func serveIndex(t *testing.T, opts ...fakeindex.Option) (*fakeindex.Index, *httptest.Server) {
	t.Helper()
	ix := fakeindex.New(append([]fakeindex.Option{fakeindex.WithTokens(token), fakeindex.WithStorageDir(t.TempDir())}, opts...)...)
	srv := httptest.NewServer(ix)
	t.Cleanup(func() { srv.Close(); _ = ix.Close() })
	return ix, srv
}

func goodDists(t *testing.T, names ...string) []*dist.Dist {
	t.Helper()
	var ds []*dist.Dist
	for _, n := range names {
		ds = append(ds, openDist(t, n))
	}
	return ds
}

// TestWheelsFirstAndFirstFileAlone: the first file of a new release is
// uploaded before the others start, and it is a wheel.
func TestWheelsFirstAndFirstFileAlone(t *testing.T) {
	t.Parallel()
	ix, srv := serveIndex(t, fakeindex.WithLatency(50*time.Millisecond))
	up, err := New(srv.Client(), mustURL(t, srv.URL+"/legacy/"), WithCredentials(creds), WithJobs(4))
	if err != nil {
		t.Fatal(err)
	}
	ds := goodDists(t, "pyupload_sample_hatch-1.0.0rc1.tar.gz", "pyupload_sample_hatch-1.0.0rc1-py3-none-any.whl")
	res, err := up.Upload(t.Context(), ds)
	if err != nil {
		t.Fatalf("Upload() error = %v", err)
	}
	for _, r := range res {
		if r.Status != Uploaded {
			t.Errorf("%s: %v, want uploaded", r.Dist.Filename.Base, r.Status)
		}
	}
	files := ix.Files()
	if len(files) != 2 {
		t.Fatalf("stored %d files, want 2", len(files))
	}
	wheel, sdist := files[0], files[1]
	if wheel.Filetype != "bdist_wheel" {
		wheel, sdist = sdist, wheel
	}
	if !wheel.UploadTime.Before(sdist.UploadTime) && !wheel.UploadTime.Equal(sdist.UploadTime) {
		t.Errorf("wheel stored at %v, sdist at %v: want the wheel first", wheel.UploadTime, sdist.UploadTime)
	}
	if p := ix.PeakInFlight(); p != 1 {
		t.Errorf("peak in flight = %d, want 1 (the release's first file goes alone, then one file remains)", p)
	}
}

// TestFileExistsFallback: when the read API cannot see the file, the
// index's "File already exists" answer is confirmed by hash; other bytes
// are a conflict, never a skip.
func TestFileExistsFallback(t *testing.T) {
	t.Parallel()
	ix, srv := serveIndex(t)
	if err := ix.Preload("pyupload-mv22", "2.2", "pyupload_mv22-2.2-py3-none-any.whl", []byte("not the same bytes")); err != nil {
		t.Fatal(err)
	}
	blind := httptest.NewServer(http.NotFoundHandler()) // a read API that lists nothing
	defer blind.Close()
	up, err := New(srv.Client(), mustURL(t, srv.URL+"/legacy/"), WithCredentials(creds), WithCheckURL(mustURL(t, blind.URL+"/simple/")))
	if err != nil {
		t.Fatal(err)
	}
	res, err := up.Upload(t.Context(), goodDists(t, "pyupload_mv22-2.2-py3-none-any.whl"))
	if !errors.Is(err, ErrFileExists) || res[0].Status != Failed {
		t.Fatalf("Upload() = %v, %v; want Failed with ErrFileExists", res[0].Status, err)
	}
	ce, ok := errors.AsType[*ConflictError](err)
	if !ok || ce.Detail == "" {
		t.Errorf("error = %v, want a ConflictError carrying the index's message", err)
	}
}

// TestCancelLeavesNoGoroutines cancels uploads in flight: every file ends
// canceled or not attempted, and no goroutine of the uploader survives.
func TestCancelLeavesNoGoroutines(t *testing.T) {
	ix, srv := serveIndex(t, fakeindex.WithBandwidth(1<<10))
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(t.Context())
	up, err := New(srv.Client(), mustURL(t, srv.URL+"/legacy/"), WithCredentials(creds), WithJobs(2))
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for ix.UploadAttempts() == 0 {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
	}()
	res, err := up.Upload(ctx, goodDists(t, "pyupload_mv22-2.2-py3-none-any.whl", "pyupload_mv23-2.3-py3-none-any.whl", "pyupload_mv24-2.4-py3-none-any.whl"))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Upload() error = %v, want context.Canceled", err)
	}
	for _, r := range res {
		if r.Status != Canceled && r.Status != NotAttempted {
			t.Errorf("%s: %v, want canceled or not attempted", r.Dist.Filename.Base, r.Status)
		}
	}
	srv.CloseClientConnections()
	srv.Client().CloseIdleConnections()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines after cancel, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}
