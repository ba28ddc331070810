package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/pyupload/pyupload/internal/attest"
	"github.com/pyupload/pyupload/internal/credentials"
	"github.com/pyupload/pyupload/internal/envvars"
	"github.com/pyupload/pyupload/internal/localfile"
	"github.com/pyupload/pyupload/internal/preflight"
	"github.com/pyupload/pyupload/internal/provenance"
	"github.com/pyupload/pyupload/internal/transport"
	"github.com/pyupload/pyupload/internal/ui"
	"github.com/pyupload/pyupload/pkg/dist"
	"github.com/pyupload/pyupload/pkg/sigstore"
)

// verifyFlags name the expected publisher, where the attestations come
// from, and the Sigstore root they must chain to.
func verifyFlags(env envvars.Lookup) []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "github", Usage: "expected publisher: the GitHub repository OWNER/REPO"},
		&cli.StringFlag{Name: "workflow", Usage: "with --github: the workflow file name (release.yml); any workflow of the repository when not given"},
		&cli.StringFlag{Name: "gitlab", Usage: "expected publisher: the gitlab.com project NAMESPACE/PROJECT"},
		&cli.StringFlag{Name: "ci-file", Usage: "with --gitlab: the CI file's path (.gitlab-ci.yml); any when not given"},
		&cli.StringFlag{Name: "google", Usage: "expected publisher: the Google Cloud service account's email"},
		&cli.StringFlag{Name: "index", Usage: "verify a published release, NAME==VERSION, with its provenance from this index's integrity API: pypi, testpypi, or its URL"},
		sigstoreFlag(env), sigstoreUpdateFlag(env),
		&cli.StringFlag{Name: "sigstore-trusted-root", Usage: "the TrustedRoot JSON of the Sigstore instance the attestations must chain to (default: Sigstore's public instance, whose root is in the binary)" + envNote("sigstore-trusted-root"), Sources: fromEnv(env, "sigstore-trusted-root")},
		&cli.BoolFlag{Name: "json", Usage: "print every file's verdict as JSON on stdout"},
		&cli.IntFlag{Name: "timeout", Value: int(transport.DefaultTimeout.Seconds()), Usage: "seconds after which a request to the index is given up on", Sources: fromEnv(env, "timeout")},
		&cli.StringFlag{Name: "cert", Usage: "CA bundle (PEM) to verify the index with", Sources: fromEnv(env, "cert")},
	}
}

func verifyCommand(env envvars.Lookup, pr *ui.Printer) *cli.Command {
	return &cli.Command{
		Name:      "verify",
		Usage:     "verify PEP 740 attestations against the publisher you expect: local files, or a published release (--index)",
		ArgsUsage: "DIST... | --index pypi NAME==VERSION",
		Flags:     verifyFlags(env),
		Action: func(ctx context.Context, cmd *cli.Command) error {
			return runVerify(ctx, cmd, env, pr)
		},
	}
}

// verifyOptions are the verify command's flags, read.
type verifyOptions struct {
	policy   sigstore.Policy
	index    string
	sigstore sigstoreOptions
	json     bool
	args     []string
}

func readVerifyOptions(cmd *cli.Command) (verifyOptions, error) {
	policy, err := expectedPublisher(cmd.String("github"), cmd.String("workflow"), cmd.String("gitlab"), cmd.String("ci-file"), cmd.String("google"))
	if err != nil {
		return verifyOptions{}, err
	}
	o := verifyOptions{policy: policy, index: cmd.String("index"), sigstore: readSigstoreOptions(cmd), json: cmd.Bool("json"), args: cmd.Args().Slice()}
	if err := o.sigstore.validate(); err != nil {
		return o, err
	}
	switch {
	case len(o.args) == 0 && o.index != "":
		return o, ui.Usagef("verify --index needs the release, e.g. pyupload verify --index pypi --github octo/proj proj==1.2.0")
	case len(o.args) == 0:
		return o, ui.Usagef("verify needs distributions, e.g. pyupload verify --github octo/proj --workflow release.yml dist/*")
	case o.index != "" && len(o.args) != 1:
		return o, ui.Usagef("verify --index takes one release, NAME==VERSION")
	}
	return o, nil
}

