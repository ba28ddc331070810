package upload

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
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

// TestNewReleaseFirstFileEndsFirst: a new release is created by its
// first file (a wheel), and the others travel meanwhile but end only
// after it: here the sdist is smaller and, sent alongside over a slow
// link, would arrive first; the index must still store the wheel first.
func TestNewReleaseFirstFileEndsFirst(t *testing.T) {
	t.Parallel()
	ix, srv := serveIndex(t, fakeindex.WithLatency(50*time.Millisecond), fakeindex.WithBandwidth(2000))
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
		if r.Status != Uploaded || r.Attempts != 1 {
			t.Errorf("%s: %v after %d attempts, want uploaded at the first", r.Dist.Filename.Base, r.Status, r.Attempts)
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
	if !wheel.UploadTime.Before(sdist.UploadTime) {
		t.Errorf("wheel stored at %v, sdist at %v: want the wheel first", wheel.UploadTime, sdist.UploadTime)
	}
	if p := ix.PeakInFlight(); p != 2 {
		t.Errorf("peak in flight = %d, want 2 (the sdist travels while the wheel creates the release)", p)
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
// canceled, not attempted, or unknown (its whole body had left: small
// files fit in the socket buffers), and no goroutine of the uploader
// survives.
func TestCancelLeavesNoGoroutines(t *testing.T) {
	ix, srv := serveIndex(t, fakeindex.WithBandwidth(1<<10))
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
		if r.Status != Canceled && r.Status != NotAttempted && r.Status != Unknown {
			t.Errorf("%s: %v, want canceled, not attempted or unknown", r.Dist.Filename.Base, r.Status)
		}
	}
	srv.CloseClientConnections()
	srv.Client().CloseIdleConnections()
	// No goroutine may still run the uploader's code; the count alone could
	// hide a leak behind server goroutines that exit meanwhile.
	deadline := time.Now().Add(5 * time.Second)
	var stacks string
	for {
		buf := make([]byte, 1<<20)
		stacks = string(buf[:runtime.Stack(buf, true)])
		if !strings.Contains(stacks, "pkg/upload.(*Uploader)") || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if strings.Contains(stacks, "pkg/upload.(*Uploader)") {
		t.Errorf("uploader goroutines survive the cancel:\n%s", stacks)
	}

}

// TestStallNearTheEnd: the index stops reading a small body that fits in
// the socket buffers; the answer timeout notices, asks the read API, and
// the retry succeeds.
func TestStallNearTheEnd(t *testing.T) {
	t.Parallel()
	ix, srv := serveIndex(t)
	ix.StallUploads(1, time.Hour)
	t.Cleanup(func() { _ = ix.Close() }) // ends the stalled handler
	up, err := New(srv.Client(), mustURL(t, srv.URL+"/legacy/"), WithCredentials(creds), WithBackoff(noBackoff),
		WithTimeout(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	res, err := up.Upload(t.Context(), goodDists(t, "pyupload_mv22-2.2-py3-none-any.whl"))
	if err != nil || res[0].Status != Uploaded || res[0].Attempts != 2 {
		t.Fatalf("Upload() = %v after %d attempts, %v; want uploaded on the second", res[0].Status, res[0].Attempts, err)
	}
}

// TestReadAPIDown: uploads go ahead when the read API fails; the upload
// endpoint decides.
func TestReadAPIDown(t *testing.T) {
	t.Parallel()
	ix, srv := serveIndex(t)
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusInternalServerError) }))
	t.Cleanup(down.Close)
	up, err := New(srv.Client(), mustURL(t, srv.URL+"/legacy/"), WithCredentials(creds), WithCheckURL(mustURL(t, down.URL+"/simple/")))
	if err != nil {
		t.Fatal(err)
	}
	res, err := up.Upload(t.Context(), goodDists(t, "pyupload_mv22-2.2-py3-none-any.whl", "pyupload_mv22-2.2.tar.gz"))
	if err != nil || res[0].Status != Uploaded || res[1].Status != Uploaded || len(ix.Files()) != 2 {
		t.Fatalf("Upload() = %+v, %v; want both uploaded", res, err)
	}
}

// TestSkipExistingFallback: with a read API that cannot see the file, the
// index's "File already exists" is an error unless WithSkipExisting.
func TestSkipExistingFallback(t *testing.T) {
	t.Parallel()
	for _, skip := range []bool{false, true} {
		t.Run(fmt.Sprint("skip=", skip), func(t *testing.T) {
			t.Parallel()
			ix, srv := serveIndex(t)
			if err := ix.Preload("pyupload-mv22", "2.2", "pyupload_mv22-2.2-py3-none-any.whl", []byte("other")); err != nil {
				t.Fatal(err)
			}
			blind := httptest.NewServer(http.NotFoundHandler())
			t.Cleanup(blind.Close)
			opts := []Option{WithCredentials(creds), WithCheckURL(mustURL(t, blind.URL+"/simple/"))}
			if skip {
				opts = append(opts, WithSkipExisting())
			}
			up, err := New(srv.Client(), mustURL(t, srv.URL+"/legacy/"), opts...)
			if err != nil {
				t.Fatal(err)
			}
			res, err := up.Upload(t.Context(), goodDists(t, "pyupload_mv22-2.2-py3-none-any.whl"))
			if skip && (err != nil || res[0].Status != Skipped || res[0].Evidence != DuplicateAnswer) {
				t.Errorf("with skip-existing: %v (%v), %v; want skipped on the index's word", res[0].Status, res[0].Evidence, err)
			}
			if !skip {
				ce, ok := errors.AsType[*ConflictError](err)
				if !ok || !ce.Unverified {
					t.Errorf("without skip-existing: %v; want an unverified ConflictError", err)
				}
			}
		})
	}
}

// TestProgressSums: the progress deltas of a batch with a reset, a stall
// and an already-present file add up to the batch's size.
func TestProgressSums(t *testing.T) {
	t.Parallel()
	ix, srv := serveIndex(t)
	ds := goodDists(t, "pyupload_mv22-2.2-py3-none-any.whl", "pyupload_mv23-2.3-py3-none-any.whl", "pyupload_mv24-2.4-py3-none-any.whl")
	// The first file is already there; the others meet a reset and a failure.
	up, err := New(srv.Client(), mustURL(t, srv.URL+"/legacy/"), WithCredentials(creds), WithBackoff(noBackoff))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := up.Upload(t.Context(), ds[:1]); err != nil {
		t.Fatal(err)
	}
	ix.ResetUploadsMidBody(1)
	ix.ResetUploadsAfterStore(1)
	var sum, total atomic.Int64
	up, err = New(srv.Client(), mustURL(t, srv.URL+"/legacy/"), WithCredentials(creds), WithBackoff(noBackoff), WithJobs(1),
		WithProgress(func(e Event) { sum.Add(e.Bytes) }))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := up.Upload(t.Context(), ds); err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		total.Add(d.Size)
	}
	if sum.Load() != total.Load() {
		t.Errorf("progress deltas sum to %d, want %d", sum.Load(), total.Load())
	}
}
