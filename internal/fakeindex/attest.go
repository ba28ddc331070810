package fakeindex

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/fulcio/certificate"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/verify"

	"github.com/pyupload/pyupload/pkg/dist"
)

// Predicate types PyPI accepts, and the in-toto statement type.
const (
	PredicatePublishV1 = "https://docs.pypi.org/attestations/publish/v1"
	PredicateSLSAV1    = "https://slsa.dev/provenance/v1"
	statementTypeV1    = "https://in-toto.io/Statement/v1"
	inTotoPayloadType  = "application/vnd.in-toto+json"
)

// maxAttestations is how many attestations a file may carry: one per
// predicate type PyPI knows.
const maxAttestations = 2

// PyPI's texts for refused attestations (row 25), after "Invalid
// attestations supplied during upload: ".
const (
	msgAttestPrefix       = "Invalid attestations supplied during upload: "
	msgAttestNeedsTP      = "Attestations are only supported when using Trusted Publishing"
	msgAttestEmpty        = "Malformed attestations: an empty attestation set is not permitted"
	msgAttestTooMany      = "A maximum of 2 attestations per file are supported"
	msgAttestVerify       = "Could not verify the uploaded artifact using the included attestation: Verification failed: "
	msgAttestUnknownType  = "Attestation with unsupported predicate type: "
	msgAttestDuplicateTyp = "Multiple attestations for the same file with the same predicate type (%s) are not supported"
)

// Attestation is PyPI's attestation object (PEP 740) as uploaded in the
// attestations field. TransparencyEntries are Sigstore TransparencyLogEntry
// messages in protobuf JSON, kept as received.
type Attestation struct {
	Version              int `json:"version"`
	VerificationMaterial struct {
		Certificate         []byte            `json:"certificate"`
		TransparencyEntries []json.RawMessage `json:"transparency_entries"`
	} `json:"verification_material"`
	Envelope struct {
		Statement []byte `json:"statement"`
		Signature []byte `json:"signature"`
	} `json:"envelope"`
}

// ParseAttestations decodes the attestations field: a JSON array of
// attestation objects, each of version 1 with a certificate, a statement
// and a signature. Errors are what "Malformed attestations: …" reports.
func ParseAttestations(field []byte) ([]Attestation, error) {
	var raw []json.RawMessage
	if err := json.Unmarshal(field, &raw); err != nil {
		return nil, fmt.Errorf("the field is not a JSON array of objects: %w", err)
	}
	out := make([]Attestation, len(raw))
	for i, r := range raw {
		// Unknown members are ignored, as pydantic's models do by default.
		if err := json.Unmarshal(r, &out[i]); err != nil {
			return nil, fmt.Errorf("attestation %d: %w", i, err)
		}
		a := &out[i]
		switch {
		case a.Version != 1:
			return nil, fmt.Errorf("attestation %d: version %d is not 1", i, a.Version)
		case len(a.VerificationMaterial.Certificate) == 0:
			return nil, fmt.Errorf("attestation %d: verification_material.certificate is missing", i)
		case len(a.Envelope.Statement) == 0 || len(a.Envelope.Signature) == 0:
			return nil, fmt.Errorf("attestation %d: envelope.statement and envelope.signature are required", i)
		}
	}
	return out, nil
}

// bundle turns a PyPI attestation back into the Sigstore bundle it was
// made from: the leaf certificate, the log entries and a DSSE envelope
// with its one signature.
func (a *Attestation) bundle() (*bundle.Bundle, error) {
	entries := a.VerificationMaterial.TransparencyEntries
	if entries == nil {
		entries = []json.RawMessage{}
	}
	doc, err := json.Marshal(map[string]any{
		"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
		"verificationMaterial": map[string]any{
			"certificate": map[string]any{"rawBytes": a.VerificationMaterial.Certificate},
			"tlogEntries": entries,
		},
		"dsseEnvelope": map[string]any{
			"payload":     a.Envelope.Statement,
			"payloadType": inTotoPayloadType,
			"signatures":  []any{map[string]any{"sig": a.Envelope.Signature}},
		},
	})
	if err != nil {
		return nil, err
	}
	var b bundle.Bundle
	if err := b.UnmarshalJSON(doc); err != nil {
		return nil, fmt.Errorf("invalid bundle: %w", err)
	}
	return &b, nil
}

