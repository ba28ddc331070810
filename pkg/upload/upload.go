package upload

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sort"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/pyupload/pyupload/internal/transport"

	"github.com/pyupload/pyupload/pkg/dist"
)

// Status is the outcome of one file.
type Status int

// The outcomes of a file. Only Uploaded and AlreadyPresent mean the file
// is on the index.
const (
	NotAttempted   Status = iota // never started (an earlier failure or cancellation stopped the batch)
	Uploaded                     // stored by this run
	AlreadyPresent               // the identical file was already on the index
	Failed                       // the index refused it, or retries ran out
	Canceled                     // the context was cancelled during the upload
)

func (s Status) String() string {
	return [...]string{"not attempted", "uploaded", "already present", "failed", "canceled"}[s]
}

// OnIndex reports whether the file is on the index after the run.
func (s Status) OnIndex() bool { return s == Uploaded || s == AlreadyPresent }

// Result is what happened to one file.
type Result struct {
	Dist       *dist.Dist
	Status     Status
	Attempts   int
	Err        error  // why it failed, for Failed and Canceled
	ReleaseURL string // where the release is shown, e.g. https://pypi.org/project/pkg/1.0/
}

// Uploader uploads distributions to one index endpoint.
type Uploader struct {
	client   *http.Client
	endpoint *url.URL
	check    *checker
	opts     options
}

// New returns an Uploader for endpoint (e.g. https://upload.pypi.org/legacy/)
// using client for the uploads. Redirects are never followed, whatever
// client says. The endpoint must be https unless its host is loopback (or
// [WithInsecureHTTP] is given).
func New(client *http.Client, endpoint *url.URL, opts ...Option) (*Uploader, error) {
	o := options{
		jobs:         4,
		attempts:     5,
		maxElapsed:   15 * time.Minute,
		backoff:      defaultBackoff,
		stallTimeout: 2 * time.Minute,
		answerTime:   5 * time.Minute,
		progress:     func(Event) {},
		logger:       slog.New(slog.DiscardHandler),
		now:          time.Now,
		credentials:  func(context.Context) (string, string, error) { return "", "", nil },
	}
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	if !transport.Secure(endpoint) && !(o.allowHTTP && endpoint.Scheme == "http") {
		return nil, fmt.Errorf("%w: %s", ErrInsecureURL, endpoint.Redacted())
	}
	c := *client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	read := o.readClient
	if read == nil {
		read = &c
	}
	return &Uploader{client: &c, endpoint: endpoint, check: newChecker(read, endpoint, o.checkURL), opts: o}, nil
}

// defaultBackoff: uploads are heavy, so wait longer than metadata calls.
var defaultBackoff = transport.Exponential(time.Second, time.Minute)

// release groups the files of one name and version.
type release struct {
	name, version string
	remote        *remote // nil when the read API could not tell
}

func releaseKey(d *dist.Dist) string {
	v := d.Metadata.Version
	if pv, err := dist.ParseVersion(v); err == nil {
		v = pv.String()
	}
	return dist.NormalizeName(d.Metadata.Name) + "\x00" + v
}

