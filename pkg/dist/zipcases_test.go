package dist

import (
	"bytes"
	"errors"
	"testing"

	"github.com/pyupload/pyupload/internal/testzip"
)

// TestArchiveCases reads every hand-built malformed archive and compares
// the refusal with PyPI's own text, exactly (FormatError.Reason is that
// text; Error adds the member and a detail).
func TestArchiveCases(t *testing.T) {
	t.Parallel()
	for _, c := range append(testzip.ZipCases(), testzip.TarCases(t)...) {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			got := refusal(t, c.Filename, c.Content)
			want := c.Want
			if want != "" {
				want = "Invalid distribution file. " + want
			}
			if got != want {
				t.Errorf("Read(%s) refusal = %q, want %q", c.Name, got, want)
			}
		})
	}
}

// refusal is the index's text for what Read and Check refuse: the
// FormatError's Reason, or the first error-level problem; "" for none.
func refusal(t *testing.T, name string, content []byte) string {
	t.Helper()
	d, err := Read(bytes.NewReader(content), int64(len(content)), name)
	if err != nil {
		var fe *FormatError
		if !errors.As(err, &fe) {
			t.Fatalf("Read(%s) error = %v (%T), want a *FormatError", name, err, err)
		}
		return fe.Reason
	}
	for _, p := range Check(d) {
		if p.Severity == Error {
			return p.Message
		}
	}
	return ""
}
