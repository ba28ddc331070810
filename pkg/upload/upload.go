package upload

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/pyupload/pyupload/internal/readapi"
	"github.com/pyupload/pyupload/internal/transport"

	"github.com/pyupload/pyupload/pkg/dist"
)

// Status is the outcome of one file.
type Status int

// The outcomes of a file. Uploaded and AlreadyPresent mean the local file
// is on the index; Skipped that the index has a file with its name, which
// may not be the same bytes (Result.Evidence and Result.RemoteSHA256 say).
const (
	NotAttempted   Status = iota // never started (an earlier failure or cancellation stopped the batch)
	Uploaded                     // stored by this run
	AlreadyPresent               // the identical file was already on the index
	Failed                       // the index refused it, or retries ran out
	Canceled                     // the context was cancelled during the upload
	Skipped                      // not sent: the index has a file with this name ([WithSkipExisting])
	Unknown                      // interrupted after its whole body was sent: it may be on the index
)

func (s Status) String() string {
	return [...]string{"not attempted", "uploaded", "already present", "failed", "canceled", "skipped", "unknown"}[s]
}

// OnIndex reports whether the local file is on the index after the run.
func (s Status) OnIndex() bool { return s == Uploaded || s == AlreadyPresent }

// Result is what happened to one file.
type Result struct {
	Dist     *dist.Dist
	Status   Status
	Attempts int
	Err      error // why it failed, for Failed and Canceled; the conflict, for a Skipped file that differs
	// Evidence is how the outcome is known, for files the index holds.
	Evidence Evidence
	// RemoteSHA256 is the index's sha256 for this filename when it differs
	// from the local file.
	RemoteSHA256 string
	// OtherFilename is where the index holds these very bytes under
	// another name (PyPI refuses to take them twice).
	OtherFilename string
	// ReleaseURL is where the release is shown, e.g.
	// https://pypi.org/project/pkg/1.0/, or "" when the index's pages are
	// not known.
	ReleaseURL string
}

// IndexHasName reports whether the index holds a file with this name after
// the run, ours or not: true also for a refused duplicate.
func (r Result) IndexHasName() bool {
	return r.Status.OnIndex() || r.Evidence == DuplicateAnswer || r.RemoteSHA256 != ""
}

// Verified reports whether the file on the index is known to be these
// very bytes: accepted from this run, or listed with the same sha256.
func (r Result) Verified() bool {
	return r.Status.OnIndex() && r.Evidence != LostAnswerDuplicate
}

// Uploader uploads distributions to one index endpoint.
type Uploader struct {
	client   *http.Client
	endpoint *url.URL
	read     *readapi.Reader
	opts     options
}

// New returns an Uploader for endpoint (e.g. https://upload.pypi.org/legacy/)
// using client for the uploads. Redirects are never followed, whatever
// client says. The endpoint must be https unless its host is loopback (or
// [WithInsecureHTTP] is given).
func New(client *http.Client, endpoint *url.URL, opts ...Option) (*Uploader, error) {
	o := options{
		jobs:        4,
		maxHold:     maxHold,
		attempts:    5,
		maxElapsed:  15 * time.Minute,
		backoff:     defaultBackoff,
		timeout:     transport.DefaultTimeout,
		progress:    func(Event) {},
		logger:      slog.New(slog.DiscardHandler),
		now:         time.Now,
		credentials: func(context.Context) (string, string, error) { return "", "", nil },
	}
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	if o.timeout > 0 {
		// A held request moves no byte: it must give up its hold well
		// before the inactivity timeout would end it as a failure.
		o.maxHold = min(o.maxHold, o.timeout/2)
	}
	if !transport.Secure(endpoint) && !(o.allowHTTP && endpoint.Scheme == "http") {
		return nil, fmt.Errorf("%w: %s", ErrInsecureURL, endpoint.Redacted())
	}
	c := *client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	inner := c.Transport
	if inner == nil {
		inner = http.DefaultTransport
	}
	// The attempt's limit depends on the file's size: attempt sets it.
	c.Transport = transport.NewTimeout(inner, o.timeout, 0)
	read := o.readClient
	if read == nil {
		read = &c
	}
	r := readapi.New(readapi.Config{Client: read, Endpoint: endpoint, CheckURL: o.checkURL, Auth: readapi.Auth(o.credentials), Logger: o.logger, Timeout: transport.CallLimit(o.timeout)})
	return &Uploader{client: &c, endpoint: endpoint, read: r, opts: o}, nil
}

