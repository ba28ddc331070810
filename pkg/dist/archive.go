package dist

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/big"
	"math/bits"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pyupload/pyupload/internal/localfile"
)

// Limits on hostile archives. Real wheels have at most tens of thousands of
// members and metadata of a few hundred KiB.
const (
	maxEntries      = 100_000
	maxMetadataSize = 16 << 20 // METADATA / PKG-INFO, descriptions included
	// The index refuses archives that expand more than 50 times once they
	// expand past 64 MiB; the same bound stops a gzip bomb here.
	bombRatio     = 50
	bombThreshold = 64 << 20
)

// Dist is a distribution file read from disk: its parsed filename, its core
// metadata, its size and digests, and what [Check] needs to know about the
// archive's layout.
type Dist struct {
	Path     string    // as given to Open, or the name given to Read
	Filename *Filename // parsed base name
	Metadata *Metadata // from METADATA or PKG-INFO
	Digests            // size, sha256 and blake2b-256 of the whole file

	layout layout
}

// layout records the archive facts the index checks.
type layout struct {
	metadataPath string          // the member the metadata came from
	members      map[string]bool // cleaned member names
	distInfo     []string        // wheel: top-level *.dist-info directories
	topLevel     []string        // sdist: top-level names

	badEntryPoints bool     // wheel: entry_points.txt the index would refuse
	recordMismatch []string // wheel: members missing from RECORD or the archive
}

// Open reads the distribution at path. Errors name the file. Only a
// regular file is opened: a named pipe, a device, a socket or a directory
// is refused at once (a *localfile.NotRegularError), never waited on.
func Open(name string) (*Dist, error) {
	f, st, err := localfile.Open(name)
	if err != nil {
		return nil, err // *fs.PathError and *localfile.NotRegularError name the file
	}
	defer func() { _ = f.Close() }() // read-only: Close has nothing to report
	d, err := Read(f, st.Size(), name)
	if err != nil {
		return nil, &PathError{Path: name, Err: err}
	}
	return d, nil
}

// Read reads a distribution of the given size from r. name is the file's
// path or base name: it decides the kind and must follow the wheel or sdist
// naming rules. Read parses the filename, finds and parses the core
// metadata, and computes the digests in one sequential pass over r.
func Read(r io.ReaderAt, size int64, name string) (*Dist, error) {
	fn, err := ParseFilename(name)
	if err != nil {
		return nil, err
	}
	d := &Dist{Path: name, Filename: fn}
	var raw []byte
	switch {
	case fn.Kind == Wheel:
		raw, err = d.readWheel(r, size)
	case fn.LegacyZip():
		return nil, &FormatError{Reason: "legacy .zip sdists are rejected by the index (PEP 625 requires .tar.gz); build the sdist as .tar.gz"}
	default:
		raw, err = d.readSdist(io.NewSectionReader(r, 0, size), size)
	}
	if err != nil {
		return nil, err
	}
	if d.Metadata, err = ParseMetadata(raw); err != nil {
		if me, ok := errors.AsType[*MetadataError](err); ok {
			me.Member = d.layout.metadataPath
		}
		return nil, err
	}
	if d.Digests, err = Digest(io.NewSectionReader(r, 0, size)); err != nil {
		return nil, fmt.Errorf("computing digests: %w", err)
	}
	return d, nil
}

