package dist

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// This file reads a zip's central directory the way Python's zipfile does
// (ZipFile._RealGetContents), because the index judges a wheel by what
// zipfile finds there before it walks the records: the compression ratio,
// the methods and the WHEEL member all come from this directory.

const (
	eocdLen       = 22
	eocd64Len     = 56
	eocd64LocLen  = 20
	maxZipComment = 65535
	cdHeaderLen   = 46
	// tailLen covers every byte _EndRecData may look at.
	tailLen = eocdLen + maxZipComment + eocd64Len + eocd64LocLen
)

// cp437Key starts the key of a non-ASCII name without the UTF-8 flag; it
// is not UTF-8, so no UTF-8 name equals such a key.
const cp437Key = "\xffcp437:"

// errNotZip is zipfile.is_zipfile's false: no end record in the tail.
var errNotZip = errors.New("no end of central directory record")

// cdEntry is one central directory record as zipfile keeps it.
type cdEntry struct {
	orig         string // the name decoded (UTF-8 when flagged, else cp437)
	name         string // orig cut at NUL, or the Unicode path extra's name
	flags        uint16
	method       uint16
	crc          uint32
	csize, usize uint64
	offset       uint64 // of the local header, concat included
	endOffset    uint64 // where the next member or the directory starts
}

// pyZip is what ZipFile holds after opening: the entries in directory
// order and the last entry per name.
type pyZip struct {
	entries []*cdEntry
	byName  map[string]*cdEntry
}

// endRecord is _EndRecData's answer.
type endRecord struct {
	diskNo, diskStart uint64
	entries           uint64
	cdSize, cdOffset  uint64
	location          int64 // where the classic end record starts
	zip64             bool
}

// findEndRecord is _EndRecData: the end record at the very end without a
// comment, else the last signature in the last 64 KiB + 22 bytes.
func findEndRecord(at io.ReaderAt, size int64) (*endRecord, error) {
	if size < eocdLen {
		return nil, errNotZip
	}
	last := make([]byte, eocdLen)
	if _, err := at.ReadAt(last, size-eocdLen); err != nil {
		return nil, fmt.Errorf("reading the end record: %w", err)
	}
	if string(last[:4]) == sigEOCD && last[20] == 0 && last[21] == 0 {
		return endRecord64(at, size, parseEndRecord(last, size-eocdLen))
	}
	from := max(size-maxZipComment-eocdLen, 0)
	data := make([]byte, size-from)
	if _, err := at.ReadAt(data, from); err != nil {
		return nil, fmt.Errorf("reading the end record: %w", err)
	}
	i := bytes.LastIndex(data, []byte(sigEOCD))
	if i < 0 || len(data)-i < eocdLen {
		return nil, errNotZip
	}
	return endRecord64(at, size, parseEndRecord(data[i:i+eocdLen], from+int64(i)))
}

func parseEndRecord(b []byte, at int64) *endRecord {
	le := binary.LittleEndian
	return &endRecord{
		diskNo: uint64(le.Uint16(b[4:])), diskStart: uint64(le.Uint16(b[6:])),
		entries: uint64(le.Uint16(b[10:])), cdSize: uint64(le.Uint32(b[12:])), cdOffset: uint64(le.Uint32(b[16:])),
		location: at,
	}
}

