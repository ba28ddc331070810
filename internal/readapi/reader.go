package readapi

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pyupload/pyupload/internal/transport"
	"github.com/pyupload/pyupload/pkg/dist"
)

// Auth returns the upload's credentials; "" and "" mean none.
type Auth func(ctx context.Context) (username, password string, err error)

// Query is what a lookup wants to know of one release.
type Query struct {
	Name, Version string
	// Files are the local files, filename → sha256: what the index holds
	// under these names, and under which name it holds these bytes, is
	// all that is kept of an answer, so no answer can fill memory.
	Files map[string]string
	// Need, when set, is a filename an answer must list to end the search
	// (a cached page that does not list it yet gives way to the next).
	Need string
	// Status: also learn the project's status (PEP 792). PyPI's JSON API
	// does not show it, so a Warehouse index's simple page is asked too.
	Status bool
	// Ready, when set, gives Files, which are not known yet when the
	// lookup starts (the files are still being checked): the requests go
	// at once, and an answer that has to be read waits for it. An error
	// leaves the answer unread, and the lookup not final ([Reader.Prefetch]).
	Ready func(ctx context.Context) (files map[string]string, err error)
}

// Listing is what a read API says of one release.
type Listing struct {
	Source Source
	// Files are the query's filenames the release lists: filename →
	// sha256 ("" when the answer gives none).
	Files map[string]string
	// ReleaseFiles counts the release's files on the index.
	ReleaseFiles int
	// SameBytes maps a query file's sha256 to the filename the index
	// holds those bytes under, for every such file of the project the
	// answer shows (only this release's for PyPI's JSON API).
	SameBytes map[string]string
	// Status is the project's status when the answer declares one
	// (PEP 792: active, archived, quarantined, deprecated), else "".
	Status string
	// FirstUpload is the earliest upload time among the release's files,
	// zero when the answer gives none. The release was created no later.
	FirstUpload time.Time
	// AnsweredAt is the index's clock (the answer's Date header), zero
	// when the answer has none.
	AnsweredAt time.Time
}

// Exists reports whether the release has any file.
func (l *Listing) Exists() bool { return l.ReleaseFiles > 0 }

// Reader asks an index's read APIs.
type Reader struct {
	client  *http.Client
	sources []Source
	origin  *url.URL // the upload URL: credentials go to its origin only
	auth    Auth
	logger  *slog.Logger
	timeout time.Duration
	maxBody int64
	pool    chan struct{} // bounds the requests in flight, whatever the jobs
}

// Config configures a [Reader].
type Config struct {
	Client   *http.Client // copied; its copy never follows redirects
	Endpoint *url.URL     // the upload URL
	CheckURL *url.URL     // --check-url, or nil
	Auth     Auth         // nil: anonymous reads
	Logger   *slog.Logger // nil: no logs
	// Timeout bounds the lookup at one place, its retries included; past
	// it the place cannot tell. The default is 30 seconds.
	Timeout time.Duration
}

// Answers are bounded: PyPI's per-release JSON answers are well under a
// MiB, and simple pages of projects with thousands of files a few MiB. A
// project whose page is larger gets "cannot tell", which is safe: the
// upload endpoint's answer then decides. Answers are read as streams and
// only what a query asks about is kept, but a JSON decoder holds one whole
// value (a long description, say), so JSON gets the smaller cap; HTML
// tokens are bounded on their own (maxToken). Few lookups run at once, so
// memory stays small whatever --jobs is and whatever an index sends.
const (
	requestTimeout = 30 * time.Second
	maxAnswer      = 4 << 20 // JSON
	maxHTMLAnswer  = 4 * maxAnswer
)

// LookupsAtOnce is how many requests a [Reader]'s lookups have in flight
// at once, whatever the number of upload workers.
const LookupsAtOnce = 2

