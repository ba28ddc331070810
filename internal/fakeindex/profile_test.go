package fakeindex_test

import (
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pyupload/pyupload/internal/fakeindex"
)

// want is an expected answer: the status, and the body exactly (body) or
// a part of it (has).
type want struct {
	status int
	body   *string
	has    string
}

func (w want) check(t *testing.T, what string, res result) {
	t.Helper()
	if res.status != w.status {
		t.Errorf("%s = %d %q, want %d", what, res.status, res.body, w.status)
	}
	if w.body != nil && res.body != *w.body {
		t.Errorf("%s body = %q, want %q", what, res.body, *w.body)
	}
	if !strings.Contains(res.body, w.has) {
		t.Errorf("%s body = %q, want it to contain %q", what, res.body, w.has)
	}
}

const mv24Name = "pyupload_mv24-2.4-py3-none-any.whl"

// profileTests is what each registry answers to the same requests.
var profileTests = []struct {
	profile                 fakeindex.Profile
	stored, again, conflict want
	badToken                want
	anonymousRead           want
	uploadPath, simplePath  string
	releasePage             string
}{
	{
		profile: fakeindex.ProfilePyPI, uploadPath: "/legacy/", simplePath: "/simple/",
		stored: want{status: 200, has: "200 OK"}, again: want{status: 200, has: "200 OK"},
		conflict:      want{status: 400, has: "400 File already exists ('" + mv24Name + "', with blake2_256 hash"},
		badToken:      want{status: 403, has: "Invalid or non-existent authentication information."},
		anonymousRead: want{status: 200, has: mv24Name},
		releasePage:   "/project/pyupload-mv24/2.4/",
	},
	{
		profile: fakeindex.ProfileGitea, uploadPath: "/api/packages/owner/pypi", simplePath: "/api/packages/owner/pypi/simple/",
		stored:        want{status: 201, body: new("")},
		again:         want{status: 409, body: new("package file already exists")},
		conflict:      want{status: 409, body: new("package file already exists")},
		badToken:      want{status: 401, body: new("Failed to authenticate user")},
		anonymousRead: want{status: 401, body: new("reqPackageAccess")},
		releasePage:   "/owner/-/packages/pypi/pyupload-mv24/2.4",
	},
	{
		profile: fakeindex.ProfileGitLab, uploadPath: "/api/v4/projects/42/packages/pypi", simplePath: "/api/v4/projects/42/packages/pypi/simple/",
		stored:        want{status: 201, body: new(`{"message":"201 Created"}`)},
		again:         want{status: 400, body: new(`{"message":"400 Bad request - Validation failed: File name has already been taken"}`)},
		conflict:      want{status: 400, body: new(`{"message":"400 Bad request - Validation failed: File name has already been taken"}`)},
		badToken:      want{status: 401, body: new(`{"message":"401 Unauthorized"}`)},
		anonymousRead: want{status: 401, body: new(`{"message":"401 Unauthorized"}`)},
	},
	{
		profile: fakeindex.ProfileNexus, uploadPath: "/repository/pypi-hosted/", simplePath: "/repository/pypi-hosted/simple/",
		stored:        want{status: 200, body: new("")},
		again:         want{status: 400, has: "Repository does not allow updating assets: pypi-hosted"},
		conflict:      want{status: 400, has: "Repository does not allow updating assets: pypi-hosted"},
		badToken:      want{status: 401, has: "Error 401"},
		anonymousRead: want{status: 200, has: mv24Name},
	},
	{
		profile: fakeindex.ProfileArtifactory, uploadPath: "/artifactory/api/pypi/pypi-local", simplePath: "/artifactory/api/pypi/pypi-local/simple/",
		stored:        want{status: 200, body: new("")},
		again:         want{status: 403, has: `"message" : "Not enough permissions to delete/overwrite artifact 'pypi-local:pyupload-mv24/2.4/` + mv24Name + `' (user: '__token__' needs DELETE permission)."`},
		conflict:      want{status: 403, has: "overwrite artifact 'pypi-local:"},
		badToken:      want{status: 401, has: `"message" : "Bad credentials"`},
		anonymousRead: want{status: 200, has: mv24Name},
	},
	{
		profile: fakeindex.ProfilePypiserver, uploadPath: "/", simplePath: "/simple/",
		stored:        want{status: 200, body: new("")},
		again:         want{status: 409, has: "<pre>Package &#039;" + mv24Name + "&#039; already exists!\n  You may start server with `--overwrite` option.</pre>"},
		conflict:      want{status: 409, has: "already exists!"},
		badToken:      want{status: 403, has: "Error: 403 Forbidden"},
		anonymousRead: want{status: 200, has: mv24Name},
	},
	{
		profile: fakeindex.ProfileDevpi, uploadPath: "/root/dev/", simplePath: "/root/dev/+simple/",
		stored:        want{status: 200, body: new("")},
		again:         want{status: 200, has: "200 Upload of identical file to non volatile index."},
		conflict:      want{status: 409, has: "409 " + mv24Name + " already exists in non-volatile index"},
		badToken:      want{status: 401, has: "401 Unauthorized"},
		anonymousRead: want{status: 200, has: mv24Name},
	},
}

