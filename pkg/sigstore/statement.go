package sigstore

import (
	"encoding/hex"
	"encoding/json"
	"strconv"
)

// In-toto and DSSE constants.
const (
	// StatementType is the in-toto v1 statement's _type.
	StatementType = "https://in-toto.io/Statement/v1"
	// PublishPredicate is PyPI's publish attestation predicate type.
	PublishPredicate = "https://docs.pypi.org/attestations/publish/v1"
	// SLSAPredicate is the SLSA provenance v1 predicate type, the other
	// predicate type PyPI accepts.
	SLSAPredicate = "https://slsa.dev/provenance/v1"
	// PayloadType is the DSSE payload type of an in-toto statement.
	PayloadType = "application/vnd.in-toto+json"
)

// Statement is an in-toto v1 statement.
type Statement struct {
	Type          string          `json:"_type"`
	Subject       []Subject       `json:"subject"`
	PredicateType string          `json:"predicateType"`
	Predicate     json.RawMessage `json:"predicate"`
}

// Subject is one artifact of a [Statement]: a name and its digests.
type Subject struct {
	Name   string            `json:"name"`
	Digest map[string]string `json:"digest"`
}

// NewStatement returns the publish/v1 statement for one distribution: its
// exact filename and sha256, and a null predicate.
func NewStatement(filename string, sha256 [32]byte) *Statement {
	return &Statement{
		Type:          StatementType,
		Subject:       []Subject{{Name: filename, Digest: map[string]string{"sha256": hex.EncodeToString(sha256[:])}}},
		PredicateType: PublishPredicate,
		Predicate:     json.RawMessage("null"),
	}
}

// PAE is DSSE's pre-authentication encoding of a payload: what is signed.
func PAE(payloadType string, payload []byte) []byte {
	b := make([]byte, 0, 32+len(payloadType)+len(payload))
	b = append(b, "DSSEv1 "...)
	b = strconv.AppendInt(b, int64(len(payloadType)), 10)
	b = append(b, ' ')
	b = append(b, payloadType...)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(len(payload)), 10)
	b = append(b, ' ')
	return append(b, payload...)
}

// Envelope is a DSSE envelope as JSON carries it (payload and signatures
// base64 in the JSON; raw bytes here).
type Envelope struct {
	PayloadType string              `json:"payloadType"`
	Payload     []byte              `json:"payload"`
	Signatures  []EnvelopeSignature `json:"signatures"`
}

// EnvelopeSignature is one signature of an [Envelope].
type EnvelopeSignature struct {
	KeyID string `json:"keyid,omitempty"`
	Sig   []byte `json:"sig"`
}