// defaultBackoff: uploads are heavy, so wait longer than metadata calls.
var defaultBackoff = transport.Exponential(time.Second, time.Minute)

// Upload uploads files, which must have passed dist.Check, and returns one
// Result per file in the order given. Before any byte is sent it asks the
// index which files it already has: an identical file is "already
// present", and a different file under the same name fails the whole
// batch up front (or is skipped, under [WithSkipExisting]). The files fan
// out over [WithJobs] workers ([plan]): the smallest wheel of each release
// that does not exist yet creates it, the release's other files ending
// only after it (gate.go); then wheels before sdists, largest first. The
// first
// failure stops the files not yet started, except an index's "already
// exists" answer that no read API could check. The error joins every
// failure; it wraps context.Canceled when ctx was cancelled.
func (u *Uploader) Upload(ctx context.Context, files []*dist.Dist) ([]Result, error) {
	results := make([]Result, len(files))
	releases, of := groupReleases(files)
	for i, d := range files {
		results[i] = Result{Dist: d, ReleaseURL: readapi.ReleasePage(u.endpoint, d.Metadata.Name, d.Metadata.Version)}
	}
	if err := u.lookupAll(ctx, releases); err != nil {
		return results, err
	}
	// Decide by hash before anything is sent.
	var pending []int
	conflict := false
	for i, d := range files {
		if u.settle(d, of[i].listing, &results[i]) {
			pending = append(pending, i)
		}
		conflict = conflict || results[i].Status == Failed
	}
	if conflict {
		return results, batchError(ctx, results)
	}

	u.fanOut(ctx, files, plan(files, pending, of), results)
	u.askAboutUnknown(ctx, results)
	return results, batchError(ctx, results)
}

// schedule orders the files to send (indexes into files). first holds,
// for each release the index does not have yet, the file that creates it:
// its smallest wheel (its smallest file when it has none), which the
// release's other files wait on to end, so that no two uploads race to
// create the release; small, so that they wait as little as possible.
// rest holds the others: wheels before sdists, so installers never see a
// release with an sdist and only some of its wheels, and within each kind
// largest first, which keeps the pool busy to the end (the longest-
// processing-time rule: the last file to start is a small one).
func schedule(files []*dist.Dist, pending []int, of []*release) (first, rest []int) {
	opener := map[*release]int{}
	for _, i := range pending {
		r := of[i]
		if r.listing != nil && r.listing.Exists() {
			continue
		}
		if j, ok := opener[r]; !ok || createsBefore(files[i], files[j]) {
			opener[r] = i
		}
	}
	for _, i := range pending {
		if j, ok := opener[of[i]]; ok && j == i {
			first = append(first, i)
		} else {
			rest = append(rest, i)
		}
	}
	slices.SortStableFunc(rest, func(a, b int) int {
		return cmp.Or(wheelsFirst(files[a], files[b]), cmp.Compare(files[b].Size, files[a].Size))
	})
	return first, rest
}

// createsBefore reports whether a is the better file to create a release
// with than b: a wheel before an sdist, then the smaller.
func createsBefore(a, b *dist.Dist) bool {
	return cmp.Or(wheelsFirst(a, b), cmp.Compare(a.Size, b.Size)) < 0
}

// wheelsFirst orders a wheel before an sdist, and leaves two of a kind
// to the next rule (0).
func wheelsFirst(a, b *dist.Dist) int {
	isSdist := func(d *dist.Dist) int {
		if d.Filename.Kind == dist.Wheel {
			return 0
		}
		return 1
	}
	return cmp.Compare(isSdist(a), isSdist(b))
}

// askUnknownFor bounds how long a run may still ask the read API about
// the files whose fate is unknown, even after it was interrupted.
const askUnknownFor = 5 * time.Second

// askAboutUnknown asks the read API, briefly, about every file whose
// request left whole without an answer saying what became of it
// (interrupted, answer lost, no upload API's answer), so the report says
// what the index holds rather than guessing. After an interrupt the run is
// already cancelled; a second interrupt ends the process.
func (u *Uploader) askAboutUnknown(ctx context.Context, results []Result) {
	if !slices.ContainsFunc(results, func(r Result) bool { return r.Status == Unknown }) {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), askUnknownFor)
	defer cancel()
	for i := range results {
		r := &results[i]
		if r.Status != Unknown {
			continue
		}
		if u.listed(ctx, r.Dist) {
			r.Status, r.Evidence, r.Err = Uploaded, ReadAPI, nil
		}
	}
}