// newProfileIndex serves a fresh index with the profile and options.
func newProfileIndex(t *testing.T, p fakeindex.Profile, opts ...fakeindex.Option) (*fakeindex.Index, *httptest.Server) {
	t.Helper()
	return newIndex(t, append([]fakeindex.Option{fakeindex.WithProfile(p)}, opts...)...)
}

// uploadAt posts f to the profile's upload endpoint without Accept, as
// twine does.
func uploadAt(t *testing.T, ix *fakeindex.Index, srv *httptest.Server, f form, opts ...reqOpt) result {
	t.Helper()
	return upload(t, srv, f, append([]reqOpt{withPath(ix.UploadPath()), withHeader("Accept", "")}, opts...)...)
}

var withToken = withHeader("Authorization", basicAuth("__token__", fakeindex.DefaultToken))

func TestProfileUploads(t *testing.T) {
	t.Parallel()
	for _, tt := range profileTests {
		t.Run(string(tt.profile), func(t *testing.T) {
			t.Parallel()
			ix, srv := newProfileIndex(t, tt.profile)
			if ix.UploadPath() != tt.uploadPath || ix.SimplePath() != tt.simplePath {
				t.Errorf("UploadPath(), SimplePath() = %q, %q, want %q, %q", ix.UploadPath(), ix.SimplePath(), tt.uploadPath, tt.simplePath)
			}
			f, _ := distForm(t, mv24)
			tt.stored.check(t, "first upload", uploadAt(t, ix, srv, f))
			tt.again.check(t, "identical re-upload", uploadAt(t, ix, srv, f))
			if files := ix.Files(); len(files) != 1 || ix.UploadAttempts() != 2 {
				t.Errorf("Files() has %d files after %d attempts, want 1 after 2", len(files), ix.UploadAttempts())
			}
		})
	}
}

func TestProfileConflict(t *testing.T) {
	t.Parallel()
	for _, tt := range profileTests {
		t.Run(string(tt.profile), func(t *testing.T) {
			t.Parallel()
			ix, srv := newProfileIndex(t, tt.profile)
			if err := ix.Preload("pyupload-mv24", "2.4", mv24Name, []byte("earlier bytes")); err != nil {
				t.Fatal(err)
			}
			f, _ := distForm(t, mv24)
			tt.conflict.check(t, "upload over other bytes", uploadAt(t, ix, srv, f))
			if got, _ := ix.Content(mv24Name); string(got) != "earlier bytes" {
				t.Errorf("Content() = %q, want the preloaded bytes kept", got)
			}
		})
	}
}

func TestProfileBadToken(t *testing.T) {
	t.Parallel()
	for _, tt := range profileTests {
		t.Run(string(tt.profile), func(t *testing.T) {
			t.Parallel()
			ix, srv := newProfileIndex(t, tt.profile)
			f, _ := distForm(t, mv24)
			tt.badToken.check(t, "upload with a wrong token", uploadAt(t, ix, srv, f, withHeader("Authorization", basicAuth("__token__", "wrong"))))
			if files := ix.Files(); len(files) != 0 {
				t.Errorf("Files() = %v, want none", files)
			}
		})
	}
}

// hrefRE finds the links of a simple page.
var hrefRE = regexp.MustCompile(`<a href="([^"]*)"[^>]*>([^<]*)</a>`)

