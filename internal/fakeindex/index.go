package fakeindex

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sigstore/sigstore-go/pkg/verify"

	"github.com/pyupload/pyupload/internal/fakesigstore"
	"github.com/pyupload/pyupload/pkg/dist"
)

// DefaultToken is the API token an [Index] accepts when [WithTokens] is not
// given.
const DefaultToken = "pypi-fake-token"

// Warehouse's default limits (warehouse/constants.py).
const (
	defaultMaxFileSize    = 100 << 20 // 100 MiB per file
	defaultMaxProjectSize = 10 << 30  // 10 GiB per project

	// releaseAgeLimit is how long after its creation a release accepts new
	// files (warehouse PR #19727).
	releaseAgeLimit = 14 * 24 * time.Hour
)

// ErrNoFile is returned (wrapped) by [Index.Content] for a filename the
// index does not hold.
var ErrNoFile = errors.New("fakeindex: no such file")

// ErrFileExists is returned (wrapped) by [Index.Preload] when the filename,
// or the same bytes under another name, is already stored.
var ErrFileExists = errors.New("fakeindex: file already exists")

// ErrClosed is returned (wrapped) when the index is used after
// [Index.Close].
var ErrClosed = errors.New("fakeindex: index is closed")

// Index is an in-process PyPI look-alike. It implements [http.Handler];
// create it with [New], serve it with httptest.NewServer or an
// [http.Server], and call [Index.Close] when done to remove spooled files.
// All methods are safe for concurrent use, including while serving.
type Index struct {
	// Configuration, fixed by New.
	tokens         map[string]bool
	maxFileSize    int64
	maxProjectSize int64
	latency        time.Duration
	bandwidth      int64
	storageBase    string
	now            func() time.Time
	checkArchives  bool
	mux            *http.ServeMux

	// The registry imitated (profile.go).
	profile     Profile
	reg         registry
	noReadAPI   bool
	readAuthSet *bool // WithReadAuth, when given
	readAuth    bool  // whether reads need credentials: readAuthSet or the profile's default

	// Trusted Publishing (oidc.go, jwt.go).
	oidc         *oidcState // nil unless WithOIDC
	signingKey   *rsa.PrivateKey
	keyOnce      sync.Once
	keys         *signer // the signing key and its JWKS, made on first use
	mintAttempts atomic.Int64
	mintFaults   faultQueue

	// Attestations (sigstore.go, attest.go).
	sigstore            *fakesigstore.Sigstore
	trustedRoot         []byte // WithAttestationTrustedRoot; nil: the fake Sigstore's
	noAttestationChecks bool   // WithoutAttestationChecks
	verifierOnce        sync.Once
	verifier            *verify.Verifier
	verifierErr         error

	// Counters for tests.
	attempts       atomic.Int64
	inFlightMu     sync.Mutex
	inFlight, peak int

	uploadFaults faultQueue // applied in order, to the next POSTs to /legacy/

	hostile hostileState // hostile.go; every switch off by default

	bench *benchState // bench.go; nil unless WithBenchMode

	done chan struct{} // closed by Close: ends stalls and latency waits

	mu         sync.Mutex // guards everything below
	dir        string     // spool and storage directory, created on first use
	closed     bool
	projects   map[string]*project // by PEP 503 normalised name
	byFilename map[string]*storedFile
	byBlake2   map[string]*storedFile
	serial     int64 // bumped on every change, like Warehouse's journal
}

// Option configures an [Index].
type Option func(*Index)

// WithTokens sets the API tokens the index accepts, as Basic auth
// "__token__:<tok>" or as "Authorization: token <tok>" / "Bearer <tok>".
// The default is the single token [DefaultToken].
func WithTokens(tokens ...string) Option {
	return func(ix *Index) {
		ix.tokens = make(map[string]bool, len(tokens))
		for _, t := range tokens {
			ix.tokens[t] = true
		}
	}
}

// WithMaxFileSize sets the per-file upload limit in bytes. As on PyPI, it is
// checked after the whole body has arrived, and the error names the limit in
// whole MiB ("File too large. Limit for project 'p' is 100 MB. ..."). The
// default is 100 MiB.
func WithMaxFileSize(n int64) Option {
	return func(ix *Index) { ix.maxFileSize = n }
}

// WithMaxProjectSize sets the total size a project may hold, in bytes
// ("Project size too large. ..."). The default is 10 GiB.
func WithMaxProjectSize(n int64) Option {
	return func(ix *Index) { ix.maxProjectSize = n }
}

