package fakeindex_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pyupload/pyupload/internal/fakeindex"
)

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

// requestURL merges audience into the request URL's query, as a correct
// client does.
func requestURL(t *testing.T, base, audience string) string {
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

func TestGitHubActionsToken(t *testing.T) {
	t.Parallel()
	const requestToken = "gha-request-token"
	claims := with(ghClaims(), map[string]any{"iss": nil, "aud": nil, "iat": nil, "nbf": nil, "exp": nil, "jti": nil})
	ix, srv, clock := oidcIndex(t, ghConfig(), fakeindex.WithGitHubActions(requestToken, claims))
	if err := ix.CreateProject("pyupload-mv24"); err != nil {
		t.Fatal(err)
	}
	if p := ix.GitHubActionsRequestPath(); p != "/_fake/github-actions/token?api-version=2.0" {
		t.Fatalf("GitHubActionsRequestPath() = %q", p)
	}
	base := srv.URL + ix.GitHubActionsRequestPath()
	fetch := func(t *testing.T, rawURL, auth string) (int, string) {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, rawURL, nil)
		if err != nil {
			t.Fatal(err)
		}
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		res, err := do(srv, req)
		if err != nil {
			t.Fatal(err)
		}
		if res.status != http.StatusOK {
			return res.status, res.body
		}
		var doc struct{ Value string }
		if err := json.Unmarshal([]byte(res.body), &doc); err != nil || doc.Value == "" {
			t.Fatalf("body %q: want {\"value\": JWT} (%v)", res.body, err)
		}
		return res.status, doc.Value
	}

	t.Run("refusals", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			name, url, auth string
			status          int
		}{
			{"no authorization", requestURL(t, base, "pypi"), "", 401},
			{"basic", requestURL(t, base, "pypi"), basicAuth("x", requestToken), 401},
			{"wrong token", requestURL(t, base, "pypi"), "bearer nope", 403},
			{"a second question mark", base + "?audience=pypi", "bearer " + requestToken, 400},
			{"no api-version", srv.URL + "/_fake/github-actions/token?audience=pypi", "bearer " + requestToken, 400},
		}
		for _, tt := range tests {
			if status, body := fetch(t, tt.url, tt.auth); status != tt.status {
				t.Errorf("%s: GET = %d %s, want %d", tt.name, status, body, tt.status)
			}
		}
	})

	t.Run("token", func(t *testing.T) {
		t.Parallel()
		status, jwt := fetch(t, requestURL(t, base, "pypi"), "Bearer "+requestToken)
		if status != http.StatusOK {
			t.Fatalf("GET = %d %s", status, jwt)
		}
		got := claimsOf(t, jwt)
		iat := float64(clock.Now().Unix())
		want := maps.Clone(claims)
		want["iss"], want["aud"], want["iat"], want["nbf"], want["exp"] = fakeindex.IssuerGitHub, "pypi", iat, iat-300, iat+300
		want["jti"] = got["jti"]
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("claims (-want +got):\n%s", diff)
		}
		_, again := fetch(t, requestURL(t, base, "pypi"), "bearer "+requestToken)
		if j1, j2 := got["jti"], claimsOf(t, again)["jti"]; j1 == j2 || j1 == "" {
			t.Errorf("jti %v then %v, want fresh ids", j1, j2)
		}
		// The whole exchange: the token mints, and the upload token works.
		upTok := mintOK(t, srv, jwt)
		f, _ := distForm(t, mv24)
		if res := upload(t, srv, f, withHeader("Authorization", basicAuth("__token__", upTok))); res.status != 200 {
			t.Errorf("upload = %d %s", res.status, res.message(t))
		}
	})

	t.Run("default audience", func(t *testing.T) {
		t.Parallel()
		_, jwt := fetch(t, base, "bearer "+requestToken)
		if aud := claimsOf(t, jwt)["aud"]; aud != "https://github.com/"+ghOwner {
			t.Errorf("aud = %v, want GitHub's default", aud)
		}
		res := mint(t, srv, tokenBody(jwt))
		if want := mintError("invalid-token", "malformed or invalid token"); res.body != want {
			t.Errorf("mint with the default audience = %s, want %s", res.body, want)
		}
	})
}

func TestGitHubActionsTokenOff(t *testing.T) {
	t.Parallel()
	ix, srv := newIndex(t)
	if res := get(t, srv, ix.GitHubActionsRequestPath()+"&audience=pypi", withHeader("Authorization", "bearer x")); res.status != 404 {
		t.Errorf("GET without WithGitHubActions = %d, want 404", res.status)
	}
}