// linkTo returns the absolute URL of filename's link on the page at
// pageURL, or "".
func linkTo(t *testing.T, pageURL, page, filename string) string {
	t.Helper()
	for _, m := range hrefRE.FindAllStringSubmatch(page, -1) {
		if m[2] != filename {
			continue
		}
		base, _ := url.Parse(pageURL)
		ref, err := url.Parse(html.UnescapeString(m[1]))
		if err != nil {
			t.Fatalf("link %q: %v", m[1], err)
		}
		return base.ResolveReference(ref).String()
	}
	return ""
}

// TestProfileReadAPI reads the simple page anonymously and with the
// upload credentials, then follows the file's link to the stored bytes.
func TestProfileReadAPI(t *testing.T) {
	t.Parallel()
	for _, tt := range profileTests {
		t.Run(string(tt.profile), func(t *testing.T) {
			t.Parallel()
			ix, srv := newProfileIndex(t, tt.profile)
			f, content := distForm(t, mv24)
			uploadAt(t, ix, srv, f)
			page := ix.SimplePath() + "pyupload-mv24/"
			tt.anonymousRead.check(t, "anonymous read", get(t, srv, page))
			res := get(t, srv, page, withToken)
			link := linkTo(t, srv.URL+page, res.body, mv24Name)
			if res.status != http.StatusOK || !strings.HasSuffix(link, "#sha256="+sha256Hex(content)) {
				t.Fatalf("GET %s = %d, link %q, want 200 and a link with #sha256=", page, res.status, link)
			}
			file := get(t, srv, strings.TrimPrefix(strings.TrimSuffix(link, "#sha256="+sha256Hex(content)), srv.URL), withToken)
			if file.status != http.StatusOK || file.body != string(content) {
				t.Errorf("GET %s = %d with %d bytes, want 200 and the %d bytes uploaded", link, file.status, len(file.body), len(content))
			}
		})
	}
}

func TestWithoutReadAPI(t *testing.T) {
	t.Parallel()
	for _, tt := range profileTests {
		t.Run(string(tt.profile), func(t *testing.T) {
			t.Parallel()
			ix, srv := newProfileIndex(t, tt.profile, fakeindex.WithoutReadAPI())
			f, _ := distForm(t, mv24)
			tt.stored.check(t, "upload", uploadAt(t, ix, srv, f))
			if ix.SimplePath() != "" {
				t.Errorf("SimplePath() = %q, want \"\"", ix.SimplePath())
			}
			for _, p := range []string{tt.simplePath + "pyupload-mv24/", "/pypi/pyupload-mv24/json", "/files/" + mv24Name, "/packages/" + mv24Name} {
				if res := get(t, srv, p, withToken); res.status != http.StatusNotFound {
					t.Errorf("GET %s = %d, want 404", p, res.status)
				}
			}
		})
	}
}

func TestReleasePage(t *testing.T) {
	t.Parallel()
	for _, tt := range profileTests {
		t.Run(string(tt.profile), func(t *testing.T) {
			t.Parallel()
			ix, srv := newProfileIndex(t, tt.profile)
			page := ix.ReleasePage("PyUpload_MV24", "2.4")
			if page != tt.releasePage {
				t.Fatalf("ReleasePage() = %q, want %q", page, tt.releasePage)
			}
			if page == "" {
				return // the registry has no page a client can derive
			}
			if res := get(t, srv, page); res.status != http.StatusNotFound {
				t.Errorf("GET %s before the upload = %d, want 404", page, res.status)
			}
			f, _ := distForm(t, mv24)
			uploadAt(t, ix, srv, f)
			res := get(t, srv, page)
			if res.status != http.StatusOK || !strings.Contains(res.body, mv24Name) || !strings.HasPrefix(res.header.Get("Content-Type"), "text/html") {
				t.Errorf("GET %s = %d %q, want 200 and an HTML page naming the file", page, res.status, res.body)
			}
		})
	}
}

