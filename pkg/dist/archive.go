package dist

import (
	"errors"
	"fmt"
	"io"
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
	// The index refuses zips that expand more than 50 times once they
	// expand past 64 MiB. It has no such rule for .tar.gz, and neither do
	// we: an sdist is streamed, never held, whatever it expands to.
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

	entryPoints    string   // wheel: why the index would refuse entry_points.txt ("" when it takes it)
	recordMismatch []string // wheel: members missing from RECORD or the archive
	// unsafe are members PyPI takes but an extraction should not trust
	// (links, paths leaving the directory): warnings, not errors.
	unsafe []string
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
// naming rules. Read parses the filename, then reads r once, in order:
// the digests and the archive scan (the index's archive rules, and the
// members the checks need) consume the same buffers. Only a hostile zip
// whose directory is not where its records end makes it read r again.
func Read(r io.ReaderAt, size int64, name string) (*Dist, error) {
	fn, err := ParseFilename(name)
	if err != nil {
		return nil, err
	}
	if fn.Kind != Wheel && fn.LegacyZip() {
		return nil, &FormatError{Reason: "legacy .zip sdists are rejected by the index (PEP 625 requires .tar.gz); build the sdist as .tar.gz"}
	}
	d := &Dist{Path: name, Filename: fn}
	var raw []byte
	scan := func(s io.Reader) (err error) {
		if fn.Kind == Wheel {
			raw, err = d.readWheel(newStream(s, size), r)
		} else {
			raw, err = d.readSdist(newStream(s, size))
		}
		return err
	}
	digests, readErr, scanErr := digestAndScan(io.NewSectionReader(r, 0, size), scan)
	if readErr != nil {
		return nil, fmt.Errorf("reading the file: %w", readErr)
	}
	if scanErr != nil {
		return nil, scanErr
	}
	d.Digests = digests
	if d.Metadata, err = ParseMetadata(raw); err != nil {
		if me, ok := errors.AsType[*MetadataError](err); ok {
			me.Member = d.layout.metadataPath
		}
		return nil, err
	}
	return d, nil
}

// readWheel scans a wheel (scanWheel) and returns its METADATA.
func (d *Dist) readWheel(s *stream, file io.ReaderAt) ([]byte, error) {
	// The index looks members up under the raw name-version of the filename.
	dir := d.Filename.Name + "-" + d.Filename.Version + ".dist-info"
	ws, err := scanWheel(s, file, dir)
	if err != nil {
		return nil, err
	}
	d.layout.members = make(map[string]bool, len(ws.zip.entries))
	for _, e := range ws.zip.entries {
		d.layout.members[e.name] = true
	}
	for _, why := range ws.unsafe {
		d.layout.noteUnsafe(why)
	}
	d.layout.distInfo = sortedKeys(ws.distInfo)
	d.layout.metadataPath = dir + "/METADATA"
	raw, ok := ws.members[d.layout.metadataPath]
	if !ok {
		reason := fmt.Sprintf("Wheel '%s' does not contain the required METADATA file: %s", d.Filename.Base, d.layout.metadataPath)
		if len(d.layout.distInfo) > 0 && !ws.distInfo[dir] {
			reason += " (found " + strings.Join(d.layout.distInfo, ", ") + ")"
		}
		return nil, &FormatError{Reason: reason}
	}
	if b, ok := ws.members[dir+"/entry_points.txt"]; ok {
		d.layout.entryPoints = entryPointsProblem(b)
	}
	if b, ok := ws.members[dir+"/RECORD"]; ok {
		d.layout.recordMismatch = recordMismatch(b, d.layout.members, dir)
	}
	return raw, nil
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

// unsafeName says why a member name could escape an extraction directory
// or confuse one (absolute, "..", backslashes, not UTF-8), or "" when it
// cannot. PyPI takes such names, so they are warnings only.
func unsafeName(name string) string {
	switch {
	case !utf8.ValidString(name):
		return "member name " + strconv.Quote(name) + " is not UTF-8"
	case name == "" || strings.HasPrefix(name, "/") || strings.Contains(name, `\`) || slices.Contains(strings.Split(name, "/"), ".."):
		return "member path " + quote(name) + " leaves the extraction directory"
	}
	return ""
}

// maxUnsafe bounds the warnings kept about unsafe members.
const maxUnsafe = 5

func (l *layout) noteUnsafe(why string) {
	if len(l.unsafe) < maxUnsafe {
		l.unsafe = append(l.unsafe, why)
	}
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
