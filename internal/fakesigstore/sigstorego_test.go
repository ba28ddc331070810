package fakesigstore_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	"github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/fulcio/certificate"
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

// TestIdentities checks the SAN and the extensions Fulcio derives from
// each issuer's claims, read back by sigstore-go's verifier.
func TestIdentities(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	now := time.Now().Unix()
	tests := []struct {
		name   string
		claims map[string]any
		san    string
		ext    certificate.Extensions
	}{
		{
			name: "gitlab",
			claims: map[string]any{
				"iss": fakesigstore.IssuerGitLab, "sub": "project_path:grp/pkg:ref_type:tag:ref:v1",
				"project_path": "grp/pkg", "project_id": "77", "namespace_path": "grp", "namespace_id": "5",
				"ci_config_ref_uri": "gitlab.com/grp/pkg//.gitlab-ci.yml@refs/tags/v1", "ci_config_sha": "abc",
				"ref": "v1", "ref_type": "tag", "sha": "def", "pipeline_source": "push", "job_id": "99",
				"runner_environment": "gitlab-hosted",
			},
			san: "https://gitlab.com/grp/pkg//.gitlab-ci.yml@refs/tags/v1",
			ext: certificate.Extensions{
				Issuer: fakesigstore.IssuerGitLab, BuildSignerURI: "https://gitlab.com/grp/pkg//.gitlab-ci.yml@refs/tags/v1",
				BuildSignerDigest: "abc", RunnerEnvironment: "gitlab-hosted", SourceRepositoryURI: "https://gitlab.com/grp/pkg",
				SourceRepositoryDigest: "def", SourceRepositoryRef: "refs/tags/v1", SourceRepositoryIdentifier: "77",
				SourceRepositoryOwnerURI: "https://gitlab.com/grp", SourceRepositoryOwnerIdentifier: "5",
				BuildConfigURI: "https://gitlab.com/grp/pkg//.gitlab-ci.yml@refs/tags/v1", BuildConfigDigest: "abc",
				BuildTrigger: "push", RunInvocationURI: "https://gitlab.com/grp/pkg/-/jobs/99",
			},
		},
		{
			name:   "google",
			claims: map[string]any{"iss": fakesigstore.IssuerGoogle, "sub": "1234", "email": "ci@p.iam.gserviceaccount.com", "email_verified": true},
			san:    "ci@p.iam.gserviceaccount.com",
			ext:    certificate.Extensions{Issuer: fakesigstore.IssuerGoogle},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			claims := maps.Clone(tt.claims)
			claims["aud"], claims["iat"], claims["exp"] = "sigstore", now, now+300
			token, err := f.signer.SignIDToken(claims)
			if err != nil {
				t.Fatal(err)
			}
			pb, err := signWithSigstoreGo(t, f, token)
			if err != nil {
				t.Fatalf("sign.Bundle: %v", err)
			}
			tr, _ := root.NewTrustedRootFromJSON(f.sig.TrustedRootJSON())
			v, _ := verify.NewVerifier(tr, verify.WithSignedCertificateTimestamps(1), verify.WithTransparencyLog(1), verify.WithIntegratedTimestamps(1))
			res, err := v.Verify(&bundle.Bundle{Bundle: pb}, verify.NewPolicy(verify.WithArtifactDigest("sha256", artifactDigest[:]), verify.WithoutIdentitiesUnsafe()))
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			c := res.Signature.Certificate
			if c.SubjectAlternativeName != tt.san {
				t.Errorf("SAN = %q, want %q", c.SubjectAlternativeName, tt.san)
			}
			if diff := cmp.Diff(tt.ext, c.Extensions); diff != "" {
				t.Errorf("extensions (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSCTsAreChecked verifies against a trusted root without the CT log:
// the embedded SCT then cannot verify, and a verifier that requires one
// refuses the bundle.
func TestSCTsAreChecked(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	pb, err := signWithSigstoreGo(t, f, f.githubToken(t, "sigstore"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(f.sig.TrustedRootJSON(), &doc); err != nil {
		t.Fatal(err)
	}
	doc["ctlogs"] = []any{}
	noCT, _ := json.Marshal(doc)
	if _, err := verifyWithSigstoreGo(t, noCT, pb); err == nil {
		t.Error("Verify accepted a bundle whose SCT's log is not trusted")
	}
}
