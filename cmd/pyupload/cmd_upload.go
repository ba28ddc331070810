package main

import (
	"context"
	"errors"
	"net/url"
	"os"

	"github.com/urfave/cli/v3"

	"github.com/pyupload/pyupload/internal/credentials"
	"github.com/pyupload/pyupload/internal/envvars"
	"github.com/pyupload/pyupload/internal/localfile"
	"github.com/pyupload/pyupload/internal/preflight"
	"github.com/pyupload/pyupload/internal/publisher"
	"github.com/pyupload/pyupload/internal/transport"
	"github.com/pyupload/pyupload/internal/trusted"
	"github.com/pyupload/pyupload/internal/ui"
	"github.com/pyupload/pyupload/pkg/dist"
	"github.com/pyupload/pyupload/pkg/oidc"
	"github.com/pyupload/pyupload/pkg/upload"
)

// uploadOptions are the options of `pyupload upload` (and of plain
// `pyupload DIST...`), named after twine's.
type uploadOptions struct {
	index           indexOptions
	creds           credentials.Fields // from the flags only
	trusted         trustedOptions
	jobs            int
	checkURL        string
	comment         string
	strict          bool
	skipExisting    bool
	attest          attestOptions
	disableProgress bool
	nonInteractive  bool
	json            bool
	gpg             []string // twine's GPG flags given; they do nothing
	args            []string
}

func readUploadOptions(cmd *cli.Command) uploadOptions {
	return uploadOptions{
		index:           readIndexOptions(cmd),
		creds:           credentials.Fields{Username: cmd.String("username"), Password: cmd.String("password")},
		trusted:         readTrustedOptions(cmd),
		jobs:            cmd.Int("jobs"),
		checkURL:        cmd.String("check-url"),
		comment:         cmd.String("comment"),
		strict:          cmd.Bool("strict"),
		skipExisting:    cmd.Bool("skip-existing"),
		attest:          readAttestOptions(cmd),
		disableProgress: cmd.Bool("disable-progress-bar"),
		nonInteractive:  cmd.Bool("non-interactive"),
		json:            cmd.Bool("json"),
		gpg:             gpgGiven(cmd),
		args:            cmd.Args().Slice(),
	}
}

func uploadCommand(env envvars.Lookup, sys system, pr *ui.Printer) *cli.Command {
	return &cli.Command{
		Name:      "upload",
		Usage:     "check every distribution, then upload them all",
		ArgsUsage: "DIST...",
		Flags:     uploadFlags(env),
		Action: func(ctx context.Context, cmd *cli.Command) error {
			return runUpload(ctx, readUploadOptions(cmd), env, sys, pr)
		},
	}
}

// runUpload is the pipeline: resolve where to and with what, check every
// file, authenticate, upload, report.
func runUpload(ctx context.Context, o uploadOptions, env envvars.Lookup, sys system, pr *ui.Printer) error {
	if err := o.validate(); err != nil {
		return err
	}
	target, err := resolve(o.index, o.creds, o.trusted.mode, env)
	if err != nil {
		return err
	}
	checkURL, err := parseCheckURL(o.checkURL)
	if err != nil {
		return err
	}
	net, err := newNetwork(tlsFilesFor(o.index, target, env), o.index, o.jobs, pr)
	if err != nil {
		return err
	}
	in, err := preflight.Split(o.args)
	if err != nil {
		return err
	}
	// What the index holds is asked while the files are checked, the
	// token minted and the files signed.
	la := upload.StartLookahead(ctx, upload.LookaheadConfig{Client: net.read, Endpoint: target.Endpoint, CheckURL: checkURL, Logger: net.logger, Timeout: net.timeout}, in.Dists)
	defer la.Stop()
	report, err := runPreflight(ctx, in, o.strict, pr)
	if err != nil {
		return err
	}
	dists := report.Dists()
	la.Checked(dists)
	pr.GPGIgnored(report.Signatures, o.gpg)
	a, err := authenticate(ctx, target, o.trusted, dists, env, net, newAsker(sys, o.nonInteractive, env, pr))
	if err != nil {
		return err
	}
	la.Authenticated(a.creds)
	attestations, err := attestationsFor(ctx, o, report, a, net, pr)
	if err != nil {
		return err
	}
	return a.explain(publish(ctx, o, target.Endpoint, checkURL, dists, attestations, a, net, la, pr))
}

