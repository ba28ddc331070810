package sigstore

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Size bounds of the documents this package parses.
const (
	// MaxAttestationSize bounds one attestation object.
	MaxAttestationSize = 256 << 10
	// MaxProvenanceSize bounds an integrity API provenance document.
	MaxProvenanceSize = 4 << 20
)

// ErrMalformed is wrapped by every parse failure of this package's
// documents (attestations, provenance, trusted roots, signing configs,
// service answers).
var ErrMalformed = errors.New("sigstore: malformed document")

// Attestation is PyPI's attestation object (PEP 740), version 1.
type Attestation struct {
	Version              int                  `json:"version"`
	VerificationMaterial VerificationMaterial `json:"verification_material"`
	Envelope             AttestationEnvelope  `json:"envelope"`
}

// VerificationMaterial holds the signing certificate and the log entries
// of an [Attestation].
type VerificationMaterial struct {
	// Certificate is the leaf certificate, DER (base64 in JSON).
	Certificate         []byte                 `json:"certificate"`
	TransparencyEntries []TransparencyLogEntry `json:"transparency_entries"`
}

// AttestationEnvelope is the DSSE envelope of an [Attestation], its payload
// type implied (in-toto).
type AttestationEnvelope struct {
	// Statement is the DSSE payload: the in-toto statement's JSON bytes.
	Statement []byte `json:"statement"`
	// Signature is the one DSSE signature over PAE(in-toto, Statement).
	Signature []byte `json:"signature"`
}

// TransparencyLogEntry is dev.sigstore.rekor.v1.TransparencyLogEntry in
// canonical protobuf JSON (int64 as strings, bytes as base64).
type TransparencyLogEntry struct {
	LogIndex          int64             `json:"logIndex,string"`
	LogID             LogID             `json:"logId"`
	KindVersion       KindVersion       `json:"kindVersion"`
	IntegratedTime    int64             `json:"integratedTime,string"`
	InclusionPromise  *InclusionPromise `json:"inclusionPromise,omitempty"`
	InclusionProof    *InclusionProof   `json:"inclusionProof,omitempty"`
	CanonicalizedBody []byte            `json:"canonicalizedBody"`
}

// LogID names a log by the SHA-256 of its public key (PKIX DER).
type LogID struct {
	KeyID []byte `json:"keyId"`
}

// KindVersion is a Rekor entry's kind and version ("dsse", "0.0.1").
type KindVersion struct {
	Kind    string `json:"kind"`
	Version string `json:"version"`
}

// InclusionPromise carries the log's signed entry timestamp.
type InclusionPromise struct {
	SignedEntryTimestamp []byte `json:"signedEntryTimestamp"`
}

// InclusionProof is a Merkle audit path with the log's signed checkpoint.
type InclusionProof struct {
	LogIndex   int64      `json:"logIndex,string"`
	RootHash   []byte     `json:"rootHash"`
	TreeSize   int64      `json:"treeSize,string"`
	Hashes     [][]byte   `json:"hashes"`
	Checkpoint Checkpoint `json:"checkpoint"`
}

// Checkpoint is a signed note (the log's tree head).
type Checkpoint struct {
	Envelope string `json:"envelope"`
}

// Marshal returns the attestation's JSON, as PyPI takes it.
func (a *Attestation) Marshal() ([]byte, error) {
	return json.Marshal(a)
}

// ParseAttestation reads one attestation object strictly: at most
// [MaxAttestationSize] bytes, no unknown fields, version 1, a certificate,
// at least one log entry, a statement and a signature.
func ParseAttestation(data []byte) (*Attestation, error) {
	var a Attestation
	if err := decodeStrict(data, MaxAttestationSize, &a); err != nil {
		return nil, fmt.Errorf("parsing the attestation: %w", err)
	}
	if err := a.check(); err != nil {
		return nil, fmt.Errorf("parsing the attestation: %w", err)
	}
	return &a, nil
}