// attestationVerifier returns sigstore-go's verifier for the index's trust
// root, made on first use: an SCT, a log entry and an integrated
// timestamp are required, as PyPI requires them.
func (ix *Index) attestationVerifier() (*verify.Verifier, error) {
	ix.verifierOnce.Do(func() {
		doc := ix.trustedRoot
		if doc == nil {
			doc = ix.sigstore.TrustedRootJSON()
		}
		tr, err := root.NewTrustedRootFromJSON(doc)
		if err != nil {
			ix.verifierErr = fmt.Errorf("reading the trusted root: %w", err)
			return
		}
		ix.verifier, ix.verifierErr = verify.NewVerifier(tr,
			verify.WithSignedCertificateTimestamps(1), verify.WithTransparencyLog(1), verify.WithIntegratedTimestamps(1))
	})
	return ix.verifier, ix.verifierErr
}

// checkAttestations is Warehouse's parse_attestations for a file uploaded
// with a Trusted Publishing token: the publisher kind, the field's form,
// then each attestation verified against the trust root and the
// publisher, and its predicate type. It returns the attestations to
// store, compacted.
func (ix *Index) checkAttestations(mt *mintedToken, field, filename, sha256 string) ([]json.RawMessage, *reply) {
	fail := func(msg string) ([]json.RawMessage, *reply) { return nil, badRequest("%s", msgAttestPrefix+msg) }
	pub := mt.publisher
	if name := publisherName(pub.Kind); !attestingKind(pub.Kind) {
		return fail("Attestations are not currently supported with " + name + " publishers")
	}
	atts, err := ParseAttestations([]byte(field))
	switch {
	case err != nil:
		return fail("Malformed attestations: " + err.Error())
	case len(atts) == 0:
		return fail(msgAttestEmpty)
	case len(atts) > maxAttestations:
		return fail(msgAttestTooMany)
	}
	v, err := ix.attestationVerifier()
	if err != nil {
		return nil, &reply{status: http.StatusInternalServerError, message: "fakeindex: " + err.Error()}
	}
	var seen []string
	for i := range atts {
		pred, err := verifyAttestation(v, &atts[i], &pub, filename, sha256)
		if err != nil {
			return fail(msgAttestVerify + err.Error())
		}
		if pred != PredicatePublishV1 && pred != PredicateSLSAV1 {
			return fail(msgAttestUnknownType + pred)
		}
		if slices.Contains(seen, pred) {
			return fail(fmt.Sprintf(msgAttestDuplicateTyp, pred))
		}
		seen = append(seen, pred)
	}
	var raw []json.RawMessage
	_ = json.Unmarshal([]byte(field), &raw) // parsed above
	for i, r := range raw {
		var b bytes.Buffer
		if json.Compact(&b, r) == nil {
			raw[i] = b.Bytes()
		}
	}
	return raw, nil
}

// attestingKind reports whether PyPI accepts attestations from a
// publisher kind (Warehouse's attestation_identity: GitHub, GitLab and
// Google).
func attestingKind(kind string) bool {
	return kind == KindGitHub || kind == KindGitLab || kind == KindGoogle
}

// publisherName is Warehouse's publisher_name.
func publisherName(kind string) string {
	switch kind {
	case KindGitHub:
		return "GitHub"
	case KindGitLab:
		return "GitLab"
	case KindGoogle:
		return "Google"
	case KindCircleCI:
		return "CircleCI"
	}
	return kind
}

