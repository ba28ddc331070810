package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/pyupload/pyupload/internal/fakeci"
	"github.com/pyupload/pyupload/internal/fakeindex"
)

// serveFlags are fakeindex's flags.
type serveFlags struct {
	addr            string
	public          bool
	tokens          tokenList
	urlFile         string
	storage         string
	latency         time.Duration
	bandwidth       int64
	failUploads     int
	failStatus      int
	maxFileSize     int64
	noArchiveChecks bool
	profile         fakeindex.Profile
	hostile         []fakeindex.Hostile
	dripInterval    time.Duration
	oidc            oidcFlags
	sigstore        sigstoreFlags
	bench           bool
	tls             bool
	tlsCAFile       string
}

// tokenList is a repeatable -token flag.
type tokenList []string

func (l *tokenList) String() string { return fmt.Sprint(len(*l), " tokens") } // never the tokens themselves

func (l *tokenList) Set(s string) error {
	if s == "" {
		return errors.New("empty token")
	}
	*l = append(*l, s)
	return nil
}

// usageError is a mistake in the command line: exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func parseFlags(args []string, stderr io.Writer) (*serveFlags, error) {
	f := &serveFlags{}
	fs := flag.NewFlagSet("fakeindex", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		_, _ = fmt.Fprintf(stderr, "usage: fakeindex [flags]\n\nServes a PyPI look-alike (upload endpoint /legacy/, Trusted Publishing at /_/oidc/, JSON and simple APIs) until interrupted.\nWith -profile it answers as another registry does, at that registry's paths.\n\n")
		fs.PrintDefaults()
	}
	fs.StringVar(&f.addr, "addr", "127.0.0.1:0", "listen `address`; must be loopback unless -public")
	fs.BoolVar(&f.public, "public", false, "allow a non-loopback -addr (anyone who can connect can upload with the well-known token)")
	fs.Var(&f.tokens, "token", "accepted API `token` (repeatable); default "+fakeindex.DefaultToken)
	fs.StringVar(&f.urlFile, "url-file", "", "write the base URL to `path` once listening")
	fs.StringVar(&f.storage, "storage", "", "`dir`ectory for uploaded bytes (default: the system temporary directory)")
	fs.DurationVar(&f.latency, "latency", 0, "latency added to every request")
	fs.Int64Var(&f.bandwidth, "bandwidth", 0, "read each request body at most at this many `bytes` per second (0: unlimited)")
	fs.IntVar(&f.failUploads, "fail-uploads", 0, "answer the first `N` uploads with -fail-status")
	fs.IntVar(&f.failStatus, "fail-status", http.StatusServiceUnavailable, "`status` for -fail-uploads")
	fs.Int64Var(&f.maxFileSize, "max-file-size", 100<<20, "per-file upload limit in `bytes`")
	fs.BoolVar(&f.noArchiveChecks, "no-archive-checks", false, "do not open uploaded archives (for large synthetic payloads)")
	f.profile = fakeindex.ProfilePyPI
	fs.Func("profile", "the `registry` to answer as: "+strings.Join(fakeindex.ProfileNames(), ", ")+" (default pypi)", func(name string) error {
		p, err := fakeindex.ParseProfile(name)
		f.profile = p
		return err
	})
	fs.Func("hostile", "switch on hostile behaviours of the index: a comma-separated `list` of "+strings.Join(fakeindex.HostileNames(), ", ")+" (repeatable; docs/test-index.md, \"Hostile mode\")", func(list string) error {
		hs, err := fakeindex.ParseHostile(list)
		f.hostile = append(f.hostile, hs...)
		return err
	})
	fs.BoolVar(&f.bench, "bench", false, "bench mode: count and discard uploaded bytes (no hashing, no archive checks, no storage), list the files by the client's digests, answer GET /_bench/stats and print the counts to stderr at exit")
	fs.BoolVar(&f.tls, "tls", false, "serve HTTPS with a fresh self-signed CA and a certificate for 127.0.0.1 and localhost")
	fs.StringVar(&f.tlsCAFile, "tls-ca-file", "", "with -tls, write the CA certificate (PEM) to `path`, for the clients' --cert")
	fs.DurationVar(&f.dripInterval, "drip-interval", fakeindex.DefaultDripInterval, "pause between two bytes of the drip behaviours (-hostile, -ci-hostile)")
	f.oidc.register(fs)
	f.sigstore.register(fs)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	switch {
	case fs.NArg() > 0:
		return nil, &usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	case f.failStatus < 100 || f.failStatus > 599:
		return nil, &usageError{fmt.Sprintf("-fail-status %d is not an HTTP status", f.failStatus)}
	case f.failUploads < 0 || f.bandwidth < 0 || f.latency < 0:
		return nil, &usageError{"-fail-uploads, -bandwidth and -latency cannot be negative"}
	case f.dripInterval <= 0:
		return nil, &usageError{"-drip-interval must be positive"}
	case f.maxFileSize <= 0:
		return nil, &usageError{"-max-file-size must be positive"}
	case f.tlsCAFile != "" && !f.tls:
		return nil, &usageError{"-tls-ca-file needs -tls"}
	}
	if err := f.oidc.check(); err != nil {
		return nil, err
	}
	if err := f.sigstore.check(); err != nil {
		return nil, err
	}
	if !f.public {
		host, _, err := net.SplitHostPort(f.addr)
		if err != nil {
			return nil, &usageError{fmt.Sprintf("-addr %q: %v", f.addr, err)}
		}
		if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return nil, &usageError{fmt.Sprintf("-addr %q is not a loopback address; add -public to serve it anyway", f.addr)}
		}
	}
	return f, nil
}