// WithLatency adds d before every request is handled, waiting on the
// request's context. The default is no added latency.
func WithLatency(d time.Duration) Option {
	return func(ix *Index) { ix.latency = d }
}

// WithBandwidth throttles the reading of each request body to bytesPerSec,
// separately for every request (so per connection, as one connection
// carries one request at a time). Zero or less means unthrottled, the
// default.
func WithBandwidth(bytesPerSec int64) Option {
	return func(ix *Index) { ix.bandwidth = bytesPerSec }
}

// WithStorageDir sets the directory under which the index creates its own
// spool directory for uploaded bytes (creating dir too if needed).
// [Index.Close] removes the spool directory. A tmpfs such as /dev/shm keeps
// disk speed out of benchmarks. The default is [os.TempDir].
func WithStorageDir(dir string) Option {
	return func(ix *Index) { ix.storageBase = dir }
}

// WithClock sets the clock used for upload times and release creation
// times (and so the 14-day window for adding files to a release). The
// default is [time.Now].
func WithClock(now func() time.Time) Option {
	return func(ix *Index) { ix.now = now }
}

// WithoutArchiveChecks skips opening the uploaded archive
// (docs/index-server.md §2 rows 22–24: archive framing, filename against
// metadata, platform tags, RECORD, METADATA, entry points). Benchmarks that
// upload large synthetic payloads use it, since these checks read the whole
// file once more. It weakens the index's validation, as the name says. The
// default is to check.
func WithoutArchiveChecks() Option {
	return func(ix *Index) { ix.checkArchives = false }
}

// New returns an empty index configured by opts.
func New(opts ...Option) *Index {
	ix := &Index{
		tokens:         map[string]bool{DefaultToken: true},
		done:           make(chan struct{}),
		maxFileSize:    defaultMaxFileSize,
		maxProjectSize: defaultMaxProjectSize,
		storageBase:    os.TempDir(),
		now:            time.Now,
		checkArchives:  true,
		projects:       map[string]*project{},
		byFilename:     map[string]*storedFile{},
		byBlake2:       map[string]*storedFile{},
		profile:        ProfilePyPI,
	}
	for _, opt := range opts {
		opt(ix)
	}
	ix.reg = registryFor(ix.profile)
	ix.readAuth = ix.reg.readAuth()
	if ix.readAuthSet != nil {
		ix.readAuth = *ix.readAuthSet
	}
	ix.sigstore = ix.newSigstore()
	mux := http.NewServeMux()
	ix.reg.routes(ix, mux)
	ix.routeOIDC(mux)
	ix.routeSigstore(mux)
	if ix.bench != nil {
		mux.HandleFunc("GET /_bench/stats", ix.handleBenchStats)
	}
	ix.mux = mux
	return ix
}

// ServeHTTP implements [http.Handler]: it waits the configured latency
// (or until the request is cancelled), then routes the request. A POST to
// the upload endpoint ([Index.UploadPath]) counts as an upload attempt,
// and as in flight, from the moment it arrives, latency included.
func (ix *Index) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost && ix.isUpload(r.URL.Path) {
		ix.attempts.Add(1)
		ix.enter()
		defer ix.leave()
	}
	if ix.latency > 0 {
		if err := ix.sleep(r.Context(), ix.latency); errors.Is(err, errClosing) {
			(&reply{status: http.StatusServiceUnavailable}).write(w, r)
			return
		} else if err != nil {
			return // the client is gone; nothing to answer
		}
	}
	if ix.hostileFront(w, r) {
		return
	}
	ix.mux.ServeHTTP(w, r)
}

// File describes one stored distribution file, for tests.
type File struct {
	Project     string     // the project's display name when the file was stored
	Version     string     // the release version, normalised (str(Version))
	Filename    string     // the uploaded filename
	Filetype    string     // "sdist" or "bdist_wheel"
	PyVersion   string     // the pyversion sent ("source" for sdists)
	SHA256      string     // lowercase hex
	Blake2b256  string     // lowercase hex
	Size        int64      // bytes
	Fields      url.Values // every non-file form field exactly as received
	UploadedVia string     // the request's User-Agent
	UploadTime  time.Time  // from the index's clock, UTC
}