func (d *Dist) readWheel(r io.ReaderAt, size int64) ([]byte, error) {
	base := d.Filename.Base
	if e, ok := readEOCD(r, size); ok {
		switch {
		case e.entries > maxEntries:
			return nil, &FormatError{Reason: fmt.Sprintf("archive has %d entries, more than the %d allowed", e.entries, maxEntries)}
		case e.trailing:
			return nil, zipNotAccepted("data follows the end of the archive")
		}
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, &FormatError{Reason: "File is not a zipfile", Err: err}
	}
	if len(zr.File) > maxEntries {
		return nil, &FormatError{Reason: fmt.Sprintf("archive has %d entries, more than the %d allowed", len(zr.File), maxEntries)}
	}
	d.layout.members = make(map[string]bool, len(zr.File))
	// The members' sizes summed in 128 bits: hostile headers can claim
	// sizes whose sum wraps a uint64, and the index sums without limit.
	var expandedHi, expandedLo uint64
	distInfo := map[string]bool{}
	for _, f := range zr.File {
		if err := checkMemberName(f.Name); err != nil {
			return nil, err
		}
		if d.layout.members[f.Name] {
			return nil, zipNotAccepted("duplicate member name " + quote(f.Name))
		}
		if err := checkZipFraming(f); err != nil {
			return nil, err
		}
		d.layout.members[f.Name] = true
		if f.Method != zip.Store && f.Method != zip.Deflate {
			return nil, &FormatError{Reason: fmt.Sprintf("File does not use a supported compression type (%s uses method %d; only stored and deflated are allowed)", quote(f.Name), f.Method)}
		}
		var carry uint64
		expandedLo, carry = bits.Add64(expandedLo, f.UncompressedSize64, 0)
		expandedHi += carry
		if top, _, ok := strings.Cut(f.Name, "/"); ok && strings.HasSuffix(top, ".dist-info") {
			distInfo[top] = true
		}
	}
	if expandsTooMuch(expandedHi, expandedLo, size) {
		expanded := new(big.Int).Lsh(new(big.Int).SetUint64(expandedHi), 64)
		expanded.Or(expanded, new(big.Int).SetUint64(expandedLo))
		return nil, &FormatError{Reason: fmt.Sprintf("File exceeds compression ratio of %d (%d bytes expand to %s)", bombRatio, size, expanded)}
	}
	d.layout.distInfo = sortedKeys(distInfo)

	// The index looks members up under the raw name-version of the filename.
	dir := d.Filename.Name + "-" + d.Filename.Version + ".dist-info"
	d.layout.metadataPath = dir + "/METADATA"
	var meta *zip.File
	for _, f := range zr.File {
		if f.Name == d.layout.metadataPath {
			meta = f
		}
	}
	if meta == nil {
		reason := fmt.Sprintf("Wheel '%s' does not contain the required METADATA file: %s", base, d.layout.metadataPath)
		if len(d.layout.distInfo) > 0 && !distInfo[dir] {
			reason += " (found " + strings.Join(d.layout.distInfo, ", ") + ")"
		}
		return nil, &FormatError{Reason: reason}
	}
	raw, err := readZipMember(meta)
	if err != nil {
		return nil, err
	}
	for _, f := range zr.File {
		switch f.Name {
		case dir + "/entry_points.txt":
			b, err := readZipMember(f)
			if err != nil {
				return nil, err
			}
			d.layout.badEntryPoints = !validEntryPoints(b)
		case dir + "/RECORD":
			b, err := readZipMember(f)
			if err != nil {
				return nil, err
			}
			d.layout.recordMismatch = recordMismatch(b, d.layout.members, dir)
		}
	}
	return raw, nil
}

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

// checkZipFraming applies the index's framing rules for one zip member
// (docs/index-server.md §9) that archive/zip would let through: no data
// descriptor, no comment on the member (one on the archive is fine), no
// control character in the name.
func checkZipFraming(f *zip.File) error {
	switch {
	case f.Flags&0x08 != 0:
		return zipNotAccepted("ZIP contains a data descriptor (member " + quote(f.Name) + "; its sizes and CRC-32 must be in its local header)")
	case f.Comment != "":
		return zipNotAccepted("Comment in central directory (member " + quote(f.Name) + ")")
	case strings.ContainsFunc(f.Name, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return zipNotAccepted("Invalid character in filename " + strconv.Quote(f.Name))
	}
	return nil
}

func readZipMember(f *zip.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, &FormatError{Reason: "reading " + f.Name, Err: err}
	}
	defer func() { _ = rc.Close() }()
	return readCapped(rc, f.Name)
}

func readCapped(r io.Reader, name string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxMetadataSize+1))
	if err != nil {
		return nil, &FormatError{Reason: "reading " + name, Err: err}
	}
	if len(b) > maxMetadataSize {
		return nil, &FormatError{Reason: fmt.Sprintf("%s is larger than %d MiB", name, maxMetadataSize>>20)}
	}
	return b, nil
}

func zipNotAccepted(reason string) error {
	return &FormatError{Reason: "ZIP archive not accepted: " + reason + ". See https://docs.pypi.org/archives for more information"}
}

