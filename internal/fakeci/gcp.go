package fakeci

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"strings"
	"sync"
)

// GoogleIssuer is the iss claim of Google's identity tokens.
const GoogleIssuer = "https://accounts.google.com"

// GCPMetadata is the fake Google metadata server and IAM credentials API.
// Create it with [NewGCPMetadata].
type GCPMetadata struct {
	hostility // SetHostile and the rest (hostile.go)

	signer     Signer
	email, sub string

	mux    *http.ServeMux
	mu     sync.Mutex
	access map[string]bool // access tokens handed out
}

// NewGCPMetadata returns a handler imitating what Google Cloud
// offers a workload, with identity tokens signed by s for the service
// account email whose unique id is sub. Every metadata request needs the
// header "Metadata-Flavor: Google" (403 otherwise):
//
//   - GET /computeMetadata/v1/instance/service-accounts/default/identity?audience=<aud>&format=full
//     answers the raw JWT (text/plain): iss [GoogleIssuer], aud, azp and
//     sub the service account's id, email, email_verified true, iat now by
//     s's clock, exp an hour later, and no jti (Google's tokens have none,
//     so they are not single-use on PyPI either). A missing audience is
//     400.
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
func NewGCPMetadata(s Signer, email, sub string) *GCPMetadata {
	g := &GCPMetadata{signer: s, email: email, sub: sub, access: map[string]bool{}}
	mux := http.NewServeMux()
	const sa = "/computeMetadata/v1/instance/service-accounts/default/"
	mux.HandleFunc("GET "+sa+"identity", g.metadata(g.identity))
	mux.HandleFunc("GET "+sa+"token", g.metadata(g.accessToken))
	mux.HandleFunc("POST /v1/projects/-/serviceAccounts/{name}", g.generateIDToken)
	g.mux = mux
	return g
}

// ServeHTTP implements [http.Handler]. The hostile switches apply to
// every endpoint; a drip sends the start of a JWT as text/plain, as the
// metadata server's identity endpoint does.
func (g *GCPMetadata) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if g.front(w, r, "text/plain; charset=utf-8", "eyJhbGciOiJSUzI1NiIsImtpZCI6ImZha2UiLCJ0eXAiOiJKV1QifQ.") {
		return
	}
	g.mux.ServeHTTP(w, r)
}

// metadata requires the Metadata-Flavor header, as the metadata server
// does.
func (g *GCPMetadata) metadata(h http.HandlerFunc) http.HandlerFunc {
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

func (g *GCPMetadata) identity(w http.ResponseWriter, r *http.Request) {
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
	_, _ = io.WriteString(w, g.hostileToken(tok))
}

func (g *GCPMetadata) accessToken(w http.ResponseWriter, _ *http.Request) {
	tok := "ya29.fake-" + rand.Text()
	g.mu.Lock()
	g.access[tok] = true
	g.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "expires_in": 3599, "token_type": "Bearer"})
}

func (g *GCPMetadata) generateIDToken(w http.ResponseWriter, r *http.Request) {
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
	writeJSON(w, http.StatusOK, map[string]string{"token": g.hostileToken(tok)})
}

func writeGoogleError(w http.ResponseWriter, status int, reason, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"code": status, "message": msg, "status": reason}})
}

// sign makes a Google identity token.
func (g *GCPMetadata) sign(email, sub, aud string, withEmail bool) (string, error) {
	iat := g.signer.Now().Unix()
	claims := map[string]any{
		"iss": GoogleIssuer, "aud": aud, "azp": sub, "sub": sub,
		"iat": iat, "exp": iat + 3600,
	}
	if withEmail {
		claims["email"] = email
		claims["email_verified"] = true
	}
	return g.signer.SignIDToken(claims)
}

// numericID derives a stable 21-digit unique id from a service account
// name, shaped like Google's.
func numericID(name string) string {
	sum := sha256.Sum256([]byte(name))
	n := new(big.Int).SetBytes(sum[:9])
	return fmt.Sprintf("1%020s", n.String())[:21]
}

// writeJSON sends v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