// Upload uploads files, which must have passed dist.Check, and returns one
// Result per file in the order given. Before any byte is sent it asks the
// index which files it already has: an identical file is skipped, and a
// different file under the same name fails the whole batch up front. Wheels
// go before sdists; the first file of a release that does not exist yet is
// uploaded alone, then the rest fan out over [WithJobs] workers. The first
// failure stops the files not yet started. The error joins every failure;
// it wraps context.Canceled when ctx was cancelled.
func (u *Uploader) Upload(ctx context.Context, files []*dist.Dist) ([]Result, error) {
	results := make([]Result, len(files))
	releases := map[string]*release{}
	for i, d := range files {
		key := releaseKey(d)
		if releases[key] == nil {
			releases[key] = &release{name: d.Metadata.Name, version: d.Metadata.Version}
		}
		results[i] = Result{Dist: d, ReleaseURL: u.check.releaseURL(d.Metadata.Name, d.Metadata.Version)}
	}
	lookups, lctx := errgroup.WithContext(ctx)
	lookups.SetLimit(u.opts.jobs)
	for _, r := range releases {
		lookups.Go(func() error {
			rem, err := u.check.lookup(lctx, r.name, r.version)
			if err != nil {
				u.opts.logger.Debug("existence check failed; relying on the upload endpoint", "release", r.name+" "+r.version, "error", err)
				return nil
			}
			if rem.known {
				r.remote = rem // each goroutine writes only its own release
			}
			return nil
		})
	}
	_ = lookups.Wait() // lookups never fail the batch: the upload endpoint decides
	if ctx.Err() != nil {
		return results, fmt.Errorf("checking the index for existing files: %w", context.Cause(ctx))
	}

	// Decide by hash before anything is sent.
	var conflicts []error
	var pending []int
	for i, d := range files {
		rem := releases[releaseKey(d)].remote
		if rem == nil {
			pending = append(pending, i)
			continue
		}
		if sha, ok := rem.sha256[d.Filename.Base]; ok {
			if sha == d.SHA256 {
				results[i].Status = AlreadyPresent
				// Counted as sent, so progress totals add up.
				u.opts.progress(Event{File: d.Filename.Base, Bytes: d.Size, Total: d.Size, Done: true, Status: AlreadyPresent})
				continue
			}
			results[i].Status = Failed
			results[i].Err = &ConflictError{Filename: d.Filename.Base, LocalSHA256: d.SHA256, RemoteSHA256: sha}
			conflicts = append(conflicts, results[i].Err)
			continue
		}
		if other, ok := rem.all[d.SHA256]; ok && other != d.Filename.Base {
			results[i].Status = Failed
			results[i].Err = fmt.Errorf("%s: the same bytes are already on the index as %s: %w", d.Filename.Base, other, ErrFileExists)
			conflicts = append(conflicts, results[i].Err)
			continue
		}
		pending = append(pending, i)
	}
	if len(conflicts) > 0 {
		return results, errors.Join(conflicts...)
	}

	// Wheels first, so installers never see an sdist-only release.
	sort.SliceStable(pending, func(a, b int) bool {
		return files[pending[a]].Filename.Kind == dist.Wheel && files[pending[b]].Filename.Kind != dist.Wheel
	})
	// The first file of a new release creates it; uploading it alone avoids
	// racing the index's project and release creation.
	var first, rest []int
	seen := map[string]bool{}
	for _, i := range pending {
		rel := releases[releaseKey(files[i])]
		key := releaseKey(files[i])
		if !seen[key] && (rel.remote == nil || !rel.remote.exists) {
			first = append(first, i)
		} else {
			rest = append(rest, i)
		}
		seen[key] = true
	}
	if err := u.fanOut(ctx, files, first, results); err != nil {
		return results, err
	}
	return results, u.fanOut(ctx, files, rest, results)
}

