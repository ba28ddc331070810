package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/pyupload/pyupload/internal/pypirc"
	"github.com/pyupload/pyupload/internal/transport"
	"github.com/pyupload/pyupload/pkg/dist"
	"github.com/pyupload/pyupload/pkg/oidc"
	"github.com/pyupload/pyupload/pkg/upload"
)

// uploadFlags are the options of `pyupload upload` (and of plain
// `pyupload DIST...`), named after twine's.
type uploadFlags struct {
	repositoryURL string
	repository    string
	configFile    string
	// passwordFromConfig: the password came from the config file, which
	// --trusted-publishing always overrides (flags and variables do not).
	passwordFromConfig bool
	username           string
	password           string
	jobs               int
	checkURL           string
	comment            string
	cert               string
	strict             bool
	skipExisting       bool
	attestations       bool
	verbose            bool
	disableProgress    bool
	json               bool
	tp                 tpFlags
	args               []string
}

func uploadFlagDefs(env lookupEnv) []cli.Flag {
	return append([]cli.Flag{
		&cli.StringFlag{Name: "repository-url", Usage: "upload endpoint (ends in /legacy/ on PyPI-compatible indexes); overrides --repository", Sources: envVars(env, "PYUPLOAD_REPOSITORY_URL", "TWINE_REPOSITORY_URL")},
		&cli.StringFlag{Name: "repository", Aliases: []string{"r"}, Value: "pypi", Usage: "pypi, testpypi, or a section of the config file", Sources: envVars(env, "PYUPLOAD_REPOSITORY", "TWINE_REPOSITORY")},
		&cli.StringFlag{Name: "config-file", Usage: "the .pypirc to read repositories and credentials from (default ~/.pypirc)"},
		&cli.StringFlag{Name: "username", Aliases: []string{"u"}, Usage: "username; API tokens use __token__ (the default)", Sources: envVars(env, "PYUPLOAD_USERNAME", "TWINE_USERNAME")},
		&cli.StringFlag{Name: "password", Aliases: []string{"p"}, Usage: "API token (pypi-...); prefer the environment variable over the flag", Sources: envVars(env, "PYUPLOAD_PASSWORD", "TWINE_PASSWORD")},
		&cli.IntFlag{Name: "jobs", Aliases: []string{"j"}, Value: 4, Usage: "files uploaded at once"},
		&cli.StringFlag{Name: "check-url", Usage: "the index's simple API (e.g. https://pypi.org/simple/) or JSON API base, to look up existing files by hash; derived from the upload URL by default"},
		&cli.BoolFlag{Name: "skip-existing", Usage: "when the index's read API cannot confirm by hash, trust its \"File already exists\" answer (identical files are always skipped, and a file the read API shows to differ is always an error)"},
		&cli.StringFlag{Name: "comment", Aliases: []string{"c"}, Usage: "comment stored with each file"},
		&cli.StringFlag{Name: "cert", Usage: "CA bundle (PEM) to verify the index with", Sources: envVars(env, "PYUPLOAD_CERT", "TWINE_CERT")},
		&cli.BoolFlag{Name: "strict", Usage: "refuse to upload when the checks give warnings"},
		&cli.BoolFlag{Name: "attestations", Usage: "send each dist's PEP 740 attestations (<dist>.*.attestation files beside it); PyPI accepts them with Trusted Publishing only"},
		&cli.BoolFlag{Name: "non-interactive", Usage: "accepted for twine compatibility; pyupload never prompts"},
		&cli.BoolFlag{Name: "disable-progress-bar", Usage: "no progress output"},
		&cli.BoolFlag{Name: "json", Usage: "print the outcome of every file as JSON on stdout"},
		&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "log every request (credentials are never logged)"},
	}, tpFlagDefs(env)...)
}

