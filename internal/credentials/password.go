package credentials

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pyupload/pyupload/internal/secret"
)

// PasswordError is a password pyupload refuses to send: a PyPI API token
// ("pypi-…") with characters such tokens never have, or any password with
// a line break or another control character (CONTRIBUTING.md C21). Its
// message says where the password came from and what is wrong, never the
// password or any part of it.
type PasswordError struct {
	Origin string // where the password came from, as [Resolved.PasswordOrigin] says
	Token  bool   // it starts as a PyPI API token does
	Reason string // what is wrong, e.g. "contains a line break"
}

func (e *PasswordError) Error() string {
	what := "the password"
	if e.Token {
		what = "the API token"
	}
	return fmt.Sprintf("%s from %s %s; pyupload does not send it", what, e.Origin, e.Reason)
}

// CheckPassword checks the password before it is used, per kind:
//
//   - a PyPI API token (it starts with "pypi-") must be "pypi-" and
//     base64url characters (A-Z, a-z, 0-9, '-', '_'), with at most two
//     '=' of padding: what PyPI issues;
//   - any other password (another registry's password or access token)
//     may hold spaces, punctuation and any printable Unicode, but no line
//     break or other control character (C0, DEL, C1, U+2028, U+2029), and
//     must be UTF-8. An empty password is one, as in twine.
//
// Such characters are never part of a real secret; they come from a
// secret pasted with its newline, or from a value built to inject lines
// where it is written. The error is a [*PasswordError].
func (r *Resolved) CheckPassword() error {
	if reason := passwordProblem(r.Password); reason != "" {
		return &PasswordError{Origin: r.PasswordOrigin(), Token: strings.HasPrefix(r.Password, "pypi-"), Reason: reason}
	}
	return nil
}

func passwordProblem(pw string) string {
	if strings.HasPrefix(pw, "pypi-") {
		problem := secret.PyPITokenProblem(pw)
		if strings.HasPrefix(problem, "contains ") {
			problem += ", which API tokens never hold"
		}
		return problem
	}
	if !utf8.ValidString(pw) {
		return "is not UTF-8"
	}
	for _, r := range pw {
		if unicode.IsControl(r) || unicode.In(r, unicode.Zl, unicode.Zp) {
			return "contains " + secret.Describe(r)
		}
	}
	return ""
}