// New returns a Reader for the sources [Candidates] derives.
func New(c Config) *Reader {
	// A redirect could carry the credentials to another port or scheme
	// of the same host: never follow one.
	client := *c.Client
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	r := &Reader{
		client: &client, sources: Candidates(c.Endpoint, c.CheckURL), origin: c.Endpoint,
		auth: c.Auth, logger: c.Logger, timeout: requestTimeout, maxBody: maxAnswer,
		pool: make(chan struct{}, LookupsAtOnce),
	}
	if r.logger == nil {
		r.logger = slog.New(slog.DiscardHandler)
	}
	if c.Timeout > 0 {
		r.timeout = c.Timeout
	}
	return r
}

// Lookup returns the first usable answer for the release (see
// [Query.Need]), or nil when no source could tell (nothing found, no read
// API, answers unusable). Every source's answer is logged at debug level,
// with why it was not used. The error is only the context's.
//
// A lookup that wants the project's status (Query.Status, the batch's
// lookups) asks PyPI's software in one round: its JSON API and its simple
// page at once, as a new release needs both (the JSON API has no page for
// it yet) and an existing one needs the simple page for the status. Other
// lookups, and other indexes' candidate pages, ask one place after the
// other, so that no page (a large project's simple page is megabytes) is
// asked when an earlier one answered.
func (r *Reader) Lookup(ctx context.Context, q Query) (*Listing, error) {
	l, _, err := r.Prefetch(ctx, q)
	return l, err
}

// Prefetch is [Reader.Lookup] that also reports whether the answer is
// final: every source it consulted answered with a status, and each
// answer it had to read was read whole. A lookup made ahead of time
// (Query.Ready) that is not final should be made again.
func (r *Reader) Prefetch(ctx context.Context, q Query) (*Listing, bool, error) {
	answers := make([]answer, len(r.sources))
	if q.Status && r.warehousePair() {
		var wg sync.WaitGroup
		for i := range r.sources {
			wg.Go(func() { answers[i] = r.fetchSource(ctx, i, q) })
		}
		wg.Wait()
	}
	var first *Listing
	final := true
	for i, s := range r.sources {
		if !answers[i].asked {
			answers[i] = r.fetchSource(ctx, i, q)
		}
		if err := ctx.Err(); err != nil {
			return nil, false, err
		}
		final = final && answers[i].final
		l, u := answers[i].listing, answers[i].url
		if l == nil {
			r.logger.Debug("read API not used", "url", u.Redacted(), "why", answers[i].verdict)
			continue
		}
		r.logger.Debug("read API answered", "url", u.Redacted(), "release_files", l.ReleaseFiles, "project_status", l.Status, "first_upload", l.FirstUpload)
		if _, listed := l.Files[q.Need]; q.Need == "" || listed {
			if q.Status && l.Status == "" && s.Kind == PyPIJSON {
				final = final && r.statusFrom(answers, l)
			}
			return l, final, nil
		}
		if first == nil {
			first = l
		}
	}
	return first, final, nil
}

// answer is what one source said to a lookup.
type answer struct {
	asked   bool
	url     *url.URL
	listing *Listing
	verdict string
	final   bool // the source answered, and an answer to read was read whole
}

// warehousePair reports whether the sources are PyPI's JSON API and
// simple page, which a lookup asks at once.
func (r *Reader) warehousePair() bool {
	return len(r.sources) == 2 && r.sources[0].Kind == PyPIJSON && r.sources[1].Kind == Simple && r.sources[1].Warehouse
}

// fetchSource asks source i, within the bound on requests in flight.
func (r *Reader) fetchSource(ctx context.Context, i int, q Query) answer {
	s := r.sources[i]
	a := answer{asked: true, url: s.URL(q.Name, q.Version)}
	select {
	case r.pool <- struct{}{}:
		defer func() { <-r.pool }()
	case <-ctx.Done():
		a.verdict = ctx.Err().Error()
		return a
	}
	a.listing, a.verdict, a.final = r.fetch(ctx, s, a.url, q)
	return a
}

