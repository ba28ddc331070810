package fakeindex_test

import (
	"bytes"
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pyupload/pyupload/internal/fakeindex"
)

// testKey is one signing key for the whole package: generating a key per
// index would take a tenth of a second each under the race detector.
var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// otherKey is a second key, for tokens the index must not trust.
var otherKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// t0 is the fake clock's start: 2026-01-01T00:00:00Z.
var t0 = time.Unix(1767225600, 0)

const (
	mv25    = goodDir + "/pyupload_mv25-2.5-py3-none-any.whl"
	ghOwner = "example-org"
	ghRepo  = "example-org/example-pkg"
	ghSHA   = "3f1c2a9d8b7e6f5a4c3b2a1908f7e6d5c4b3a291"
)

// ghPublisher is a GitHub publisher for ghRepo's release.yml.
func ghPublisher(projects ...string) fakeindex.Publisher {
	return fakeindex.Publisher{
		Kind: fakeindex.KindGitHub, Repository: "example-pkg", RepositoryOwner: ghOwner,
		RepositoryOwnerID: "98765432", WorkflowFilename: "release.yml", Projects: projects,
	}
}

// ghClaims are the claims of a GitHub Actions token for ghPublisher,
// valid at t0 for audience pypi.
func ghClaims() map[string]any {
	return map[string]any{
		"iss": fakeindex.IssuerGitHub, "aud": "pypi",
		"iat": t0.Unix(), "nbf": t0.Unix() - 300, "exp": t0.Unix() + 300,
		"jti": "6f0b7a52-2c1e-4d8f-9a3b-5e6c7d8e9f01", "sub": "repo:" + ghRepo + ":ref:refs/tags/v1.4.0",
		"repository": ghRepo, "repository_owner": ghOwner, "repository_owner_id": "98765432",
		"job_workflow_ref": ghRepo + "/.github/workflows/release.yml@refs/tags/v1.4.0",
		"workflow_ref":     ghRepo + "/.github/workflows/release.yml@refs/tags/v1.4.0",
		"ref":              "refs/tags/v1.4.0", "sha": ghSHA, "event_name": "push",
	}
}

