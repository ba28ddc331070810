package fakeindex_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pyupload/pyupload/internal/fakeindex"
)

func TestFailUploads(t *testing.T) {
	t.Parallel()
	ix, srv := newIndex(t)
	ix.FailUploads(2, http.StatusServiceUnavailable)
	ix.FailUploads(1, http.StatusBadGateway)
	f, _ := distForm(t, mv24)
	for i, want := range []int{503, 503, 502, 200} {
		res := upload(t, srv, f)
		if res.status != want {
			t.Fatalf("upload #%d = %d %q, want %d", i+1, res.status, res.body, want)
		}
		if want == 200 {
			break
		}
		doc := decodeJSON(t, res.body)
		title := http.StatusText(want)
		if doc["code"] != strconv.Itoa(want)+" "+title || doc["title"] != title {
			t.Errorf("upload #%d body = %q, want code %q and title %q", i+1, res.body, strconv.Itoa(want)+" "+title, title)
		}
		if n := len(ix.Files()); n != 0 {
			t.Fatalf("Files() has %d files after an injected failure", n)
		}
	}
	if got := ix.UploadAttempts(); got != 4 {
		t.Errorf("UploadAttempts() = %d, want 4", got)
	}
	if n := len(ix.Files()); n != 1 {
		t.Errorf("Files() has %d files, want 1", n)
	}
}

func TestRateLimitUploads(t *testing.T) {
	t.Parallel()
	ix, srv := newIndex(t)
	ix.RateLimitUploads(1, 1500*time.Millisecond)
	f, _ := distForm(t, mv24)
	res := upload(t, srv, f)
	if res.status != http.StatusTooManyRequests || res.message(t) != "Too many requests" {
		t.Fatalf("upload = %d %q, want 429 Too many requests", res.status, res.body)
	}
	if got := res.header.Get("Retry-After"); got != "2" {
		t.Errorf("Retry-After = %q, want 2 (1.5s rounded up)", got)
	}
	if res := upload(t, srv, f); res.status != http.StatusOK {
		t.Errorf("second upload = %d %q, want 200", res.status, res.body)
	}
}

func TestResetUploadsMidBody(t *testing.T) {
	t.Parallel()
	ix, srv := newIndex(t)
	ix.ResetUploadsMidBody(1)
	f, _ := distForm(t, mv24)
	f = f.with(field("comment", strings.Repeat("padding ", 64<<10))) // 512 KiB: still sending at the reset
	if res, err := tryUpload(t.Context(), srv, f); err == nil {
		t.Fatalf("upload = %d %q, want a connection error", res.status, res.body)
	}
	if n := len(ix.Files()); n != 0 {
		t.Fatalf("Files() has %d files after a reset mid-body, want 0", n)
	}
	if res := upload(t, srv, f); res.status != http.StatusOK {
		t.Fatalf("retry = %d %q, want 200", res.status, res.body)
	}
	if got := ix.UploadAttempts(); got != 2 {
		t.Errorf("UploadAttempts() = %d, want 2", got)
	}
}

func TestResetUploadsAfterStore(t *testing.T) {
	t.Parallel()
	ix, srv := newIndex(t)
	ix.ResetUploadsAfterStore(1)
	f, content := distForm(t, mv24)
	if res, err := tryUpload(t.Context(), srv, f); err == nil {
		t.Fatalf("upload = %d %q, want a connection error", res.status, res.body)
	}
	// The file is there: the read API tells the client so...
	doc := decodeJSON(t, get(t, srv, "/pypi/pyupload-mv24/2.4/json").body)
	urls := doc["urls"].([]any)
	if len(urls) != 1 || urls[0].(map[string]any)["digests"].(map[string]any)["sha256"] != sha256Hex(content) {
		t.Fatalf("urls = %v, want the stored file with its sha256", urls)
	}
	// ...and a retry is an identical re-upload.
	if res := upload(t, srv, f); res.status != http.StatusOK {
		t.Fatalf("retry = %d %q, want 200", res.status, res.body)
	}
	if n := len(ix.Files()); n != 1 {
		t.Errorf("Files() has %d files, want 1", n)
	}
}

func TestStallUploads(t *testing.T) {
	t.Parallel()
	ix, srv := newIndex(t)
	const stall = 300 * time.Millisecond
	ix.StallUploads(1, stall)
	f, _ := distForm(t, mv24)
	start := time.Now()
	if res := upload(t, srv, f); res.status != http.StatusOK {
		t.Fatalf("upload = %d %q, want 200", res.status, res.body)
	}
	if elapsed := time.Since(start); elapsed < stall*3/4 {
		t.Errorf("stalled upload took %v, want at least about %v", elapsed, stall)
	}
}

// TestStallHonoursContext calls the handler directly, so the request's
// context is the test's to cancel.
func TestStallHonoursContext(t *testing.T) {
	t.Parallel()
	ix := fakeindex.New(fakeindex.WithStorageDir(t.TempDir()))
	defer func() { _ = ix.Close() }()
	ix.StallUploads(1, time.Hour)
	f, _ := distForm(t, mv24)
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/legacy/", strings.NewReader(string(f.encode())))
	req.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
	req.Header.Set("Authorization", basicAuth("__token__", fakeindex.DefaultToken))
	done := make(chan struct{})
	go func() {
		defer close(done)
		ix.ServeHTTP(httptest.NewRecorder(), req)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the handler kept stalling after the request was cancelled")
	}
	if n := len(ix.Files()); n != 0 {
		t.Errorf("Files() has %d files, want 0", n)
	}
}

