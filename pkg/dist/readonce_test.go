package dist

import (
	"bytes"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
)

// countingReaderAt counts the bytes read through it.
type countingReaderAt struct {
	r *bytes.Reader
	n atomic.Int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n.Add(int64(n))
	return n, err
}

// TestReadOnce: Read reads every committed good distribution exactly
// once, digests and archive checks together.
func TestReadOnce(t *testing.T) {
	t.Parallel()
	for _, p := range distFiles(t, goodDir) {
		t.Run(filepath.Base(p), func(t *testing.T) {
			t.Parallel()
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			r := &countingReaderAt{r: bytes.NewReader(b)}
			if _, err := Read(r, int64(len(b)), filepath.Base(p)); err != nil {
				t.Fatalf("Read(%s) error = %v", p, err)
			}
			if got := r.n.Load(); got != int64(len(b)) {
				t.Errorf("Read(%s) read %d bytes of %d, want each byte once", p, got, len(b))
			}
		})
	}
}
