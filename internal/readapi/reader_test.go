package readapi_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pyupload/pyupload/internal/readapi"
)

// giteaLike serves a private owner's simple page under the upload path
// (credentials required) and a user's web page at the host's /simple/.
type giteaLike struct {
	mu    sync.Mutex
	auths map[string]string // path → Authorization header seen
}

func (g *giteaLike) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	g.auths[r.URL.Path] = r.Header.Get("Authorization")
	g.mu.Unlock()
	switch r.URL.Path {
	case "/api/packages/o/pypi/simple/pkg/":
		if user, pass, ok := r.BasicAuth(); !ok || user != "me" || pass != "secret" {
			http.Error(w, "Unauthorized", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		_, _ = fmt.Fprintf(w, `<html><body><a href="/api/packages/o/pypi/files/pkg/1.0/pkg-1.0.tar.gz#sha256=%s">pkg-1.0.tar.gz</a>`+
			`<a href="/api/packages/o/pypi/files/pkg/0.9/pkg-0.9.tar.gz#sha256=%s">pkg-0.9.tar.gz</a></body></html>`, shaA, shaB)
	case "/simple/pkg/":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = fmt.Fprint(w, `<html><body><a href="/">Home</a><a href="/explore">Explore</a></body></html>`)
	default:
		http.NotFound(w, r)
	}
}

// query asks about pkg 1.0: its sdist, and bytes the tests list as 0.9's.
var query = readapi.Query{Name: "pkg", Version: "1.0", Files: map[string]string{"pkg-1.0.tar.gz": shaA, "pkg-1.0-py3-none-any.whl": shaB}}

func newLogger(buf *bytes.Buffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func noRedirects() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func TestLookupSendsCredentialsOnlyToTheUploadOrigin(t *testing.T) {
	g := &giteaLike{auths: map[string]string{}}
	srv := httptest.NewServer(g)
	defer srv.Close()
	other := &giteaLike{auths: map[string]string{}}
	otherSrv := httptest.NewServer(other)
	defer otherSrv.Close()

	auth := func(context.Context) (string, string, error) { return "me", "secret", nil }
	var logs bytes.Buffer
	r := readapi.New(readapi.Config{Client: noRedirects(), Endpoint: mustURL(t, srv.URL+"/api/packages/o/pypi"), Auth: auth, Logger: newLogger(&logs)})
	l, err := r.Lookup(t.Context(), query)
	if err != nil || l == nil {
		t.Fatalf("Lookup = %v, %v; want a listing", l, err)
	}
	if diff := cmp.Diff(map[string]string{"pkg-1.0.tar.gz": shaA}, l.Files); diff != "" {
		t.Errorf("release files (-want +got):\n%s", diff)
	}
	if l.SameBytes[shaB] != "pkg-0.9.tar.gz" || l.ReleaseFiles != 1 || !l.Exists() {
		t.Errorf("same bytes = %v, release files = %d", l.SameBytes, l.ReleaseFiles)
	}

	// The same lookup pointed by --check-url at another host sends nothing.
	r = readapi.New(readapi.Config{Client: noRedirects(), Endpoint: mustURL(t, srv.URL+"/api/packages/o/pypi"),
		CheckURL: mustURL(t, otherSrv.URL+"/api/packages/o/pypi/simple/"), Auth: auth, Logger: newLogger(&logs)})
	if l, _ := r.Lookup(t.Context(), query); l != nil {
		t.Errorf("anonymous lookup of a private page = %+v, want nil", l)
	}
	if got := other.auths["/api/packages/o/pypi/simple/pkg/"]; got != "" {
		t.Errorf("credentials sent to another origin: %q", got)
	}
	if !strings.Contains(logs.String(), "401 Unauthorized: the index refuses this read") {
		t.Errorf("the 401 is not explained in the logs:\n%s", logs.String())
	}
}

func TestLookupSkipsPagesThatAreNotSimplePages(t *testing.T) {
	g := &giteaLike{auths: map[string]string{}}
	srv := httptest.NewServer(g)
	defer srv.Close()
	var logs bytes.Buffer
	// Anonymous: the private page answers 401, devpi's path 404, and the
	// host's /simple/pkg/ is a web page.
	r := readapi.New(readapi.Config{Client: noRedirects(), Endpoint: mustURL(t, srv.URL+"/api/packages/o/pypi"), Logger: newLogger(&logs)})
	l, err := r.Lookup(t.Context(), query)
	if err != nil || l != nil {
		t.Fatalf("Lookup = %+v, %v; want nil, nil (no source can tell)", l, err)
	}
	for _, want := range []string{
		"/api/packages/o/pypi/simple/pkg/ why=\"401 Unauthorized",
		"/api/packages/o/pypi/+simple/pkg/ why=\"404 Not Found: no such page\"",
		"/simple/pkg/ why=\"not a simple repository page: HTML with 2 links, none of them to a file\"",
	} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs lack %q:\n%s", want, logs.String())
		}
	}
}

