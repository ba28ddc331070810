package readapi

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pyupload/pyupload/pkg/dist"
)

// Auth returns the upload's credentials; "" and "" mean none.
type Auth func(ctx context.Context) (username, password string, err error)

// Listing is what a read API says of one release.
type Listing struct {
	Source Source
	URL    string            // the page that answered
	Files  map[string]string // this release's files: filename → sha256 ("" when not given)
	// Project maps sha256 → filename for every file of the project the
	// answer shows (only this release's for PyPI's JSON API).
	Project map[string]string
}

// Exists reports whether the release has any file.
func (l *Listing) Exists() bool { return len(l.Files) > 0 }

// Reader asks an index's read APIs.
type Reader struct {
	client  *http.Client
	sources []Source
	origin  *url.URL // the upload URL: credentials go to its origin only
	auth    Auth
	logger  *slog.Logger
	timeout time.Duration
	maxBody int64
}

// Config configures a [Reader].
type Config struct {
	Client   *http.Client // must not follow redirects (transport.NewClient does not)
	Endpoint *url.URL     // the upload URL
	CheckURL *url.URL     // --check-url, or nil
	Auth     Auth         // nil: anonymous reads
	Logger   *slog.Logger // nil: no logs
}

// Answers are bounded: the largest real simple pages (projects with
// thousands of files) are a few MiB.
const (
	requestTimeout = 30 * time.Second
	maxAnswer      = 32 << 20
)

// New returns a Reader for the sources [Candidates] derives.
func New(c Config) *Reader {
	r := &Reader{
		client: c.Client, sources: Candidates(c.Endpoint, c.CheckURL), origin: c.Endpoint,
		auth: c.Auth, logger: c.Logger, timeout: requestTimeout, maxBody: maxAnswer,
	}
	if r.logger == nil {
		r.logger = slog.New(slog.DiscardHandler)
	}
	return r
}

// Sources are where the Reader asks, in order.
func (r *Reader) Sources() []Source { return r.sources }

// Lookup returns the first usable answer for the release, or nil when no
// source could tell (nothing found, no read API, answers unusable). Every
// source's answer is logged at debug level, with why it was not used.
// The error is only the context's.
func (r *Reader) Lookup(ctx context.Context, name, version string) (*Listing, error) {
	for _, s := range r.sources {
		u := s.URL(name, version)
		files, verdict := r.fetch(ctx, s, u)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if files == nil {
			r.logger.Debug("read API not used", "url", u.Redacted(), "why", verdict)
			continue
		}
		l := newListing(s, u, files, version)
		r.logger.Debug("read API answered", "url", u.Redacted(), "release_files", len(l.Files), "project_files", len(files))
		return l, nil
	}
	return nil, nil
}

func newListing(s Source, u *url.URL, files []File, version string) *Listing {
	l := &Listing{Source: s, URL: u.String(), Files: map[string]string{}, Project: map[string]string{}}
	want, verr := dist.ParseVersion(version)
	for _, f := range files {
		if f.SHA256 != "" {
			l.Project[f.SHA256] = f.Filename
		}
		if s.Kind == PyPIJSON {
			l.Files[f.Filename] = f.SHA256
			continue
		}
		fn, err := dist.ParseFilename(f.Filename)
		if err == nil && verr == nil && fn.ParsedVersion.Equal(want) {
			l.Files[f.Filename] = f.SHA256
		}
	}
	return l
}

// fetch asks one source. It returns the files, or nil and why the answer
// cannot be used. Credentials are sent, like pip does, only when the
// upload URL's own origin asks for them with a 401.
func (r *Reader) fetch(ctx context.Context, s Source, u *url.URL) ([]File, string) {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	files, verdict, status := r.ask(ctx, s, u, false)
	if status == http.StatusUnauthorized && r.auth != nil && SameOrigin(u, r.origin) {
		files, verdict, _ = r.ask(ctx, s, u, true)
	}
	return files, verdict
}

// ask makes one request and decodes its answer.
func (r *Reader) ask(ctx context.Context, s Source, u *url.URL, withAuth bool) (files []File, verdict string, status int) {
	resp, err := r.get(ctx, s, u, withAuth)
	if err != nil {
		return nil, "request failed: " + err.Error(), 0
	}
	defer drain(resp)
	if resp.StatusCode != http.StatusOK {
		return nil, statusVerdict(resp), resp.StatusCode
	}
	files, err = decode(s.Kind, resp.Header.Get("Content-Type"), io.LimitReader(resp.Body, r.maxBody))
	if err != nil {
		return nil, err.Error(), resp.StatusCode
	}
	return files, "", resp.StatusCode
}

func (r *Reader) get(ctx context.Context, s Source, u *url.URL, withAuth bool) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", accept(s.Kind))
	// Read APIs are cached for minutes; ask for a fresh answer.
	req.Header.Set("Cache-Control", "no-cache")
	if withAuth {
		user, pass, err := r.auth(ctx)
		if err != nil {
			return nil, fmt.Errorf("getting credentials: %w", err)
		}
		req.SetBasicAuth(user, pass)
	}
	return r.client.Do(req)
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

// decode parses an answer by its content type: JSON for PyPI's API and
// PEP 691, HTML for PEP 503.
func decode(k Kind, contentType string, body io.Reader) ([]File, error) {
	mt, _, _ := mime.ParseMediaType(contentType)
	isJSON := strings.HasSuffix(mt, "json")
	switch {
	case k == PyPIJSON && !isJSON:
		return nil, fmt.Errorf("not a JSON API answer (content type %q)", mt)
	case k == PyPIJSON:
		return ParsePyPIJSON(body)
	case isJSON:
		return ParseSimpleJSON(body)
	case mt == "text/html" || mt == "application/vnd.pypi.simple.v1+html" || mt == "":
		return ParseSimpleHTML(body)
	}
	return nil, fmt.Errorf("%w: content type %q", ErrNotSimplePage, mt)
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
