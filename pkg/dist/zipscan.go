package dist

import (
	"compress/flate"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/big"
	"math/bits"
	"strings"
)

// invalidDist is a refusal of the index's archive validation (§2 row 22),
// worded as the index words it; member names the member concerned.
func invalidDist(msg, member string) *FormatError {
	return &FormatError{Reason: "Invalid distribution file. " + msg, Member: member}
}

func zipNotAccepted(reason framingError, member string) *FormatError {
	return invalidDist("ZIP archive not accepted: "+string(reason)+". See https://docs.pypi.org/archives for more information", member)
}

// captured is a member read as it streamed past.
type captured struct {
	name         string // the local header's name, decoded as zipfile decodes it
	method       uint16
	csize        uint64
	data         []byte
	crc          uint32
	err          error
	whole        bool // every compressed byte was there
	uncompressed int64
	dataStart    int64 // where its compressed data starts in the file
}

// wheelScan is what scanning a wheel found.
type wheelScan struct {
	zip      *pyZip
	members  map[string][]byte // the members the checks read, by name
	distInfo map[string]bool
	unsafe   []string
}

// scanWheel reads a wheel from s in one pass and judges it as the index's
// _is_valid_dist_file does, in its order: zip and tar at once, the end
// record, the central directory, the compression ratio and methods, the
// WHEEL member, then the record walk. file (may be nil) is asked only for
// bytes a hostile archive puts outside the kept window.
func scanWheel(s *stream, file io.ReaderAt, dir string) (*wheelScan, error) {
	want := map[string]bool{dir + "/WHEEL": true, dir + "/METADATA": true, dir + "/RECORD": true, dir + "/entry_points.txt": true}
	caps := map[int64]*captured{}
	w := &zipWalk{s: s, capture: func(rec *localRecord, flags, method uint16) (int64, error) {
		name, err := decodeZipName(rec.name, flags)
		if err != nil || !want[name] {
			return 0, nil //nolint:nilerr // not a member the checks read
		}
		start := s.pos
		c, n, err := captureMember(s, name, method, rec.csize)
		if c != nil {
			c.dataStart = start
		}
		caps[rec.offset] = c
		return n, err
	}}
	if err := w.run(); err != nil {
		if _, ok := errors.AsType[*FormatError](err); ok {
			return nil, err
		}
		return nil, fmt.Errorf("reading the archive: %w", err)
	}
	if err := s.drain(); err != nil {
		return nil, fmt.Errorf("reading the archive: %w", err)
	}
	at := tail{s: s, file: file}
	_, endErr := findEndRecord(at, s.size)
	if endErr == nil && isTarHead(s.head) {
		return nil, invalidDist("File is both a zip and a tar file", "")
	}
	z, err := readCentralDirectory(at, s.size)
	if err != nil {
		return nil, zipOpenFailure(err)
	}
	if err := ratioAndMethods(z, s.size); err != nil {
		return nil, err
	}
	ws := &wheelScan{zip: z, members: map[string][]byte{}, distInfo: map[string]bool{}}
	wheel := z.byName[dir+"/WHEEL"]
	if wheel == nil {
		return nil, invalidDist("WHEEL not found at "+dir+"/WHEEL", "")
	}
	read := func(e *cdEntry) ([]byte, error) {
		return z.read(at, e, caps[int64(e.offset)]) // #nosec G115 -- compared with a map key only
	}
	b, err := read(wheel)
	if err != nil {
		return nil, &FormatError{Reason: noneReason, Member: wheel.name, Err: err}
	}
	ws.members[wheel.name] = b
	if reason, member := w.verdict(z); reason != "" {
		return nil, zipNotAccepted(reason, member)
	}
	for name := range want {
		if e := z.byName[name]; e != nil && e != wheel {
			if ws.members[name], err = read(e); err != nil {
				return nil, &FormatError{Reason: "reading " + name, Err: err}
			}
		}
	}
	return ws, ws.names()
}

// zipOpenFailure words a failure to open the zip as the index does.
func zipOpenFailure(err error) error {
	var oe *zipOpenError
	switch {
	case errors.Is(err, errNotZip):
		return invalidDist("File is not a zipfile", "")
	case errors.As(err, &oe):
		return &FormatError{Reason: noneReason, Err: oe}
	}
	return err
}

