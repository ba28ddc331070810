package fakeindex_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pyupload/pyupload/internal/fakeindex"
)

// drip is the drip interval of these tests: short, so that a few bytes
// take a few tens of milliseconds.
const drip = 5 * time.Millisecond

// injectionJSON is Injection as a JSON document carries it: its raw 0x9b
// byte, not UTF-8, becomes U+FFFD.
var injectionJSON = strings.ToValidUTF8(fakeindex.Injection, "\uFFFD")

// hostileWait bounds the waits for the index to see a client go away.
const hostileWait = 10 * time.Second

func TestHostileOffByDefault(t *testing.T) {
	t.Parallel()
	ix, srv := newIndex(t)
	for _, name := range fakeindex.HostileNames() {
		if ix.HostileOn(fakeindex.Hostile(name)) {
			t.Errorf("HostileOn(%s) = true on a new index", name)
		}
	}
	f, _ := distForm(t, mv24)
	if res := upload(t, srv, f); res.status != http.StatusOK || len(ix.Files()) != 1 {
		t.Errorf("upload = %d %q with %d files stored, want 200 and the file", res.status, res.body, len(ix.Files()))
	}
	if res := get(t, srv, "/pypi/pyupload-mv24/json"); res.status != http.StatusOK || !json.Valid([]byte(res.body)) {
		t.Errorf("GET JSON API = %d, valid JSON %v", res.status, json.Valid([]byte(res.body)))
	}
	for _, name := range fakeindex.HostileNames() {
		if s := ix.HostileStats(fakeindex.Hostile(name)); s != (fakeindex.HostileStats{}) {
			t.Errorf("HostileStats(%s) = %+v, want zero", name, s)
		}
	}
}

func TestParseHostile(t *testing.T) {
	t.Parallel()
	got, err := fakeindex.ParseHostile(" upload-html, ,mint-hang,")
	if err != nil || !slices.Equal(got, []fakeindex.Hostile{fakeindex.HostileUploadHTML, fakeindex.HostileMintHang}) {
		t.Errorf("ParseHostile() = %v, %v", got, err)
	}
	if _, err := fakeindex.ParseHostile("upload-html,nope"); err == nil || !strings.Contains(err.Error(), `"nope"`) || !strings.Contains(err.Error(), "read-endless") {
		t.Errorf("ParseHostile(nope) = %v, want an error naming it and the known names", err)
	}
	for _, name := range fakeindex.HostileNames() {
		if _, err := fakeindex.ParseHostile(name); err != nil {
			t.Errorf("ParseHostile(%s) = %v", name, err)
		}
	}
}

func TestHostileUnknownName(t *testing.T) {
	t.Parallel()
	_, srv := newIndex(t, fakeindex.WithHostile("upload-nonsense"))
	res := get(t, srv, "/simple/", withHeader("Accept", "application/json"))
	if res.status != http.StatusInternalServerError || !strings.Contains(res.body, "upload-nonsense") {
		t.Errorf("GET /simple/ = %d %q, want 500 naming the behaviour", res.status, res.body)
	}
}