// expectedPublisher builds the policy from exactly one publisher flag.
func expectedPublisher(github, workflow, gitlab, ciFile, google string) (sigstore.Policy, error) {
	given := 0
	for _, v := range []string{github, gitlab, google} {
		if v != "" {
			given++
		}
	}
	switch {
	case given != 1:
		return nil, ui.Usagef("say which publisher must have signed: exactly one of --github OWNER/REPO, --gitlab NAMESPACE/PROJECT, --google EMAIL")
	case workflow != "" && github == "":
		return nil, ui.Usagef("--workflow goes with --github")
	case ciFile != "" && gitlab == "":
		return nil, ui.Usagef("--ci-file goes with --gitlab")
	case github != "":
		if strings.Count(github, "/") != 1 || strings.HasPrefix(github, "/") || strings.HasSuffix(github, "/") {
			return nil, ui.Usagef("--github takes OWNER/REPO, not %q", github)
		}
		if strings.ContainsAny(workflow, "/@") {
			return nil, ui.Usagef("--workflow takes the workflow's file name (release.yml), not %q", workflow)
		}
		return sigstore.GitHub{Repository: github, Workflow: workflow}, nil
	case gitlab != "":
		if !strings.Contains(gitlab, "/") || strings.HasPrefix(gitlab, "/") || strings.HasSuffix(gitlab, "/") {
			return nil, ui.Usagef("--gitlab takes NAMESPACE/PROJECT, not %q", gitlab)
		}
		return sigstore.GitLab{Project: gitlab, CIFile: ciFile}, nil
	}
	if !strings.Contains(google, "@") {
		return nil, ui.Usagef("--google takes the service account's email, not %q", google)
	}
	return sigstore.Google{Email: google}, nil
}

func runVerify(ctx context.Context, cmd *cli.Command, env envvars.Lookup, pr *ui.Printer) error {
	o, err := readVerifyOptions(cmd)
	if err != nil {
		return err
	}
	client, err := newReadClient(cmd, env)
	if err != nil {
		return err
	}
	root, err := loadTrustedRoot(ctx, o.sigstore, client, pr)
	if err != nil {
		return err
	}
	var verdicts []ui.Verdict
	if o.index == "" {
		verdicts, err = verifyLocal(o, root)
	} else {
		verdicts, err = verifyPublished(ctx, cmd, o, root, client)
	}
	if err != nil {
		return err
	}
	if len(verdicts) == 0 {
		return errors.New("nothing was verified")
	}
	if err := pr.Verdicts(verdicts, o.json); err != nil {
		return err
	}
	for _, v := range verdicts {
		if !v.OK {
			return ui.ErrVerifyFailed
		}
	}
	return nil
}

// verifyLocal checks each dist's attestation files beside it
// (<dist>.<kind>.attestation). Attestation files among the arguments (as
// dist/* expands) must be named for a dist given too.
func verifyLocal(o verifyOptions, root *sigstore.TrustedRoot) ([]ui.Verdict, error) {
	var dists []string
	given := map[string]bool{}
	for _, p := range o.args {
		if !strings.HasSuffix(p, ".attestation") {
			dists = append(dists, p)
			given[filepath.Clean(p)] = true
		}
	}
	for _, p := range o.args {
		if strings.HasSuffix(p, ".attestation") && !given[distOfAttestation(p)] {
			return nil, ui.Usagef("%s names no distribution given: pass the distribution (its attestations beside it are found)", p)
		}
	}
	if len(dists) == 0 {
		return nil, ui.Usagef("verify needs the distributions themselves, e.g. pyupload verify --github octo/proj dist/*")
	}
	var out []ui.Verdict
	for _, path := range dists {
		sum, err := fileSHA256(path)
		if err != nil {
			return nil, err
		}
		files, err := preflight.AttestationsBeside(path)
		if err != nil {
			return nil, err
		}
		name := filepath.Base(path)
		if len(files) == 0 {
			out = append(out, ui.Verdict{File: name, Problem: "no " + name + attest.Suffix + " beside it"})
			continue
		}
		for _, f := range files {
			out = append(out, verifyFile(f, name, sum, o.policy, root))
		}
	}
	return out, nil
}