// checkMemberName refuses names that could escape an extraction directory
// or that the index would refuse: absolute paths, "..", backslashes and
// invalid UTF-8.
func checkMemberName(name string) error {
	switch {
	case !utf8.ValidString(name):
		return zipNotAccepted("member name is not UTF-8")
	case name == "" || strings.HasPrefix(name, "/") || strings.Contains(name, `\`):
		return &FormatError{Reason: "unsafe member path " + quote(name)}
	}
	if slices.Contains(strings.Split(name, "/"), "..") {
		return &FormatError{Reason: "unsafe member path " + quote(name)}
	}
	return nil
}

// eocd is what the end-of-central-directory record says about a zip.
type eocd struct {
	entries  uint64 // from the zip64 record when the classic field overflows
	trailing bool   // bytes follow the record (and its comment, which is allowed)
}

// readEOCD parses the end-of-central-directory record (and its zip64 form)
// before archive/zip does, so an archive that claims millions of entries is
// refused before anything is allocated for them, and so trailing data,
// which the index refuses, is caught. ok is false when no
// record is found; archive/zip then reports the error.
func readEOCD(r io.ReaderAt, size int64) (e eocd, ok bool) {
	const eocdLen, maxComment = 22, 65535
	tail := min(size, eocdLen+maxComment)
	buf := make([]byte, tail)
	if _, err := r.ReadAt(buf, size-tail); err != nil {
		return e, false
	}
	i := bytes.LastIndex(buf, []byte("PK\x05\x06"))
	if i < 0 || len(buf)-i < eocdLen {
		return e, false
	}
	commentLen := int(binary.LittleEndian.Uint16(buf[i+20:]))
	e.trailing = i+eocdLen+commentLen < len(buf)
	e.entries = uint64(binary.LittleEndian.Uint16(buf[i+10:]))
	if e.entries != 0xffff {
		return e, true
	}
	// zip64: the locator sits just before the EOCD and points at the record.
	loc := i - 20
	if loc < 0 || string(buf[loc:loc+4]) != "PK\x06\x07" {
		return e, false
	}
	off := binary.LittleEndian.Uint64(buf[loc+8:])
	if size < 40 || off > uint64(size-40) {
		return e, false
	}
	start := int64(off) // #nosec G115 -- off < size, checked above
	rec := make([]byte, 40)
	if _, err := r.ReadAt(rec, start); err != nil || string(rec[:4]) != "PK\x06\x06" {
		return e, false
	}
	e.entries = binary.LittleEndian.Uint64(rec[32:])
	return e, true
}

// boundedReader fails once more than limit bytes have been read: the
// decompressed side of a gzip bomb.
type boundedReader struct {
	r     io.Reader
	n     int64
	limit int64
}

var errTooExpanded = errors.New("too expanded")

func (b *boundedReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.n += int64(n)
	if b.n > b.limit {
		return n, errTooExpanded
	}
	return n, err
}

func (d *Dist) readSdist(r io.Reader, size int64) ([]byte, error) {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return nil, &FormatError{Reason: "File is not a tarfile (not gzip-compressed)", Err: err}
	}
	defer func() { _ = gz.Close() }()
	limit := max(bombThreshold, bombRatio*size)
	br := &boundedReader{r: gz, limit: limit}
	tr := tar.NewReader(br)
	d.layout.members = map[string]bool{}
	tops := map[string]bool{}
	pkgInfo := map[string][]byte{} // top → PKG-INFO
	entries := 0
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if errors.Is(err, errTooExpanded) {
				return nil, &FormatError{Reason: fmt.Sprintf("File exceeds compression ratio of %d (expands past %d bytes)", bombRatio, limit)}
			}
			return nil, &FormatError{Reason: "File is not a tarfile", Err: err}
		}
		if entries++; entries > maxEntries {
			return nil, &FormatError{Reason: fmt.Sprintf("archive has more than %d entries", maxEntries)}
		}
		switch h.Typeflag {
		case tar.TypeReg, tar.TypeDir:
		case tar.TypeXGlobalHeader: // written by git archive; carries no member
			continue
		default:
			return nil, &FormatError{Reason: fmt.Sprintf("tar archive not accepted: member %s is not a regular file or directory (type %q)", quote(h.Name), h.Typeflag)}
		}
		name := strings.TrimPrefix(path.Clean(strings.TrimPrefix(h.Name, "./")), "./")
		if err := checkMemberName(name); err != nil {
			return nil, err
		}
		if name == "." {
			continue
		}
		d.layout.members[name] = true
		top, rest, _ := strings.Cut(name, "/")
		tops[top] = true
		if rest == "PKG-INFO" && h.Typeflag == tar.TypeReg {
			b, err := readCapped(tr, name)
			if err != nil {
				if errors.Is(err, errTooExpanded) {
					return nil, &FormatError{Reason: fmt.Sprintf("File exceeds compression ratio of %d (expands past %d bytes)", bombRatio, limit)}
				}
				return nil, err
			}
			pkgInfo[top] = b
		}
	}
	d.layout.topLevel = sortedKeys(tops)
	if len(tops) != 1 {
		return nil, &FormatError{Reason: fmt.Sprintf("Incorrect number of top-level directories in sdist (want 1, found %d: %s)", len(tops), strings.Join(d.layout.topLevel, ", "))}
	}
	top := d.layout.topLevel[0]
	d.layout.metadataPath = top + "/PKG-INFO"
	b, ok := pkgInfo[top]
	if !ok {
		return nil, &FormatError{Reason: "PKG-INFO not found at " + d.layout.metadataPath}
	}
	return b, nil
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
