package sigstore_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/verify"

	"github.com/pyupload/pyupload/internal/fakesigstore"
	"github.com/pyupload/pyupload/internal/sigstoretest"
	"github.com/pyupload/pyupload/pkg/sigstore"
)

// githubClaims are the claims of a GitHub Actions identity token for
// octo/hello's release.yml.
func githubClaims() map[string]any {
	return map[string]any{
		"iss": sigstore.GitHubIssuer, "sub": "repo:octo/hello:environment:pypi", "aud": "sigstore",
		"repository":         "octo/hello",
		"workflow_ref":       "octo/hello/.github/workflows/release.yml@refs/tags/v1.0",
		"job_workflow_ref":   "octo/hello/.github/workflows/release.yml@refs/tags/v1.0",
		"runner_environment": "github-hosted",
		"ref":                "refs/tags/v1.0", "sha": "0123456789abcdef0123456789abcdef01234567",
	}
}

// makeToken returns an unsigned identity token (a JWT whose signature is
// a placeholder) with these claims; the fixture's Fulcio reads them with
// [fakesigstore.UnverifiedClaims].
func makeToken(claims map[string]any) string {
	payload, err := json.Marshal(claims)
	if err != nil {
		panic(err)
	}
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(`{"alg":"none"}`)) + "." + enc.EncodeToString(payload) + "." + enc.EncodeToString([]byte("sig"))
}

type fixture struct {
	services *fakesigstore.Sigstore
	server   *httptest.Server
	inst     *sigstore.Instance
	rootJSON []byte
}

// newFixture serves an in-process Fulcio and Rekor (internal/fakesigstore,
// both at the server's root, as Rekor's 409 names entries by absolute
// path), wrapped by wrap if not nil, on loopback. Identity tokens are
// read with [fakesigstore.UnverifiedClaims]; opts add to or override that.
func newFixture(t *testing.T, wrap func(http.Handler) http.Handler, opts ...fakesigstore.Option) *fixture {
	t.Helper()
	s := fakesigstore.New(append([]fakesigstore.Option{fakesigstore.WithTokenVerifier(fakesigstore.UnverifiedClaims)}, opts...)...)
	mux := http.NewServeMux()
	mux.Handle("/api/v2/", s.Fulcio())
	mux.Handle("/api/v1/", s.Rekor())
	var h http.Handler = mux
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	rootJSON := s.TrustedRootJSON()
	tr, err := sigstore.ParseTrustedRoot(rootJSON)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(srv.URL)
	return &fixture{services: s, server: srv, inst: &sigstore.Instance{Fulcio: u, Rekor: u, Root: tr}, rootJSON: rootJSON}
}

func fastBackoff(int) time.Duration { return time.Millisecond }

func (f *fixture) signer(t *testing.T, claims map[string]any) *sigstore.Signer {
	t.Helper()
	s, err := sigstore.NewSigner(t.Context(), f.server.Client(), f.inst, makeToken(claims), sigstore.WithBackoff(fastBackoff))
	if err != nil {
		t.Fatalf("NewSigner = %v", err)
	}
	return s
}

const wheel = "hello_world-1.0-py3-none-any.whl"

func TestSignAndVerify(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	s := f.signer(t, githubClaims())
	digest := sha256.Sum256([]byte("the wheel"))
	att, err := s.Attest(t.Context(), wheel, digest)
	if err != nil {
		t.Fatalf("Attest = %v", err)
	}
	data, err := att.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := sigstore.ParseAttestation(data)
	if err != nil {
		t.Fatalf("ParseAttestation(Marshal()) = %v", err)
	}
	res, err := sigstore.Verify(back, f.inst.Root, wheel, digest, sigstore.GitHub{Repository: "octo/hello", Workflow: "release.yml"})
	if err != nil {
		t.Fatalf("Verify = %v", err)
	}
	if got, want := res.Identity.BuildConfigURI, "https://github.com/octo/hello/.github/workflows/release.yml@refs/tags/v1.0"; got != want {
		t.Errorf("BuildConfigURI = %q, want %q", got, want)
	}
	verifyWithSigstoreGo(t, f.rootJSON, att, digest, sigstore.GitHubIssuer, "https://github.com/octo/hello/.github/workflows/release.yml@refs/tags/v1.0")
}

