package dist

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// read returns a member's content as zipfile's ZipFile.read does: the
// local header the directory points at must carry the same name, the data
// must end before the next member, and the CRC-32 must match. A member
// captured as it streamed past is used when it is the one the directory
// points at; otherwise (only in a hostile archive) the file is asked.
func (z *pyZip) read(at io.ReaderAt, e *cdEntry, c *captured) ([]byte, error) {
	if c != nil && c.name == e.orig && c.method == e.method && c.csize == e.csize && c.whole {
		// zipfile's overlap test holds for a captured member too: its data
		// must end before the next member the directory knows.
		if uint64(c.dataStart)+e.csize > e.endOffset { // #nosec G115 -- a file position
			return nil, fmt.Errorf("overlapped entries: %q (possible zip bomb)", e.orig)
		}
		if c.err != nil {
			return nil, c.err
		}
		return checkCRC(c.data, c.crc, e)
	}
	h := make([]byte, 30)
	if e.offset > 1<<62 {
		return nil, errors.New("truncated file header")
	}
	off := int64(e.offset) // #nosec G115 -- bounded above
	if _, err := at.ReadAt(h, off); err != nil {
		return nil, errors.New("truncated file header")
	}
	if string(h[:4]) != sigLocal {
		return nil, errors.New("bad magic number for file header")
	}
	le := binary.LittleEndian
	name := make([]byte, le.Uint16(h[26:]))
	_, _ = at.ReadAt(name, off+30)
	if got, _ := decodeZipName(name, le.Uint16(h[6:])); got != e.orig {
		return nil, fmt.Errorf("file name in directory %q and header %q differ", e.orig, name)
	}
	start := off + 30 + int64(len(name)) + int64(le.Uint16(h[28:]))
	if uint64(start)+e.csize > e.endOffset { // #nosec G115 -- start >= 0
		return nil, fmt.Errorf("overlapped entries: %q (possible zip bomb)", e.orig)
	}
	if e.flags&1 != 0 {
		return nil, fmt.Errorf("%q is encrypted", e.orig)
	}
	data, crc, err := inflate(io.NewSectionReader(at, start, int64(min(e.csize, 1<<62))), e.method) // #nosec G115 -- clamped
	if err != nil {
		return nil, err
	}
	return checkCRC(data, crc, e)
}

func checkCRC(data []byte, crc uint32, e *cdEntry) ([]byte, error) {
	if crc != e.crc || uint64(len(data)) != e.usize {
		return nil, fmt.Errorf("bad CRC-32 for file %q", e.orig)
	}
	return bytes.Clone(data), nil
}
