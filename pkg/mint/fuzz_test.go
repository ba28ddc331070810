package mint

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

type bodyTransport struct {
	status int
	body   string
}

func (b bodyTransport) RoundTrip(*http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: b.status, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(b.body))}, nil
}

// FuzzMint: any answer of the mint endpoint is a token or a *Error.
func FuzzMint(f *testing.F) {
	f.Add(200, `{"success": true, "token": "pypi-x", "expires": 1800000000}`)
	f.Add(422, errorDoc("invalid-publisher", "valid token, but no corresponding publisher (Missing claim 'ref')"))
	f.Add(502, "<html>")
	f.Add(200, `{"success": true}`)
	f.Fuzz(func(t *testing.T, status int, body string) {
		if status < 100 || status > 999 {
			return
		}
		c := &Client{HTTP: &http.Client{Transport: bodyTransport{status, body}}, Base: &url.URL{Scheme: "https", Host: "index.example"}}
		tok, err := c.Mint(t.Context(), "a.b.c")
		if err == nil {
			if tok.Value == "" {
				t.Fatal("Mint() succeeded without a token")
			}
			return
		}
		if _, ok := errors.AsType[*Error](err); !ok {
			t.Fatalf("Mint() error %T is not a *Error", err)
		}
		var me *Error
		_ = errors.As(err, &me)
		_ = me.Claim()
		_ = me.Error()
	})
}