// batchError joins every file's failure (a file cut off by another's
// failure is not one); it wraps the context's cause after a cancellation.
func batchError(ctx context.Context, results []Result) error {
	if ctx.Err() != nil {
		return fmt.Errorf("uploading: %w", context.Cause(ctx))
	}
	var errs []error
	cutOff := 0
	for _, r := range results {
		switch r.Status {
		case Failed, Unknown:
			errs = append(errs, r.Err)
		case NotAttempted, Canceled:
			cutOff++
		}
	}
	if len(errs) == 0 && cutOff > 0 {
		// The file that stopped the batch turned out to be on the index
		// after all (the read API listed it late): the others are still
		// not, and the run must say so.
		errs = append(errs, fmt.Errorf("%d files not sent: %w", cutOff, ErrStoppedByOtherFailure))
	}
	return errors.Join(errs...)
}

// sendPlan is the order files are sent in and what holds them back.
type sendPlan struct {
	order []int
	opens map[int]*gate // a new release's first file → the gate its outcome settles
	holds map[int]*gate // the release's other files → the gate they wait on to end
}

// plan lays out the batch: each new release's first file, then the rest
// ([schedule]), the rest of a new release held by its first file's gate,
// and the first files of a project's other new releases by the first
// one's.
func plan(files []*dist.Dist, pending []int, of []*release) sendPlan {
	first, rest := schedule(files, pending, of)
	p := sendPlan{order: append(first, rest...), opens: map[int]*gate{}, holds: map[int]*gate{}}
	byRelease := map[*release]*gate{}
	byProject := map[string]*gate{}
	for _, i := range first {
		g := newGate()
		byRelease[of[i]], p.opens[i] = g, g
		// Several new releases of one project: the project may be new
		// too, and only one upload may create it, so the first files of
		// the others end after the first one's.
		project := dist.NormalizeName(of[i].name)
		if firstOfProject := byProject[project]; firstOfProject != nil {
			p.holds[i] = firstOfProject
		} else {
			byProject[project] = g
		}
	}
	for _, i := range rest {
		if g := byRelease[of[i]]; g != nil {
			p.holds[i] = g
		}
	}
	return p
}

// fanOut uploads the files of p over the bounded pool. Each goroutine
// writes only its own results[i]. An "already exists" answer no read API
// could check does not stop the others: the index has that file, and the
// rest of the release can still be completed (so a re-run finishes it).
// Other bytes under the name, once the read API shows them, stop the batch
// as they would have before it started.
func (u *Uploader) fanOut(ctx context.Context, files []*dist.Dist, p sendPlan, results []Result) {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(u.opts.jobs)
	for _, i := range p.order {
		g.Go(func() (stop error) {
			if opens := p.opens[i]; opens != nil {
				// Whatever happens to it, the files it holds must learn;
				// a result that stops the batch stops them too.
				defer func() { opens.settle(stop == nil && results[i].IndexHasName()) }()
			}
			if gctx.Err() != nil {
				return nil // an earlier failure stopped the batch; this file stays NotAttempted
			}
			results[i] = u.uploadOne(gctx, files[i], results[i], p.holds[i])
			r := results[i]
			if r.Status == Canceled && ctx.Err() == nil {
				// Cut off because another file failed: not this file's fault.
				results[i].Err = fmt.Errorf("%s: %w", files[i].Filename.Base, ErrStoppedByOtherFailure)
				return nil
			}
			if r.Status == Failed && r.Evidence != DuplicateAnswer || r.Status == Unknown && ctx.Err() == nil {
				return r.Err
			}
			return nil
		})
	}
	_ = g.Wait()
}

