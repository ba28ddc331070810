package ui

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"strings"

	"github.com/pyupload/pyupload/internal/attest"
	"github.com/pyupload/pyupload/internal/credentials"
	"github.com/pyupload/pyupload/internal/preflight"
	"github.com/pyupload/pyupload/internal/transport"
	"github.com/pyupload/pyupload/internal/trusted"
	"github.com/pyupload/pyupload/pkg/dist"
	"github.com/pyupload/pyupload/pkg/oidc"
	"github.com/pyupload/pyupload/pkg/upload"
)

// Exit codes. They are documented in docs/exit-codes.md; tests pin them.
const (
	ExitOK          = 0   // everything passed / was uploaded
	ExitFailure     = 1   // a file failed its checks or an operation failed
	ExitUsage       = 2   // bad flags or arguments
	ExitInterrupted = 130 // cancelled by Ctrl-C or SIGTERM
)

// UsageError is a mistake in how pyupload was invoked.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// Usagef returns a [*UsageError] with a formatted message.
func Usagef(format string, args ...any) error {
	return &UsageError{Err: fmt.Errorf(format, args...)}
}

var (
	// ErrChecksFailed means the check report was printed and a file failed;
	// there is nothing more to say.
	ErrChecksFailed = errors.New("some distributions failed their checks")
	// ErrPreflightFailed means files failed their checks before an upload.
	ErrPreflightFailed = errors.New("nothing was uploaded: fix the distributions above first")
)

// Explain turns an error into the message, an optional hint and the exit
// code. It is the one place that decides both.
func Explain(err error) (msg, hint string, code int) {
	if msg, ok := usage(err); ok {
		return msg, "run 'pyupload --help' for usage", ExitUsage
	}
	switch {
	case errors.Is(err, context.Canceled):
		return "interrupted", "", ExitInterrupted
	case errors.Is(err, ErrChecksFailed), errors.Is(err, ErrVerifyFailed):
		return "", "", ExitFailure
	}
	if te, ok := errors.AsType[*transport.TLSError](err); ok {
		if te.Untrusted {
			return err.Error(), "the index's certificate is not trusted here: if a private CA signed it, pass that CA's bundle (PEM) with --cert, TWINE_CERT, REQUESTS_CA_BUNDLE or ca_cert in .pypirc", ExitFailure
		}
		return err.Error(), "the index refused the TLS connection: if it requires a client certificate, pass one PEM file with the certificate and its private key with --client-cert, TWINE_CLIENT_CERT or client_cert in .pypirc", ExitFailure
	}
	if _, ok := errors.AsType[*transport.TimeoutError](err); ok {
		return err.Error(), "the server stopped sending or taking data, or took too long: check its status and the network, or allow longer with --timeout SECONDS (PYUPLOAD_TIMEOUT)", ExitFailure
	}
	if te, ok := errors.AsType[*trusted.Error](err); ok {
		if errors.Is(te.Err, oidc.ErrNoProvider) {
			// Like no credentials at all: the run lacks what it needs
			// (pyupload token and whoami, or mode always, outside CI).
			return te.Error(), "run inside a supported CI (GitHub Actions, GitLab CI, Google Cloud, Buildkite, CircleCI), or pass --oidc-token-file / PYUPLOAD_OIDC_TOKEN", ExitUsage
		}
		return te.Error(), trustedPublishingHint(te), ExitFailure
	}
	if re, ok := errors.AsType[*upload.RedirectError](err); ok && re.MissingSlash {
		return err.Error(), "add the trailing slash to the upload URL, e.g. https://upload.pypi.org/legacy/", ExitFailure
	}
	if he, ok := errors.AsType[*upload.HTTPError](err); ok && (he.StatusCode == http.StatusForbidden || he.StatusCode == http.StatusUnauthorized) {
		if tu, ok := errors.AsType[*trusted.UploadError](err); ok {
			return err.Error(), trustedRefusalHint(tu), ExitFailure
		}
		return err.Error(), credentialsHint(he.Host), ExitFailure
	}
	if pe, ok := errors.AsType[*credentials.PasswordError](err); ok {
		return err.Error(), passwordHint(pe), ExitUsage
	}
	if nc, ok := errors.AsType[*credentials.NoCredentialsError](err); ok && !isPyPI(nc.Host) {
		return err.Error(), noCredentialsHint(nc.Host), ExitUsage
	}
	if _, ok := errors.AsType[*upload.NotUploadAnswerError](err); ok {
		return err.Error(), "check --repository-url: it must be the upload endpoint (PyPI: https://upload.pypi.org/legacy/; Gitea and Forgejo: https://HOST/api/packages/OWNER/pypi; GitLab: https://HOST/api/v4/projects/ID/packages/pypi; Nexus: https://HOST/repository/REPO/; Artifactory: https://HOST/artifactory/api/pypi/REPO), not a web page", ExitFailure
	}
	if ie, ok := errors.AsType[*upload.IndexRuleError](err); ok {
		return err.Error(), indexRuleHint(ie), ExitFailure
	}
	if ce, ok := errors.AsType[*upload.ConflictError](err); ok && ce.Unverified {
		return err.Error(), "if an earlier run uploaded these files, run the same command with --skip-existing; to have pyupload compare hashes instead, pass --check-url with the index's simple index URL (--verbose shows which read URLs were tried)", ExitFailure
	}
	if ae, ok := errors.AsType[*attest.Error](err); ok {
		return err.Error(), attestHint(ae), ExitFailure
	}
	for _, h := range plainHints {
		if errors.Is(err, h.err) {
			return err.Error(), h.hint, h.code
		}
	}
	return err.Error(), "", ExitFailure
}