func (o uploadOptions) validate() error {
	if len(o.args) == 0 {
		return ui.Usagef("no distributions given, e.g. pyupload dist/*")
	}
	if o.jobs < 1 {
		return ui.Usagef("--jobs must be at least 1")
	}
	if d := o.attest.dir; d != "" {
		// Checked now: signing logs every file in Rekor for good, and a
		// directory that cannot take them must not waste that.
		if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
			return ui.Usagef("--attestations-dir %s is not a directory", d)
		}
	}
	if s := o.attest.sigstore; (s.trustedRoot == "") != (s.signingConfig == "") {
		return ui.Usagef("--sigstore-trusted-root and --sigstore-signing-config go together")
	}
	if err := o.attest.sigstore.validate(); err != nil {
		return err
	}
	return o.index.validate()
}

// parseCheckURL reads --check-url. Its answers decide what is skipped, so
// it must be as trustworthy as the upload: https, or http on loopback.
func parseCheckURL(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, ui.Usagef("invalid --check-url %q", transport.Redact(raw))
	}
	if !transport.Secure(u) {
		return nil, ui.Usagef("--check-url must use https (plain http only for loopback hosts): %s", transport.Redact(raw))
	}
	return u, nil
}

// runPreflight checks every file; nothing is sent unless all pass.
func runPreflight(ctx context.Context, in *preflight.Inputs, strict bool, pr *ui.Printer) (*preflight.Report, error) {
	report, err := preflight.CheckInputs(ctx, in, strict)
	if err != nil {
		return nil, err
	}
	if report.Failed() {
		if err := pr.CheckFailures(report); err != nil {
			return nil, err
		}
		return nil, ui.ErrPreflightFailed
	}
	return report, nil
}

// authenticate returns the upload's credentials: a password (from
// Resolve, or the keyring and the prompt for what it left missing), or an
// upload token minted by Trusted Publishing now, so that a
// misconfiguration shows before any upload starts. explain gives the
// upload's failure what the hints need: under Trusted Publishing a
// refusal is the publisher's to fix.
func authenticate(ctx context.Context, target *credentials.Resolved, t trustedOptions, dists []*dist.Dist, env envvars.Lookup, net *network, a asker) (*auth, error) {
	idc := identityConfig(t, env, net)
	target, p, err := settle(ctx, target, idc, a)
	if err != nil {
		return nil, err
	}
	if net.logger != nil {
		net.logger.Debug("credentials", "index", target.Endpoint.Redacted(), "username", target.Username, "username_from", target.UsernameFrom.String(), "password_from", target.PasswordOrigin())
	}
	if p == nil {
		if err := target.CheckPassword(); err != nil {
			return nil, err
		}
		creds := func(context.Context) (string, string, error) { return target.Username, target.Password, nil }
		explain, minted := passwordOrigin(target, idc, preflight.ProjectNames(dists), a.pr)
		return &auth{creds: creds, explain: explain, trusted: minted}, nil
	}
	s, err := startSession(ctx, target, p, preflight.ProjectNames(dists), net, a.pr)
	if err != nil {
		return nil, err
	}
	return &auth{creds: s.Credentials, explain: s.UploadError, trusted: true, provider: p, claims: s.Claims()}, nil
}

// auth is how the upload authenticates.
type auth struct {
	creds upload.Credentials
	// explain gives the upload's failure what the hints need.
	explain func(error) error
	// trusted: the password is a token minted by Trusted Publishing.
	trusted bool
	// provider and claims: the identity that minted the upload token in
	// this run (nil when it was not minted here): attestations are signed
	// as that publisher.
	provider oidc.Provider
	claims   oidc.Claims
}

// settle decides how the upload authenticates: with this job's CI
// identity (p), or with a password, asking the keyring and the prompt for
// what Resolve left missing. In mode auto they are asked only when there
// is no identity (twine asks the keyring first: here an identity the CI
// gives is the job's stated intent, and a CI has no keyring to ask).
func settle(ctx context.Context, target *credentials.Resolved, idc trusted.IdentityConfig, a asker) (*credentials.Resolved, oidc.Provider, error) {
	if target.Method == credentials.TrustedPublishing {
		p, err := trusted.Identity(idc)
		switch {
		case err == nil:
			return target, p, nil
		case !errors.Is(err, oidc.ErrNoProvider) || target.WithoutIdentity() == nil:
			return nil, nil, trustedError(err, target)
		}
	}
	if target.Missing() == nil {
		return target, nil, nil
	}
	target, err := a.complete(ctx, target)
	return target, nil, err
}

