package secret

import (
	"strings"
	"testing"
)

// TestPyPITokenProblem: every way a token is refused is named, and no
// answer ever quotes the token.
func TestPyPITokenProblem(t *testing.T) {
	tests := map[string]string{
		"pypi-AgEIcHlwaS5vcmc_-9==": "",
		"ghp_abc":                   "does not start with pypi-",
		"pypi-":                     "has nothing after pypi-",
		"pypi-abc===":               "ends in more than two '=' of padding",
		"pypi-abc\nBASH_ENV=x":      "contains a line break",
		"pypi-abc\x1b[31m":          "contains a control character",
		"pypi-abc def":              "contains whitespace",
		"pypi-abc\xff":              "contains a byte that is not UTF-8",
		"pypi-abcé":                 "contains a non-ASCII character",
		"pypi-abc.def":              "contains punctuation other than '-' and '_'",
	}
	for token, want := range tests {
		got := PyPITokenProblem(token)
		if got != want {
			t.Errorf("PyPITokenProblem(%q) = %q, want %q", token, got, want)
		}
		if len(token) > 6 && strings.Contains(got, token[5:]) {
			t.Errorf("PyPITokenProblem(%q) quotes the token: %q", token, got)
		}
	}
}
