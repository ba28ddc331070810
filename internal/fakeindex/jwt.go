package fakeindex

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// jwtLeeway is the clock skew Warehouse tolerates on exp, nbf and iat
// (PyJWT's leeway=30 in warehouse/oidc/services.py).
const jwtLeeway = 30 * time.Second

// WithSigningKey sets the RSA key the index signs identity tokens with
// ([Index.SignIDToken], for tests and internal/fakeci) and verifies them
// against at /_/oidc/mint-token. Tests that create many indexes share one
// key this way, since generating a key takes a while under the race
// detector; a test that needs tokens the index must refuse can sign them
// itself with the same key. A nil key is ignored. The default is a 2048-bit key
// generated on first use, different for every index.
func WithSigningKey(key *rsa.PrivateKey) Option {
	return func(ix *Index) {
		if key != nil {
			ix.signingKey = key
		}
	}
}

// signer is the index's signing key with its key id and JWKS document.
type signer struct {
	key  *rsa.PrivateKey
	kid  string // the RFC 7638 JWK thumbprint of the public key
	jwks []byte
}

// signer returns the index's key, generating it on first use.
func (ix *Index) signer() *signer {
	ix.keyOnce.Do(func() {
		key := ix.signingKey
		if key == nil {
			var err error
			if key, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
				panic("fakeindex: generating the signing key: " + err.Error()) // cannot happen for 2048 bits
			}
		}
		ix.keys = newSigner(key)
	})
	return ix.keys
}

func newSigner(key *rsa.PrivateKey) *signer {
	n := b64(key.N.Bytes())
	e := b64(big.NewInt(int64(key.E)).Bytes())
	// RFC 7638: the required members in lexicographic order, no spaces.
	thumb := sha256.Sum256([]byte(`{"e":"` + e + `","kty":"RSA","n":"` + n + `"}`))
	s := &signer{key: key, kid: b64(thumb[:])}
	type jwk struct {
		Kty string `json:"kty"`
		Use string `json:"use"`
		Alg string `json:"alg"`
		Kid string `json:"kid"`
		N   string `json:"n"`
		E   string `json:"e"`
	}
	doc := struct {
		Keys []jwk `json:"keys"`
	}{[]jwk{{Kty: "RSA", Use: "sig", Alg: "RS256", Kid: s.kid, N: n, E: e}}}
	s.jwks, _ = json.Marshal(doc) // plain strings: cannot fail
	return s
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// KeyID returns the key id ("kid") of the index's signing key: the RFC 7638
// thumbprint of its public key, as [Index.JWKS] lists it.
func (ix *Index) KeyID() string { return ix.signer().kid }

// JWKS returns the JSON Web Key Set of the index's signing key: an object
// with one RSA key ("kty", "use": "sig", "alg": "RS256", "kid", "n", "e").
// The index also serves it at GET /_fake/jwks. Real issuers publish theirs
// at the jwks_uri of <iss>/.well-known/openid-configuration; this one
// stands in for all of them (see [WithOIDC]).
func (ix *Index) JWKS() []byte {
	return append([]byte(nil), ix.signer().jwks...)
}

// Now returns the time by the index's clock ([WithClock]). Fakes that
// issue identity tokens for the index (internal/fakeci) date them by it, so
// the tokens are fresh whatever time a test sets.
func (ix *Index) Now() time.Time { return ix.now() }

// SignIDToken returns an RS256 JWT carrying claims, signed with the
// index's key, with the header {"alg": "RS256", "kid": [Index.KeyID],
// "typ": "JWT"}. Nothing is added to the claims: tests and fake providers
// set iss, aud, iat, exp, jti and the rest themselves. The index accepts
// such a token at /_/oidc/mint-token whatever its issuer (see [WithOIDC]).
// It fails only when claims cannot be encoded as JSON.
func (ix *Index) SignIDToken(claims map[string]any) (string, error) {
	s := ix.signer()
	return s.sign(map[string]any{"alg": "RS256", "kid": s.kid, "typ": "JWT"}, claims)
}

// sign encodes and signs a JWT with any header, so tests can produce
// tokens with odd headers that are still correctly signed.
func (s *signer) sign(header, claims map[string]any) (string, error) {
	h, err := json.Marshal(header)
	if err != nil {
		return "", fmt.Errorf("encoding the JWT header: %w", err)
	}
	c, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("encoding the JWT claims: %w", err)
	}
	input := b64(h) + "." + b64(c)
	digest := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(nil, s.key, crypto.SHA256, digest[:])
	if err != nil {
		return "", fmt.Errorf("signing the JWT: %w", err)
	}
	return input + "." + b64(sig), nil
}