// TestCloseEndsStalls: Close releases a handler that is stalling, so the
// server can shut down.
func TestCloseEndsStalls(t *testing.T) {
	t.Parallel()
	ix, srv := newIndex(t)
	ix.StallUploads(1, time.Hour)
	f, _ := distForm(t, mv24)
	errc := make(chan error, 1)
	go func() {
		res, err := tryUpload(context.Background(), srv, f)
		if err == nil && res.status != http.StatusServiceUnavailable {
			t.Errorf("upload = %d %q, want 503 or a connection error", res.status, res.body)
		}
		errc <- err
	}()
	waitFor(t, func() bool { return ix.UploadAttempts() == 1 })
	time.Sleep(50 * time.Millisecond) // let it reach the stall
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-errc:
		t.Logf("upload ended with %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("the upload still stalls after Close")
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 10s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestPeakInFlightWithLatency: requests waiting out the latency are in
// flight, so latency alone makes concurrent uploads overlap.
func TestPeakInFlightWithLatency(t *testing.T) {
	t.Parallel()
	ix, srv := newIndex(t, fakeindex.WithLatency(500*time.Millisecond))
	f, _ := distForm(t, mv24)
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			if res, err := tryUpload(t.Context(), srv, f); err != nil || res.status != http.StatusOK {
				t.Errorf("upload = %d, %v; want 200", res.status, err)
			}
		})
	}
	waitFor(t, func() bool { return ix.PeakInFlight() == 3 })
	wg.Wait()
	if got := ix.UploadAttempts(); got != 3 {
		t.Errorf("UploadAttempts() = %d, want 3", got)
	}
}

// TestPeakInFlight holds four uploads in a stall until all four are in.
func TestPeakInFlight(t *testing.T) {
	t.Parallel()
	ix, srv := newIndex(t)
	const n = 4
	ix.StallUploads(n, time.Hour)
	f, _ := distForm(t, mv24)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() { _, _ = tryUpload(ctx, srv, f) })
	}
	waitFor(t, func() bool { return ix.PeakInFlight() == n })
	cancel() // the clients give up; Close at cleanup ends the stalls
	wg.Wait()
	if got := ix.PeakInFlight(); got != n {
		t.Errorf("PeakInFlight() = %d, want %d", got, n)
	}
}

// TestConcurrentUploads stores different files at once; run with -race.
func TestConcurrentUploads(t *testing.T) {
	t.Parallel()
	ix, srv := newIndex(t)
	paths := []string{mv24, mv24Sdst, poetry, goodDir + "/pyupload_mv25-2.5-py3-none-any.whl", goodDir + "/pyupload_mv22-2.2.tar.gz", goodDir + "/pyupload_mv22-2.2-py3-none-any.whl"}
	var wg sync.WaitGroup
	for _, p := range paths {
		f, _ := distForm(t, p)
		for range 3 { // each file three times: one stores, two are identical
			wg.Go(func() {
				res, err := tryUpload(t.Context(), srv, f)
				if err != nil || res.status != http.StatusOK {
					t.Errorf("upload %s = %d %q, %v; want 200", p, res.status, res.body, err)
				}
			})
		}
	}
	wg.Wait()
	if got := len(ix.Files()); got != len(paths) {
		t.Errorf("Files() has %d files, want %d", got, len(paths))
	}
	if got := ix.PeakInFlight(); got < 1 || got > 3*len(paths) {
		t.Errorf("PeakInFlight() = %d, want between 1 and %d", got, 3*len(paths))
	}
}

func TestBandwidth(t *testing.T) {
	t.Parallel()
	const rate = 32 << 10 // bytes per second
	_, srv := newIndex(t, fakeindex.WithBandwidth(rate))
	f, _ := distForm(t, mv24)
	f = f.with(field("comment", strings.Repeat("x", 16<<10)))
	body := len(f.encode())
	start := time.Now()
	if res := upload(t, srv, f); res.status != http.StatusOK {
		t.Fatalf("upload = %d %q, want 200", res.status, res.body)
	}
	// The body takes body/rate seconds at best (about 0.55s); allow for a
	// first read that is not paced.
	if elapsed, least := time.Since(start), time.Duration(float64(body)/rate*float64(time.Second))/2; elapsed < least {
		t.Errorf("a %d-byte body at %d B/s took %v, want at least %v", body, rate, elapsed, least)
	}
}

func TestLatency(t *testing.T) {
	t.Parallel()
	const latency = 300 * time.Millisecond
	_, srv := newIndex(t, fakeindex.WithLatency(latency))
	start := time.Now()
	if res := get(t, srv, "/"); res.status != http.StatusOK {
		t.Fatalf("GET / = %d", res.status)
	}
	if elapsed := time.Since(start); elapsed < latency*3/4 {
		t.Errorf("GET / took %v, want at least about %v", elapsed, latency)
	}
}
