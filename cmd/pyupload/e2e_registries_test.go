package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pyupload/pyupload/internal/fakeindex"
	"github.com/pyupload/pyupload/internal/ui"
)

// registry is a test index behaving like one registry, on loopback.
type registry struct {
	name     string
	ix       *fakeindex.Index
	base     string // the server's URL
	endpoint string // its upload URL
}

func startRegistry(t *testing.T, name string, opts ...fakeindex.Option) registry {
	t.Helper()
	p, err := fakeindex.ParseProfile(name)
	if err != nil {
		t.Fatal(err)
	}
	ix := fakeindex.New(append([]fakeindex.Option{fakeindex.WithProfile(p), fakeindex.WithTokens(testToken), fakeindex.WithStorageDir(t.TempDir())}, opts...)...)
	srv := httptest.NewServer(ix)
	t.Cleanup(func() { srv.Close(); _ = ix.Close() })
	return registry{name: name, ix: ix, base: srv.URL, endpoint: srv.URL + ix.UploadPath()}
}

// upload runs the binary against the registry with the usual credentials:
// a user's name and token, or PyPI's __token__.
func (r registry) upload(t *testing.T, args ...string) binaryRun {
	t.Helper()
	user := "someone"
	if r.name == "pypi" {
		user = "__token__"
	}
	return runBinary(t, []string{"TWINE_USERNAME=" + user, "TWINE_PASSWORD=" + testToken},
		append([]string{"--repository-url", r.endpoint, "--disable-progress-bar", "--verbose"}, args...)...)
}

// statusLines counts the report's lines starting with each status.
func statusLines(stdout string) map[string]int {
	n := map[string]int{}
	for line := range strings.SplitSeq(stdout, "\n") {
		for _, s := range []string{"uploaded", "already present", "skipped"} {
			if strings.HasPrefix(line, s+" ") {
				n[s]++
			}
		}
	}
	return n
}

// expectRun fails the test unless the run exited with code and its report
// counts the given statuses exactly.
func expectRun(t *testing.T, what string, r binaryRun, code int, want map[string]int) {
	t.Helper()
	got := statusLines(r.stdout)
	same := len(got) == len(want)
	for k, v := range want {
		same = same && got[k] == v
	}
	if r.code != code || !same {
		t.Fatalf("%s: exit %d with %v, want %d with %v\nstdout:\n%s\nstderr:\n%s", what, r.code, got, code, want, r.stdout, r.stderr)
	}
}

// TestE2ERegistries: on every registry profile, through the binary: the
// first upload, an identical re-run, a release finished by re-running
// with more files, a conflicting file with and without --skip-existing,
// and an answer lost after the index stored the file.
func TestE2ERegistries(t *testing.T) {
	t.Parallel()
	for _, name := range fakeindex.ProfileNames() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			reg := startRegistry(t, name)
			wheel, sdist := good+"pyupload_mv22-2.2-py3-none-any.whl", good+"pyupload_mv22-2.2.tar.gz"

			// A release half-published (one file of two), then the same
			// release with both: the re-run finishes it.
			expectRun(t, "first upload", reg.upload(t, wheel), ui.ExitOK, map[string]int{"uploaded": 1})
			posts := reg.ix.UploadAttempts()
			r := reg.upload(t, wheel, sdist)
			expectRun(t, "finishing the release", r, ui.ExitOK, map[string]int{"already present": 1, "uploaded": 1})
			if got := reg.ix.UploadAttempts() - posts; got != 1 {
				t.Errorf("finishing the release sent %d files, want only the missing one", got)
			}
			checkReleasePage(t, reg, r.stdout)

			// Identical re-run: nothing is sent.
			posts = reg.ix.UploadAttempts()
			expectRun(t, "identical re-run", reg.upload(t, wheel, sdist), ui.ExitOK, map[string]int{"already present": 2})
			if got := reg.ix.UploadAttempts() - posts; got != 0 {
				t.Errorf("identical re-run sent %d files, want none", got)
			}
			if len(reg.ix.Files()) != 2 {
				t.Errorf("the index holds %d files, want each exactly once", len(reg.ix.Files()))
			}
		})
	}
}

// checkReleasePage: a "View at" link is printed only where the registry has
// such a page, and it answers.
func checkReleasePage(t *testing.T, reg registry, stdout string) {
	t.Helper()
	page := reg.ix.ReleasePage("pyupload-mv22", "2.2")
	_, link, found := strings.Cut(stdout, "View at: ")
	link = strings.TrimSpace(link)
	switch {
	case page == "" && found:
		t.Errorf("a release link was made up for a registry without release pages: %s", link)
	case page != "" && link != reg.base+page:
		t.Errorf("release link = %q, want %q", link, reg.base+page)
	case page != "":
		resp, err := http.Get(link) //nolint:noctx // a test's one request to its own loopback server
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("release link %s answers %d", link, resp.StatusCode)
		}
	}
}