// verifyAttestation is pypi-attestations' Attestation.verify: the
// Sigstore verification (signature, chain, SCT, log entry) with the
// publisher's identity policy, then the statement: exactly one subject
// whose name is the distribution's and whose sha256 is the file's. It
// returns the predicate type.
func verifyAttestation(v *verify.Verifier, a *Attestation, pub *Publisher, filename, sha256 string) (string, error) {
	b, err := a.bundle()
	if err != nil {
		return "", err
	}
	res, err := v.Verify(b, verify.NewPolicy(verify.WithoutArtifactUnsafe(), verify.WithoutIdentitiesUnsafe()))
	if err != nil {
		return "", err
	}
	if res.Signature == nil || res.Signature.Certificate == nil {
		return "", errors.New("the bundle has no certificate")
	}
	if err := checkIdentity(pub, res.Signature.Certificate); err != nil {
		return "", err
	}
	var st struct {
		Type    string `json:"_type"`
		Subject []struct {
			Name   string            `json:"name"`
			Digest map[string]string `json:"digest"`
		} `json:"subject"`
		PredicateType string `json:"predicateType"`
	}
	if err := json.Unmarshal(a.Envelope.Statement, &st); err != nil || st.Type != statementTypeV1 {
		return "", errors.New("invalid statement: not an in-toto v1 statement")
	}
	if len(st.Subject) != 1 {
		return "", errors.New("too many subjects in statement (must be exactly one)")
	}
	sub := st.Subject[0]
	want, err1 := distIdentity(filename)
	got, err2 := distIdentity(sub.Name)
	if err1 != nil || err2 != nil || !got.same(want) {
		return "", fmt.Errorf("subject does not match distribution name: %s != %s", sub.Name, filename)
	}
	if d := sub.Digest["sha256"]; !strings.EqualFold(d, sha256) {
		return "", fmt.Errorf("subject does not match distribution digest: %s != %s", d, sha256)
	}
	return st.PredicateType, nil
}

// checkIdentity is the publisher's verification policy: the certificate
// must name the trusted publisher that minted the upload token.
func checkIdentity(pub *Publisher, cert *certificate.Summary) error {
	mismatch := func(what, got, want string) error {
		return fmt.Errorf("Certificate's %s (%s) does not match expected Trusted Publisher (%s)", what, got, want) //nolint:staticcheck // PyPI's capitalised text
	}
	issuer := map[string]string{KindGitHub: IssuerGitHub, KindGitLab: IssuerGitLab, KindGoogle: IssuerGoogle}[pub.Kind]
	if cert.Issuer != issuer {
		return mismatch("OIDC issuer", cert.Issuer, issuer)
	}
	switch pub.Kind {
	case KindGoogle:
		if cert.SubjectAlternativeName != pub.Email {
			return mismatch("email", cert.SubjectAlternativeName, pub.Email)
		}
		return nil
	case KindGitHub:
		repo := "https://github.com/" + pub.RepositoryOwner + "/" + pub.Repository
		if cert.SourceRepositoryURI != repo {
			return mismatch("Source Repository URI", cert.SourceRepositoryURI, repo)
		}
		return checkBuildConfig(cert, repo+"/.github/workflows/"+pub.WorkflowFilename, pub.WorkflowFilename+" @ "+pub.RepositoryOwner+"/"+pub.Repository)
	}
	// GitLab: the project that ran the pipeline, then its CI file.
	repo := "https://gitlab.com/" + pub.ProjectPath
	if cert.SourceRepositoryURI != repo {
		return mismatch("Source Repository URI", cert.SourceRepositoryURI, repo)
	}
	return checkBuildConfig(cert, repo+"//"+pub.CIConfigPath, pub.CIConfigPath+" @ "+pub.ProjectPath)
}

// checkBuildConfig checks the Build Config URI against the workflow at
// the certificate's source ref or digest.
func checkBuildConfig(cert *certificate.Summary, workflow, publisher string) error {
	if cert.SourceRepositoryRef == "" && cert.SourceRepositoryDigest == "" {
		return errors.New("The certificate has neither a Source Repository Ref nor a Source Repository Digest") //nolint:staticcheck // PyPI's capitalised text
	}
	for _, ref := range []string{cert.SourceRepositoryRef, cert.SourceRepositoryDigest} {
		if ref != "" && cert.BuildConfigURI == workflow+"@"+ref {
			return nil
		}
	}
	return fmt.Errorf("Certificate's Build Config URI (%s) does not match expected Trusted Publisher (%s)", cert.BuildConfigURI, publisher) //nolint:staticcheck // PyPI's capitalised text
}