func (a *Attestation) check() error {
	switch {
	case a.Version != 1:
		return fmt.Errorf("%w: version %d, want 1", ErrMalformed, a.Version)
	case len(a.VerificationMaterial.Certificate) == 0:
		return fmt.Errorf("%w: no certificate", ErrMalformed)
	case len(a.VerificationMaterial.TransparencyEntries) == 0:
		return fmt.Errorf("%w: no transparency entry", ErrMalformed)
	case len(a.Envelope.Statement) == 0:
		return fmt.Errorf("%w: no statement", ErrMalformed)
	case len(a.Envelope.Signature) == 0:
		return fmt.Errorf("%w: no signature", ErrMalformed)
	}
	return nil
}

// decodeStrict decodes one JSON value of at most limit bytes, refusing
// unknown fields and trailing data.
func decodeStrict(data []byte, limit int, v any) error {
	if len(data) > limit {
		return fmt.Errorf("%w: %d bytes, more than %d", ErrMalformed, len(data), limit)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: data after the JSON value", ErrMalformed)
	}
	return nil
}

// Provenance is the answer of PyPI's integrity API for one file
// (/integrity/<project>/<version>/<file>/provenance).
type Provenance struct {
	Version            int                 `json:"version"`
	AttestationBundles []AttestationBundle `json:"attestation_bundles"`
}

// AttestationBundle groups the attestations one publisher made.
type AttestationBundle struct {
	Publisher    Publisher     `json:"publisher"`
	Attestations []Attestation `json:"attestations"`
}

// Publisher is the trusted publisher PyPI recorded for an
// [AttestationBundle]. Fields a kind does not have are empty; Claims holds
// any other field, verbatim.
type Publisher struct {
	Kind             string // "GitHub", "GitLab", "Google"
	Repository       string // GitHub "owner/repo"; GitLab "namespace/project"
	Workflow         string // GitHub: the workflow file's name
	WorkflowFilepath string // GitLab: the CI file's path
	Environment      string
	Email            string // Google: the service account
	Claims           map[string]json.RawMessage
}

// Policy returns the identity policy of the publisher PyPI recorded, to
// check its attestations' signer with: [GitHub], [GitLab] or [Google].
func (p *Publisher) Policy() (Policy, error) {
	switch p.Kind {
	case "GitHub":
		return GitHub{Repository: p.Repository, Workflow: p.Workflow}, nil
	case "GitLab":
		return GitLab{Project: p.Repository, CIFile: p.WorkflowFilepath}, nil
	case "Google":
		return Google{Email: p.Email}, nil
	}
	return nil, fmt.Errorf("sigstore: no identity policy for %q publishers", p.Kind)
}

// UnmarshalJSON reads the known fields and keeps the rest in Claims.
func (p *Publisher) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	fields := map[string]*string{
		"kind": &p.Kind, "repository": &p.Repository, "workflow": &p.Workflow,
		"workflow_filepath": &p.WorkflowFilepath, "environment": &p.Environment, "email": &p.Email,
	}
	for k, v := range raw {
		dst, ok := fields[k]
		if !ok {
			if p.Claims == nil {
				p.Claims = map[string]json.RawMessage{}
			}
			p.Claims[k] = v
			continue
		}
		if string(v) == "null" {
			continue
		}
		if err := json.Unmarshal(v, dst); err != nil {
			return fmt.Errorf("publisher field %q: %w", k, err)
		}
	}
	return nil
}

// ParseProvenance reads an integrity API provenance document: at most
// [MaxProvenanceSize] bytes, version 1, each attestation as strict as
// [ParseAttestation].
func ParseProvenance(data []byte) (*Provenance, error) {
	var p Provenance
	if err := decodeStrict(data, MaxProvenanceSize, &p); err != nil {
		return nil, fmt.Errorf("parsing the provenance: %w", err)
	}
	if p.Version != 1 {
		return nil, fmt.Errorf("parsing the provenance: %w: version %d, want 1", ErrMalformed, p.Version)
	}
	for i := range p.AttestationBundles {
		b := &p.AttestationBundles[i]
		if b.Publisher.Kind == "" {
			return nil, fmt.Errorf("parsing the provenance: %w: bundle %d has no publisher kind", ErrMalformed, i)
		}
		for j := range b.Attestations {
			if err := b.Attestations[j].check(); err != nil {
				return nil, fmt.Errorf("parsing the provenance: bundle %d, attestation %d: %w", i, j, err)
			}
		}
	}
	return &p, nil
}
