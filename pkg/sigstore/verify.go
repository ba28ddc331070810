package sigstore

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"time"
)

// Result describes a verified attestation.
type Result struct {
	Identity       *Identity
	Statement      *Statement
	Certificate    *x509.Certificate
	IntegratedTime time.Time
	LogIndex       int64
}

// Verify checks an attestation for one distribution as PyPI does: the
// signature, certificate, log entry and SCT ([VerifyAttestation]), then the
// statement (type, exactly one subject naming filename with this sha256, a
// predicate type PyPI knows) and the signer's identity against policy.
// Every failure is a [*VerificationError] naming the check.
func Verify(att *Attestation, root *TrustedRoot, filename string, sha256 [32]byte, policy Policy) (*Result, error) {
	res, err := VerifyAttestation(att, root)
	if err != nil {
		return nil, err
	}
	if err := VerifyStatement(res.Statement, filename, sha256); err != nil {
		return nil, err
	}
	if policy == nil {
		return nil, failf(CheckIdentity, nil, "no policy given")
	}
	if err := policy.Check(res.Identity); err != nil {
		return nil, failf(CheckIdentity, err, "the signer is not the expected publisher")
	}
	return res, nil
}

// VerifyAttestation checks everything about an attestation that does not
// depend on the file or the publisher: the DSSE signature by the
// certificate's key, the certificate's chain to a Fulcio CA of root at the
// log's integrated time, its embedded SCT (when root lists CT logs), and
// the one Rekor entry: its signed entry timestamp, its inclusion proof and
// checkpoint, and that its body logs this envelope and certificate. The
// statement is parsed but not judged.
func VerifyAttestation(att *Attestation, root *TrustedRoot) (*Result, error) {
	if att == nil || root == nil {
		return nil, failf(CheckFormat, nil, "no attestation or no trusted root")
	}
	if err := att.check(); err != nil {
		return nil, failf(CheckFormat, err, "not a PyPI attestation")
	}
	cert, err := x509.ParseCertificate(att.VerificationMaterial.Certificate)
	if err != nil {
		return nil, failf(CheckCertificate, err, "unreadable certificate")
	}
	if err := verifySignature(cert, att.Envelope); err != nil {
		return nil, err
	}
	if n := len(att.VerificationMaterial.TransparencyEntries); n != 1 {
		return nil, failf(CheckLogEntry, nil, "%d transparency entries, want exactly one", n)
	}
	entry := &att.VerificationMaterial.TransparencyEntries[0]
	if err := verifyEntry(entry, root); err != nil {
		return nil, err
	}
	if err := checkBody(entry, att, cert); err != nil {
		return nil, err
	}
	when := time.Unix(entry.IntegratedTime, 0)
	issuer, err := verifyChain(cert, root, when)
	if err != nil {
		return nil, err
	}
	if len(root.CTLogs) > 0 {
		if err := verifySCT(cert, issuer, root, when); err != nil {
			return nil, err
		}
	}
	id, err := IdentityOf(cert)
	if err != nil {
		return nil, failf(CheckCertificate, err, "no Sigstore identity")
	}
	var st Statement
	if err := json.Unmarshal(att.Envelope.Statement, &st); err != nil {
		return nil, failf(CheckStatement, err, "not JSON")
	}
	// Last, so that a failure here means every other check passed.
	if err := verifyCheckpoint(entry.InclusionProof, findLog(root.TLogs, entry.LogID.KeyID)); err != nil {
		return nil, err
	}
	return &Result{Identity: id, Statement: &st, Certificate: cert, IntegratedTime: when, LogIndex: entry.LogIndex}, nil
}

func verifySignature(cert *x509.Certificate, env AttestationEnvelope) error {
	if _, ok := cert.PublicKey.(*ecdsa.PublicKey); !ok {
		return failf(CheckSignature, nil, "the certificate's key is a %T, want ECDSA", cert.PublicKey)
	}
	if !verifyWith(cert.PublicKey, PAE(PayloadType, env.Statement), env.Signature) {
		return failf(CheckSignature, nil, "the DSSE signature does not verify with the certificate's key")
	}
	return nil
}

// verifyChain checks the leaf against every Fulcio CA valid at when, and
// returns the certificate that issued it.
func verifyChain(leaf *x509.Certificate, root *TrustedRoot, when time.Time) (*x509.Certificate, error) {
	if when.Before(leaf.NotBefore) || when.After(leaf.NotAfter) {
		return nil, failf(CheckCertificate, nil, "the log integrated the entry at %s, outside the certificate's validity (%s to %s)",
			when.UTC().Format(time.RFC3339), leaf.NotBefore.UTC().Format(time.RFC3339), leaf.NotAfter.UTC().Format(time.RFC3339))
	}
	var last error
	for _, ca := range root.CAs {
		if !validAt(ca.Start, ca.End, when) || len(ca.Chain) == 0 {
			continue // ParseTrustedRoot refuses an empty chain; a root built by hand may have one
		}
		roots, inter := x509.NewCertPool(), x509.NewCertPool()
		roots.AddCert(ca.Chain[len(ca.Chain)-1])
		for _, c := range ca.Chain[:len(ca.Chain)-1] {
			inter.AddCert(c)
		}
		chains, err := leaf.Verify(x509.VerifyOptions{
			Roots: roots, Intermediates: inter, CurrentTime: when,
			KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
		})
		if err != nil {
			last = err
			continue
		}
		if len(chains[0]) < 2 {
			return nil, failf(CheckCertificate, nil, "the leaf is a CA's own certificate")
		}
		return chains[0][1], nil
	}
	if last == nil {
		return nil, failf(CheckCertificate, nil, "no Fulcio CA of the trusted root was valid at %s", when.UTC().Format(time.RFC3339))
	}
	return nil, failf(CheckCertificate, last, "no chain to a Fulcio CA of the trusted root")
}

// findLog returns the log of logs whose ID is id.
func findLog(logs []Log, id []byte) *Log {
	for i := range logs {
		if bytes.Equal(logs[i].ID, id) {
			return &logs[i]
		}
	}
	return nil
}

// VerifyStatement checks a statement as PyPI does: in-toto v1, exactly one
// subject, whose name parsed as a distribution filename is filename (see
// [SameDistribution]) and whose sha256 is sha256, and a known predicate
// type (publish/v1 or SLSA provenance v1).
func VerifyStatement(st *Statement, filename string, sha256 [32]byte) error {
	if st.Type != StatementType {
		return failf(CheckStatement, nil, "type %q, want %q", st.Type, StatementType)
	}
	if st.PredicateType != PublishPredicate && st.PredicateType != SLSAPredicate {
		return failf(CheckStatement, nil, "unknown predicate type %q", st.PredicateType)
	}
	if len(st.Subject) != 1 {
		return failf(CheckSubject, nil, "%d subjects, want exactly one", len(st.Subject))
	}
	sub := st.Subject[0]
	if !SameDistribution(sub.Name, filename) {
		return failf(CheckSubject, nil, "the subject is %q, not %q", sub.Name, filename)
	}
	want := fmt.Sprintf("%x", sha256[:])
	if got := sub.Digest["sha256"]; got != want {
		return failf(CheckSubject, nil, "the subject's sha256 is %q, the file's is %s", got, want)
	}
	return nil
}
