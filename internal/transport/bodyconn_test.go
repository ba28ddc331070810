package transport

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// selfWritingBody is a request body that can write itself, and counts
// the bytes it wrote so. (http.Transport asks every body to write its
// rest to io.Discard once sent, to find a body longer than its
// Content-Length: a call alone proves nothing.)
type selfWritingBody struct {
	*bytes.Reader
	wroteItself atomic.Int64
}

func (b *selfWritingBody) WriteTo(w io.Writer) (int64, error) {
	n, err := b.Reader.WriteTo(w)
	b.wroteItself.Add(n)
	return n, err
}

func (b *selfWritingBody) Close() error { return nil }

// digestServer answers each request with the sha256 of its body and how
// long it was.
func digestServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := sha256.New()
		n, err := io.Copy(h, r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		_, _ = io.WriteString(w, hex.EncodeToString(h.Sum(nil))+" "+strconv.FormatInt(n, 10))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestBodyWritesItself: over the pool's TLS connections a body that can
// write itself does (after the first bytes, which http.Transport reads
// into its buffer with the headers), with and without the timeout layer
// in between, and the server receives exactly its bytes.
func TestBodyWritesItself(t *testing.T) {
	t.Parallel()
	srv := digestServer(t)
	data := bytes.Repeat([]byte("0123456789abcdef"), 3<<16) // 3 MiB: well past the transport's 256 KiB buffer
	sum := sha256.Sum256(data)
	want := hex.EncodeToString(sum[:]) + " " + strconv.Itoa(len(data))
	for name, opts := range map[string]Options{
		"plain":        {RootCAs: roots(srv)},
		"with timeout": {RootCAs: roots(srv), Timeout: 10 * time.Second},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			body := &selfWritingBody{Reader: bytes.NewReader(data)}
			req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL, body)
			if err != nil {
				t.Fatal(err)
			}
			req.ContentLength = int64(len(data))
			resp, err := NewClient(opts).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if string(got) != want {
				t.Errorf("server received %q, want %q", got, want)
			}
			if n := body.wroteItself.Load(); n < int64(len(data))/2 {
				t.Errorf("the body wrote %d of its %d bytes itself; the rest was read, not written", n, len(data))
			}
		})
	}
}

// TestBodyLongerThanContentLengthFails: a body that writes more than its
// Content-Length fails the request, as one read past it does; the server
// never takes the extra bytes as the next request.
func TestBodyLongerThanContentLengthFails(t *testing.T) {
	t.Parallel()
	srv := digestServer(t)
	data := bytes.Repeat([]byte("x"), 1<<20)
	body := &selfWritingBody{Reader: bytes.NewReader(data)}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL, body)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(len(data)) - 10
	resp, err := NewClient(Options{RootCAs: roots(srv)}).Do(req)
	if err == nil {
		got, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		t.Fatalf("a body 10 bytes longer than its Content-Length was sent; the server answered %q", got)
	}
	if body.wroteItself.Load() == 0 {
		t.Error("the body was read, not asked to write itself")
	}
}