// uploadOne uploads one file with retries. hold, when not nil, is the
// gate of the release's first file, which the upload's end waits on.
func (u *Uploader) uploadOne(ctx context.Context, d *dist.Dist, res Result, hold *gate) Result {
	base := d.Filename.Base
	done := func(r Result) Result {
		if r.Status.OnIndex() || r.Status == Skipped {
			// The failed attempts' bytes were taken back; the file counts whole.
			u.opts.progress(Event{File: base, Bytes: d.Size, Total: d.Size, Attempt: r.Attempts})
		}
		u.opts.progress(Event{File: base, Total: d.Size, Attempt: r.Attempts, Done: true, Status: r.Status, Err: r.Err})
		return r
	}
	fail := func(s Status, err error) Result {
		res.Status, res.Err = s, err
		return done(res)
	}
	b, err := newBody(d, Form(d, u.opts.comment, u.opts.attestations[d.Path]))
	if err != nil {
		return fail(Failed, fmt.Errorf("%s: building the form: %w", base, err))
	}
	start := u.opts.now()
	lostAnswer := false // an earlier attempt sent everything and no answer told what happened
	for attempt := 1; ; attempt++ {
		res.Attempts = attempt
		sentAll, err := u.attempt(ctx, d, b, attempt, hold)
		if errors.Is(err, errHeldTooLong) {
			// The first file takes long: wait for it without holding a
			// request open, then send this one whole.
			waitFrom := u.opts.now()
			if err = hold.wait(ctx, 0); err == nil {
				attempt--                                     // not an attempt of its own: nothing reached the index
				start = start.Add(u.opts.now().Sub(waitFrom)) // nor is the wait for another file part of this one's budget
				continue
			}
		}
		if errors.Is(err, errNotOpened) {
			// Cut off before its end because the release's first file
			// failed: the index never handled it.
			res.Attempts, res.Status = attempt-1, NotAttempted
			return res
		}
		if err == nil {
			res.Status, res.Evidence = Uploaded, UploadAnswer
			u.opts.progress(Event{File: base, Total: d.Size, Attempt: attempt, Done: true, Status: Uploaded})
			return res
		}
		// An answer that came is decided even if the run is being
		// cancelled: the index said it has the file.
		he, isHTTP := errors.AsType[*HTTPError](err)
		if isHTTP && he.duplicate() {
			return done(u.resolveDuplicate(ctx, d, he, lostAnswer, res))
		}
		if _, ok := errors.AsType[*NotUploadAnswerError](err); ok {
			// Only the read API can still tell whether the file arrived.
			if u.listed(ctx, d) {
				res.Status, res.Evidence = Uploaded, ReadAPI
				return done(res)
			}
			// The index took the bytes and answered 2xx: stored or not,
			// nothing says.
			return fail(Unknown, fmt.Errorf("%s: %w", base, err))
		}
		if ctx.Err() != nil {
			if sentAll || lostAnswer {
				return fail(Unknown, fmt.Errorf("%s: interrupted after the whole file was sent, before the index answered: %w", base, context.Cause(ctx)))
			}
			return fail(Canceled, fmt.Errorf("%s: %w", base, context.Cause(ctx)))
		}
		if !retryable(err) {
			if lostAnswer {
				// An earlier attempt may have stored it.
				return fail(Unknown, fmt.Errorf("%s: %w (an earlier attempt was sent whole and its answer lost: the file may be on the index)", base, err))
			}
			return fail(Failed, fmt.Errorf("%s: %w", base, err))
		}
		if sentAll && ambiguous(err) {
			lostAnswer = true
			// The index may have stored the file: ask before sending it again.
			if u.listed(ctx, d) {
				res.Status, res.Evidence = Uploaded, ReadAPI
				return done(res)
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
			giveUp := fmt.Errorf("%s: giving up after %d attempts in %s: %w", base, attempt, elapsed.Round(time.Second), err)
			if lostAnswer {
				return fail(Unknown, giveUp) // an attempt was sent whole and its answer lost
			}
			return fail(Failed, giveUp)
		}
		u.opts.logger.Debug("retrying upload", "file", base, "attempt", attempt, "wait", wait, "error", err)
		u.opts.progress(Event{File: base, Total: d.Size, Attempt: attempt, Retry: true, Err: err})
		if err := transport.Sleep(ctx, wait); err != nil {
			if lostAnswer {
				return fail(Unknown, fmt.Errorf("%s: interrupted while waiting to retry an upload whose answer was lost: %w", base, err))
			}
			return fail(Canceled, fmt.Errorf("%s: %w", base, err))
		}
	}
}

// ambiguous reports failures after which the index may have stored the
// file: the connection failed or no answer came, or a gateway gave up
// waiting for the index behind it (502, 504). An index's own 500 or 503
// (Gitea's "database is locked") and a 429 say it did not store it.
func ambiguous(err error) bool {
	if he, ok := errors.AsType[*HTTPError](err); ok {
		return he.StatusCode == http.StatusBadGateway || he.StatusCode == http.StatusGatewayTimeout
	}
	return true
}

// retryable reports failures worth another attempt: network errors
// (resets, EOF mid-answer), timeouts (nothing moved for the timeout, or
// the attempt's limit passed), and 5xx/429 answers. Everything else (4xx,
// redirects, files that changed, certificate and credential errors) is
// final.
func retryable(err error) bool {
	if he, ok := errors.AsType[*HTTPError](err); ok {
		return he.Temporary()
	}
	if errors.Is(err, errCredentials) {
		return false // the token source retried, or a timeout of its own
	}
	if transport.IsTLSError(err) {
		return false
	}
	if _, ok := errors.AsType[*transport.TimeoutError](err); ok {
		return true
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

// attempt sends the file once. sentAll reports whether the whole request
// left before the failure, which makes the outcome ambiguous. The client's
// timeout layer (see [WithTimeout]) ends an attempt on which nothing moved
// for the timeout, while the body is sent and while the answer is read;
// the attempt's limit ([Uploader.limit]) ends one that drags on.
func (u *Uploader) attempt(ctx context.Context, d *dist.Dist, b *body, attempt int, hold *gate) (sentAll bool, err error) {
	actx, cancel := transport.WithLimit(ctx, u.endpoint.Host, u.limit(d.Size))
	defer cancel()
	base := d.Filename.Base

	var sent tally
	count := func(r io.Reader) io.Reader {
		return &countingReader{r: r, onRead: func(n int) {
			if sent.add(n) {
				u.opts.progress(Event{File: base, Bytes: int64(n), Total: d.Size, Attempt: attempt})
			}
		}}
	}
	var held *holdingReader
	var end io.Reader
	if hold != nil {
		held = &holdingReader{ctx: actx, gate: hold, limit: u.opts.maxHold}
		end = held
	}
	rc, err := b.open(d.Path, count, end)
	if err != nil {
		return false, err
	}
	var wrote atomic.Bool // the whole request left
	trace := &httptrace.ClientTrace{WroteRequest: func(info httptrace.WroteRequestInfo) {
		wrote.Store(info.Err == nil)
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
	resp, err := u.client.Do(req)
	// The transport may go on reading the body after an early answer;
	// what it reads from now on is not counted, so taking back n is exact.
	n := sent.close()
	// The transport may report the write after Do has returned an early
	// answer; every byte of the file read counts as sent too.
	sentAll = wrote.Load() || n == d.Size && (held == nil || err == nil && held.isReleased())

	takeBack := func() {
		if n > 0 {
			u.opts.progress(Event{File: base, Bytes: -n, Total: d.Size, Attempt: attempt})
		}
	}
	if held != nil {
		if cut := held.cutOff(); cut != nil {
			// Ended before its closing boundary: the index never handled it.
			if resp != nil {
				_ = resp.Body.Close()
			}
			takeBack()
			return false, cut
		}
	}
	if err != nil {
		takeBack()
		return sentAll, err
	}
	defer func() { _ = resp.Body.Close() }()
	if err := checkResponse(resp, u.endpoint); err != nil {
		takeBack()
		return sentAll, err
	}
	return true, nil
}

// minRate is the slowest transfer an attempt's limit allows for: 16 KiB/s
// (128 kbit/s).
const minRate = 16 << 10

// limit is the longest one attempt may take, whatever moves: twice the
// inactivity timeout (the index reads, hashes and stores the whole file
// before it answers) plus the file's size at [minRate]. It bounds an
// index that reads or answers a byte now and then forever.
func (u *Uploader) limit(size int64) time.Duration {
	transfer := time.Duration(math.Ceil(float64(size)/minRate)) * time.Second
	return transport.CallLimit(u.opts.timeout) + transfer
}

// tally counts an attempt's bytes for progress until it is closed.
type tally struct {
	mu     sync.Mutex
	n      int64
	closed bool
}

// add counts n bytes unless the tally is closed, and reports whether it did.
func (t *tally) add(n int) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.closed {
		t.n += int64(n)
	}
	return !t.closed
}

// close stops the counting and returns the bytes counted.
func (t *tally) close() int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.closed = true
	return t.n
}

type countingReader struct {
	r      io.Reader
	onRead func(int)
}

// WriteTo lets the file write itself (localfile.Contents), counted.
func (c *countingReader) WriteTo(w io.Writer) (int64, error) {
	return io.Copy(&countingWriter{w: w, onWrite: c.onRead}, c.r)
}

type countingWriter struct {
	w       io.Writer
	onWrite func(int)
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	if n > 0 {
		c.onWrite(n)
	}
	return n, err
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.onRead(n)
	}
	return n, err
}
