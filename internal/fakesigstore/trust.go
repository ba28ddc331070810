package fakesigstore

import (
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/base64"
	"time"
)

// Media types of Sigstore's trust material.
const (
	TrustedRootMediaType   = "application/vnd.dev.sigstore.trustedroot+json;version=0.1"
	SigningConfigMediaType = "application/vnd.dev.sigstore.signingconfig.v0.2+json"
)

// TrustedRootJSON returns Sigstore's TrustedRoot document for this
// instance: the certificate authority (intermediate then root), the Rekor
// log's key with its log ID, and the CT log's key, each valid from a year
// before the instance was created. baseURLs are informative; verifiers
// match logs by ID.
func (s *Sigstore) TrustedRootJSON() []byte {
	start := map[string]string{"start": s.created.Format(time.RFC3339)}
	b, err := marshalJSON(map[string]any{
		"mediaType": TrustedRootMediaType,
		"tlogs":     []any{s.logJSON("https://"+s.host+"/rekor", &s.logKey.PublicKey, s.logID, start)},
		"ctlogs":    []any{s.logJSON("https://"+s.host+"/ct", &s.ctKey.PublicKey, s.ctLogID, start)},
		"certificateAuthorities": []any{map[string]any{
			"subject": map[string]string{"organization": "fakesigstore", "commonName": "fakesigstore"},
			"uri":     "https://" + s.host + "/fulcio",
			"certChain": map[string]any{"certificates": []any{
				map[string]string{"rawBytes": base64.StdEncoding.EncodeToString(s.inter.Raw)},
				map[string]string{"rawBytes": base64.StdEncoding.EncodeToString(s.rootCert.Raw)},
			}},
			"validFor": start,
		}},
		"timestampAuthorities": []any{},
	})
	if err != nil {
		panic("fakesigstore: encoding the trusted root: " + err.Error()) // plain values: cannot fail
	}
	return b
}

func (s *Sigstore) logJSON(url string, pub *ecdsa.PublicKey, id [32]byte, validFor map[string]string) map[string]any {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		panic("fakesigstore: encoding a log key: " + err.Error())
	}
	return map[string]any{
		"baseUrl":       url,
		"hashAlgorithm": "SHA2_256",
		"publicKey": map[string]any{
			"rawBytes":   base64.StdEncoding.EncodeToString(der),
			"keyDetails": "PKIX_ECDSA_P256_SHA_256",
			"validFor":   validFor,
		},
		"logId": map[string]string{"keyId": base64.StdEncoding.EncodeToString(id[:])},
	}
}

// SigningConfigJSON returns Sigstore's SigningConfig (v0.2) pointing at
// this Fulcio and this Rekor (majorApiVersion 1), with no timestamp
// authority and no OIDC provider.
func (s *Sigstore) SigningConfigJSON(fulcioURL, rekorURL string) []byte {
	svc := func(url string) []any {
		return []any{map[string]any{
			"url": url, "majorApiVersion": 1, "operator": "fakesigstore",
			"validFor": map[string]string{"start": s.created.Format(time.RFC3339)},
		}}
	}
	b, err := marshalJSON(map[string]any{
		"mediaType":       SigningConfigMediaType,
		"caUrls":          svc(fulcioURL),
		"oidcUrls":        []any{},
		"rekorTlogUrls":   svc(rekorURL),
		"rekorTlogConfig": map[string]string{"selector": "ANY"},
		"tsaUrls":         []any{},
		"tsaConfig":       map[string]string{"selector": "ANY"},
	})
	if err != nil {
		panic("fakesigstore: encoding the signing config: " + err.Error())
	}
	return b
}
