package main

import (
	"crypto/sha256"
	"maps"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/verify"

	"github.com/pyupload/pyupload/internal/fakeci"
	"github.com/pyupload/pyupload/internal/fakeindex"
	"github.com/pyupload/pyupload/internal/sigstoretest"
	"github.com/pyupload/pyupload/internal/ui"
	"github.com/pyupload/pyupload/pkg/sigstore"
)

const (
	attestWheel = "pyupload_mv22-2.2-py3-none-any.whl"
	attestSdist = "pyupload_mv22-2.2.tar.gz"
)

// copyDists copies sample dists into a fresh directory, so that
// attestation files written beside them stay in the test.
func copyDists(t *testing.T, names ...string) (dir string, paths []string) {
	t.Helper()
	dir = t.TempDir()
	for _, n := range names {
		b, err := os.ReadFile(good + n)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, n)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return dir, paths
}

// TestE2EAttestGitHub: in a simulated GitHub Actions job, every dist is
// signed by default, verified, sent with its attestation (which the index
// verifies as PyPI does), written with --attestations-dir, verified again
// by sigstore-go, an independent implementation, and by `pyupload verify`
// both from the files and from the index's integrity API.
func TestE2EAttestGitHub(t *testing.T) {
	t.Parallel()
	ix, u := startTPIndex(t, fakeindex.OIDCConfig{Publishers: []fakeindex.Publisher{ghPublisher}})
	dir, paths := copyDists(t, attestWheel, attestSdist)
	r := runBinary(t, ghaEnv(t, ix, u), uploadArgs(u, append([]string{"--attestations-dir", dir}, paths...)...)...)
	if r.code != ui.ExitOK || !strings.Contains(r.stderr, "Attestations: signed 2 files as https://github.com/example-org/example-pkg/.github/workflows/release.yml@refs/tags/v1.0.0") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	assertNoSecrets(t, "upload", r.stdout+r.stderr)
	files := ix.Files()
	if len(files) != 2 {
		t.Fatalf("stored %d files", len(files))
	}
	for _, f := range files {
		if got := f.Fields.Get("attestations"); !strings.HasPrefix(got, `[{"version":1,`) {
			t.Errorf("%s: attestations field %.80q", f.Filename, got)
		}
	}
	for _, p := range paths {
		verifyIndependently(t, ix, p, p+".publish.attestation")
	}
	env := sigstoreEnv(t, ix, u)
	r = runBinary(t, env, append([]string{"verify", "--github", "example-org/example-pkg", "--workflow", "release.yml"}, paths...)...)
	if r.code != ui.ExitOK || strings.Count(r.stdout, "PASSED ") != 2 {
		t.Errorf("verify files: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = runBinary(t, env, "verify", "--index", u, "--github", "example-org/example-pkg", "pyupload-mv22==2.2")
	if r.code != ui.ExitOK || strings.Count(r.stdout, "PASSED ") != 2 {
		t.Errorf("verify --index: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for name, args := range map[string][]string{
		"another repository": {"--github", "example-org/other-pkg"},
		"another workflow":   {"--github", "example-org/example-pkg", "--workflow", "nightly.yml"},
		"a GitLab project":   {"--gitlab", "example-org/example-pkg"},
	} {
		r = runBinary(t, env, append(append([]string{"verify", "--index", u}, args...), "pyupload-mv22==2.2")...)
		if r.code != ui.ExitFailure || strings.Count(r.stdout, "FAILED ") != 2 || strings.Contains(r.stdout, "PASSED") {
			t.Errorf("verify against %s: exit %d\n%s\n%s", name, r.code, r.stdout, r.stderr)
		}
	}
}

// verifyIndependently checks an attestation pyupload wrote with
// sigstore-go's verifier against the fake Sigstore's trusted root: the
// signature, the certificate chain and its SCT, the log entry, the
// artifact's digest and the signer's identity.
func verifyIndependently(t *testing.T, ix *fakeindex.Index, distPath, attPath string) {
	t.Helper()
	raw, err := os.ReadFile(attPath)
	if err != nil {
		t.Fatal(err)
	}
	att, err := sigstore.ParseAttestation(raw)
	if err != nil {
		t.Fatal(err)
	}
	bj, err := sigstoretest.BundleJSON(att)
	if err != nil {
		t.Fatal(err)
	}
	var b bundle.Bundle
	if err := b.UnmarshalJSON(bj); err != nil {
		t.Fatalf("%s: not a Sigstore bundle: %v", attPath, err)
	}
	tr, err := root.NewTrustedRootFromJSON(ix.Sigstore().TrustedRootJSON())
	if err != nil {
		t.Fatal(err)
	}
	v, err := verify.NewVerifier(tr, verify.WithTransparencyLog(1), verify.WithIntegratedTimestamps(1), verify.WithSignedCertificateTimestamps(1))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(distPath)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	id, err := verify.NewShortCertificateIdentity(sigstore.GitHubIssuer, "", "", "^"+regexp.QuoteMeta("https://github.com/example-org/example-pkg/.github/workflows/release.yml@")+".*$")
	if err != nil {
		t.Fatal(err)
	}
	policy := verify.NewPolicy(verify.WithArtifactDigest("sha256", sum[:]), verify.WithCertificateIdentity(id))
	if _, err := v.Verify(&b, policy); err != nil {
		t.Errorf("%s: sigstore-go does not verify it: %v", filepath.Base(attPath), err)
	}
}

// TestE2EAttestOtherProviders: GitLab (with its SIGSTORE_ID_TOKEN) and
// Google (the metadata server's token for audience sigstore) sign too; a
// publisher kind PyPI takes no attestations from uploads without any,
// with a note.
func TestE2EAttestOtherProviders(t *testing.T) {
	t.Parallel()
	gitlab := fakeindex.Publisher{Kind: "gitlab", ProjectPath: "example-group/example-pkg", CIConfigPath: ".gitlab-ci.yml", Projects: []string{"pyupload-mv22"}}
	google := fakeindex.Publisher{Kind: "google", Email: "release@example-pkg.iam.gserviceaccount.com", Projects: []string{"pyupload-mv22"}}
	glClaims := map[string]any{
		"iss": "https://gitlab.com", "sub": "project_path:example-group/example-pkg:ref_type:tag:ref:v1.0.0",
		"project_path": "example-group/example-pkg", "namespace_path": "example-group", "ref_path": "refs/tags/v1.0.0", "ref": "v1.0.0", "ref_type": "tag",
		"ci_config_ref_uri": "gitlab.com/example-group/example-pkg//.gitlab-ci.yml@refs/tags/v1.0.0", "ci_config_sha": "3f1c2a9d8b7e6f5a4c3b2a1908f7e6d5c4b3a291",
		"sha": "3f1c2a9d8b7e6f5a4c3b2a1908f7e6d5c4b3a291", "pipeline_id": "42", "job_id": "4242", "runner_environment": "gitlab-hosted",
	}
	glToken := func(t *testing.T, ix *fakeindex.Index, aud, jti string) string {
		t.Helper()
		c := maps.Clone(glClaims)
		now := time.Now().Unix()
		c["aud"], c["jti"], c["iat"], c["nbf"], c["exp"] = aud, jti, now, now, now+600
		tok, err := ix.SignIDToken(c)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	t.Run("gitlab", func(t *testing.T) {
		t.Parallel()
		ix, u := startTPIndex(t, fakeindex.OIDCConfig{Publishers: []fakeindex.Publisher{gitlab}})
		env := append([]string{"GITLAB_CI=true", "PYPI_ID_TOKEN=" + glToken(t, ix, "pypi", "gl-1"), "SIGSTORE_ID_TOKEN=" + glToken(t, ix, "sigstore", "gl-2")}, sigstoreEnv(t, ix, u)...)
		r := runBinary(t, env, uploadArgs(u, good+attestWheel)...)
		if r.code != ui.ExitOK || !strings.Contains(r.stderr, "Attestations: signed 1 file as https://gitlab.com/example-group/example-pkg//.gitlab-ci.yml@refs/tags/v1.0.0") {
			t.Fatalf("exit %d\n%s", r.code, r.stderr)
		}
		if got := ix.Files()[0].Fields.Get("attestations"); got == "" {
			t.Error("no attestations sent")
		}
		assertNoSecrets(t, "upload", r.stdout+r.stderr)
	})
	t.Run("google", func(t *testing.T) {
		t.Parallel()
		ix, u := startTPIndex(t, fakeindex.OIDCConfig{Publishers: []fakeindex.Publisher{google}})
		meta := httptest.NewServer(fakeci.NewGCPMetadata(ix, google.Email, "1234"))
		t.Cleanup(meta.Close)
		env := append([]string{"GCE_METADATA_HOST=" + strings.TrimPrefix(meta.URL, "http://")}, sigstoreEnv(t, ix, u)...)
		r := runBinary(t, env, uploadArgs(u, "--provider", "google", good+attestWheel)...)
		if r.code != ui.ExitOK || !strings.Contains(r.stderr, "Attestations: signed 1 file as "+google.Email) {
			t.Fatalf("exit %d\n%s", r.code, r.stderr)
		}
		if got := ix.Files()[0].Fields.Get("attestations"); got == "" {
			t.Error("no attestations sent")
		}
	})
}

// TestE2EAttestGitLabWithoutSigstoreToken: a GitLab job that declares no
// SIGSTORE_ID_TOKEN publishes without attestations and says so loudly,
// with the YAML to add; with --attestations it stops before any upload.
func TestE2EAttestGitLabWithoutSigstoreToken(t *testing.T) {
	t.Parallel()
	gitlab := fakeindex.Publisher{Kind: "gitlab", ProjectPath: "example-group/example-pkg", CIConfigPath: ".gitlab-ci.yml", Projects: []string{"pyupload-mv22"}}
	ix, u := startTPIndex(t, fakeindex.OIDCConfig{Publishers: []fakeindex.Publisher{gitlab}})
	tok := func(jti string) string {
		now := time.Now().Unix()
		v, err := ix.SignIDToken(map[string]any{
			"iss": "https://gitlab.com", "aud": "pypi", "jti": jti, "iat": now, "nbf": now, "exp": now + 600, "sub": "project_path:example-group/example-pkg:ref_type:tag:ref:v1.0.0",
			"project_path": "example-group/example-pkg", "ref_path": "refs/tags/v1.0.0", "sha": "3f1c2a9d8b7e6f5a4c3b2a1908f7e6d5c4b3a291",
			"ci_config_ref_uri": "gitlab.com/example-group/example-pkg//.gitlab-ci.yml@refs/tags/v1.0.0",
		})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	yaml := "id_tokens:\n    SIGSTORE_ID_TOKEN:\n      aud: sigstore"
	r := runBinary(t, append([]string{"GITLAB_CI=true", "PYPI_ID_TOKEN=" + tok("a")}, sigstoreEnv(t, ix, u)...), uploadArgs(u, "--attestations", good+attestWheel)...)
	if r.code != ui.ExitFailure || !strings.Contains(r.stderr, yaml) || ix.UploadAttempts() != 0 {
		t.Fatalf("--attestations without the token: exit %d, %d uploads\n%s", r.code, ix.UploadAttempts(), r.stderr)
	}
	r = runBinary(t, append([]string{"GITLAB_CI=true", "PYPI_ID_TOKEN=" + tok("b")}, sigstoreEnv(t, ix, u)...), uploadArgs(u, good+attestWheel)...)
	if r.code != ui.ExitOK || !strings.Contains(r.stderr, "WITHOUT attestations") || !strings.Contains(r.stderr, yaml) {
		t.Fatalf("default without the token: exit %d\n%s", r.code, r.stderr)
	}
	if got := ix.Files()[0].Fields.Get("attestations"); got != "" {
		t.Errorf("attestations sent: %.80q", got)
	}
}

// TestE2EAttestNotForEveryPublisher: --attestations=false turns signing
// off; an --attestations-dir that is not a directory is refused before
// anything is signed (a log entry is for good). Which publishers sign is
// TestPlanSigning's.
func TestE2EAttestNotForEveryPublisher(t *testing.T) {
	t.Parallel()
	ix, u := startTPIndex(t, fakeindex.OIDCConfig{Publishers: []fakeindex.Publisher{ghPublisher}})
	r := runBinary(t, ghaEnv(t, ix, u), uploadArgs(u, "--attestations=false", good+attestWheel)...)
	if r.code != ui.ExitOK || strings.Contains(r.stderr, "Attestations") || ix.Sigstore().LogSize() != 0 {
		t.Fatalf("--attestations=false: exit %d, %d log entries\n%s", r.code, ix.Sigstore().LogSize(), r.stderr)
	}
	if got := ix.Files()[0].Fields.Get("attestations"); got != "" {
		t.Errorf("attestations sent with --attestations=false")
	}
	r = runBinary(t, ghaEnv(t, ix, u), uploadArgs(u, "--attestations-dir", filepath.Join(t.TempDir(), "missing"), good+attestSdist)...)
	if r.code != ui.ExitUsage || ix.Sigstore().LogSize() != 0 || !strings.Contains(r.stderr, "is not a directory") {
		t.Errorf("--attestations-dir missing: exit %d, %d log entries\n%s", r.code, ix.Sigstore().LogSize(), r.stderr)
	}
}

// TestE2EAttestSigstoreFailures: Fulcio or Rekor failing briefly is
// retried; failing for good stops the run before any upload.
func TestE2EAttestSigstoreFailures(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		break_ func(ix *fakeindex.Index)
		ok     bool
	}{
		{"fulcio down", func(ix *fakeindex.Index) { ix.Sigstore().FailFulcio(100, 503) }, false},
		{"rekor down", func(ix *fakeindex.Index) { ix.Sigstore().FailRekor(100, 503) }, false},
		{"fulcio hiccup", func(ix *fakeindex.Index) { ix.Sigstore().FailFulcio(1, 503) }, true},
		{"rekor hiccup", func(ix *fakeindex.Index) { ix.Sigstore().FailRekor(2, 502) }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ix, u := startTPIndex(t, fakeindex.OIDCConfig{Publishers: []fakeindex.Publisher{ghPublisher}})
			tc.break_(ix)
			r := runBinary(t, ghaEnv(t, ix, u), uploadArgs(u, good+attestWheel, good+attestSdist)...)
			if tc.ok {
				if r.code != ui.ExitOK || len(ix.Files()) != 2 {
					t.Fatalf("exit %d, %d files\n%s", r.code, len(ix.Files()), r.stderr)
				}
				return
			}
			if r.code != ui.ExitFailure || ix.UploadAttempts() != 0 || !strings.Contains(r.stderr, "nothing was uploaded") {
				t.Fatalf("exit %d, %d uploads\n%s", r.code, ix.UploadAttempts(), r.stderr)
			}
		})
	}
}

// TestE2EVerifyTampered: a local attestation whose subject digest no
// longer matches the file (the file changed), or that is not JSON, fails
// with a verdict; a dist without one fails too.
func TestE2EVerifyTampered(t *testing.T) {
	t.Parallel()
	ix, u := startTPIndex(t, fakeindex.OIDCConfig{Publishers: []fakeindex.Publisher{ghPublisher}})
	dir, paths := copyDists(t, attestWheel, attestSdist)
	r := runBinary(t, ghaEnv(t, ix, u), uploadArgs(u, append([]string{"--attestations-dir", dir}, paths...)...)...)
	if r.code != ui.ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	// The wheel changes after signing; the sdist's attestation is garbled.
	if err := os.WriteFile(paths[0], []byte("other bytes"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(paths[1]+".publish.attestation", []byte(`{"version": 1`), 0o600); err != nil {
		t.Fatal(err)
	}
	r = runBinary(t, sigstoreEnv(t, ix, u), "verify", "--github", "example-org/example-pkg", paths[1]+".publish.attestation")
	if r.code != ui.ExitUsage {
		t.Errorf("verify with attestations only: exit %d, want a usage error\n%s", r.code, r.stderr)
	}
	_, lone := copyDists(t, "pyupload_mv23-2.3-py3-none-any.whl")
	r = runBinary(t, sigstoreEnv(t, ix, u), append([]string{"verify", "--github", "example-org/example-pkg"}, append(paths, lone...)...)...)
	if r.code != ui.ExitFailure || strings.Count(r.stdout, "FAILED ") != 3 || !strings.Contains(r.stdout, "no pyupload_mv23-2.3-py3-none-any.whl.publish.attestation") {
		t.Errorf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// TestE2EAttestGivenFilesChecked: with --attestations under Trusted
// Publishing, a file made elsewhere is checked as the index will check
// it: one made for other bytes (the subject's digest differs) or by
// another workflow stops the batch before any upload, so the wheel before
// it is not published alone. (Another workflow's attestation is refused
// by the same check: TestE2EAttestGitHub's verify cases and the policy
// tests of pkg/sigstore.)
func TestE2EAttestGivenFilesChecked(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		prep   func(t *testing.T, signer *fakeindex.Index, su string, sdist, wheel string)
		reason string
	}{
		{"another file's attestation", func(t *testing.T, signer *fakeindex.Index, su, sdist, wheel string) {
			t.Helper()
			b, err := os.ReadFile(wheel + ".publish.attestation")
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(sdist+".publish.attestation", b, 0o600); err != nil {
				t.Fatal(err)
			}
		}, "subject"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir, paths := copyDists(t, attestWheel, attestSdist)
			signer, su := startTPIndex(t, fakeindex.OIDCConfig{Publishers: []fakeindex.Publisher{ghPublisher}})
			if r := runBinary(t, ghaEnv(t, signer, su), uploadArgs(su, "--attestations-dir", dir, paths[0])...); r.code != ui.ExitOK {
				t.Fatalf("signing: exit %d\n%s", r.code, r.stderr)
			}
			tc.prep(t, signer, su, paths[1], paths[0])
			ix, u := startTPIndex(t, fakeindex.OIDCConfig{Publishers: []fakeindex.Publisher{ghPublisher}}, fakeindex.WithAttestationTrustedRoot(signer.Sigstore().TrustedRootJSON()))
			env := append(ghaEnv(t, ix, u), "PYUPLOAD_SIGSTORE_TRUSTED_ROOT="+writeTemp(t, signer.Sigstore().TrustedRootJSON()))
			r := runBinary(t, env, uploadArgs(u, append([]string{"--attestations"}, paths...)...)...)
			if r.code != ui.ExitFailure || ix.UploadAttempts() != 0 || !strings.Contains(r.stderr, "PyPI would refuse this attestation") || !strings.Contains(r.stderr, tc.reason) {
				t.Fatalf("exit %d, %d uploads\n%s", r.code, ix.UploadAttempts(), r.stderr)
			}
		})
	}
}

func writeTemp(t *testing.T, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