// identityConfig says where identity tokens may come from.
func identityConfig(t trustedOptions, env envvars.Lookup, net *network) trusted.IdentityConfig {
	return trusted.IdentityConfig{TokenFile: t.tokenFile, Provider: t.provider, Env: env, HTTP: net.read, ReadFile: localfile.ReadFile, Timeout: net.callLimit()}
}

// trustedError gives a failure to find an identity the index's context.
func trustedError(err error, target *credentials.Resolved) error {
	if errors.Is(err, oidc.ErrNoProvider) {
		return trusted.NewError("finding a CI identity", err, "", target.Endpoint)
	}
	return err
}

// passwordOrigin looks at where the password came from, when this job has
// a CI identity. A token that `pyupload token` minted from it earlier in
// the job is known by its fingerprint (trusted.MintedVar): the upload's
// failures are then explained as Trusted Publishing's. Any other password
// in mode auto gets a note that it wins over the identity; its text cannot
// tell an API token from a token minted by other means, so the note says
// no more than that.
func passwordOrigin(target *credentials.Resolved, idc trusted.IdentityConfig, projects []string, pr *ui.Printer) (explain func(error) error, minted bool) {
	p, err := trusted.Identity(idc)
	if err != nil {
		return same, false
	}
	if mintedEarlier(idc.Env, target.Password) {
		return func(err error) error {
			if err == nil {
				return nil
			}
			return &trusted.UploadError{Err: err, Provider: p.Name(), Web: publisher.WebBase(target.Endpoint), Projects: projects}
		}, true
	}
	if target.Mode == credentials.Auto {
		pr.ShadowedIdentity(target.PasswordOrigin(), p.Name())
	}
	return same, false
}

// mintedEarlier reports whether password is the token `pyupload token
// --format env` minted earlier in this job (trusted.MintedVar).
func mintedEarlier(env envvars.Lookup, password string) bool {
	fp, _ := env(trusted.MintedVar)
	return fp != "" && password != "" && fp == trusted.Fingerprint(password)
}

// same is the identity on errors.
func same(err error) error { return err }

// startSession starts Trusted Publishing, with secrets masked in CI logs
// and its warnings shown.
func startSession(ctx context.Context, target *credentials.Resolved, p oidc.Provider, projects []string, net *network, pr *ui.Printer) (*trusted.Session, error) {
	s, err := trusted.Start(ctx, trusted.Config{
		Endpoint: target.Endpoint, Provider: p, HTTP: net.read, Timeout: net.callLimit(), Projects: projects,
		Secret: pr.Mask, RefreshFailed: pr.RefreshFailed,
	})
	if err != nil {
		return nil, err
	}
	pr.TrustedPublishing(p.Name(), target.Endpoint.Host, s.Expires(), s.Claims())
	return s, nil
}

// publish uploads the dists with progress, then reports every file.
func publish(ctx context.Context, o uploadOptions, endpoint, checkURL *url.URL, dists []*dist.Dist, attestations map[string]string, a *auth, net *network, la *upload.Lookahead, pr *ui.Printer) error {
	var total int64
	for _, d := range dists {
		total += d.Size
	}
	var prog *ui.Progress // started once the uploader is valid
	opts := []upload.Option{
		upload.WithJobs(o.jobs),
		upload.WithReadClient(net.read),
		upload.WithCredentials(a.creds),
		upload.WithProgress(func(e upload.Event) { prog.Event(e) }),
		upload.WithComment(o.comment),
		upload.WithAttestations(attestations),
		upload.WithTimeout(net.timeout),
		upload.WithLookahead(la),
	}
	if checkURL != nil {
		opts = append(opts, upload.WithCheckURL(checkURL))
	}
	if o.skipExisting {
		opts = append(opts, upload.WithSkipExisting())
	}
	if a.trusted {
		opts = append(opts, upload.WithTrustedPublishing())
	}
	if net.logger != nil {
		opts = append(opts, upload.WithLogger(net.logger))
	}
	up, err := upload.New(net.upload, endpoint, opts...)
	if err != nil {
		return err
	}
	prog = pr.StartProgress(total, len(dists), !o.disableProgress)
	res, uploadErr := up.Upload(ctx, dists)
	prog.Close()
	if err := pr.UploadReport(res, o.json); err != nil {
		return err
	}
	if uploadErr != nil {
		pr.FailureSummary(res)
		return uploadErr
	}
	return nil
}