// with returns a copy of claims with changes applied; a nil value deletes
// the claim.
func with(claims map[string]any, changes map[string]any) map[string]any {
	out := maps.Clone(claims)
	for k, v := range changes {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

// oidcIndex serves an index with Trusted Publishing, the shared key and a
// fake clock at t0.
func oidcIndex(t *testing.T, cfg fakeindex.OIDCConfig, opts ...fakeindex.Option) (*fakeindex.Index, *httptest.Server, *fakeindex.Clock) {
	t.Helper()
	clock := fakeindex.NewClock(t0)
	ix, srv := newIndex(t, append([]fakeindex.Option{
		fakeindex.WithSigningKey(testKey()), fakeindex.WithClock(clock.Now), fakeindex.WithOIDC(cfg),
	}, opts...)...)
	return ix, srv, clock
}

func sign(t *testing.T, ix *fakeindex.Index, claims map[string]any) string {
	t.Helper()
	tok, err := ix.SignIDToken(claims)
	if err != nil {
		t.Fatalf("SignIDToken() = %v", err)
	}
	return tok
}

// signRaw builds a JWT with any header, signed RS256 with key (or, for
// alg HS256, with an HMAC secret; for alg none, unsigned).
func signRaw(t *testing.T, key *rsa.PrivateKey, header, claims map[string]any) string {
	t.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	input := enc(header) + "." + enc(claims)
	var sig []byte
	switch header["alg"] {
	case "none":
	case "HS256":
		m := hmac.New(sha256.New, []byte("secret"))
		m.Write([]byte(input))
		sig = m.Sum(nil)
	default:
		d := sha256.Sum256([]byte(input))
		var err error
		if sig, err = rsa.SignPKCS1v15(nil, key, crypto.SHA256, d[:]); err != nil {
			t.Fatal(err)
		}
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func tokenBody(tok string) string {
	b, _ := json.Marshal(map[string]string{"token": tok})
	return string(b)
}

// post sends body to path.
func post(t *testing.T, srv *httptest.Server, path, body string, opts ...reqOpt) result {
	t.Helper()
	return send(t, srv, http.MethodPost, path, strings.NewReader(body), opts...)
}

func mint(t *testing.T, srv *httptest.Server, body string) result {
	t.Helper()
	return post(t, srv, "/_/oidc/mint-token", body, withHeader("Content-Type", "application/json"))
}

// mintOK mints and returns the upload token, failing the test otherwise.
func mintOK(t *testing.T, srv *httptest.Server, idToken string) string {
	t.Helper()
	res := mint(t, srv, tokenBody(idToken))
	if res.status != http.StatusOK {
		t.Fatalf("mint = %d %s, want 200", res.status, res.body)
	}
	var doc struct{ Token string }
	if err := json.Unmarshal([]byte(res.body), &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Token
}

// mintError is the exact 422 document for code and description.
func mintError(code, description string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(description)
	d := strings.TrimSuffix(b.String(), "\n")
	return `{"message": "Token request failed", "errors": [{"code": "` + code + `", "description": ` + d + `}]}`
}

func noPublisher(reason string) string {
	return "valid token, but no corresponding publisher (" + reason + ")"
}

func TestAudience(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		opts   []fakeindex.Option
		method string
		status int
		body   string
	}{
		{"default", []fakeindex.Option{fakeindex.WithOIDC(fakeindex.OIDCConfig{})}, http.MethodGet, 200, `{"audience": "pypi"}`},
		{"testpypi", []fakeindex.Option{fakeindex.WithOIDC(fakeindex.OIDCConfig{Audience: "testpypi"})}, http.MethodGet, 200, `{"audience": "testpypi"}`},
		{"disabled", []fakeindex.Option{fakeindex.WithOIDC(fakeindex.OIDCConfig{Disabled: true})}, http.MethodGet, 403, `{"message":"Trusted publishing functionality not enabled"}`},
		{"not supported", nil, http.MethodGet, 404, ""},
		{"only GET", []fakeindex.Option{fakeindex.WithOIDC(fakeindex.OIDCConfig{})}, http.MethodPost, 405, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, srv := newIndex(t, tt.opts...)
			var res result
			if tt.method == http.MethodGet {
				res = get(t, srv, "/_/oidc/audience")
			} else {
				res = post(t, srv, "/_/oidc/audience", "")
			}
			if res.status != tt.status {
				t.Fatalf("%s /_/oidc/audience = %d %q, want %d", tt.method, res.status, res.body, tt.status)
			}
			if tt.body != "" && (res.body != tt.body || res.header.Get("Content-Type") != "application/json") {
				t.Errorf("body = %q (%s), want %q (application/json)", res.body, res.header.Get("Content-Type"), tt.body)
			}
		})
	}
}

// TestMintErrors checks every refusal of the mint endpoint, as exact
// documents.
func TestMintErrors(t *testing.T) {
	t.Parallel()
	good := ghClaims()
	const mustVerify = "malformed or invalid token"
	header := func(ix *fakeindex.Index, changes map[string]any) map[string]any {
		return with(map[string]any{"alg": "RS256", "typ": "JWT", "kid": ix.KeyID()}, changes)
	}
	tests := []struct {
		name string
		cfg  fakeindex.OIDCConfig
		body func(ix *fakeindex.Index) string
		code string
		desc string
	}{
		{
			name: "not JSON", body: func(*fakeindex.Index) string { return "token=abc" },
			code: "invalid-payload",
			desc: "1 validation error for TokenPayload\n  Invalid JSON: invalid character 'o' in literal true (expecting 'r') at line 1 column 2 [type=json_invalid, input_value=b'token=abc', input_type=bytes]\n    For further information visit https://errors.pydantic.dev/2.12/v/json_invalid",
		},
		{
			name: "empty body", body: func(*fakeindex.Index) string { return "" },
			code: "invalid-payload",
			desc: "1 validation error for TokenPayload\n  Invalid JSON: EOF while parsing a value at line 1 column 0 [type=json_invalid, input_value=b'', input_type=bytes]\n    For further information visit https://errors.pydantic.dev/2.12/v/json_invalid",
		},
		{
			name: "an array", body: func(*fakeindex.Index) string { return `["x"]` },
			code: "invalid-payload",
			desc: "1 validation error for TokenPayload\n  Input should be an object [type=model_type, input_value=['x'], input_type=list]\n    For further information visit https://errors.pydantic.dev/2.12/v/model_type",
		},
		{
			name: "no token", body: func(*fakeindex.Index) string { return `{"jwt": "abc", "n": 1.0}` },
			code: "invalid-payload",
			desc: "1 validation error for TokenPayload\ntoken\n  Field required [type=missing, input_value={'jwt': 'abc', 'n': 1.0}, input_type=dict]\n    For further information visit https://errors.pydantic.dev/2.12/v/missing",
		},
		{
			name: "token is a number", body: func(*fakeindex.Index) string { return `{"token": 123}` },
			code: "invalid-payload",
			desc: "1 validation error for TokenPayload\ntoken\n  Input should be a valid string [type=string_type, input_value=123, input_type=int]\n    For further information visit https://errors.pydantic.dev/2.12/v/string_type",
		},
		{
			name: "token is null", body: func(*fakeindex.Index) string { return `{"token": null}` },
			code: "invalid-payload",
			desc: "1 validation error for TokenPayload\ntoken\n  Input should be a valid string [type=string_type, input_value=None, input_type=NoneType]\n    For further information visit https://errors.pydantic.dev/2.12/v/string_type",
		},
		{
			name: "long input is truncated", body: func(*fakeindex.Index) string { return `{"tokens": "` + strings.Repeat("a", 60) + `"}` },
			code: "invalid-payload",
			desc: "1 validation error for TokenPayload\ntoken\n  Field required [type=missing, input_value={'tokens': 'aaaaaaaaaaaaa...aaaaaaaaaaaaaaaaaaaaaa'}, input_type=dict]\n    For further information visit https://errors.pydantic.dev/2.12/v/missing",
		},
		{name: "not a JWT", body: func(*fakeindex.Index) string { return tokenBody("abc") }, code: "invalid-payload", desc: "malformed JWT"},
		{name: "four segments", body: func(ix *fakeindex.Index) string { return tokenBody(sign(t, ix, good) + ".x") }, code: "invalid-payload", desc: "malformed JWT"},
		{name: "payload not JSON", body: func(*fakeindex.Index) string { return tokenBody("eyJhbGciOiJSUzI1NiJ9.bm9wZQ.c2ln") }, code: "invalid-payload", desc: "malformed JWT"},
		{name: "no iss", body: func(ix *fakeindex.Index) string {
			return tokenBody(sign(t, ix, with(good, map[string]any{"iss": nil})))
		}, code: "invalid-payload", desc: "malformed JWT"},
		{
			name: "unknown issuer", body: func(ix *fakeindex.Index) string {
				return tokenBody(sign(t, ix, with(good, map[string]any{"iss": "https://token.actions.example.com"})))
			},
			code: "invalid-payload", desc: "unknown trusted publishing issuer",
		},
		{
			name: "disabled", cfg: fakeindex.OIDCConfig{Disabled: true},
			body: func(ix *fakeindex.Index) string { return tokenBody(sign(t, ix, good)) },
			code: "not-enabled", desc: "github trusted publishing functionality not enabled",
		},
		{
			name: "github disabled", cfg: fakeindex.OIDCConfig{DisabledKinds: []string{"github"}},
			body: func(ix *fakeindex.Index) string { return tokenBody(sign(t, ix, good)) },
			code: "not-enabled", desc: "github trusted publishing functionality not enabled",
		},
		{
			name: "disabled is checked before the signature", cfg: fakeindex.OIDCConfig{Disabled: true},
			body: func(*fakeindex.Index) string {
				return tokenBody(signRaw(t, otherKey(), map[string]any{"alg": "none"}, with(good, map[string]any{"iss": fakeindex.IssuerGitLab})))
			},
			code: "not-enabled", desc: "gitlab trusted publishing functionality not enabled",
		},
		{
			name: "tampered payload", body: func(ix *fakeindex.Index) string {
				parts := strings.Split(sign(t, ix, good), ".")
				evil, _ := json.Marshal(with(good, map[string]any{"repository": "evil/pkg"}))
				return tokenBody(parts[0] + "." + base64.RawURLEncoding.EncodeToString(evil) + "." + parts[2])
			},
			code: "invalid-token", desc: mustVerify,
		},
		{
			name: "tampered signature", body: func(ix *fakeindex.Index) string {
				// Swap one signature character for another valid base64url
				// character (flipping bits could make it undecodable).
				tok := []byte(sign(t, ix, good))
				if tok[len(tok)-5] == 'A' {
					tok[len(tok)-5] = 'B'
				} else {
					tok[len(tok)-5] = 'A'
				}
				return tokenBody(string(tok))
			},
			code: "invalid-token", desc: mustVerify,
		},
		{
			name: "another key with the index's kid", body: func(ix *fakeindex.Index) string {
				return tokenBody(signRaw(t, otherKey(), header(ix, nil), good))
			},
			code: "invalid-token", desc: mustVerify,
		},
		{
			name: "wrong kid", body: func(ix *fakeindex.Index) string {
				return tokenBody(signRaw(t, testKey(), header(ix, map[string]any{"kid": "some-other-key"}), good))
			},
			code: "invalid-token", desc: mustVerify,
		},
		{
			name: "no kid", body: func(ix *fakeindex.Index) string {
				return tokenBody(signRaw(t, testKey(), header(ix, map[string]any{"kid": nil}), good))
			},
			code: "invalid-token", desc: mustVerify,
		},
		{
			name: "alg none", body: func(ix *fakeindex.Index) string {
				return tokenBody(signRaw(t, nil, header(ix, map[string]any{"alg": "none"}), good))
			},
			code: "invalid-token", desc: mustVerify,
		},
		{
			name: "alg HS256", body: func(ix *fakeindex.Index) string {
				return tokenBody(signRaw(t, nil, header(ix, map[string]any{"alg": "HS256"}), good))
			},
			code: "invalid-token", desc: mustVerify,
		},
		{
			name: "RS256 signature under another alg name", body: func(ix *fakeindex.Index) string {
				return tokenBody(signRaw(t, testKey(), header(ix, map[string]any{"alg": "RS512"}), good))
			},
			code: "invalid-token", desc: mustVerify,
		},
		{
			name: "padded header: the signed bytes change", body: func(ix *fakeindex.Index) string {
				parts := strings.Split(sign(t, ix, good), ".")
				return tokenBody(parts[0] + strings.Repeat("=", (4-len(parts[0])%4)%4+4) + "." + parts[1] + "." + parts[2])
			},
			code: "invalid-token", desc: mustVerify,
		},
		{
			name: "repository in another case: the lookup is exact", cfg: ghConfig(),
			body: claimsBody(with(good, map[string]any{"repository": "example-org/Example-Pkg"})),
			code: "invalid-publisher", desc: noPublisher("Publisher with matching claims was not found"),
		},
		{name: "no iat", body: claimsBody(with(good, map[string]any{"iat": nil})), code: "invalid-token", desc: mustVerify},
		{name: "no exp", body: claimsBody(with(good, map[string]any{"exp": nil})), code: "invalid-token", desc: mustVerify},
		{name: "no aud", body: claimsBody(with(good, map[string]any{"aud": nil})), code: "invalid-token", desc: mustVerify},
		{name: "exp as a string", body: claimsBody(with(good, map[string]any{"exp": "1767225900"})), code: "invalid-token", desc: mustVerify},
		{name: "other audience", body: claimsBody(with(good, map[string]any{"aud": "testpypi"})), code: "invalid-token", desc: mustVerify},
		{name: "array audience", body: claimsBody(with(good, map[string]any{"aud": []string{"pypi"}})), code: "invalid-token", desc: mustVerify},
		{name: "expired past the leeway", body: claimsBody(with(good, map[string]any{"exp": t0.Unix() - 30})), code: "invalid-token", desc: mustVerify},
		{name: "iat beyond the leeway", body: claimsBody(with(good, map[string]any{"iat": t0.Unix() + 31})), code: "invalid-token", desc: mustVerify},
		{name: "nbf beyond the leeway", body: claimsBody(with(good, map[string]any{"nbf": t0.Unix() + 31})), code: "invalid-token", desc: mustVerify},
		{
			name: "no publisher", cfg: fakeindex.OIDCConfig{},
			body: claimsBody(good), code: "invalid-publisher", desc: noPublisher("Publisher with matching claims was not found"),
		},
		{
			name: "missing claim", cfg: ghConfig(),
			body: claimsBody(with(good, map[string]any{"repository_owner_id": nil})),
			code: "invalid-publisher", desc: noPublisher("Missing claim 'repository_owner_id'"),
		},
		{
			name: "null claim is missing", cfg: ghConfig(),
			body: claimsBody(with(good, map[string]any{"sha": json.RawMessage("null")})),
			code: "invalid-publisher", desc: noPublisher("Missing claim 'sha'"),
		},
		{
			name: "no event_name", cfg: ghConfig(),
			body: claimsBody(with(good, map[string]any{"event_name": nil})),
			code: "invalid-publisher", desc: noPublisher("Missing claim 'event_name'"),
		},
		{
			name: "no jti", cfg: ghConfig(),
			body: claimsBody(with(good, map[string]any{"jti": nil})),
			code: "invalid-publisher", desc: noPublisher("Missing claim 'jti'"),
		},
		{
			name: "other owner id", cfg: ghConfig(),
			body: claimsBody(with(good, map[string]any{"repository_owner_id": "1"})),
			code: "invalid-publisher", desc: noPublisher("Publisher with matching claims was not found"),
		},
		{
			name: "other workflow", cfg: ghConfig(),
			body: claimsBody(with(good, map[string]any{"job_workflow_ref": ghRepo + "/.github/workflows/ci.yml@refs/tags/v1.4.0"})),
			code: "invalid-publisher", desc: noPublisher("Publisher with matching claims was not found"),
		},
		{
			name: "no workflow file", cfg: ghConfig(),
			body: claimsBody(with(good, map[string]any{"job_workflow_ref": ghRepo + "/.github/workflows/release@refs/tags/v1.4.0"})),
			code: "invalid-publisher", desc: noPublisher("Could not job extract workflow filename from OIDC claims"),
		},
		{
			name: "sub of another repository", cfg: ghConfig(),
			body: claimsBody(with(good, map[string]any{"sub": "repo:evil/pkg:ref:refs/heads/main"})),
			code: "invalid-publisher", desc: noPublisher("Check failed for required claim 'sub'"),
		},
		{
			name: "repository_owner differs in case", cfg: ghConfig(),
			body: claimsBody(with(good, map[string]any{"repository_owner": "Example-Org"})),
			code: "invalid-publisher", desc: noPublisher("Check failed for required claim 'repository_owner'"),
		},
		{
			name: "job_workflow_ref at another ref", cfg: ghConfig(),
			body: claimsBody(with(good, map[string]any{"job_workflow_ref": ghRepo + "/.github/workflows/release.yml@refs/heads/main"})),
			code: "invalid-publisher",
			desc: noPublisher("The job_workflow_ref claim does not match, expecting one of ['" + ghRepo + "/.github/workflows/release.yml@" + ghSHA +
				"', '" + ghRepo + "/.github/workflows/release.yml@refs/tags/v1.4.0'], got '" + ghRepo + "/.github/workflows/release.yml@refs/heads/main'"),
		},
		{
			name: "empty ref and sha", cfg: ghConfig(),
			body: claimsBody(with(good, map[string]any{"ref": "", "sha": ""})),
			code: "invalid-publisher", desc: noPublisher("The ref and sha claims are empty"),
		},
		{
			name: "pull_request_target", cfg: ghConfig(),
			body: claimsBody(with(good, map[string]any{"event_name": "pull_request_target"})),
			code: "invalid-publisher", desc: noPublisher("Publishing from a workflow invoked via 'pull_request_target' is not supported."),
		},
		{
			name: "environment required but absent", cfg: ghConfig(func(p *fakeindex.Publisher) { p.Environment = "pypi" }),
			body: claimsBody(good),
			code: "invalid-publisher", desc: noPublisher("Publisher with matching claims was not found"),
		},
		{
			name: "environment required, another given", cfg: ghConfig(func(p *fakeindex.Publisher) { p.Environment = "pypi" }),
			body: claimsBody(with(good, map[string]any{"environment": "staging"})),
			code: "invalid-publisher", desc: noPublisher("Publisher with matching claims was not found"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ix, srv, _ := oidcIndex(t, tt.cfg)
			res := mint(t, srv, tt.body(ix))
			want := mintError(tt.code, tt.desc)
			if res.status != http.StatusUnprocessableEntity || res.body != want {
				t.Errorf("mint = %d %s\nwant 422 %s", res.status, res.body, want)
			}
			if ct := res.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			if n := ix.MintAttempts(); n != 1 {
				t.Errorf("MintAttempts() = %d, want 1", n)
			}
		})
	}
}

// claimsBody is a mint body with a token for claims signed by the index.
func claimsBody(claims map[string]any) func(*fakeindex.Index) string {
	return func(ix *fakeindex.Index) string {
		tok, err := ix.SignIDToken(claims)
		if err != nil {
			panic(err)
		}
		return tokenBody(tok)
	}
}

// ghConfig registers ghPublisher for pyupload-mv24, changed by edits.
func ghConfig(edits ...func(*fakeindex.Publisher)) fakeindex.OIDCConfig {
	p := ghPublisher("pyupload-mv24")
	for _, e := range edits {
		e(&p)
	}
	return fakeindex.OIDCConfig{Publishers: []fakeindex.Publisher{p}}
}

var mintedRE = regexp.MustCompile(`^\{"success": true, "token": "(pypi-[A-Za-z0-9]{40,})", "expires": (\d+)\}$`)

// TestMintSuccess checks the success document and the leeway edges that
// still pass.
func TestMintSuccess(t *testing.T) {
	t.Parallel()
	good := ghClaims()
	tests := []struct {
		name    string
		cfg     fakeindex.OIDCConfig
		claims  map[string]any
		path    string
		expires int64
	}{
		{name: "default ttl", cfg: ghConfig(), claims: good, expires: t0.Unix() + 900},
		{name: "legacy alias", cfg: ghConfig(), claims: good, path: "/_/oidc/github/mint-token", expires: t0.Unix() + 900},
		{name: "ttl", cfg: func() fakeindex.OIDCConfig { c := ghConfig(); c.TokenTTL = time.Minute; return c }(), claims: good, expires: t0.Unix() + 60},
		{name: "exp within the leeway", cfg: ghConfig(), claims: with(good, map[string]any{"exp": t0.Unix() - 29}), expires: t0.Unix() + 900},
		{name: "iat at the leeway", cfg: ghConfig(), claims: with(good, map[string]any{"iat": t0.Unix() + 30}), expires: t0.Unix() + 900},
		{name: "nbf at the leeway", cfg: ghConfig(), claims: with(good, map[string]any{"nbf": t0.Unix() + 30}), expires: t0.Unix() + 900},
		{name: "no nbf", cfg: ghConfig(), claims: with(good, map[string]any{"nbf": nil}), expires: t0.Unix() + 900},
		{name: "padded signature", cfg: ghConfig(), claims: good, path: "padded", expires: t0.Unix() + 900},
		{
			name: "publisher given as owner/name", claims: good, expires: t0.Unix() + 900,
			cfg: ghConfig(func(p *fakeindex.Publisher) { p.Repository, p.RepositoryOwner = ghRepo, "" }),
		},
		{
			name: "environment matched case-insensitively", claims: with(good, map[string]any{"environment": "PyPI"}), expires: t0.Unix() + 900,
			cfg: ghConfig(func(p *fakeindex.Publisher) { p.Environment = "pypi" }),
		},
		{
			name: "publisher without environment takes any", claims: with(good, map[string]any{"environment": "staging"}), expires: t0.Unix() + 900,
			cfg: ghConfig(),
		},
		{
			name: "job_workflow_ref at the sha", claims: with(good, map[string]any{"job_workflow_ref": ghRepo + "/.github/workflows/release.yml@" + ghSHA}),
			cfg: ghConfig(), expires: t0.Unix() + 900,
		},
		{
			name: "extra keys in the body are ignored", cfg: ghConfig(), claims: good, path: "extra", expires: t0.Unix() + 900,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ix, srv, _ := oidcIndex(t, tt.cfg)
			tok := sign(t, ix, tt.claims)
			body, path := tokenBody(tok), "/_/oidc/mint-token"
			switch tt.path {
			case "padded": // PyJWT pads before decoding
				sig := tok[strings.LastIndexByte(tok, '.')+1:]
				body = tokenBody(tok + strings.Repeat("=", (4-len(sig)%4)%4))
			case "extra":
				body = `{"token": "` + tok + `", "extra": [1, 2]}`
			case "":
			default:
				path = tt.path
			}
			res := post(t, srv, path, body)
			m := mintedRE.FindStringSubmatch(res.body)
			if res.status != http.StatusOK || m == nil {
				t.Fatalf("mint = %d %s, want 200 and a token", res.status, res.body)
			}
			if m[2] != strconv.FormatInt(tt.expires, 10) {
				t.Errorf("expires = %s, want %d", m[2], tt.expires)
			}
		})
	}
}

// TestMintReplay checks that a JWT id is single-use, even when the first
// mint failed after verification.
func TestMintReplay(t *testing.T) {
	t.Parallel()
	reuse := mintError("invalid-reuse-token", "invalid token: already used")
	t.Run("after a success", func(t *testing.T) {
		t.Parallel()
		ix, srv, _ := oidcIndex(t, ghConfig())
		tok := sign(t, ix, ghClaims())
		mintOK(t, srv, tok)
		if res := mint(t, srv, tokenBody(tok)); res.status != 422 || res.body != reuse {
			t.Errorf("second mint = %d %s, want 422 %s", res.status, res.body, reuse)
		}
	})
	t.Run("after a publisher mismatch", func(t *testing.T) {
		t.Parallel()
		ix, srv, _ := oidcIndex(t, ghConfig())
		tok := sign(t, ix, with(ghClaims(), map[string]any{"event_name": "pull_request_target"}))
		if res := mint(t, srv, tokenBody(tok)); !strings.Contains(res.body, "invalid-publisher") {
			t.Fatalf("first mint = %d %s, want invalid-publisher", res.status, res.body)
		}
		if res := mint(t, srv, tokenBody(tok)); res.body != reuse {
			t.Errorf("second mint = %d %s, want %s", res.status, res.body, reuse)
		}
	})
	t.Run("another token with the same jti", func(t *testing.T) {
		t.Parallel()
		ix, srv, _ := oidcIndex(t, ghConfig())
		mintOK(t, srv, sign(t, ix, ghClaims()))
		other := sign(t, ix, with(ghClaims(), map[string]any{"run_id": "2"}))
		if res := mint(t, srv, tokenBody(other)); res.body != reuse {
			t.Errorf("mint = %d %s, want %s", res.status, res.body, reuse)
		}
	})
	t.Run("a refused signature does not consume the jti", func(t *testing.T) {
		t.Parallel()
		ix, srv, _ := oidcIndex(t, ghConfig())
		forged := signRaw(t, otherKey(), map[string]any{"alg": "RS256", "kid": ix.KeyID()}, ghClaims())
		if res := mint(t, srv, tokenBody(forged)); !strings.Contains(res.body, "invalid-token") {
			t.Fatalf("forged mint = %s, want invalid-token", res.body)
		}
		mintOK(t, srv, sign(t, ix, ghClaims()))
	})
	t.Run("a fresh jti mints again", func(t *testing.T) {
		t.Parallel()
		ix, srv, _ := oidcIndex(t, ghConfig())
		mintOK(t, srv, sign(t, ix, ghClaims()))
		mintOK(t, srv, sign(t, ix, with(ghClaims(), map[string]any{"jti": "another"})))
		if n := ix.MintAttempts(); n != 2 {
			t.Errorf("MintAttempts() = %d, want 2", n)
		}
	})
	t.Run("tokens without jti are reusable", func(t *testing.T) {
		t.Parallel()
		cfg := fakeindex.OIDCConfig{Publishers: []fakeindex.Publisher{{Kind: "google", Email: "ci@p.iam.gserviceaccount.com", Projects: []string{"x"}}}}
		ix, srv, _ := oidcIndex(t, cfg)
		tok := sign(t, ix, googleClaims())
		mintOK(t, srv, tok)
		mintOK(t, srv, tok)
	})
}

func googleClaims() map[string]any {
	return map[string]any{
		"iss": fakeindex.IssuerGoogle, "aud": "pypi", "iat": t0.Unix(), "exp": t0.Unix() + 3600,
		"email": "ci@p.iam.gserviceaccount.com", "email_verified": true, "sub": "112233445566778899001", "azp": "112233445566778899001",
	}
}

func gitlabClaims() map[string]any {
	return map[string]any{
		"iss": fakeindex.IssuerGitLab, "aud": "pypi", "iat": t0.Unix(), "nbf": t0.Unix() - 5, "exp": t0.Unix() + 3600,
		"jti":          "0c6f3a1e-7b2d-4e9a-8f5c-1d2e3f4a5b6c",
		"sub":          "project_path:example-group/example-pkg:ref_type:tag:ref:v1.4.0",
		"project_path": "example-group/example-pkg", "ref_path": "refs/tags/v1.4.0",
		"sha":               "9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b",
		"ci_config_ref_uri": "gitlab.com/example-group/example-pkg//.gitlab-ci.yml@refs/tags/v1.4.0",
		"environment":       "pypi",
	}
}

func circleClaims() map[string]any {
	return map[string]any{
		"iss": fakeindex.IssuerCircleCI, "aud": "pypi", "iat": t0.Unix(), "exp": t0.Unix() + 3600,
		"sub":                          "org/o1/project/p1/user/u1",
		"oidc.circleci.com/org-id":     "o1",
		"oidc.circleci.com/project-id": "p1",
		"oidc.circleci.com/pipeline-definition-id": "d1",
		"oidc.circleci.com/ssh-rerun":              false,
		"oidc.circleci.com/context-ids":            []any{"c1", "c2"},
		"oidc.circleci.com/vcs-ref":                "refs/heads/main",
		"oidc.circleci.com/vcs-origin":             "github.com/o/r",
	}
}

// TestPublisherKinds checks GitLab, Google and CircleCI publishers.
func TestPublisherKinds(t *testing.T) {
	t.Parallel()
	gitlab := fakeindex.Publisher{Kind: "gitlab", ProjectPath: "example-group/example-pkg", CIConfigPath: ".gitlab-ci.yml", Projects: []string{"x"}}
	gitlabEnv := gitlab
	gitlabEnv.Environment = "pypi"
	google := fakeindex.Publisher{Kind: "google", Email: "ci@p.iam.gserviceaccount.com", Projects: []string{"x"}}
	googleSub := google
	googleSub.Sub = "112233445566778899001"
	circle := fakeindex.Publisher{Kind: "circleci", OrgID: "o1", ProjectID: "p1", PipelineDefinitionID: "d1", Projects: []string{"x"}}
	tests := []struct {
		name   string
		pubs   []fakeindex.Publisher
		claims map[string]any
		reason string // "" for success
	}{
		{"gitlab", []fakeindex.Publisher{gitlab}, gitlabClaims(), ""},
		{"gitlab environment", []fakeindex.Publisher{gitlabEnv}, gitlabClaims(), ""},
		{"gitlab project path case-insensitive", []fakeindex.Publisher{gitlab}, with(gitlabClaims(), map[string]any{"project_path": "Example-Group/Example-Pkg"}), ""},
		{"gitlab environment is case-sensitive", []fakeindex.Publisher{gitlabEnv}, with(gitlabClaims(), map[string]any{"environment": "PyPI"}), "Publisher with matching claims was not found"},
		{"gitlab environment required", []fakeindex.Publisher{gitlabEnv}, with(gitlabClaims(), map[string]any{"environment": nil}), "Publisher with matching claims was not found"},
		{"gitlab no ref_path", []fakeindex.Publisher{gitlab}, with(gitlabClaims(), map[string]any{"ref_path": nil}), "Missing claim 'ref_path'"},
		{"gitlab empty sha", []fakeindex.Publisher{gitlab}, with(gitlabClaims(), map[string]any{"sha": ""}), "The ref_path and sha claims are empty"},
		{"gitlab other CI file", []fakeindex.Publisher{gitlab}, with(gitlabClaims(), map[string]any{"ci_config_ref_uri": "gitlab.com/example-group/example-pkg//ci/release.yml@refs/tags/v1.4.0"}), "Publisher with matching claims was not found"},
		{"gitlab no CI file", []fakeindex.Publisher{gitlab}, with(gitlabClaims(), map[string]any{"ci_config_ref_uri": "gitlab.com/example-group/example-pkg@refs/tags/v1.4.0"}), "Could not extract workflow filename from OIDC claims"},
		{
			"gitlab ci_config_ref_uri at another ref", []fakeindex.Publisher{gitlab},
			with(gitlabClaims(), map[string]any{"ci_config_ref_uri": "gitlab.com/example-group/example-pkg//.gitlab-ci.yml@refs/heads/main"}),
			"The ci_config_ref_uri claim does not match, expecting one of ['gitlab.com/example-group/example-pkg//.gitlab-ci.yml@9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b', 'gitlab.com/example-group/example-pkg//.gitlab-ci.yml@refs/tags/v1.4.0'], got 'gitlab.com/example-group/example-pkg//.gitlab-ci.yml@refs/heads/main'",
		},
		{"gitlab sub of another project", []fakeindex.Publisher{gitlab}, with(gitlabClaims(), map[string]any{"sub": "project_path:evil/pkg:ref_type:tag"}), "Check failed for required claim 'sub'"},
		{"gitlab no jti", []fakeindex.Publisher{gitlab}, with(gitlabClaims(), map[string]any{"jti": nil}), "Missing claim 'jti'"},

		{"google", []fakeindex.Publisher{google}, googleClaims(), ""},
		{"google sub", []fakeindex.Publisher{googleSub}, googleClaims(), ""},
		{"google other sub", []fakeindex.Publisher{googleSub}, with(googleClaims(), map[string]any{"sub": "1"}), "Publisher with matching claims was not found"},
		{"google prefers the sub", []fakeindex.Publisher{google, googleSub}, googleClaims(), ""},
		{"google email not verified", []fakeindex.Publisher{google}, with(googleClaims(), map[string]any{"email_verified": false}), "Check failed for required claim 'email_verified'"},
		{"google email_verified as a string", []fakeindex.Publisher{google}, with(googleClaims(), map[string]any{"email_verified": "true"}), "Check failed for required claim 'email_verified'"},
		{"google no email", []fakeindex.Publisher{google}, with(googleClaims(), map[string]any{"email": nil}), "Missing claim 'email'"},
		{"google other email", []fakeindex.Publisher{google}, with(googleClaims(), map[string]any{"email": "x@y"}), "Publisher with matching claims was not found"},

		{"circleci", []fakeindex.Publisher{circle}, circleClaims(), ""},
		{"circleci ssh rerun", []fakeindex.Publisher{circle}, with(circleClaims(), map[string]any{"oidc.circleci.com/ssh-rerun": true}), "Check failed for required claim 'oidc.circleci.com/ssh-rerun'"},
		{"circleci no ssh-rerun", []fakeindex.Publisher{circle}, with(circleClaims(), map[string]any{"oidc.circleci.com/ssh-rerun": nil}), "Missing claim 'oidc.circleci.com/ssh-rerun'"},
		{"circleci other pipeline", []fakeindex.Publisher{circle}, with(circleClaims(), map[string]any{"oidc.circleci.com/pipeline-definition-id": "d2"}), "Publisher with matching claims was not found"},
		{
			"circleci vcs-ref", []fakeindex.Publisher{withEdit(circle, func(p *fakeindex.Publisher) { p.VCSRef = "refs/heads/release" })},
			circleClaims(), "Check failed for optional claim 'oidc.circleci.com/vcs-ref'",
		},
		{"circleci context", []fakeindex.Publisher{withEdit(circle, func(p *fakeindex.Publisher) { p.ContextID = "c2" })}, circleClaims(), ""},
		{"circleci other context", []fakeindex.Publisher{withEdit(circle, func(p *fakeindex.Publisher) { p.ContextID = "c3" })}, circleClaims(), "Publisher with matching claims was not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ix, srv, _ := oidcIndex(t, fakeindex.OIDCConfig{Publishers: tt.pubs})
			res := mint(t, srv, tokenBody(sign(t, ix, tt.claims)))
			if tt.reason == "" {
				if res.status != http.StatusOK {
					t.Errorf("mint = %d %s, want 200", res.status, res.body)
				}
				return
			}
			if want := mintError("invalid-publisher", noPublisher(tt.reason)); res.body != want {
				t.Errorf("mint = %d %s\nwant %s", res.status, res.body, want)
			}
		})
	}
}

func withEdit(p fakeindex.Publisher, edit func(*fakeindex.Publisher)) fakeindex.Publisher {
	edit(&p)
	return p
}

// TestMintedTokenUpload checks what a minted token may do on /legacy/
// (docs/index-server.md §2 rows 8 and 9).
func TestMintedTokenUpload(t *testing.T) {
	t.Parallel()
	f24, _ := distForm(t, mv24)
	f25, _ := distForm(t, mv25)
	const (
		nonUser = "Non-user identities cannot create new projects. This was probably caused by successfully using a pending publisher but specifying the project name incorrectly (either in the publisher or in your project's metadata). Please ensure that both match. See: https://docs.pypi.org/trusted-publishers/troubleshooting/"
		expired = "Invalid API Token: token is expired"
	)
	tests := []struct {
		name     string
		projects []string // created before the upload
		pub      func(*fakeindex.Publisher)
		form     form
		advance  time.Duration
		status   int
		message  string
	}{
		{name: "accepted", projects: []string{"pyupload_mv24"}, form: f24, status: 200, message: "OK"},
		{name: "accepted until the last second", projects: []string{"pyupload-mv24"}, form: f24, advance: 899 * time.Second, status: 200, message: "OK"},
		{name: "expired", projects: []string{"pyupload-mv24"}, form: f24, advance: 900 * time.Second, status: 403, message: expired},
		{
			name: "another project", projects: []string{"pyupload-mv24", "Pyupload.MV25"}, form: f25,
			status: 403, message: "Invalid API Token: OIDC scoped token is not valid for project 'Pyupload.MV25'",
		},
		{
			name: "another project, expired: the first caveat wins", projects: []string{"pyupload-mv24", "pyupload-mv25"}, form: f25,
			advance: time.Hour, status: 403, message: "Invalid API Token: OIDC scoped token is not valid for project 'pyupload-mv25'",
		},
		{name: "cannot create its project", form: f24, status: 400, message: nonUser},
		{name: "cannot create another project", projects: []string{"pyupload-mv24"}, form: f25, status: 400, message: nonUser},
		{
			name: "any project", projects: []string{"pyupload-mv25"}, form: f25, status: 200, message: "OK",
			pub: func(p *fakeindex.Publisher) { p.Projects, p.AnyProject = nil, true },
		},
		{
			name: "any project still cannot create one", form: f25, status: 400, message: nonUser,
			pub: func(p *fakeindex.Publisher) { p.Projects, p.AnyProject = nil, true },
		},
		{
			name: "metadata errors come first", projects: []string{"pyupload-mv24"}, form: f24.set("protocol_version", "2"), advance: time.Hour,
			status: 400, message: "Unknown protocol version.",
		},
		{
			name: "attestations are verified", projects: []string{"pyupload-mv24"}, form: f24.set("attestations", "[]"),
			status: 400, message: "Invalid attestations supplied during upload: Malformed attestations: an empty attestation set is not permitted",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := ghConfig()
			if tt.pub != nil {
				tt.pub(&cfg.Publishers[0])
			}
			ix, srv, clock := oidcIndex(t, cfg)
			for _, p := range tt.projects {
				if err := ix.CreateProject(p); err != nil {
					t.Fatal(err)
				}
			}
			tok := mintOK(t, srv, sign(t, ix, ghClaims()))
			clock.Advance(tt.advance)
			res := upload(t, srv, tt.form, withHeader("Authorization", basicAuth("__token__", tok)))
			if res.status != tt.status || res.message(t) != tt.message {
				t.Errorf("upload = %d %q, want %d %q", res.status, res.message(t), tt.status, tt.message)
			}
			if n := len(ix.Files()); (n == 1) != (tt.status == 200) {
				t.Errorf("%d files stored after a %d", n, res.status)
			}
		})
	}
	t.Run("API tokens still work, minted ones only where minted", func(t *testing.T) {
		t.Parallel()
		_, srv, _ := oidcIndex(t, ghConfig())
		if res := upload(t, srv, f24); res.status != 200 {
			t.Errorf("upload with the API token = %d %s", res.status, res.body)
		}
		res := upload(t, srv, f25, withHeader("Authorization", basicAuth("__token__", "pypi-not-minted")))
		if res.status != 403 || !strings.HasPrefix(res.message(t), "Invalid or non-existent authentication information.") {
			t.Errorf("upload with an unknown token = %d %s", res.status, res.body)
		}
	})
}

