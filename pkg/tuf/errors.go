package tuf

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// ErrTargetNotFound says the top-level targets metadata does not list the
// target asked for. Delegated roles are not searched (see the package
// documentation).
var ErrTargetNotFound = errors.New("tuf: target not listed in the top-level targets metadata")

// The roles, as errors name them.
const (
	RoleRoot      = "root"
	RoleTimestamp = "timestamp"
	RoleSnapshot  = "snapshot"
	RoleTargets   = "targets"
)

// ExpiredError says a role's metadata expired before the client's clock.
type ExpiredError struct {
	Role    string
	Version int64
	Expires time.Time
	Now     time.Time
}

func (e *ExpiredError) Error() string {
	return fmt.Sprintf("tuf: %s metadata version %d expired at %s (now %s)",
		e.Role, e.Version, e.Expires.UTC().Format(time.RFC3339), e.Now.UTC().Format(time.RFC3339))
}

// ThresholdError says too few valid signatures by the keys of a role. By
// names whose keys were counted: for a new root, "root version N" (the root
// it replaces) or "itself"; for the other roles, the root that delegates to
// them.
type ThresholdError struct {
	Role      string
	Version   int64
	By        string
	Valid     int
	Threshold int
}

func (e *ThresholdError) Error() string {
	by := "the " + e.Role + " keys of " + e.By
	if e.By == "itself" {
		by = "its own " + e.Role + " keys"
	}
	return fmt.Sprintf("tuf: %s metadata version %d has %d valid signatures by %s, want %d",
		e.Role, e.Version, e.Valid, by, e.Threshold)
}

// VersionError says a role's metadata carries a version other than the one
// expected: a new root that is not exactly N+1 (a rollback to an older root,
// or a skipped version), or a snapshot or targets version other than the one
// the timestamp or snapshot names.
type VersionError struct {
	Role string
	Got  int64
	Want int64
}

func (e *VersionError) Error() string {
	return fmt.Sprintf("tuf: %s metadata has version %d, want %d", e.Role, e.Got, e.Want)
}

// Rollback reports whether the version is older than the one expected.
func (e *VersionError) Rollback() bool { return e.Got < e.Want }

// MismatchError says a downloaded file does not have the length or a hash
// that signed metadata gives for it.
type MismatchError struct {
	File  string // the file's name in the repository
	Check string // "length", "sha256" or "sha512"
	Got   string
	Want  string
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("tuf: %s has %s %s, want %s", e.File, e.Check, e.Got, e.Want)
}

// TooLargeError says an answer exceeded the size allowed for it: a [Limits]
// bound, or the length signed metadata gives.
type TooLargeError struct {
	File  string
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("tuf: %s is larger than %d bytes", e.File, e.Limit)
}

// HTTPError is an answer other than 200 OK to the download of File.
type HTTPError struct {
	File       string
	StatusCode int
}

func (e *HTTPError) Error() string {
	return fmt.Sprintf("tuf: downloading %s: the repository answered %d %s", e.File, e.StatusCode, http.StatusText(e.StatusCode))
}

// NotFound reports whether the repository does not have the file (404, or
// 403 as some object stores answer for a missing object).
func (e *HTTPError) NotFound() bool {
	return e.StatusCode == http.StatusNotFound || e.StatusCode == http.StatusForbidden
}

// FormatError says a metadata file is not well-formed TUF metadata of the
// role expected.
type FormatError struct {
	File   string
	Reason string
	Err    error // the cause, if any
}

func (e *FormatError) Error() string {
	s := "tuf: " + e.File + ": " + e.Reason
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *FormatError) Unwrap() error { return e.Err }
