package upload

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/pyupload/pyupload/pkg/dist"
)

// stubRegistry is a registry that is not PyPI, reduced to what decides a
// re-run: where it lists files (an HTML simple page under the upload
// path, or nowhere), how it says "already exists", and an answer that can
// be lost after the file is stored. internal/fakeindex's registry
// profiles are the full versions, driven through the binary.
type stubRegistry struct {
	dupStatus int
	dupBody   string
	readAPI   bool

	mu         sync.Mutex
	files      map[string]string // filename → sha256
	posts      int
	loseNext   int // answers to drop after storing
	failNext   int // POSTs to answer with failStatus without storing
	failStatus int
	staleReads int // simple pages served empty, as a stale cache would
}

func (s *stubRegistry) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/api/packages/o/pypi":
		s.upload(w, r)
	case r.Method == http.MethodGet && s.readAPI && strings.HasPrefix(r.URL.Path, "/api/packages/o/pypi/simple/"):
		s.mu.Lock()
		defer s.mu.Unlock()
		w.Header().Set("Content-Type", "text/html")
		_, _ = fmt.Fprintln(w, `<meta name="pypi:repository-version" content="1.0">`)
		if s.staleReads > 0 {
			s.staleReads--
			return
		}
		for name, sha := range s.files {
			_, _ = fmt.Fprintf(w, "<a href=\"/files/%s#sha256=%s\">%s</a><br>\n", name, sha, name)
		}
	default:
		http.NotFound(w, r)
	}
}

func (s *stubRegistry) upload(w http.ResponseWriter, r *http.Request) {
	f, fh, err := r.FormFile("content")
	if err != nil {
		http.Error(w, "no content", http.StatusBadRequest)
		return
	}
	h := sha256.New()
	_, _ = io.Copy(h, f)
	s.mu.Lock()
	s.posts++
	if s.failNext > 0 {
		s.failNext--
		s.mu.Unlock()
		http.Error(w, "try again", s.failStatus)
		return
	}
	if _, ok := s.files[fh.Filename]; ok {
		s.mu.Unlock()
		http.Error(w, s.dupBody, s.dupStatus)
		return
	}
	s.files[fh.Filename] = hex.EncodeToString(h.Sum(nil))
	lose := s.loseNext > 0
	s.loseNext--
	s.mu.Unlock()
	if lose {
		conn, _, _ := http.NewResponseController(w).Hijack()
		_ = conn.Close()
		return
	}
	w.WriteHeader(http.StatusCreated)
}

// registryStyles are the "already exists" answers twine's skip_upload
// knows, one per registry family.
var registryStyles = []struct {
	name   string
	status int
	body   string
}{
	{"Gitea", http.StatusConflict, "package file already exists"},
	{"PyPI", http.StatusBadRequest, "File already exists ('x.whl', with blake2_256 hash 'ab')."},
	{"Nexus", http.StatusBadRequest, "Repository does not allow updating assets: pypi-hosted"},
	{"Artifactory", http.StatusForbidden, "Not enough permissions to delete/overwrite artifact 'pypi-local:x.whl'"},
	{"GitLab", http.StatusBadRequest, `{"message":"400 Bad request - Validation failed: File name has already been taken"}`},
}

const (
	wheelName = "pyupload_mv22-2.2-py3-none-any.whl"
	sdistName = "pyupload_mv22-2.2.tar.gz"
)

func serveStub(t *testing.T, s *stubRegistry) string {
	t.Helper()
	s.files = map[string]string{}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv.URL + "/api/packages/o/pypi"
}

