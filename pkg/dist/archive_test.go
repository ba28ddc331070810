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
