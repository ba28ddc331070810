package fakeindex

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"compress/flate"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"os"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/pyupload/pyupload/pkg/dist"
)

// maxMemberSize caps the archive members the index reads (METADATA,
// RECORD, entry_points.txt, WHEEL, PKG-INFO).
const maxMemberSize = 16 << 20

// Warehouse's decompression-bomb rule for zip files: more than 50 times
// expansion, once the members add up to more than 64 MiB
// (COMPRESSION_RATIO_THRESHOLD, COMPRESSION_RATIO_MIN_SIZE).
const (
	bombRatio     = 50
	bombThreshold = 64 << 20
)

// msgArchives ends the framing messages, as Warehouse words them.
const msgArchives = ". See https://docs.pypi.org/archives for more information"

func invalidDist(msg string) *reply {
	return badRequest("Invalid distribution file. %s", msg)
}

// checkArchive runs rows 22 to 24 on the spooled file: Warehouse's
// _is_valid_dist_file, then the sdist or wheel filename and member rules.
// For a wheel it returns the METADATA member (PEP 658).
func checkArchive(c *spooled, filetype string, meta *metaInfo) ([]byte, *reply) {
	f, err := os.Open(c.path) // #nosec G703 -- the spool file the index created
	if err != nil {
		return nil, &reply{status: http.StatusInternalServerError, message: "fakeindex: " + err.Error()}
	}
	defer func() { _ = f.Close() }()
	fn := c.filename
	if isZipfile(f, c.size) && isTarfile(f, c.size) {
		return nil, invalidDist("File is both a zip and a tar file")
	}

	var zr *zip.Reader
	var tarMembers map[string]bool
	switch {
	case strings.HasSuffix(fn, ".zip") || strings.HasSuffix(fn, ".whl"):
		zr, err = zip.NewReader(f, c.size)
		if err != nil {
			return nil, invalidDist("File is not a zipfile")
		}
		if rp := checkZip(f, c.size, zr, fn); rp != nil {
			return nil, rp
		}
	case strings.HasSuffix(fn, ".tar.gz"):
		var rp *reply
		if tarMembers, rp = checkTar(f); rp != nil {
			return nil, rp
		}
	}

	if filetype == filetypeSdist {
		return nil, checkSdist(fn, meta, tarMembers)
	}
	return checkWheel(zr, fn, meta)
}

// checkZip is _is_valid_dist_file for .whl and .zip files, in its order:
// expansion ratio, compression methods, the member the kind requires, then
// the record framing (zipFraming).
func checkZip(r io.ReaderAt, size int64, zr *zip.Reader, fn string) *reply {
	if expandsTooMuch(zr, size) {
		return invalidDist(fmt.Sprintf("File exceeds compression ratio of %d", bombRatio))
	}
	for _, zf := range zr.File {
		if zf.Method != zip.Store && zf.Method != zip.Deflate {
			return invalidDist("File does not use a supported compression type")
		}
	}
	target := ""
	if strings.HasSuffix(fn, ".zip") {
		list := make([]string, 0, len(zr.File))
		for _, zf := range zr.File {
			list = append(list, zf.Name)
		}
		top := commonPath(list)
		if top == "" || top == "." || top == "/" {
			return invalidDist("Incorrect number of top-level directories in sdist")
		}
		target = top + "/PKG-INFO"
		if member(zr, target) == nil {
			return invalidDist("PKG-INFO not found at " + target)
		}
	} else {
		parts := strings.SplitN(fn, "-", 3)
		if len(parts) < 3 {
			return invalidDist("Unable to parse name and version from wheel filename")
		}
		target = parts[0] + "-" + parts[1] + ".dist-info/WHEEL"
		if member(zr, target) == nil {
			return invalidDist("WHEEL not found at " + target)
		}
	}
	// ZipFile.read decompresses the member and checks its CRC; a failure
	// is a BadZipFile, which _is_valid_dist_file reports as None.
	if _, err := readMember(zr, target); err != nil || overlapped(zr, member(zr, target)) {
		return invalidDist("None")
	}
	if reason := zipFraming(r, size, zr); reason != "" {
		return invalidDist("ZIP archive not accepted: " + reason + msgArchives)
	}
	return nil
}