// TestPendingPublisher checks that a pending publisher creates its
// project at the first mint and becomes an ordinary one.
func TestPendingPublisher(t *testing.T) {
	t.Parallel()
	f24, _ := distForm(t, mv24)
	pending := ghPublisher("PyUpload_MV24")
	pending.Pending = true

	t.Run("creates the project", func(t *testing.T) {
		t.Parallel()
		ix, srv, _ := oidcIndex(t, fakeindex.OIDCConfig{Publishers: []fakeindex.Publisher{pending}})
		if res := get(t, srv, "/simple/pyupload-mv24/"); res.status != 404 {
			t.Fatalf("the project exists before the mint: %d", res.status)
		}
		tok := mintOK(t, srv, sign(t, ix, ghClaims()))
		if res := get(t, srv, "/simple/pyupload-mv24/"); res.status != 200 {
			t.Errorf("GET /simple/pyupload-mv24/ after the mint = %d, want 200", res.status)
		}
		want := ghPublisher("PyUpload_MV24")
		if diff := cmp.Diff([]fakeindex.Publisher{want}, ix.Publishers()); diff != "" {
			t.Errorf("Publishers() after the mint (-want +got):\n%s", diff)
		}
		if res := upload(t, srv, f24, withHeader("Authorization", basicAuth("__token__", tok))); res.status != 200 {
			t.Errorf("upload = %d %s", res.status, res.message(t))
		}
		// Now an ordinary publisher: a second token mints too.
		mintOK(t, srv, sign(t, ix, with(ghClaims(), map[string]any{"jti": "second"})))
	})
	t.Run("project already exists", func(t *testing.T) {
		t.Parallel()
		ix, srv, _ := oidcIndex(t, fakeindex.OIDCConfig{Publishers: []fakeindex.Publisher{pending}})
		if err := ix.CreateProject("pyupload-mv24"); err != nil {
			t.Fatal(err)
		}
		res := mint(t, srv, tokenBody(sign(t, ix, ghClaims())))
		if want := mintError("invalid-pending-publisher", "valid token, but project already exists"); res.body != want {
			t.Errorf("mint = %d %s, want %s", res.status, res.body, want)
		}
		if got := ix.Publishers(); len(got) != 0 {
			t.Errorf("Publishers() = %v, want the pending one deleted", got)
		}
	})
	t.Run("an ordinary publisher with the same configuration gains the project", func(t *testing.T) {
		t.Parallel()
		ix, srv, _ := oidcIndex(t, fakeindex.OIDCConfig{Publishers: []fakeindex.Publisher{ghPublisher("other"), pending}})
		mintOK(t, srv, sign(t, ix, ghClaims()))
		if diff := cmp.Diff([]fakeindex.Publisher{ghPublisher("other", "PyUpload_MV24")}, ix.Publishers()); diff != "" {
			t.Errorf("Publishers() (-want +got):\n%s", diff)
		}
	})
	t.Run("a pending mismatch falls through to the ordinary publishers", func(t *testing.T) {
		t.Parallel()
		p := pending
		p.Environment = "pypi"
		ix, srv, _ := oidcIndex(t, fakeindex.OIDCConfig{Publishers: []fakeindex.Publisher{p}})
		res := mint(t, srv, tokenBody(sign(t, ix, ghClaims())))
		if want := mintError("invalid-publisher", noPublisher("Publisher with matching claims was not found")); res.body != want {
			t.Errorf("mint = %s, want %s", res.body, want)
		}
	})
}