// TestHostileUploadPages: 200 answers that store nothing.
func TestHostileUploadPages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		h     fakeindex.Hostile
		ctype string
		want  string
	}{
		{fakeindex.HostileUploadHTML, "text/html", "<h1>Welcome to Example Corp</h1>"},
		{fakeindex.HostileUploadEmpty, "", ""},
		{fakeindex.HostileUploadLogin, "text/html", `http-equiv="refresh"`},
	}
	for _, tt := range tests {
		t.Run(string(tt.h), func(t *testing.T) {
			t.Parallel()
			ix, srv := newIndex(t, fakeindex.WithHostile(tt.h))
			f, _ := distForm(t, mv24)
			res := upload(t, srv, f)
			if res.status != http.StatusOK || !strings.HasPrefix(res.header.Get("Content-Type"), tt.ctype) || !strings.Contains(res.body, tt.want) {
				t.Errorf("upload = %d %s %q, want 200 %s with %q", res.status, res.header.Get("Content-Type"), res.body, tt.ctype, tt.want)
			}
			if tt.want == "" && res.body != "" {
				t.Errorf("body = %q, want none", res.body)
			}
			if n := len(ix.Files()); n != 0 {
				t.Errorf("%d files stored, want none", n)
			}
			if n := ix.UploadAttempts(); n != 1 {
				t.Errorf("UploadAttempts() = %d, want 1", n)
			}
			if s := ix.HostileStats(tt.h); s.Answers != 1 || s.Open != 0 || s.Bytes != int64(len(res.body)) {
				t.Errorf("HostileStats() = %+v, want 1 answer, none open, %d bytes", s, len(res.body))
			}
			// Switched off, the index is itself again.
			ix.SetHostile(tt.h, false)
			if res := upload(t, srv, f); res.status != http.StatusOK || len(ix.Files()) != 1 {
				t.Errorf("upload after SetHostile(off) = %d %q, want the file stored", res.status, res.body)
			}
		})
	}
}

// TestHostileUploadInjection: the injection arrives in every format a
// client may ask for, and under another profile in its own.
func TestHostileUploadInjection(t *testing.T) {
	t.Parallel()
	ix, srv := newIndex(t, fakeindex.WithHostile(fakeindex.HostileUploadInjection))
	f, _ := distForm(t, mv24)

	res := upload(t, srv, f)
	doc := decodeJSON(t, res.body)
	code, _ := doc["code"].(string)
	message, _ := doc["message"].(string)
	if res.status != http.StatusBadRequest || !strings.HasPrefix(code, "400 pwned\n::error::pwned\n::add-mask::pwned") || !strings.Contains(message, injectionJSON) {
		t.Errorf("JSON answer = %d, code %q, message %q, want 400 and the injection in both", res.status, code, message)
	}
	plain := upload(t, srv, f, withHeader("Accept", ""))
	if !strings.HasPrefix(plain.header.Get("Content-Type"), "text/plain") || !strings.Contains(plain.body, fakeindex.Injection) {
		t.Errorf("text/plain answer = %s %q, want the injection raw", plain.header.Get("Content-Type"), plain.body)
	}
	page := upload(t, srv, f, withHeader("Accept", "text/html"))
	if !strings.Contains(page.body, "<title>400 pwned\n::error::pwned") || !strings.Contains(page.body, "<script>alert(1)</script>") {
		t.Errorf("HTML answer = %q, want the injection in the title, unescaped", page.body)
	}
	for _, body := range []string{message, plain.body} {
		if found := fakeindex.FindInjection(body); len(found) < 8 {
			t.Errorf("FindInjection(answer) = %q, want every kind of injection", found)
		}
	}
	if n := len(ix.Files()); n != 0 {
		t.Errorf("%d files stored, want none", n)
	}

	gix, gitea := newIndex(t, fakeindex.WithProfile(fakeindex.ProfileGitea), fakeindex.WithHostile(fakeindex.HostileUploadInjection))
	res = upload(t, gitea, f, withPath(gix.UploadPath()))
	if res.status != http.StatusBadRequest || !strings.Contains(res.body, "::stop-commands::pwned") {
		t.Errorf("Gitea answer = %d %q, want 400 with the injection", res.status, res.body)
	}
}

// openStream sends req and returns the response once its headers are in,
// with how long they took.
func openStream(t *testing.T, srv *httptest.Server, req *http.Request) (*http.Response, time.Duration) {
	t.Helper()
	start := time.Now()
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	t.Cleanup(func() { _ = resp.Body.Close() })
	return resp, time.Since(start)
}

// reqFunc makes a request to the server at base.
type reqFunc func(ctx context.Context, base string) *http.Request