// idToken is a JWT decoded without verification, as PyJWT's
// decode(options={"verify_signature": False}) sees it.
type idToken struct {
	header map[string]any
	claims map[string]any
	input  string // header.payload, the signed bytes
	sig    []byte
}

// errMalformedJWT is any failure to decode a JWT without verifying it.
var errMalformedJWT = errors.New("malformed JWT")

// decodeJWT splits and decodes a compact JWS. Segments are base64url with
// or without padding (PyJWT pads before decoding); header and payload must
// be JSON objects.
func decodeJWT(tok string) (*idToken, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("%w: %d segments", errMalformedJWT, len(parts))
	}
	var segs [3][]byte
	for i, p := range parts {
		b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(p, "="))
		if err != nil {
			return nil, fmt.Errorf("%w: segment %d: %w", errMalformedJWT, i+1, err)
		}
		segs[i] = b
	}
	t := &idToken{input: parts[0] + "." + parts[1], sig: segs[2]}
	if err := json.Unmarshal(segs[0], &t.header); err != nil || t.header == nil {
		return nil, fmt.Errorf("%w: the header is not a JSON object", errMalformedJWT)
	}
	if err := json.Unmarshal(segs[1], &t.claims); err != nil || t.claims == nil {
		return nil, fmt.Errorf("%w: the payload is not a JSON object", errMalformedJWT)
	}
	return t, nil
}

// tokenError is why verification refused a token. The mint endpoint
// reports every one of them as "malformed or invalid token", as Warehouse
// does; the reason is for the index's own tests.
type tokenError struct{ reason string }

func (e *tokenError) Error() string { return "invalid token: " + e.reason }

// verify is Warehouse's verify_jwt_signature: the key by kid, RS256 only,
// the signature, then PyJWT's claim checks with require=[iss, iat, exp,
// aud], a 30 s leeway and strict_aud, against the index's clock.
func (t *idToken) verify(s *signer, issuer, audience string, now time.Time) error {
	if kid, _ := t.header["kid"].(string); kid == "" || kid != s.kid {
		return &tokenError{fmt.Sprintf("key id %v is not in the issuer's key set", t.header["kid"])}
	}
	if alg, _ := t.header["alg"].(string); alg != "RS256" {
		return &tokenError{fmt.Sprintf("algorithm %v is not allowed", t.header["alg"])}
	}
	digest := sha256.Sum256([]byte(t.input))
	if err := rsa.VerifyPKCS1v15(&s.key.PublicKey, crypto.SHA256, digest[:], t.sig); err != nil {
		return &tokenError{"bad signature"}
	}
	for _, c := range []string{"iss", "iat", "exp", "aud"} { // PyJWT treats null as missing
		if t.claims[c] == nil {
			return &tokenError{fmt.Sprintf("missing required claim %q", c)}
		}
	}
	// PyJWT's order: iat, nbf, exp, iss, aud. Times are JSON numbers.
	secs := float64(now.UnixNano()) / 1e9
	leeway := jwtLeeway.Seconds()
	iat, ok := t.claims["iat"].(float64)
	if !ok {
		return &tokenError{"iat is not a number"}
	}
	if iat > secs+leeway {
		return &tokenError{"the token is not yet valid (iat)"}
	}
	if v, present := t.claims["nbf"]; present {
		nbf, ok := v.(float64)
		if !ok {
			return &tokenError{"nbf is not a number"}
		}
		if nbf > secs+leeway {
			return &tokenError{"the token is not yet valid (nbf)"}
		}
	}
	exp, ok := t.claims["exp"].(float64)
	if !ok {
		return &tokenError{"exp is not a number"}
	}
	if exp <= secs-leeway {
		return &tokenError{"the token has expired"}
	}
	if iss, _ := t.claims["iss"].(string); iss != issuer {
		return &tokenError{fmt.Sprintf("issuer %v is not %q", t.claims["iss"], issuer)}
	}
	aud, ok := t.claims["aud"].(string)
	if !ok {
		return &tokenError{"aud is not a single string (strict audience)"}
	}
	if aud != audience {
		return &tokenError{fmt.Sprintf("audience %q is not %q", aud, audience)}
	}
	return nil
}
