package fakesigstore

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// TokenVerifier checks an OIDC identity token presented to Fulcio and
// returns its claims. It must check the signature, the expiry and the
// audience ("sigstore"); an error makes Fulcio answer 401.
type TokenVerifier func(token string) (map[string]any, error)

// UnverifiedClaims is a [TokenVerifier] for tests whose identity tokens
// are unsigned: it reads a JWT's claims without checking its signature,
// and requires the audience "sigstore" and, when the token has an exp
// claim, that it has not passed. It authenticates nothing: give it only to
// a fake that no token but a test's own reaches.
func UnverifiedClaims(token string) (map[string]any, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, errors.New("fakesigstore: the token is not a JWT")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, fmt.Errorf("fakesigstore: the token's payload: %w", err)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		return nil, fmt.Errorf("fakesigstore: the token's claims: %w", err)
	}
	if claims["aud"] != "sigstore" {
		return nil, errors.New("fakesigstore: the token's audience is not sigstore")
	}
	if exp, ok := claims["exp"].(float64); ok && int64(exp) < time.Now().Unix() {
		return nil, errors.New("fakesigstore: the token has expired")
	}
	return claims, nil
}

// errNoVerifier is what Fulcio answers every token with when no
// [TokenVerifier] was given.
var errNoVerifier = errors.New("fakesigstore: no token verifier configured")

// Sigstore is a fake Fulcio and Rekor with their trust material. Create it
// with [New]; it is safe for concurrent use.
type Sigstore struct {
	now    func() time.Time
	verify TokenVerifier
	host   string // the name in checkpoints and the trusted root

	created  time.Time
	rootCert *x509.Certificate
	interKey *ecdsa.PrivateKey
	inter    *x509.Certificate
	ctKey    *ecdsa.PrivateKey
	ctLogID  [32]byte
	logKey   *ecdsa.PrivateKey
	logID    [32]byte
	treeID   int64

	fulcioFaults, rekorFaults faultQueue

	mu      sync.Mutex
	leaves  [][32]byte        // leaf hashes, in log order
	entries map[string]*entry // by 64-hex leaf hash
	serial  int64
}

// Option configures a [Sigstore].
type Option func(*Sigstore)

// WithTokenVerifier sets how Fulcio checks identity tokens. The default
// refuses every token.
func WithTokenVerifier(v TokenVerifier) Option {
	return func(s *Sigstore) { s.verify = v }
}

// WithClock sets the clock for certificate validity, integrated times and
// signed entry timestamps. The default is [time.Now].
func WithClock(now func() time.Time) Option {
	return func(s *Sigstore) { s.now = now }
}

// New returns a Sigstore with freshly generated keys: a root and an
// intermediate CA, a CT log and a transparency log, all ECDSA P-256, valid
// from a year before the clock's now.
func New(opts ...Option) *Sigstore {
	s := &Sigstore{
		now:     time.Now,
		verify:  func(string) (map[string]any, error) { return nil, errNoVerifier },
		host:    "fakesigstore.test",
		entries: map[string]*entry{},
	}
	for _, o := range opts {
		o(s)
	}
	s.created = s.now().Add(-365 * 24 * time.Hour).Truncate(time.Second).UTC()
	if err := s.makeCA(); err != nil {
		panic("fakesigstore: " + err.Error()) // only a broken crypto/rand fails here
	}
	s.ctKey = newKey()
	s.ctLogID = keyID(&s.ctKey.PublicKey)
	s.logKey = newKey()
	s.logID = keyID(&s.logKey.PublicKey)
	s.treeID = 1000000 + s.created.Unix()%1000000
	return s
}

func newKey() *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic("fakesigstore: generating a key: " + err.Error())
	}
	return k
}

// keyID is the SHA-256 of a public key's DER (PKIX) encoding: a CT log's
// and a Rekor log's ID.
func keyID(pub *ecdsa.PublicKey) [32]byte {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		panic("fakesigstore: encoding a public key: " + err.Error())
	}
	return sha256.Sum256(der)
}

// Fulcio returns the fake Fulcio: POST /api/v2/signingCert. Mount it with
// [http.StripPrefix] under any path; that path is Fulcio's base URL.
func (s *Sigstore) Fulcio() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v2/signingCert", s.withFaults(&s.fulcioFaults, s.signingCert))
	return mux
}

// Rekor returns the fake Rekor v1: POST /api/v1/log/entries, GET
// /api/v1/log/entries/{uuid} and GET /api/v1/log. Mount it with
// [http.StripPrefix] under any path; that path is Rekor's base URL.
func (s *Sigstore) Rekor() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/log/entries", s.withFaults(&s.rekorFaults, s.createEntry))
	mux.HandleFunc("GET /api/v1/log/entries/{uuid}", s.withFaults(&s.rekorFaults, s.getEntry))
	mux.HandleFunc("GET /api/v1/log", s.withFaults(&s.rekorFaults, s.logInfo))
	return mux
}

// FailFulcio makes Fulcio answer the next n requests with status (a 5xx
// such as 500 or 503), or every request from now on when n is negative.
// n == 0 ends the faults.
func (s *Sigstore) FailFulcio(n, status int) { s.fulcioFaults.set(n, status) }

// FailRekor is [Sigstore.FailFulcio] for Rekor.
func (s *Sigstore) FailRekor(n, status int) { s.rekorFaults.set(n, status) }

// LogSize returns the number of entries in the transparency log.
func (s *Sigstore) LogSize() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.leaves)
}

// faultQueue is a count of requests to fail, negative for always.
type faultQueue struct {
	mu     sync.Mutex
	n      int
	status int
}

func (q *faultQueue) set(n, status int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.n, q.status = n, status
}

// take returns the status to fail this request with, or 0.
func (q *faultQueue) take() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	switch {
	case q.n < 0:
		return q.status
	case q.n > 0:
		q.n--
		return q.status
	}
	return 0
}

func (s *Sigstore) withFaults(q *faultQueue, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if status := q.take(); status != 0 {
			writeError(w, status, http.StatusText(status))
			return
		}
		h(w, r)
	}
}

// writeError answers as Fulcio's gRPC gateway and Rekor's go-swagger server
// both do: {"code": <status>, "message": <text>}.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"code": status, "message": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := marshalJSON(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"code":500,"message":"encoding the answer"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// marshalJSON encodes v compactly with sorted object keys and without
// HTML escaping: for the plain strings and integers used here, that is
// the RFC 8785 canonical form Rekor signs.
func marshalJSON(v any) ([]byte, error) {
	var b jsonBuffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.bytes(), nil
}

// jsonBuffer collects an encoder's output without its final newline.
type jsonBuffer struct{ buf []byte }

func (b *jsonBuffer) Write(p []byte) (int, error) {
	b.buf = append(b.buf, p...)
	return len(p), nil
}

func (b *jsonBuffer) bytes() []byte {
	if n := len(b.buf); n > 0 && b.buf[n-1] == '\n' {
		return b.buf[:n-1]
	}
	return b.buf
}
