package upload

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pyupload/pyupload/internal/golden"
	"github.com/pyupload/pyupload/internal/transport"
	"github.com/pyupload/pyupload/pkg/dist"
)

const goodDir = "../../testdata/dists/good/"

func openDist(t *testing.T, name string) *dist.Dist {
	t.Helper()
	d, err := dist.Open(goodDir + name)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func noBackoff(int) time.Duration { return 0 }

func mustURL(tb testing.TB, raw string) *url.URL {
	tb.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

// received is one upload as a test server saw it.
type received struct {
	fields        []dist.FormValue
	filename      string
	contentType   string
	content       []byte
	contentLength int64
	bodyBytes     int64
	auth          string
}

// parseUpload reads a multipart upload the way the index does.
func parseUpload(t *testing.T, r *http.Request) received {
	t.Helper()
	got := received{contentLength: r.ContentLength, auth: r.Header.Get("Authorization")}
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		t.Errorf("reading body: %v", err)
		return got
	}
	got.bodyBytes = int64(len(raw))
	r.Body = io.NopCloser(bytes.NewReader(raw))
	mr, err := r.MultipartReader()
	if err != nil {
		t.Errorf("MultipartReader: %v", err)
		return got
	}
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Errorf("NextPart: %v", err)
			return got
		}
		b, _ := io.ReadAll(p)
		if p.FormName() == "content" {
			got.filename, got.contentType, got.content = p.FileName(), p.Header.Get("Content-Type"), b
			continue
		}
		if p.FileName() != "" {
			t.Errorf("field %s sent as a file part", p.FormName())
		}
		got.fields = append(got.fields, dist.FormValue{Key: p.FormName(), Value: string(b)})
	}
	return got
}

// TestFormGolden pins the exact form fields for dists of several
// Metadata-Versions and backends.
func TestFormGolden(t *testing.T) {
	t.Parallel()
	for _, name := range []string{
		"pyupload_mv24-2.4-py3-none-any.whl",
		"pyupload_mv11-1.1-py3-none-any.whl",
		"pyupload_sample_setuptools-1.0.0.post1-py3-none-any.whl",
		"pyupload_sample_poetry-2.1.0.tar.gz",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var b strings.Builder
			for _, f := range Form(openDist(t, name), "a comment", "") {
				fmt.Fprintf(&b, "%s: %q\n", f.Key, f.Value)
			}
			golden.Check(t, filepath.Join("testdata", "form", name+".golden"), b.String())
		})
	}
}

