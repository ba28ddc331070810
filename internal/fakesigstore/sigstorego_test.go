package fakesigstore_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	"github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/sign"
	"github.com/sigstore/sigstore-go/pkg/verify"

	"github.com/pyupload/pyupload/internal/fakesigstore"
)

const artifactName = "pkg-1.0-py3-none-any.whl"

var artifactDigest = sha256.Sum256([]byte("the wheel's bytes"))

func statement() []byte {
	b, _ := json.Marshal(map[string]any{
		"_type":         "https://in-toto.io/Statement/v1",
		"subject":       []any{map[string]any{"name": artifactName, "digest": map[string]string{"sha256": hex.EncodeToString(artifactDigest[:])}}},
		"predicateType": "https://docs.pypi.org/attestations/publish/v1",
		"predicate":     nil,
	})
	return b
}

// signWithSigstoreGo signs the statement with sigstore-go's pkg/sign, its
// Fulcio and Rekor v1 clients pointed at the fixture.
func signWithSigstoreGo(t *testing.T, f *fixture, token string) (*protobundle.Bundle, error) {
	t.Helper()
	kp, err := sign.NewEphemeralKeypair(nil)
	if err != nil {
		t.Fatal(err)
	}
	return sign.Bundle(&sign.DSSEData{Data: statement(), PayloadType: "application/vnd.in-toto+json"}, kp, sign.BundleOptions{
		CertificateProvider:        sign.NewFulcio(&sign.FulcioOptions{BaseURL: f.fulcioURL}),
		CertificateProviderOptions: &sign.CertificateProviderOptions{IDToken: token},
		TransparencyLogs:           []sign.Transparency{sign.NewRekor(&sign.RekorOptions{BaseURL: f.rekorURL, Version: 1})},
		Context:                    t.Context(),
	})
}

// verifyWithSigstoreGo verifies a bundle with sigstore-go's pkg/verify
// against trustedRoot, requiring an SCT, a log entry and an integrated
// timestamp, the GitHub identity and the artifact's digest.
func verifyWithSigstoreGo(t *testing.T, trustedRoot []byte, pb *protobundle.Bundle) (*verify.VerificationResult, error) {
	t.Helper()
	tr, err := root.NewTrustedRootFromJSON(trustedRoot)
	if err != nil {
		t.Fatalf("NewTrustedRootFromJSON: %v", err)
	}
	v, err := verify.NewVerifier(tr, verify.WithSignedCertificateTimestamps(1), verify.WithTransparencyLog(1), verify.WithIntegratedTimestamps(1))
	if err != nil {
		t.Fatal(err)
	}
	id, err := verify.NewShortCertificateIdentity(fakesigstore.IssuerGitHub, "",
		"https://github.com/octo/pkg/.github/workflows/release.yml@refs/tags/v1.0", "")
	if err != nil {
		t.Fatal(err)
	}
	b := &bundle.Bundle{Bundle: pb}
	return v.Verify(b, verify.NewPolicy(verify.WithArtifactDigest("sha256", artifactDigest[:]), verify.WithCertificateIdentity(id)))
}

