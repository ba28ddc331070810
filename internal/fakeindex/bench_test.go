package fakeindex_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pyupload/pyupload/internal/fakeindex"
)

func benchStats(t *testing.T, srv *httptest.Server) fakeindex.BenchStats {
	t.Helper()
	var s fakeindex.BenchStats
	if err := json.Unmarshal([]byte(get(t, srv, "/_bench/stats").body), &s); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestBenchModeRefusesBadToken(t *testing.T) {
	t.Parallel()
	ix, srv := newIndex(t, fakeindex.WithBenchMode(nil))
	content := bytes.Repeat([]byte("x"), 1000)
	f := rawForm("bench-pkg", "1.0", "bench_pkg-1.0-py3-none-any.whl", "bdist_wheel", "py3", content)
	res := upload(t, srv, f, withHeader("Authorization", basicAuth("__token__", "wrong")))
	if res.status != http.StatusForbidden {
		t.Fatalf("status %d, want 403; body %s", res.status, res.body)
	}
	if got := ix.Files(); len(got) != 0 {
		t.Fatalf("stored %v after a refused upload", got)
	}
	if s := benchStats(t, srv); s.Uploads != 0 || s.Refused != 1 {
		t.Fatalf("stats %+v, want 0 uploads and 1 refused", s)
	}
}

func TestBenchModeCountsAndLists(t *testing.T) {
	t.Parallel()
	ix, srv := newIndex(t, fakeindex.WithBenchMode(nil))
	if res := get(t, srv, "/pypi/bench-pkg/json"); res.status != http.StatusNotFound {
		t.Fatalf("new project: status %d, want 404", res.status)
	}
	content := bytes.Repeat([]byte("y"), 12345)
	f := rawForm("bench-pkg", "1.0", "bench_pkg-1.0-py3-none-any.whl", "bdist_wheel", "py3", content)
	if res := upload(t, srv, f); res.status != http.StatusOK {
		t.Fatalf("status %d; body %s", res.status, res.body)
	}
	if res := upload(t, srv, f); res.status != http.StatusOK {
		t.Fatalf("the same file again: status %d, want 200; body %s", res.status, res.body)
	}
	other := rawForm("bench-pkg", "1.0", "bench_pkg-1.0-py3-none-any.whl", "bdist_wheel", "py3", content[1:])
	if res := upload(t, srv, other); res.status != http.StatusBadRequest {
		t.Fatalf("other bytes under the same name: status %d, want 400", res.status)
	}
	s := benchStats(t, srv)
	if s.Uploads != 1 || s.Bytes != 3*12345-1 {
		t.Fatalf("stats %+v, want 1 upload and %d bytes", s, 3*12345-1)
	}
	files := ix.Files()
	if len(files) != 1 || files[0].Size != 12345 || files[0].SHA256 != sha256Hex(content) {
		t.Fatalf("files %+v", files)
	}
	doc := get(t, srv, "/pypi/bench-pkg/json")
	if doc.status != http.StatusOK || !strings.Contains(doc.body, sha256Hex(content)) {
		t.Fatalf("JSON API: status %d, body %s", doc.status, doc.body)
	}
	simple := get(t, srv, "/simple/bench-pkg/")
	if simple.status != http.StatusOK || !strings.Contains(simple.body, "bench_pkg-1.0-py3-none-any.whl#sha256="+sha256Hex(content)) {
		t.Fatalf("simple API: status %d, body %s", simple.status, simple.body)
	}
}

// TestBenchTLSHandshakes checks the counts a benchmark relies on: a client
// that keeps its connection alive does one full handshake for several
// requests, and a new connection with a session ticket resumes.
func TestBenchTLSHandshakes(t *testing.T) {
	t.Parallel()
	stats := &fakeindex.ConnStats{}
	cfg, caPEM, err := fakeindex.SelfSignedTLS(stats)
	if err != nil {
		t.Fatal(err)
	}
	ix := fakeindex.New(fakeindex.WithBenchMode(stats))
	srv := httptest.NewUnstartedServer(ix)
	srv.TLS = cfg
	srv.Config.ConnState = stats.ConnState
	srv.StartTLS()
	t.Cleanup(func() { _ = ix.Close(); srv.Close() })
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caPEM) {
		t.Fatal("the CA PEM holds no certificate")
	}
	cache := tls.NewLRUClientSessionCache(4)
	newClient := func() *http.Client {
		return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, ClientSessionCache: cache, MinVersion: tls.VersionTLS12}}}
	}
	first := newClient()
	for range 3 {
		fetch(t.Context(), t, first, srv.URL+"/simple/")
	}
	if c, full, resumed := stats.Counts(); c != 1 || full != 1 || resumed != 0 {
		t.Fatalf("after 3 requests on one client: %d connections, %d full, %d resumed; want 1, 1, 0", c, full, resumed)
	}
	first.CloseIdleConnections()
	second := newClient()
	fetch(t.Context(), t, second, srv.URL+"/simple/")
	second.CloseIdleConnections()
	if c, full, resumed := stats.Counts(); c != 2 || full != 1 || resumed != 1 {
		t.Fatalf("after a second connection: %d connections, %d full, %d resumed; want 2, 1, 1", c, full, resumed)
	}
	// The server's certificate names localhost too.
	u := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	fetch(t.Context(), t, newClient(), u+"/simple/")
}

func fetch(ctx context.Context, t *testing.T, c *http.Client, url string) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d", url, resp.StatusCode)
	}
}

// TestBenchModeShapes checks that -bandwidth applies in bench mode: a
// benchmark of a slow link would otherwise measure loopback.
func TestBenchModeShapes(t *testing.T) {
	t.Parallel()
	_, srv := newIndex(t, fakeindex.WithBenchMode(nil), fakeindex.WithBandwidth(200_000))
	content := bytes.Repeat([]byte("z"), 60_000)
	f := rawForm("bench-slow", "1.0", "bench_slow-1.0-py3-none-any.whl", "bdist_wheel", "py3", content)
	start := time.Now()
	if res := upload(t, srv, f); res.status != http.StatusOK {
		t.Fatalf("status %d; body %s", res.status, res.body)
	}
	if d := time.Since(start); d < 250*time.Millisecond {
		t.Fatalf("60 kB at 200 kB/s took %v, want about 300 ms", d)
	}
}