// distOfAttestation is the dist an attestation file is named for:
// <dist>.<kind>.attestation.
func distOfAttestation(p string) string {
	p = filepath.Clean(strings.TrimSuffix(p, ".attestation"))
	if i := strings.LastIndexByte(filepath.Base(p), '.'); i > 0 {
		return filepath.Join(filepath.Dir(p), filepath.Base(p)[:i])
	}
	return p
}

func verifyFile(path, name string, sum [32]byte, policy sigstore.Policy, root *sigstore.TrustedRoot) ui.Verdict {
	b, err := localfile.ReadFile(path)
	if err != nil {
		return ui.Verdict{File: name, Attestation: filepath.Base(path), Problem: err.Error()}
	}
	att, err := sigstore.ParseAttestation(b)
	if err != nil {
		return ui.Verdict{File: name, Attestation: filepath.Base(path), Problem: err.Error()}
	}
	v := verdict(att, name, sum, policy, root)
	v.Attestation = filepath.Base(path)
	return v
}

// verdict verifies one attestation of the file.
func verdict(att *sigstore.Attestation, name string, sum [32]byte, policy sigstore.Policy, root *sigstore.TrustedRoot) ui.Verdict {
	res, err := sigstore.Verify(att, root, name, sum, policy)
	if err != nil {
		return ui.Verdict{File: name, Problem: err.Error()}
	}
	return ui.Verdict{
		File: name, OK: true, Signer: res.Identity.String(), PredicateType: res.Statement.PredicateType,
		LogIndex: res.LogIndex, Logged: res.IntegratedTime,
	}
}

func fileSHA256(path string) ([32]byte, error) {
	f, _, err := localfile.Open(path)
	if err != nil {
		return [32]byte{}, err
	}
	defer func() { _ = f.Close() }()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return [32]byte{}, fmt.Errorf("reading %s: %w", path, err)
	}
	return [32]byte(h.Sum(nil)), nil
}

// verifyPublished checks every file of a published release: its bytes,
// downloaded and hashed, against each attestation the index serves.
func verifyPublished(ctx context.Context, cmd *cli.Command, o verifyOptions, root *sigstore.TrustedRoot, client *http.Client) ([]ui.Verdict, error) {
	name, version, ok := strings.Cut(o.args[0], "==")
	if !ok || name == "" || version == "" {
		return nil, ui.Usagef("verify --index takes the release as NAME==VERSION, not %q", o.args[0])
	}
	name = dist.NormalizeName(name) // PyPI redirects other spellings, and redirects are not followed
	base, err := indexWebBase(o.index)
	if err != nil {
		return nil, err
	}
	c := &provenance.Client{HTTP: client, Base: base, Timeout: timeoutSeconds(cmd.Int("timeout"))}
	files, err := c.ReleaseFiles(ctx, name, version)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s lists no files for %s %s", base.Host, name, version)
	}
	want, err := dist.ParseVersion(version)
	if err != nil {
		return nil, ui.Usagef("verify --index: %q is not a version: %v", version, err)
	}
	var out []ui.Verdict
	for _, f := range files {
		// The attestation names the file, so a file of another release
		// (an older version, another project of the same publisher) would
		// verify: the listing must not be able to swap one in.
		if err := belongsTo(f, name, want); err != nil {
			out = append(out, ui.Verdict{File: f.Filename, Problem: err.Error()})
			continue
		}
		out = append(out, verifyReleaseFile(ctx, c, name, version, f, o.policy, root)...)
	}
	return out, nil
}