// newRequest is http.NewRequestWithContext for arguments that cannot fail.
func newRequest(ctx context.Context, method, url, body, accept string) *http.Request {
	req, err := http.NewRequestWithContext(ctx, method, url, strings.NewReader(body))
	if err != nil {
		panic(err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	return req
}

// uploadRequest is an upload: hostile answers take the body without
// looking at it, so a small form does.
func uploadRequest(ctx context.Context, base string) *http.Request {
	f := form{field(":action", "file_upload"), field("name", "pyupload-mv24"), filePart("content", "pyupload_mv24-2.4-py3-none-any.whl", []byte("PK"))}
	req := newRequest(ctx, http.MethodPost, base+"/legacy/", string(f.encode()), "")
	req.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
	req.Header.Set("Authorization", basicAuth("__token__", fakeindex.DefaultToken))
	return req
}

func getRequest(path, accept string) reqFunc {
	return func(ctx context.Context, base string) *http.Request {
		return newRequest(ctx, http.MethodGet, base+path, "", accept)
	}
}

func mintRequest(path string) reqFunc {
	return func(ctx context.Context, base string) *http.Request {
		return newRequest(ctx, http.MethodPost, base+path, `{"token": "x"}`, "")
	}
}

// waitDone waits for the index to see the client of h go, and returns
// the counts then.
func waitDone(t *testing.T, ix *fakeindex.Index, h fakeindex.Hostile) fakeindex.HostileStats {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), hostileWait)
	defer cancel()
	s, err := ix.WaitHostileDone(ctx, h)
	if err != nil {
		t.Fatalf("WaitHostileDone(%s) = %+v, %v: the index did not see the client go", h, s, err)
	}
	return s
}

// TestHostileDrips: the headers arrive at once, then one byte per
// interval; the drip ends when the client goes.
func TestHostileDrips(t *testing.T) {
	t.Parallel()
	tests := []struct {
		h      fakeindex.Hostile
		opts   []fakeindex.Option
		req    reqFunc
		prefix string
	}{
		{fakeindex.HostileUploadDrip, nil, uploadRequest, "<!DOCTYPE html>"},
		{fakeindex.HostileReadDrip, nil, getRequest("/simple/anything/", ""), "<!DOCTYPE html>"},
		{fakeindex.HostileMintDrip, nil, mintRequest("/_/oidc/mint-token"), `{"success": true`},
		{fakeindex.HostileAudienceDrip, nil, getRequest("/_/oidc/audience", ""), `{"audience": "pypi`},
	}
	for _, tt := range tests {
		t.Run(string(tt.h), func(t *testing.T) {
			t.Parallel()
			ix, srv := newIndex(t, append([]fakeindex.Option{fakeindex.WithHostile(tt.h), fakeindex.WithDripInterval(drip)}, tt.opts...)...)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			start := time.Now()
			resp, _ := openStream(t, srv, tt.req(ctx, srv.URL))
			if resp.StatusCode != http.StatusOK || resp.ContentLength != -1 {
				t.Errorf("status %d, length %d, want 200 without a length", resp.StatusCode, resp.ContentLength)
			}
			got := make([]byte, len(tt.prefix))
			if _, err := io.ReadFull(resp.Body, got); err != nil || string(got) != tt.prefix {
				t.Fatalf("body starts %q, %v, want %q", got, err, tt.prefix)
			}
			if min := time.Duration(len(tt.prefix)-1) * drip; time.Since(start) < min {
				t.Errorf("%d bytes took %v, want at least %v", len(tt.prefix), time.Since(start), min)
			}
			if s := ix.HostileStats(tt.h); s.Open != 1 {
				t.Errorf("HostileStats() = %+v while dripping, want it open", s)
			}
			_ = resp.Body.Close()
			s := waitDone(t, ix, tt.h)
			// The bytes read, and at most a few more written before the
			// index saw the client go.
			if s.Bytes < int64(len(tt.prefix)) || s.Bytes > int64(len(tt.prefix))+200 {
				t.Errorf("HostileStats() = %+v, want about %d bytes", s, len(tt.prefix))
			}
		})
	}
}

