package sigstore_test

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/pyupload/pyupload/internal/sigstoretest"
	"github.com/pyupload/pyupload/pkg/sigstore"
)

// sigstoreGoDir is sigstore-go@v1.3.0's module directory (a test-only
// dependency, so it is in the module cache).
func sigstoreGoDir(t *testing.T) string {
	t.Helper()
	out, err := exec.CommandContext(t.Context(), "go", "list", "-m", "-json", "github.com/sigstore/sigstore-go").Output()
	if err != nil {
		t.Fatalf("go list -m github.com/sigstore/sigstore-go: %v", err)
	}
	var m struct{ Dir, Version string }
	if err := json.Unmarshal(out, &m); err != nil || m.Dir == "" {
		t.Fatalf("go list -m: no Dir in %s (%v)", out, err)
	}
	if m.Version != "v1.3.0" {
		t.Fatalf("sigstore-go is %s, want v1.3.0", m.Version)
	}
	return m.Dir
}

func readRealBundle(t *testing.T, rel string) (*sigstore.Attestation, *sigstore.TrustedRoot) {
	t.Helper()
	dir := sigstoreGoDir(t)
	data, err := os.ReadFile(filepath.Join(dir, rel))
	if err != nil {
		t.Fatal(err)
	}
	att, err := sigstoretest.FromBundle(data)
	if err != nil {
		t.Fatal(err)
	}
	rootJSON, err := os.ReadFile(filepath.Join(dir, "examples", "trusted-root-public-good.json"))
	if err != nil {
		t.Fatal(err)
	}
	root, err := sigstore.ParseTrustedRoot(rootJSON)
	if err != nil {
		t.Fatal(err)
	}
	return att, root
}

// The real production bundle nobody here wrote: sigstore-js 2.0.0's npm
// provenance, signed by GitHub Actions through Fulcio and logged in Rekor
// (intoto 0.0.2, with an inclusion proof and checkpoint).
const realBundle = "pkg/testing/data/bundles/sigstore.js@2.0.0-provenance.sigstore.json"

func TestVerifyRealBundle(t *testing.T) {
	t.Parallel()
	att, root := readRealBundle(t, realBundle)
	res, err := sigstore.VerifyAttestation(att, root)
	if err != nil {
		t.Fatalf("VerifyAttestation(real bundle) = %v", err)
	}
	id := res.Identity
	if id.Issuer != sigstore.GitHubIssuer || id.SourceRepositoryURI != "https://github.com/sigstore/sigstore-js" {
		t.Errorf("identity = %+v", id)
	}
	t.Logf("verified: %s, log index %d at %s", id, res.LogIndex, res.IntegratedTime.UTC())
	if err := (sigstore.GitHub{Repository: "sigstore/sigstore-js"}).Check(id); err != nil {
		t.Errorf("GitHub policy: %v", err)
	}
	if err := (sigstore.GitHub{Repository: "sigstore/sigstore-go"}).Check(id); err == nil {
		t.Error("GitHub policy of another repository accepted the real identity")
	}
}

func TestVerifyRealBundleTampered(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		tamper func(a *sigstore.Attestation)
		check  string
	}{
		{"statement", func(a *sigstore.Attestation) { a.Envelope.Statement[10] ^= 1 }, sigstore.CheckSignature},
		{"signature", func(a *sigstore.Attestation) { a.Envelope.Signature[len(a.Envelope.Signature)-3] ^= 1 }, sigstore.CheckSignature},
		{"SET", func(a *sigstore.Attestation) {
			s := a.VerificationMaterial.TransparencyEntries[0].InclusionPromise.SignedEntryTimestamp
			s[len(s)-3] ^= 1
		}, sigstore.CheckLogEntry},
		{"integrated time", func(a *sigstore.Attestation) { a.VerificationMaterial.TransparencyEntries[0].IntegratedTime++ }, sigstore.CheckLogEntry},
		{"proof hash", func(a *sigstore.Attestation) {
			a.VerificationMaterial.TransparencyEntries[0].InclusionProof.Hashes[0][0] ^= 1
		}, sigstore.CheckInclusionProof},
		{"root hash", func(a *sigstore.Attestation) {
			a.VerificationMaterial.TransparencyEntries[0].InclusionProof.RootHash[0] ^= 1
		}, sigstore.CheckInclusionProof},
		{"checkpoint", func(a *sigstore.Attestation) {
			p := a.VerificationMaterial.TransparencyEntries[0].InclusionProof
			p.Checkpoint.Envelope = "x" + p.Checkpoint.Envelope
		}, sigstore.CheckCheckpoint},
		{"no proof", func(a *sigstore.Attestation) { a.VerificationMaterial.TransparencyEntries[0].InclusionProof = nil }, sigstore.CheckInclusionProof},
		{"unknown log", func(a *sigstore.Attestation) { a.VerificationMaterial.TransparencyEntries[0].LogID.KeyID[0] ^= 1 }, sigstore.CheckLogEntry},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			att, root := readRealBundle(t, realBundle)
			tc.tamper(att)
			_, err := sigstore.VerifyAttestation(att, root)
			ve, ok := errors.AsType[*sigstore.VerificationError](err)
			if !ok || ve.Check != tc.check {
				t.Fatalf("VerifyAttestation(tampered %s) = %v, want a %q failure", tc.name, err, tc.check)
			}
		})
	}
}

func TestVerifyRealBundleNotADistribution(t *testing.T) {
	t.Parallel()
	att, root := readRealBundle(t, realBundle)
	_, err := sigstore.Verify(att, root, "sigstore-2.0.0.tar.gz", [32]byte{}, sigstore.GitHub{Repository: "sigstore/sigstore-js"})
	ve, ok := errors.AsType[*sigstore.VerificationError](err)
	if !ok || (ve.Check != sigstore.CheckStatement && ve.Check != sigstore.CheckSubject) {
		t.Fatalf("Verify(npm provenance as a dist) = %v, want a statement or subject failure", err)
	}
}