// expandsTooMuch is the bomb rule as Python computes it: the members'
// sizes summed without overflow (Python's integers), divided by the
// file's size as a correctly rounded float.
func expandsTooMuch(zr *zip.Reader, size int64) bool {
	sum := new(big.Int)
	for _, zf := range zr.File {
		sum.Add(sum, new(big.Int).SetUint64(zf.UncompressedSize64))
	}
	if sum.Cmp(big.NewInt(bombThreshold)) <= 0 || size <= 0 {
		return false
	}
	ratio, _ := new(big.Rat).SetFrac(sum, big.NewInt(size)).Float64()
	return ratio > bombRatio
}

// checkTar is _is_valid_dist_file for .tar.gz files: the whole stream must
// read as a gzip-compressed tar (tarfile.open and getnames), without
// sparse members, under one top-level directory holding PKG-INFO. It
// returns the member names as Python's tarfile gives them (directories
// without their trailing slash), which the License-File rule looks up.
func checkTar(f *os.File) (map[string]bool, *reply) {
	br := bufio.NewReader(f)
	gz, err := gzip.NewReader(br)
	if err != nil {
		// tarfile.is_tarfile tries every compression: an uncompressed tar
		// is a tarfile, which "r:gz" then fails to open.
		if _, serr := f.Seek(0, io.SeekStart); serr == nil {
			if _, terr := tar.NewReader(f).Next(); terr == nil {
				return nil, invalidDist("None")
			}
		}
		return nil, invalidDist("File is not a tarfile")
	}
	defer func() { _ = gz.Close() }()
	gz.Multistream(false)
	pg := &pyGzip{br: br, gz: gz}
	zerr := &firstErr{r: pg}
	names, list, sparse, rp := tarNames(tar.NewReader(zerr), zerr)
	if rp != nil {
		return nil, rp
	}
	// Python's gzip decompresses up to 128 KiB per read: corrupt deflate
	// data in the rest of the current member fails the read that
	// brought the archive's end. A cut stream or a bad trailer would
	// fail only a next read, which tarfile never makes after the end.
	pg.stop = true
	_, _ = io.CopyN(io.Discard, zerr, 128<<10)
	if _, ok := errors.AsType[flate.CorruptInputError](zerr.err); ok {
		return nil, invalidDist("None")
	}
	if sparse {
		return nil, invalidDist("tar archive not accepted: Sparse members are not allowed" + msgArchives)
	}
	top := commonPath(list)
	if top == "" || top == "." || top == "/" {
		return nil, invalidDist("Incorrect number of top-level directories in sdist")
	}
	if target := top + "/PKG-INFO"; !names[target] {
		return nil, invalidDist("PKG-INFO not found at " + target)
	}
	return names, nil
}

// tarNames reads the members as TarFile.getmembers does: their names
// (directories without their trailing slash), in order and as a set, and
// whether one is sparse.
func tarNames(tr *tar.Reader, zerr *firstErr) (names map[string]bool, list []string, sparse bool, rp *reply) {
	names = map[string]bool{}
	for first := true; ; first = false {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			// is_tarfile reads the first header. Later, a broken gzip or
			// deflate stream is an EOFError or zlib.error, reported as
			// None, but a header that does not parse (a negative size
			// too, an invalid offset) ends the archive: TarFile.next()
			// takes it for the end.
			switch {
			case first:
				return nil, nil, false, invalidDist("File is not a tarfile")
			case zerr.err != nil || errors.Is(err, errBadGzip):
				return nil, nil, false, invalidDist("None")
			}
			break
		}
		if h.Typeflag == tar.TypeXGlobalHeader {
			continue // pax global headers are no members in tarfile
		}
		if h.Typeflag == tar.TypeGNUSparse {
			sparse = true
		}
		// tarfile's _proc_pax: GNU sparse format 0.1 (a map), 0.0 (a
		// size), or 1.0 (major 1, minor 0); other GNU.sparse keys alone
		// make no sparse member.
		pax := h.PAXRecords
		_, map01 := pax["GNU.sparse.map"]
		_, size00 := pax["GNU.sparse.size"]
		sparse = sparse || map01 || size00 || pax["GNU.sparse.major"] == "1" && pax["GNU.sparse.minor"] == "0"
		name := h.Name
		if h.Typeflag == tar.TypeDir {
			name = strings.TrimRight(name, "/")
		}
		names[name] = true
		list = append(list, name)
	}
	return names, list, sparse, nil
}

// commonPath is os.path.commonpath over archive member names: the longest
// common run of components, ignoring empty and "." components.
func commonPath(names []string) string {
	if len(names) == 0 {
		return ""
	}
	var common []string
	for i, n := range names {
		var comps []string
		for c := range strings.SplitSeq(n, "/") {
			if c != "" && c != "." {
				comps = append(comps, c)
			}
		}
		if i == 0 {
			common = comps
			continue
		}
		k := 0
		for k < len(common) && k < len(comps) && common[k] == comps[k] {
			k++
		}
		common = common[:k]
	}
	prefix := ""
	if strings.HasPrefix(names[0], "/") {
		prefix = "/"
	}
	return prefix + strings.Join(common, "/")
}

