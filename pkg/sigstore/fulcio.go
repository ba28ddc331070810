package sigstore

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// ErrBadToken says the identity token is not a JWT with a subject. The error
// never quotes the token.
var ErrBadToken = errors.New("sigstore: the identity token is not a JWT with a subject")

// ErrUnverifiedEmail says the identity token names an email its issuer
// has not verified: Fulcio issues no certificate for it.
var ErrUnverifiedEmail = errors.New("sigstore: the identity token's email is not verified (email_verified is not true)")

// Fulcio is a client of Fulcio's v2 API. The zero value of its tuning
// fields is usable: 30 s per try, 4 tries, exponential backoff.
type Fulcio struct {
	HTTP     *http.Client
	Base     *url.URL // e.g. https://fulcio.sigstore.dev
	Timeout  time.Duration
	Attempts int
	Backoff  func(attempt int) time.Duration
}

// SigningCert asks Fulcio for a certificate binding key to the identity
// token's identity (POST /api/v2/signingCert), proving possession by a
// signature over the token's subject claim. It returns the chain, leaf
// first. Answers with embedded SCTs are expected; a detached SCT is
// accepted but not kept (PyPI's attestations have no place for it).
func (f *Fulcio) SigningCert(ctx context.Context, idToken string, key *ecdsa.PrivateKey) ([]*x509.Certificate, error) {
	sub, err := tokenSubject(idToken)
	if err != nil {
		return nil, err
	}
	digest := sha256.Sum256([]byte(sub))
	proof, err := ecdsa.SignASN1(rand.Reader, key, digest[:])
	if err != nil {
		return nil, fmt.Errorf("signing the proof of possession: %w", err)
	}
	spki, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("encoding the public key: %w", err)
	}
	var req fulcioRequest
	req.Credentials.OIDCIdentityToken = idToken
	req.PublicKeyRequest.PublicKey.Algorithm = "ECDSA"
	req.PublicKeyRequest.PublicKey.Content = string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: spki}))
	req.PublicKeyRequest.ProofOfPossession = proof
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	c := caller{HTTP: f.HTTP, Timeout: f.Timeout, Attempts: f.Attempts, Backoff: f.Backoff}
	answer, err := c.post(ctx, "Fulcio", "asking Fulcio for a signing certificate", f.Base.JoinPath("api", "v2", "signingCert"), body, http.StatusOK, idToken)
	if err != nil {
		return nil, err
	}
	chain, err := parseFulcioAnswer(answer)
	if err != nil {
		return nil, fmt.Errorf("reading Fulcio's certificate: %w", err)
	}
	if pub, ok := chain[0].PublicKey.(*ecdsa.PublicKey); !ok || !pub.Equal(&key.PublicKey) {
		return nil, fmt.Errorf("reading Fulcio's certificate: %w: it is for another key", ErrMalformed)
	}
	return chain, nil
}

type fulcioRequest struct {
	Credentials struct {
		OIDCIdentityToken string `json:"oidcIdentityToken"`
	} `json:"credentials"`
	PublicKeyRequest struct {
		PublicKey struct {
			Algorithm string `json:"algorithm"`
			Content   string `json:"content"`
		} `json:"publicKey"`
		ProofOfPossession []byte `json:"proofOfPossession"`
	} `json:"publicKeyRequest"`
}

type fulcioChain struct {
	Chain struct {
		Certificates []string `json:"certificates"`
	} `json:"chain"`
}

type fulcioAnswer struct {
	Embedded *fulcioChain `json:"signedCertificateEmbeddedSct"`
	Detached *fulcioChain `json:"signedCertificateDetachedSct"`
}

// parseFulcioAnswer reads a v2 signingCert answer: the chain as PEM
// certificates, leaf first.
func parseFulcioAnswer(data []byte) ([]*x509.Certificate, error) {
	var a fulcioAnswer
	if err := json.Unmarshal(data, &a); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	fc := a.Embedded
	if fc == nil {
		fc = a.Detached
	}
	if fc == nil || len(fc.Chain.Certificates) == 0 {
		return nil, fmt.Errorf("%w: no certificate chain", ErrMalformed)
	}
	var chain []*x509.Certificate
	for i, p := range fc.Chain.Certificates {
		blk, rest := pem.Decode([]byte(p))
		if blk == nil || blk.Type != "CERTIFICATE" || strings.TrimSpace(string(rest)) != "" {
			return nil, fmt.Errorf("%w: certificate %d is not one PEM certificate", ErrMalformed, i)
		}
		cert, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: certificate %d: %w", ErrMalformed, i, err)
		}
		chain = append(chain, cert)
	}
	return chain, nil
}

// tokenSubject is what Fulcio takes as the token's subject, read
// unverified (Fulcio verifies the token): its verified email when it has
// one (Google's service accounts), else its sub claim. Errors never quote
// the token.
func tokenSubject(token string) (string, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return "", ErrBadToken
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return "", ErrBadToken
	}
	var claims struct {
		Sub           string `json:"sub"`
		Email         string `json:"email"`
		EmailVerified any    `json:"email_verified"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		return "", ErrBadToken
	}
	if claims.Email != "" {
		if v := claims.EmailVerified; v != true && v != "true" {
			return "", ErrUnverifiedEmail
		}
		return claims.Email, nil
	}
	if claims.Sub == "" {
		return "", ErrBadToken
	}
	return claims.Sub, nil
}