// statusFrom fills in l.Status from the Warehouse index's simple page,
// asked beside the JSON API, which declares the status where the JSON
// API does not. When it cannot tell, the status stays unknown, as the
// log says. It reports whether that page's answer was final.
func (r *Reader) statusFrom(answers []answer, l *Listing) bool {
	for i, s := range r.sources {
		if s.Kind != Simple || !s.Warehouse || !answers[i].asked {
			continue
		}
		a := answers[i]
		if a.listing == nil || a.listing.Status == "" {
			r.logger.Debug("the project's status is unknown", "url", a.url.Redacted(), "why", cmp.Or(a.verdict, "the page declares none"))
			return a.final
		}
		l.Status = a.listing.Status
		r.logger.Debug("read API answered", "url", a.url.Redacted(), "project_status", a.listing.Status)
		return a.final
	}
	return true
}

// listingBuilder keeps, of the files an answer streams, only what the
// query asked about.
type listingBuilder struct {
	l       *Listing
	q       Query
	want    dist.Version
	wantErr error
	bySHA   map[string]bool
	// The last filename visit parsed and whether it names this release: a
	// page that repeats one link (an endless hostile answer does, to its
	// size cap) parses it once.
	lastName    string
	lastInScope bool
}

func newBuilder(s Source, q Query) *listingBuilder {
	b := &listingBuilder{l: &Listing{Source: s, Files: map[string]string{}, SameBytes: map[string]string{}}, q: q, bySHA: map[string]bool{}}
	b.want, b.wantErr = dist.ParseVersion(q.Version)
	for _, sha := range q.Files {
		b.bySHA[sha] = true
	}
	return b
}

func (b *listingBuilder) visit(f File) {
	if f.SHA256 != "" && b.bySHA[f.SHA256] {
		b.l.SameBytes[f.SHA256] = f.Filename
	}
	if b.l.Source.Kind != PyPIJSON {
		// A simple page lists the whole project: keep this release's.
		if f.Filename != b.lastName || b.lastName == "" {
			fn, err := dist.ParseFilename(f.Filename)
			b.lastName, b.lastInScope = f.Filename, err == nil && b.wantErr == nil && fn.ParsedVersion.Equal(b.want)
		}
		if !b.lastInScope {
			return
		}
	}
	b.l.ReleaseFiles++
	if !f.Uploaded.IsZero() && (b.l.FirstUpload.IsZero() || f.Uploaded.Before(b.l.FirstUpload)) {
		b.l.FirstUpload = f.Uploaded
	}
	if _, ok := b.q.Files[f.Filename]; ok {
		b.l.Files[f.Filename] = f.SHA256
	}
}

// fetch asks one source. It returns the files, or nil and why the answer
// cannot be used, and whether that is final: the source answered, and an
// answer to read was read whole (a failed request, or an answer cut off
// or left unread, is not). Credentials are sent, like pip does, only when
// the upload URL's own origin asks for them with a 401.
func (r *Reader) fetch(ctx context.Context, s Source, u *url.URL, q Query) (*Listing, string, bool) {
	ctx, cancel := transport.WithLimit(ctx, u.Host, r.timeout)
	defer cancel()
	l, verdict, status := r.ask(ctx, s, u, q, "", "")
	if status == http.StatusUnauthorized && r.auth != nil && SameOrigin(u, r.origin) {
		user, pass, err := r.auth(ctx)
		if err != nil {
			return nil, verdict, false
		}
		if user != "" || pass != "" {
			l, verdict, status = r.ask(ctx, s, u, q, user, pass)
		}
	}
	return l, verdict, status != 0 && (l != nil || status != http.StatusOK)
}

