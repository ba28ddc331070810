package fakeindex

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math/big"
	"net/http"
	"strings"
	"sync"
)

// ghaTokenPath is the fake GitHub Actions token endpoint.
const ghaTokenPath = "/_fake/github-actions/token" // #nosec G101 -- a URL path, not a credential

// ghaConfig is the fake GitHub Actions OIDC endpoint.
type ghaConfig struct {
	requestToken string
	claims       map[string]any
}

// WithGitHubActions serves a fake of GitHub Actions' OIDC token endpoint
// at GET [Index.GitHubActionsRequestPath], the URL a runner hands out in
// ACTIONS_ID_TOKEN_REQUEST_URL. That URL already carries a query string
// ("?api-version=2.0"), so a client must merge its audience parameter into
// it; the endpoint answers 400 when api-version is not exactly "2.0", which
// catches clients that append a second "?".
//
// The request needs "Authorization: bearer <requestToken>" (the scheme in
// any case): without it the answer is 401, with another token 403. The
// answer is {"value": "<JWT>"}, a token signed by the index
// ([Index.SignIDToken]) carrying claims plus, replacing any given, iss
// https://token.actions.githubusercontent.com, aud the requested audience
// (https://github.com/<repository_owner> when none is asked for, as
// GitHub does), iat now, nbf iat-300, exp iat+300 (as GitHub's tokens
// have) and a fresh jti for every call, using the index's clock.
// Combine it with [WithOIDC] and a GitHub [Publisher] to run the whole
// exchange. The default is no such endpoint.
func WithGitHubActions(requestToken string, claims map[string]any) Option {
	return func(ix *Index) {
		ix.gha = &ghaConfig{requestToken: requestToken, claims: maps.Clone(claims)}
	}
}

// GitHubActionsRequestPath returns the path and query of the fake GitHub
// Actions token endpoint, "/_fake/github-actions/token?api-version=2.0":
// prefix it with the server's URL to get ACTIONS_ID_TOKEN_REQUEST_URL.
func (ix *Index) GitHubActionsRequestPath() string {
	return ghaTokenPath + "?api-version=2.0"
}

func (ix *Index) handleGitHubToken(w http.ResponseWriter, r *http.Request) {
	scheme, cred, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	switch {
	case !strings.EqualFold(scheme, "bearer") || cred == "":
		writeCIError(w, http.StatusUnauthorized, "missing bearer token")
		return
	case subtle.ConstantTimeCompare([]byte(cred), []byte(ix.gha.requestToken)) != 1:
		writeCIError(w, http.StatusForbidden, "invalid bearer token")
		return
	}
	q := r.URL.Query()
	if v := q["api-version"]; len(v) != 1 || v[0] != "2.0" {
		writeCIError(w, http.StatusBadRequest, fmt.Sprintf("unsupported api-version %q", strings.Join(v, ",")))
		return
	}
	aud := q.Get("audience")
	if aud == "" {
		owner, _ := ix.gha.claims["repository_owner"].(string)
		aud = "https://github.com/" + owner
	}
	claims := maps.Clone(ix.gha.claims)
	if claims == nil {
		claims = map[string]any{}
	}
	iat := ix.now().Unix()
	maps.Copy(claims, map[string]any{
		"iss": IssuerGitHub, "aud": aud, "iat": iat, "nbf": iat - 300, "exp": iat + 300, "jti": newJTI(),
	})
	tok, err := ix.SignIDToken(claims)
	if err != nil {
		writeCIError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"value": tok})
}

// writeCIError answers a fake CI endpoint's failure.
func writeCIError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"message": msg})
}

// newJTI returns a random UUID-shaped JWT id, as GitHub and GitLab use.
func newJTI() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// gcpMetadata is the fake Google metadata server and IAM credentials API.
type gcpMetadata struct {
	ix         *Index
	email, sub string

	mu     sync.Mutex
	access map[string]bool // access tokens handed out
}

