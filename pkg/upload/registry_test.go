package upload

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
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

	mu       sync.Mutex
	files    map[string]string // filename → sha256
	posts    int
	loseNext int // answers to drop after storing
}

func (s *stubRegistry) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/api/packages/o/pypi":
		s.upload(w, r)
	case r.Method == http.MethodGet && s.readAPI && strings.HasPrefix(r.URL.Path, "/api/packages/o/pypi/simple/"):
		s.mu.Lock()
		defer s.mu.Unlock()
		w.Header().Set("Content-Type", "text/html")
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
			res, err := uploadTo(t, endpoint, []string{wheelName, sdistName}, opts...)
			if !skip {
				if !errors.Is(err, ErrFileExists) || s.posts != 0 {
					t.Fatalf("Upload error = %v after %d POSTs; want a conflict before any upload", err, s.posts)
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