// checkSdist is row 23: PEP 625 names, then License-File members (looked
// up in members, the tar's names).
func checkSdist(fn string, meta *metaInfo, members map[string]bool) *reply {
	stem, ok := strings.CutSuffix(fn, ".tar.gz")
	if !ok {
		stem = strings.TrimSuffix(fn, ".zip")
	}
	i := strings.LastIndexByte(stem, '-')
	if i < 0 {
		return badRequest("Invalid source distribution filename: %s", fn)
	}
	if _, err := dist.ParseVersion(stem[i+1:]); err != nil {
		return badRequest("Invalid source distribution filename: %s", fn)
	}
	nameFromFilename := stem[:i]
	norm := canonicalName(meta.name)
	// Warehouse's edge case for post-releases spelled with a hyphen
	// ("1.0-1"): split at the second-to-last hyphen instead.
	if strings.Contains(meta.version.String(), ".post") && canonicalName(nameFromFilename) != norm && strings.Count(fn, "-") >= 2 {
		nameFromFilename = fn[:strings.LastIndexByte(fn, '-')]
		if j := strings.LastIndexByte(nameFromFilename, '-'); j >= 0 {
			nameFromFilename = nameFromFilename[:j]
		} else {
			nameFromFilename = ""
		}
	}
	want := strings.ReplaceAll(norm, "-", "_")
	if canonicalName(nameFromFilename) != norm {
		return badRequest("Start filename for %s with %s.", pyRepr(meta.name), pyRepr(want))
	}
	expected := want + "-" + meta.version.String() + ".tar.gz"
	if fn != expected {
		return badRequest("Filename %s is invalid, should be %s.", pyRepr(fn), pyRepr(expected))
	}
	licenses := meta.values["license_file"]
	if len(licenses) == 0 {
		return nil
	}
	list := make([]string, 0, len(members))
	for n := range members {
		list = append(list, n)
	}
	top := commonPath(list)
	for _, lf := range licenses {
		target := lf
		if top != "" {
			target = top + "/" + lf
		}
		if !members[target] {
			return badRequest("License-File %s does not exist in distribution file %s at %s", lf, fn, target)
		}
	}
	return nil
}

var (
	wheelNamePartRE = regexp.MustCompile(`^[\p{L}\p{N}\p{Mn}\p{Mc}\p{Pc}._]*$`)
	buildTagRE      = regexp.MustCompile(`^[0-9]+`)
)

// checkWheel is row 24: packaging's parse_wheel_filename, platform tags,
// name and version against the metadata, then the members Warehouse needs.
func checkWheel(zr *zip.Reader, fn string, meta *metaInfo) ([]byte, *reply) {
	stem := strings.TrimSuffix(fn, ".whl")
	dashes := strings.Count(stem, "-")
	if dashes != 4 && dashes != 5 {
		return nil, badRequest("Invalid wheel filename (wrong number of parts): %s", pyRepr(stem))
	}
	parts := strings.SplitN(stem, "-", dashes-1)
	if strings.Contains(parts[0], "__") || !wheelNamePartRE.MatchString(parts[0]) {
		return nil, badRequest("Invalid project name: %s", pyRepr(stem))
	}
	version, err := dist.ParseVersion(parts[1])
	if err != nil {
		return nil, badRequest("Invalid wheel filename (invalid version): %s", pyRepr(stem))
	}
	if dashes == 5 && !buildTagRE.MatchString(parts[2]) {
		return nil, badRequest("Invalid build number: %s in %s", parts[2], pyRepr(stem))
	}
	tags := strings.Split(parts[len(parts)-1], "-")
	for plat := range strings.SplitSeq(strings.ToLower(tags[len(tags)-1]), ".") {
		if !validPlatformTag(plat) {
			return nil, badRequest("Binary wheel '%s' has an unsupported platform tag '%s'.", fn, plat)
		}
	}
	canonical := canonicalName(meta.name)
	if canonicalName(parts[0]) != canonical {
		return nil, badRequest("Start filename for %s with %s.", pyRepr(meta.name), pyRepr(strings.ReplaceAll(canonical, "-", "_")))
	}
	if want := strings.ReplaceAll(canonical, "-", "_"); parts[0] != want {
		return nil, badRequest("Filename %s should contain the normalized project name %s, not %s.", pyRepr(fn), pyRepr(want), pyRepr(parts[0]))
	}
	if !meta.version.Equal(version) {
		return nil, badRequest("Version in filename should be %s not %s.", pyRepr(meta.version.String()), pyRepr(version.String()))
	}

	if zr == nil {
		return nil, invalidDist("File is not a zipfile")
	}
	dir := parts[0] + "-" + parts[1] + ".dist-info"
	for _, lf := range meta.values["license_file"] {
		if p := dir + "/licenses/" + lf; member(zr, p) == nil {
			return nil, badRequest("License-File %s does not exist in distribution file %s at %s", lf, fn, p)
		}
	}
	record, err := readMember(zr, dir+"/RECORD")
	if err != nil || !utf8.Valid(record) || !validCSV(record) {
		return nil, badRequest("Wheel '%s' does not contain the required RECORD file: %s", fn, dir+"/RECORD")
	}
	if ep, err := readMember(zr, dir+"/entry_points.txt"); err == nil && !validEntryPoints(ep) {
		return nil, badRequest("Wheel '%s' has invalid entry points defined in the entry_points.txt file", fn)
	}
	metadata, err := readMember(zr, dir+"/METADATA")
	if err != nil {
		return nil, badRequest("Wheel '%s' does not contain the required METADATA file: %s", fn, dir+"/METADATA")
	}
	if len(fn+".metadata") > 255 {
		return nil, badRequest("Filename is too long: '%s'", fn)
	}
	return metadata, nil
}

