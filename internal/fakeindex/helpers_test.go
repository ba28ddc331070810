package fakeindex_test

import (
	"bytes"
	"context"
	"crypto/md5" // #nosec G501 -- the index's md5_digest field
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/blake2b"

	"github.com/pyupload/pyupload/internal/fakeindex"
	"github.com/pyupload/pyupload/pkg/dist"
)

const (
	goodDir = "../../testdata/dists/good"
	badDir  = "../../testdata/dists/bad"
)

// TestMain fails the run when goroutines outlive the tests: every server
// is closed by its test, so after a short settling time the count must be
// back to where it started.
func TestMain(m *testing.M) {
	baseline := runtime.NumGoroutine()
	code := m.Run()
	// The fuzzing engine keeps a signal handler running; fuzz runs skip
	// the check.
	fuzzing := flag.Lookup("test.fuzz") != nil && flag.Lookup("test.fuzz").Value.String() != ""
	if code == 0 && !fuzzing {
		deadline := time.Now().Add(10 * time.Second)
		for runtime.NumGoroutine() > baseline && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if n := runtime.NumGoroutine(); n > baseline {
			buf := make([]byte, 1<<20)
			fmt.Fprintf(os.Stderr, "goroutine leak: %d goroutines, %d at start\n%s\n", n, baseline, buf[:runtime.Stack(buf, true)])
			code = 1
		}
	}
	os.Exit(code) //nolint:forbidigo // TestMain reports the leak check through the exit code
}

// part is one multipart part, written by hand so that tests control every
// byte the index sees (file parts for non-file fields, missing or odd
// Content-Types, raw filenames).
type part struct {
	name, value string
	file        bool
	filename    string // quoted as is; use filenameStar for bytes that need encoding
	star        bool   // send the filename as RFC 2231 filename*=UTF-8''…
	ctype       string // for file parts; "" means application/octet-stream
	noCType     bool   // omit the Content-Type header of a file part
}

func field(name, value string) part { return part{name: name, value: value} }

func filePart(name, filename string, content []byte) part {
	return part{name: name, value: string(content), file: true, filename: filename}
}

// form is an ordered list of parts.
type form []part

// set replaces every part named name by one field with value (appended
// when absent).
func (f form) set(name, value string) form {
	out := f.without(name)
	return append(out, field(name, value))
}

// without drops every part named name.
func (f form) without(name string) form {
	out := make(form, 0, len(f))
	for _, p := range f {
		if p.name != name {
			out = append(out, p)
		}
	}
	return out
}

// with appends parts.
func (f form) with(parts ...part) form {
	return append(append(form(nil), f...), parts...)
}

// mapContent rewrites the content part.
func (f form) mapContent(fn func(part) part) form {
	out := append(form(nil), f...)
	for i := range out {
		if out[i].name == "content" && out[i].file {
			out[i] = fn(out[i])
		}
	}
	return out
}

const boundary = "fakeindex-test-7d1f0c"

func (f form) encode() []byte {
	var b bytes.Buffer
	quote := func(s string) string {
		return `"` + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `"`, `\"`) + `"`
	}
	for _, p := range f {
		b.WriteString("--" + boundary + "\r\n")
		switch {
		case p.file && p.star:
			fmt.Fprintf(&b, "Content-Disposition: form-data; name=%s; filename*=UTF-8''%s\r\n", quote(p.name), percentEncode(p.filename))
		case p.file:
			fmt.Fprintf(&b, "Content-Disposition: form-data; name=%s; filename=%s\r\n", quote(p.name), quote(p.filename))
		default:
			fmt.Fprintf(&b, "Content-Disposition: form-data; name=%s\r\n", quote(p.name))
		}
		if p.file && !p.noCType {
			ct := p.ctype
			if ct == "" {
				ct = "application/octet-stream"
			}
			if ct == "-" {
				ct = ""
			}
			fmt.Fprintf(&b, "Content-Type: %s\r\n", ct)
		}
		b.WriteString("\r\n")
		b.WriteString(p.value)
		b.WriteString("\r\n")
	}
	b.WriteString("--" + boundary + "--\r\n")
	return b.Bytes()
}