func readUploadFlags(cmd *cli.Command) uploadFlags {
	return uploadFlags{
		repositoryURL:   cmd.String("repository-url"),
		repository:      cmd.String("repository"),
		configFile:      cmd.String("config-file"),
		username:        cmd.String("username"),
		password:        cmd.String("password"),
		jobs:            cmd.Int("jobs"),
		checkURL:        cmd.String("check-url"),
		comment:         cmd.String("comment"),
		cert:            cmd.String("cert"),
		strict:          cmd.Bool("strict"),
		skipExisting:    cmd.Bool("skip-existing"),
		attestations:    cmd.Bool("attestations"),
		verbose:         cmd.Bool("verbose"),
		disableProgress: cmd.Bool("disable-progress-bar"),
		json:            cmd.Bool("json"),
		tp:              readTPFlags(cmd),
		args:            cmd.Args().Slice(),
	}
}

func uploadCommand(env lookupEnv) *cli.Command {
	return &cli.Command{
		Name:      "upload",
		Usage:     "check every distribution, then upload them all",
		ArgsUsage: "DIST...",
		Flags:     uploadFlagDefs(env),
		Action: func(ctx context.Context, cmd *cli.Command) error {
			return runUpload(ctx, readUploadFlags(cmd), env, cmd.Root().Writer, cmd.Root().ErrWriter)
		},
	}
}

// endpoint resolves the upload URL and the credentials that come with it,
// in twine's order: --repository-url (or its variables), else the
// --repository section of the config file (pypi and testpypi are built
// in); credentials from flags or variables win over the URL's userinfo,
// which wins over the config file's.
func (f *uploadFlags) endpoint(env lookupEnv) (*url.URL, error) {
	raw := f.repositoryURL
	if raw == "" {
		cfg, err := loadPypirc(f.configFile, env)
		if err != nil {
			return nil, err
		}
		repo, ok := cfg.Repository(f.repository)
		if !ok {
			return nil, usageErrorf("unknown repository %q: use pypi, testpypi, a section of %s (%s), or --repository-url", f.repository, f.configFileName(env), strings.Join(cfg.Servers(), ", "))
		}
		raw = repo.URL
		defer func() { // the URL's userinfo goes first, then the file
			if f.username == "" {
				f.username = repo.Username
			}
			if f.password == "" && repo.Password != "" {
				f.password = repo.Password
				f.passwordFromConfig = true
			}
		}()
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, usageErrorf("invalid repository URL %q: want https://host/legacy/", transport.Redact(raw))
	}
	if u.User != nil { // twine takes credentials from the URL's userinfo
		if f.username == "" {
			f.username = u.User.Username()
		}
		if p, ok := u.User.Password(); ok && f.password == "" {
			f.password = p
		}
		u.User = nil
	}
	return u, nil
}

// configFileName is the .pypirc in use: --config-file, or ~/.pypirc.
func (f *uploadFlags) configFileName(env lookupEnv) string {
	if f.configFile != "" {
		return f.configFile
	}
	if home, ok := env("HOME"); ok && home != "" {
		return filepath.Join(home, ".pypirc")
	}
	return ""
}

// loadPypirc reads the config file. A missing default file is an empty
// config; a missing --config-file is an error.
func loadPypirc(explicit string, env lookupEnv) (*pypirc.Config, error) {
	name := explicit
	if name == "" {
		home, ok := env("HOME")
		if !ok || home == "" {
			return pypirc.Parse(strings.NewReader(""))
		}
		name = filepath.Join(home, ".pypirc")
	}
	fh, err := os.Open(name)
	if err != nil {
		if explicit == "" && errors.Is(err, fs.ErrNotExist) {
			return pypirc.Parse(strings.NewReader(""))
		}
		return nil, fmt.Errorf("reading the config file: %w", err)
	}
	defer func() { _ = fh.Close() }()
	cfg, err := pypirc.Parse(fh)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return cfg, nil
}