func TestSigstoreGoSignsAndVerifies(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	pb, err := signWithSigstoreGo(t, f, f.githubToken(t, "sigstore"))
	if err != nil {
		t.Fatalf("sign.Bundle: %v", err)
	}
	res, err := verifyWithSigstoreGo(t, f.sig.TrustedRootJSON(), pb)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	ext := res.Signature.Certificate.Extensions
	want := map[string]string{
		"issuer":                   ext.Issuer,
		"sourceRepositoryURI":      ext.SourceRepositoryURI,
		"sourceRepositoryRef":      ext.SourceRepositoryRef,
		"sourceRepositoryDigest":   ext.SourceRepositoryDigest,
		"buildConfigURI":           ext.BuildConfigURI,
		"buildSignerURI":           ext.BuildSignerURI,
		"runInvocationURI":         ext.RunInvocationURI,
		"sourceRepositoryOwnerURI": ext.SourceRepositoryOwnerURI,
		"buildTrigger":             ext.BuildTrigger,
		"runnerEnvironment":        ext.RunnerEnvironment,
	}
	expect := map[string]string{
		"issuer":                   fakesigstore.IssuerGitHub,
		"sourceRepositoryURI":      "https://github.com/octo/pkg",
		"sourceRepositoryRef":      "refs/tags/v1.0",
		"sourceRepositoryDigest":   "0123456789abcdef0123456789abcdef01234567",
		"buildConfigURI":           "https://github.com/octo/pkg/.github/workflows/release.yml@refs/tags/v1.0",
		"buildSignerURI":           "https://github.com/octo/pkg/.github/workflows/release.yml@refs/tags/v1.0",
		"runInvocationURI":         "https://github.com/octo/pkg/actions/runs/7/attempts/1",
		"sourceRepositoryOwnerURI": "https://github.com/octo",
		"buildTrigger":             "push",
		"runnerEnvironment":        "github-hosted",
	}
	for k, v := range expect {
		if want[k] != v {
			t.Errorf("extension %s = %q, want %q", k, want[k], v)
		}
	}
	if f.sig.LogSize() != 1 {
		t.Errorf("LogSize() = %d, want 1", f.sig.LogSize())
	}
}

func TestSigstoreGoRefusesTampering(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	token := f.githubToken(t, "sigstore")
	other := fakesigstore.New()
	tests := []struct {
		name   string
		root   []byte
		tamper func(pb *protobundle.Bundle)
	}{
		{"payload", nil, func(pb *protobundle.Bundle) {
			pb.GetDsseEnvelope().Payload = []byte(strings.Replace(string(pb.GetDsseEnvelope().Payload), "Statement", "statement", 1))
		}},
		{"signature", nil, func(pb *protobundle.Bundle) { pb.GetDsseEnvelope().Signatures[0].Sig[10] ^= 1 }},
		{"log entry body", nil, func(pb *protobundle.Bundle) {
			e := pb.GetVerificationMaterial().TlogEntries[0]
			e.CanonicalizedBody = []byte(strings.Replace(string(e.CanonicalizedBody), `"sha256"`, `"sha256" `, 1))
		}},
		{"signed entry timestamp", nil, func(pb *protobundle.Bundle) {
			pb.GetVerificationMaterial().TlogEntries[0].InclusionPromise.SignedEntryTimestamp[8] ^= 1
		}},
		{"integrated time", nil, func(pb *protobundle.Bundle) { pb.GetVerificationMaterial().TlogEntries[0].IntegratedTime-- }},
		{"inclusion proof", nil, func(pb *protobundle.Bundle) {
			pb.GetVerificationMaterial().TlogEntries[0].InclusionProof.RootHash[0] ^= 1
		}},
		{"another trust root", other.TrustedRootJSON(), func(*protobundle.Bundle) {}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pb, err := signWithSigstoreGo(t, f, token)
			if err != nil {
				t.Fatalf("sign.Bundle: %v", err)
			}
			tt.tamper(pb)
			tr := tt.root
			if tr == nil {
				tr = f.sig.TrustedRootJSON()
			}
			if _, err := verifyWithSigstoreGo(t, tr, pb); err == nil {
				t.Error("Verify accepted a tampered bundle")
			}
		})
	}
}

func TestSigningConfigParses(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sc, err := root.NewSigningConfigFromJSON(f.sig.SigningConfigJSON(f.fulcioURL, f.rekorURL))
	if err != nil {
		t.Fatalf("NewSigningConfigFromJSON: %v", err)
	}
	if got := sc.FulcioCertificateAuthorityURLs(); len(got) != 1 || got[0].URL != f.fulcioURL {
		t.Errorf("Fulcio URLs = %v", got)
	}
	if got := sc.RekorLogURLs(); len(got) != 1 || got[0].URL != f.rekorURL || got[0].MajorAPIVersion != 1 {
		t.Errorf("Rekor URLs = %v", got)
	}
}
