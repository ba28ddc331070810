package fakeci

import (
	"crypto/rand"
	"crypto/subtle"
	"fmt"
	"maps"
	"net/http"
	"strings"
)

// GitHubIssuer is the iss claim of GitHub Actions' identity tokens.
const GitHubIssuer = "https://token.actions.githubusercontent.com"

// GitHubTokenPath is the path [GitHubActions] answers on; mount the
// handler there when it shares a server with other handlers.
const GitHubTokenPath = "/_fake/github-actions/token" // #nosec G101 -- a URL path, not a credential

// GitHubRequestPath is the path and query a runner's
// ACTIONS_ID_TOKEN_REQUEST_URL ends with: prefix it with the server's
// URL. Like GitHub's, it already carries a query string.
const GitHubRequestPath = GitHubTokenPath + "?api-version=2.0"

// GitHubActions is a fake of GitHub Actions' OIDC token endpoint, the URL
// a runner hands out in ACTIONS_ID_TOKEN_REQUEST_URL. It serves GET
// [GitHubTokenPath] only. Create it with [NewGitHubActions].
type GitHubActions struct {
	hostility // SetHostile and the rest (hostile.go)

	signer       Signer
	requestToken string
	claims       map[string]any
	mux          *http.ServeMux
}

// NewGitHubActions returns the endpoint of a job whose
// ACTIONS_ID_TOKEN_REQUEST_TOKEN is requestToken and whose tokens carry
// claims (copied), signed by s.
//
// A request needs "Authorization: bearer <requestToken>" (the scheme in
// any case): without it the answer is 401, with another token 403. Since
// the URL already has a query string, a client must merge its audience
// parameter into it; the endpoint answers 400 when api-version is not
// exactly "2.0", which catches clients that append a second "?".
//
// The answer is {"value": "<JWT>"} carrying claims plus, replacing any
// given: iss [GitHubIssuer], aud the requested audience
// (https://github.com/<repository_owner> when none is asked for, as GitHub
// does), iat now by s's clock, nbf iat-300, exp iat+300 (as GitHub's
// tokens have) and a fresh jti for every call.
func NewGitHubActions(s Signer, requestToken string, claims map[string]any) *GitHubActions {
	g := &GitHubActions{signer: s, requestToken: requestToken, claims: maps.Clone(claims), mux: http.NewServeMux()}
	g.mux.HandleFunc("GET "+GitHubTokenPath, g.token)
	return g
}

// ServeHTTP implements [http.Handler].
func (g *GitHubActions) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if g.front(w, r, "application/json; charset=utf-8", `{"count":1,"value":"eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.`) {
		return
	}
	g.mux.ServeHTTP(w, r)
}

func (g *GitHubActions) token(w http.ResponseWriter, r *http.Request) {
	scheme, cred, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	switch {
	case !strings.EqualFold(scheme, "bearer") || cred == "":
		writeMessage(w, http.StatusUnauthorized, "missing bearer token")
		return
	case subtle.ConstantTimeCompare([]byte(cred), []byte(g.requestToken)) != 1:
		writeMessage(w, http.StatusForbidden, "invalid bearer token")
		return
	}
	q := r.URL.Query()
	if v := q["api-version"]; len(v) != 1 || v[0] != "2.0" {
		writeMessage(w, http.StatusBadRequest, fmt.Sprintf("unsupported api-version %q", strings.Join(v, ",")))
		return
	}
	aud := q.Get("audience")
	if aud == "" {
		owner, _ := g.claims["repository_owner"].(string)
		aud = "https://github.com/" + owner
	}
	claims := maps.Clone(g.claims)
	if claims == nil {
		claims = map[string]any{}
	}
	iat := g.signer.Now().Unix()
	maps.Copy(claims, map[string]any{
		"iss": GitHubIssuer, "aud": aud, "iat": iat, "nbf": iat - 300, "exp": iat + 300, "jti": newJTI(),
	})
	tok, err := g.signer.SignIDToken(claims)
	if err != nil {
		writeMessage(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"value": g.hostileToken(tok)})
}

// writeMessage answers a failure as GitHub's endpoint does.
func writeMessage(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"message": msg})
}

// newJTI returns a random UUID-shaped JWT id, as GitHub uses.
func newJTI() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
