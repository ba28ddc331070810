package mint

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

// TestCheckToken: a minted token is "pypi-" and base64url, one line;
// anything else is refused without quoting it.
func TestCheckToken(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"pypi-AgEIcHlwaS5vcmcCJGFiY2Q", "pypi-minted-1", "pypi-a_b-c", "pypi-abc=", "pypi-abc=="} {
		if err := CheckToken(ok); err != nil {
			t.Errorf("CheckToken(%q) = %v, want nil", ok, err)
		}
	}
	for bad, reason := range map[string]string{
		"":                          "it does not start with pypi-",
		"ghp_abcdef":                "it does not start with pypi-",
		" pypi-abc":                 "it does not start with pypi-",
		"pypi-":                     "it has nothing after pypi-",
		"pypi-===":                  "it has nothing after pypi-",
		"pypi-abc===":               "it ends in more than two '=' of padding",
		"pypi-abc\nBASH_ENV=./evil": "it contains a line break",
		"pypi-abc\r::add-mask::x":   "it contains a line break",
		"pypi-abc\u2028x":           "it contains a line break",
		"pypi-abc\x1b[2K":           "it contains a control character",
		"pypi-abc def":              "it contains whitespace",
		"pypi-abc\u00a0":            "it contains whitespace",
		"pypi-abc.def":              "it contains punctuation other than '-' and '_'",
		"pypi-abc\u202e":            "it contains a non-ASCII character",
	} {
		err := CheckToken(bad)
		if !errors.Is(err, ErrMalformedToken) || !strings.HasSuffix(err.Error(), ": "+reason) {
			t.Errorf("CheckToken(%q) = %v, want ErrMalformedToken: %s", bad, err, reason)
		}
	}
}

// TestMintRefusesMalformedTokens: an answer whose token would inject lines
// where it is printed is a final *Error that does not show the token.
func TestMintRefusesMalformedTokens(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		`{"success": true, "token": "pypi-SECRET\nBASH_ENV=./evil.sh\nNODE_OPTIONS=--require=./evil.js"}`,
		`{"success": true, "token": "pypi-SECRET\r::add-mask::x"}`,
		`{"success": true, "token": "SECRET-not-a-pypi-token"}`,
	} {
		c := serve(t, func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(body)) })
		tok, err := c.Mint(t.Context(), "a.b.c")
		if err == nil {
			t.Fatalf("Mint(%q) = %q, want an error", body, tok.Value)
		}
		me, ok := errors.AsType[*Error](err)
		if !ok || me.Temporary() || strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), "evil") {
			t.Errorf("Mint(%q) error = %v; want a final *Error without the token", body, err)
		}
	}
}