func TestGCPMetadata(t *testing.T) {
	t.Parallel()
	const (
		email = "ci@p.iam.gserviceaccount.com"
		sub   = "112233445566778899001"
	)
	ix, srv, clock := oidcIndex(t, fakeindex.OIDCConfig{Publishers: []fakeindex.Publisher{
		{Kind: "google", Email: email, Sub: sub, Projects: []string{"x"}},
		{Kind: "google", Email: "release@p.iam.gserviceaccount.com", Projects: []string{"x"}},
	}})
	md := httptest.NewServer(fakeindex.NewGCPMetadata(ix, email, sub))
	t.Cleanup(md.Close)
	call := func(t *testing.T, method, path string, header http.Header, body string) (int, string) {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), method, md.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		maps.Copy(req.Header, header)
		resp, err := md.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = resp.Body.Close() }()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	flavor := http.Header{"Metadata-Flavor": {"Google"}}
	const identity = "/computeMetadata/v1/instance/service-accounts/default/identity"

	t.Run("identity", func(t *testing.T) {
		t.Parallel()
		if status, _ := call(t, http.MethodGet, identity+"?audience=pypi&format=full", nil, ""); status != 403 {
			t.Errorf("without Metadata-Flavor = %d, want 403", status)
		}
		if status, _ := call(t, http.MethodGet, identity+"?format=full", flavor, ""); status != 400 {
			t.Errorf("without audience = %d, want 400", status)
		}
		status, jwt := call(t, http.MethodGet, identity+"?audience=pypi&format=full", flavor, "")
		if status != 200 {
			t.Fatalf("identity = %d %s", status, jwt)
		}
		iat := float64(clock.Now().Unix())
		want := map[string]any{
			"iss": fakeindex.IssuerGoogle, "aud": "pypi", "azp": sub, "sub": sub,
			"email": email, "email_verified": true, "iat": iat, "exp": iat + 3600,
		}
		if diff := cmp.Diff(want, claimsOf(t, jwt)); diff != "" {
			t.Errorf("claims (-want +got):\n%s", diff)
		}
		mintOK(t, srv, jwt)
	})

	t.Run("impersonation", func(t *testing.T) {
		t.Parallel()
		const gen = "/v1/projects/-/serviceAccounts/release@p.iam.gserviceaccount.com:generateIdToken"
		if status, _ := call(t, http.MethodPost, gen, http.Header{"Authorization": {"Bearer nope"}}, `{"audience": "pypi", "includeEmail": true}`); status != 401 {
			t.Errorf("generateIdToken without an access token = %d, want 401", status)
		}
		status, body := call(t, http.MethodGet, "/computeMetadata/v1/instance/service-accounts/default/token?scopes=https://www.googleapis.com/auth/cloud-platform", flavor, "")
		var at struct {
			AccessToken string `json:"access_token"`
			ExpiresIn   int    `json:"expires_in"`
			TokenType   string `json:"token_type"`
		}
		if err := json.Unmarshal([]byte(body), &at); status != 200 || err != nil || at.AccessToken == "" || at.ExpiresIn != 3599 || at.TokenType != "Bearer" {
			t.Fatalf("access token = %d %s", status, body)
		}
		auth := http.Header{"Authorization": {"Bearer " + at.AccessToken}}
		status, body = call(t, http.MethodPost, gen, auth, `{"audience": "pypi", "includeEmail": true}`)
		var out struct{ Token string }
		if err := json.Unmarshal([]byte(body), &out); status != 200 || err != nil {
			t.Fatalf("generateIdToken = %d %s", status, body)
		}
		got := claimsOf(t, out.Token)
		if got["email"] != "release@p.iam.gserviceaccount.com" || got["aud"] != "pypi" || got["sub"] == sub {
			t.Errorf("claims = %v, want the impersonated account's", got)
		}
		mintOK(t, srv, out.Token)

		_, body = call(t, http.MethodPost, gen, auth, `{"audience": "pypi"}`)
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			t.Fatal(err)
		}
		if _, ok := claimsOf(t, out.Token)["email"]; ok {
			t.Error("includeEmail false still gives an email")
		}
		res := mint(t, srv, tokenBody(out.Token))
		if want := mintError("invalid-publisher", noPublisher("Missing claim 'email'")); res.body != want {
			t.Errorf("mint without email = %s, want %s", res.body, want)
		}
		if status, _ := call(t, http.MethodPost, gen, auth, `{}`); status != 400 {
			t.Errorf("generateIdToken without audience = %d, want 400", status)
		}
	})
}
