package dist

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"unicode/utf8"
)

// Record signatures of the zip format (APPNOTE.TXT 4.3).
const (
	sigLocal         = "PK\x03\x04"
	sigCentral       = "PK\x01\x02"
	sigEOCD          = "PK\x05\x06"
	sigEOCD64        = "PK\x06\x06"
	sigEOCD64Locator = "PK\x06\x07"
)

// framingError is one of the index's zip framing reasons
// (warehouse/utils/zipfiles.py), worded as the index words it.
type framingError string

func (e framingError) Error() string { return string(e) }

const errMalformedZip framingError = "Malformed zip file"

// localRecord is what a local header said, kept until the central
// directory is known: the checks against it run after the walk, in the
// walk's order.
type localRecord struct {
	offset       int64
	name         []byte
	csize, usize uint64
	fail         framingError // a reason found from the header alone
}

// zipWalk walks the records from the first byte to the end record, as
// the index's validate_zipfile does. Checks that need the central
// directory (which a stream meets last) are deferred: the walk records
// the local headers and the first reason it can tell alone, and
// [zipWalk.verdict] replays the walk's order once the directory is read.
type zipWalk struct {
	s   *stream
	pos int64 // where the walk is: past the end when a skip overshot

	locals  []localRecord
	cdNames [][]byte
	order   []int        // the records in walk order: i >= 0 is locals[i], else cdNames[-i-1]
	fail    framingError // the first reason needing no directory
	failAt  string       // the member whose record gave fail, if any

	cdRecords, cdSize uint64
	cdOffset          int64
	eocdSet           bool
	eocd              [3]uint64 // records, size, offset
	expect64, seen64  bool
	done              bool // the end record was reached

	// capture reads a member the checks need as it goes past and returns
	// how many of its bytes it consumed.
	capture func(rec *localRecord, flags, method uint16) (int64, error)
}

func (w *zipWalk) next(n int) ([]byte, error) {
	if w.pos != w.s.pos {
		return nil, errMalformedZip // a skip ran past the end
	}
	b, err := w.s.next(n)
	if errors.Is(err, errShort) {
		return nil, errMalformedZip
	}
	w.pos += int64(len(b))
	return b, err
}

func (w *zipWalk) skip(n uint64) error {
	// Python seeks by the size: past what a signed 64-bit offset holds
	// it raises (a server error at the index), which is worded as the
	// nearest reason; short of that it seeks past the end, and the next
	// read finds the file malformed.
	if n > math.MaxInt64-uint64(max(w.pos, 0)) { // #nosec G115 -- non-negative
		return framingError("Negative offset")
	}
	m := int64(n) // #nosec G115 -- n <= MaxInt64 - pos, checked above
	_, err := w.s.skip(m)
	w.pos += m
	return err
}

// run walks until the end record or the first reason, and returns an
// error only when reading failed.
func (w *zipWalk) run() error {
	w.cdOffset = -1
	for !w.done && w.fail == "" {
		start := w.pos
		w.failAt = ""
		sig, err := w.next(4)
		if err != nil {
			return w.stop(err)
		}
		if string(sig) != sigLocal {
			w.s.keepFromHere(start, sig)
		}
		if len(w.order) >= 2*maxEntries {
			return &FormatError{Reason: fmt.Sprintf("archive has more than %d entries", maxEntries)}
		}
		switch string(sig) {
		case sigCentral:
			err = w.central(start)
		case sigLocal:
			err = w.local(start)
		case sigEOCD:
			if w.expect64 && !w.seen64 {
				return w.stop(errMalformedZip)
			}
			err = w.end(start)
		case sigEOCD64:
			w.expect64 = true
			err = w.end64()
		case sigEOCD64Locator:
			_, err = w.next(16)
			w.seen64 = true
		default:
			err = framingError("Unknown record signature")
		}
		if err != nil {
			return w.stop(err)
		}
	}
	return nil
}

// stop records a framing reason, or passes a read error on.
func (w *zipWalk) stop(err error) error {
	if fe, ok := errors.AsType[framingError](err); ok {
		w.fail = fe
		return nil
	}
	return err
}