// TestUploadBody checks what reaches the server: the form fields, the file
// part's name, type and bytes, Content-Length, and Basic auth.
func TestUploadBody(t *testing.T) {
	t.Parallel()
	d := openDist(t, "pyupload_mv24-2.4.tar.gz")
	var got received
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			got = parseUpload(t, r)
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"message": "", "code": "200 OK", "title": "OK"}`))
			return
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()
	up, err := New(srv.Client(), mustURL(t, srv.URL+"/legacy/"), WithComment("c"),
		WithCredentials(func(context.Context) (string, string, error) { return "__token__", "pypi-secret", nil }))
	if err != nil {
		t.Fatal(err)
	}
	res, err := up.Upload(t.Context(), []*dist.Dist{d})
	if err != nil || res[0].Status != Uploaded {
		t.Fatalf("Upload() = %+v, %v; want uploaded", res, err)
	}
	if diff := cmp.Diff(Form(d, "c", ""), got.fields); diff != "" {
		t.Errorf("form fields (-want +got):\n%s", diff)
	}
	want, _ := os.ReadFile(d.Path)
	if !bytes.Equal(got.content, want) || got.filename != d.Filename.Base || got.contentType != "application/octet-stream" {
		t.Errorf("content part = %q %q %d bytes; want %q application/octet-stream %d bytes", got.filename, got.contentType, len(got.content), d.Filename.Base, len(want))
	}
	if got.contentLength != got.bodyBytes || got.bodyBytes <= d.Size {
		t.Errorf("Content-Length = %d, body = %d bytes; want them equal (and more than the %d-byte file)", got.contentLength, got.bodyBytes, d.Size)
	}
	if got.auth == "" || !strings.HasPrefix(got.auth, "Basic ") {
		t.Errorf("Authorization = %q, want Basic", got.auth)
	}
}

// fakeTransport answers uploads from a script without any network, so
// retries can run inside a synctest bubble with fake time.
type fakeTransport struct {
	mu        sync.Mutex
	responses []func(*http.Request) (*http.Response, error)
	posts     int
}

func (f *fakeTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method != http.MethodPost {
		return respond(http.StatusNotFound, "", nil), nil
	}
	f.mu.Lock()
	i := f.posts
	f.posts++
	f.mu.Unlock()
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
	}
	if i < len(f.responses) {
		return f.responses[i](r)
	}
	return stored(), nil
}

// stored is Warehouse's answer to a stored upload (Accept: application/json).
func stored() *http.Response {
	return respond(http.StatusOK, `{"message": "", "code": "200 OK", "title": "OK"}`, http.Header{"Content-Type": {"application/json"}})
}

func respond(status int, body string, h http.Header) *http.Response {
	if h == nil {
		h = http.Header{}
	}
	return &http.Response{StatusCode: status, Status: fmt.Sprintf("%d %s", status, http.StatusText(status)), Header: h, Body: io.NopCloser(strings.NewReader(body))}
}

func status(code int, body string, h http.Header) func(*http.Request) (*http.Response, error) {
	return func(*http.Request) (*http.Response, error) { return respond(code, body, h), nil }
}

func jsonError(code int, msg string) string {
	return fmt.Sprintf(`{"message": "explanation\n\n\n%s\n\n", "code": "%d %s", "title": "x"}`, msg, code, msg)
}

func TestRetries(t *testing.T) {
	t.Parallel()
	reset := func(*http.Request) (*http.Response, error) { return nil, errors.New("connection reset by peer") }
	tests := []struct {
		name         string
		script       []func(*http.Request) (*http.Response, error)
		wantStatus   Status
		wantAttempts int
		wantErr      string
	}{
		{"503 three times then success", []func(*http.Request) (*http.Response, error){status(503, "", nil), status(503, "", nil), status(503, "", nil)}, Uploaded, 4, ""},
		{"reset then success", []func(*http.Request) (*http.Response, error){reset}, Uploaded, 2, ""},
		{"400 is final", []func(*http.Request) (*http.Response, error){status(400, jsonError(400, "Invalid value for filetype. Error: Use a known file type."), nil)}, Failed, 1, "Use a known file type."},
		{"403 is final", []func(*http.Request) (*http.Response, error){status(403, jsonError(403, "Invalid or non-existent authentication information."), nil)}, Failed, 1, "Invalid or non-existent authentication information."},
		{"gives up after the attempt budget", []func(*http.Request) (*http.Response, error){status(503, "", nil), status(503, "", nil), status(503, "", nil), status(503, "", nil), status(503, "", nil)}, Failed, 5, "giving up after 5 attempts"},
		// A gateway's 502 after the whole file left says nothing of the
		// index behind it: the file may be there.
		{"a gateway's 502s leave the file unknown", []func(*http.Request) (*http.Response, error){status(502, "", nil), status(502, "", nil), status(502, "", nil), status(502, "", nil), status(502, "", nil)}, Unknown, 5, "giving up after 5 attempts"},
		{"redirect is never followed", []func(*http.Request) (*http.Response, error){status(308, "", http.Header{"Location": {"/legacy/"}})}, Failed, 1, "redirected"},
		{"404 is final", []func(*http.Request) (*http.Response, error){status(404, "", nil)}, Failed, 1, "404"},
		{"409 is final", []func(*http.Request) (*http.Response, error){status(409, jsonError(409, "The name conflicts with an existing project."), nil)}, Failed, 1, "conflicts"},
		{"413 is final", []func(*http.Request) (*http.Response, error){status(413, "", nil)}, Failed, 1, "413"},
		{"501 is final", []func(*http.Request) (*http.Response, error){status(501, "", nil)}, Failed, 1, "501"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				ft := &fakeTransport{responses: tt.script}
				var credCalls atomic.Int32
				up, err := New(&http.Client{Transport: ft}, mustURL(t, "https://upload.example/legacy/"),
					WithBackoff(func(int) time.Duration { return time.Second }),
					WithReadClient(&http.Client{Transport: transport.RoundTripperFunc(func(*http.Request) (*http.Response, error) { return respond(404, "", nil), nil })}),
					WithCredentials(func(context.Context) (string, string, error) { credCalls.Add(1); return "__token__", "pypi-x", nil }))
				if err != nil {
					t.Fatal(err)
				}
				res, err := up.Upload(t.Context(), []*dist.Dist{openDist(t, "pyupload_mv22-2.2-py3-none-any.whl")})
				r := res[0]
				if r.Status != tt.wantStatus || r.Attempts != tt.wantAttempts {
					t.Errorf("Upload() = %v after %d attempts (%v), want %v after %d", r.Status, r.Attempts, r.Err, tt.wantStatus, tt.wantAttempts)
				}
				if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
					t.Errorf("Upload() error = %v, want it to contain %q", err, tt.wantErr)
				}
				if tt.wantErr == "" && err != nil {
					t.Errorf("Upload() error = %v, want nil", err)
				}
				if int(credCalls.Load()) != tt.wantAttempts {
					t.Errorf("credentials called %d times, want once per attempt (%d)", credCalls.Load(), tt.wantAttempts)
				}
			})
		})
	}
}

// TestRetryAfter: a 429's Retry-After is honoured even when the backoff is
// shorter (fake time, so the test does not wait).
func TestRetryAfter(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		ft := &fakeTransport{responses: []func(*http.Request) (*http.Response, error){
			status(429, jsonError(429, "Too many requests"), http.Header{"Retry-After": {"7"}}),
		}}
		up, err := New(&http.Client{Transport: ft}, mustURL(t, "https://upload.example/legacy/"), WithBackoff(noBackoff),
			WithReadClient(&http.Client{Transport: transport.RoundTripperFunc(func(*http.Request) (*http.Response, error) { return respond(404, "", nil), nil })}))
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		res, err := up.Upload(t.Context(), []*dist.Dist{openDist(t, "pyupload_mv22-2.2-py3-none-any.whl")})
		if err != nil || res[0].Status != Uploaded {
			t.Fatalf("Upload() = %+v, %v", res, err)
		}
		if waited := time.Since(start); waited < 7*time.Second {
			t.Errorf("retried after %v, want at least the 7s Retry-After", waited)
		}
	})
}

// stallingTransport reads a little of the body, then blocks until the
// request is cancelled: a connection that stopped moving.
type stallingTransport struct{ calls atomic.Int32 }

func (s *stallingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method != http.MethodPost {
		return respond(404, "", nil), nil
	}
	if s.calls.Add(1) > 1 {
		_, _ = io.Copy(io.Discard, r.Body)
		return stored(), nil
	}
	buf := make([]byte, 10)
	_, _ = r.Body.Read(buf)
	<-r.Context().Done()
	return nil, r.Context().Err()
}

func TestStallWatchdog(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		st := &stallingTransport{}
		var events []Event
		var mu sync.Mutex
		up, err := New(&http.Client{Transport: st}, mustURL(t, "https://upload.example/legacy/"), WithBackoff(noBackoff),
			WithTimeout(30*time.Second),
			WithReadClient(&http.Client{Transport: transport.RoundTripperFunc(func(*http.Request) (*http.Response, error) { return respond(404, "", nil), nil })}),
			WithProgress(func(e Event) { mu.Lock(); events = append(events, e); mu.Unlock() }))
		if err != nil {
			t.Fatal(err)
		}
		res, err := up.Upload(t.Context(), []*dist.Dist{openDist(t, "pyupload_mv22-2.2-py3-none-any.whl")})
		if err != nil || res[0].Status != Uploaded || res[0].Attempts != 2 {
			t.Fatalf("Upload() = %+v, %v; want uploaded on the second attempt", res, err)
		}
		var net int64
		retried := false
		for _, e := range events {
			net += e.Bytes
			if te, ok := errors.AsType[*transport.TimeoutError](e.Err); e.Retry && ok && te.Idle && te.Sending {
				retried = true
			}
		}
		if !retried {
			t.Errorf("no retry event caused by an idle timeout while sending in %+v", events)
		}
		if d := res[0].Dist; net != d.Size {
			t.Errorf("progress bytes sum to %d, want the file size %d (negative delta on retry)", net, d.Size)
		}
	})
}

func TestNewRejects(t *testing.T) {
	t.Parallel()
	c := http.DefaultClient
	if _, err := New(c, mustURL(t, "http://upload.example/legacy/")); !errors.Is(err, ErrInsecureURL) {
		t.Errorf("New(http non-loopback) error = %v, want ErrInsecureURL", err)
	}
	for _, ok := range []string{"http://127.0.0.1:8080/legacy/", "http://localhost/legacy/", "http://[::1]/legacy/", "https://upload.example/legacy/"} {
		if _, err := New(c, mustURL(t, ok)); err != nil {
			t.Errorf("New(%s) error = %v", ok, err)
		}
	}
	if _, err := New(c, mustURL(t, "http://upload.example/legacy/"), withInsecureHTTP()); err != nil {
		t.Errorf("New(http, WithInsecureHTTP) error = %v", err)
	}
	if _, err := New(c, mustURL(t, "https://x/legacy/"), WithJobs(0)); err == nil {
		t.Error("New(WithJobs(0)) succeeded, want an error")
	}
}

func TestRedirectMissingSlash(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/legacy" {
			http.Redirect(w, r, "/legacy/", http.StatusPermanentRedirect)
			return
		}
		if r.Method == http.MethodPost {
			t.Errorf("redirect was followed to %s", r.URL.Path)
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()
	up, err := New(srv.Client(), mustURL(t, srv.URL+"/legacy"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = up.Upload(t.Context(), []*dist.Dist{openDist(t, "pyupload_mv22-2.2-py3-none-any.whl")})
	re, ok := errors.AsType[*RedirectError](err)
	if !ok || !re.MissingSlash {
		t.Errorf("Upload() error = %v, want a RedirectError with MissingSlash", err)
	}
}

func TestErrorMessage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, ctype, body string
		want              string
	}{
		{"status line only", "", "", ""},
		{"json code", "application/json", jsonError(400, "File already exists ('x.whl', with blake2_256 hash 'ab')."), "File already exists ('x.whl', with blake2_256 hash 'ab')."},
		{"json message only", "application/json", `{"message": "expl\n\n\nthe detail\n\n", "code": "400 Bad Request"}`, "the detail"},
		{"plain text", "text/plain", "400 Bad Request\n\nexpl\n\n\nplain detail\n\n", "plain detail"},
		{"html page", "text/html", "<html>oops</html>", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp := respond(400, tt.body, http.Header{"Content-Type": {tt.ctype}})
			if got := errorMessage(resp, []byte(tt.body)); got != tt.want {
				t.Errorf("errorMessage() = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestRetryAfterBeyondBudget: a Retry-After longer than the time budget
// ends the retries at once instead of sleeping past the budget.
func TestRetryAfterBeyondBudget(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		ft := &fakeTransport{responses: []func(*http.Request) (*http.Response, error){
			status(429, jsonError(429, "Too many requests"), http.Header{"Retry-After": {"3600"}}),
		}}
		up, err := New(&http.Client{Transport: ft}, mustURL(t, "https://upload.example/legacy/"), WithBackoff(noBackoff), WithRetry(5, time.Minute),
			WithReadClient(&http.Client{Transport: transport.RoundTripperFunc(func(*http.Request) (*http.Response, error) { return respond(404, "", nil), nil })}))
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		res, err := up.Upload(t.Context(), []*dist.Dist{openDist(t, "pyupload_mv22-2.2-py3-none-any.whl")})
		if err == nil || res[0].Status != Failed || res[0].Attempts != 1 {
			t.Fatalf("Upload() = %+v, %v; want a failure after one attempt", res[0], err)
		}
		if waited := time.Since(start); waited > time.Second {
			t.Errorf("waited %v before giving up, want no wait", waited)
		}
	})
}

// TestFormKeysFollowTheSpec checks the form keys against
// docs/index-server.md §1.3, written out here independently of dist.Fields.
func TestFormKeysFollowTheSpec(t *testing.T) {
	t.Parallel()
	spec := map[string]string{ // form key → the value set below
		"metadata_version": "2.5", "name": "Spec-Pkg", "version": "1.0", "summary": "s", "description": "d",
		"description_content_type": "text/markdown", "keywords": "a,b", "home_page": "https://h", "download_url": "https://dl",
		"author": "A", "author_email": "a@example.org", "maintainer": "M", "maintainer_email": "m@example.org",
		"license_expression": "MIT", "license_file": "LICENSE", "classifiers": "C :: D", "platform": "any",
		"supported_platform": "sp", "requires_dist": "x>=1", "requires_python": ">=3.9", "requires_external": "libc",
		"project_urls": "Home, https://h", "provides_extra": "e", "provides_dist": "pd", "obsoletes_dist": "od",
		"requires": "r", "provides": "p", "obsoletes": "o", "dynamic": "Summary", "import_name": "spec_pkg",
		"import_namespace": "ns",
	}
	m := &dist.Metadata{
		MetadataVersion: "2.5", Name: "Spec-Pkg", Version: "1.0", Summary: "s", Description: "d",
		DescriptionContentType: "text/markdown", Keywords: "a,b", HomePage: "https://h", DownloadURL: "https://dl",
		Author: "A", AuthorEmail: "a@example.org", Maintainer: "M", MaintainerEmail: "m@example.org",
		LicenseExpression: "MIT", LicenseFiles: []string{"LICENSE"}, Classifiers: []string{"C :: D"}, Platforms: []string{"any"},
		SupportedPlatforms: []string{"sp"}, RequiresDist: []string{"x>=1"}, RequiresPython: ">=3.9", RequiresExternal: []string{"libc"},
		ProjectURLs: []string{"Home, https://h"}, ProvidesExtra: []string{"e"}, ProvidesDist: []string{"pd"}, ObsoletesDist: []string{"od"},
		Requires: []string{"r"}, Provides: []string{"p"}, Obsoletes: []string{"o"}, Dynamic: []string{"Summary"}, ImportNames: []string{"spec_pkg"},
		ImportNamespaces: []string{"ns"},
	}
	d := &dist.Dist{Filename: &dist.Filename{Kind: dist.Wheel, PythonTags: []string{"py3"}}, Metadata: m, Digests: dist.Digests{SHA256: "s", Blake2b256: "b"}}
	got := map[string]string{}
	for _, f := range Form(d, "", "") {
		if _, dup := got[f.Key]; dup {
			t.Errorf("form key %s sent twice", f.Key)
		}
		got[f.Key] = f.Value
	}
	for key, want := range spec {
		if got[key] != want {
			t.Errorf("form key %s = %q, want %q", key, got[key], want)
		}
	}
	for key := range got {
		switch key {
		case ":action", "protocol_version", "filetype", "pyversion", "sha256_digest", "blake2_256_digest":
			continue
		}
		if _, ok := spec[key]; !ok {
			t.Errorf("form key %s is not in the spec", key)
		}
	}
}
