package sigstore_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/pyupload/pyupload/pkg/sigstore"
)

// TestTokenNeverInErrors: whatever Fulcio answers, even echoing the
// identity token back, no error carries the token.
func TestTokenNeverInErrors(t *testing.T) {
	t.Parallel()
	token := makeToken(githubClaims())
	echo := func(code int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			w.WriteHeader(code)
			_, _ = w.Write(body) // the request, token included
		}
	}
	cases := []struct {
		name  string
		h     http.HandlerFunc
		token string
	}{
		{"401 echoing the request", echo(401), token},
		{"500 echoing the request", echo(500), token},
		{"200 echoing the request", echo(200), token},
		{"not a JWT", echo(200), "opaque-secret-token-value"},
		{"JWT without subject", echo(200), makeToken(map[string]any{"iss": "x"})},
		{"redirect to a URL holding the token", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://127.0.0.1:1/"+token, http.StatusTemporaryRedirect)
		}, token},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			wrap, _ := faulty(fulcioPath, 100, tc.h)
			f := newFixture(t, wrap)
			_, err := sigstore.NewSigner(t.Context(), f.server.Client(), f.inst, tc.token, sigstore.WithBackoff(fastBackoff), sigstore.WithAttempts(2))
			if err == nil {
				t.Fatal("NewSigner succeeded")
			}
			for e := error(err); e != nil; e = unwrapOne(e) {
				if strings.Contains(e.Error(), tc.token) {
					t.Fatalf("an error in the chain holds the identity token: %v", e)
				}
			}
			key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
			_, err = (&sigstore.Fulcio{HTTP: f.server.Client(), Base: f.inst.Fulcio, Attempts: 1}).SigningCert(t.Context(), tc.token, key)
			if err == nil || strings.Contains(err.Error(), tc.token) {
				t.Fatalf("SigningCert = %v", err)
			}
		})
	}
}

func unwrapOne(err error) error {
	if u, ok := err.(interface{ Unwrap() error }); ok {
		return u.Unwrap()
	}
	if u, ok := err.(interface{ Unwrap() []error }); ok && len(u.Unwrap()) > 0 {
		return u.Unwrap()[0]
	}
	return nil
}
