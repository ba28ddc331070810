package fakesigstore_test

import (
	"testing"

	"github.com/pyupload/pyupload/internal/fakesigstore"
)

// FuzzCanonicalBody feeds Rekor's entry parser arbitrary bodies: it must
// never panic, and what it accepts must be a dsse entry.
func FuzzCanonicalBody(f *testing.F) {
	f.Add([]byte(`{"kind":"dsse","apiVersion":"0.0.1","spec":{"proposedContent":{"envelope":"{\"payloadType\":\"t\",\"payload\":\"eA==\",\"signatures\":[{\"sig\":\"eA==\"}]}","verifiers":["eA=="]}}}`))
	f.Add([]byte(`{"kind":"hashedrekord","apiVersion":"0.0.1","spec":{}}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		out, err := fakesigstore.CanonicalBody(body)
		if err == nil && len(out) == 0 {
			t.Error("CanonicalBody accepted a body and returned nothing")
		}
	})
}

// FuzzParseCertRequest feeds Fulcio's request parser arbitrary bodies.
func FuzzParseCertRequest(f *testing.F) {
	f.Add([]byte(`{"credentials":{"oidcIdentityToken":"a.b.c"},"publicKeyRequest":{"publicKey":{"algorithm":"ECDSA","content":"-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n"},"proofOfPossession":"eA=="}}`), "")
	f.Add([]byte(`{"certificateSigningRequest":"x"}`), "tok")
	f.Fuzz(func(t *testing.T, body []byte, bearer string) {
		_, pub, pop, err := fakesigstore.ParseCertRequest(body, bearer)
		if err == nil && (pub == nil || len(pop) == 0) {
			t.Error("ParseCertRequest accepted a request without a key or proof")
		}
	})
}