// indexRuleHint says how to get past a refusal predicted from the index's
// read API. Nothing was sent.
func indexRuleHint(e *upload.IndexRuleError) string {
	switch e.Rule {
	case upload.RuleReleaseAge:
		return "nothing was uploaded: a release takes new files only in its first 14 days; publish these files under a new version (a post release such as 1.0.post1 suits added wheels)"
	case upload.RuleArchived:
		return "nothing was uploaded: an owner can unarchive the project in its settings on the index, then run the same command again"
	case upload.RuleQuarantined:
		return "nothing was uploaded: the index's administrators must lift the quarantine (the owners were told by email); an owner's API token can still upload meanwhile"
	}
	return "nothing was uploaded"
}

// plainHints are the sentinel errors with a fixed hint.
var plainHints = []struct {
	err  error
	hint string
	code int
}{
	{ErrPreflightFailed, "run 'pyupload check' on the files for details", ExitFailure},
	{upload.ErrFileExists, "files on an index can never be replaced or reused; publish a new version", ExitFailure},
	{upload.ErrInsecureURL, "use the index's https:// URL", ExitUsage},
	{credentials.ErrInsecureURL, "use the index's https:// URL", ExitUsage},
	{credentials.ErrNoCredentials, "in CI, set up Trusted Publishing (https://docs.pypi.org/trusted-publishers/) and give the job its identity (GitHub: permissions: id-token: write); elsewhere, create an API token at https://pypi.org/manage/account/token/ and export TWINE_PASSWORD=pypi-...", ExitUsage},
	{dist.ErrUnknownFormat, "pass wheels (.whl) and sdists (.tar.gz) only, e.g. dist/*", ExitFailure},
	{fs.ErrNotExist, "check the path; build the distributions first (python -m build)", ExitFailure},
}

// usage reports the errors that are mistakes in the invocation, with the
// message to show.
func usage(err error) (string, bool) {
	if up, ok := errors.AsType[*oidc.UnknownProviderError](err); ok {
		return fmt.Sprintf("unknown --provider %q: use %s", up.Name, strings.Join(up.Known, ", ")), true
	}
	if _, ok := errors.AsType[*UsageError](err); ok {
		return err.Error(), true
	}
	if _, ok := errors.AsType[*credentials.ModeError](err); ok {
		return err.Error(), true
	}
	if _, ok := errors.AsType[*credentials.RepositoryError](err); ok {
		return err.Error(), true
	}
	if _, ok := errors.AsType[*credentials.URLError](err); ok {
		return err.Error(), true
	}
	if _, ok := errors.AsType[*credentials.UsernameError](err); ok {
		return err.Error(), true
	}
	if _, ok := errors.AsType[*preflight.PatternError](err); ok {
		return err.Error(), true
	}
	if _, ok := errors.AsType[*preflight.CompanionError](err); ok {
		return err.Error(), true
	}
	if errors.Is(err, credentials.ErrPasswordWithTrustedPublishing) {
		return err.Error(), true
	}
	return "", false
}

// passwordHint says how a refused password usually comes about.
func passwordHint(e *credentials.PasswordError) string {
	if e.Token {
		return "set the token again exactly as the index issued it (a secret pasted with its final newline or a space is the usual cause): PyPI API tokens are pypi- followed by letters, digits, '-' and '_'"
	}
	return "set the password again without the line break or control character (a secret pasted with its final newline is the usual cause); spaces and punctuation are fine"
}
