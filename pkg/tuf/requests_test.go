package tuf_test

import (
	"bytes"
	"net/http"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pyupload/pyupload/pkg/tuf"
)

// recorder notes the paths asked for.
type recorder struct {
	mu    sync.Mutex
	paths []string
}

func (r *recorder) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.paths = append(r.paths, req.Method+" "+req.URL.EscapedPath())
		r.mu.Unlock()
		next.ServeHTTP(w, req)
	})
}

// TestRequests: the client asks for the files the specification names, in
// its order, and nothing else.
func TestRequests(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		consistent bool
		roots      int
		want       func(sha256 string) []string
	}{
		{"consistent snapshots", true, 1, func(h string) []string {
			return []string{"GET /meta/2.root.json", "GET /meta/timestamp.json", "GET /meta/5.snapshot.json",
				"GET /meta/7.targets.json", "GET /targets/" + h + ".trusted_root.json"}
		}},
		{"consistent snapshots, two new roots", true, 3, func(h string) []string {
			return []string{"GET /meta/2.root.json", "GET /meta/3.root.json", "GET /meta/4.root.json", "GET /meta/timestamp.json",
				"GET /meta/5.snapshot.json", "GET /meta/7.targets.json", "GET /targets/" + h + ".trusted_root.json"}
		}},
		{"no consistent snapshots", false, 1, func(string) []string {
			return []string{"GET /meta/2.root.json", "GET /meta/timestamp.json", "GET /meta/snapshot.json",
				"GET /meta/targets.json", "GET /targets/trusted_root.json"}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			f.consistent = tc.consistent
			for len(f.roots) < tc.roots {
				f.roots = append(f.roots, f.roots[0])
			}
			f.build(t)
			var rec recorder
			got, err := f.serve(t, rec.wrap).Target(t.Context(), tuf.TrustedRootTarget)
			if err != nil || !bytes.Equal(got, f.target) {
				t.Fatalf("Target = %q, %v, want %q", got, err, f.target)
			}
			h := fileMeta(0, f.target)["hashes"].(map[string]any)["sha256"].(string)
			if diff := cmp.Diff(tc.want(h), rec.paths); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
		})
	}
}

// TestConcurrentTargets: one client serves concurrent calls (run with
// -race).
func TestConcurrentTargets(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.build(t)
	c := f.serve(t, nil)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if got, err := c.Target(t.Context(), tuf.TrustedRootTarget); err != nil || !bytes.Equal(got, f.target) {
				t.Errorf("Target = %q, %v, want %q", got, err, f.target)
			}
		})
	}
	wg.Wait()
}
