package credentials

import (
	"errors"
	"strings"
	"testing"
)

// TestCheckPassword: API tokens must look like PyPI's; other passwords
// may hold spaces, punctuation and Unicode, but never a line break or a
// control character. The error names the source, never the secret.
func TestCheckPassword(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, password string
		reason         string // "" for accepted
	}{
		{"PyPI token", "pypi-AgEIcHlwaS5vcmcCJGFiY2QtZWYwMQ_-x", ""},
		{"PyPI token with padding", "pypi-AgEIcHlwaS5vcmc==", ""},
		{"empty password (twine's empty password =)", "", ""},
		{"password with spaces and symbols", ` p@ss w0rd!#%;"'\/<>{}[]~ `, ""},
		{"password in Unicode", "pässwörd-密码-🔑", ""},
		{"token with final newline", "pypi-AgEIcHlwaS5vcmc\n", "contains a line break, which API tokens never hold"},
		{"token with injected lines", "pypi-abc\nBASH_ENV=./evil.sh", "contains a line break, which API tokens never hold"},
		{"token with a space", "pypi-abc def", "contains whitespace, which API tokens never hold"},
		{"token with a dot", "pypi-abc.def", "contains punctuation other than '-' and '_', which API tokens never hold"},
		{"token with padding inside", "pypi-ab=cd", "contains punctuation other than '-' and '_', which API tokens never hold"},
		{"token with long padding", "pypi-abc===", "ends in more than two '=' of padding"},
		{"bare prefix", "pypi-", "has nothing after pypi-"},
		{"token with non-ASCII", "pypi-abcé", "contains a non-ASCII character, which API tokens never hold"},
		{"password with newline", "s3cret\n", "contains a line break"},
		{"password with CR", "s3cret\rx", "contains a line break"},
		{"password with tab", "s3\tcret", "contains a control character"},
		{"password with ESC", "s3cret\x1b[2K", "contains a control character"},
		{"password with NEL", "s3cret\u0085", "contains a line break"},
		{"password with U+2028", "s3cret\u2028", "contains a line break"},
		{"password not UTF-8", "s3cret\xff", "is not UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := &Resolved{Password: tt.password, PasswordFrom: Env, passwordVar: "TWINE_PASSWORD"}
			err := r.CheckPassword()
			if tt.reason == "" {
				if err != nil {
					t.Errorf("CheckPassword(%q) = %v, want nil", tt.password, err)
				}
				return
			}
			pe, ok := errors.AsType[*PasswordError](err)
			if !ok || pe.Reason != tt.reason || pe.Origin != "TWINE_PASSWORD" || pe.Token != strings.HasPrefix(tt.password, "pypi-") {
				t.Fatalf("CheckPassword(%q) = %#v, want reason %q from TWINE_PASSWORD", tt.password, err, tt.reason)
			}
			for _, part := range []string{"s3cret", "abc", "AgEI"} {
				if strings.Contains(tt.password, part) && strings.Contains(err.Error(), part) {
					t.Errorf("error %q shows the password", err)
				}
			}
		})
	}
}