func uploadTo(t *testing.T, endpoint string, names []string, opts ...Option) ([]Result, error) {
	t.Helper()
	up, err := New(http.DefaultClient, mustURL(t, endpoint), append([]Option{WithCredentials(creds), WithBackoff(noBackoff)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return up.Upload(t.Context(), goodDists(t, names...))
}

// TestReRunFinishesARelease: after a run stopped half-way, the same
// command completes the release on every registry style, with a read API
// and, with --skip-existing, without one.
func TestReRunFinishesARelease(t *testing.T) {
	t.Parallel()
	for _, style := range registryStyles {
		for _, readAPI := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/readAPI=%v", style.name, readAPI), func(t *testing.T) {
				t.Parallel()
				s := &stubRegistry{dupStatus: style.status, dupBody: style.body, readAPI: readAPI}
				endpoint := serveStub(t, s)
				if _, err := uploadTo(t, endpoint, []string{wheelName}); err != nil {
					t.Fatal(err)
				}
				var opts []Option
				if !readAPI {
					opts = append(opts, WithSkipExisting())
				}
				res, err := uploadTo(t, endpoint, []string{wheelName, sdistName}, opts...)
				if err != nil {
					t.Fatalf("re-run: %v", err)
				}
				want := map[bool]Status{true: AlreadyPresent, false: Skipped}[readAPI]
				if res[0].Status != want || res[1].Status != Uploaded {
					t.Errorf("re-run: %v, %v; want %v, uploaded", res[0].Status, res[1].Status, want)
				}
				if len(s.files) != 2 {
					t.Errorf("the index holds %d files, want 2", len(s.files))
				}
			})
		}
	}
}

// TestDuplicateWithoutReadAPI: the index's word alone is an error without
// --skip-existing, and it does not stop the rest of the release.
func TestDuplicateWithoutReadAPI(t *testing.T) {
	t.Parallel()
	for _, style := range registryStyles {
		t.Run(style.name, func(t *testing.T) {
			t.Parallel()
			s := &stubRegistry{dupStatus: style.status, dupBody: style.body}
			endpoint := serveStub(t, s)
			if _, err := uploadTo(t, endpoint, []string{wheelName}); err != nil {
				t.Fatal(err)
			}
			res, err := uploadTo(t, endpoint, []string{wheelName, sdistName})
			ce, ok := errors.AsType[*ConflictError](err)
			if !ok || !ce.Unverified || !errors.Is(err, ErrFileExists) {
				t.Fatalf("re-run error = %v; want an unverified ConflictError", err)
			}
			if res[0].Status != Failed || !res[0].IndexHasName() || res[1].Status != Uploaded {
				t.Errorf("re-run: %v (index has name: %v), %v; want failed but on the index by name, then uploaded", res[0].Status, res[0].IndexHasName(), res[1].Status)
			}
		})
	}
}

// TestLostAnswerThenDuplicate: the index stored the file but its answer
// was lost; without a read API, the duplicate answer to the retry proves
// the first attempt arrived.
func TestLostAnswerThenDuplicate(t *testing.T) {
	t.Parallel()
	for _, style := range registryStyles {
		t.Run(style.name, func(t *testing.T) {
			t.Parallel()
			s := &stubRegistry{dupStatus: style.status, dupBody: style.body, loseNext: 1}
			endpoint := serveStub(t, s)
			res, err := uploadTo(t, endpoint, []string{wheelName})
			if err != nil || res[0].Status != Uploaded || res[0].Evidence != LostAnswerDuplicate || res[0].Attempts != 2 {
				t.Fatalf("Upload = %v (%v) after %d attempts, %v; want uploaded, confirmed by the duplicate answer", res[0].Status, res[0].Evidence, res[0].Attempts, err)
			}
		})
	}
}

// TestLostAnswerReadAPI: with a read API, the lookup after the lost answer
// finds the file and nothing is sent again.
func TestLostAnswerReadAPI(t *testing.T) {
	t.Parallel()
	s := &stubRegistry{dupStatus: http.StatusConflict, readAPI: true, loseNext: 1}
	endpoint := serveStub(t, s)
	res, err := uploadTo(t, endpoint, []string{wheelName})
	if err != nil || res[0].Status != Uploaded || res[0].Evidence != ReadAPI || s.posts != 1 {
		t.Fatalf("Upload = %v (%v), %v after %d POSTs; want uploaded, confirmed by the read API, one POST", res[0].Status, res[0].Evidence, err, s.posts)
	}
}

