package dist

import (
	"archive/tar"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// sparseReason is the index's text for sparse tar members.
const sparseReason = "Invalid distribution file. tar archive not accepted: Sparse members are not allowed. See https://docs.pypi.org/archives for more information"

// tarScan is what reading an sdist's members found, before the index's
// rules are applied in its order.
type tarScan struct {
	names   []string          // as Python's tarfile gives them: directories without a trailing "/"
	pkgInfo map[string][]byte // PKG-INFO members, by name
	sparse  bool
	readErr error    // the gzip or tar stream broke: the index answers "None"
	unsafe  []string // members an extraction should not trust (links, paths leaving it)
}

// readSdist scans a .tar.gz in one pass as the index reads it with
// Python's tarfile.open(mode="r:gz") and judges it in the order of
// _is_valid_dist_file: zip and tar at once, not a tar, a broken stream,
// sparse members, the top-level directory, then PKG-INFO.
func (d *Dist) readSdist(s *stream) ([]byte, error) {
	ts, err := scanTar(s)
	if err != nil {
		return nil, fmt.Errorf("reading the archive: %w", err)
	}
	if err := s.drain(); err != nil {
		return nil, fmt.Errorf("reading the archive: %w", err)
	}
	isTar := isTarHead(s.head)
	if _, err := findEndRecord(tail{s: s}, s.size); err == nil && isTar {
		return nil, invalidDist("File is both a zip and a tar file", "")
	}
	switch {
	case !isTar:
		return nil, invalidDist("File is not a tarfile", "")
	case ts.readErr != nil:
		return nil, &FormatError{Reason: noneReason, Err: ts.readErr}
	case ts.sparse:
		return nil, &FormatError{Reason: sparseReason}
	}
	for _, why := range ts.unsafe {
		d.layout.noteUnsafe(why)
	}
	d.layout.members = make(map[string]bool, len(ts.names))
	for _, n := range ts.names {
		d.layout.members[n] = true
	}
	top := commonPath(ts.names)
	if top == "" || top == "." || top == "/" {
		tops := map[string]bool{}
		for _, n := range ts.names {
			first, _, _ := strings.Cut(strings.TrimPrefix(n, "./"), "/")
			tops[first] = true
		}
		return nil, &FormatError{Reason: "Invalid distribution file. Incorrect number of top-level directories in sdist",
			Err: fmt.Errorf("want 1, found %d: %s", len(tops), strings.Join(sortedKeys(tops), ", "))}
	}
	d.layout.topLevel = []string{top}
	d.layout.metadataPath = top + "/PKG-INFO"
	b, ok := ts.pkgInfo[d.layout.metadataPath]
	if !ok {
		e := invalidDist("PKG-INFO not found at "+d.layout.metadataPath, "")
		if slices.ContainsFunc(ts.names, func(n string) bool { return strings.HasPrefix(n, "./") }) {
			// A new refusal for tars made by hand ("tar czf x.tar.gz ./dir"):
			// say what to change.
			e.Err = errors.New("the members are named ./" + top + "/…, and the index looks them up without the leading ./; build the sdist with python -m build --sdist, or tar without ./ (tar czf NAME.tar.gz " + top + ")")
		}
		return nil, e
	}
	return b, nil
}

// scanTar reads the members through gzip. Like tarfile, it stops at the
// first zero block, and a header that does not parse after the first
// member ends the archive instead of failing it (tarfile's next() treats
// it so); that includes a negative size, which Python refuses as an
// invalid offset. Bytes after the end are never judged. A broken gzip or
// deflate stream before the end is recorded in readErr.
func scanTar(s *stream) (*tarScan, error) {
	ts := &tarScan{pkgInfo: map[string][]byte{}}
	src := &errRecorder{r: s}
	gz, err := newGzMembers(src)
	if err != nil {
		if src.err != nil {
			return nil, src.err
		}
		ts.readErr = err
		return ts, nil
	}
	gzErr := &errRecorder{r: gz}
	tr := tar.NewReader(gzErr)
	for first := true; ; first = false {
		h, err := tr.Next()
		switch {
		case src.err != nil:
			return nil, src.err
		case errors.Is(err, io.EOF):
			ts.readErr = afterEnd(gz, gzErr)
			return ts, nil
		case err != nil && gzErr.err != nil:
			// The archive needed bytes the gzip stream could not give.
			ts.readErr = gzErr.err
			return ts, nil
		case err != nil && first, errors.Is(err, errNextMember):
			ts.readErr = err
			return ts, nil
		case err != nil:
			ts.readErr = afterEnd(gz, gzErr)
			return ts, nil
		}
		if len(ts.names) >= maxEntries {
			return nil, &FormatError{Reason: fmt.Sprintf("archive has more than %d entries", maxEntries)}
		}
		if err := ts.member(h, tr); err != nil {
			if gzErr.err != nil {
				ts.readErr = gzErr.err
				return ts, nil
			}
			return nil, err
		}
	}
}

// readAhead is how much Python's gzip decompresses in one read
// (gzip.READ_BUFFER_SIZE): corrupt deflate data that far past the
// archive's end still fails the read that brought the end in.
const readAhead = 128 << 10

// afterEnd reads what Python's gzip decompresses past the archive's end:
// the rest of the current member, within the read-ahead. Only corrupt
// data counts: a cut stream or a bad trailer shows only when a next read
// is asked for, and tarfile asks for none after the end.
func afterEnd(gz *gzMembers, rec *errRecorder) error {
	gz.single = true
	_, _ = io.CopyN(io.Discard, rec, readAhead)
	if _, ok := errors.AsType[flate.CorruptInputError](rec.err); ok {
		return rec.err
	}
	return nil
}

// member records one header.
func (ts *tarScan) member(h *tar.Header, tr *tar.Reader) error {
	if h.Typeflag == tar.TypeXGlobalHeader {
		return nil // pax global headers are no members in tarfile
	}
	ts.sparse = ts.sparse || isSparse(h)
	name := h.Name
	if h.Typeflag == tar.TypeDir {
		name = strings.TrimRight(name, "/")
	}
	ts.names = append(ts.names, name)
	if why := unsafeMember(h); why != "" && len(ts.unsafe) < maxUnsafe {
		ts.unsafe = append(ts.unsafe, why)
	}
	if h.Typeflag == tar.TypeReg && strings.Count(strings.Trim(name, "/"), "/") >= 1 && strings.HasSuffix(name, "/PKG-INFO") {
		b, err := readCapped(tr, name)
		if err != nil {
			return err
		}
		ts.pkgInfo[name] = b
	}
	return nil
}

// isSparse is TarInfo.issparse: the old GNU sparse type, or pax records
// of GNU sparse format 0.0, 0.1 or 1.0 (tarfile's _proc_pax).
func isSparse(h *tar.Header) bool {
	p := h.PAXRecords
	_, hasMap := p["GNU.sparse.map"]
	_, hasSize := p["GNU.sparse.size"]
	return h.Typeflag == tar.TypeGNUSparse || hasMap || hasSize || p["GNU.sparse.major"] == "1" && p["GNU.sparse.minor"] == "0"
}

// unsafeMember says why an extraction should not trust a member: a link
// or a device (tarfile extracts them), or a path leaving the directory.
// PyPI takes all of these, so they are warnings, never refusals.
func unsafeMember(h *tar.Header) string {
	switch h.Typeflag {
	case tar.TypeReg, tar.TypeDir:
	case tar.TypeSymlink, tar.TypeLink:
		return fmt.Sprintf("member %s is a link to %s", quote(h.Name), quote(h.Linkname))
	default:
		return fmt.Sprintf("member %s is neither a file nor a directory (type %q)", quote(h.Name), h.Typeflag)
	}
	name := strings.TrimPrefix(h.Name, "./")
	if name == "" || name == "." || name == "./" {
		return ""
	}
	return unsafeName(strings.TrimSuffix(name, "/"))
}

// errRecorder keeps the first error other than io.EOF its reader gave.
type errRecorder struct {
	r   io.Reader
	err error
}

func (e *errRecorder) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, errNextMember) && e.err == nil {
		e.err = err
	}
	return n, err
}

// commonPath is Python's os.path.commonpath over the member names, as the
// index takes the top-level directory: the longest run of components all
// names share, empty and "." components left out, "/" first when the
// names are absolute.
func commonPath(names []string) string {
	if len(names) == 0 {
		return ""
	}
	var common []string
	for i, n := range names {
		comps := slices.DeleteFunc(strings.Split(n, "/"), func(c string) bool { return c == "" || c == "." })
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
