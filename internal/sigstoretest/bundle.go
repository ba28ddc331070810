package sigstoretest

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/pyupload/pyupload/pkg/sigstore"
)

// BundleMediaType is the Sigstore bundle v0.3 media type.
const BundleMediaType = "application/vnd.dev.sigstore.bundle.v0.3+json"

type bundleJSON struct {
	MediaType            string `json:"mediaType"`
	VerificationMaterial struct {
		Certificate *struct {
			RawBytes []byte `json:"rawBytes"`
		} `json:"certificate,omitempty"`
		X509CertificateChain *struct {
			Certificates []struct {
				RawBytes []byte `json:"rawBytes"`
			} `json:"certificates"`
		} `json:"x509CertificateChain,omitempty"`
		TLogEntries []sigstore.TransparencyLogEntry `json:"tlogEntries"`
	} `json:"verificationMaterial"`
	DSSEEnvelope *sigstore.Envelope `json:"dsseEnvelope"`
}

// BundleJSON converts a PyPI attestation into a Sigstore bundle (v0.3,
// protobuf JSON), the form sigstore-go's verifier reads: the leaf
// certificate, the log entries and the DSSE envelope with its one
// signature. It is what pypi-attestations' to_bundle does.
func BundleJSON(att *sigstore.Attestation) ([]byte, error) {
	var b bundleJSON
	b.MediaType = BundleMediaType
	b.VerificationMaterial.Certificate = &struct {
		RawBytes []byte `json:"rawBytes"`
	}{att.VerificationMaterial.Certificate}
	b.VerificationMaterial.TLogEntries = att.VerificationMaterial.TransparencyEntries
	b.DSSEEnvelope = &sigstore.Envelope{
		PayloadType: sigstore.PayloadType,
		Payload:     att.Envelope.Statement,
		Signatures:  []sigstore.EnvelopeSignature{{Sig: att.Envelope.Signature}},
	}
	return json.Marshal(b)
}

// FromBundle converts a Sigstore bundle (any version with a DSSE envelope
// and a certificate, or a certificate chain whose first is the leaf) into
// PyPI's attestation form, as pypi-attestations' from_bundle does.
func FromBundle(data []byte) (*sigstore.Attestation, error) {
	var b bundleJSON
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, fmt.Errorf("reading the bundle: %w", err)
	}
	vm := b.VerificationMaterial
	var cert []byte
	switch {
	case vm.Certificate != nil:
		cert = vm.Certificate.RawBytes
	case vm.X509CertificateChain != nil && len(vm.X509CertificateChain.Certificates) > 0:
		cert = vm.X509CertificateChain.Certificates[0].RawBytes
	default:
		return nil, errors.New("the bundle has no certificate")
	}
	if b.DSSEEnvelope == nil || len(b.DSSEEnvelope.Signatures) != 1 {
		return nil, errors.New("the bundle has no DSSE envelope with one signature")
	}
	return &sigstore.Attestation{
		Version: 1,
		VerificationMaterial: sigstore.VerificationMaterial{
			Certificate:         cert,
			TransparencyEntries: vm.TLogEntries,
		},
		Envelope: sigstore.AttestationEnvelope{
			Statement: b.DSSEEnvelope.Payload,
			Signature: b.DSSEEnvelope.Signatures[0].Sig,
		},
	}, nil
}