func (f *serveFlags) options(conns *fakeindex.ConnStats) []fakeindex.Option {
	opts := []fakeindex.Option{
		fakeindex.WithProfile(f.profile),
		fakeindex.WithMaxFileSize(f.maxFileSize),
		fakeindex.WithLatency(f.latency),
		fakeindex.WithBandwidth(f.bandwidth),
		fakeindex.WithHostile(f.hostile...),
		fakeindex.WithDripInterval(f.dripInterval),
	}
	if len(f.tokens) > 0 {
		opts = append(opts, fakeindex.WithTokens(f.tokens...))
	}
	if f.storage != "" {
		opts = append(opts, fakeindex.WithStorageDir(f.storage))
	}
	if f.noArchiveChecks {
		opts = append(opts, fakeindex.WithoutArchiveChecks())
	}
	if f.bench {
		opts = append(opts, fakeindex.WithBenchMode(conns))
	}
	opts = append(opts, f.sigstore.options()...)
	return append(opts, f.oidc.options()...)
}

// run is the whole command: it parses args, prints the base URL as the
// first line of stdout ("fakeindex listening on <URL>"), with
// -github-actions-request-token the fake GitHub token endpoint's URL as
// the second ("fakeindex github-actions-token-url <URL>", for
// ACTIONS_ID_TOKEN_REQUEST_URL), then the profile's upload URL
// ("fakeindex upload-url <URL>") and, unless it has none, its simple
// index ("fakeindex simple-url <URL>", for --check-url), then the fake
// Sigstore's URLs ("fakeindex sigstore-fulcio-url <URL>",
// "sigstore-rekor-url", "sigstore-trusted-root-url",
// "sigstore-signing-config-url") and, with -sigstore-dir, the files written
// there ("fakeindex sigstore-trusted-root <path>",
// "sigstore-signing-config <path>"), serves until ctx
// is cancelled, then shuts down gracefully. It logs one line per request to stderr and returns the exit
// code: 0, 1 when serving failed, 2 for a usage error.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		if ue, ok := errors.AsType[*usageError](err); ok {
			_, _ = fmt.Fprintf(stderr, "fakeindex: %s\n", ue.msg)
		}
		return 2
	}
	conns := &fakeindex.ConnStats{}
	ix := fakeindex.New(f.options(conns)...)
	defer func() { _ = ix.Close() }()
	if f.failUploads > 0 {
		ix.FailUploads(f.failUploads, f.failStatus)
	}
	f.sigstore.apply(ix)
	if err := f.oidc.createProjects(ix); err != nil {
		_, _ = fmt.Fprintf(stderr, "fakeindex: %v\n", err)
		return 1
	}

	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", f.addr)
	if err != nil {
		_, _ = fmt.Fprintf(stderr, "fakeindex: %v\n", err)
		return 1
	}
	ln, base, err := f.secure(ln, conns)
	if err != nil {
		_, _ = fmt.Fprintf(stderr, "fakeindex: %v\n", err)
		_ = ln.Close()
		return 1
	}
	var ghaURL string
	if f.oidc.requestToken != "" {
		ghaURL = base + fakeci.GitHubRequestPath
	}
	// The listener accepts already; the files are written before the
	// stdout lines, so whoever sees a line can read the files too.
	for _, uf := range []struct{ flag, path, url string }{{"-url-file", f.urlFile, base}, {"-github-url-file", f.oidc.githubURL, ghaURL}} {
		if uf.path == "" {
			continue
		}
		if err := writeAtomically(uf.path, uf.url+"\n"); err != nil {
			_, _ = fmt.Fprintf(stderr, "fakeindex: writing %s: %v\n", uf.flag, err)
			_ = ln.Close()
			return 1
		}
	}
	if err := f.sigstore.writeFiles(ix, base); err != nil {
		_, _ = fmt.Fprintf(stderr, "fakeindex: writing -sigstore-dir: %v\n", err)
		_ = ln.Close()
		return 1
	}
	if err := announce(stdout, base, ghaURL, ix, f.sigstore.lines(base)); err != nil {
		_ = ln.Close()
		return 1
	}

	log := &requestLog{w: stderr}
	if len(f.hostile)+len(f.oidc.ciHostile) > 0 {
		log.printf("fakeindex: hostile: %s (drip interval %v)", joinHostile(f.hostile, f.oidc.ciHostile), f.dripInterval)
	}
	handler, closeCI := f.oidc.handler(ix, f.dripInterval)
	srv := &http.Server{
		Handler:           log.wrap(handler),
		ReadHeaderTimeout: 30 * time.Second,
		// Requests end when ctx does, so stalls and waits stop at shutdown.
		BaseContext: func(net.Listener) context.Context { return ctx },
		ConnState:   conns.ConnState,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		_, _ = fmt.Fprintf(stderr, "fakeindex: %v\n", err)
		return 1
	case <-ctx.Done():
	}
	_ = ix.Close() // ends stalls, latency waits, hangs and drips in progress
	closeCI()
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		_ = srv.Close()
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		_, _ = fmt.Fprintf(stderr, "fakeindex: %v\n", err)
		return 1
	}
	if f.bench {
		log.printf("fakeindex: bench stats %s", fakeindex.MarshalBenchStats(ix.BenchStats()))
	}
	log.printf("fakeindex: stopped")
	return 0
}

