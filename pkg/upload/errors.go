package upload

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/pyupload/pyupload/internal/transport"
)

// Sentinel errors callers branch on.
var (
	// ErrFileExists: the index has a file with this name (or these bytes
	// under another name) that is not identical to the local one.
	ErrFileExists = errors.New("upload: a different file with this name already exists on the index")
	// ErrInsecureURL: the endpoint is plain HTTP on a non-loopback host.
	ErrInsecureURL = errors.New("upload: the upload URL must use https (plain http is allowed only for loopback hosts)")
	// ErrStalled: an upload made no progress for the stall timeout.
	//
	// Deprecated: no longer returned. A timeout is a [net.Error] whose
	// Timeout method reports true (see [WithTimeout]).
	ErrStalled = errors.New("upload: no progress for too long")
	// ErrFileChanged: the file on disk changed after it was checked.
	ErrFileChanged = errors.New("upload: the file changed on disk after it was checked")
	// ErrStoppedByOtherFailure: the file's upload was cut off because
	// another file of the batch failed.
	ErrStoppedByOtherFailure = errors.New("upload: stopped because another file failed")

	// errCredentials wraps a failure of the credentials callback, which
	// retries on its own (a token exchange needs fresh identity tokens).
	errCredentials = errors.New("upload: getting credentials")
)

// HTTPError is a response from the index that is not a success. Message is
// the index's own text, taken from the JSON body (`code` or `message`),
// because HTTP/2 drops the reason phrase that carries it.
type HTTPError struct {
	StatusCode int
	Message    string
	Host       string        // the index that answered, so hints can name it
	RetryAfter time.Duration // from a 429 or 503's Retry-After header
	body       string        // the start of the answer, to recognise "already exists" texts
}

func (e *HTTPError) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("index answered %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	}
	return fmt.Sprintf("index answered %d: %s", e.StatusCode, e.Message)
}

// Temporary reports whether retrying may succeed: 5xx and 429, except 501
// and 505, which no retry can fix.
func (e *HTTPError) Temporary() bool { return transport.Temporary(e.StatusCode) }

// ConflictError says which file conflicts and how. It matches
// [ErrFileExists] with errors.Is.
type ConflictError struct {
	Filename     string
	LocalSHA256  string
	RemoteSHA256 string // the index's sha256 for Filename; "" when not known
	// OtherFilename: the index holds these very bytes under this other
	// name, which PyPI refuses to take again.
	OtherFilename string
	Detail        string // the index's message, if it gave one
	// Unverified: the read API could not tell what is on the index, so
	// only the index's "already exists" answer stands behind this.
	Unverified bool
}

func (e *ConflictError) Error() string {
	if e.Unverified {
		return fmt.Sprintf("%s: the index says a file with this name already exists (%q), and no read API could tell by hash whether it is this file", e.Filename, e.Detail)
	}
	if e.OtherFilename != "" {
		return fmt.Sprintf("%s: the same bytes (sha256 %s) are already on the index as %q, and an index never takes a file's bytes twice; rebuild or bump the version", e.Filename, e.LocalSHA256, e.OtherFilename)
	}
	msg := fmt.Sprintf("%s is already on the index with different contents (local sha256 %s", e.Filename, e.LocalSHA256)
	if e.RemoteSHA256 != "" {
		msg += ", index sha256 " + e.RemoteSHA256
	}
	return msg + "); a published file can never be replaced: bump the version"
}

// Unwrap makes errors.Is(err, ErrFileExists) true.
func (e *ConflictError) Unwrap() error { return ErrFileExists }

// RedirectError reports a redirect from the upload endpoint. Redirects are
// never followed: they could carry credentials elsewhere.
type RedirectError struct {
	StatusCode int
	Location   string
	// MissingSlash: the endpoint lacks the trailing slash the index
	// requires (PyPI answers /legacy with 308 to /legacy/).
	MissingSlash bool
}

func (e *RedirectError) Error() string {
	if e.MissingSlash {
		return fmt.Sprintf("the index redirected the upload (%d to %s): the upload URL needs its trailing slash", e.StatusCode, e.Location)
	}
	return fmt.Sprintf("the index redirected the upload (%d to %s); redirects are not followed", e.StatusCode, e.Location)
}