func unprintableName(name []byte) bool {
	for _, c := range name {
		if c < 0x20 || c == 0x7f {
			return true
		}
	}
	return false
}

// central is _handle_central_directory_header with the walk's
// bookkeeping; the name checks against the local headers are deferred.
func (w *zipWalk) central(start int64) error {
	if w.cdOffset < 0 {
		w.cdOffset = start
	}
	w.cdRecords++
	h, err := w.next(42)
	if err != nil {
		return err
	}
	le := binary.LittleEndian
	nameLen, extraLen, commentLen := le.Uint16(h[24:]), le.Uint16(h[26:]), le.Uint16(h[28:])
	name, err := w.next(int(nameLen)) // read before the comment is refused, only to name the member
	if err != nil && commentLen == 0 {
		return err
	}
	name = append([]byte(nil), name...)
	w.failAt = string(name)
	if commentLen != 0 {
		return framingError("Comment in central directory")
	}
	if _, err := w.next(int(extraLen)); err != nil {
		return err
	}
	if unprintableName(name) {
		return framingError("Invalid character in filename")
	}
	w.cdSize += cdHeaderLen + uint64(nameLen) + uint64(extraLen)
	w.cdNames = append(w.cdNames, name)
	w.order = append(w.order, -len(w.cdNames))
	return nil
}

// local is _handle_local_file_header up to the checks that need the
// directory, then the member's data, read when the checks need it.
func (w *zipWalk) local(start int64) error {
	h, err := w.next(26)
	if err != nil {
		return err
	}
	le := binary.LittleEndian
	flags, method := le.Uint16(h[2:]), le.Uint16(h[4:])
	rec := localRecord{offset: start, csize: uint64(le.Uint32(h[14:])), usize: uint64(le.Uint32(h[18:]))}
	nameLen, extraLen := int(le.Uint16(h[22:])), int(le.Uint16(h[24:]))
	name, err := w.next(nameLen)
	if err != nil {
		return err
	}
	rec.name = append([]byte(nil), name...)
	w.failAt = string(rec.name)
	extra, err := w.next(extraLen)
	if err != nil {
		return err
	}
	if unprintableName(rec.name) {
		return framingError("Invalid character in filename")
	}
	if err := rec.extras(extra, method); err != nil {
		return err
	}
	switch {
	case flags&0x08 != 0:
		return framingError("ZIP contains a data descriptor")
	case !utf8.Valid(rec.name):
		return framingError("Filename not unicode")
	}
	w.locals = append(w.locals, rec)
	w.order = append(w.order, len(w.locals)-1)
	if w.capture == nil || rec.csize > 1<<40 {
		return w.skip(rec.csize)
	}
	n, err := w.capture(&rec, flags, method)
	w.pos += n
	if err != nil {
		return err
	}
	return w.skip(rec.csize - uint64(n)) // #nosec G115 -- n <= csize
}

// extras checks the local extra fields as the index does and takes the
// ZIP64 sizes.
func (rec *localRecord) extras(extra []byte, method uint16) error {
	le := binary.LittleEndian
	seen := map[uint16]bool{}
	for len(extra) > 0 {
		if len(extra) < 4 {
			return errMalformedZip
		}
		id, n := le.Uint16(extra), int(le.Uint16(extra[2:]))
		if n+4 > len(extra) {
			return errMalformedZip
		}
		if seen[id] && (id == 0x0001 || id == 0x7075) {
			return framingError("Invalid duplicate extra in local file")
		}
		seen[id] = true
		data := extra[4 : 4+n]
		switch id {
		case 0x0001:
			if err := rec.zip64(data, method); err != nil {
				return err
			}
		case 0x7075:
			var path []byte
			if len(data) > 5 {
				path = data[5:]
			}
			if unprintableName(path) {
				return framingError("Invalid character in filename")
			}
			if !utf8.Valid(path) {
				return framingError("Filename not valid UTF-8")
			}
		}
		extra = extra[4+n:]
	}
	return nil
}