// TestConflictingFile: other bytes under the same name stop the batch
// before any upload, or, with --skip-existing, are skipped with both
// hashes known while the rest is uploaded.
func TestConflictingFile(t *testing.T) {
	t.Parallel()
	other := strings.Repeat("0", 64)
	for _, skip := range []bool{false, true} {
		t.Run(fmt.Sprint("skip=", skip), func(t *testing.T) {
			t.Parallel()
			s := &stubRegistry{dupStatus: http.StatusConflict, readAPI: true}
			endpoint := serveStub(t, s)
			s.files[sdistName] = other
			var opts []Option
			if skip {
				opts = append(opts, WithSkipExisting())
			}
			var failedEvents int
			opts = append(opts, WithProgress(func(e Event) {
				if e.Done && e.Status == Failed {
					failedEvents++
				}
			}))
			res, err := uploadTo(t, endpoint, []string{wheelName, sdistName}, opts...)
			if !skip {
				if !errors.Is(err, ErrFileExists) || s.posts != 0 || failedEvents != 1 {
					t.Fatalf("Upload error = %v after %d POSTs, %d failed events; want a conflict before any upload, shown in progress", err, s.posts, failedEvents)
				}
				return
			}
			if err != nil || res[0].Status != Uploaded || res[1].Status != Skipped || res[1].RemoteSHA256 != other {
				t.Fatalf("Upload = %v, %v (remote %q), %v; want uploaded, skipped with the index's hash", res[0].Status, res[1].Status, res[1].RemoteSHA256, err)
			}
			if !errors.Is(res[1].Err, ErrFileExists) {
				t.Errorf("the skipped file's conflict is not kept: %v", res[1].Err)
			}
		})
	}
}

// TestNotADuplicate: texts that merely look alike are not "already exists".
func TestNotADuplicate(t *testing.T) {
	tests := []struct {
		status int
		body   string
		want   bool
	}{
		{http.StatusConflict, "", true},
		{http.StatusBadRequest, "File already exists", true},
		{http.StatusBadRequest, "Invalid value for blake2_256_digest", false},
		{http.StatusForbidden, "Invalid or non-existent authentication information.", false},
		{http.StatusForbidden, "Not enough permissions to delete/overwrite artifact", true},
		{http.StatusUnauthorized, "already exists", false},
	}
	for _, tt := range tests {
		if got := (&HTTPError{StatusCode: tt.status, body: tt.body}).duplicate(); got != tt.want {
			t.Errorf("%d %q: duplicate() = %v, want %v", tt.status, tt.body, got, tt.want)
		}
	}
}

// TestGatewayErrorThenDuplicate: only a gateway's 502 or 504 leaves the
// upload's fate open; after the index's own 503 a duplicate answer is
// someone else's file, not proof that this run stored it.
func TestGatewayErrorThenDuplicate(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		status int
		want   Status
	}{{http.StatusBadGateway, Uploaded}, {http.StatusGatewayTimeout, Uploaded}, {http.StatusServiceUnavailable, Failed}, {http.StatusInternalServerError, Failed}} {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			t.Parallel()
			s := &stubRegistry{dupStatus: http.StatusConflict, failNext: 1, failStatus: tt.status}
			endpoint := serveStub(t, s)
			s.files[wheelName] = strings.Repeat("1", 64) // an earlier run's file, bytes unknown
			res, _ := uploadTo(t, endpoint, []string{wheelName})
			if res[0].Status != tt.want {
				t.Errorf("after %d then 409: %v (%v), want %v", tt.status, res[0].Status, res[0].Evidence, tt.want)
			}
			if res[0].Status == Uploaded && (res[0].Evidence != LostAnswerDuplicate || res[0].Verified()) {
				t.Errorf("an inference is reported as %v, verified %v", res[0].Evidence, res[0].Verified())
			}
		})
	}
}