// verifyWithSigstoreGo checks an attestation with an independent
// implementation: sigstore-go's verifier, on the attestation turned back
// into a Sigstore bundle, requiring an SCT, a log entry and its integrated
// time, the artifact digest and the identity.
func verifyWithSigstoreGo(t *testing.T, rootJSON []byte, att *sigstore.Attestation, digest [32]byte, issuer, san string) {
	t.Helper()
	tr, err := root.NewTrustedRootFromJSON(rootJSON)
	if err != nil {
		t.Fatalf("sigstore-go reading the trusted root: %v", err)
	}
	bj, err := sigstoretest.BundleJSON(att)
	if err != nil {
		t.Fatal(err)
	}
	var b bundle.Bundle
	if err := b.UnmarshalJSON(bj); err != nil {
		t.Fatalf("sigstore-go reading the bundle: %v\n%s", err, bj)
	}
	v, err := verify.NewVerifier(tr, verify.WithSignedCertificateTimestamps(1), verify.WithTransparencyLog(1), verify.WithIntegratedTimestamps(1))
	if err != nil {
		t.Fatal(err)
	}
	id, err := verify.NewShortCertificateIdentity(issuer, "", san, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(&b, verify.NewPolicy(verify.WithArtifactDigest("sha256", digest[:]), verify.WithCertificateIdentity(id))); err != nil {
		t.Fatalf("sigstore-go: Verify = %v", err)
	}
	other := sha256.Sum256([]byte("another file"))
	if _, err := v.Verify(&b, verify.NewPolicy(verify.WithArtifactDigest("sha256", other[:]), verify.WithCertificateIdentity(id))); err == nil {
		t.Fatal("sigstore-go accepted the attestation for another digest")
	}
}

func TestVerifyRejects(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	s := f.signer(t, githubClaims())
	digest := sha256.Sum256([]byte("the wheel"))
	good, err := s.Attest(t.Context(), wheel, digest)
	if err != nil {
		t.Fatal(err)
	}
	policy := sigstore.GitHub{Repository: "octo/hello", Workflow: "release.yml"}
	cases := []struct {
		name     string
		filename string
		digest   [32]byte
		policy   sigstore.Policy
		tamper   func(a *sigstore.Attestation)
		check    string
	}{
		{name: "other digest", filename: wheel, digest: sha256.Sum256([]byte("x")), policy: policy, check: sigstore.CheckSubject},
		{name: "other name", filename: "hello_world-1.1-py3-none-any.whl", digest: digest, policy: policy, check: sigstore.CheckSubject},
		{name: "other workflow", filename: wheel, digest: digest, policy: sigstore.GitHub{Repository: "octo/hello", Workflow: "other.yml"}, check: sigstore.CheckIdentity},
		{name: "other repository", filename: wheel, digest: digest, policy: sigstore.GitHub{Repository: "octo/other"}, check: sigstore.CheckIdentity},
		{name: "GitLab policy", filename: wheel, digest: digest, policy: sigstore.GitLab{Project: "octo/hello"}, check: sigstore.CheckIdentity},
		{name: "Google policy", filename: wheel, digest: digest, policy: sigstore.Google{Email: "x@example.iam.gserviceaccount.com"}, check: sigstore.CheckIdentity},
		{name: "signature", filename: wheel, digest: digest, policy: policy, tamper: func(a *sigstore.Attestation) { a.Envelope.Signature[8] ^= 1 }, check: sigstore.CheckSignature},
		{name: "SET", filename: wheel, digest: digest, policy: policy, tamper: func(a *sigstore.Attestation) {
			a.VerificationMaterial.TransparencyEntries[0].InclusionPromise.SignedEntryTimestamp[8] ^= 1
		}, check: sigstore.CheckLogEntry},
		{name: "root hash", filename: wheel, digest: digest, policy: policy, tamper: func(a *sigstore.Attestation) {
			a.VerificationMaterial.TransparencyEntries[0].InclusionProof.RootHash[0] ^= 1
		}, check: sigstore.CheckInclusionProof},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			data, _ := good.Marshal()
			att, err := sigstore.ParseAttestation(data)
			if err != nil {
				t.Fatal(err)
			}
			if tc.tamper != nil {
				tc.tamper(att)
			}
			_, err = sigstore.Verify(att, f.inst.Root, tc.filename, tc.digest, tc.policy)
			ve, ok := errors.AsType[*sigstore.VerificationError](err)
			if !ok || ve.Check != tc.check {
				t.Fatalf("Verify(%s) = %v, want a %q failure", tc.name, err, tc.check)
			}
		})
	}
}