// TestE2ERegistryConflicts: other bytes under a file's name stop the run
// before any upload, or are skipped with both hashes under --skip-existing.
func TestE2ERegistryConflicts(t *testing.T) {
	t.Parallel()
	for _, name := range fakeindex.ProfileNames() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			reg := startRegistry(t, name)
			if err := reg.ix.Preload("pyupload-mv24", "2.4", "pyupload_mv24-2.4.tar.gz", []byte("a rebuilt, different sdist")); err != nil {
				t.Fatal(err)
			}
			wheel, sdist := good+"pyupload_mv24-2.4-py3-none-any.whl", good+"pyupload_mv24-2.4.tar.gz"
			r := reg.upload(t, wheel, sdist)
			expectRun(t, "conflict", r, ui.ExitFailure, map[string]int{})
			if reg.ix.UploadAttempts() != 0 || !strings.Contains(r.stderr, "different contents") {
				t.Errorf("conflict: %d uploads, stderr:\n%s\nwant an error before any upload", reg.ix.UploadAttempts(), r.stderr)
			}
			r = reg.upload(t, "--skip-existing", wheel, sdist)
			expectRun(t, "conflict with --skip-existing", r, ui.ExitOK, map[string]int{"uploaded": 1, "skipped": 1})
			if !strings.Contains(r.stderr, "holds different bytes under this name (index sha256 ") {
				t.Errorf("no loud warning naming both hashes:\n%s", r.stderr)
			}
		})
	}
}

// TestE2ERegistryLostAnswer: the index stored the file and the connection
// broke before its answer; with a read API the lookup confirms it, without
// one the index's duplicate answer to the retry does.
func TestE2ERegistryLostAnswer(t *testing.T) {
	t.Parallel()
	for _, name := range fakeindex.ProfileNames() {
		for _, readAPI := range []bool{true, false} {
			t.Run(name+map[bool]string{true: "", false: "/no-read-API"}[readAPI], func(t *testing.T) {
				t.Parallel()
				var opts []fakeindex.Option
				if !readAPI {
					opts = append(opts, fakeindex.WithoutReadAPI())
				}
				reg := startRegistry(t, name, opts...)
				reg.ix.ResetUploadsAfterStore(1)
				r := reg.upload(t, good+"pyupload_mv23-2.3-py3-none-any.whl")
				expectRun(t, "lost answer", r, ui.ExitOK, map[string]int{"uploaded": 1})
				if len(reg.ix.Files()) != 1 {
					t.Errorf("the index holds %d files, want 1", len(reg.ix.Files()))
				}
			})
		}
	}
}

// TestE2ERegistryWithoutReadAPI: where no read API can tell, a re-run
// uploads the missing files and reports the others as on the index by
// name; --skip-existing makes it a success.
func TestE2ERegistryWithoutReadAPI(t *testing.T) {
	t.Parallel()
	for _, name := range fakeindex.ProfileNames() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			reg := startRegistry(t, name, fakeindex.WithoutReadAPI())
			wheel, sdist := good+"pyupload_mv22-2.2-py3-none-any.whl", good+"pyupload_mv22-2.2.tar.gz"
			expectRun(t, "first upload", reg.upload(t, wheel), ui.ExitOK, map[string]int{"uploaded": 1})
			r := reg.upload(t, wheel, sdist)
			if name == "pypi" || name == "devpi" {
				// These take identical bytes again and answer with success.
				expectRun(t, "re-run", r, ui.ExitOK, map[string]int{"uploaded": 2})
				return
			}
			expectRun(t, "re-run", r, ui.ExitFailure, map[string]int{"uploaded": 1})
			for _, want := range []string{"on the index by name, not verified to be these bytes: pyupload_mv22-2.2-py3-none-any.whl", "--skip-existing", "read API not used"} {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("re-run stderr lacks %q:\n%s", want, r.stderr)
				}
			}
			if strings.Contains(r.stderr, "not on the index: pyupload_mv22-2.2-py3-none-any.whl") {
				t.Errorf("a file the index holds is reported as not on it:\n%s", r.stderr)
			}
			r = reg.upload(t, "--skip-existing", wheel, sdist)
			expectRun(t, "re-run with --skip-existing", r, ui.ExitOK, map[string]int{"skipped": 2})
		})
	}
}