func percentEncode(s string) string {
	var b strings.Builder
	for i := range len(s) {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(".-_", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// distForm reads a distribution with pkg/dist and returns the form a
// correct client sends for it, and its bytes.
func distForm(t *testing.T, path string) (form, []byte) {
	t.Helper()
	content, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := dist.Read(bytes.NewReader(content), int64(len(content)), filepath.Base(path))
	if err != nil {
		t.Fatalf("dist.Read(%s) = %v", path, err)
	}
	f := form{field(":action", "file_upload"), field("protocol_version", "1")}
	for _, fv := range d.Metadata.FormFields() {
		f = append(f, field(fv.Key, fv.Value))
	}
	f = append(f,
		field("filetype", string(d.Filename.Kind)),
		field("pyversion", d.Filename.PythonTag()),
		field("sha256_digest", d.SHA256),
		field("blake2_256_digest", d.Blake2b256),
		filePart("content", filepath.Base(path), content))
	return f, content
}

// rawForm is the form for content that pkg/dist cannot read: minimal
// metadata and correct digests.
func rawForm(name, version, filename, filetype, pyversion string, content []byte) form {
	return form{
		field(":action", "file_upload"), field("protocol_version", "1"),
		field("metadata_version", "2.1"), field("name", name), field("version", version),
		field("filetype", filetype), field("pyversion", pyversion),
		field("sha256_digest", sha256Hex(content)), field("blake2_256_digest", blake2Hex(content)),
		filePart("content", filename, content),
	}
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func md5Hex(b []byte) string {
	s := md5.Sum(b) // #nosec G401 -- the index's md5_digest field
	return hex.EncodeToString(s[:])
}

func blake2Hex(b []byte) string {
	s := blake2b.Sum256(b)
	return hex.EncodeToString(s[:])
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// newIndex serves a fresh index for one test and closes both at cleanup.
func newIndex(t *testing.T, opts ...fakeindex.Option) (*fakeindex.Index, *httptest.Server) {
	t.Helper()
	ix := fakeindex.New(append([]fakeindex.Option{fakeindex.WithStorageDir(t.TempDir())}, opts...)...)
	srv := httptest.NewServer(ix)
	t.Cleanup(func() {
		if err := ix.Close(); err != nil { // first: it ends stalls in progress
			t.Errorf("Close() = %v", err)
		}
		srv.Close()
	})
	return ix, srv
}

func basicAuth(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

// result is a response, read whole.
type result struct {
	status int
	header http.Header
	body   string
}

// message is the index's message: the JSON code without its status
// number, as a client should read it.
func (r result) message(t *testing.T) string {
	t.Helper()
	var doc struct{ Code string }
	if err := json.Unmarshal([]byte(r.body), &doc); err != nil {
		t.Fatalf("body %q is not JSON: %v", r.body, err)
	}
	_, msg, _ := strings.Cut(doc.Code, " ")
	return msg
}

// request options.
type reqOpt func(*http.Request)

func withHeader(k, v string) reqOpt {
	return func(r *http.Request) {
		if v == "" {
			r.Header.Del(k)
			return
		}
		r.Header.Set(k, v)
	}
}

func withPath(p string) reqOpt {
	return func(r *http.Request) { r.URL.Path = p }
}

func withQuery(q string) reqOpt {
	return func(r *http.Request) { r.URL.RawQuery = q }
}

// upload POSTs f to /legacy/ with a good token and Accept:
// application/json, unless opts say otherwise.
func upload(t *testing.T, srv *httptest.Server, f form, opts ...reqOpt) result {
	t.Helper()
	res, err := tryUpload(t.Context(), srv, f, opts...)
	if err != nil {
		t.Fatalf("POST /legacy/: %v", err)
	}
	return res
}

func tryUpload(ctx context.Context, srv *httptest.Server, f form, opts ...reqOpt) (result, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/legacy/", bytes.NewReader(f.encode()))
	if err != nil {
		return result{}, err
	}
	req.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", basicAuth("__token__", fakeindex.DefaultToken))
	req.Header.Set("User-Agent", "fakeindex-test/1.0")
	for _, o := range opts {
		o(req)
	}
	return do(srv, req)
}

func do(srv *httptest.Server, req *http.Request) (result, error) {
	client := *srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Do(req)
	if err != nil {
		return result{}, err
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return result{}, err
	}
	return result{status: resp.StatusCode, header: resp.Header, body: string(b)}, nil
}

// get fetches path with optional headers.
func get(t *testing.T, srv *httptest.Server, path string, opts ...reqOpt) result {
	t.Helper()
	return send(t, srv, http.MethodGet, path, nil, opts...)
}

// send makes one request with optional headers and returns the result.
func send(t *testing.T, srv *httptest.Server, method, path string, body io.Reader, opts ...reqOpt) result {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range opts {
		o(req)
	}
	res, err := do(srv, req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return res
}

func decodeJSON(t *testing.T, body string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("body %q is not JSON: %v", body, err)
	}
	return m
}