func TestFailMints(t *testing.T) {
	t.Parallel()
	ix, srv, _ := oidcIndex(t, ghConfig())
	ix.FailMints(1, http.StatusServiceUnavailable)
	tok := sign(t, ix, ghClaims())
	if res := mint(t, srv, tokenBody(tok)); res.status != http.StatusServiceUnavailable {
		t.Fatalf("first mint = %d, want 503", res.status)
	}
	mintOK(t, srv, tok) // the injected failure did not consume the jti
	if n := ix.MintAttempts(); n != 2 {
		t.Errorf("MintAttempts() = %d, want 2", n)
	}
}

func TestCreateProject(t *testing.T) {
	t.Parallel()
	ix, srv := newIndex(t)
	if err := ix.CreateProject("Sample.Pkg"); err != nil {
		t.Fatalf("CreateProject() = %v", err)
	}
	if err := ix.CreateProject("sample-pkg"); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("CreateProject(again) = %v, want ErrProjectExists", err)
	}
	if err := ix.CreateProject("-bad-"); err == nil {
		t.Error("CreateProject(-bad-) = nil, want an error")
	}
	if res := get(t, srv, "/pypi/sample-pkg/json"); res.status != 404 {
		t.Errorf("JSON API for an empty project = %d, want 404 as on PyPI", res.status)
	}
	if res := get(t, srv, "/simple/sample-pkg/"); res.status != 200 {
		t.Errorf("simple page for an empty project = %d, want 200", res.status)
	}
}