// fanOut uploads files[idx...] over the bounded pool. Each goroutine writes
// only its own results[i].
func (u *Uploader) fanOut(ctx context.Context, files []*dist.Dist, idx []int, results []Result) error {
	if len(idx) == 0 {
		return nil
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(u.opts.jobs)
	for _, i := range idx {
		g.Go(func() error {
			if gctx.Err() != nil {
				return nil // an earlier failure stopped the batch; this file stays NotAttempted
			}
			results[i] = u.uploadOne(gctx, files[i], results[i])
			if results[i].Status == Canceled && ctx.Err() == nil {
				// Cut off because another file failed: not this file's fault.
				results[i].Err = fmt.Errorf("%s: %w", files[i].Filename.Base, ErrStoppedByOtherFailure)
				return nil
			}
			if results[i].Status == Failed {
				return results[i].Err
			}
			return nil
		})
	}
	err := g.Wait()
	if ctx.Err() != nil {
		return fmt.Errorf("uploading: %w", context.Cause(ctx))
	}
	if err == nil {
		return nil
	}
	var errs []error
	for _, i := range idx {
		if results[i].Err != nil && !errors.Is(results[i].Err, ErrStoppedByOtherFailure) {
			errs = append(errs, results[i].Err)
		}
	}
	return errors.Join(errs...)
}

// uploadOne uploads one file with retries.
func (u *Uploader) uploadOne(ctx context.Context, d *dist.Dist, res Result) Result {
	base := d.Filename.Base
	done := func(s Status, err error) Result {
		res.Status, res.Err = s, err
		u.opts.progress(Event{File: base, Total: d.Size, Attempt: res.Attempts, Done: true, Status: s, Err: err})
		return res
	}
	b, err := newBody(d, Form(d, u.opts.comment, u.opts.attestations[d.Path]))
	if err != nil {
		return done(Failed, fmt.Errorf("%s: building the form: %w", base, err))
	}
	start := u.opts.now()
	for attempt := 1; ; attempt++ {
		res.Attempts = attempt
		sentAll, err := u.attempt(ctx, d, b, attempt)
		if err == nil {
			return done(Uploaded, nil)
		}
		if ctx.Err() != nil {
			return done(Canceled, fmt.Errorf("%s: %w", base, context.Cause(ctx)))
		}
		he, isHTTP := errors.AsType[*HTTPError](err)
		if isHTTP && he.fileExists() {
			return u.resolveExists(ctx, d, he, done)
		}
		if !retryable(err) {
			return done(Failed, fmt.Errorf("%s: %w", base, err))
		}
		// The index may have stored the file even though we saw a failure:
		// ask before sending it again.
		if sentAll {
			if present, _ := u.present(ctx, d); present {
				u.opts.progress(Event{File: base, Bytes: d.Size, Total: d.Size, Attempt: attempt})
				return done(Uploaded, nil)
			}
		}
		wait := u.opts.backoff(attempt)
		if isHTTP && he.RetryAfter > wait {
			wait = he.RetryAfter
		}
		// No attempt may start after the time budget: a long Retry-After
		// ends the retries now rather than sleeping past it.
		elapsed := u.opts.now().Sub(start)
		if attempt >= u.opts.attempts || elapsed+wait > u.opts.maxElapsed {
			return done(Failed, fmt.Errorf("%s: giving up after %d attempts in %s: %w", base, attempt, elapsed.Round(time.Second), err))
		}
		u.opts.logger.Debug("retrying upload", "file", base, "attempt", attempt, "wait", wait, "error", err)
		u.opts.progress(Event{File: base, Total: d.Size, Attempt: attempt, Retry: true, Err: err})
		if err := transport.Sleep(ctx, wait); err != nil {
			return done(Canceled, fmt.Errorf("%s: %w", base, err))
		}
	}
}

// resolveExists decides a "File already exists" answer by hash: the
// identical file is success, another file a conflict, never a skip. Only
// when the read API cannot tell does the index's message decide, and then
// only under [WithSkipExisting] (twine's fallback).
func (u *Uploader) resolveExists(ctx context.Context, d *dist.Dist, he *HTTPError, done func(Status, error) Result) Result {
	rem, err := u.check.lookup(ctx, d.Metadata.Name, d.Metadata.Version)
	if err == nil && rem.known {
		if sha, ok := rem.sha256[d.Filename.Base]; ok && sha == d.SHA256 {
			u.opts.progress(Event{File: d.Filename.Base, Bytes: d.Size, Total: d.Size})
			return done(AlreadyPresent, nil)
		}
		return done(Failed, &ConflictError{Filename: d.Filename.Base, LocalSHA256: d.SHA256, RemoteSHA256: rem.sha256[d.Filename.Base], Detail: he.Message})
	}
	if u.opts.skipExisting {
		u.opts.logger.Debug("read API could not confirm; skipping on the index's message", "file", d.Filename.Base)
		u.opts.progress(Event{File: d.Filename.Base, Bytes: d.Size, Total: d.Size})
		return done(AlreadyPresent, nil)
	}
	return done(Failed, &ConflictError{Filename: d.Filename.Base, LocalSHA256: d.SHA256, Detail: he.Message, Unverified: true})
}

// present asks the read API whether the identical file is on the index.
func (u *Uploader) present(ctx context.Context, d *dist.Dist) (bool, error) {
	rem, err := u.check.lookup(ctx, d.Metadata.Name, d.Metadata.Version)
	if err != nil {
		return false, err
	}
	return rem.known && rem.sha256[d.Filename.Base] == d.SHA256, nil
}

// retryable reports failures worth another attempt: network errors
// (resets, timeouts, EOF mid-answer), stalls, and 5xx/429 answers.
// Everything else (4xx, redirects, files that changed, certificate and
// credential errors) is final.
func retryable(err error) bool {
	if he, ok := errors.AsType[*HTTPError](err); ok {
		return he.Temporary()
	}
	if errors.Is(err, ErrStalled) || errors.Is(err, errNoAnswer) {
		return true
	}
	if errors.Is(err, errCredentials) {
		return false
	}
	if transport.IsTLSError(err) {
		return false
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNABORTED) {
		return true
	}
	if _, ok := errors.AsType[net.Error](err); ok {
		return true
	}
	return false
}

// attempt sends the file once. sentAll reports whether the whole body left
// before the failure, which makes the outcome ambiguous.
func (u *Uploader) attempt(ctx context.Context, d *dist.Dist, b *body, attempt int) (sentAll bool, err error) {
	actx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	base := d.Filename.Base

	var sent atomic.Int64
	var lastProgress atomic.Int64
	lastProgress.Store(u.opts.now().UnixNano())
	count := func(r io.Reader) io.Reader {
		return &countingReader{r: r, onRead: func(n int) {
			sent.Add(int64(n))
			lastProgress.Store(u.opts.now().UnixNano())
			u.opts.progress(Event{File: base, Bytes: int64(n), Total: d.Size, Attempt: attempt})
		}}
	}
	rc, err := b.open(d.Path, count)
	if err != nil {
		return false, err
	}
	var wrote atomic.Bool // the whole request left
	var wroteAt atomic.Int64
	trace := &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) {
		wroteAt.Store(u.opts.now().UnixNano())
		wrote.Store(true)
	}}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(actx, trace), http.MethodPost, u.endpoint.String(), rc)
	if err != nil {
		_ = rc.Close()
		return false, err
	}
	req.ContentLength = b.length()
	req.Header.Set("Content-Type", b.contentType)
	req.Header.Set("Accept", "application/json")
	user, pass, err := u.opts.credentials(ctx)
	if err != nil {
		_ = rc.Close()
		return false, fmt.Errorf("%w: %w", errCredentials, err)
	}
	if user != "" || pass != "" {
		req.SetBasicAuth(user, pass)
	}

	// The watchdog cancels an attempt whose body stops moving before the
	// request is fully written, and one whose answer does not come within
	// the answer timeout after that (the index reads, hashes and stores
	// the whole file before it answers).
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(min(u.opts.stallTimeout/4, u.opts.answerTime/4, time.Second))
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				now := u.opts.now()
				if !wrote.Load() && now.Sub(time.Unix(0, lastProgress.Load())) > u.opts.stallTimeout {
					cancel(ErrStalled)
					return
				}
				if wrote.Load() && now.Sub(time.Unix(0, wroteAt.Load())) > u.opts.answerTime {
					cancel(errNoAnswer)
					return
				}
			}
		}
	})
	resp, err := u.client.Do(req)
	close(stop)
	wg.Wait()
	sentAll = sent.Load() == d.Size
	if err != nil {
		if n := sent.Load(); n > 0 {
			u.opts.progress(Event{File: base, Bytes: -n, Total: d.Size, Attempt: attempt})
		}
		switch cause := context.Cause(actx); {
		case errors.Is(cause, ErrStalled):
			return false, fmt.Errorf("%w (%s)", ErrStalled, u.opts.stallTimeout)
		case errors.Is(cause, errNoAnswer):
			return true, fmt.Errorf("%w (%s)", errNoAnswer, u.opts.answerTime)
		}
		return sentAll, err
	}
	defer func() { _ = resp.Body.Close() }()
	if err := checkResponse(resp, u.endpoint); err != nil {
		if n := sent.Load(); n > 0 {
			u.opts.progress(Event{File: base, Bytes: -n, Total: d.Size, Attempt: attempt})
		}
		return sentAll, err
	}
	return true, nil
}

type countingReader struct {
	r      io.Reader
	onRead func(int)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.onRead(n)
	}
	return n, err
}
