package upload

import (
	"net/http"
	"strings"
	"testing"
)

// TestConflictOfTheOpenerStopsItsHeldFiles: the up-front lookup was
// stale, and the release's first file (the wheel) meets other bytes under
// its name: that stops the batch, as TestDuplicateAfterAStaleLookup shows
// with one job (the sdist stays NotAttempted). With several jobs the sdist
// is held meanwhile: the conflict must shut its gate, not open it because
// the index holds a file of that name, so the sdist is never stored.
func TestConflictOfTheOpenerStopsItsHeldFiles(t *testing.T) {
	t.Parallel()
	const runs = 20
	stored := 0
	for range runs {
		s := &stubRegistry{dupStatus: http.StatusConflict, readAPI: true, staleReads: 1}
		endpoint := serveStub(t, s)
		s.files[wheelName] = strings.Repeat("0", 64) // other bytes under the wheel's name
		res, _ := uploadTo(t, endpoint, []string{wheelName, sdistName}, WithJobs(4))
		if res[0].Status != Failed {
			t.Fatalf("wheel %v, want failed (conflict)", res[0].Status)
		}
		s.mu.Lock()
		_, ok := s.files[sdistName]
		s.mu.Unlock()
		if ok || (res[1].Status != NotAttempted && res[1].Status != Canceled) {
			stored++
			t.Logf("sdist: %v (%d attempts), stored on the index: %v", res[1].Status, res[1].Attempts, ok)
		}
	}
	if stored > 0 {
		t.Errorf("%d of %d runs: the held sdist went on after its release's first file met a conflict that stops the batch (want it NotAttempted, or Canceled if it was not held yet, and not stored, as with one job)", stored, runs)
	}
}
