package sigstore

import (
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	_ "embed" // the production trusted root
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"time"
)

// MaxTrustDocumentSize bounds a trusted root or signing config.
const MaxTrustDocumentSize = 1 << 20

// ErrNoService says a signing config lists no usable Fulcio, or no Rekor with
// API version 1.
var ErrNoService = errors.New("sigstore: no usable service in the signing config")

// TrustedRoot is what verification trusts: Fulcio CAs, Rekor (transparency)
// logs and certificate transparency logs, each with its validity period.
// Read one with [ParseTrustedRoot].
type TrustedRoot struct {
	CAs    []CertificateAuthority
	TLogs  []Log
	CTLogs []Log
}

// CertificateAuthority is one Fulcio CA: its chain (intermediates first,
// root last) and when it issued certificates.
type CertificateAuthority struct {
	URI        string
	Chain      []*x509.Certificate
	Start, End time.Time // End is zero while the CA is current
}

// Log is one transparency or CT log: its key, its ID (SHA-256 of the key's
// PKIX DER) and its validity period.
type Log struct {
	BaseURL    string
	ID         []byte
	Key        crypto.PublicKey
	Start, End time.Time // End is zero while the log is current
}

func validAt(start, end, t time.Time) bool {
	return !t.Before(start) && (end.IsZero() || t.Before(end))
}

type validForJSON struct {
	Start time.Time  `json:"start"`
	End   *time.Time `json:"end,omitempty"`
}

func (v validForJSON) bounds() (time.Time, time.Time) {
	if v.End == nil {
		return v.Start, time.Time{}
	}
	return v.Start, *v.End
}

type logJSON struct {
	BaseURL   string `json:"baseUrl"`
	PublicKey struct {
		RawBytes   []byte       `json:"rawBytes"`
		KeyDetails string       `json:"keyDetails"`
		ValidFor   validForJSON `json:"validFor"`
	} `json:"publicKey"`
	LogID struct {
		KeyID []byte `json:"keyId"`
	} `json:"logId"`
}

type trustedRootJSON struct {
	MediaType string    `json:"mediaType"`
	TLogs     []logJSON `json:"tlogs"`
	CTLogs    []logJSON `json:"ctlogs"`
	CAs       []struct {
		URI       string `json:"uri"`
		CertChain struct {
			Certificates []struct {
				RawBytes []byte `json:"rawBytes"`
			} `json:"certificates"`
		} `json:"certChain"`
		ValidFor validForJSON `json:"validFor"`
	} `json:"certificateAuthorities"`
}

// ParseTrustedRoot reads Sigstore's TrustedRoot JSON
// (dev.sigstore.trustedroot.v1), at most [MaxTrustDocumentSize] bytes.
// Timestamp authorities are ignored: PyPI's attestations carry no RFC 3161
// timestamps.
func ParseTrustedRoot(data []byte) (*TrustedRoot, error) {
	if len(data) > MaxTrustDocumentSize {
		return nil, fmt.Errorf("parsing the trusted root: %w: %d bytes", ErrMalformed, len(data))
	}
	var doc trustedRootJSON
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("parsing the trusted root: %w: %w", ErrMalformed, err)
	}
	var r TrustedRoot
	for i, ca := range doc.CAs {
		c := CertificateAuthority{URI: ca.URI}
		c.Start, c.End = ca.ValidFor.bounds()
		for _, raw := range ca.CertChain.Certificates {
			cert, err := x509.ParseCertificate(raw.RawBytes)
			if err != nil {
				return nil, fmt.Errorf("parsing the trusted root: %w: certificate authority %d: %w", ErrMalformed, i, err)
			}
			c.Chain = append(c.Chain, cert)
		}
		if len(c.Chain) == 0 {
			return nil, fmt.Errorf("parsing the trusted root: %w: certificate authority %d has no certificate", ErrMalformed, i)
		}
		r.CAs = append(r.CAs, c)
	}
	var err error
	if r.TLogs, err = parseLogs(doc.TLogs); err != nil {
		return nil, fmt.Errorf("parsing the trusted root: tlogs: %w", err)
	}
	if r.CTLogs, err = parseLogs(doc.CTLogs); err != nil {
		return nil, fmt.Errorf("parsing the trusted root: ctlogs: %w", err)
	}
	return &r, nil
}

func parseLogs(in []logJSON) ([]Log, error) {
	var out []Log
	for i, l := range in {
		key, err := x509.ParsePKIXPublicKey(l.PublicKey.RawBytes)
		if err != nil {
			return nil, fmt.Errorf("%w: log %d (%s): %w", ErrMalformed, i, l.PublicKey.KeyDetails, err)
		}
		id := l.LogID.KeyID
		if len(id) == 0 {
			sum := sha256.Sum256(l.PublicKey.RawBytes)
			id = sum[:]
		}
		lg := Log{BaseURL: l.BaseURL, ID: id, Key: key}
		lg.Start, lg.End = l.PublicKey.ValidFor.bounds()
		out = append(out, lg)
	}
	return out, nil
}