func TestVerifyOtherTrustedRoot(t *testing.T) {
	t.Parallel()
	f, g := newFixture(t, nil), newFixture(t, nil)
	digest := sha256.Sum256([]byte("w"))
	att, err := f.signer(t, githubClaims()).Attest(t.Context(), wheel, digest)
	if err != nil {
		t.Fatal(err)
	}
	_, err = sigstore.Verify(att, g.inst.Root, wheel, digest, sigstore.GitHub{Repository: "octo/hello"})
	if ve, ok := errors.AsType[*sigstore.VerificationError](err); !ok || ve.Check != sigstore.CheckLogEntry {
		t.Fatalf("Verify(against another instance's root) = %v, want a log entry failure", err)
	}
	// Same log, another CA: the chain fails.
	mixed := *f.inst.Root
	mixed.CAs = g.inst.Root.CAs
	_, err = sigstore.Verify(att, &mixed, wheel, digest, sigstore.GitHub{Repository: "octo/hello"})
	if ve, ok := errors.AsType[*sigstore.VerificationError](err); !ok || ve.Check != sigstore.CheckCertificate {
		t.Fatalf("Verify(another CA) = %v, want a certificate failure", err)
	}
	// Same log and CA, another CT log: the SCT fails.
	mixed = *f.inst.Root
	mixed.CTLogs = g.inst.Root.CTLogs
	_, err = sigstore.Verify(att, &mixed, wheel, digest, sigstore.GitHub{Repository: "octo/hello"})
	if ve, ok := errors.AsType[*sigstore.VerificationError](err); !ok || ve.Check != sigstore.CheckSCT {
		t.Fatalf("Verify(another CT log) = %v, want an SCT failure", err)
	}
}

func TestManyFilesConcurrently(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	s := f.signer(t, githubClaims())
	names := []string{"a-1.0.tar.gz", "a-1.0-py3-none-any.whl", "a-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", "b-2.tar.gz", "c-3.tar.gz"}
	atts := make([]*sigstore.Attestation, len(names))
	errs := make([]error, len(names))
	done := make(chan int)
	for i, n := range names {
		go func() {
			atts[i], errs[i] = s.Attest(t.Context(), n, sha256.Sum256([]byte(n)))
			done <- i
		}()
	}
	for range names {
		<-done
	}
	if n := f.services.LogSize(); n != len(names) {
		t.Errorf("the log holds %d entries, want %d", n, len(names))
	}
	for i, n := range names {
		if errs[i] != nil {
			t.Fatalf("Attest(%s) = %v", n, errs[i])
		}
		if _, err := sigstore.Verify(atts[i], f.inst.Root, n, sha256.Sum256([]byte(n)), sigstore.GitHub{Repository: "octo/hello"}); err != nil {
			t.Errorf("Verify(%s) = %v", n, err)
		}
		if bytes.Equal(atts[i].Envelope.Signature, atts[(i+1)%len(names)].Envelope.Signature) {
			t.Errorf("two files share a signature")
		}
		verifyWithSigstoreGo(t, f.rootJSON, atts[i], sha256.Sum256([]byte(n)), sigstore.GitHubIssuer, "https://github.com/octo/hello/.github/workflows/release.yml@refs/tags/v1.0")
	}
}