// endRecord64 is _EndRecData64: a ZIP64 locator and record right before
// the end record replace its values; anything else leaves them.
func endRecord64(at io.ReaderAt, size int64, e *endRecord) (*endRecord, error) {
	locAt := e.location - eocd64LocLen
	if locAt < 0 {
		return e, nil
	}
	loc := make([]byte, eocd64LocLen)
	if _, err := at.ReadAt(loc, locAt); err != nil || string(loc[:4]) != sigEOCD64Locator {
		return e, nil //nolint:nilerr // a short read means no ZIP64 records, as in zipfile
	}
	le := binary.LittleEndian
	if le.Uint32(loc[4:]) != 0 || le.Uint32(loc[16:]) > 1 {
		return nil, &zipOpenError{"zipfiles that span multiple disks are not supported"}
	}
	recAt := locAt - eocd64Len
	if recAt < 0 {
		return e, nil
	}
	rec := make([]byte, eocd64Len)
	if _, err := at.ReadAt(rec, recAt); err != nil || string(rec[:4]) != sigEOCD64 {
		return e, nil //nolint:nilerr // as above
	}
	e.diskNo, e.diskStart = uint64(le.Uint32(rec[16:])), uint64(le.Uint32(rec[20:]))
	e.entries, e.cdSize, e.cdOffset = le.Uint64(rec[32:]), le.Uint64(rec[40:]), le.Uint64(rec[48:])
	e.zip64 = true
	return e, nil
}

// zipOpenError is a zipfile.BadZipFile (or another exception) raised while
// opening: the index answers "Invalid distribution file. None".
type zipOpenError struct{ detail string }

func (e *zipOpenError) Error() string { return e.detail }

// readCentralDirectory is _RealGetContents.
func readCentralDirectory(at io.ReaderAt, size int64) (*pyZip, error) {
	e, err := findEndRecord(at, size)
	if err != nil {
		return nil, err
	}
	concat := e.location - int64(min(e.cdSize, 1<<62)) - int64(min(e.cdOffset, 1<<62)) // #nosec G115 -- clamped
	if e.zip64 {
		concat -= eocd64Len + eocd64LocLen
	}
	start := concat + int64(min(e.cdOffset, 1<<62)) // #nosec G115 -- clamped
	if start < 0 {
		return nil, &zipOpenError{"Bad offset for central directory"}
	}
	// zipfile reads size_cd bytes, fewer at the end of the file.
	n := min(e.cdSize, uint64(max(size-start, 0))) // #nosec G115 -- non-negative
	if n > maxKept {
		return nil, &FormatError{Reason: fmt.Sprintf("central directory of %d bytes is too large", n)}
	}
	data := make([]byte, n)
	if _, err := at.ReadAt(data, start); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("reading the central directory: %w", err)
	}
	z, err := parseCentralDirectory(data, e.cdSize, concat)
	if err != nil {
		return nil, err
	}
	z.setEndOffsets(uint64(start)) // #nosec G115 -- start >= 0
	return z, nil
}

// parseCentralDirectory parses records until total reaches cdSize, as
// zipfile does, reading short where the data ends.
func parseCentralDirectory(data []byte, cdSize uint64, concat int64) (*pyZip, error) {
	z := &pyZip{byName: map[string]*cdEntry{}}
	le := binary.LittleEndian
	r := bytes.NewReader(data)
	for total := uint64(0); total < cdSize; {
		h := make([]byte, cdHeaderLen)
		if _, err := io.ReadFull(r, h); err != nil {
			return nil, &zipOpenError{"Truncated central directory"}
		}
		if string(h[:4]) != sigCentral {
			return nil, &zipOpenError{"Bad magic number for central directory"}
		}
		if len(z.entries) >= maxEntries {
			return nil, &FormatError{Reason: fmt.Sprintf("archive has more than %d entries", maxEntries)}
		}
		nameLen, extraLen, commentLen := le.Uint16(h[28:]), le.Uint16(h[30:]), le.Uint16(h[32:])
		rawName, extra := readShort(r, int(nameLen)), readShort(r, int(extraLen))
		readShort(r, int(commentLen))
		if h[6] > 63 { // extract_version above MAX_EXTRACT_VERSION
			return nil, &zipOpenError{fmt.Sprintf("zip file version %.1f", float64(h[6])/10)}
		}
		ent := &cdEntry{
			flags: le.Uint16(h[8:]), method: le.Uint16(h[10:]), crc: le.Uint32(h[16:]),
			csize: uint64(le.Uint32(h[20:])), usize: uint64(le.Uint32(h[24:])), offset: uint64(le.Uint32(h[42:])),
		}
		orig, err := decodeZipName(rawName, ent.flags)
		if err != nil {
			return nil, err
		}
		ent.orig, ent.name = orig, sanitizeZipName(orig)
		if err := ent.decodeExtra(extra, crc32.ChecksumIEEE(rawName)); err != nil {
			return nil, err
		}
		ent.offset = uint64(int64(ent.offset) + concat) // #nosec G115 -- Python's integers; wraps only for hostile values
		z.entries = append(z.entries, ent)
		z.byName[ent.name] = ent
		total += cdHeaderLen + uint64(nameLen) + uint64(extraLen) + uint64(commentLen)
	}
	return z, nil
}