// secure wraps ln in TLS with -tls, writing the CA to -tls-ca-file before
// anything is announced, and returns the base URL to announce.
func (f *serveFlags) secure(ln net.Listener, conns *fakeindex.ConnStats) (net.Listener, string, error) {
	if !f.tls {
		return ln, "http://" + ln.Addr().String(), nil
	}
	cfg, caPEM, err := fakeindex.SelfSignedTLS(conns)
	if err != nil {
		return ln, "", err
	}
	if f.tlsCAFile != "" {
		if err := writeAtomically(f.tlsCAFile, string(caPEM)); err != nil {
			return ln, "", fmt.Errorf("writing -tls-ca-file: %w", err)
		}
	}
	return tls.NewListener(ln, cfg), "https://" + ln.Addr().String(), nil
}

// joinHostile names the hostile switches on, the CI endpoint's prefixed
// with "ci:".
func joinHostile(index []fakeindex.Hostile, ci []fakeci.Hostile) string {
	var names []string
	for _, h := range index {
		names = append(names, string(h))
	}
	for _, h := range ci {
		names = append(names, "ci:"+string(h))
	}
	return strings.Join(names, ", ")
}

// announce prints the stdout lines run's comment lists, in one write so
// that a reader sees them all at once: the first two are kept where
// scripts expect them, the profile's URLs come after.
func announce(stdout io.Writer, base, ghaURL string, ix *fakeindex.Index, sigstore string) error {
	var b strings.Builder
	b.WriteString("fakeindex listening on " + base + "\n")
	if ghaURL != "" {
		b.WriteString("fakeindex github-actions-token-url " + ghaURL + "\n")
	}
	b.WriteString("fakeindex upload-url " + base + ix.UploadPath() + "\n")
	if p := ix.SimplePath(); p != "" {
		b.WriteString("fakeindex simple-url " + base + p + "\n")
	}
	b.WriteString(sigstore)
	_, err := io.WriteString(stdout, b.String())
	return err
}

// writeAtomically writes content to path through a temporary file, so a
// script polling for the file never reads half of it.
func writeAtomically(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".fakeindex-url-*")
	if err != nil {
		return err
	}
	if _, err := tmp.WriteString(content); err != nil {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name()) // #nosec G703 -- the temporary file made beside the path the user named
		return err
	}
	if err := tmp.Close(); err != nil {
		_ = os.Remove(tmp.Name()) // #nosec G703 -- the temporary file made beside the path the user named
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil { // #nosec G302 G703 -- a URL or CA for scripts to read, beside the path the user named
		_ = os.Remove(tmp.Name()) // #nosec G703 -- the temporary file made beside the path the user named
		return err
	}
	return os.Rename(tmp.Name(), path) // #nosec G703 -- the path the user named
}

// requestLog writes one line per request: method, path, status, bytes in
// and out, duration. It never logs headers, bodies or the query string,
// so no Authorization, API token, identity token (the mint request) or
// minted token (the mint response) reaches the log.
type requestLog struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *requestLog) printf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, _ = fmt.Fprintf(l.w, format+"\n", args...)
}

func (l *requestLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w}
		body := &countingBody{ReadCloser: r.Body}
		r2 := *r
		r2.Body = body
		completed := false
		defer func() {
			status := fmt.Sprint(rec.status)
			switch {
			case rec.hijacked || !completed:
				status = "aborted"
			case rec.status == 0:
				status = "200"
			}
			l.printf("%s %s %s %s in=%d out=%d %s", start.Format("15:04:05.000"), r.Method, strings.ToValidUTF8(r.URL.Path, "?"), status, body.n, rec.n, time.Since(start).Round(time.Millisecond))
		}()
		h.ServeHTTP(rec, &r2)
		completed = true
	})
}

// recorder notes the status and size of a response. It passes hijacking
// through (the index aborts connections to inject faults) and unwraps for
// http.ResponseController.
type recorder struct {
	http.ResponseWriter
	status   int
	n        int64
	hijacked bool
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(p)
	r.n += int64(n)
	return n, err
}

func (r *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := http.NewResponseController(r.ResponseWriter).Hijack()
	if err == nil {
		r.hijacked = true
	}
	return conn, rw, err
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// countingBody counts the request body bytes the handler reads.
type countingBody struct {
	io.ReadCloser
	n int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n += int64(n)
	return n, err
}