// TestHostileEndless: a valid-looking start, then no end; the index stops
// writing when the client stops reading and goes.
func TestHostileEndless(t *testing.T) {
	t.Parallel()
	const readUpTo = 1 << 20
	tests := []struct {
		name   string
		h      fakeindex.Hostile
		req    reqFunc
		ctype  string
		prefix string
		unit   string // a piece of the repeated filler
	}{
		{"upload", fakeindex.HostileUploadEndless, uploadRequest, "text/html", "<!DOCTYPE html>", "<p>Processing"},
		{"json api", fakeindex.HostileReadEndless, getRequest("/pypi/Some_Project/json", ""), "application/json", `{"info": {"name": "Some_Project"`, `{"filename": "some-project-0.0.0.tar.gz"`},
		{"release json", fakeindex.HostileReadEndless, getRequest("/pypi/p/1.0/json", ""), "application/json", `{"info": {"name": "p"`, `"packagetype": "sdist"`},
		{"simple html", fakeindex.HostileReadEndless, getRequest("/simple/p/", ""), "text/html", "<!DOCTYPE html>", `<a href="https://files.example/p-0.0.0.tar.gz#sha256=`},
		{"simple json", fakeindex.HostileReadEndless, getRequest("/simple/p/", "application/vnd.pypi.simple.v1+json"), "application/vnd.pypi.simple.v1+json", `{"meta": {"api-version": "1.4"`, `"hashes": {"sha256": "`},
		{"mint", fakeindex.HostileMintEndless, mintRequest("/_/oidc/mint-token"), "application/json", `{"success": true`, "AgEIcHlwaS5vcmcC"},
		{"audience", fakeindex.HostileAudienceEndless, getRequest("/_/oidc/audience", ""), "application/json", `{"audience": "pypi`, "pypipypi"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ix, srv := newIndex(t, fakeindex.WithHostile(tt.h))
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			resp, _ := openStream(t, srv, tt.req(ctx, srv.URL))
			if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), tt.ctype) {
				t.Errorf("status %d, type %q, want 200 %s", resp.StatusCode, resp.Header.Get("Content-Type"), tt.ctype)
			}
			b, err := io.ReadAll(io.LimitReader(resp.Body, readUpTo))
			if err != nil || len(b) != readUpTo {
				t.Fatalf("read %d bytes, %v, want %d", len(b), err, readUpTo)
			}
			if !strings.HasPrefix(string(b), tt.prefix) || !strings.Contains(string(b[readUpTo/2:]), tt.unit) {
				t.Errorf("body = %.300q…, want it to start with %q and repeat %q", b, tt.prefix, tt.unit)
			}
			_ = resp.Body.Close()
			s := waitDone(t, ix, tt.h)
			// What was read, plus what the connection's buffers held.
			if s.Bytes < readUpTo || s.Bytes > readUpTo+32<<20 {
				t.Errorf("HostileStats() = %+v, want about %d bytes written", s, readUpTo)
			}
			time.Sleep(20 * time.Millisecond)
			if later := ix.HostileStats(tt.h); later.Bytes != s.Bytes {
				t.Errorf("the index wrote %d more bytes after the client went", later.Bytes-s.Bytes)
			}
		})
	}
}

// TestHostileReadOtherProfile: the read switches follow the profile's
// read API, and leave its file downloads alone.
func TestHostileReadOtherProfile(t *testing.T) {
	t.Parallel()
	ix, srv := newIndex(t, fakeindex.WithProfile(fakeindex.ProfileNexus), fakeindex.WithHostile(fakeindex.HostileReadEndless))
	resp, _ := openStream(t, srv, getRequest(ix.SimplePath()+"p/", "")(t.Context(), srv.URL))
	b := make([]byte, 64<<10)
	if _, err := io.ReadFull(resp.Body, b); err != nil || !bytes.Contains(b, []byte("<h1>Links for p</h1>")) {
		t.Errorf("simple page = %.200q, %v, want the endless page", b, err)
	}
	_ = resp.Body.Close()
	if res := get(t, srv, "/repository/pypi-hosted/packages/p/1.0/p-1.0.tar.gz"); res.status != http.StatusNotFound {
		t.Errorf("download = %d, want the registry's 404", res.status)
	}
	waitDone(t, ix, fakeindex.HostileReadEndless)
}