// TestGiteaHostRootSimple: Gitea serves a user's web page at the host
// root's /simple/<name>/, which a client must not take for an index.
func TestGiteaHostRootSimple(t *testing.T) {
	t.Parallel()
	ix, srv := newProfileIndex(t, fakeindex.ProfileGitea)
	f, content := distForm(t, mv24)
	uploadAt(t, ix, srv, f)
	for _, p := range []string{"/simple/pyupload-mv24/", "/simple/pyupload-mv24", "/simple/"} {
		res := get(t, srv, p, withToken)
		if res.status != http.StatusOK || !strings.Contains(res.body, "Gitea") || !strings.Contains(res.body, `href="/explore/repos"`) ||
			strings.Contains(res.body, mv24Name) || strings.Contains(res.body, sha256Hex(content)) {
			t.Errorf("GET %s = %d %q, want 200 and Gitea's user page", p, res.status, res.body)
		}
	}
}

func TestProfileNames(t *testing.T) {
	t.Parallel()
	want := []string{"artifactory", "devpi", "gitea", "gitlab", "nexus", "pypi", "pypiserver"}
	if diff := cmp.Diff(want, fakeindex.ProfileNames()); diff != "" {
		t.Errorf("ProfileNames() mismatch (-want +got):\n%s", diff)
	}
	for _, name := range want {
		if p, err := fakeindex.ParseProfile(name); err != nil || string(p) != name {
			t.Errorf("ParseProfile(%q) = %q, %v, want %q, nil", name, p, err, name)
		}
	}
	if _, err := fakeindex.ParseProfile("warehouse"); err == nil || !strings.Contains(err.Error(), "pypiserver") {
		t.Errorf("ParseProfile(%q) = %v, want an error listing the profiles", "warehouse", err)
	}
}

// TestUnknownProfile: New does not panic, and every request fails with
// the name, so a test with a typo fails at once.
func TestUnknownProfile(t *testing.T) {
	t.Parallel()
	ix, srv := newProfileIndex(t, "warehouse")
	if ix.UploadPath() != "" || ix.ReleasePage("a", "1") != "" {
		t.Errorf("UploadPath(), ReleasePage() = %q, %q, want empty", ix.UploadPath(), ix.ReleasePage("a", "1"))
	}
	f, _ := distForm(t, mv24)
	for _, res := range []result{get(t, srv, "/simple/"), upload(t, srv, f)} {
		if res.status != http.StatusInternalServerError || !strings.Contains(res.body, `unknown profile "warehouse"`) {
			t.Errorf("answer = %d %q, want 500 naming the profile", res.status, res.body)
		}
	}
}

func TestWithReadAuth(t *testing.T) {
	t.Parallel()
	tests := []struct {
		profile  fakeindex.Profile
		required bool
		want     want
		realm    string
	}{
		{fakeindex.ProfileGitea, false, want{status: 200, has: mv24Name}, ""},
		{fakeindex.ProfileGitLab, false, want{status: 200, has: mv24Name}, ""},
		{fakeindex.ProfileNexus, true, want{status: 401, has: "Error 401"}, `BASIC realm="Sonatype Nexus Repository Manager"`},
		{fakeindex.ProfileArtifactory, true, want{status: 401, has: `"message" : "Authentication is required"`}, `Basic realm="Artifactory Realm"`},
		{fakeindex.ProfilePypiserver, true, want{status: 401, has: "Error: 401 Unauthorized"}, `Basic realm="pypi"`},
		{fakeindex.ProfileDevpi, true, want{status: 401, has: "401 Unauthorized"}, `Basic realm="pypi"`},
		{fakeindex.ProfilePyPI, true, want{status: 401, has: "401 Unauthorized"}, `Basic realm="pypi"`},
	}
	for _, tt := range tests {
		t.Run(string(tt.profile), func(t *testing.T) {
			t.Parallel()
			ix, srv := newProfileIndex(t, tt.profile, fakeindex.WithReadAuth(tt.required))
			f, _ := distForm(t, mv24)
			uploadAt(t, ix, srv, f)
			res := get(t, srv, ix.SimplePath()+"pyupload-mv24/")
			tt.want.check(t, "anonymous read", res)
			if got := res.header.Get("WWW-Authenticate"); got != tt.realm {
				t.Errorf("WWW-Authenticate = %q, want %q", got, tt.realm)
			}
		})
	}
}

