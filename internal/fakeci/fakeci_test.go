package fakeci_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pyupload/pyupload/internal/fakeci"
	"github.com/pyupload/pyupload/internal/fakeindex"
)

// testKey is one signing key for the package: generating one per index
// is slow under the race detector.
var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// t0 is the index's fixed clock, far from the real time, so a token the
// fakes dated by another clock would not mint.
var t0 = time.Unix(1767225600, 0)

const (
	ghOwner      = "example-org"
	requestToken = "gha-request-token"
)

// ghClaims are what a tag-push job of example-org/example-pkg's
// release.yml carries besides the claims the endpoint sets itself.
func ghClaims() map[string]any {
	const ref = "refs/tags/v1.4.0"
	return map[string]any{
		"sub": "repo:example-org/example-pkg:ref:" + ref, "repository": "example-org/example-pkg",
		"repository_owner": ghOwner, "repository_owner_id": "98765432",
		"job_workflow_ref": "example-org/example-pkg/.github/workflows/release.yml@" + ref,
		"workflow_ref":     "example-org/example-pkg/.github/workflows/release.yml@" + ref,
		"ref":              ref, "sha": "3f1c2a9d8b7e6f5a4c3b2a1908f7e6d5c4b3a291", "event_name": "push",
	}
}

// serve starts h on loopback for the test.
func serve(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// index serves a fake index with Trusted Publishing for publishers, on
// the fixed clock t0.
func index(t *testing.T, publishers ...fakeindex.Publisher) (*fakeindex.Index, *httptest.Server) {
	t.Helper()
	ix := fakeindex.New(fakeindex.WithStorageDir(t.TempDir()), fakeindex.WithSigningKey(testKey()),
		fakeindex.WithClock(func() time.Time { return t0 }),
		fakeindex.WithOIDC(fakeindex.OIDCConfig{Publishers: publishers}))
	srv := serve(t, ix)
	t.Cleanup(func() { _ = ix.Close() })
	return ix, srv
}

// call sends a request and returns the status and body.
func call(t *testing.T, method, rawURL string, header http.Header, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, rawURL, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	maps.Copy(req.Header, header)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// mint exchanges an identity token at the index and returns the status
// and body.
func mint(t *testing.T, srv *httptest.Server, idToken string) (int, string) {
	t.Helper()
	body, err := json.Marshal(map[string]string{"token": idToken})
	if err != nil {
		t.Fatal(err)
	}
	return call(t, http.MethodPost, srv.URL+"/_/oidc/mint-token", http.Header{"Content-Type": {"application/json"}}, string(body))
}

// claimsOf decodes a JWT's payload without verifying it.
func claimsOf(t *testing.T, jwt string) map[string]any {
	t.Helper()
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("%q is not a JWT", jwt)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// withAudience merges audience into the request URL's query, as a
// correct client does.
func withAudience(t *testing.T, base, audience string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("audience", audience)
	u.RawQuery = q.Encode()
	return u.String()
}

func TestGitHubActionsRefusals(t *testing.T) {
	t.Parallel()
	ix, _ := index(t)
	srv := serve(t, fakeci.NewGitHubActions(ix, requestToken, ghClaims()))
	base := srv.URL + fakeci.GitHubRequestPath
	bearer := http.Header{"Authorization": {"bearer " + requestToken}}
	tests := []struct {
		name, method, url string
		header            http.Header
		status            int
	}{
		{"no authorization", http.MethodGet, withAudience(t, base, "pypi"), nil, 401},
		// Basic x:<requestToken>: the right secret in the wrong scheme.
		{"basic", http.MethodGet, withAudience(t, base, "pypi"), http.Header{"Authorization": {"Basic eDpnaGEtcmVxdWVzdC10b2tlbg=="}}, 401},
		{"wrong token", http.MethodGet, withAudience(t, base, "pypi"), http.Header{"Authorization": {"bearer nope"}}, 403},
		{"a second question mark", http.MethodGet, base + "?audience=pypi", bearer, 400},
		{"no api-version", http.MethodGet, srv.URL + fakeci.GitHubTokenPath + "?audience=pypi", bearer, 400},
		{"POST", http.MethodPost, withAudience(t, base, "pypi"), bearer, 405},
		{"another path", http.MethodGet, srv.URL + "/_/oidc/audience", bearer, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if status, body := call(t, tt.method, tt.url, tt.header, ""); status != tt.status {
				t.Errorf("%s %s = %d %s, want %d", tt.method, tt.url, status, body, tt.status)
			}
		})
	}
}

func TestGitHubActionsToken(t *testing.T) {
	t.Parallel()
	ix, idx := index(t, fakeindex.Publisher{
		Kind: fakeindex.KindGitHub, Repository: "example-pkg", RepositoryOwner: ghOwner,
		RepositoryOwnerID: "98765432", WorkflowFilename: "release.yml", Projects: []string{"x"},
	})
	srv := serve(t, fakeci.NewGitHubActions(ix, requestToken, ghClaims()))
	base := srv.URL + fakeci.GitHubRequestPath
	token := func(t *testing.T, rawURL string) string {
		t.Helper()
		status, body := call(t, http.MethodGet, rawURL, http.Header{"Authorization": {"Bearer " + requestToken}}, "")
		var doc struct{ Value string }
		if err := json.Unmarshal([]byte(body), &doc); status != http.StatusOK || err != nil || doc.Value == "" {
			t.Fatalf("GET %s = %d %s, want 200 and {\"value\": JWT}", rawURL, status, body)
		}
		return doc.Value
	}
	if want := "/_fake/github-actions/token?api-version=2.0"; fakeci.GitHubRequestPath != want {
		t.Errorf("GitHubRequestPath = %q, want %q", fakeci.GitHubRequestPath, want)
	}

	t.Run("claims", func(t *testing.T) {
		t.Parallel()
		jwt := token(t, withAudience(t, base, "pypi"))
		got := claimsOf(t, jwt)
		iat := float64(t0.Unix())
		want := ghClaims()
		// JSON numbers decode as float64.
		maps.Copy(want, map[string]any{
			"iss": "https://token.actions.githubusercontent.com", "aud": "pypi",
			"iat": iat, "nbf": iat - 300, "exp": iat + 300, "jti": got["jti"],
		})
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("claims (-want +got):\n%s", diff)
		}
		if j1, j2 := got["jti"], claimsOf(t, token(t, withAudience(t, base, "pypi")))["jti"]; j1 == j2 || j1 == "" {
			t.Errorf("jti %v then %v, want fresh ids", j1, j2)
		}
		if status, body := mint(t, idx, jwt); status != http.StatusOK {
			t.Errorf("mint = %d %s, want 200", status, body)
		}
	})

	t.Run("given claims are replaced", func(t *testing.T) {
		t.Parallel()
		claims := ghClaims()
		maps.Copy(claims, map[string]any{"iss": "https://attacker.example", "aud": "x", "jti": "fixed"})
		gha := serve(t, fakeci.NewGitHubActions(ix, requestToken, claims))
		got := claimsOf(t, token(t, withAudience(t, gha.URL+fakeci.GitHubRequestPath, "pypi")))
		if got["iss"] != "https://token.actions.githubusercontent.com" || got["aud"] != "pypi" || got["jti"] == "fixed" {
			t.Errorf("claims = %v, want iss, aud and jti set by the endpoint", got)
		}
	})

	t.Run("default audience", func(t *testing.T) {
		t.Parallel()
		jwt := token(t, base)
		if aud := claimsOf(t, jwt)["aud"]; aud != "https://github.com/"+ghOwner {
			t.Errorf("aud = %v, want GitHub's default", aud)
		}
		if status, body := mint(t, idx, jwt); status != http.StatusUnprocessableEntity || !strings.Contains(body, "invalid-token") {
			t.Errorf("mint with the default audience = %d %s, want 422 invalid-token", status, body)
		}
	})
}

func TestGCPMetadata(t *testing.T) {
	t.Parallel()
	const (
		email = "ci@p.iam.gserviceaccount.com"
		sub   = "112233445566778899001"
		other = "release@p.iam.gserviceaccount.com"
	)
	ix, idx := index(t,
		fakeindex.Publisher{Kind: fakeindex.KindGoogle, Email: email, Sub: sub, Projects: []string{"x"}},
		fakeindex.Publisher{Kind: fakeindex.KindGoogle, Email: other, Projects: []string{"x"}})
	md := serve(t, fakeci.NewGCPMetadata(ix, email, sub))
	flavor := http.Header{"Metadata-Flavor": {"Google"}}
	const (
		identity = "/computeMetadata/v1/instance/service-accounts/default/identity"
		access   = "/computeMetadata/v1/instance/service-accounts/default/token?scopes=https://www.googleapis.com/auth/cloud-platform"
		generate = "/v1/projects/-/serviceAccounts/" + other + ":generateIdToken"
	)

	t.Run("refusals", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			name, method, path string
			header             http.Header
			body               string
			status             int
		}{
			{"identity without Metadata-Flavor", http.MethodGet, identity + "?audience=pypi&format=full", nil, "", 403},
			{"identity without audience", http.MethodGet, identity + "?format=full", flavor, "", 400},
			{"access token without Metadata-Flavor", http.MethodGet, access, nil, "", 403},
			{"generateIdToken without an access token", http.MethodPost, generate, http.Header{"Authorization": {"Bearer nope"}}, `{"audience": "pypi", "includeEmail": true}`, 401},
			{"another method", http.MethodPost, "/v1/projects/-/serviceAccounts/" + other + ":signJwt", nil, "{}", 404},
		}
		for _, tt := range tests {
			if status, body := call(t, tt.method, md.URL+tt.path, tt.header, tt.body); status != tt.status {
				t.Errorf("%s: %s %s = %d %s, want %d", tt.name, tt.method, tt.path, status, body, tt.status)
			}
		}
	})

	t.Run("identity", func(t *testing.T) {
		t.Parallel()
		status, jwt := call(t, http.MethodGet, md.URL+identity+"?audience=pypi&format=full", flavor, "")
		if status != http.StatusOK {
			t.Fatalf("identity = %d %s, want 200", status, jwt)
		}
		iat := float64(t0.Unix())
		want := map[string]any{
			"iss": "https://accounts.google.com", "aud": "pypi", "azp": sub, "sub": sub,
			"email": email, "email_verified": true, "iat": iat, "exp": iat + 3600,
		}
		if diff := cmp.Diff(want, claimsOf(t, jwt)); diff != "" {
			t.Errorf("claims (-want +got):\n%s", diff)
		}
		if status, body := mint(t, idx, jwt); status != http.StatusOK {
			t.Errorf("mint = %d %s, want 200", status, body)
		}
	})

	t.Run("impersonation", func(t *testing.T) {
		t.Parallel()
		status, body := call(t, http.MethodGet, md.URL+access, flavor, "")
		var at struct {
			AccessToken string `json:"access_token"`
			ExpiresIn   int    `json:"expires_in"`
			TokenType   string `json:"token_type"`
		}
		if err := json.Unmarshal([]byte(body), &at); status != http.StatusOK || err != nil || at.AccessToken == "" || at.ExpiresIn != 3599 || at.TokenType != "Bearer" {
			t.Fatalf("access token = %d %s, want 200 and a Bearer token for 3599 s", status, body)
		}
		auth := http.Header{"Authorization": {"Bearer " + at.AccessToken}}
		// generated asks for a token and mints it: only a token with the
		// email matches the publisher.
		generated := func(t *testing.T, body string, wantMint int) map[string]any {
			t.Helper()
			status, resp := call(t, http.MethodPost, md.URL+generate, auth, body)
			var out struct{ Token string }
			if err := json.Unmarshal([]byte(resp), &out); status != http.StatusOK || err != nil {
				t.Fatalf("generateIdToken(%s) = %d %s, want 200", body, status, resp)
			}
			if status, resp := mint(t, idx, out.Token); status != wantMint {
				t.Errorf("mint of generateIdToken(%s) = %d %s, want %d", body, status, resp, wantMint)
			}
			return claimsOf(t, out.Token)
		}
		if got := generated(t, `{"audience": "pypi", "includeEmail": true}`, http.StatusOK); got["email"] != other || got["aud"] != "pypi" || got["sub"] == sub {
			t.Errorf("claims = %v, want the impersonated account's", got)
		}
		if got := generated(t, `{"audience": "pypi"}`, http.StatusUnprocessableEntity); got["email"] != nil {
			t.Errorf("claims = %v, want no email without includeEmail", got)
		}
		if status, body := call(t, http.MethodPost, md.URL+generate, auth, `{}`); status != http.StatusBadRequest {
			t.Errorf("generateIdToken without audience = %d %s, want 400", status, body)
		}
	})
}
