package fakeindex

import (
	"crypto/md5" // #nosec G501 -- PyPI still records md5 digests; not used for security
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	"golang.org/x/crypto/blake2b"

	"github.com/pyupload/pyupload/pkg/dist"
)

// project is one project: its display name and its releases.
type project struct {
	name       string // display name: the name sent with the latest stored file
	normalized string // PEP 503
	releases   []*release
	totalSize  int64
	status     string // PEP 792 status; "" is active
}

// release is one version of a project. The first file stored creates it
// and sets its metadata; later files' metadata is validated but ignored.
type release struct {
	version string       // str(Version), as Warehouse stores it
	parsed  dist.Version // for lookups by PEP 440 equality and ordering
	meta    url.Values   // metadata form fields of the first file (after sanitising)
	created time.Time
	files   []*storedFile
}

// storedFile is a file the index holds, on disk at path.
type storedFile struct {
	File
	path        string
	md5         string // computed lazily: "" until needed
	comment     string
	metadataSHA string // sha256 of the wheel's METADATA (PEP 658), "" for sdists
	metadata    []byte // the wheel's METADATA, served as <filename>.metadata

	attestations  []json.RawMessage // accepted PEP 740 attestations, compact JSON
	provenancePub map[string]any    // the integrity API's publisher object
}

// findRelease returns the project's release equal to v by PEP 440, as
// Warehouse looks releases up by canonical version (so 1.0 is 1.0.0).
func (p *project) findRelease(v dist.Version) *release {
	for _, r := range p.releases {
		if r.parsed.Equal(v) {
			return r
		}
	}
	return nil
}

func (r *release) hasSdist() bool {
	for _, f := range r.files {
		if f.Filetype == filetypeSdist {
			return true
		}
	}
	return false
}

// storeLocked records sf, creating its project and release as needed, and
// updates the project's display name. ix.mu must be held.
func (ix *Index) storeLocked(sf *storedFile, name string, v dist.Version, meta url.Values) {
	norm := canonicalName(name)
	p := ix.projects[norm]
	if p == nil {
		p = &project{normalized: norm}
		ix.projects[norm] = p
	}
	p.name = name // "Update name if it differs but is still equivalent"
	rel := p.findRelease(v)
	if rel == nil {
		rel = &release{version: v.String(), parsed: v, meta: meta, created: ix.now()}
		p.releases = append(p.releases, rel)
		sort.Slice(p.releases, func(i, j int) bool { return p.releases[i].parsed.Compare(p.releases[j].parsed) < 0 })
	}
	sf.Project = name
	sf.Version = rel.version
	rel.files = append(rel.files, sf)
	p.totalSize += sf.Size
	ix.byFilename[sf.Filename] = sf
	ix.byBlake2[sf.Blake2b256] = sf
	ix.serial++
}

// latestRelease is the release the project JSON describes: the highest
// final release, else the highest pre-release (Warehouse orders by
// is_prerelease, then version). Releases without files are skipped.
func (p *project) latestRelease() *release {
	var best *release
	for _, r := range p.releases {
		if len(r.files) > 0 && (best == nil || preferRelease(r.parsed, best.parsed)) {
			best = r
		}
	}
	return best
}

// preferRelease reports whether v should be shown as the latest release
// rather than best: final releases before pre-releases, then the higher.
func preferRelease(v, best dist.Version) bool {
	if v.IsPrerelease() != best.IsPrerelease() {
		return !v.IsPrerelease()
	}
	return v.Compare(best) > 0
}

type digests struct{ sha256, blake2 string }

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// writeFile stores content in a new spool file and returns its path and
// digests.
func (ix *Index) writeFile(content []byte) (string, digests, error) {
	dir, err := ix.spoolDir()
	if err != nil {
		return "", digests{}, err
	}
	f, err := os.CreateTemp(dir, "file-*")
	if err != nil {
		return "", digests{}, err
	}
	if _, err := f.Write(content); err != nil {
		_ = f.Close()
		_ = os.Remove(f.Name())
		return "", digests{}, err
	}
	if err := f.Close(); err != nil {
		_ = os.Remove(f.Name())
		return "", digests{}, err
	}
	s := sha256.Sum256(content)
	b := blake2b.Sum256(content)
	return f.Name(), digests{hex.EncodeToString(s[:]), hex.EncodeToString(b[:])}, nil
}

// md5Of returns the file's md5, computing it on first use: uploads hash
// only sha256 and blake2b while streaming, since md5 is rarely sent.
func (ix *Index) md5Of(sf *storedFile) string {
	ix.mu.Lock()
	sum, path := sf.md5, sf.path
	ix.mu.Unlock()
	if sum != "" {
		return sum
	}
	sum, err := md5File(path)
	if err != nil {
		return ""
	}
	ix.mu.Lock()
	sf.md5 = sum
	ix.mu.Unlock()
	return sum
}

func md5File(path string) (string, error) {
	f, err := os.Open(path) // #nosec G703 -- a spool file the index created
	if err != nil {
		return "", err
	}
	defer func() { _ = f.Close() }()
	h := md5.New() // #nosec G401 -- compared with the client's md5_digest, as PyPI does
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hashing %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// single returns the first value of a form key, or "".
func single(v url.Values, key string) string {
	if vs := v[key]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// keywordsOf renders the keywords as Warehouse stores them: split on ","
// and joined with ", ".
func keywordsOf(meta url.Values) string {
	kw := single(meta, "keywords")
	if kw == "" {
		return ""
	}
	parts := strings.Split(kw, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return strings.Join(parts, ", ")
}