func TestLookupRefusesAnswersOfTheWrongShape(t *testing.T) {
	tests := []struct {
		name, ctype, body, why string
	}{
		{"HTML where the JSON API should be", "text/html", "<html>hi</html>", "not a JSON API answer"},
		{"JSON that is not PyPI's", "application/json", `{"message":"ok"}`, "without PyPI's info and urls"},
		{"broken JSON", "application/json", `{"info":`, "decoding the JSON API answer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasPrefix(r.URL.Path, "/pypi/") {
					w.Header().Set("Content-Type", tt.ctype)
					_, _ = fmt.Fprint(w, tt.body)
					return
				}
				http.NotFound(w, r)
			}))
			defer srv.Close()
			var logs bytes.Buffer
			r := readapi.New(readapi.Config{Client: noRedirects(), Endpoint: mustURL(t, srv.URL+"/legacy/"), Logger: newLogger(&logs)})
			if l, _ := r.Lookup(t.Context(), query); l != nil {
				t.Fatalf("Lookup = %+v, want nil", l)
			}
			if !strings.Contains(logs.String(), tt.why) {
				t.Errorf("logs lack %q:\n%s", tt.why, logs.String())
			}
		})
	}
}

func TestSameOrigin(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"https://h.example/a", "https://H.example:443/b", true},
		{"http://h.example/", "http://h.example:80/", true},
		{"https://h.example/", "http://h.example/", false},
		{"https://h.example/", "https://h.example:8443/", false},
		{"https://upload.pypi.org/legacy/", "https://pypi.org/simple/", false},
	}
	for _, tt := range tests {
		if got := readapi.SameOrigin(mustURL(t, tt.a), mustURL(t, tt.b)); got != tt.want {
			t.Errorf("SameOrigin(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestLookupNeverFollowsRedirects: even with a client that follows
// redirects, a redirect after the credentials were sent is not followed
// (it could take them to another port or scheme of the same host).
func TestLookupNeverFollowsRedirects(t *testing.T) {
	var leaked atomic.Bool
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked.Store(r.Header.Get("Authorization") != "")
		http.NotFound(w, r)
	}))
	defer elsewhere.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		http.Redirect(w, r, elsewhere.URL+r.URL.Path, http.StatusFound)
	}))
	defer srv.Close()
	var logs bytes.Buffer
	auth := func(context.Context) (string, string, error) { return "__token__", "pypi-secret", nil }
	r := readapi.New(readapi.Config{Client: http.DefaultClient, Endpoint: mustURL(t, srv.URL+"/repo/"), Auth: auth, Logger: newLogger(&logs)})
	if l, _ := r.Lookup(t.Context(), query); l != nil || leaked.Load() {
		t.Fatalf("Lookup = %+v, credentials leaked: %v", l, leaked.Load())
	}
	if !strings.Contains(logs.String(), "302 Found: redirect to") {
		t.Errorf("the redirect is not explained:\n%s", logs.String())
	}
}

// TestLookupAsksWithCredentialsOnlyWhenThereAreSome: empty credentials
// are not a reason to ask again.
func TestLookupAsksWithCredentialsOnlyWhenThereAreSome(t *testing.T) {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		requests.Add(1)
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer srv.Close()
	auth := func(context.Context) (string, string, error) { return "", "", nil }
	r := readapi.New(readapi.Config{Client: noRedirects(), Endpoint: mustURL(t, srv.URL+"/repo/"), Auth: auth})
	if l, _ := r.Lookup(t.Context(), query); l != nil {
		t.Fatalf("Lookup = %+v, want nil", l)
	}
	if got, want := requests.Load(), int64(len(readapi.Candidates(mustURL(t, srv.URL+"/repo/"), nil))); got != want {
		t.Errorf("%d requests, want one per source (%d)", got, want)
	}
}