// TestDuplicateAfterAStaleLookup: the read API's first answer was stale;
// after the index's duplicate answer it decides by the same table as
// before an upload: identical is already present, other bytes stop the
// batch (or are skipped).
func TestDuplicateAfterAStaleLookup(t *testing.T) {
	t.Parallel()
	other := strings.Repeat("0", 64)
	tests := []struct {
		name      string
		preloaded string // the index's sha256 for the wheel; "" means the wheel's own
		skip      bool
		wheel     Status
		sdist     Status
	}{
		{"identical", "", false, AlreadyPresent, Uploaded},
		{"other bytes stop the batch", other, false, Failed, NotAttempted},
		{"other bytes skipped", other, true, Skipped, Uploaded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := &stubRegistry{dupStatus: http.StatusConflict, readAPI: true, staleReads: 1}
			endpoint := serveStub(t, s)
			s.files[wheelName] = tt.preloaded
			if tt.preloaded == "" {
				s.files[wheelName] = openDist(t, wheelName).SHA256
			}
			opts := []Option{WithJobs(1)}
			if tt.skip {
				opts = append(opts, WithSkipExisting())
			}
			res, _ := uploadTo(t, endpoint, []string{wheelName, sdistName}, opts...)
			if res[0].Status != tt.wheel || res[1].Status != tt.sdist || res[0].Evidence != ReadAPI {
				t.Errorf("wheel %v (%v), sdist %v; want %v, %v", res[0].Status, res[0].Evidence, res[1].Status, tt.wheel, tt.sdist)
			}
		})
	}
}

// TestHostRootIndexNeverProvesAConflict: the host's /simple/ may be
// another index than the upload's; what it lists cannot stop an upload.
func TestHostRootIndexNeverProvesAConflict(t *testing.T) {
	t.Parallel()
	var posts int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/private/":
			posts++
			w.WriteHeader(http.StatusCreated)
		case r.URL.Path == "/simple/pyupload-mv22/":
			_, _ = fmt.Fprintf(w, `<a href="%s#sha256=%s">%s</a>`, wheelName, strings.Repeat("0", 64), wheelName)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	res, err := uploadTo(t, srv.URL+"/private/", []string{wheelName})
	if err != nil || res[0].Status != Uploaded || posts != 1 {
		t.Fatalf("Upload = %v, %v after %d POSTs; want uploaded", res[0].Status, err, posts)
	}
}

// TestSameBytesUnderAnotherName: PyPI takes no file's bytes twice; the
// file is not on the index under its own name, skipped or not.
func TestSameBytesUnderAnotherName(t *testing.T) {
	t.Parallel()
	for _, skip := range []bool{false, true} {
		t.Run(fmt.Sprint("skip=", skip), func(t *testing.T) {
			t.Parallel()
			ix, srv := serveIndex(t)
			content, err := os.ReadFile(goodDir + wheelName)
			if err != nil {
				t.Fatal(err)
			}
			renamed := "pyupload_mv22-2.2-py2.py3-none-any.whl"
			if err := ix.Preload("pyupload-mv22", "2.2", renamed, content); err != nil {
				t.Fatal(err)
			}
			var opts []Option
			if skip {
				opts = append(opts, WithSkipExisting())
			}
			res, err := uploadTo(t, srv.URL+"/legacy/", []string{wheelName}, opts...)
			want := map[bool]Status{false: Failed, true: Skipped}[skip]
			if res[0].Status != want || res[0].OtherFilename != renamed || res[0].IndexHasName() || (err == nil) == !skip {
				t.Errorf("Upload = %v (other %q, index has name %v), %v; want %v naming %s", res[0].Status, res[0].OtherFilename, res[0].IndexHasName(), err, want, renamed)
			}
		})
	}
}

// TestOneReleaseWhateverTheVersionSpelling: 1.0 and 1.0.0 are one release
// on the index, so they are looked up once and created once.
func TestOneReleaseWhateverTheVersionSpelling(t *testing.T) {
	d := func(name, version string) *dist.Dist {
		return &dist.Dist{Metadata: &dist.Metadata{Name: name, Version: version}}
	}
	all, of := groupReleases([]*dist.Dist{d("Pkg", "1.0"), d("pkg", "1.0.0"), d("pkg", "1.0.post1"), d("other", "1.0"), d("pkg", "not a version"), d("pkg", "not a version")})
	if len(all) != 4 || of[0] != of[1] || of[4] != of[5] || of[0] == of[2] || of[0] == of[3] {
		t.Errorf("groupReleases made %d releases: %v", len(all), of)
	}
}
