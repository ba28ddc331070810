package tuf

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"strings"
)

// The key types and schemes the client verifies; keys of any other type are
// ignored (they never count toward a threshold).
const (
	keyTypeECDSA       = "ecdsa"
	keyTypeECDSACompat = "ecdsa-sha2-nistp256"
	keyTypeEd25519     = "ed25519"
	schemeECDSAP256    = "ecdsa-sha2-nistp256"
	schemeEd25519      = "ed25519"
)

// publicKey is a key the client can verify with. id identifies the key
// material (SHA-256 of its PKIX DER), so that a key listed under two key
// IDs still counts once.
type publicKey struct {
	ecdsa   *ecdsa.PublicKey
	ed25519 ed25519.PublicKey
	id      [32]byte
}

// parseKey turns a metadata key into a publicKey. It returns nil for a key
// of an unsupported type or scheme, or one that does not parse: such a key
// is ignored, as the specification asks of unknown key types.
func parseKey(k keyJSON) *publicKey {
	switch {
	case (k.KeyType == keyTypeECDSA || k.KeyType == keyTypeECDSACompat) && k.Scheme == schemeECDSAP256:
		pub := parseECDSAKey(k.KeyVal.Public)
		if pub == nil {
			return nil
		}
		return withID(&publicKey{ecdsa: pub}, pub)
	case k.KeyType == keyTypeEd25519 && k.Scheme == schemeEd25519:
		raw, err := hex.DecodeString(k.KeyVal.Public)
		if err != nil || len(raw) != ed25519.PublicKeySize {
			return nil
		}
		pub := ed25519.PublicKey(raw)
		return withID(&publicKey{ed25519: pub}, pub)
	}
	return nil
}

func withID(k *publicKey, pub any) *publicKey {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil
	}
	k.id = sha256.Sum256(der)
	return k
}

// parseECDSAKey reads a P-256 public key written as PEM (SubjectPublicKeyInfo)
// or as hex, of either the PKIX DER or the uncompressed point.
func parseECDSAKey(s string) *ecdsa.PublicKey {
	var der []byte
	if strings.HasPrefix(strings.TrimSpace(s), "-----BEGIN") {
		block, rest := pem.Decode([]byte(s))
		if block == nil || block.Type != "PUBLIC KEY" || strings.TrimSpace(string(rest)) != "" {
			return nil
		}
		der = block.Bytes
	} else {
		raw, err := hex.DecodeString(s)
		if err != nil {
			return nil
		}
		if pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), raw); err == nil {
			return pub
		}
		der = raw
	}
	parsed, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil
	}
	pub, ok := parsed.(*ecdsa.PublicKey)
	if !ok || pub.Curve != elliptic.P256() {
		return nil
	}
	return pub
}

// verify reports whether sig (hex) is k's signature of msg.
func (k *publicKey) verify(msg []byte, sig string) bool {
	raw, err := hex.DecodeString(sig)
	if err != nil || len(raw) == 0 {
		return false
	}
	if k.ecdsa != nil {
		digest := sha256.Sum256(msg)
		return ecdsa.VerifyASN1(k.ecdsa, digest[:], raw)
	}
	return ed25519.Verify(k.ed25519, msg, raw)
}

// countSignatures counts the keys among keyIDs (a role's keys, looked up in
// keys) that signed msg: each key once, whatever the number of key IDs or
// signatures that name it.
func countSignatures(msg []byte, sigs []signatureJSON, keys map[string]keyJSON, keyIDs []string) int {
	role := map[string]bool{}
	for _, id := range keyIDs {
		role[id] = true
	}
	counted := map[[32]byte]bool{}
	for _, s := range sigs {
		if !role[s.KeyID] {
			continue
		}
		k, ok := keys[s.KeyID]
		if !ok {
			continue
		}
		pub := parseKey(k)
		if pub == nil || counted[pub.id] {
			continue
		}
		if pub.verify(msg, s.Sig) {
			counted[pub.id] = true
		}
	}
	return len(counted)
}
