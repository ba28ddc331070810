package sigstoretest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Services is an in-process Sigstore: a Fulcio CA (root and intermediate)
// that issues short-lived certificates with the Sigstore OIDC extensions
// and an embedded SCT from its own CT log key, and a Rekor v1 log that
// keeps a real Merkle tree, signs entry timestamps and checkpoints. It
// serves Fulcio's POST /api/v2/signingCert and Rekor's POST
// /api/v1/log/entries ([Services.ServeHTTP]), and describes itself as a
// Sigstore trusted root ([Services.TrustedRootJSON]). Identity tokens are
// read unverified: this is a test double, not an authority.
type Services struct {
	Now func() time.Time // the clock; default time.Now

	root, inter     *x509.Certificate
	rootKey, interK *ecdsa.PrivateKey
	rekorKey, ctKey *ecdsa.PrivateKey
	created         time.Time

	mu      sync.Mutex
	leaves  [][]byte                  // leaf hashes
	entries map[string]map[string]any // by UUID (hex SHA-256 of the body)
}

// NewServices makes the keys and certificates of a new in-process
// Sigstore.
func NewServices() (*Services, error) {
	s := &Services{created: time.Now().Add(-time.Hour).Truncate(time.Second)}
	var err error
	for _, k := range []**ecdsa.PrivateKey{&s.rootKey, &s.interK, &s.rekorKey, &s.ctKey} {
		if *k, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
			return nil, err
		}
	}
	ca := func(name string, serial int64) *x509.Certificate {
		return &x509.Certificate{
			SerialNumber: big.NewInt(serial), Subject: pkix.Name{Organization: []string{"sigstoretest"}, CommonName: name},
			NotBefore: s.created, NotAfter: s.created.Add(24 * 365 * time.Hour),
			KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign, BasicConstraintsValid: true, IsCA: true,
		}
	}
	rootT := ca("sigstoretest root", 1)
	if s.root, err = create(rootT, rootT, &s.rootKey.PublicKey, s.rootKey); err != nil {
		return nil, err
	}
	interT := ca("sigstoretest intermediate", 2)
	interT.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}
	if s.inter, err = create(interT, s.root, &s.interK.PublicKey, s.rootKey); err != nil {
		return nil, err
	}
	return s, nil
}

func create(tmpl, parent *x509.Certificate, pub crypto.PublicKey, priv crypto.Signer) (*x509.Certificate, error) {
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, priv)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

func (s *Services) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func keyID(pub crypto.PublicKey) []byte {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		panic(err)
	}
	sum := sha256.Sum256(der)
	return sum[:]
}

// RekorLogID is the log ID (SHA-256 of the Rekor key).
func (s *Services) RekorLogID() []byte { return keyID(&s.rekorKey.PublicKey) }

// TrustedRootJSON describes the CA, the Rekor log and the CT log as a
// Sigstore TrustedRoot document (protobuf JSON), readable by
// pkg/sigstore and by sigstore-go alike.
func (s *Services) TrustedRootJSON() []byte {
	type rb struct {
		RawBytes []byte `json:"rawBytes"`
	}
	validFor := map[string]string{"start": s.created.UTC().Format(time.RFC3339)}
	logEntry := func(pub crypto.PublicKey, url string) map[string]any {
		der, _ := x509.MarshalPKIXPublicKey(pub)
		return map[string]any{
			"baseUrl": url, "hashAlgorithm": "SHA2_256",
			"publicKey": map[string]any{"rawBytes": der, "keyDetails": "PKIX_ECDSA_P256_SHA_256", "validFor": validFor},
			"logId":     map[string]any{"keyId": keyID(pub)},
		}
	}
	doc := map[string]any{
		"mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
		"tlogs":     []any{logEntry(&s.rekorKey.PublicKey, "https://rekor.sigstoretest.invalid")},
		"ctlogs":    []any{logEntry(&s.ctKey.PublicKey, "https://ctfe.sigstoretest.invalid")},
		"certificateAuthorities": []any{map[string]any{
			"subject":   map[string]any{"organization": "sigstoretest", "commonName": "sigstoretest"},
			"uri":       "https://fulcio.sigstoretest.invalid",
			"certChain": map[string]any{"certificates": []rb{{s.inter.Raw}, {s.root.Raw}}},
			"validFor":  validFor,
		}},
	}
	out, err := json.Marshal(doc)
	if err != nil {
		panic(err)
	}
	return out
}

// ServeHTTP answers Fulcio's and Rekor's endpoints.
func (s *Services) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/api/v2/signingCert":
		s.serveFulcio(w, r)
	case r.Method == http.MethodPost && r.URL.Path == "/api/v1/log/entries":
		s.serveRekor(w, r)
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/api/v1/log/entries/"):
		s.serveEntry(w, r)
	default:
		http.NotFound(w, r)
	}
}

func fail(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"code": status, "message": msg})
}

// claims reads a JWT's payload, unverified.
func claims(token string) (map[string]any, error) {
	var parts [3]string
	n := 0
	start := 0
	for i := 0; i <= len(token); i++ {
		if i == len(token) || token[i] == '.' {
			if n == 3 {
				return nil, errors.New("not a JWT")
			}
			parts[n] = token[start:i]
			n++
			start = i + 1
		}
	}
	if n != 3 {
		return nil, errors.New("not a JWT")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, err
	}
	var c map[string]any
	return c, json.Unmarshal(payload, &c)
}

// MakeToken returns an unsigned JWT with these claims, as the fake Fulcio
// reads them.
func MakeToken(c map[string]any) string {
	payload, err := json.Marshal(c)
	if err != nil {
		panic(err)
	}
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(`{"alg":"none"}`)) + "." + enc.EncodeToString(payload) + "." + enc.EncodeToString([]byte("sig"))
}

var oidSCTList = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 11129, 2, 4, 2}

func sigstoreExt(n int, value string) pkix.Extension {
	der, err := asn1.MarshalWithParams(value, "utf8")
	if err != nil {
		panic(err)
	}
	return pkix.Extension{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, n}, Value: der}
}
