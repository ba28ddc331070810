package fakeindex

import (
	"archive/tar"
	"archive/zip"
	"compress/flate"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pyupload/pyupload/pkg/dist"
)

// maxMemberSize caps the archive members the index reads (METADATA,
// RECORD, entry_points.txt).
const maxMemberSize = 16 << 20

// Warehouse's decompression-bomb rule: more than 50 times expansion, once
// past 64 MiB.
const (
	bombRatio     = 50
	bombThreshold = 64 << 20
)

func invalidDist(msg string) *reply {
	return badRequest("Invalid distribution file. %s", msg)
}

// checkArchive runs rows 22 to 24 on the spooled file: archive validation
// (with [dist.Read] for the framing), then the sdist or wheel filename and
// member rules. For a wheel it returns the METADATA member (PEP 658).
func checkArchive(c *spooled, filetype string, meta *metaInfo) ([]byte, *reply) {
	f, err := os.Open(c.path) // #nosec G703 -- the spool file the index created
	if err != nil {
		return nil, &reply{status: http.StatusInternalServerError, message: "fakeindex: " + err.Error()}
	}
	defer func() { _ = f.Close() }()
	fn := c.filename

	var zr *zip.Reader
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
		// The name only decides the kind: an sdist is read the same under
		// any name, and its own name is judged in row 23.
		if rp := distFraming(f, c.size, "x-0.tar.gz", nil); rp != nil {
			return nil, rp
		}
	}

	if filetype == string(dist.Sdist) {
		return nil, checkSdist(f, fn, meta)
	}
	return checkWheel(zr, fn, meta)
}

// checkZip is _is_valid_dist_file for .whl and .zip files, in its order:
// expansion ratio, compression methods, the member the kind requires, then
// the zip framing (by dist.Read).
func checkZip(f *os.File, size int64, zr *zip.Reader, fn string) *reply {
	var expanded uint64
	names := make(map[string]bool, len(zr.File))
	for _, zf := range zr.File {
		expanded += zf.UncompressedSize64
		names[zf.Name] = true
	}
	if expanded > bombThreshold && size > 0 && float64(expanded)/float64(size) > bombRatio {
		return invalidDist(fmt.Sprintf("File exceeds compression ratio of %d", bombRatio))
	}
	for _, zf := range zr.File {
		if zf.Method != zip.Store && zf.Method != zip.Deflate {
			return invalidDist("File does not use a supported compression type")
		}
	}
	if strings.HasSuffix(fn, ".zip") {
		list := make([]string, 0, len(zr.File))
		for _, zf := range zr.File {
			list = append(list, zf.Name)
		}
		top := commonPath(list)
		if top == "" || top == "." || top == "/" {
			return invalidDist("Incorrect number of top-level directories in sdist")
		}
		if target := top + "/PKG-INFO"; !names[target] {
			return invalidDist("PKG-INFO not found at " + target)
		}
		return nil // a .zip sdist always fails row 23; dist.Read refuses it outright
	}
	parts := strings.SplitN(fn, "-", 3)
	if len(parts) < 3 {
		return invalidDist("Unable to parse name and version from wheel filename")
	}
	dir := parts[0] + "-" + parts[1] + ".dist-info"
	if !names[dir+"/WHEEL"] {
		return invalidDist("WHEEL not found at " + dir + "/WHEEL")
	}
	// dist.Read parses the filename, so give it one with the same
	// name-version when that parses, to look in the same .dist-info.
	name := parts[0] + "-" + parts[1] + "-py3-none-any.whl"
	if _, err := dist.ParseFilename(name); err != nil {
		name = "x-0-py3-none-any.whl"
	}
	return distFraming(f, size, name, names)
}

// distFraming runs dist.Read over the file for the framing rules (zip
// comments, trailing data, duplicate members; gzip and tar structure, one
// top-level directory, PKG-INFO). Metadata that does not parse is no
// concern here: Warehouse never reads it. For a wheel (names set), a
// missing METADATA is reported by row 24 instead, so dist.Read's errors are
// not used when the METADATA it looked for is absent.
func distFraming(r io.ReaderAt, size int64, name string, names map[string]bool) *reply {
	_, err := dist.Read(r, size, name)
	var me *dist.MetadataError
	var fe *dist.FormatError
	switch {
	case err == nil, errors.As(err, &me):
		return nil
	case errors.As(err, &fe):
		if names == nil && damaged(err) {
			// tarfile.ReadError, EOFError or zlib.error: Warehouse's
			// _is_valid_dist_file returns (False, None).
			return invalidDist("None")
		}
		if names != nil {
			fn, _ := dist.ParseFilename(name)
			if !names[fn.Name+"-"+fn.Version+".dist-info/METADATA"] {
				return nil
			}
		}
		return invalidDist(fe.Reason)
	}
	return &reply{status: http.StatusInternalServerError, message: "fakeindex: reading the upload: " + err.Error()}
}

