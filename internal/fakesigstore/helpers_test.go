package fakesigstore_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pyupload/pyupload/internal/fakeci"
	"github.com/pyupload/pyupload/internal/fakesigstore"
)

// jwtSigner is a minimal fakeci.Signer: RS256 tokens from one key.
type jwtSigner struct{ key *rsa.PrivateKey }

var (
	keyOnce sync.Once
	testKey *rsa.PrivateKey
)

func newSigner(t *testing.T) *jwtSigner {
	t.Helper()
	keyOnce.Do(func() {
		var err error
		if testKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	return &jwtSigner{key: testKey}
}

func (s *jwtSigner) Now() time.Time { return time.Now() }

func (s *jwtSigner) SignIDToken(claims map[string]any) (string, error) {
	h, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT"})
	c, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	input := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
	d := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(nil, s.key, crypto.SHA256, d[:])
	if err != nil {
		return "", err
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// verify is the TokenVerifier the tests give Fulcio: the signature, the
// expiry and the audience "sigstore".
func (s *jwtSigner) verify(tok string) (map[string]any, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, errors.New("malformed")
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, err
	}
	d := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(&s.key.PublicKey, crypto.SHA256, d[:], sig); err != nil {
		return nil, err
	}
	claims, err := fakesigstore.UnverifiedClaims(tok) // the audience, and exp if present
	if err != nil {
		return nil, err
	}
	if _, ok := claims["exp"].(float64); !ok {
		return nil, errors.New("no expiry")
	}
	return claims, nil
}

// githubClaims are the claims of a release job of octo/pkg.
var githubClaims = map[string]any{
	"sub":                 "repo:octo/pkg:ref:refs/tags/v1.0",
	"repository":          "octo/pkg",
	"repository_id":       "42",
	"repository_owner":    "octo",
	"repository_owner_id": "1000",
	"job_workflow_ref":    "octo/pkg/.github/workflows/release.yml@refs/tags/v1.0",
	"job_workflow_sha":    "0123456789abcdef0123456789abcdef01234567",
	"workflow_ref":        "octo/pkg/.github/workflows/release.yml@refs/tags/v1.0",
	"workflow_sha":        "0123456789abcdef0123456789abcdef01234567",
	"ref":                 "refs/tags/v1.0",
	"sha":                 "0123456789abcdef0123456789abcdef01234567",
	"event_name":          "push",
	"runner_environment":  "github-hosted",
	"run_id":              "7",
	"run_attempt":         "1",
}

// fixture is a fake Sigstore served on loopback with a fake GitHub
// Actions token endpoint.
type fixture struct {
	sig       *fakesigstore.Sigstore
	signer    *jwtSigner
	url       string // the server's base URL
	fulcioURL string
	rekorURL  string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{signer: newSigner(t)}
	f.sig = fakesigstore.New(fakesigstore.WithTokenVerifier(f.signer.verify))
	mux := http.NewServeMux()
	mux.Handle("/fulcio/", http.StripPrefix("/fulcio", f.sig.Fulcio()))
	mux.Handle("/rekor/", http.StripPrefix("/rekor", f.sig.Rekor()))
	mux.Handle(fakeci.GitHubTokenPath, fakeci.NewGitHubActions(f.signer, "request-token", githubClaims))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	f.url, f.fulcioURL, f.rekorURL = srv.URL, srv.URL+"/fulcio", srv.URL+"/rekor"
	return f
}

// githubToken fetches an identity token from the fake GitHub endpoint, as
// a job would.
func (f *fixture) githubToken(t *testing.T, audience string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, f.url+fakeci.GitHubRequestPath+"&audience="+audience, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "bearer request-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var v struct{ Value string }
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil || v.Value == "" {
		t.Fatalf("token endpoint: %v (status %d)", err, resp.StatusCode)
	}
	return v.Value
}