// member returns the archive member named exactly name (the last one, as
// Python's zipfile does), or nil.
func member(zr *zip.Reader, name string) *zip.File {
	var found *zip.File
	for _, zf := range zr.File {
		if zf.Name == name {
			found = zf
		}
	}
	return found
}

var errNoMember = errors.New("no such member")

// overlapped is zipfile's "Overlapped entries" test, which archive/zip
// does not make: the member's data runs into another member's header,
// here seen as another member's data starting inside it.
func overlapped(zr *zip.Reader, zf *zip.File) bool {
	start, err := zf.DataOffset()
	if err != nil {
		return true
	}
	end := start + int64(min(zf.CompressedSize64, 1<<62)) // #nosec G115 -- clamped
	for _, other := range zr.File {
		if other == zf {
			continue
		}
		if o, err := other.DataOffset(); err == nil && o > start && o < end {
			return true
		}
	}
	return false
}

func readMember(zr *zip.Reader, name string) ([]byte, error) {
	zf := member(zr, name)
	if zf == nil {
		return nil, errNoMember
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer func() { _ = rc.Close() }()
	b, err := io.ReadAll(io.LimitReader(rc, maxMemberSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxMemberSize {
		return nil, fmt.Errorf("%s is larger than %d bytes", name, maxMemberSize)
	}
	return b, nil
}

func validCSV(b []byte) bool {
	r := csv.NewReader(strings.NewReader(string(b)))
	r.FieldsPerRecord = -1
	r.LazyQuotes = false
	_, err := r.ReadAll()
	return err == nil
}

// firstErr keeps the first error other than io.EOF that r gave.
type firstErr struct {
	r   io.Reader
	err error
}

func (f *firstErr) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	// A bad next member matters only when the archive needed its bytes
	// (the caller sees it then).
	if err != nil && err != io.EOF && !errors.Is(err, errBadGzip) && f.err == nil {
		f.err = err
	}
	return n, err
}

// errBadGzip is bytes after a gzip member that start no other member:
// Python's gzip raises BadGzipFile when it has to read them.
var errBadGzip = errors.New("not a gzip member")

// pyGzip reads gzip members one after another, as Python's gzip module
// does: a next member's header only when more bytes are asked for, and
// never past the current member once stop is set.
type pyGzip struct {
	br   *bufio.Reader
	gz   *gzip.Reader
	stop bool
}

func (p *pyGzip) Read(b []byte) (int, error) {
	for {
		n, err := p.gz.Read(b)
		if n > 0 && errors.Is(err, io.EOF) && !p.stop {
			return n, nil // a next member comes on the next call, as in Python
		}
		if !errors.Is(err, io.EOF) || n > 0 || p.stop {
			return n, err
		}
		if _, perr := p.br.Peek(1); perr != nil {
			return 0, io.EOF
		}
		if rerr := p.gz.Reset(p.br); rerr != nil {
			return 0, errBadGzip
		}
		p.gz.Multistream(false)
	}
}
