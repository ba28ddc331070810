package localfile

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// ErrChanged is matched by the error of a [Contents] whose file became
// shorter while it was read.
var ErrChanged = errors.New("localfile: the file changed while it was read")

// Contents reads the first size bytes of an open file, from offset 0, as
// an upload sends them. Read copies them as any reader does; WriteTo hands
// them to the writer straight from the page cache on Linux, through a
// memory map of a window of the file at a time, so the bytes an upload
// encrypts and sends are never copied into a buffer first: for a large
// file that copy was a tenth of the upload's CPU (docs/architecture.md,
// "Reading a file once sent"). A file that became shorter is an error
// matching [ErrChanged], never a crash nor zeros sent in its place.
type Contents struct {
	f    *os.File
	size int64
	off  int64
}

// NewContents returns the first size bytes of f. f stays the caller's to
// close, after the last Read or WriteTo.
func NewContents(f *os.File, size int64) *Contents {
	return &Contents{f: f, size: size}
}

// Read reads the next bytes.
func (c *Contents) Read(p []byte) (int, error) {
	if c.off >= c.size {
		return 0, io.EOF
	}
	n, err := c.f.ReadAt(p[:min(int64(len(p)), c.size-c.off)], c.off)
	c.off += int64(n)
	if errors.Is(err, io.EOF) {
		err = c.short()
	}
	return n, err
}

// WriteTo writes the rest to w.
func (c *Contents) WriteTo(w io.Writer) (int64, error) {
	return c.writeTo(w)
}

// short is the error of a file found shorter than size.
func (c *Contents) short() error {
	return fmt.Errorf("%s: %w (it ended before %d bytes)", c.f.Name(), ErrChanged, c.size)
}

// sendChunk is the most one Write of WriteTo carries: two TLS records, the
// 32 KiB io.Copy read before, so that progress and the inactivity timeout
// see bytes move as often as they did on a slow link.
const sendChunk = 32 << 10

// mapWindow is how much of the file Linux maps at a time (contents_linux.go): a few MiB keeps
// the resident memory of a 1 GiB upload small (a mapped page counts
// towards it until unmapped), and amortises the map and unmap calls.
const mapWindow = 2 << 20

// copyTo is WriteTo without a map: the bytes are read into a buffer.
func (c *Contents) copyTo(w io.Writer) (int64, error) {
	buf := make([]byte, min(sendChunk, max(c.size-c.off, 1)))
	var written int64
	for c.off < c.size {
		n, err := c.Read(buf)
		if n > 0 {
			m, werr := w.Write(buf[:n])
			written += int64(m)
			if werr != nil {
				return written, werr
			}
		}
		if err != nil {
			return written, err
		}
	}
	return written, nil
}