// TestProfileFaults: faults apply at every profile's endpoint, and the
// registry words the failure.
func TestProfileFaults(t *testing.T) {
	t.Parallel()
	ix, srv := newProfileIndex(t, fakeindex.ProfileGitea)
	ix.FailUploads(1, http.StatusServiceUnavailable)
	ix.ResetUploadsAfterStore(1)
	f, _ := distForm(t, mv24)
	want{status: 503, body: new("Service Unavailable")}.check(t, "failed upload", uploadAt(t, ix, srv, f))
	if _, err := tryUpload(t.Context(), srv, f, withPath(ix.UploadPath()+"/")); err == nil {
		t.Errorf("upload after ResetUploadsAfterStore succeeded, want a reset")
	}
	if files := ix.Files(); len(files) != 1 || ix.UploadAttempts() != 2 {
		t.Errorf("Files() has %d files after %d attempts, want 1 after 2", len(files), ix.UploadAttempts())
	}
	ix.RateLimitUploads(1, 2*time.Second)
	res := uploadAt(t, ix, srv, f)
	if res.status != http.StatusTooManyRequests || res.header.Get("Retry-After") != "2" || res.body != "Too many requests" {
		t.Errorf("rate-limited upload = %d %q (Retry-After %q), want 429 with Retry-After 2", res.status, res.body, res.header.Get("Retry-After"))
	}
}

// TestProfileSpecifics covers answers one registry alone gives.
func TestProfileSpecifics(t *testing.T) {
	t.Parallel()
	f, _ := distForm(t, mv24)
	t.Run("gitea takes any username with a token", func(t *testing.T) {
		t.Parallel()
		ix, srv := newProfileIndex(t, fakeindex.ProfileGitea)
		res := uploadAt(t, ix, srv, f, withHeader("Authorization", basicAuth("alice", fakeindex.DefaultToken)))
		want{status: 201}.check(t, "upload as alice", res)
	})
	t.Run("pypiserver answers twine with 400", func(t *testing.T) {
		t.Parallel()
		ix, srv := newProfileIndex(t, fakeindex.ProfilePypiserver)
		uploadAt(t, ix, srv, f)
		res := uploadAt(t, ix, srv, f, withHeader("User-Agent", "twine/6.2.0 CPython/3.13"))
		want{status: 400, has: "Error: 400 Bad Request"}.check(t, "re-upload by twine", res)
	})
	t.Run("pypiserver sends unknown projects to pypi.org", func(t *testing.T) {
		t.Parallel()
		_, srv := newProfileIndex(t, fakeindex.ProfilePypiserver)
		res := get(t, srv, "/simple/pyupload-mv24/")
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "https://pypi.org/simple/pyupload-mv24/" {
			t.Errorf("GET = %d to %q, want 303 to pypi.org", res.status, res.header.Get("Location"))
		}
	})
	t.Run("devpi answers PEP 691 when asked", func(t *testing.T) {
		t.Parallel()
		ix, srv := newProfileIndex(t, fakeindex.ProfileDevpi)
		uploadAt(t, ix, srv, f)
		res := get(t, srv, "/root/dev/+simple/pyupload-mv24/", withHeader("Accept", "application/vnd.pypi.simple.v1+json"))
		doc := decodeJSON(t, res.body)
		files, _ := doc["files"].([]any)
		if res.header.Get("Content-Type") != "application/vnd.pypi.simple.v1+json" || len(files) != 1 {
			t.Errorf("GET = %q %q, want one file in PEP 691 JSON", res.header.Get("Content-Type"), res.body)
		}
	})
	t.Run("other actions are refused, not answered with a page", func(t *testing.T) {
		t.Parallel()
		ix, srv := newProfileIndex(t, fakeindex.ProfileNexus)
		res := uploadAt(t, ix, srv, f.set(":action", "submit"))
		want{status: 400, has: "Unsupported &#39;:action&#39; field: submit"}.check(t, "submit", res)
	})
	t.Run("upload paths with and without a slash count as attempts", func(t *testing.T) {
		t.Parallel()
		ix, srv := newProfileIndex(t, fakeindex.ProfileArtifactory)
		for _, p := range []string{"/artifactory/api/pypi/pypi-local", "/artifactory/api/pypi/pypi-local/"} {
			upload(t, srv, f, withPath(p))
		}
		if got := ix.UploadAttempts(); got != 2 || !slices.ContainsFunc(ix.Files(), func(fl fakeindex.File) bool { return fl.Filename == filepath.Base(mv24) }) {
			t.Errorf("UploadAttempts() = %d, Files() = %v, want 2 and the file", got, ix.Files())
		}
	})
}
