package fakeindex

import (
	"archive/zip"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"unicode/utf8"
)

// Record signatures of the zip format (APPNOTE.TXT).
const (
	sigLocal         = "PK\x03\x04"
	sigCentral       = "PK\x01\x02"
	sigEOCD          = "PK\x05\x06"
	sigEOCD64        = "PK\x06\x06"
	sigEOCD64Locator = "PK\x06\x07"
)

// errFraming carries a framing reason out of the record walk.
type errFraming string

func (e errFraming) Error() string { return string(e) }

// Framing reasons, worded as Warehouse's.
const (
	errMalformed errFraming = "Malformed zip file"
)

// zipFraming is Warehouse's validate_zipfile (warehouse/utils/zipfiles.py):
// it walks the records from the first byte to the end, as a streaming
// reader would, and refuses every way the stream and the central directory
// (which zr read) could disagree: unknown records, data descriptors,
// duplicate or missing names, sizes that differ, per-member comments,
// unprintable names, ZIP64 records with extensible data, and bytes after
// the end record. An archive comment is allowed. It returns the reason
// ("" when the framing is sound).
func zipFraming(r io.ReaderAt, size int64, zr *zip.Reader) string {
	w := &zipWalk{r: r, central: map[string][2]uint64{}, local: map[string]bool{}, cd: map[string]bool{}}
	for _, zf := range zr.File {
		w.central[centralKey(zf)] = [2]uint64{zf.CompressedSize64, zf.UncompressedSize64}
	}
	if err := w.walk(); err != nil {
		if fe, ok := errors.AsType[errFraming](err); ok {
			return string(fe)
		}
		return string(errMalformed)
	}
	if len(w.local) != len(w.cd) {
		return "Mis-matched local headers and central directory"
	}
	if w.pos != size {
		return "Trailing data"
	}
	return ""
}

