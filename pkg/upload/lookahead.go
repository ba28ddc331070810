package upload

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/pyupload/pyupload/internal/readapi"
	"github.com/pyupload/pyupload/internal/transport"
	"github.com/pyupload/pyupload/pkg/dist"
)

// A Lookahead asks the index what it holds of the releases being
// published while the run is still checking the files, minting a token
// and signing, so that the upload starts without a round of lookups. The
// requests go at once, named after the files' names; an answer that has
// to be read (a page that exists) waits for the checked files' sha256s,
// and one that needs credentials waits for them. An answer that could
// not be had in full is asked again by the upload, as without a
// Lookahead.
type Lookahead struct {
	read   *readapi.Reader
	cancel context.CancelFunc
	wg     sync.WaitGroup

	checked chan struct{} // closed by Checked or Stop
	files   map[releaseKey]map[string]string

	authed chan struct{} // closed by Authenticated or Stop
	creds  Credentials

	results map[releaseKey]*early
}

// LookaheadConfig is where a [Lookahead] asks, and how.
type LookaheadConfig struct {
	Client   *http.Client  // the read client, as [WithReadClient]
	Endpoint *url.URL      // the upload URL
	CheckURL *url.URL      // as [WithCheckURL]; nil derives it
	Logger   *slog.Logger  // nil logs nothing
	Timeout  time.Duration // the inactivity timeout, as [WithTimeout]; 0: the default
}

// releaseKey names a release as a filename and a lookup's URL do.
type releaseKey struct{ name, version string }

// early is one release's lookup made ahead.
type early struct {
	done    chan struct{}
	listing *readapi.Listing
	final   bool
}

// StartLookahead starts a lookup for every release that paths name (by
// their filenames; a path that is not a distribution's is left to the
// checks to refuse). Stop must be called when the run ends.
func StartLookahead(ctx context.Context, c LookaheadConfig, paths []string) *Lookahead {
	ctx, cancel := context.WithCancel(ctx)
	la := &Lookahead{cancel: cancel, checked: make(chan struct{}), authed: make(chan struct{}), results: map[releaseKey]*early{}}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = transport.DefaultTimeout
	}
	la.read = readapi.New(readapi.Config{Client: c.Client, Endpoint: c.Endpoint, CheckURL: c.CheckURL, Auth: la.auth, Logger: c.Logger, Timeout: transport.CallLimit(timeout)})
	for _, p := range paths {
		fn, err := dist.ParseFilename(p)
		if err != nil {
			continue
		}
		k := releaseKey{dist.NormalizeName(fn.Name), fn.Version}
		if la.results[k] != nil {
			continue
		}
		e := &early{done: make(chan struct{})}
		la.results[k] = e
		la.wg.Go(func() {
			defer close(e.done)
			q := readapi.Query{Name: k.name, Version: k.version, Status: true, Ready: func(ctx context.Context) (map[string]string, error) {
				return la.filesOf(ctx, k)
			}}
			e.listing, e.final, _ = la.read.Prefetch(ctx, q)
		})
	}
	return la
}

// errRegrouped: the checked files of a release are not the ones its
// filenames named (their metadata names another release).
var errRegrouped = errors.New("the checked files group differently")

// filesOf waits for the checked files, and returns the release's.
func (la *Lookahead) filesOf(ctx context.Context, k releaseKey) (map[string]string, error) {
	select {
	case <-la.checked:
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
	if f := la.files[k]; len(f) > 0 {
		return f, nil
	}
	return nil, errRegrouped
}

// auth waits for the upload's credentials.
func (la *Lookahead) auth(ctx context.Context) (string, string, error) {
	select {
	case <-la.authed:
	case <-ctx.Done():
		return "", "", context.Cause(ctx)
	}
	if la.creds == nil {
		return "", "", errors.New("the run stopped before it had credentials")
	}
	return la.creds(ctx)
}

// Checked gives the lookups the checked files, whose sha256s the answers
// are read against. Call it once, after every file passed its checks.
func (la *Lookahead) Checked(dists []*dist.Dist) {
	files := map[releaseKey]map[string]string{}
	for _, d := range dists {
		k := releaseKey{dist.NormalizeName(d.Metadata.Name), d.Metadata.Version}
		if files[k] == nil {
			files[k] = map[string]string{}
		}
		files[k][d.Filename.Base] = d.SHA256
	}
	la.files = files
	close(la.checked)
}

// Authenticated gives the lookups the upload's credentials, for an index
// that asks for them to read. Call it once.
func (la *Lookahead) Authenticated(c Credentials) {
	la.creds = c
	close(la.authed)
}

// Stop ends the lookups still running and waits for them. It may be
// called more than once.
func (la *Lookahead) Stop() {
	la.cancel()
	la.wg.Wait()
}

// take returns the answer made ahead for r, when there is a final one
// read against exactly r's files (Checked has been called).
func (la *Lookahead) take(ctx context.Context, r *release) (*readapi.Listing, bool) {
	k := releaseKey{dist.NormalizeName(r.name), r.version}
	e := la.results[k]
	if e == nil {
		return nil, false
	}
	select {
	case <-e.done:
	case <-ctx.Done():
		return nil, false
	}
	if !e.final || !maps.Equal(la.files[k], r.files) {
		return nil, false
	}
	return e.listing, true
}