// SigningConfig says which services sign: Fulcio CAs and Rekor logs, each
// with its API version and validity period. Read one with
// [ParseSigningConfig].
type SigningConfig struct {
	CAs   []Service
	TLogs []Service
}

// Service is one endpoint of a [SigningConfig].
type Service struct {
	URL             string
	MajorAPIVersion int
	Start, End      time.Time
}

type serviceJSON struct {
	URL             string       `json:"url"`
	MajorAPIVersion int          `json:"majorApiVersion"`
	ValidFor        validForJSON `json:"validFor"`
}

type signingConfigJSON struct {
	MediaType string        `json:"mediaType"`
	CAURLs    []serviceJSON `json:"caUrls"`
	TLogURLs  []serviceJSON `json:"rekorTlogUrls"`
	// v0.1
	CAURL     string   `json:"caUrl"`
	TLogURLs1 []string `json:"tlogUrls"`
}

// ParseSigningConfig reads Sigstore's SigningConfig JSON, format v0.2
// (caUrls, rekorTlogUrls with majorApiVersion) or v0.1 (caUrl, tlogUrls;
// read as API version 1, valid from the epoch).
func ParseSigningConfig(data []byte) (*SigningConfig, error) {
	if len(data) > MaxTrustDocumentSize {
		return nil, fmt.Errorf("parsing the signing config: %w: %d bytes", ErrMalformed, len(data))
	}
	var doc signingConfigJSON
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("parsing the signing config: %w: %w", ErrMalformed, err)
	}
	var c SigningConfig
	for _, s := range doc.CAURLs {
		start, end := s.ValidFor.bounds()
		c.CAs = append(c.CAs, Service{URL: s.URL, MajorAPIVersion: s.MajorAPIVersion, Start: start, End: end})
	}
	for _, s := range doc.TLogURLs {
		start, end := s.ValidFor.bounds()
		c.TLogs = append(c.TLogs, Service{URL: s.URL, MajorAPIVersion: s.MajorAPIVersion, Start: start, End: end})
	}
	if doc.CAURL != "" {
		c.CAs = append(c.CAs, Service{URL: doc.CAURL, MajorAPIVersion: 1})
	}
	for _, u := range doc.TLogURLs1 {
		c.TLogs = append(c.TLogs, Service{URL: u, MajorAPIVersion: 1})
	}
	return &c, nil
}

// Instance is one Sigstore deployment: where to sign and what to trust.
type Instance struct {
	Fulcio *url.URL // base URL; the client posts to /api/v2/signingCert
	Rekor  *url.URL // base URL of a Rekor v1 log
	Root   *TrustedRoot
}

// NewInstance picks, from cfg, the first Fulcio and the first Rekor with
// major API version 1 that are valid at now, and pairs them with root.
// Rekor v2 logs are skipped: their entries carry no integrated time, and
// PyPI's attestations have nowhere to put the timestamps they need
// instead. A config without either fails with [ErrNoService].
func NewInstance(root *TrustedRoot, cfg *SigningConfig, now time.Time) (*Instance, error) {
	if root == nil || cfg == nil {
		return nil, errors.New("sigstore: an instance needs a trusted root and a signing config")
	}
	fulcio, err := pick(cfg.CAs, now)
	if err != nil {
		return nil, fmt.Errorf("choosing a Fulcio: %w", err)
	}
	rekor, err := pick(cfg.TLogs, now)
	if err != nil {
		return nil, fmt.Errorf("choosing a Rekor v1 log: %w", err)
	}
	return &Instance{Fulcio: fulcio, Rekor: rekor, Root: root}, nil
}

func pick(services []Service, now time.Time) (*url.URL, error) {
	for _, s := range services {
		if s.MajorAPIVersion != 1 || !validAt(s.Start, s.End, now) {
			continue
		}
		u, err := url.Parse(s.URL)
		if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
			return nil, fmt.Errorf("%w: bad URL %q", ErrMalformed, s.URL)
		}
		return u, nil
	}
	return nil, ErrNoService
}

//go:embed trusted_root.json
var productionRoot []byte

// ProductionRoot returns the trusted root of Sigstore's public-good
// instance shipped in this binary (see trusted_root.md for its source).
func ProductionRoot() (*TrustedRoot, error) {
	return ParseTrustedRoot(productionRoot)
}

// Production returns Sigstore's public-good instance: fulcio.sigstore.dev,
// rekor.sigstore.dev and the shipped trusted root. It is the only instance
// PyPI accepts signatures from. Staging has no shipped root: pass its
// trusted root and signing config to [NewInstance].
func Production() (*Instance, error) {
	root, err := ProductionRoot()
	if err != nil {
		return nil, err
	}
	return &Instance{
		Fulcio: &url.URL{Scheme: "https", Host: "fulcio.sigstore.dev"},
		Rekor:  &url.URL{Scheme: "https", Host: "rekor.sigstore.dev"},
		Root:   root,
	}, nil
}
