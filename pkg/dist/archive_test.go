package dist

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"

	"github.com/pyupload/pyupload/internal/testzip"
)

// bombLimits are the zip-bomb limits the tests build archives for.
var bombLimits = testzip.Limits{Ratio: bombRatio, Threshold: bombThreshold}

// TestCompressionRatio: the index refuses a zip whose members expand past
// 64 MiB and more than 50 times its size, comparing as floats do.
func TestCompressionRatio(t *testing.T) {
	t.Parallel()
	for _, e := range bombLimits.Edges() {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			archive := e.Wheel(t)
			zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
			if err != nil {
				t.Fatal(err)
			}
			name, _, _ := strings.Cut(zr.File[0].Name, "-")
			_, err = Read(bytes.NewReader(archive), int64(len(archive)), name+"-1.0-py3-none-any.whl")
			refused := err != nil && strings.Contains(err.Error(), "File exceeds compression ratio of 50")
			if refused != e.Over || err != nil && !refused {
				t.Errorf("Read(%s) error = %v, want refused for its compression ratio: %v", e.Name, err, e.Over)
			}
		})
	}
}

// TestZipFraming: the index's framing rules for zip members, and the
// archive comment it allows.
func TestZipFraming(t *testing.T) {
	t.Parallel()
	payload := testzip.Stored("x/__init__.py", []byte("x = 1\n"))
	edited := func(edit func(*testzip.Member)) testzip.Member {
		m := payload
		edit(&m)
		return m
	}
	tests := []struct {
		name    string
		comment string
		member  testzip.Member
		want    string // in the error; "" for none
	}{
		{"sound", "", payload, ""},
		{"archive comment", "built by hand", payload, ""},
		{"member comment", "", edited(func(m *testzip.Member) { m.Comment = "hi" }), "ZIP archive not accepted: Comment in central directory (member 'x/__init__.py')"},
		{"data descriptor", "", edited(func(m *testzip.Member) { m.Flags = 0x08 }), "ZIP archive not accepted: ZIP contains a data descriptor (member 'x/__init__.py'"},
		{"control character in a name", "", testzip.Stored("x/a\tb.py", nil), `ZIP archive not accepted: Invalid character in filename "x/a\tb.py"`},
		{"space in a name", "", testzip.Stored("x/a b.py", nil), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			archive := testzip.Build(t, tt.comment, append(testzip.WheelMembers("x"), tt.member)...)
			_, err := Read(bytes.NewReader(archive), int64(len(archive)), "x-1.0-py3-none-any.whl")
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Read(%s) error = %v, want nil", tt.name, err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Read(%s) error = %v, want one containing %q", tt.name, err, tt.want)
			}
		})
	}
}
