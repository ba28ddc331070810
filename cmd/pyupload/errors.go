package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"

	"github.com/pyupload/pyupload/pkg/dist"
	"github.com/pyupload/pyupload/pkg/oidc"
	"github.com/pyupload/pyupload/pkg/upload"
)

// Exit codes. They are documented in README.md; tests pin them.
const (
	exitOK          = 0   // everything passed / was uploaded
	exitFailure     = 1   // a file failed its checks or an operation failed
	exitUsage       = 2   // bad flags or arguments
	exitInterrupted = 130 // cancelled by Ctrl-C or SIGTERM
)

// usageError is a mistake in how pyupload was invoked.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return &usageError{err: fmt.Errorf(format, args...)}
}

// errChecksFailed reports that results were already printed and at least
// one file failed; there is nothing more to say on stderr.
var errChecksFailed = errors.New("some distributions failed their checks")

// explain turns an error into the message, an optional hint and the exit
// code. It is the one place that decides both (STYLE.md C7).
func explain(err error) (msg, hint string, code int) {
	if ue, ok := errors.AsType[*usageError](err); ok {
		return ue.Error(), "run 'pyupload --help' for usage", exitUsage
	}
	if errors.Is(err, context.Canceled) {
		return "interrupted", "", exitInterrupted
	}
	if errors.Is(err, errChecksFailed) {
		return "", "", exitFailure
	}
	if te, ok := errors.AsType[*tpError](err); ok {
		if errors.Is(te.err, oidc.ErrNoProvider) {
			return te.Error(), "run inside a supported CI (GitHub Actions, GitLab CI, Google Cloud, Buildkite, CircleCI), or pass --oidc-token-file / PYUPLOAD_OIDC_TOKEN", exitFailure
		}
		return explainTrustedPublishing(te)
	}
	if errors.Is(err, errPreflightFailed) {
		return err.Error(), "run 'pyupload check' on the files for details", exitFailure
	}
	if errors.Is(err, upload.ErrFileExists) {
		return err.Error(), "files on an index can never be replaced or reused; publish a new version", exitFailure
	}
	if errors.Is(err, upload.ErrInsecureURL) {
		return err.Error(), "use the index's https:// URL", exitUsage
	}
	if re, ok := errors.AsType[*upload.RedirectError](err); ok && re.MissingSlash {
		return err.Error(), "add the trailing slash to the upload URL, e.g. https://upload.pypi.org/legacy/", exitFailure
	}
	if he, ok := errors.AsType[*upload.HTTPError](err); ok && he.StatusCode == http.StatusForbidden {
		return err.Error(), "check the credentials: API tokens go in --password / TWINE_PASSWORD with the username __token__, and must be allowed to upload to this project", exitFailure
	}
	if errors.Is(err, errNoCredentials) {
		return err.Error(), "in CI, set up Trusted Publishing (https://docs.pypi.org/trusted-publishers/) and give the job its identity (GitHub: permissions: id-token: write); elsewhere, create an API token at https://pypi.org/manage/account/token/ and export TWINE_PASSWORD=pypi-...", exitUsage
	}
	if errors.Is(err, dist.ErrUnknownFormat) {
		return err.Error(), "pass wheels (.whl) and sdists (.tar.gz) only, e.g. dist/*", exitFailure
	}
	if errors.Is(err, fs.ErrNotExist) {
		return err.Error(), "check the path; build the distributions first (python -m build)", exitFailure
	}
	return err.Error(), "", exitFailure
}

// report prints err with its hint and returns the exit code. In GitHub
// Actions it also raises an ::error:: annotation and appends the failure to
// the job's step summary.
func report(err error, stderr io.Writer, gha ghActions) int {
	if err == nil {
		return exitOK
	}
	msg, hint, code := explain(err)
	if gha.enabled && msg != "" && code != exitInterrupted {
		gha.fail(msg, hint)
	}
	// A failed write to stderr leaves nowhere to report it; the exit code
	// still tells.
	if msg != "" {
		_, _ = fmt.Fprintf(stderr, "pyupload: error: %s\n", msg)
	}
	if hint != "" {
		_, _ = fmt.Fprintf(stderr, "hint: %s\n", hint)
	}
	return code
}