// TestLookupFileGoesOnPastAStaleAnswer: a page that does not list the
// file (a cached one) does not end the search for it.
func TestLookupFileGoesOnPastAStaleAnswer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		switch r.URL.Path {
		case "/repo/simple/pkg/":
			_, _ = fmt.Fprintf(w, `<a href="pkg-1.0.tar.gz#sha256=%s">pkg-1.0.tar.gz</a>`, shaA)
		case "/repo/+simple/pkg/":
			_, _ = fmt.Fprintf(w, `<a href="pkg-1.0.tar.gz#sha256=%s">pkg-1.0.tar.gz</a><a href="pkg-1.0-py3-none-any.whl#sha256=%s">pkg-1.0-py3-none-any.whl</a>`, shaA, shaB)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	r := readapi.New(readapi.Config{Client: noRedirects(), Endpoint: mustURL(t, srv.URL+"/repo/")})
	l, err := r.Lookup(t.Context(), readapi.Query{Name: "pkg", Version: "1.0", Files: map[string]string{"pkg-1.0-py3-none-any.whl": shaB}, Need: "pkg-1.0-py3-none-any.whl"})
	if err != nil || l == nil || l.Files["pkg-1.0-py3-none-any.whl"] != shaB {
		t.Fatalf("LookupFile = %+v, %v; want the page that lists the wheel", l, err)
	}
	l, _ = r.Lookup(t.Context(), readapi.Query{Name: "pkg", Version: "1.0", Files: map[string]string{"pkg-1.0-cp312-cp312-win_amd64.whl": shaB}, Need: "pkg-1.0-cp312-cp312-win_amd64.whl"})
	if l == nil || l.ReleaseFiles != 1 {
		t.Errorf("LookupFile of a file no page lists = %+v, want the first usable answer", l)
	}
}

// TestLookupRefusesAnswersPastTheCap: a page cut at the cap would look
// complete; it is refused instead.
func TestLookupRefusesAnswersPastTheCap(t *testing.T) {
	page := fmt.Sprintf(`{"meta": {"api-version": "1.0"}, "files": [{"filename": "pkg-1.0.tar.gz", "hashes": {"sha256": %q}}]`, shaA)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.pypi.simple.v1+json")
		_, _ = fmt.Fprint(w, page+strings.Repeat(" ", 100)+"}")
	}))
	defer srv.Close()
	var logs bytes.Buffer
	r := readapi.New(readapi.Config{Client: noRedirects(), Endpoint: mustURL(t, srv.URL+"/repo/"), Logger: newLogger(&logs)})
	readapi.SetMaxAnswer(r, int64(len(page)+101))
	if l, _ := r.Lookup(t.Context(), query); l == nil {
		t.Fatalf("an answer exactly at the cap was refused:\n%s", logs.String())
	}
	readapi.SetMaxAnswer(r, int64(len(page)))
	if l, _ := r.Lookup(t.Context(), query); l != nil || !strings.Contains(logs.String(), "answer larger than the read cap") {
		t.Errorf("an answer past the cap = %+v\n%s", l, logs.String())
	}
}

// TestLookupStopsWhenCancelled: cancellation is the one error.
func TestLookupStopsWhenCancelled(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	r := readapi.New(readapi.Config{Client: noRedirects(), Endpoint: mustURL(t, srv.URL+"/repo/")})
	if _, err := r.Lookup(ctx, query); !errors.Is(err, context.Canceled) {
		t.Errorf("Lookup after cancel: %v, want context.Canceled", err)
	}
}

// TestLookupAsksWarehouseInOneRound: a new release on PyPI's software has
// no JSON page yet, so its lookup needs the simple page too; both are
// asked at once (the server answers neither until both arrived), and the
// simple page's status completes the JSON API's answer.
func TestLookupAsksWarehouseInOneRound(t *testing.T) {
	t.Parallel()
	var arrived sync.WaitGroup
	arrived.Add(2)
	both := make(chan struct{})
	go func() { arrived.Wait(); close(both) }()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived.Done()
		select {
		case <-both:
		case <-time.After(5 * time.Second):
			http.Error(w, "asked one after the other", http.StatusTeapot)
			return
		}
		switch r.URL.Path {
		case "/pypi/pkg/1.0/json":
			w.Header().Set("Content-Type", "application/json")
			_, _ = fmt.Fprintf(w, `{"info":{"name":"pkg","version":"1.0"},"urls":[{"filename":"pkg-1.0.tar.gz","digests":{"sha256":%q}}]}`, shaA)
		case "/simple/pkg/":
			w.Header().Set("Content-Type", "application/vnd.pypi.simple.v1+json")
			_, _ = fmt.Fprint(w, `{"meta":{"api-version":"1.4"},"project-status":{"status":"archived"},"name":"pkg","files":[]}`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	r := readapi.New(readapi.Config{Client: noRedirects(), Endpoint: mustURL(t, srv.URL+"/legacy/")})
	q := query
	q.Status = true
	l, err := r.Lookup(t.Context(), q)
	if err != nil || l == nil {
		t.Fatalf("Lookup() = %v, %v; want a listing", l, err)
	}
	if l.Source.Kind != readapi.PyPIJSON || l.Files["pkg-1.0.tar.gz"] != shaA || l.Status != "archived" {
		t.Errorf("Lookup() = %+v; want the JSON API's files with the simple page's status", l)
	}
}