// distID is what packaging's parse_wheel_filename and
// parse_sdist_filename make of a filename: the canonical name, the
// version, and for a wheel the build tag and the set of tags.
type distID struct {
	kind, name, build, tags string
	version                 dist.Version
}

// same compares as Python compares the parsed tuples: versions by PEP 440
// equality (1.0 is 1.0.0), tags as a set (so their order does not matter).
func (d distID) same(o distID) bool {
	return d.kind == o.kind && d.name == o.name && d.build == o.build && d.tags == o.tags && d.version.Equal(o.version)
}

// distIdentity parses a wheel or sdist filename into a distID.
func distIdentity(filename string) (distID, error) {
	if base, ok := strings.CutSuffix(filename, ".whl"); ok {
		parts := strings.Split(base, "-")
		if len(parts) != 5 && len(parts) != 6 {
			return distID{}, errors.New("invalid wheel filename")
		}
		v, err := dist.ParseVersion(parts[1])
		if err != nil {
			return distID{}, err
		}
		id := distID{kind: "wheel", name: canonicalName(parts[0]), version: v}
		if len(parts) == 6 {
			id.build = parts[2]
		}
		n := len(parts)
		var tags []string
		for py := range strings.SplitSeq(parts[n-3], ".") {
			for abi := range strings.SplitSeq(parts[n-2], ".") {
				for plat := range strings.SplitSeq(parts[n-1], ".") {
					tags = append(tags, strings.ToLower(py+"-"+abi+"-"+plat))
				}
			}
		}
		slices.Sort(tags)
		id.tags = strings.Join(slices.Compact(tags), ",")
		return id, nil
	}
	base, ok := strings.CutSuffix(filename, ".tar.gz")
	if !ok {
		base, ok = strings.CutSuffix(filename, ".zip")
	}
	name, version, found := cutLast(base, "-")
	if !ok || !found {
		return distID{}, errors.New("invalid sdist filename")
	}
	v, err := dist.ParseVersion(version)
	if err != nil {
		return distID{}, err
	}
	return distID{kind: "sdist", name: canonicalName(name), version: v}, nil
}

// provenancePublisher is the publisher object of PyPI's integrity API.
func provenancePublisher(p *Publisher) map[string]any {
	env := any(nil)
	if p.Environment != "" {
		env = p.Environment
	}
	switch p.Kind {
	case KindGitHub:
		return map[string]any{"kind": "GitHub", "repository": p.RepositoryOwner + "/" + p.Repository, "workflow": p.WorkflowFilename, "environment": env}
	case KindGitLab:
		return map[string]any{"kind": "GitLab", "repository": p.ProjectPath, "workflow_filepath": p.CIConfigPath, "environment": env}
	}
	return map[string]any{"kind": "Google", "email": p.Email}
}

// Provenance returns what GET /integrity/<project>/<version>/<filename>/provenance
// answers for a stored file, or nil when the file has no attestations.
func (ix *Index) Provenance(filename string) []byte {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	sf := ix.byFilename[filename]
	if sf == nil || len(sf.attestations) == 0 {
		return nil
	}
	b, _ := json.Marshal(map[string]any{
		"version": 1,
		"attestation_bundles": []any{map[string]any{
			"publisher": sf.provenancePub, "attestations": sf.attestations,
		}},
	})
	return b
}

// handleProvenance is PyPI's integrity API for one file.
func (ix *Index) handleProvenance(w http.ResponseWriter, r *http.Request) {
	filename := r.PathValue("filename")
	ix.mu.Lock()
	sf := ix.byFilename[filename]
	ok := sf != nil && canonicalName(sf.Project) == canonicalName(r.PathValue("project"))
	if ok {
		v, err := parseVersion(r.PathValue("version"))
		ok = err == nil && v == sf.Version
	}
	ix.mu.Unlock()
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Release or file not found"})
		return
	}
	doc := ix.Provenance(filename)
	if doc == nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "No provenance available for " + filename})
		return
	}
	writeJSONBytes(w, http.StatusOK, "application/vnd.pypi.integrity.v1+json", doc)
}

// parseVersion returns str(Version(s)).
func parseVersion(s string) (string, error) {
	v, err := dist.ParseVersion(s)
	if err != nil {
		return "", err
	}
	return v.String(), nil
}