func TestJWKS(t *testing.T) {
	t.Parallel()
	ix, srv, _ := oidcIndex(t, fakeindex.OIDCConfig{})
	res := get(t, srv, "/_fake/jwks")
	if res.status != 200 || res.header.Get("Content-Type") != "application/json" || res.body != string(ix.JWKS()) {
		t.Fatalf("GET /_fake/jwks = %d %s %q", res.status, res.header.Get("Content-Type"), res.body)
	}
	var doc struct {
		Keys []map[string]string
	}
	if err := json.Unmarshal([]byte(res.body), &doc); err != nil || len(doc.Keys) != 1 {
		t.Fatalf("JWKS = %s (%v), want one key", res.body, err)
	}
	k := doc.Keys[0]
	pub := testKey().PublicKey
	want := map[string]string{
		"kty": "RSA", "use": "sig", "alg": "RS256", "kid": ix.KeyID(),
		"n": base64.RawURLEncoding.EncodeToString(pub.N.Bytes()), "e": "AQAB",
	}
	if diff := cmp.Diff(want, k); diff != "" {
		t.Errorf("JWKS key (-want +got):\n%s", diff)
	}
	// The key id is the RFC 7638 thumbprint.
	sum := sha256.Sum256([]byte(`{"e":"AQAB","kty":"RSA","n":"` + want["n"] + `"}`))
	if kid := base64.RawURLEncoding.EncodeToString(sum[:]); kid != ix.KeyID() {
		t.Errorf("KeyID() = %s, want the thumbprint %s", ix.KeyID(), kid)
	}
	// The signed header.
	parts := strings.Split(sign(t, ix, map[string]any{"a": 1}), ".")
	h, _ := base64.RawURLEncoding.DecodeString(parts[0])
	if want := `{"alg":"RS256","kid":"` + ix.KeyID() + `","typ":"JWT"}`; string(h) != want {
		t.Errorf("header = %s, want %s", h, want)
	}
	// Each index without WithSigningKey has its own key.
	a, b := fakeindex.New(), fakeindex.New()
	defer func() { _, _ = a.Close(), b.Close() }()
	if a.KeyID() == b.KeyID() {
		t.Error("two indexes share a generated key")
	}
}