func TestSignAndVerifyPublishers(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		claims   map[string]any
		policy   sigstore.Policy
		wrong    sigstore.Policy
		issuer   string
		san      string
		filename string
	}{
		{
			name: "GitLab",
			claims: map[string]any{
				"iss": sigstore.GitLabIssuer, "sub": "project_path:grp/sub/proj:ref_type:tag:ref:v1", "aud": "sigstore",
				"project_path": "grp/sub/proj", "ci_config_ref_uri": "gitlab.com/grp/sub/proj//.gitlab-ci.yml@refs/tags/v1", "ref_type": "tag", "ref": "v1",
				"sha": "0123456789abcdef0123456789abcdef01234567",
			},
			policy:   sigstore.GitLab{Project: "grp/sub/proj", CIFile: ".gitlab-ci.yml"},
			wrong:    sigstore.GitLab{Project: "grp/proj"},
			issuer:   sigstore.GitLabIssuer,
			san:      "https://gitlab.com/grp/sub/proj//.gitlab-ci.yml@refs/tags/v1",
			filename: "proj-1.tar.gz",
		},
		{
			name:     "Google",
			claims:   map[string]any{"iss": sigstore.GoogleIssuer, "sub": "1234567890", "aud": "sigstore", "email": "rel@proj.iam.gserviceaccount.com", "email_verified": true},
			policy:   sigstore.Google{Email: "rel@proj.iam.gserviceaccount.com"},
			wrong:    sigstore.GitHub{Repository: "o/r"},
			issuer:   sigstore.GoogleIssuer,
			san:      "rel@proj.iam.gserviceaccount.com",
			filename: "proj-1-py3-none-any.whl",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, nil)
			digest := sha256.Sum256([]byte(tc.filename))
			att, err := f.signer(t, tc.claims).Attest(t.Context(), tc.filename, digest)
			if err != nil {
				t.Fatal(err)
			}
			res, err := sigstore.Verify(att, f.inst.Root, tc.filename, digest, tc.policy)
			if err != nil {
				t.Fatalf("Verify = %v", err)
			}
			if res.Identity.SAN != tc.san {
				t.Errorf("SAN = %q, want %q", res.Identity.SAN, tc.san)
			}
			_, err = sigstore.Verify(att, f.inst.Root, tc.filename, digest, tc.wrong)
			if ve, ok := errors.AsType[*sigstore.VerificationError](err); !ok || ve.Check != sigstore.CheckIdentity {
				t.Errorf("Verify(wrong publisher) = %v, want an identity failure", err)
			}
			verifyWithSigstoreGo(t, f.rootJSON, att, digest, tc.issuer, tc.san)
		})
	}
}

// TestVerifyLoggedAfterCertificateExpired: an entry logged after the
// certificate's 10 minutes fails the certificate check, though every
// signature holds.
func TestVerifyLoggedAfterCertificateExpired(t *testing.T) {
	t.Parallel()
	var offset atomic.Int64
	f := newFixture(t, nil, fakesigstore.WithClock(func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }))
	s := f.signer(t, githubClaims())
	offset.Store(int64(time.Hour))
	digest := sha256.Sum256([]byte("late"))
	att, err := s.Attest(t.Context(), wheel, digest)
	if err != nil {
		t.Fatal(err)
	}
	_, err = sigstore.Verify(att, f.inst.Root, wheel, digest, sigstore.GitHub{Repository: "octo/hello"})
	ve, ok := errors.AsType[*sigstore.VerificationError](err)
	if !ok || ve.Check != sigstore.CheckCertificate || !strings.Contains(ve.Reason, "outside the certificate's validity") {
		t.Fatalf("Verify(logged after expiry) = %v, want a certificate validity failure", err)
	}
}