// ratioAndMethods are the index's decompression-bomb rule and its
// compression methods, both judged on the central directory.
func ratioAndMethods(z *pyZip, size int64) error {
	// The sizes summed in 128 bits: hostile headers can claim sizes whose
	// sum wraps a uint64, and the index sums without limit.
	var hi, lo uint64
	for _, e := range z.entries {
		var carry uint64
		lo, carry = bits.Add64(lo, e.usize, 0)
		hi += carry
	}
	if expandsTooMuch(hi, lo, size) {
		expanded := new(big.Int).Lsh(new(big.Int).SetUint64(hi), 64)
		expanded.Or(expanded, new(big.Int).SetUint64(lo))
		return &FormatError{Reason: fmt.Sprintf("Invalid distribution file. File exceeds compression ratio of %d", bombRatio),
			Err: fmt.Errorf("%d bytes expand to %s", size, expanded)}
	}
	for _, e := range z.entries {
		if e.method != 0 && e.method != 8 {
			return &FormatError{Reason: "Invalid distribution file. File does not use a supported compression type",
				Member: e.name, Err: fmt.Errorf("method %d; only stored (0) and deflated (8) are allowed", e.method)}
		}
	}
	return nil
}

// names records the .dist-info directories, and the names an extraction
// should not trust (warnings: PyPI takes them).
func (ws *wheelScan) names() error {
	for _, e := range ws.zip.entries {
		if why := unsafeName(e.name); why != "" {
			ws.unsafe = append(ws.unsafe, why)
		}
		if top, _, ok := strings.Cut(e.name, "/"); ok && strings.HasSuffix(top, ".dist-info") {
			ws.distInfo[top] = true
		}
	}
	return nil
}

// captureMember inflates a member the checks need while it streams past,
// up to maxMetadataSize, and consumes at most csize bytes.
func captureMember(s *stream, name string, method uint16, csize uint64) (*captured, int64, error) {
	c := &captured{name: name, method: method, csize: csize}
	lr := &countingReader{r: io.LimitReader(s, int64(min(csize, 1<<62)))} // #nosec G115 -- clamped
	c.data, c.crc, c.err = inflate(lr, method)
	c.whole = uint64(lr.n) == csize // #nosec G115 -- n >= 0
	return c, lr.n, lr.err
}

// countingReader counts the bytes read and keeps the reader's own error
// apart from the decompressor's.
type countingReader struct {
	r   io.Reader
	n   int64
	err error
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if err != nil && !errors.Is(err, io.EOF) {
		c.err = err
	}
	return n, err
}

// inflate reads a stored or deflated member, bounded, with its CRC-32.
func inflate(r io.Reader, method uint16) ([]byte, uint32, error) {
	switch method {
	case 0:
	case 8:
		fr := flate.NewReader(r)
		defer func() { _ = fr.Close() }()
		r = fr
	default:
		return nil, 0, fmt.Errorf("compression method %d", method)
	}
	b, err := io.ReadAll(io.LimitReader(r, maxMetadataSize+1))
	if err != nil {
		return nil, 0, err
	}
	if len(b) > maxMetadataSize {
		return nil, 0, errTooLarge
	}
	return b, crc32.ChecksumIEEE(b), nil
}

var errTooLarge = fmt.Errorf("larger than %d MiB", maxMetadataSize>>20)

// expandsTooMuch is the index's decompression-bomb rule for zip files: the
// members' uncompressed sizes (the 128-bit sum hi:lo) add up to more than
// bombThreshold, and divided by the file's size give more than bombRatio.
// The index divides in floating point; integer division would let ratios
// just over the limit pass. Comparing sum > bombRatio*size exactly gives
// the float's answer for every file smaller than 256 TiB (past that, a
// float64 quotient near 50 rounds the excess 1/size away).
func expandsTooMuch(hi, lo uint64, size int64) bool {
	if hi == 0 && lo <= bombThreshold || size <= 0 {
		return false
	}
	limHi, limLo := bits.Mul64(bombRatio, uint64(size))
	return hi > limHi || hi == limHi && lo > limLo
}