func runUpload(ctx context.Context, f uploadFlags, env lookupEnv, stdout, stderr io.Writer) error {
	if len(f.args) == 0 {
		return usageErrorf("no distributions given, e.g. pyupload dist/*")
	}
	if f.jobs < 1 {
		return usageErrorf("--jobs must be at least 1")
	}
	endpoint, err := f.endpoint(env)
	if err != nil {
		return err
	}
	var checkURL *url.URL
	if f.checkURL != "" {
		if checkURL, err = url.Parse(f.checkURL); err != nil || checkURL.Host == "" {
			return usageErrorf("invalid --check-url %q", transport.Redact(f.checkURL))
		}
		// Its answers decide what is skipped: as trustworthy as the upload.
		if checkURL.Scheme != "https" && !(checkURL.Scheme == "http" && transport.IsLoopback(checkURL.Hostname())) {
			return usageErrorf("--check-url must use https (plain http only for loopback hosts): %s", transport.Redact(f.checkURL))
		}
	}
	if err := f.tp.validate(); err != nil {
		return err
	}
	if f.tp.mode == "always" && f.passwordFromConfig {
		f.password, f.passwordFromConfig = "", false
	}
	if f.password != "" && f.tp.mode == "always" {
		return usageErrorf("--trusted-publishing always cannot be combined with a password or API token")
	}
	if f.username == "" {
		f.username = "__token__"
	}

	// Preflight: every file must pass before the first byte is sent.
	paths, err := expandArgs(f.args)
	if err != nil {
		return err
	}
	results, err := checkFiles(ctx, paths)
	if err != nil {
		return err
	}
	var dists []*dist.Dist
	failed := false
	for i := range results {
		failed = failed || results[i].failed(f.strict)
		dists = append(dists, results[i].Dist)
	}
	if failed {
		var failing []checked
		for i := range results {
			if results[i].failed(f.strict) {
				failing = append(failing, results[i])
			}
		}
		if err := writeCheckText(stderr, failing, f.strict); err != nil {
			return err
		}
		return errPreflightFailed
	}

	var attestations map[string]string
	if f.attestations {
		if attestations, err = loadAttestations(dists); err != nil {
			return err
		}
	}
	tlsConfig, err := loadCert(f.cert)
	if err != nil {
		return err
	}
	var logger *slog.Logger
	if f.verbose {
		logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	ua := "pyupload/" + versionString()
	uploadClient := transport.NewClient(transport.Options{UserAgent: ua, Logger: logger, TLS: tlsConfig})
	readClient := transport.NewClient(transport.Options{UserAgent: ua, Logger: logger, TLS: tlsConfig, Retry: true})

	// Credentials: an explicit token wins; otherwise the CI's identity
	// (Trusted Publishing), minted now so a misconfiguration shows before
	// any upload starts.
	credentials := func(context.Context) (string, string, error) { return f.username, f.password, nil }
	if f.password != "" && f.tp.mode == "auto" {
		// A stale token in the environment or .pypirc silently shadowing
		// the CI identity ends in a puzzling 403: say which one is used.
		if p, _ := identity(env, f.tp, readClient); p != nil {
			source := "TWINE_PASSWORD / --password"
			if f.passwordFromConfig {
				source = f.configFileName(env)
			}
			_, _ = fmt.Fprintf(stderr, "note: using the API token from %s; this job's %s identity (Trusted Publishing) is not used. Remove the token, or pass --trusted-publishing always.\n", source, p.Name())
		}
	}
	if f.password == "" {
		if f.tp.mode == "never" {
			return errNoCredentials
		}
		p, err := identity(env, f.tp, readClient)
		if err != nil {
			return err
		}
		if p == nil {
			if f.tp.mode == "always" {
				return &tpError{stage: "finding a CI identity", err: oidc.ErrNoProvider, host: endpoint.Host, web: webBase(endpoint)}
			}
			return errNoCredentials
		}
		s, err := startTrustedPublishing(ctx, endpoint, p, readClient, newGHActions(env, stderr))
		if err != nil {
			if te, ok := errors.AsType[*tpError](err); ok {
				te.projects = projectNames(dists)
			}
			return err
		}
		credentials = func(ctx context.Context) (string, string, error) {
			tok, err := s.source.Token(ctx)
			if err != nil { // a refresh mid-batch: keep the diagnostics
				return "", "", &tpError{stage: "refreshing the upload token", err: err, provider: p.Name(), host: endpoint.Host, web: webBase(endpoint), claims: s.lastClaims(), projects: projectNames(dists)}
			}
			return "__token__", tok, nil
		}
	}

	var total int64
	for _, d := range dists {
		total += d.Size
	}
	prog := newProgress(stderr, total, len(dists), !f.disableProgress)
	opts := []upload.Option{
		upload.WithJobs(f.jobs),
		upload.WithReadClient(readClient),
		upload.WithCredentials(credentials),
		upload.WithProgress(prog.event),
		upload.WithComment(f.comment),
		upload.WithAttestations(attestations),
	}
	if checkURL != nil {
		opts = append(opts, upload.WithCheckURL(checkURL))
	}
	if f.skipExisting {
		opts = append(opts, upload.WithSkipExisting())
	}
	if logger != nil {
		opts = append(opts, upload.WithLogger(logger))
	}
	up, err := upload.New(uploadClient, endpoint, opts...)
	if err != nil {
		prog.close()
		return err
	}
	res, uploadErr := up.Upload(ctx, dists)
	prog.close()
	report := writeUploadReport
	if f.json {
		report = writeUploadJSON
	}
	if err := report(stdout, res); err != nil {
		return err
	}
	if uploadErr != nil {
		writeFailureSummary(stderr, res)
		return uploadErr
	}
	return nil
}

// writeUploadReport prints one line per file on the index, then where to
// see each release. Machine-friendly: status, file, sha256.
func writeUploadReport(w io.Writer, res []upload.Result) error {
	var werr error
	printf := func(format string, args ...any) {
		if werr == nil {
			_, werr = fmt.Fprintf(w, format, args...)
		}
	}
	var urls []string
	seen := map[string]bool{}
	for _, r := range res {
		if !r.Status.OnIndex() {
			continue
		}
		printf("%-15s %s sha256:%s\n", r.Status, r.Dist.Filename.Base, r.Dist.SHA256)
		if !seen[r.ReleaseURL] {
			seen[r.ReleaseURL] = true
			urls = append(urls, r.ReleaseURL)
		}
	}
	for _, u := range urls {
		printf("View at: %s\n", u)
	}
	return werr
}

// writeFailureSummary says, after a failure, which files are on the index
// and which are not, so a half-published release can be finished.
func writeFailureSummary(w io.Writer, res []upload.Result) {
	var on, off []string
	for _, r := range res {
		if r.Status.OnIndex() {
			on = append(on, filepath.Base(r.Dist.Path))
		} else {
			off = append(off, fmt.Sprintf("%s (%s)", filepath.Base(r.Dist.Path), r.Status))
		}
	}
	if len(on) > 0 {
		_, _ = fmt.Fprintf(w, "on the index: %s\n", strings.Join(on, ", "))
	}
	if len(off) > 0 {
		_, _ = fmt.Fprintf(w, "not on the index: %s\n", strings.Join(off, ", "))
	}
}

func loadCert(path string) (*tls.Config, error) {
	if path == "" {
		return nil, nil
	}
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading CA bundle: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("reading CA bundle %s: no PEM certificates found", path)
	}
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, nil
}