// centralKey is the name Python's zipfile files a member under: its bytes
// decoded as UTF-8 when the member says so (flag bit 11), else as cp437,
// which agrees with UTF-8 on ASCII only. A non-ASCII name without the flag
// gets a key that no local header's UTF-8 name can match.
func centralKey(zf *zip.File) string {
	if zf.Flags&0x800 != 0 || isASCII(zf.Name) {
		return zf.Name
	}
	return "\x00cp437:" + zf.Name
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// zipWalk is the state of validate_zipfile's loop.
type zipWalk struct {
	r   io.ReaderAt
	pos int64

	central   map[string][2]uint64 // by central key: compressed and uncompressed size
	local, cd map[string]bool      // names seen, as raw bytes

	cdRecords      uint64
	cdOffset       int64 // -1 until the first central record
	cdSize         uint64
	eocdSet        bool // values below come from an EOCD64 or EOCD record
	eocdRecords    uint64
	eocdCDSize     uint64
	eocdCDOffset   uint64
	expectedEOCD64 bool
	actualEOCD64   bool
}

// read returns the next n bytes, or errMalformed when the file ends.
func (w *zipWalk) read(n int64) ([]byte, error) {
	if n < 0 {
		return nil, errFraming("Negative offset")
	}
	b := make([]byte, n)
	if _, err := w.r.ReadAt(b, w.pos); err != nil {
		return nil, errMalformed
	}
	w.pos += n
	return b, nil
}

func (w *zipWalk) walk() error {
	w.cdOffset = -1
	for {
		start := w.pos
		sig, err := w.read(4)
		if err != nil {
			return err
		}
		switch string(sig) {
		case sigCentral:
			err = w.centralHeader(start)
		case sigLocal:
			err = w.localHeader()
		case sigEOCD:
			if w.expectedEOCD64 && !w.actualEOCD64 {
				return errMalformed
			}
			return w.eocd(start)
		case sigEOCD64:
			w.expectedEOCD64 = true
			err = w.eocd64()
		case sigEOCD64Locator:
			_, err = w.read(16)
			w.actualEOCD64 = true
		default:
			return errFraming("Unknown record signature")
		}
		if err != nil {
			return err
		}
	}
}

func unprintable(name []byte) bool {
	for _, c := range name {
		if c < 0x20 || c == 0x7f {
			return true
		}
	}
	return false
}

// centralHeader is _handle_central_directory_header and its bookkeeping.
func (w *zipWalk) centralHeader(start int64) error {
	if w.cdOffset < 0 {
		w.cdOffset = start
	}
	w.cdRecords++
	h, err := w.read(42)
	if err != nil {
		return err
	}
	nameLen, extraLen, commentLen := binary.LittleEndian.Uint16(h[24:]), binary.LittleEndian.Uint16(h[26:]), binary.LittleEndian.Uint16(h[28:])
	if commentLen != 0 {
		return errFraming("Comment in central directory")
	}
	name, err := w.read(int64(nameLen))
	if err != nil {
		return err
	}
	if _, err := w.read(int64(extraLen)); err != nil {
		return err
	}
	if unprintable(name) {
		return errFraming("Invalid character in filename")
	}
	w.cdSize += 46 + uint64(nameLen) + uint64(extraLen)
	switch key := string(name); {
	case w.cd[key]:
		return errFraming("Duplicate filename in central directory")
	case !w.local[key]:
		return errFraming("Missing filename in local headers")
	default:
		w.cd[key] = true
	}
	return nil
}

// localHeader is _handle_local_file_header: the name, the extras, no data
// descriptor, and sizes equal to the central directory's.
func (w *zipWalk) localHeader() error {
	h, err := w.read(26)
	if err != nil {
		return err
	}
	flags, method := binary.LittleEndian.Uint16(h[2:]), binary.LittleEndian.Uint16(h[4:])
	compressed, uncompressed := uint64(binary.LittleEndian.Uint32(h[14:])), uint64(binary.LittleEndian.Uint32(h[18:]))
	name, err := w.read(int64(binary.LittleEndian.Uint16(h[22:])))
	if err != nil {
		return err
	}
	extra, err := w.read(int64(binary.LittleEndian.Uint16(h[24:])))
	if err != nil {
		return err
	}
	if unprintable(name) {
		return errFraming("Invalid character in filename")
	}
	if compressed, uncompressed, err = localExtras(extra, method, compressed, uncompressed); err != nil {
		return err
	}
	if flags&0x08 != 0 {
		return errFraming("ZIP contains a data descriptor")
	}
	if !utf8.Valid(name) {
		return errFraming("Filename not unicode")
	}
	sizes, ok := w.central[string(name)]
	switch {
	case !ok:
		return errFraming("Filename not in central directory")
	case sizes[0] != compressed:
		return errFraming("Mis-matched data size")
	case sizes[1] != uncompressed:
		return errFraming("Mis-matched file size")
	}
	// Python's seek by a size past a signed 64-bit offset raises (a
	// server error); the index words it as the nearest reason. A smaller
	// size seeks past the end: the next read finds the file malformed.
	if compressed > math.MaxInt64-uint64(w.pos) { // #nosec G115 -- pos >= 0
		return errFraming("Negative offset")
	}
	w.pos += int64(compressed) // #nosec G115 -- bounded above
	if w.local[string(name)] {
		return errFraming("Duplicate filename in local headers")
	}
	w.local[string(name)] = true
	return nil
}

// localExtras checks a local header's extra fields as Warehouse does: no
// ZIP64 or Unicode-path extra twice, ZIP64 extras of a valid length whose
// sizes replace the header's, Unicode paths printable and UTF-8. It
// returns the sizes to compare with the central directory.
func localExtras(extra []byte, method uint16, compressed, uncompressed uint64) (uint64, uint64, error) {
	seen := map[uint16]bool{}
	for len(extra) > 0 {
		if len(extra) < 4 {
			return 0, 0, errMalformed
		}
		id, n := binary.LittleEndian.Uint16(extra), int(binary.LittleEndian.Uint16(extra[2:]))
		if n+4 > len(extra) {
			return 0, 0, errMalformed
		}
		if seen[id] && (id == 0x0001 || id == 0x7075) {
			return 0, 0, errFraming("Invalid duplicate extra in local file")
		}
		seen[id] = true
		data := extra[4 : 4+n]
		switch id {
		case 0x0001: // ZIP64 extended information
			switch n {
			case 0:
				if compressed == 0xffffffff || uncompressed == 0xffffffff {
					return 0, 0, errMalformed
				}
			case 8:
				// Only the uncompressed size: the data must be stored.
				if method != zip.Store {
					return 0, 0, errMalformed
				}
				size := binary.LittleEndian.Uint64(data)
				compressed = size
				if uncompressed == 0xffffffff {
					uncompressed = size
				}
			case 16, 24, 28:
				if uncompressed == 0xffffffff {
					uncompressed = binary.LittleEndian.Uint64(data)
				}
				compressed = binary.LittleEndian.Uint64(data[8:])
			default:
				return 0, 0, errMalformed
			}
		case 0x7075: // Info-ZIP Unicode Path
			var path []byte
			if len(data) > 5 {
				path = data[5:]
			}
			if unprintable(path) {
				return 0, 0, errFraming("Invalid character in filename")
			}
			if !utf8.Valid(path) {
				return 0, 0, errFraming("Filename not valid UTF-8")
			}
		}
		extra = extra[4+n:]
	}
	return compressed, uncompressed, nil
}

// eocd is the end record: its counts and offsets must match the central
// directory walked (those of an EOCD64 record when one came first). The
// walk ends here; any comment is skipped.
func (w *zipWalk) eocd(start int64) error {
	if w.cdOffset < 0 {
		w.cdOffset = start
	}
	h, err := w.read(18)
	if err != nil {
		return err
	}
	onDisk, records := binary.LittleEndian.Uint16(h[4:]), binary.LittleEndian.Uint16(h[6:])
	if onDisk != records {
		return errMalformed
	}
	// Skipped, not read: a comment claiming more bytes than follow leaves
	// the position past the end, which the caller reports as trailing data.
	w.pos += int64(binary.LittleEndian.Uint16(h[16:]))
	if !w.actualEOCD64 || !w.eocdSet {
		w.eocdRecords, w.eocdCDSize, w.eocdCDOffset = uint64(records), uint64(binary.LittleEndian.Uint32(h[8:])), uint64(binary.LittleEndian.Uint32(h[12:]))
		w.eocdSet = true
	}
	switch {
	case w.eocdRecords != w.cdRecords:
		return errFraming("Mismatched central directory records")
	case w.eocdCDOffset != uint64(w.cdOffset): // #nosec G115 -- cdOffset >= 0 here
		return errFraming("Mismatched central directory offset")
	case w.eocdCDSize != w.cdSize:
		return errFraming("Mismatched central directory size")
	}
	return nil
}

// eocd64 is the ZIP64 end record, which must have no extensible data.
func (w *zipWalk) eocd64() error {
	h, err := w.read(52)
	if err != nil {
		return err
	}
	size := binary.LittleEndian.Uint64(h)
	onDisk, records := binary.LittleEndian.Uint64(h[20:]), binary.LittleEndian.Uint64(h[28:])
	if onDisk != records {
		return errMalformed
	}
	if size != 44 {
		return errFraming("ZIP64 extensible data not allowed")
	}
	w.eocdRecords, w.eocdCDSize, w.eocdCDOffset = records, binary.LittleEndian.Uint64(h[36:]), binary.LittleEndian.Uint64(h[44:])
	w.eocdSet = true
	return nil
}
