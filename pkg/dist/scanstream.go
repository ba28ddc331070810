package dist

import (
	"errors"
	"io"
)

// stream is the scanner's view of the file: bytes in order, counted, with
// the first headLen bytes and a window at the end kept, so the checks that
// Python makes by seeking (the tar test of the first block, the zip end
// record, the central directory) run on kept bytes instead of a second
// read of the file.
type stream struct {
	r    io.Reader
	pos  int64
	size int64 // the file's size, known up front

	head []byte

	keepFrom  int64 // keep every byte from here on
	keptStart int64
	kept      []byte
	overflow  bool // the window outgrew maxKept: ask the file instead

	scratch []byte
}

const (
	headLen = 64 << 10 // the tar and compression tests read less
	maxKept = 64 << 20 // a central directory larger than this is read again
)

func newStream(r io.Reader, size int64) *stream {
	return &stream{r: r, size: size, keepFrom: max(size-tailLen, 0), keptStart: -1}
}

// keepFromHere keeps the bytes from offset at on, which must not be behind
// the stream: the walk calls it when it meets the central directory, with
// the bytes of the signature it already read.
func (s *stream) keepFromHere(at int64, already []byte) {
	if s.keptStart >= 0 || s.overflow {
		return
	}
	s.keepFrom = at
	s.keptStart = at
	s.kept = append(s.kept, already...)
}

func (s *stream) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	s.note(p[:n])
	return n, err
}

// note records what just went past.
func (s *stream) note(b []byte) {
	if s.pos < headLen {
		s.head = append(s.head, b[:min(int64(len(b)), headLen-s.pos)]...)
	}
	end := s.pos + int64(len(b))
	if end > s.keepFrom && !s.overflow {
		from := max(s.pos, s.keepFrom)
		if s.keptStart < 0 {
			s.keptStart = from
		}
		if len(s.kept)+int(end-from) > maxKept {
			s.overflow, s.kept = true, nil
		} else {
			s.kept = append(s.kept, b[from-s.pos:]...)
		}
	}
	s.pos = end
}

// errShort is a read past the end of the file.
var errShort = errors.New("short read")

// next returns the next n bytes (n is at most a header's size), or
// errShort when the file ends first.
func (s *stream) next(n int) ([]byte, error) {
	if cap(s.scratch) < n {
		s.scratch = make([]byte, n)
	}
	b := s.scratch[:n]
	if _, err := io.ReadFull(s, b); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, errShort
		}
		return nil, err
	}
	return b, nil
}

// chunker is a source that lends its bytes instead of copying them: the
// digests' buffers.
type chunker interface {
	chunk(n int64) ([]byte, error)
}

// skip passes over n bytes and returns how many there were. Over the
// digests' buffers nothing is copied but the bytes the windows keep.
func (s *stream) skip(n int64) (int64, error) {
	if c, ok := s.r.(chunker); ok {
		var m int64
		for m < n {
			b, err := c.chunk(n - m)
			s.note(b)
			m += int64(len(b))
			if errors.Is(err, io.EOF) {
				return m, nil
			}
			if err != nil {
				return m, err
			}
		}
		return m, nil
	}
	m, err := io.CopyN(io.Discard, s, n)
	if errors.Is(err, io.EOF) {
		err = nil
	}
	return m, err
}

// drain reads to the end, so the window at the end is complete and the
// digests' buffers keep flowing.
func (s *stream) drain() error {
	_, err := s.skip(1<<63 - 1)
	return err
}

// tail is a ReaderAt over the kept window, which asks file (when not nil)
// for bytes outside it: only a hostile archive, whose directory is not
// where its records end, needs that.
type tail struct {
	s    *stream
	file io.ReaderAt
}

func (t tail) ReadAt(p []byte, off int64) (int, error) {
	s := t.s
	if !s.overflow && s.keptStart >= 0 && off >= s.keptStart && off+int64(len(p)) <= s.keptStart+int64(len(s.kept)) {
		return copy(p, s.kept[off-s.keptStart:]), nil
	}
	if off >= s.size || off < 0 {
		return 0, io.EOF
	}
	if t.file == nil {
		return 0, errNoFile
	}
	return t.file.ReadAt(p, off)
}

var errNoFile = errors.New("the archive's directory is outside the kept bytes and the file cannot be read again")
