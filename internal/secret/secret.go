// Package secret says what is wrong with a secret's shape without ever
// quoting it: PyPI's API and upload tokens, and the class of a character
// no secret holds. Tokens minted by the index and passwords given by the
// user are checked alike, so one rule and one wording serve both.
package secret

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// PyPITokenProblem says what keeps token from having the shape of a PyPI
// token: "pypi-" then base64url characters (A-Z, a-z, 0-9, '-', '_'),
// with at most two '=' of padding at the end. It is "" for a good token,
// else a phrase such as "contains a line break", never the token.
func PyPITokenProblem(token string) string {
	rest, ok := strings.CutPrefix(token, "pypi-")
	if !ok {
		return "does not start with pypi-"
	}
	if problem := Base64URLProblem(rest); problem != "" {
		if problem == "is empty" {
			return "has nothing after pypi-"
		}
		return problem
	}
	return ""
}

// Base64URLProblem says what keeps s from being base64url text (A-Z,
// a-z, 0-9, '-', '_') with at most two '=' of padding: "" when nothing
// does, else a phrase ("is empty", "contains whitespace", …).
func Base64URLProblem(s string) string {
	body := strings.TrimRight(s, "=")
	switch {
	case body == "":
		return "is empty"
	case len(s)-len(body) > 2:
		return "ends in more than two '=' of padding"
	}
	for _, r := range body {
		if !('A' <= r && r <= 'Z' || 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '-' || r == '_') {
			return "contains " + Describe(r)
		}
	}
	return ""
}

// Describe names the class of a character a token may not hold, never
// the character itself.
func Describe(r rune) string {
	switch {
	case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029' || r == '\u0085':
		return "a line break"
	case unicode.IsControl(r):
		return "a control character"
	case unicode.IsSpace(r):
		return "whitespace"
	case r == utf8.RuneError:
		return "a byte that is not UTF-8"
	case r >= utf8.RuneSelf:
		return "a non-ASCII character"
	}
	return "punctuation other than '-' and '_'"
}