// Files returns the stored files, sorted by filename.
func (ix *Index) Files() []File {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	out := make([]File, 0, len(ix.byFilename))
	for _, f := range ix.byFilename {
		c := f.File
		c.Fields = cloneValues(f.Fields)
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Filename < out[j].Filename })
	return out
}

// Content returns the bytes stored under filename, or an error wrapping
// [ErrNoFile].
func (ix *Index) Content(filename string) ([]byte, error) {
	ix.mu.Lock()
	f, ok := ix.byFilename[filename]
	ix.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("reading %q: %w", filename, ErrNoFile)
	}
	return os.ReadFile(f.path)
}

// PeakInFlight returns the largest number of POSTs to the upload endpoint
// that were in progress at the same time (from their arrival, latency
// included, to the end of their handling).
func (ix *Index) PeakInFlight() int {
	ix.inFlightMu.Lock()
	defer ix.inFlightMu.Unlock()
	return ix.peak
}

// UploadAttempts returns how many POSTs to the upload endpoint the index
// has received, whatever their outcome.
func (ix *Index) UploadAttempts() int {
	return int(ix.attempts.Load())
}

func (ix *Index) enter() {
	ix.inFlightMu.Lock()
	defer ix.inFlightMu.Unlock()
	ix.inFlight++
	ix.peak = max(ix.peak, ix.inFlight)
}

func (ix *Index) leave() {
	ix.inFlightMu.Lock()
	defer ix.inFlightMu.Unlock()
	ix.inFlight--
}

// Preload stores content under filename in project's release version, as
// if it had been uploaded earlier, so tests can set up "same name, other
// bytes" or "another sdist already there". The file type follows the
// filename (.whl is a wheel, .tar.gz and .zip are sdists); no other check
// is made. It returns an error wrapping [ErrFileExists] when the filename
// or the bytes are already stored.
func (ix *Index) Preload(project, version, filename string, content []byte) error {
	if !projectNameRE.MatchString(project) {
		return fmt.Errorf("preloading %s: invalid project name %q", filename, project)
	}
	v, err := dist.ParseVersion(version)
	if err != nil {
		return fmt.Errorf("preloading %s: %w", filename, err)
	}
	fn, err := dist.ParseFilename(filename)
	if err != nil {
		return fmt.Errorf("preloading %s: %w", filename, err)
	}
	if fn.Base != filename {
		return fmt.Errorf("preloading %s: want a base name", filename)
	}
	path, sums, err := ix.writeFile(content)
	if err != nil {
		return fmt.Errorf("preloading %s: %w", filename, err)
	}
	sf := &storedFile{
		File: File{
			Project: project, Version: v.String(), Filename: filename,
			Filetype: string(fn.Kind), PyVersion: fn.PythonTag(),
			SHA256: sums.sha256, Blake2b256: sums.blake2, Size: int64(len(content)),
			Fields: url.Values{}, UploadedVia: "fakeindex-preload", UploadTime: ix.now().UTC(),
		},
		path: path,
	}
	meta := url.Values{"metadata_version": {"2.1"}, "name": {project}, "version": {version}}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.byFilename[filename] != nil || ix.byBlake2[sums.blake2] != nil {
		_ = os.Remove(path)
		return fmt.Errorf("preloading %s: %w", filename, ErrFileExists)
	}
	ix.storeLocked(sf, project, v, meta)
	return nil
}

// Close removes the index's spool directory with every stored file and
// ends every stall and latency wait in progress, and every hostile hang,
// drip and endless body (dropping their connections), so a server can
// shut down promptly: call it before closing the server. The index answers uploads
// with 500 afterwards. Close is idempotent.
func (ix *Index) Close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return nil
	}
	ix.closed = true
	close(ix.done)
	if ix.dir == "" {
		return nil
	}
	if err := os.RemoveAll(ix.dir); err != nil {
		return fmt.Errorf("removing spool directory: %w", err)
	}
	return nil
}

// spoolDir returns the index's spool directory, creating it on first use.
func (ix *Index) spoolDir() (string, error) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return "", ErrClosed
	}
	if ix.dir == "" {
		if err := os.MkdirAll(ix.storageBase, 0o700); err != nil {
			return "", fmt.Errorf("creating storage directory: %w", err)
		}
		dir, err := os.MkdirTemp(ix.storageBase, "fakeindex-*")
		if err != nil {
			return "", fmt.Errorf("creating spool directory: %w", err)
		}
		ix.dir = dir
	}
	return ix.dir, nil
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
