package upload

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/pyupload/pyupload/internal/readapi"
)

// Credentials returns the username and password for one upload attempt.
// It is called before every attempt, so a token source can refresh.
type Credentials func(ctx context.Context) (username, password string, err error)

// Event reports upload progress. Bytes is a delta: positive as bytes are
// sent, negative when an attempt fails and its bytes no longer count.
type Event struct {
	File    string // the file's base name
	Bytes   int64  // delta of bytes sent
	Total   int64  // the file's size
	Attempt int    // 1-based
	Done    bool   // the file finished (successfully or not)
	Status  Status // when Done
	Err     error  // when Done with a failure, or a retry's cause
	Retry   bool   // an attempt failed and another follows
}

type options struct {
	jobs         int
	maxHold      time.Duration // how long an upload may hold back its end (gate.go)
	lookahead    *Lookahead
	credentials  Credentials
	progress     func(Event)
	readClient   *http.Client
	checkURL     *url.URL
	comment      string
	attestations map[string]string
	attempts     int
	maxElapsed   time.Duration
	backoff      func(attempt int) time.Duration
	timeout      time.Duration
	skipExisting bool
	allowHTTP    bool
	// trustedPublishing: the credentials are a Trusted Publishing token,
	// which a quarantined project refuses.
	trustedPublishing bool
	logger            *slog.Logger
	now               func() time.Time
}

// Option configures an [Uploader].
type Option func(*options) error

// WithTrustedPublishing says the credentials are an upload token minted
// by Trusted Publishing, which PyPI refuses for a quarantined project
// where an owner's API token is still taken.
func WithTrustedPublishing() Option {
	return func(o *options) error {
		o.trustedPublishing = true
		return nil
	}
}

// WithJobs sets how many files upload at once. The default is 4.
func WithJobs(n int) Option {
	return func(o *options) error {
		if n < 1 {
			return errors.New("upload: jobs must be at least 1")
		}
		o.jobs = n
		return nil
	}
}

// WithCredentials sets the callback that authenticates every attempt. The
// default sends no credentials.
func WithCredentials(c Credentials) Option {
	return func(o *options) error {
		if c == nil {
			return errors.New("upload: nil credentials callback")
		}
		o.credentials = c
		return nil
	}
}

// WithProgress sets a callback for progress events. It must be cheap and
// safe for concurrent use; uploads do not wait for it to return anything.
// The default discards events.
func WithProgress(f func(Event)) Option {
	return func(o *options) error {
		if f == nil {
			return errors.New("upload: nil progress callback")
		}
		o.progress = f
		return nil
	}
}

// IdleConnections is how many connections per host a client for
// [WithJobs](jobs) should keep open between requests: one for each
// worker, and those the lookups before the uploads use. Fewer, and the
// connections of finished requests are closed, then dialled (and
// handshaken) again for the next files.
func IdleConnections(jobs int) int { return jobs + readapi.LookupsAtOnce }

// WithLookahead uses the answers of lookups made ahead ([StartLookahead])
// instead of asking again, where they are final.
func WithLookahead(la *Lookahead) Option {
	return func(o *options) error {
		o.lookahead = la
		return nil
	}
}

// WithReadClient sets the client for the index's read APIs (existence
// checks). It may retry, and must not follow redirects. The upload's
// credentials are sent on a read only when the upload URL's own origin
// answers 401 to an anonymous one. The default is the upload client.
func WithReadClient(c *http.Client) Option {
	return func(o *options) error { o.readClient = c; return nil }
}

// WithCheckURL sets where existing files are looked up: either a simple
// index ("https://pypi.org/simple/", devpi's ".../+simple/"; PEP 691 JSON
// or PEP 503 HTML) or the base of a PyPI-style JSON API
// ("https://pypi.org"). The default derives the places to ask from the
// upload URL: PyPI's and TestPyPI's read hosts, a "/legacy/" endpoint's
// own host, and for any other registry "<upload URL>/simple/",
// "<upload URL>/+simple/" and "<host>/simple/", in that order.
func WithCheckURL(u *url.URL) Option {
	return func(o *options) error { o.checkURL = u; return nil }
}

// WithComment sets the comment stored with each file. The default is none.
func WithComment(c string) Option {
	return func(o *options) error { o.comment = c; return nil }
}

// WithAttestations sets the PEP 740 attestations sent with each file:
// a JSON array (as text) per dist.Dist.Path. The default sends none.
func WithAttestations(byPath map[string]string) Option {
	return func(o *options) error { o.attestations = byPath; return nil }
}

// WithRetry bounds retries: at most attempts tries per file, and no new
// attempt after maxElapsed since the first. The default is 5 attempts
// within 15 minutes.
func WithRetry(attempts int, maxElapsed time.Duration) Option {
	return func(o *options) error {
		if attempts < 1 || maxElapsed <= 0 {
			return errors.New("upload: retry needs at least 1 attempt and a positive time budget")
		}
		o.attempts, o.maxElapsed = attempts, maxElapsed
		return nil
	}
}

// WithBackoff sets the wait before retry n (1-based); the index's
// Retry-After is honoured when longer. The default is exponential from
// 1 s, capped at 60 s, with full jitter.
func WithBackoff(f func(attempt int) time.Duration) Option {
	return func(o *options) error {
		if f == nil {
			return errors.New("upload: nil backoff")
		}
		o.backoff = f
		return nil
	}
}

// WithTimeout sets the inactivity timeout: an attempt on which no byte
// moved in either direction for d, while the file is sent and while the
// index's answer (its headers, then its body) is read, is cancelled and
// retried, after asking the read API whether the file arrived when the
// whole file had been sent. An attempt is also limited as a whole, to 2×d
// plus the file's size at 16 KiB/s, so that an index that takes or sends
// a byte now and then cannot hold it forever. The read API's lookups get
// the same timeout and 2×d each. The timeouts are [net.Error]s whose
// Timeout method reports true. The default is 2 minutes.
func WithTimeout(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 {
			return errors.New("upload: timeout must be positive")
		}
		o.timeout = d
		return nil
	}
}

// WithStallTimeout sets the inactivity timeout.
//
// Deprecated: one inactivity timeout now covers sending the file and
// waiting for the answer; use [WithTimeout].
func WithStallTimeout(d time.Duration) Option { return WithTimeout(d) }

// WithAnswerTimeout sets the inactivity timeout.
//
// Deprecated: one inactivity timeout now covers sending the file and
// waiting for the answer; use [WithTimeout].
func WithAnswerTimeout(d time.Duration) Option { return WithTimeout(d) }

// WithSkipExisting skips a file the index already holds under its name
// (twine's --skip-existing): status [Skipped], with the evidence. When the
// read API shows other bytes there, the file is skipped too, with both
// hashes in the result, instead of failing the batch before any upload.
// The same bytes are always "already present", with or without it. The
// default treats other bytes, and an "already exists" answer no read API
// can confirm, as errors.
func WithSkipExisting() Option {
	return func(o *options) error { o.skipExisting = true; return nil }
}

// WithLogger sets the debug logger. The default discards logs.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) error { o.logger = l; return nil }
}