// readShort reads up to n bytes, fewer at the end, as Python's read does.
func readShort(r *bytes.Reader, n int) []byte {
	b := make([]byte, min(n, r.Len()))
	_, _ = r.Read(b)
	return b
}

// decodeZipName decodes a name as zipfile does: UTF-8 when flag bit 11 is
// set (a failure raises UnicodeDecodeError), else cp437. A non-ASCII cp437
// name is kept as a key no UTF-8 text can equal: zipfile's cp437 text
// never equals the UTF-8 decoding of the same bytes (cp437 gives one
// character per byte, UTF-8 fewer), and every lookup the index makes is
// by UTF-8 text.
func decodeZipName(raw []byte, flags uint16) (string, error) {
	if flags&0x800 != 0 {
		if !utf8.Valid(raw) {
			return "", &zipOpenError{"a member name flagged UTF-8 is not UTF-8"}
		}
		return string(raw), nil
	}
	if isASCIIBytes(raw) {
		return string(raw), nil
	}
	return cp437Key + string(raw), nil
}

func isASCIIBytes(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// sanitizeZipName is zipfile's _sanitize_filename on Linux: the name ends
// at its first NUL.
func sanitizeZipName(s string) string {
	s, _, _ = strings.Cut(s, "\x00")
	return s
}

// decodeExtra is ZipInfo._decodeExtra: ZIP64 sizes and offset, and the
// Unicode path extra, which renames the member when its CRC matches.
func (ent *cdEntry) decodeExtra(extra []byte, nameCRC uint32) error {
	le := binary.LittleEndian
	for len(extra) >= 4 {
		id, n := le.Uint16(extra), int(le.Uint16(extra[2:]))
		if n+4 > len(extra) {
			return &zipOpenError{fmt.Sprintf("Corrupt extra field %04x (size=%d)", id, n)}
		}
		data := extra[4 : 4+n]
		switch id {
		case 0x0001:
			for _, f := range []*uint64{&ent.usize, &ent.csize, &ent.offset} {
				if *f != 0xffffffff && (f != &ent.usize || *f != 1<<64-1) {
					continue
				}
				if len(data) < 8 {
					return &zipOpenError{"Corrupt zip64 extra field"}
				}
				*f, data = le.Uint64(data), data[8:]
			}
		case 0x7075:
			if len(data) < 5 {
				return &zipOpenError{"Corrupt unicode path extra field (0x7075)"}
			}
			if data[0] == 1 && le.Uint32(data[1:]) == nameCRC {
				if !utf8.Valid(data[5:]) {
					return &zipOpenError{"Corrupt unicode path extra field (0x7075): invalid utf-8 bytes"}
				}
				if len(data) > 5 {
					ent.name = sanitizeZipName(string(data[5:]))
				}
			}
		}
		extra = extra[4+n:]
	}
	return nil
}

// setEndOffsets gives each entry the offset where zipfile expects its data
// to end (the next local header, or the directory), for the overlap test.
func (z *pyZip) setEndOffsets(cdStart uint64) {
	sorted := slices.Clone(z.entries)
	// Stable by offset, descending, as Python's sorted(reverse=True).
	slices.SortStableFunc(sorted, func(a, b *cdEntry) int { return cmp.Compare(b.offset, a.offset) })
	end := cdStart
	for _, e := range sorted {
		e.endOffset = end
		end = e.offset
	}
}
