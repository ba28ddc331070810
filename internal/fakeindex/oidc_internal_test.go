package fakeindex

import (
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"
)

var internalKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// TestVerifyReasons checks why verification refuses tokens: the mint
// endpoint says only "malformed or invalid token" for all of these.
func TestVerifyReasons(t *testing.T) {
	t.Parallel()
	s := newSigner(internalKey())
	now := time.Unix(1767225600, 0)
	base := map[string]any{"iss": IssuerGitHub, "aud": "pypi", "iat": now.Unix(), "exp": now.Unix() + 300}
	rs256 := map[string]any{"alg": "RS256", "kid": s.kid}
	tests := []struct {
		name           string
		header, claims map[string]any
		want           string // "" for a valid token
	}{
		{"valid", rs256, base, ""},
		{"wrong kid", map[string]any{"alg": "RS256", "kid": "x"}, base, "key id x is not in the issuer's key set"},
		{"numeric kid", map[string]any{"alg": "RS256", "kid": 1}, base, "key id 1 is not in the issuer's key set"},
		{"no kid", map[string]any{"alg": "RS256"}, base, "key id <nil> is not in the issuer's key set"},
		{"RS384", map[string]any{"alg": "RS384", "kid": s.kid}, base, "algorithm RS384 is not allowed"},
		{"no alg", map[string]any{"kid": s.kid}, base, "algorithm <nil> is not allowed"},
		{"missing aud", rs256, edit(base, "aud", nil), `missing required claim "aud"`},
		{"null exp", rs256, edit(base, "exp", nil), `missing required claim "exp"`},
		{"iat string", rs256, edit(base, "iat", "1767225600"), "iat is not a number"},
		{"iat in the future", rs256, edit(base, "iat", now.Unix()+31), "the token is not yet valid (iat)"},
		{"iat at the leeway", rs256, edit(base, "iat", now.Unix()+30), ""},
		{"nbf in the future", rs256, edit(base, "nbf", now.Unix()+31), "the token is not yet valid (nbf)"},
		{"nbf not a number", rs256, edit(base, "nbf", "soon"), "nbf is not a number"},
		{"expired", rs256, edit(base, "exp", now.Unix()-30), "the token has expired"},
		{"expired within the leeway", rs256, edit(base, "exp", now.Unix()-29), ""},
		{"other issuer", rs256, edit(base, "iss", IssuerGitLab), `issuer https://gitlab.com is not "https://token.actions.githubusercontent.com"`},
		{"array aud", rs256, edit(base, "aud", []string{"pypi"}), "aud is not a single string (strict audience)"},
		{"other aud", rs256, edit(base, "aud", "testpypi"), `audience "testpypi" is not "pypi"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			raw, err := s.sign(tt.header, tt.claims)
			if err != nil {
				t.Fatal(err)
			}
			tok, err := decodeJWT(raw)
			if err != nil {
				t.Fatalf("decodeJWT() = %v", err)
			}
			err = tok.verify(s, IssuerGitHub, "pypi", now)
			got := ""
			if te, ok := errors.AsType[*tokenError](err); ok {
				got = te.reason
			} else if err != nil {
				t.Fatalf("verify() = %v, want a *tokenError", err)
			}
			if got != tt.want {
				t.Errorf("verify() = %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("bad signature", func(t *testing.T) {
		t.Parallel()
		raw, _ := s.sign(rs256, base)
		tok, _ := decodeJWT(raw[:len(raw)-4] + "AAAA")
		if err := tok.verify(s, IssuerGitHub, "pypi", now); err == nil || !strings.Contains(err.Error(), "bad signature") {
			t.Errorf("verify() = %v, want bad signature", err)
		}
	})
}

func edit(m map[string]any, k string, v any) map[string]any {
	out := maps.Clone(m)
	if v == nil {
		delete(out, k)
	} else {
		out[k] = v
	}
	return out
}

func TestDecodeJWT(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", "malformed JWT: 1 segments"},
		{"a.b", "malformed JWT: 2 segments"},
		{"a.b.c.d", "malformed JWT: 4 segments"},
		{"!!.e30.", "malformed JWT: segment 1: illegal base64 data at input byte 0"},
		{"e30.W10.", "malformed JWT: the payload is not a JSON object"},
		{"W10.e30.", "malformed JWT: the header is not a JSON object"},
		{"bnVsbA.e30.", "malformed JWT: the header is not a JSON object"}, // null
		{"e30.e30.", ""},
		{"e30=.e30=.", ""}, // padding is accepted
	}
	for _, tt := range tests {
		_, err := decodeJWT(tt.in)
		got := ""
		if err != nil {
			got = err.Error()
			if !errors.Is(err, errMalformedJWT) {
				t.Errorf("decodeJWT(%q) = %v, not errMalformedJWT", tt.in, err)
			}
		}
		if got != tt.want {
			t.Errorf("decodeJWT(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestOptionalEnvironment checks the optional environment check on its
// own: after the lookup, which already prefers a publisher for the
// token's environment, it cannot fail for GitHub or GitLab, so it is
// reached here with a lookup that returns a fixed publisher.
func TestOptionalEnvironment(t *testing.T) {
	t.Parallel()
	pub := &Publisher{Kind: KindGitHub, Repository: "r", RepositoryOwner: "o", RepositoryOwnerID: "1", WorkflowFilename: "w.yml", Environment: "pypi"}
	claims := map[string]any{
		"sub": "repo:o/r:ref:refs/heads/main", "repository": "o/r", "repository_owner": "o", "repository_owner_id": "1",
		"job_workflow_ref": "o/r/.github/workflows/w.yml@refs/heads/main", "jti": "j", "event_name": "push",
		"ref": "refs/heads/main", "sha": "abc",
	}
	for _, tc := range []struct {
		kind *publisherKind
		env  any
		want string
	}{
		{githubKind(), nil, "Check failed for optional claim 'environment'"},
		{githubKind(), "", "Check failed for optional claim 'environment'"},
		{githubKind(), "staging", "Check failed for optional claim 'environment'"},
		{githubKind(), "PYPI", ""},
	} {
		k := *tc.kind
		k.lookup = func([]*Publisher, map[string]any) (*Publisher, error) { return pub, nil }
		c := maps.Clone(claims)
		if tc.env != nil {
			c["environment"] = tc.env
		}
		_, err := findPublisher(&k, nil, c)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("environment %v: findPublisher() = %q, want %q", tc.env, got, tc.want)
		}
	}
}

func TestWorkflowFileRegexps(t *testing.T) {
	t.Parallel()
	gh := []struct{ in, want string }{
		{"o/r/.github/workflows/release.yml@refs/tags/v1", "release.yml"},
		{"o/r/.github/workflows/release.yaml@refs/heads/main", "release.yaml"},
		{"o/r/.github/workflows/a@b.yml@refs/heads/x", "a@b.yml"},
		{"o/r/.github/workflows/release.yml@refs/heads/x.yml@y", "release.yml"},
		{"o/r/.github/workflows/release@refs/heads/main", ""},
	}
	for _, tt := range gh {
		got := ""
		if m := githubWorkflowRE.FindStringSubmatch(tt.in); m != nil {
			got = m[1]
		}
		if got != tt.want {
			t.Errorf("GitHub workflow of %q = %q, want %q", tt.in, got, tt.want)
		}
	}
	gl := []struct{ in, want string }{
		{"gitlab.com/g/p//.gitlab-ci.yml@refs/tags/v1", ".gitlab-ci.yml"},
		{"gitlab.com/g/sub/p//ci/release.yaml@refs/heads/main", "ci/release.yaml"},
		{"gitlab.com/g/p//ci/.yml@refs/heads/main", ""},
		{"gitlab.com/g/p/.gitlab-ci.yml@refs/heads/main", ""},
	}
	for _, tt := range gl {
		got := ""
		if m := gitlabWorkflowRE.FindStringSubmatch(tt.in); m != nil {
			got = m[1]
		}
		if got != tt.want {
			t.Errorf("GitLab CI file of %q = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPyReprJSON(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, repr, typ string }{
		{`{"b": 1, "a": [true, false, null]}`, `{'b': 1, 'a': [True, False, None]}`, "dict"},
		{`"it's"`, `"it's"`, "str"},
		{`1.5`, `1.5`, "float"},
		{`2.0`, `2.0`, "float"},
		{`1e3`, `1000.0`, "float"},
		{`1e16`, `1e+16`, "float"},
		{`0.00001`, `1e-05`, "float"},
		{`-7`, `-7`, "int"},
		{`[]`, `[]`, "list"},
	}
	for _, tt := range tests {
		if repr, typ := pyReprJSON([]byte(tt.in)); repr != tt.repr || typ != tt.typ {
			t.Errorf("pyReprJSON(%s) = %s, %s; want %s, %s", tt.in, repr, typ, tt.repr, tt.typ)
		}
	}
	if got := pyBytesRepr([]byte("a'b\x00\xff\n")); got != `b"a'b\x00\xff\n"` {
		t.Errorf("pyBytesRepr = %s", got)
	}
}

func TestCheckJSON(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{`{"token": "x"}`, ""},
		{``, "EOF while parsing a value at line 1 column 0"},
		{`{"token": `, "EOF while parsing a value at line 1 column 10"},
		{`{} x`, "trailing characters at line 1 column 4"},
		{"{\n} \n x", "trailing characters at line 3 column 2"},
	}
	for _, tt := range tests {
		got := ""
		if err := checkJSON([]byte(tt.in)); err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("checkJSON(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
