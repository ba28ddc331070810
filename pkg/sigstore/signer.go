package sigstore

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/pyupload/pyupload/internal/transport"
)

// Option tunes a [Signer].
type Option func(*options) error

type options struct {
	timeout  time.Duration
	attempts int
	backoff  func(int) time.Duration
}

// WithTimeout bounds each try of each call to Fulcio or Rekor. The default
// is 30 seconds.
func WithTimeout(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 {
			return fmt.Errorf("sigstore: timeout %s is not positive", d)
		}
		o.timeout = d
		return nil
	}
}

// WithAttempts sets how many times a call is tried in all when it fails
// transiently (429, most 5xx, network errors); 4xx answers are never
// retried. The default is 4.
func WithAttempts(n int) Option {
	return func(o *options) error {
		if n < 1 {
			return fmt.Errorf("sigstore: %d attempts; want at least 1", n)
		}
		o.attempts = n
		return nil
	}
}

// WithBackoff sets the wait before retry number attempt (1-based). The
// default is exponential from 500 ms with jitter, capped at 30 s.
func WithBackoff(b func(attempt int) time.Duration) Option {
	return func(o *options) error {
		if b == nil {
			return errors.New("sigstore: nil backoff")
		}
		o.backoff = b
		return nil
	}
}

// Signer signs distributions for one run: one ephemeral key and one
// Fulcio certificate, then a statement, signature and log entry per file.
// Its methods are safe for concurrent use.
type Signer struct {
	key     *ecdsa.PrivateKey
	chain   []*x509.Certificate
	certPEM []byte
	rekor   *Rekor
}

// NewSigner makes an ephemeral ECDSA P-256 key and gets its Fulcio
// certificate for idToken (an OIDC token with audience "sigstore") from
// inst. The token is used once, here, and never appears in an error.
func NewSigner(ctx context.Context, client *http.Client, inst *Instance, idToken string, opts ...Option) (*Signer, error) {
	if inst == nil || inst.Fulcio == nil || inst.Rekor == nil {
		return nil, errors.New("sigstore: an instance needs a Fulcio and a Rekor URL")
	}
	if !transport.Secure(inst.Fulcio) {
		// The identity token would travel in clear.
		return nil, fmt.Errorf("sigstore: Fulcio at %s is not https (plain http is for this machine only)", inst.Fulcio.Redacted())
	}
	var o options
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("making a signing key: %w", err)
	}
	fulcio := &Fulcio{HTTP: client, Base: inst.Fulcio, Timeout: o.timeout, Attempts: o.attempts, Backoff: o.backoff}
	chain, err := fulcio.SigningCert(ctx, idToken, key)
	if err != nil {
		return nil, err
	}
	return &Signer{
		key:     key,
		chain:   chain,
		certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: chain[0].Raw}),
		rekor:   &Rekor{HTTP: client, Base: inst.Rekor, Timeout: o.timeout, Attempts: o.attempts, Backoff: o.backoff},
	}, nil
}

// Certificate returns the signing certificate (the leaf).
func (s *Signer) Certificate() *x509.Certificate { return s.chain[0] }

// Chain returns the certificate chain Fulcio sent, leaf first.
func (s *Signer) Chain() []*x509.Certificate { return s.chain }

// Attest signs one distribution: the publish/v1 statement for filename
// and its sha256, as a DSSE envelope, logged in Rekor v1. It does not
// verify the result; [Verify] does.
func (s *Signer) Attest(ctx context.Context, filename string, sha256sum [32]byte) (*Attestation, error) {
	statement, err := json.Marshal(NewStatement(filename, sha256sum))
	if err != nil {
		return nil, fmt.Errorf("encoding the statement: %w", err)
	}
	digest := sha256.Sum256(PAE(PayloadType, statement))
	sig, err := ecdsa.SignASN1(rand.Reader, s.key, digest[:])
	if err != nil {
		return nil, fmt.Errorf("signing %s: %w", filename, err)
	}
	env := &Envelope{PayloadType: PayloadType, Payload: statement, Signatures: []EnvelopeSignature{{Sig: sig}}}
	entry, err := s.rekor.LogDSSE(ctx, env, s.certPEM)
	if err != nil {
		return nil, fmt.Errorf("attesting %s: %w", filename, err)
	}
	return &Attestation{
		Version: 1,
		VerificationMaterial: VerificationMaterial{
			Certificate:         s.chain[0].Raw,
			TransparencyEntries: []TransparencyLogEntry{*entry},
		},
		Envelope: AttestationEnvelope{Statement: statement, Signature: sig},
	}, nil
}
