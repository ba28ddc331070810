package dist

import (
	"bytes"
	"errors"
	"strings"
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

// TestMetadataFilenameLength: the index stores METADATA as
// <filename>.metadata, which a file system refuses past 255 bytes.
func TestMetadataFilenameLength(t *testing.T) {
	t.Parallel()
	for _, n := range []int{246 - len("-1.0-py3-none-any.whl"), 247 - len("-1.0-py3-none-any.whl")} {
		project := "m" + strings.Repeat("x", n-1)
		content := testzip.Build(t, "", testzip.WheelMembers(project)...)
		name := project + "-1.0-py3-none-any.whl"
		got := refusal(t, name, content)
		want := ""
		if len(name)+len(".metadata") > 255 {
			want = "Filename is too long: '" + name + "'"
		}
		if got != want {
			t.Errorf("a %d-byte filename: refusal = %q, want %q", len(name), got, want)
		}
	}
}

// TestRefusalsSayWhatToDo: where PyPI's text alone does not explain the
// refusal, the message adds what went wrong and what to change.
func TestRefusalsSayWhatToDo(t *testing.T) {
	t.Parallel()
	want := map[string]string{
		"sdist: names starting with ./": "without the leading ./; build the sdist with python -m build --sdist",
		"sdist: broken deflate stream":  "None (PyPI's whole answer when Python cannot read the archive): flate: corrupt input",
		"WHEEL with a bad CRC-32":       "None (PyPI's whole answer when Python cannot read the archive) (member 'm-1.0.dist-info/WHEEL'): bad CRC-32",
	}
	for _, c := range append(testzip.ZipCases(), testzip.TarCases(t)...) {
		w, ok := want[c.Name]
		if !ok {
			continue
		}
		delete(want, c.Name)
		_, err := Read(bytes.NewReader(c.Content), int64(len(c.Content)), c.Filename)
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("%s: %v, want it to contain %q", c.Name, err, w)
		}
	}
	for name := range want {
		t.Errorf("case %q is gone from the corpus", name)
	}
}
