package fakeindex_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pyupload/pyupload/internal/fakeindex"
)

// TestErrorBodies checks Pyramid's three renderings, chosen by Accept
// (docs/index-server.md §2.1).
func TestErrorBodies(t *testing.T) {
	t.Parallel()
	_, srv := newIndex(t)
	f, _ := distForm(t, mv24)
	const expl = "The server could not comply with the request since it is either malformed or otherwise incorrect."
	tests := []struct {
		name, accept, ctype, body string
		form                      form
		auth                      string
	}{
		{
			name: "json", accept: "application/json", ctype: "application/json",
			form: f.set("protocol_version", "2"),
			body: `{"message": "` + expl + `\n\n\nUnknown protocol version.\n\n", "code": "400 Unknown protocol version.", "title": "Bad Request"}`,
		},
		{
			name: "no accept is text/plain", accept: "", ctype: "text/plain; charset=UTF-8",
			form: f.set("protocol_version", "2"),
			body: "400 Unknown protocol version.\n\n" + expl + "\n\n\nUnknown protocol version.\n\n",
		},
		{
			name: "text/plain only is text/plain", accept: "text/plain", ctype: "text/plain; charset=UTF-8",
			form: f.set("protocol_version", "2"),
			body: "400 Unknown protocol version.\n\n" + expl + "\n\n\nUnknown protocol version.\n\n",
		},
		{
			name: "any is html", accept: "*/*", ctype: "text/html; charset=UTF-8",
			form: f.set("protocol_version", "2"),
			body: "<html>\n <head>\n  <title>400 Unknown protocol version.</title>\n </head>\n <body>\n  <h1>400 Unknown protocol version.</h1>\n  " + expl + "<br/><br/>\nUnknown protocol version.\n\n\n </body>\n</html>",
		},
		{
			name: "html escapes the detail", accept: "text/html", ctype: "text/html; charset=UTF-8",
			form: f.set("name", "-bad-"),
			body: "<html>\n <head>\n  <title>400 '-bad-' is an invalid value for Name. Error: Start and end with a letter or numeral containing only ASCII numeric and '.', '_' and '-'." + seeCore + "</title>\n </head>\n <body>\n  <h1>400 '-bad-' is an invalid value for Name. Error: Start and end with a letter or numeral containing only ASCII numeric and '.', '_' and '-'." + seeCore + "</h1>\n  " + expl + "<br/><br/>\n&#x27;-bad-&#x27; is an invalid value for Name. Error: Start and end with a letter or numeral containing only ASCII numeric and &#x27;.&#x27;, &#x27;_&#x27; and &#x27;-&#x27;." + seeCore + "\n\n\n </body>\n</html>",
		},
		{
			name: "json preferred by quality", accept: "text/html;q=0.5, application/json", ctype: "application/json",
			form: f.set("protocol_version", "2"),
			body: `{"message": "` + expl + `\n\n\nUnknown protocol version.\n\n", "code": "400 Unknown protocol version.", "title": "Bad Request"}`,
		},
		{
			name: "json escapes beyond ascii", accept: "application/json", ctype: "application/json",
			form: f.set("name", "é"),
			body: `{"message": "` + expl + `\n\n\n'\u00e9' is an invalid value for Name. Error: Start and end with a letter or numeral containing only ASCII numeric and '.', '_' and '-'.` + seeCore + `\n\n", "code": "400 '\u00e9' is an invalid value for Name. Error: Start and end with a letter or numeral containing only ASCII numeric and '.', '_' and '-'.` + seeCore + `", "title": "Bad Request"}`,
		},
		{
			name: "username and password: status line only", accept: "application/json", ctype: "application/json",
			form: f, auth: basicAuth("alice", "secret"),
			body: `{"message": "Access was denied to this resource.\n\n\n\n\n", "code": "403 Username/Password authentication is no longer supported. Migrate to API Tokens or Trusted Publishers instead. See https://pypi.org/help/#apitoken and https://pypi.org/help/#trusted-publishers", "title": "Forbidden"}`,
		},
		{
			name: "success is Pyramid's empty page", accept: "application/json", ctype: "application/json",
			form: f,
			body: `{"message": "\n\n\n\n\n", "code": "200 OK", "title": "OK"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := []reqOpt{withHeader("Accept", tt.accept)}
			if tt.auth != "" {
				opts = append(opts, withHeader("Authorization", tt.auth))
			}
			res := upload(t, srv, tt.form, opts...)
			if got := res.header.Get("Content-Type"); got != tt.ctype {
				t.Errorf("Content-Type = %q, want %q", got, tt.ctype)
			}
			if diff := cmp.Diff(tt.body, res.body); diff != "" {
				t.Errorf("body mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRouting(t *testing.T) {
	t.Parallel()
	f, _ := distForm(t, mv24)
	tests := []struct {
		name   string
		form   form
		opts   []reqOpt
		status int
		want   string // the message, or a substring of an HTML page
	}{
		{"no slash redirects", f, []reqOpt{withPath("/legacy")}, 308, "An upload was attempted to /legacy but the expected upload URL is /legacy/ (with a trailing slash)"},
		{"submit is gone", f.set(":action", "submit"), nil, 410, "Project pre-registration is no longer required or supported, upload your files instead."},
		{"submit_pkg_info is gone", f.set(":action", "submit_pkg_info"), nil, 410, "Project pre-registration is no longer required or supported, upload your files instead."},
		{"doc_upload is gone, without auth", f.set(":action", "doc_upload"), []reqOpt{withHeader("Authorization", "")}, 410, "Uploading documentation is no longer supported, we recommend using https://readthedocs.org/."},
		{"action in the query wins", f, []reqOpt{withQuery("%3Aaction=doc_upload")}, 410, "Uploading documentation is no longer supported, we recommend using https://readthedocs.org/."},
		{"action in the query", f.without(":action"), []reqOpt{withQuery(":action=file_upload")}, 200, ""},
		{"missing action", f.without(":action"), nil, 200, "API endpoint"},
		{"unknown action", f.set(":action", "frobnicate"), nil, 200, "API endpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ix, srv := newIndex(t)
			res := upload(t, srv, tt.form, tt.opts...)
			if res.status != tt.status {
				t.Fatalf("POST = %d %q, want %d", res.status, res.body, tt.status)
			}
			switch {
			case tt.want == "":
			case tt.status != http.StatusOK:
				if got := res.message(t); got != tt.want {
					t.Errorf("message = %q, want %q", got, tt.want)
				}
			default:
				if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") || !strings.Contains(res.body, tt.want) {
					t.Errorf("response = %s %q, want an HTML page with %q", ct, res.body, tt.want)
				}
			}
			stored := len(ix.Files())
			if wantStored := tt.status == 200 && tt.want == ""; (stored == 1) != wantStored {
				t.Errorf("Files() has %d files, want stored: %v", stored, wantStored)
			}
			if tt.status == http.StatusPermanentRedirect {
				if got := res.header.Get("Location"); got != "/legacy/" {
					t.Errorf("Location = %q, want /legacy/", got)
				}
				if got := ix.UploadAttempts(); got != 0 {
					t.Errorf("UploadAttempts() = %d, want 0: /legacy is not /legacy/", got)
				}
			}
		})
	}
}

func TestReadAPIs(t *testing.T) {
	t.Parallel()
	ix, srv := newIndex(t)
	for _, p := range []string{mv24, mv24Sdst} {
		f, _ := distForm(t, p)
		if res := upload(t, srv, f.with(field("comment", "built by hand"))); res.status != http.StatusOK {
			t.Fatalf("upload %s = %d %q", p, res.status, res.body)
		}
	}
	// A pre-release stays behind the final release as "latest".
	if err := ix.Preload("pyupload-mv24", "3.0rc1", "pyupload_mv24-3.0rc1.tar.gz", []byte("rc")); err != nil {
		t.Fatal(err)
	}
	wheel, sdist := readFile(t, mv24), readFile(t, mv24Sdst)

	t.Run("project json", func(t *testing.T) {
		t.Parallel()
		res := get(t, srv, "/pypi/pyupload-mv24/json")
		if res.status != http.StatusOK || res.header.Get("Content-Type") != "application/json" || res.header.Get("X-PyPI-Last-Serial") == "" {
			t.Fatalf("GET = %d %v", res.status, res.header)
		}
		doc := decodeJSON(t, res.body)
		info := doc["info"].(map[string]any)
		wantInfo := map[string]any{
			"name": "pyupload-mv24", "version": "2.4", "license_expression": "MIT",
			"license_files": []any{"LICENSE"}, "keywords": "pyupload, license, pep639",
			"description_content_type": "text/markdown", "yanked": false,
			"project_urls": map[string]any{"Homepage": "https://example.com/pyupload", "Source": "https://example.com/pyupload/src", "Issue Tracker": "https://example.com/pyupload/issues"},
		}
		for k, want := range wantInfo {
			if diff := cmp.Diff(want, info[k]); diff != "" {
				t.Errorf("info[%s] mismatch (-want +got):\n%s", k, diff)
			}
		}
		releases := doc["releases"].(map[string]any)
		if len(releases["2.4"].([]any)) != 2 || len(releases["3.0rc1"].([]any)) != 1 {
			t.Errorf("releases = %v, want 2.4 with two files and 3.0rc1 with one", releases)
		}
		urls := doc["urls"].([]any)
		if len(urls) != 2 {
			t.Fatalf("urls has %d files, want 2", len(urls))
		}
		whl := urls[0].(map[string]any)
		wantFile := map[string]any{
			"filename": "pyupload_mv24-2.4-py3-none-any.whl", "packagetype": "bdist_wheel", "python_version": "py3",
			"size": float64(len(wheel)), "yanked": false, "comment_text": "built by hand", "md5_digest": md5Hex(wheel),
			"digests": map[string]any{"md5": md5Hex(wheel), "sha256": sha256Hex(wheel), "blake2b_256": blake2Hex(wheel)},
		}
		for k, want := range wantFile {
			if diff := cmp.Diff(want, whl[k]); diff != "" {
				t.Errorf("urls[0][%s] mismatch (-want +got):\n%s", k, diff)
			}
		}
		if ts, _ := whl["upload_time_iso_8601"].(string); !strings.HasSuffix(ts, "Z") || !strings.Contains(ts, "T") {
			t.Errorf("upload_time_iso_8601 = %q, want an ISO time ending in Z", ts)
		}
		// The URL serves the bytes; core-metadata names METADATA's digest,
		// served at <url>.metadata.
		u := strings.TrimPrefix(whl["url"].(string), srv.URL)
		if got := get(t, srv, u); got.status != http.StatusOK || got.body != string(wheel) {
			t.Errorf("GET %s = %d, %d bytes; want the wheel", u, got.status, len(got.body))
		}
		meta := get(t, srv, u+".metadata")
		sum := sha256.Sum256([]byte(meta.body))
		if cm := whl["core-metadata"].(map[string]any); meta.status != http.StatusOK || cm["sha256"] != hex.EncodeToString(sum[:]) || !strings.HasPrefix(meta.body, "Metadata-Version: 2.4") {
			t.Errorf("core-metadata = %v, GET .metadata = %d %q", cm, meta.status, meta.body)
		}
		if sd := urls[1].(map[string]any); sd["core-metadata"] != false || sd["python_version"] != "source" {
			t.Errorf("sdist entry = %v, want core-metadata false and python_version source", sd)
		}
	})
	t.Run("release json by PEP 440 equality", func(t *testing.T) {
		t.Parallel()
		res := get(t, srv, "/pypi/pyupload-mv24/2.4.0/json/")
		if res.status != http.StatusOK {
			t.Fatalf("GET = %d %q", res.status, res.body)
		}
		doc := decodeJSON(t, res.body)
		if _, ok := doc["releases"]; ok {
			t.Error("release JSON has releases, want only the project JSON to")
		}
		if v := doc["info"].(map[string]any)["version"]; v != "2.4" {
			t.Errorf("info.version = %v, want 2.4", v)
		}
	})
	t.Run("redirects and not found", func(t *testing.T) {
		t.Parallel()
		for path, want := range map[string]string{
			"/pypi/PyUpload_MV24/json":      "/pypi/pyupload-mv24/json",
			"/pypi/PyUpload.mv24/2.4/json/": "/pypi/pyupload-mv24/2.4/json/",
			"/simple/PyUpload_MV24/":        "/simple/pyupload-mv24/",
			"/simple/pyupload-mv24":         "/simple/pyupload-mv24/",
		} {
			if res := get(t, srv, path); res.status != http.StatusMovedPermanently || res.header.Get("Location") != want {
				t.Errorf("GET %s = %d to %q, want 301 to %q", path, res.status, res.header.Get("Location"), want)
			}
		}
		for _, path := range []string{"/pypi/nothing/json", "/pypi/pyupload-mv24/9.9/json", "/pypi/NOTHING/1.0/json"} {
			if res := get(t, srv, path); res.status != http.StatusNotFound || res.body != "{\"message\":\"Not Found\"}\n" {
				t.Errorf("GET %s = %d %q, want 404 {\"message\":\"Not Found\"}", path, res.status, res.body)
			}
		}
		for _, path := range []string{"/simple/nothing/", "/files/nothing-1.0.tar.gz"} {
			if res := get(t, srv, path); res.status != http.StatusNotFound {
				t.Errorf("GET %s = %d, want 404", path, res.status)
			}
		}
	})
	t.Run("simple json", func(t *testing.T) {
		t.Parallel()
		res := get(t, srv, "/simple/pyupload-mv24/", withHeader("Accept", "application/vnd.pypi.simple.v1+json"))
		if res.status != http.StatusOK || res.header.Get("Content-Type") != "application/vnd.pypi.simple.v1+json" {
			t.Fatalf("GET = %d %q", res.status, res.header.Get("Content-Type"))
		}
		doc := decodeJSON(t, res.body)
		if api := doc["meta"].(map[string]any)["api-version"]; api != "1.4" || doc["name"] != "pyupload-mv24" {
			t.Errorf("meta.api-version = %v, name = %v; want 1.4, pyupload-mv24", api, doc["name"])
		}
		if diff := cmp.Diff([]any{"2.4", "3.0rc1"}, doc["versions"]); diff != "" {
			t.Errorf("versions mismatch (-want +got):\n%s", diff)
		}
		files := doc["files"].([]any)
		if len(files) != 3 {
			t.Fatalf("files has %d entries, want 3", len(files))
		}
		first := files[0].(map[string]any)
		want := map[string]any{
			"filename": "pyupload_mv24-2.4-py3-none-any.whl",
			"url":      srv.URL + "/files/pyupload_mv24-2.4-py3-none-any.whl",
			"hashes":   map[string]any{"sha256": sha256Hex(wheel)},
			"size":     float64(len(wheel)),
			"yanked":   false,
		}
		for k, w := range want {
			if diff := cmp.Diff(w, first[k]); diff != "" {
				t.Errorf("files[0][%s] mismatch (-want +got):\n%s", k, diff)
			}
		}
		if ts, _ := first["upload-time"].(string); !strings.HasSuffix(ts, "Z") {
			t.Errorf("upload-time = %q, want an ISO time ending in Z", ts)
		}
	})
	t.Run("simple html", func(t *testing.T) {
		t.Parallel()
		res := get(t, srv, "/simple/pyupload-mv24/")
		if res.status != http.StatusOK || !strings.HasPrefix(res.header.Get("Content-Type"), "text/html") {
			t.Fatalf("GET = %d %q", res.status, res.header.Get("Content-Type"))
		}
		link := `<a href="` + srv.URL + `/files/pyupload_mv24-2.4.tar.gz#sha256=` + sha256Hex(sdist) + `"`
		if !strings.Contains(res.body, link) {
			t.Errorf("page %q lacks %q", res.body, link)
		}
	})
	t.Run("simple index and home", func(t *testing.T) {
		t.Parallel()
		doc := decodeJSON(t, get(t, srv, "/simple/", withHeader("Accept", "application/vnd.pypi.simple.v1+json")).body)
		if diff := cmp.Diff([]any{map[string]any{"name": "pyupload-mv24", "_last-serial": doc["meta"].(map[string]any)["_last-serial"]}}, doc["projects"]); diff != "" {
			t.Errorf("projects mismatch (-want +got):\n%s", diff)
		}
		if home := get(t, srv, "/"); !strings.Contains(home.body, `href="/simple/pyupload-mv24/"`) {
			t.Errorf("GET / = %q, want a link to the project", home.body)
		}
		if home := get(t, srv, "/", withHeader("Accept", "text/plain")); home.body != "pyupload-mv24 2.4 (3 files)\n" {
			t.Errorf("GET / as text/plain = %q, want one line for the project", home.body)
		}
	})
}

// TestMalformedBodies answers 400 to bodies that cannot be parsed, and
// reads bodies that are not multipart as empty forms.
func TestMalformedBodies(t *testing.T) {
	t.Parallel()
	ix, srv := newIndex(t)
	post := func(ctype, body string) result {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/legacy/", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", ctype)
		req.Header.Set("Accept", "application/json")
		req.Header.Set("Authorization", basicAuth("__token__", fakeindex.DefaultToken))
		res, err := do(srv, req)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if res := post("multipart/form-data; boundary=xyz", "--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end"); res.status != http.StatusBadRequest || !strings.HasPrefix(res.message(t), "fakeindex: reading the request body: ") {
		t.Errorf("truncated multipart = %d %q, want 400", res.status, res.body)
	}
	if res := post("application/x-www-form-urlencoded", "%3Aaction=file_upload&name=x"); res.status != http.StatusBadRequest || res.message(t) != "Invalid value for filetype. Error: This field is required." {
		t.Errorf("urlencoded form = %d %q, want the form checks", res.status, res.body)
	}
	if res := post("text/plain", "hello"); res.status != http.StatusOK || !strings.Contains(res.body, "API endpoint") {
		t.Errorf("text body = %d %q, want the API endpoint page", res.status, res.body)
	}
	if got := ix.UploadAttempts(); got != 3 {
		t.Errorf("UploadAttempts() = %d, want 3", got)
	}
}

// TestHome shows an empty index, and never the token.
func TestHome(t *testing.T) {
	t.Parallel()
	_, srv := newIndex(t, fakeindex.WithTokens("pypi-secret"))
	res := get(t, srv, "/")
	if res.status != http.StatusOK || !strings.Contains(res.body, "No projects yet") || bytes.Contains([]byte(res.body), []byte("pypi-secret")) {
		t.Errorf("GET / = %d %q", res.status, res.body)
	}
	if res := get(t, srv, "/", withHeader("Accept", "text/plain")); res.body != "no projects yet\n" {
		t.Errorf("GET / as text/plain = %q, want %q", res.body, "no projects yet\n")
	}
	if res := get(t, srv, "/legacy/"); res.status != http.StatusOK || !strings.Contains(res.body, "API endpoint") {
		t.Errorf("GET /legacy/ = %d %q, want the API endpoint page", res.status, res.body)
	}
}