// TestReasonHeader checks the fake's debugging aid: why a mint failed,
// where PyPI does not say.
func TestReasonHeader(t *testing.T) {
	t.Parallel()
	ix, srv, _ := oidcIndex(t, ghConfig())
	tests := []struct {
		name, body, want string
	}{
		{"expired", claimsBody(with(ghClaims(), map[string]any{"exp": t0.Unix() - 60}))(ix), "invalid token: the token has expired"},
		{"audience", claimsBody(with(ghClaims(), map[string]any{"aud": "testpypi", "jti": "2"}))(ix), `invalid token: audience "testpypi" is not "pypi"`},
		{"kid", tokenBody(signRaw(t, testKey(), map[string]any{"alg": "RS256", "kid": "k\n1é"}, ghClaims())), `invalid token: key id k\n1\u00e9 is not in the issuer's key set`},
		{"segments", tokenBody("a.b"), "malformed JWT: 2 segments"},
		{"issuer", claimsBody(with(ghClaims(), map[string]any{"iss": "https://example.com"}))(ix), "issuer https://example.com is none of the known issuers"},
		{"publisher: the body says it", claimsBody(with(ghClaims(), map[string]any{"repository_owner_id": "1", "jti": "3"}))(ix), ""},
	}
	for _, tt := range tests {
		res := mint(t, srv, tt.body)
		if got := res.header.Get(fakeindex.ReasonHeader); got != tt.want {
			t.Errorf("%s: %s = %q, want %q", tt.name, fakeindex.ReasonHeader, got, tt.want)
		}
	}
}

// TestNoCIEndpoints: the index issues no identity tokens of its own; the
// CI-provider fakes live in internal/fakeci and are served beside it.
func TestNoCIEndpoints(t *testing.T) {
	t.Parallel()
	_, srv, _ := oidcIndex(t, ghConfig())
	for _, path := range []string{
		"/_fake/github-actions/token?api-version=2.0&audience=pypi",
		"/computeMetadata/v1/instance/service-accounts/default/identity?audience=pypi",
	} {
		if res := get(t, srv, path, withHeader("Authorization", "bearer x")); res.status != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, res.status)
		}
	}
}