// NewGCPMetadata returns an [http.Handler] imitating what Google Cloud
// offers a workload, with identity tokens signed by ix ([Index.SignIDToken])
// for the service account email whose unique id is sub. Every metadata
// request needs the header "Metadata-Flavor: Google" (403 otherwise):
//
//   - GET /computeMetadata/v1/instance/service-accounts/default/identity?audience=<aud>&format=full
//     answers the raw JWT (text/plain): iss https://accounts.google.com,
//     aud, azp and sub the service account's id, email, email_verified
//     true, iat now, exp an hour later, and no jti (Google's tokens have
//     none, so they are not single-use on PyPI either). A missing
//     audience is 400.
//   - GET /computeMetadata/v1/instance/service-accounts/default/token
//     answers {"access_token": "...", "expires_in": 3599, "token_type":
//     "Bearer"}.
//   - POST /v1/projects/-/serviceAccounts/<NAME>:generateIdToken, the IAM
//     credentials API on iamcredentials.googleapis.com (served here on
//     the same handler), needs "Authorization: Bearer <access token>"
//     from the endpoint above (401 otherwise) and a JSON body
//     {"audience": ..., "includeEmail": ...}; it answers {"token": "<JWT>"}
//     for service account NAME: email NAME (only with includeEmail true),
//     and sub the given sub when NAME is email, else a number derived from
//     NAME.
//
// The clock is ix's.
func NewGCPMetadata(ix *Index, email, sub string) http.Handler {
	g := &gcpMetadata{ix: ix, email: email, sub: sub, access: map[string]bool{}}
	mux := http.NewServeMux()
	const sa = "/computeMetadata/v1/instance/service-accounts/default/"
	mux.HandleFunc("GET "+sa+"identity", g.metadata(g.identity))
	mux.HandleFunc("GET "+sa+"token", g.metadata(g.accessToken))
	mux.HandleFunc("POST /v1/projects/-/serviceAccounts/{name}", g.generateIDToken)
	return mux
}

// metadata requires the Metadata-Flavor header, as the metadata server
// does.
func (g *gcpMetadata) metadata(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Metadata-Flavor") != "Google" {
			w.Header().Set("Content-Type", "text/html; charset=UTF-8")
			w.WriteHeader(http.StatusForbidden)
			_, _ = io.WriteString(w, "Missing Metadata-Flavor:Google header.\n")
			return
		}
		w.Header().Set("Metadata-Flavor", "Google")
		h(w, r)
	}
}

func (g *gcpMetadata) identity(w http.ResponseWriter, r *http.Request) {
	aud := r.URL.Query().Get("audience")
	if aud == "" {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, "non-empty audience parameter required\n")
		return
	}
	tok, err := g.sign(g.email, g.sub, aud, true)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, tok)
}

func (g *gcpMetadata) accessToken(w http.ResponseWriter, _ *http.Request) {
	tok := "ya29.fake-" + rand.Text()
	g.mu.Lock()
	g.access[tok] = true
	g.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "expires_in": 3599, "token_type": "Bearer"})
}

func (g *gcpMetadata) generateIDToken(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutSuffix(r.PathValue("name"), ":generateIdToken")
	if !ok || name == "" {
		writeGoogleError(w, http.StatusNotFound, "NOT_FOUND", "unknown method")
		return
	}
	scheme, cred, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	g.mu.Lock()
	known := strings.EqualFold(scheme, "bearer") && g.access[cred]
	g.mu.Unlock()
	if !known {
		writeGoogleError(w, http.StatusUnauthorized, "UNAUTHENTICATED", "Request had invalid authentication credentials.")
		return
	}
	var req struct {
		Audience     string `json:"audience"`
		IncludeEmail bool   `json:"includeEmail"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req); err != nil || req.Audience == "" {
		writeGoogleError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "audience is required")
		return
	}
	sub := g.sub
	if name != g.email {
		sub = numericID(name)
	}
	tok, err := g.sign(name, sub, req.Audience, req.IncludeEmail)
	if err != nil {
		writeGoogleError(w, http.StatusInternalServerError, "INTERNAL", err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"token": tok})
}

func writeGoogleError(w http.ResponseWriter, status int, reason, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"code": status, "message": msg, "status": reason}})
}

// sign makes a Google identity token.
func (g *gcpMetadata) sign(email, sub, aud string, withEmail bool) (string, error) {
	iat := g.ix.now().Unix()
	claims := map[string]any{
		"iss": IssuerGoogle, "aud": aud, "azp": sub, "sub": sub,
		"iat": iat, "exp": iat + 3600,
	}
	if withEmail {
		claims["email"] = email
		claims["email_verified"] = true
	}
	return g.ix.SignIDToken(claims)
}

// numericID derives a stable 21-digit unique id from a service account
// name, shaped like Google's.
func numericID(name string) string {
	sum := sha256.Sum256([]byte(name))
	n := new(big.Int).SetBytes(sum[:9])
	return fmt.Sprintf("1%020s", n.String())[:21]
}