// zip64 applies a local ZIP64 extra of one of the lengths the index allows.
func (rec *localRecord) zip64(data []byte, method uint16) error {
	le := binary.LittleEndian
	switch len(data) {
	case 0:
		if rec.csize == 0xffffffff || rec.usize == 0xffffffff {
			return errMalformedZip
		}
	case 8: // only the uncompressed size: the data must be stored
		if method != 0 {
			return errMalformedZip
		}
		rec.csize = le.Uint64(data)
		if rec.usize == 0xffffffff {
			rec.usize = rec.csize
		}
	case 16, 24, 28:
		if rec.usize == 0xffffffff {
			rec.usize = le.Uint64(data)
		}
		rec.csize = le.Uint64(data[8:])
	default:
		return errMalformedZip
	}
	return nil
}

// end is the end record: the walk stops here after skipping the comment.
func (w *zipWalk) end(start int64) error {
	if w.cdOffset < 0 {
		w.cdOffset = start
	}
	h, err := w.next(18)
	if err != nil {
		return err
	}
	le := binary.LittleEndian
	onDisk, records := le.Uint16(h[4:]), le.Uint16(h[6:])
	if onDisk != records {
		return errMalformedZip
	}
	if err := w.skip(uint64(le.Uint16(h[16:]))); err != nil {
		return err
	}
	if !w.seen64 || !w.eocdSet {
		w.eocd = [3]uint64{uint64(records), uint64(le.Uint32(h[8:])), uint64(le.Uint32(h[12:]))}
		w.eocdSet = true
	}
	w.done = true
	return nil
}

// end64 is the ZIP64 end record, which must have no extensible data.
func (w *zipWalk) end64() error {
	h, err := w.next(52)
	if err != nil {
		return err
	}
	le := binary.LittleEndian
	if le.Uint64(h[20:]) != le.Uint64(h[28:]) {
		return errMalformedZip
	}
	if le.Uint64(h) != 44 {
		return framingError("ZIP64 extensible data not allowed")
	}
	w.eocd = [3]uint64{le.Uint64(h[28:]), le.Uint64(h[36:]), le.Uint64(h[44:])}
	w.eocdSet = true
	return nil
}

// verdict replays the walk with the directory zipfile read (names to
// compressed and uncompressed sizes, by original name) and returns the
// index's first reason, or "" when the framing is sound.
func (w *zipWalk) verdict(z *pyZip) (reason framingError, member string) {
	sizes := make(map[string][2]uint64, len(z.entries))
	for _, e := range z.entries {
		sizes[e.orig] = [2]uint64{e.csize, e.usize}
	}
	local, cd := map[string]bool{}, map[string]bool{}
	for _, i := range w.order {
		if i < 0 {
			name := string(w.cdNames[-i-1])
			switch {
			case cd[name]:
				return "Duplicate filename in central directory", name
			case !local[name]:
				return "Missing filename in local headers", name
			}
			cd[name] = true
			continue
		}
		rec := &w.locals[i]
		sz, ok := sizes[string(rec.name)]
		switch {
		case !ok:
			return "Filename not in central directory", string(rec.name)
		case sz[0] != rec.csize:
			return "Mis-matched data size", string(rec.name)
		case sz[1] != rec.usize:
			return "Mis-matched file size", string(rec.name)
		case local[string(rec.name)]:
			return "Duplicate filename in local headers", string(rec.name)
		}
		local[string(rec.name)] = true
	}
	if w.fail != "" {
		return w.fail, w.failAt
	}
	return w.endVerdict(len(local) == len(cd)), ""
}

// endVerdict is the end record's checks, the sets of names, and trailing
// data.
func (w *zipWalk) endVerdict(sameNames bool) framingError {
	switch {
	case w.eocd[0] != w.cdRecords:
		return "Mismatched central directory records"
	case w.cdOffset < 0 || w.eocd[2] != uint64(w.cdOffset):
		return "Mismatched central directory offset"
	case w.eocd[1] != w.cdSize:
		return "Mismatched central directory size"
	case !sameNames:
		return "Mis-matched local headers and central directory"
	case w.pos != w.s.size:
		return "Trailing data"
	}
	return ""
}
