package sigstore_test

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/testing/ca"
	"github.com/sigstore/sigstore-go/pkg/tlog"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/pyupload/pyupload/pkg/sigstore"
)

// virtualRoot describes a VirtualSigstore's CA and Rekor log as a
// TrustedRoot. VirtualSigstore's leaves carry no SCT, so the root lists no
// CT log (and Verify checks none).
func virtualRoot(t *testing.T, vs *ca.VirtualSigstore) *sigstore.TrustedRoot {
	t.Helper()
	var tr sigstore.TrustedRoot
	for _, c := range vs.FulcioCertificateAuthorities() {
		f, ok := c.(*root.FulcioCertificateAuthority)
		if !ok {
			t.Fatalf("CA is a %T", c)
		}
		chain := append(slices.Clip(f.Intermediates), f.Root)
		tr.CAs = append(tr.CAs, sigstore.CertificateAuthority{Chain: chain, Start: f.ValidityPeriodStart, End: f.ValidityPeriodEnd})
	}
	for id, l := range vs.RekorLogs() {
		raw, err := hex.DecodeString(id)
		if err != nil {
			t.Fatal(err)
		}
		tr.TLogs = append(tr.TLogs, sigstore.Log{ID: raw, Key: l.PublicKey, Start: l.ValidityPeriodStart, End: l.ValidityPeriodEnd})
	}
	return &tr
}

// virtualAttestation has VirtualSigstore sign statement for email (Google
// issuer) and log it with an inclusion proof, and converts the result into
// PyPI's form through the protobuf JSON of its log entry.
func virtualAttestation(t *testing.T, vs *ca.VirtualSigstore, email string, statement []byte) *sigstore.Attestation {
	t.Helper()
	ent, err := vs.AttestAtTime(email, sigstore.GoogleIssuer, statement, time.Now().Add(time.Minute), true)
	if err != nil {
		t.Fatal(err)
	}
	vc, err := ent.VerificationContent()
	if err != nil {
		t.Fatal(err)
	}
	sc, err := ent.SignatureContent()
	if err != nil {
		t.Fatal(err)
	}
	env := sc.EnvelopeContent().RawEnvelope()
	sig, err := base64.StdEncoding.DecodeString(env.Signatures[0].Sig)
	if err != nil {
		t.Fatal(err)
	}
	payload, err := base64.StdEncoding.DecodeString(env.Payload)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := ent.TlogEntries()
	if err != nil {
		t.Fatal(err)
	}
	tleJSON, err := protojson.Marshal(entries[0].TransparencyLogEntry())
	if err != nil {
		t.Fatal(err)
	}
	var tle sigstore.TransparencyLogEntry
	if err := json.Unmarshal(tleJSON, &tle); err != nil {
		t.Fatalf("reading sigstore-go's protobuf JSON of the entry: %v\n%s", err, tleJSON)
	}
	// sigstore-go's NewEntry leaves the kind and version out of the
	// protobuf, and keeps the signed entry timestamp apart;
	// VirtualSigstore signs that again, over its own encoding.
	tle.KindVersion = sigstore.KindVersion{Kind: "dsse", Version: "0.0.1"}
	tle.InclusionPromise = &sigstore.InclusionPromise{}
	tle.InclusionPromise.SignedEntryTimestamp, err = vs.RekorSignPayload(tlog.RekorPayload{
		Body: base64.StdEncoding.EncodeToString(tle.CanonicalizedBody), IntegratedTime: tle.IntegratedTime,
		LogIndex: tle.LogIndex, LogID: hex.EncodeToString(tle.LogID.KeyID),
	})
	if err != nil {
		t.Fatal(err)
	}
	return &sigstore.Attestation{
		Version: 1,
		VerificationMaterial: sigstore.VerificationMaterial{
			Certificate:         vc.Certificate().Raw,
			TransparencyEntries: []sigstore.TransparencyLogEntry{tle},
		},
		Envelope: sigstore.AttestationEnvelope{Statement: payload, Signature: sig},
	}
}

func TestVerifyVirtualSigstore(t *testing.T) {
	t.Parallel()
	vs, err := ca.NewVirtualSigstore()
	if err != nil {
		t.Fatal(err)
	}
	const email = "release@proj.iam.gserviceaccount.com"
	digest := sha256.Sum256([]byte("sdist"))
	st, err := json.Marshal(sigstore.NewStatement("hello-1.0.tar.gz", digest))
	if err != nil {
		t.Fatal(err)
	}
	att := virtualAttestation(t, vs, email, st)
	tr := virtualRoot(t, vs)
	// Through the wire form, as an index would read it.
	data, err := att.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if att, err = sigstore.ParseAttestation(data); err != nil {
		t.Fatal(err)
	}
	// VirtualSigstore's checkpoints commit to a tree of size 42 whatever
	// the proof's size (1 here), which sigstore-go does not check and
	// pkg/sigstore refuses. The checkpoint is Verify's last check of the
	// signature, chain and log, so this failure means all others passed.
	_, err = sigstore.Verify(att, tr, "hello-1.0.tar.gz", digest, sigstore.Google{Email: email})
	if ve, ok := errors.AsType[*sigstore.VerificationError](err); !ok || ve.Check != sigstore.CheckCheckpoint || !strings.Contains(ve.Reason, "tree size \"42\"") {
		t.Fatalf("Verify(VirtualSigstore's attestation) = %v, want only its inconsistent checkpoint refused", err)
	}
	cert, err := x509.ParseCertificate(att.VerificationMaterial.Certificate)
	if err != nil {
		t.Fatal(err)
	}
	id, err := sigstore.IdentityOf(cert)
	if err != nil {
		t.Fatal(err)
	}
	if id.SAN != email || id.Issuer != sigstore.GoogleIssuer {
		t.Errorf("identity = %+v", id)
	}
	if err := (sigstore.Google{Email: email}).Check(id); err != nil {
		t.Errorf("Google policy: %v", err)
	}
	var statement sigstore.Statement
	if err := json.Unmarshal(att.Envelope.Statement, &statement); err != nil {
		t.Fatal(err)
	}
	if err := sigstore.VerifyStatement(&statement, "hello-1.0.tar.gz", digest); err != nil {
		t.Errorf("VerifyStatement = %v", err)
	}
	// A tampered signature fails before the checkpoint.
	att.Envelope.Signature[6] ^= 1
	_, err = sigstore.Verify(att, tr, "hello-1.0.tar.gz", digest, sigstore.Google{Email: email})
	if ve, ok := errors.AsType[*sigstore.VerificationError](err); !ok || ve.Check != sigstore.CheckSignature {
		t.Fatalf("Verify(tampered) = %v, want a signature failure", err)
	}
	att.Envelope.Signature[6] ^= 1
	if err := (sigstore.Google{Email: "other@proj.iam.gserviceaccount.com"}).Check(id); err == nil {
		t.Error("the Google policy of another account accepted the identity")
	}
	if err := sigstore.VerifyStatement(&statement, "hello-1.0.tar.gz", sha256.Sum256(nil)); err == nil {
		t.Error("VerifyStatement accepted another digest")
	}
}