// TestHostileHangs: no answer until the client gives up; Close drops a
// hanging request rather than answer it.
func TestHostileHangs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		h   fakeindex.Hostile
		req reqFunc
	}{
		{fakeindex.HostileUploadHang, uploadRequest},
		{fakeindex.HostileMintHang, mintRequest("/_/oidc/github/mint-token")},
		{fakeindex.HostileAudienceHang, getRequest("/_/oidc/audience", "")},
	}
	for _, tt := range tests {
		t.Run(string(tt.h), func(t *testing.T) {
			t.Parallel()
			ix, srv := newIndex(t, fakeindex.WithHostile(tt.h))
			ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
			defer cancel()
			resp, err := srv.Client().Do(tt.req(ctx, srv.URL))
			if err == nil {
				_ = resp.Body.Close()
				t.Fatalf("got %d, want no answer", resp.StatusCode)
			}
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("error = %v, want the client's deadline", err)
			}
			waitDone(t, ix, tt.h)

			// Close ends a hang by dropping the connection.
			errc := make(chan error, 1)
			req := tt.req(t.Context(), srv.URL)
			go func() {
				resp, err := srv.Client().Do(req)
				if err == nil {
					_ = resp.Body.Close()
					err = errors.New("answered " + resp.Status)
				}
				errc <- err
			}()
			for ix.HostileStats(tt.h).Open == 0 {
				time.Sleep(time.Millisecond)
			}
			if err := ix.Close(); err != nil {
				t.Fatal(err)
			}
			if err := <-errc; err == nil || strings.HasPrefix(err.Error(), "answered") {
				t.Errorf("after Close: %v, want a dropped connection", err)
			}
		})
	}
}

// TestHostileCloseEndsDrip: Close drops a drip without ending its body.
func TestHostileCloseEndsDrip(t *testing.T) {
	t.Parallel()
	ix, srv := newIndex(t, fakeindex.WithHostile(fakeindex.HostileUploadDrip), fakeindex.WithDripInterval(time.Hour))
	resp, _ := openStream(t, srv, uploadRequest(t.Context(), srv.URL))
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if b, err := io.ReadAll(resp.Body); err == nil {
		t.Errorf("body = %q ending cleanly, want an error", b)
	}
}

func TestHostileMintInjection(t *testing.T) {
	t.Parallel()
	ix, srv := newIndex(t, fakeindex.WithHostile(fakeindex.HostileMintInjection))
	res := send(t, srv, http.MethodPost, "/_/oidc/mint-token", strings.NewReader(`{"token": "x"}`))
	var doc struct {
		Message string
		Errors  []struct{ Code, Description string }
	}
	if err := json.Unmarshal([]byte(res.body), &doc); err != nil {
		t.Fatal(err)
	}
	if res.status != http.StatusUnprocessableEntity || doc.Message != injectionJSON || len(doc.Errors) != 2 ||
		doc.Errors[0].Code != "invalid-publisher" || !strings.Contains(doc.Errors[0].Description, injectionJSON) ||
		doc.Errors[1].Code != injectionJSON || doc.Errors[1].Description != injectionJSON {
		t.Errorf("mint = %d %+v, want 422 with the injection in every text", res.status, doc)
	}
	if n := ix.MintAttempts(); n != 1 {
		t.Errorf("MintAttempts() = %d, want 1", n)
	}
}

func TestHostileAudience(t *testing.T) {
	t.Parallel()
	ix, srv := newIndex(t, fakeindex.WithHostile(fakeindex.HostileAudienceInjection))
	res := get(t, srv, "/_/oidc/audience")
	if doc := decodeJSON(t, res.body); res.status != http.StatusOK || doc["audience"] != "pypi"+injectionJSON {
		t.Errorf("audience = %d %q, want 200 and pypi with the injection", res.status, res.body)
	}
	ix.SetHostile(fakeindex.HostileAudienceInjection, false)
	ix.SetHostile(fakeindex.HostileAudienceHTML, true)
	if res := get(t, srv, "/_/oidc/audience"); res.status != http.StatusOK || !strings.Contains(res.body, "<title>Sign in</title>") {
		t.Errorf("audience = %d %q, want the login page", res.status, res.body)
	}
	ix.SetHostile(fakeindex.HostileAudienceHTML, false)
	if res := get(t, srv, "/_/oidc/audience"); res.status != http.StatusNotFound {
		t.Errorf("audience without switches or WithOIDC = %d, want 404", res.status)
	}
}

