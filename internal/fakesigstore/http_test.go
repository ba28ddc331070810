package fakesigstore_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pyupload/pyupload/internal/fakesigstore"
)

func post(t *testing.T, url, bearer string, body []byte) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// certRequest is a Fulcio v2 request body for key, proving possession by
// signing subject.
func certRequest(t *testing.T, key *ecdsa.PrivateKey, token, subject string) []byte {
	t.Helper()
	der, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	d := sha256.Sum256([]byte(subject))
	sig, _ := ecdsa.SignASN1(rand.Reader, key, d[:])
	b, _ := json.Marshal(map[string]any{
		"credentials": map[string]string{"oidcIdentityToken": token},
		"publicKeyRequest": map[string]any{
			"publicKey":         map[string]string{"algorithm": "ECDSA", "content": string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))},
			"proofOfPossession": base64.StdEncoding.EncodeToString(sig),
		},
	})
	return b
}

func TestFulcioAnswers(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	token := f.githubToken(t, "sigstore")
	sub := githubClaims["sub"].(string)
	tests := []struct {
		name   string
		body   []byte
		status int
		text   string
	}{
		{"good", certRequest(t, key, token, sub), 200, "signedCertificateEmbeddedSct"},
		{"no token", certRequest(t, key, "", sub), 401, "There was an error processing the identity token"},
		{"audience pypi", certRequest(t, key, f.githubToken(t, "pypi"), sub), 401, "There was an error processing the identity token"},
		{"proof over another subject", certRequest(t, key, token, "someone else"), 400, "The signature supplied in the request could not be verified"},
		{"no key", []byte(`{"credentials":{"oidcIdentityToken":"` + token + `"}}`), 400, "The public key supplied in the request could not be parsed"},
		{"not JSON", []byte(`{`), 400, "The request could not be parsed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			status, _, body := post(t, f.fulcioURL+"/api/v2/signingCert", "", tt.body)
			if status != tt.status || !strings.Contains(body, tt.text) {
				t.Errorf("signingCert = %d %s, want %d with %q", status, body, tt.status, tt.text)
			}
		})
	}
}

// fulcioCert gets a certificate (PEM) for key.
func fulcioCert(t *testing.T, f *fixture, key *ecdsa.PrivateKey) string {
	t.Helper()
	token := f.githubToken(t, "sigstore")
	status, _, body := post(t, f.fulcioURL+"/api/v2/signingCert", token, certRequest(t, key, "", githubClaims["sub"].(string)))
	if status != 200 {
		t.Fatalf("signingCert = %d %s", status, body)
	}
	var v struct {
		SignedCertificateEmbeddedSct struct {
			Chain struct{ Certificates []string }
		}
	}
	if err := json.Unmarshal([]byte(body), &v); err != nil || len(v.SignedCertificateEmbeddedSct.Chain.Certificates) != 3 {
		t.Fatalf("signingCert answer %s: %v", body, err)
	}
	return v.SignedCertificateEmbeddedSct.Chain.Certificates[0]
}

// dsseEntry is a proposed dsse entry for payload signed by key.
func dsseEntry(t *testing.T, key *ecdsa.PrivateKey, certPEM string, payload []byte) []byte {
	t.Helper()
	d := sha256.Sum256(fakesigstore.PAE("application/vnd.in-toto+json", payload))
	sig, _ := ecdsa.SignASN1(rand.Reader, key, d[:])
	env, _ := json.Marshal(map[string]any{
		"payloadType": "application/vnd.in-toto+json",
		"payload":     base64.StdEncoding.EncodeToString(payload),
		"signatures":  []any{map[string]string{"sig": base64.StdEncoding.EncodeToString(sig)}},
	})
	b, _ := json.Marshal(map[string]any{
		"kind": "dsse", "apiVersion": "0.0.1",
		"spec": map[string]any{"proposedContent": map[string]any{"envelope": string(env), "verifiers": [][]byte{[]byte(certPEM)}}},
	})
	return b
}

func TestRekorAnswers(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	cert := fulcioCert(t, f, key)
	entry := dsseEntry(t, key, cert, statement())
	url := f.rekorURL + "/api/v1/log/entries"

	status, h, firstBody := post(t, url, "", entry)
	if status != 201 || h.Get("ETag") == "" || !strings.Contains(firstBody, `"inclusionProof"`) {
		t.Fatalf("first entry = %d %s (ETag %q)", status, firstBody, h.Get("ETag"))
	}
	status, h2, body := post(t, url, "", entry)
	if status != 409 || h2.Get("Location") != "/api/v1/log/entries/"+h.Get("ETag") {
		t.Errorf("same entry again = %d %s (Location %q), want 409 and the entry's location", status, body, h2.Get("Location"))
	}
	for _, tt := range []struct {
		name string
		body []byte
	}{
		{"signed by another key", dsseEntry(t, other, cert, statement())},
		{"hashedrekord", []byte(`{"kind":"hashedrekord","apiVersion":"0.0.1","spec":{}}`)},
		{"no verifiers", []byte(`{"kind":"dsse","apiVersion":"0.0.1","spec":{"proposedContent":{"envelope":"{}"}}}`)},
	} {
		if status, _, body := post(t, url, "", tt.body); status != 400 {
			t.Errorf("%s: = %d %s, want 400", tt.name, status, body)
		}
	}
	if f.sig.LogSize() != 1 {
		t.Errorf("LogSize() = %d, want 1", f.sig.LogSize())
	}
	var created map[string]struct {
		LogIndex     int64
		Verification struct{ InclusionProof struct{ RootHash string } }
	}
	if err := json.Unmarshal([]byte(firstBody), &created); err != nil {
		t.Fatal(err)
	}
	uuid := h.Get("ETag")
	status, body = getBody(t, f.rekorURL+"/api/v1/log/entries/"+uuid)
	if status != 200 || !strings.HasPrefix(body, `{"`+uuid+`":`) {
		t.Errorf("GET entry = %d %s", status, body)
	}
	status, body = getBody(t, f.rekorURL+"/api/v1/log")
	var info struct {
		RootHash       string
		TreeSize       int
		SignedTreeHead string
	}
	if err := json.Unmarshal([]byte(body), &info); status != 200 || err != nil || info.TreeSize != 1 ||
		info.RootHash != created[uuid].Verification.InclusionProof.RootHash || !strings.Contains(info.SignedTreeHead, "\n\n\u2014 ") {
		t.Errorf("GET log = %d %s", status, body)
	}
	if status, _ := getBody(t, f.rekorURL+"/api/v1/log/entries/"+strings.Repeat("0", 64)); status != 404 {
		t.Errorf("GET a missing entry = %d, want 404", status)
	}
}