// damaged reports a compressed stream that ends early or fails its
// checks.
func damaged(err error) bool {
	var corrupt flate.CorruptInputError
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, gzip.ErrChecksum) || errors.As(err, &corrupt)
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

// checkSdist is row 23: PEP 625 names, then License-File members.
func checkSdist(f *os.File, fn string, meta *metaInfo) *reply {
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
	norm := dist.NormalizeName(meta.name)
	// Warehouse's edge case for post-releases spelled with a hyphen
	// ("1.0-1"): split at the second-to-last hyphen instead.
	if strings.Contains(meta.version.String(), ".post") && dist.NormalizeName(nameFromFilename) != norm && strings.Count(fn, "-") >= 2 {
		nameFromFilename = fn[:strings.LastIndexByte(fn, '-')]
		if j := strings.LastIndexByte(nameFromFilename, '-'); j >= 0 {
			nameFromFilename = nameFromFilename[:j]
		} else {
			nameFromFilename = ""
		}
	}
	want := strings.ReplaceAll(norm, "-", "_")
	if dist.NormalizeName(nameFromFilename) != norm {
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
	names, err := tarNames(f)
	if err != nil {
		return invalidDist("None")
	}
	list := make([]string, 0, len(names))
	for n := range names {
		list = append(list, n)
	}
	top := commonPath(list)
	for _, lf := range licenses {
		target := lf
		if top != "" {
			target = top + "/" + lf
		}
		if !names[target] {
			return badRequest("License-File %s does not exist in distribution file %s at %s", lf, fn, target)
		}
	}
	return nil
}

// tarNames lists the members of a .tar.gz, directories without their
// trailing slash, as Python's tarfile names them.
func tarNames(f *os.File) (map[string]bool, error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	gz, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	defer func() { _ = gz.Close() }()
	tr := tar.NewReader(gz)
	names := map[string]bool{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return names, nil
		}
		if err != nil {
			return nil, err
		}
		if h.Typeflag == tar.TypeXGlobalHeader {
			continue
		}
		names[strings.TrimSuffix(h.Name, "/")] = true
	}
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
		if !dist.ValidPlatformTag(plat) {
			return nil, badRequest("Binary wheel '%s' has an unsupported platform tag '%s'.", fn, plat)
		}
	}
	canonical := dist.NormalizeName(meta.name)
	if dist.NormalizeName(parts[0]) != canonical {
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

// validEntryPoints is Warehouse's entry_points.txt rule: UTF-8, an INI file
// that configparser reads (sections first, "key = value" lines, no
// duplicate sections or keys), and console and gui script names matching
// [\w.-]+.
func validEntryPoints(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	sections := map[string]map[string]bool{}
	var current map[string]bool
	section, inOption := "", false
	for line := range strings.SplitSeq(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || trimmed[0] == '#' || trimmed[0] == ';' {
			inOption = false
			continue
		}
		if inOption && (line[0] == ' ' || line[0] == '\t') {
			continue // a continuation of the previous value
		}
		if strings.HasPrefix(trimmed, "[") && strings.HasSuffix(trimmed, "]") {
			section = trimmed[1 : len(trimmed)-1]
			if sections[section] != nil {
				return false
			}
			current = map[string]bool{}
			sections[section] = current
			inOption = false
			continue
		}
		key, _, found := strings.Cut(trimmed, "=")
		key = strings.TrimSpace(key)
		if current == nil || !found || key == "" || current[key] {
			return false
		}
		current[key] = true
		inOption = true
		if (section == "console_scripts" || section == "gui_scripts") && !isEntryPointName(key) {
			return false
		}
	}
	return true
}

func isEntryPointName(s string) bool {
	for _, r := range s {
		if r != '.' && r != '-' && r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return s != ""
}