// TestHostileMintToken: a real mint whose token carries lines for
// $GITHUB_ENV, and still uploads when sent verbatim.
func TestHostileMintToken(t *testing.T) {
	t.Parallel()
	ix, srv, _ := oidcIndex(t, fakeindex.OIDCConfig{Publishers: []fakeindex.Publisher{ghPublisher("pyupload-mv24")}},
		fakeindex.WithHostile(fakeindex.HostileMintToken))
	if err := ix.CreateProject("pyupload-mv24"); err != nil {
		t.Fatal(err)
	}
	res := send(t, srv, http.MethodPost, "/_/oidc/mint-token", strings.NewReader(`{"token": "`+sign(t, ix, ghClaims())+`"}`))
	var doc struct{ Token string }
	if err := json.Unmarshal([]byte(res.body), &doc); err != nil || res.status != http.StatusOK {
		t.Fatalf("mint = %d %q, %v", res.status, res.body, err)
	}
	if !strings.HasPrefix(doc.Token, "pypi-") || !strings.HasSuffix(doc.Token, fakeindex.TokenInjection) {
		t.Errorf("token = %q, want pypi-… followed by the injection", doc.Token)
	}
	if found := fakeindex.FindInjection("TWINE_PASSWORD=" + doc.Token); len(found) == 0 {
		t.Error("FindInjection() finds nothing in the token as a $GITHUB_ENV line")
	}
	f, _ := distForm(t, mv24)
	if up := upload(t, srv, f, withHeader("Authorization", basicAuth("__token__", doc.Token))); up.status != http.StatusOK {
		t.Errorf("upload with the token = %d %q, want 200", up.status, up.body)
	}
}

func TestHostileHeaders(t *testing.T) {
	t.Parallel()
	_, srv := newIndex(t, fakeindex.WithHostile(fakeindex.HostileManyHeaders))
	res := get(t, srv, "/simple/")
	if res.status != http.StatusOK || len(res.header) < 2000 {
		t.Errorf("GET /simple/ = %d with %d headers, want 200 with over 2000", res.status, len(res.header))
	}
	_, huge := newIndex(t, fakeindex.WithHostile(fakeindex.HostileHugeHeaders))
	req := getRequest("/simple/", "")(t.Context(), huge.URL)
	if resp, err := huge.Client().Do(req); err == nil {
		_ = resp.Body.Close()
		t.Errorf("GET /simple/ = %d, want Go's client to refuse the headers", resp.StatusCode)
	} else if !strings.Contains(err.Error(), "headers exceeded") {
		t.Errorf("GET /simple/: %v, want the header limit's error", err)
	}
}

func TestFindInjection(t *testing.T) {
	t.Parallel()
	found := fakeindex.FindInjection(fakeindex.Injection)
	for _, want := range []string{"workflow command", "GitLab section", "environment assignment", "Markdown fence", "ESC", "BEL", "U+009B", "U+0085", "raw C1 byte 0x9b", "U+202E"} {
		if !slices.ContainsFunc(found, func(f string) bool { return strings.Contains(f, want) }) {
			t.Errorf("FindInjection(Injection) = %q, lacks %q", found, want)
		}
	}
	for _, clean := range []string{
		strconv.QuoteToASCII(fakeindex.Injection),
		"::error title=pyupload failed::the index said no%0Ahint: …\n::add-mask::pypi-abc\nTWINE_PASSWORD=pypi-abc\n",
	} {
		if found := fakeindex.FindInjection(clean); len(found) != 0 {
			t.Errorf("FindInjection(%q) = %q, want nothing", clean, found)
		}
	}
}