func getBody(t *testing.T, url string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestFaults(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	f.sig.FailFulcio(2, http.StatusServiceUnavailable)
	for i, want := range []int{503, 503, 200} {
		token := f.githubToken(t, "sigstore")
		if status, _, body := post(t, f.fulcioURL+"/api/v2/signingCert", "", certRequest(t, key, token, githubClaims["sub"].(string))); status != want {
			t.Errorf("Fulcio request %d = %d %s, want %d", i+1, status, body, want)
		}
	}
	cert := fulcioCert(t, f, key)
	f.sig.FailRekor(-1, http.StatusInternalServerError)
	for i := range 3 {
		if status, _, _ := post(t, f.rekorURL+"/api/v1/log/entries", "", dsseEntry(t, key, cert, statement())); status != 500 {
			t.Errorf("Rekor request %d = %d, want 500 (always)", i+1, status)
		}
	}
	f.sig.FailRekor(0, 0)
	if status, _, body := post(t, f.rekorURL+"/api/v1/log/entries", "", dsseEntry(t, key, cert, statement())); status != 201 {
		t.Errorf("after the faults end = %d %s, want 201", status, body)
	}
}

// unverifiedToken is a token with the GitHub claims, these changes
// (a nil value deletes a claim) and a signature nobody checks.
func unverifiedToken(t *testing.T, changes map[string]any) string {
	t.Helper()
	claims := maps.Clone(githubClaims)
	claims["iss"], claims["aud"], claims["exp"] = fakesigstore.IssuerGitHub, "sigstore", time.Now().Add(time.Minute).Unix()
	for k, v := range changes {
		if v == nil {
			delete(claims, k)
			continue
		}
		claims[k] = v
	}
	tok, err := newSigner(t).SignIDToken(claims)
	if err != nil {
		t.Fatal(err)
	}
	signed := tok[:strings.LastIndex(tok, ".")] // header and payload
	return signed + "." + base64.RawURLEncoding.EncodeToString([]byte("not a signature"))
}

func TestUnverifiedClaims(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		token string
		want  string // an error's text, or "" for the claims
	}{
		{"any signature", unverifiedToken(t, nil), ""},
		{"no exp", unverifiedToken(t, map[string]any{"exp": nil}), ""},
		{"expired", unverifiedToken(t, map[string]any{"exp": time.Now().Add(-time.Minute).Unix()}), "expired"},
		{"audience pypi", unverifiedToken(t, map[string]any{"aud": "pypi"}), "audience"},
		{"no audience", unverifiedToken(t, map[string]any{"aud": nil}), "audience"},
		{"two parts", "a.b", "not a JWT"},
		{"payload not base64", "a.!!!.c", "payload"},
		{"payload not JSON", "a." + base64.RawURLEncoding.EncodeToString([]byte("[1")) + ".c", "claims"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			claims, err := fakesigstore.UnverifiedClaims(tt.token)
			switch {
			case tt.want == "" && (err != nil || claims["sub"] != githubClaims["sub"]):
				t.Errorf("UnverifiedClaims = %v, %v; want the claims", claims, err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("UnverifiedClaims = %v, %v; want an error with %q", claims, err, tt.want)
			}
		})
	}
}

// TestFulcioWithUnverifiedClaims: a Fulcio given UnverifiedClaims issues
// for an unsigned token and still refuses another audience.
func TestFulcioWithUnverifiedClaims(t *testing.T) {
	t.Parallel()
	sig := fakesigstore.New(fakesigstore.WithTokenVerifier(fakesigstore.UnverifiedClaims))
	srv := httptest.NewServer(sig.Fulcio())
	t.Cleanup(srv.Close)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	sub := githubClaims["sub"].(string)
	for _, tt := range []struct {
		name   string
		token  string
		status int
	}{
		{"unsigned", unverifiedToken(t, nil), http.StatusOK},
		{"audience pypi", unverifiedToken(t, map[string]any{"aud": "pypi"}), http.StatusUnauthorized},
	} {
		if status, _, body := post(t, srv.URL+"/api/v2/signingCert", "", certRequest(t, key, tt.token, sub)); status != tt.status {
			t.Errorf("%s: signingCert = %d %s, want %d", tt.name, status, body, tt.status)
		}
	}
}