// ask makes one request, with Basic credentials unless both are empty,
// and decodes its answer.
func (r *Reader) ask(ctx context.Context, s Source, u *url.URL, q Query, user, pass string) (l *Listing, verdict string, status int) {
	resp, err := r.get(ctx, s, u, user, pass)
	if err != nil {
		return nil, "request failed: " + err.Error(), 0
	}
	defer drain(resp)
	if resp.StatusCode != http.StatusOK {
		return nil, statusVerdict(resp), resp.StatusCode
	}
	parse, err := parserFor(s.Kind, resp.Header.Get("Content-Type"))
	if err != nil {
		return nil, err.Error(), resp.StatusCode
	}
	if q.Ready != nil {
		files, err := q.Ready(ctx)
		if err != nil {
			return nil, "the answer was left unread: " + err.Error(), resp.StatusCode
		}
		q.Files = files
	}
	limit := r.maxBody
	if !isJSON(resp.Header.Get("Content-Type")) {
		limit *= maxHTMLAnswer / maxAnswer
	}
	b := newBuilder(s, q)
	to := sink{file: b.visit, status: func(st string) { b.l.Status = st }}
	if err := parse(&cappedReader{r: resp.Body, left: limit, limit: limit}, to); err != nil {
		return nil, err.Error(), resp.StatusCode
	}
	if t, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		b.l.AnsweredAt = t
	}
	return b.l, "", resp.StatusCode
}

func (r *Reader) get(ctx context.Context, s Source, u *url.URL, user, pass string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", accept(s.Kind))
	// Read APIs are cached for minutes; ask for a fresh answer.
	req.Header.Set("Cache-Control", "no-cache")
	if user != "" || pass != "" {
		req.SetBasicAuth(user, pass)
	}
	return r.client.Do(req)
}

// errTooLarge: an answer past the cap is refused rather than read as if
// it ended there (a cut HTML page would look complete).
var errTooLarge = errors.New("answer larger than the read cap")

type cappedReader struct {
	r           io.Reader
	left, limit int64
}

func (c *cappedReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		// At the cap: only the end of the answer may follow.
		var probe [1]byte
		n, err := c.r.Read(probe[:])
		if n == 0 {
			return 0, err
		}
		return 0, fmt.Errorf("%w (%d bytes)", errTooLarge, c.limit)
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

// drain reads a little of what is left, so the connection is kept for
// the next request, and closes the body.
func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
}

func accept(k Kind) string {
	if k == PyPIJSON {
		return "application/json"
	}
	return "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.1"
}

func statusVerdict(resp *http.Response) string {
	msg := strconv.Itoa(resp.StatusCode) + " " + http.StatusText(resp.StatusCode)
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return msg + ": no such page"
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return msg + ": the index refuses this read (upload credentials are offered only to the upload URL's own origin)"
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		return msg + ": redirect to " + transportSafe(resp.Header.Get("Location")) + " not followed"
	}
	return msg
}

// transportSafe keeps a Location header printable and short for a log.
func transportSafe(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return strconv.Quote(s)
}

// parserFor picks the parser by the answer's content type: JSON for
// PyPI's API and PEP 691, HTML for PEP 503.
func parserFor(k Kind, contentType string) (parser, error) {
	mt, _, _ := mime.ParseMediaType(contentType)
	switch json := isJSON(contentType); {
	case k == PyPIJSON && !json:
		return nil, fmt.Errorf("not a JSON API answer (content type %q)", mt)
	case k == PyPIJSON:
		return parsePyPIJSON, nil
	case json:
		return parseSimpleJSON, nil
	case mt == "text/html" || mt == "application/vnd.pypi.simple.v1+html" || mt == "":
		return parseSimpleHTML, nil
	}
	return nil, fmt.Errorf("%w: content type %q", ErrNotSimplePage, mt)
}

func isJSON(contentType string) bool {
	mt, _, _ := mime.ParseMediaType(contentType)
	return strings.HasSuffix(mt, "json")
}

// SameOrigin reports whether a and b have the same scheme, host and port
// (a missing port is the scheme's default).
func SameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Hostname(), b.Hostname()) && port(a) == port(b)
}

func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if strings.EqualFold(u.Scheme, "http") {
		return "80"
	}
	return "443"
}