// belongsTo checks that a file the index lists for name==version is one:
// its filename's project and version, as PyPI parses them.
func belongsTo(f provenance.ReleaseFile, name string, version dist.Version) error {
	fn, err := dist.ParseFilename(f.Filename)
	if err != nil {
		return fmt.Errorf("the index lists it for %s %s, but it is not a distribution's filename: %w", name, version, err)
	}
	if dist.NormalizeName(fn.Name) != name || !fn.ParsedVersion.Equal(version) {
		return fmt.Errorf("the index lists it for %s %s, but it is %s %s", name, version, dist.NormalizeName(fn.Name), fn.Version)
	}
	if !transport.Secure(f.URL) {
		return fmt.Errorf("the index gives it a plain http URL off this machine: %s", transport.Redact(f.URL.String()))
	}
	return nil
}

func verifyReleaseFile(ctx context.Context, c *provenance.Client, name, version string, f provenance.ReleaseFile, policy sigstore.Policy, root *sigstore.TrustedRoot) []ui.Verdict {
	fail := func(err error) []ui.Verdict { return []ui.Verdict{{File: f.Filename, Problem: err.Error()}} }
	raw, err := c.Provenance(ctx, name, version, f.Filename)
	if errors.Is(err, provenance.ErrNoProvenance) {
		return fail(errors.New("the index has no provenance for it"))
	}
	if err != nil {
		return fail(err)
	}
	prov, err := sigstore.ParseProvenance(raw)
	if err != nil {
		return fail(err)
	}
	got, err := c.SHA256(ctx, f)
	if err != nil {
		return fail(err)
	}
	if got != f.SHA256 {
		return fail(fmt.Errorf("the downloaded file's sha256 is %s, the index lists %s", got, f.SHA256))
	}
	sum, _ := hex.DecodeString(got)
	var out []ui.Verdict
	for _, bundle := range prov.AttestationBundles {
		for i := range bundle.Attestations {
			out = append(out, verdict(&bundle.Attestations[i], f.Filename, [32]byte(sum), policy, root))
		}
	}
	if len(out) == 0 {
		return fail(errors.New("its provenance holds no attestation"))
	}
	return out
}

// indexWebBase is the index's web root for --index: pypi, testpypi, or a
// URL (https, or http on a loopback host; an upload URL's path is dropped).
func indexWebBase(index string) (*url.URL, error) {
	switch index {
	case "pypi":
		return &url.URL{Scheme: "https", Host: "pypi.org", Path: "/"}, nil
	case "testpypi":
		return &url.URL{Scheme: "https", Host: "test.pypi.org", Path: "/"}, nil
	}
	u, err := url.Parse(index)
	if err != nil || u.Host == "" {
		return nil, ui.Usagef("--index takes pypi, testpypi or the index's URL, not %q", transport.Redact(index))
	}
	if !transport.Secure(u) {
		return nil, ui.Usagef("--index must use https (plain http only for loopback hosts): %s", transport.Redact(index))
	}
	return &url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/"}, nil
}

// newReadClient is verify's client: retried reads, the inactivity timeout,
// and the CA bundle of --cert (or REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE).
// Downloads are bounded by their size (internal/provenance), not by a
// call limit.
func newReadClient(cmd *cli.Command, env envvars.Lookup) (*http.Client, error) {
	// The upload's order of CA bundles, without a repository section.
	files := tlsFilesFor(indexOptions{cert: cmd.String("cert")}, &credentials.Resolved{}, env)
	roots, _, err := files.load()
	if err != nil {
		return nil, err
	}
	return transport.NewClient(transport.Options{UserAgent: "pyupload/" + versionString(), RootCAs: roots, Retry: true, Timeout: timeoutSeconds(cmd.Int("timeout"))}), nil
}
