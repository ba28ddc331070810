package dist

import (
	"maps"
	"testing"

	"github.com/pyupload/pyupload/internal/refdata"
)

// TestMayBeNewer: while the bundled list is older than PyPI's pin, an
// unknown classifier that is a newer version beside known siblings is
// only a warning (PyPI's newer list may have it); every other unknown one
// stays an error, and with the pinned list itself nothing is guessed.
func TestMayBeNewer(t *testing.T) {
	t.Parallel()
	embedded := refdata.LoadClassifiers()
	stale := &refdata.Classifiers{Header: maps.Clone(embedded.Header), Valid: embedded.Valid, Deprecated: embedded.Deprecated}
	stale.Header["source-version"], stale.Header["pypi-pins"] = "2000.1.1", "2000.2.2"
	current := &refdata.Classifiers{Header: maps.Clone(stale.Header), Valid: embedded.Valid, Deprecated: embedded.Deprecated}
	current.Header["source-version"] = "2000.2.2"
	for _, tt := range []struct {
		classifier string
		newer      bool
	}{
		{"Programming Language :: Python :: 3.99", true},
		{"Framework :: Django :: 99.0", true},
		{"Programming Language :: Python :: 2.8", false},
		{"Programming Language :: Python :: 3.14", false}, // known: not a guess
		{"Topic :: Made Up :: Thing", false},
		{"Private :: Do Not Upload", false},
		{"Programming Language :: Cobol :: 99", false}, // no known sibling
	} {
		known := embedded.Valid[tt.classifier]
		if got := !known && mayBeNewer(stale, tt.classifier); got != tt.newer {
			t.Errorf("%q with a stale list: may be newer = %v, want %v", tt.classifier, got, tt.newer)
		}
		if mayBeNewer(current, tt.classifier) {
			t.Errorf("%q with PyPI's own list: guessed newer, want the list to decide", tt.classifier)
		}
	}
}