var (
	errNoCredentials   = errors.New("no credentials: no API token was given (--password, TWINE_PASSWORD) and no CI identity for Trusted Publishing was found")
	errPreflightFailed = errors.New("nothing was uploaded: fix the distributions above first")
)

// projectNames lists the distinct project names of dists, in order.
func projectNames(dists []*dist.Dist) []string {
	var out []string
	seen := map[string]bool{}
	for _, d := range dists {
		n := dist.NormalizeName(d.Metadata.Name)
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// writeUploadJSON prints every file's outcome for machines.
func writeUploadJSON(w io.Writer, res []upload.Result) error {
	type fileJSON struct {
		Path       string `json:"path"`
		Filename   string `json:"filename"`
		Status     string `json:"status"`
		OnIndex    bool   `json:"on_index"`
		SHA256     string `json:"sha256"`
		Size       int64  `json:"size"`
		Attempts   int    `json:"attempts"`
		ReleaseURL string `json:"release_url"`
		Error      string `json:"error,omitempty"`
	}
	out := make([]fileJSON, len(res))
	for i, r := range res {
		out[i] = fileJSON{
			Path: r.Dist.Path, Filename: r.Dist.Filename.Base, Status: r.Status.String(), OnIndex: r.Status.OnIndex(),
			SHA256: r.Dist.SHA256, Size: r.Dist.Size, Attempts: r.Attempts, ReleaseURL: r.ReleaseURL,
		}
		if r.Err != nil {
			out[i].Error = r.Err.Error()
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
