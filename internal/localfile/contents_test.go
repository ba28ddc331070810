package localfile

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// writeRandom writes n pseudo-random bytes to a new file and returns its
// path and bytes.
func writeRandom(tb testing.TB, n int) (string, []byte) {
	tb.Helper()
	data := make([]byte, n)
	r := rand.NewChaCha8([32]byte{byte(n)})
	_, _ = r.Read(data)
	path := filepath.Join(tb.TempDir(), "x-1.0-py3-none-any.whl")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		tb.Fatal(err)
	}
	return path, data
}

// chunkRecorder keeps what it is given and checks that no write carries
// more than 32 KiB: the inactivity timeout sees bytes move when a write
// ends, so a larger write on a slow link (256 KiB at 25 KiB/s is 10 s)
// would pass for a stalled index.
type chunkRecorder struct {
	tb  testing.TB
	buf bytes.Buffer
}

func (c *chunkRecorder) Write(p []byte) (int, error) {
	if len(p) > 32<<10 {
		c.tb.Errorf("a write of %d bytes, more than 32 KiB", len(p))
	}
	return c.buf.Write(p)
}

// TestContents: Read and WriteTo, in any mix, give exactly the first size
// bytes of the file, from any offset (a map starts on a page, the offset
// need not), across map windows, and nothing past size.
func TestContents(t *testing.T) {
	t.Parallel()
	const big = 2*mapWindow + 4096 + 123 // three windows, the last one partial
	for _, tc := range []struct {
		name       string
		fileSize   int
		size       int64
		readFirst  int // bytes read with Read before WriteTo
		writeTwice bool
	}{
		{name: "empty", fileSize: 0, size: 0},
		{name: "small, all by WriteTo", fileSize: 1000, size: 1000},
		{name: "large, all by WriteTo", fileSize: big, size: big},
		{name: "large, odd offset", fileSize: big, size: big, readFirst: 1001},
		{name: "large, offset at a window's end", fileSize: big, size: big, readFirst: mapWindow},
		{name: "large, offset past a window", fileSize: big, size: big, readFirst: mapWindow + 77},
		{name: "all read first", fileSize: 5000, size: 5000, readFirst: 5000, writeTwice: true},
		{name: "shorter size than the file", fileSize: big, size: mapWindow + 9, readFirst: 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path, data := writeRandom(t, tc.fileSize)
			f, err := os.Open(path) // #nosec G304 -- the test's own file
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = f.Close() }()
			c := NewContents(f, tc.size)
			head := make([]byte, tc.readFirst)
			if _, err := io.ReadFull(c, head); err != nil {
				t.Fatal(err)
			}
			rec := &chunkRecorder{tb: t}
			n, err := c.WriteTo(rec)
			if err != nil {
				t.Fatal(err)
			}
			if tc.writeTwice {
				if m, err := c.WriteTo(rec); m != 0 || err != nil {
					t.Errorf("a second WriteTo wrote %d, %v; want 0, nil", m, err)
				}
			}
			if n != tc.size-int64(tc.readFirst) {
				t.Errorf("WriteTo returned %d, want %d", n, tc.size-int64(tc.readFirst))
			}
			got := append(head, rec.buf.Bytes()...)
			if !bytes.Equal(got, data[:tc.size]) {
				t.Errorf("got %d bytes that differ from the file's first %d", len(got), tc.size)
			}
			if m, err := c.Read(make([]byte, 10)); m != 0 || !errors.Is(err, io.EOF) {
				t.Errorf("Read at the end: %d, %v; want 0, EOF", m, err)
			}
		})
	}
}

// truncatingWriter cuts the file short at its first write, before it
// reads what it was given.
type truncatingWriter struct {
	path   string
	cut    bool
	copied int
}

func (w *truncatingWriter) Write(p []byte) (int, error) {
	if !w.cut {
		w.cut = true
		if err := os.Truncate(w.path, 0); err != nil {
			return 0, err
		}
	}
	w.copied += len(bytes.Clone(p)) // reads every byte of p
	return len(p), nil
}

// TestContentsCutShortWhileSent: a file truncated while WriteTo sends it
// from its map (reading the map past the file's end faults) is an error
// matching ErrChanged, naming the file, and the program does not crash; so
// is one Read finds short.
func TestContentsCutShortWhileSent(t *testing.T) {
	t.Parallel()
	path, _ := writeRandom(t, 2*mapWindow+100)
	f, err := os.Open(path) // #nosec G304 -- the test's own file
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	c := NewContents(f, 2*mapWindow+100)
	n, err := c.WriteTo(&truncatingWriter{path: path})
	if !errors.Is(err, ErrChanged) {
		t.Fatalf("WriteTo after truncation: %d, %v; want an error matching ErrChanged", n, err)
	}
	if want := "x-1.0-py3-none-any.whl"; !bytes.Contains([]byte(err.Error()), []byte(want)) {
		t.Errorf("error %q does not name the file", err)
	}
	if _, err := io.ReadAll(NewContents(f, 10)); !errors.Is(err, ErrChanged) {
		t.Errorf("Read of a file shorter than size: %v; want ErrChanged", err)
	}
}

// writerFunc adapts a function to io.Writer.
type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// TestContentsCutShortWithinAPage: a file cut short inside the last page
// of a window does not fault (the rest of the page reads as zeros); it is
// still ErrChanged, not zeros sent as the file's bytes.
func TestContentsCutShortWithinAPage(t *testing.T) {
	t.Parallel()
	const size = 2*mapWindow + 100
	path, _ := writeRandom(t, size)
	f, err := os.Open(path) // #nosec G304 -- the test's own file
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	cut := false
	n, err := NewContents(f, size).WriteTo(writerFunc(func(p []byte) (int, error) {
		if !cut {
			cut = true
			if err := os.Truncate(path, size-50); err != nil {
				return 0, err
			}
		}
		return len(p), nil
	}))
	if !errors.Is(err, ErrChanged) {
		t.Errorf("WriteTo of a file cut 50 bytes short: %d, %v; want an error matching ErrChanged", n, err)
	}
}
