package main

import (
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pyupload/pyupload/internal/fakeci"
	"github.com/pyupload/pyupload/internal/fakeindex"
	"github.com/pyupload/pyupload/internal/trusted"
	"github.com/pyupload/pyupload/internal/ui"
)

const ghaRequestToken = "gha-request-token-e2e"

// ghClaims are the claims of a tag-push release job of example-org/example-pkg.
var ghClaims = map[string]any{
	"sub":                 "repo:example-org/example-pkg:ref:refs/tags/v1.0.0",
	"repository":          "example-org/example-pkg",
	"repository_owner":    "example-org",
	"repository_owner_id": "1000",
	"workflow_ref":        "example-org/example-pkg/.github/workflows/release.yml@refs/tags/v1.0.0",
	"job_workflow_ref":    "example-org/example-pkg/.github/workflows/release.yml@refs/tags/v1.0.0",
	"ref":                 "refs/tags/v1.0.0",
	"sha":                 "3f1c2a9d8b7e6f5a4c3b2a1908f7e6d5c4b3a291",
	"event_name":          "push",
}

var ghPublisher = fakeindex.Publisher{
	Kind: "github", Repository: "example-pkg", RepositoryOwner: "example-org", RepositoryOwnerID: "1000",
	WorkflowFilename: "release.yml", Projects: []string{"pyupload-mv22", "pyupload-mv23"},
}

// startTPIndex serves a fake index with Trusted Publishing and, on the
// same server, the fake GitHub token endpoint, with the publisher's
// projects already created.
func startTPIndex(t *testing.T, cfg fakeindex.OIDCConfig, opts ...fakeindex.Option) (*fakeindex.Index, string) {
	t.Helper()
	ix := fakeindex.New(append([]fakeindex.Option{fakeindex.WithTokens(testToken), fakeindex.WithStorageDir(t.TempDir()), fakeindex.WithOIDC(cfg)}, opts...)...)
	mux := http.NewServeMux()
	mux.Handle(fakeci.GitHubTokenPath, fakeci.NewGitHubActions(ix, ghaRequestToken, ghClaims))
	mux.Handle("/", ix)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() {
		srv.Close()
		_ = ix.Close()
	})
	u := srv.URL
	for _, p := range cfg.Publishers {
		for _, name := range p.Projects {
			if err := ix.CreateProject(name); err != nil {
				t.Fatal(err)
			}
		}
	}
	return ix, u
}

// ghaEnv is the environment of a GitHub Actions job with id-token: write
// whose token endpoint is the one startTPIndex serves beside the index,
// signing its attestations with the index's fake Sigstore.
func ghaEnv(tb testing.TB, ix *fakeindex.Index, indexURL string) []string {
	tb.Helper()
	return append([]string{
		"GITHUB_ACTIONS=true",
		"ACTIONS_ID_TOKEN_REQUEST_URL=" + indexURL + fakeci.GitHubRequestPath,
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN=" + ghaRequestToken,
	}, sigstoreEnv(tb, ix, indexURL)...)
}

// sigstoreEnv points pyupload at the index's fake Sigstore: its trusted
// root and signing config, written as files. No test may reach Sigstore's
// public instance (the default).
func sigstoreEnv(tb testing.TB, ix *fakeindex.Index, indexURL string) []string {
	tb.Helper()
	dir := tb.TempDir()
	root, cfg := filepath.Join(dir, "trusted_root.json"), filepath.Join(dir, "signing_config.json")
	s := ix.Sigstore()
	if err := os.WriteFile(root, s.TrustedRootJSON(), 0o600); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(cfg, s.SigningConfigJSON(indexURL+fakeindex.FulcioPath, indexURL+fakeindex.RekorPath), 0o600); err != nil {
		tb.Fatal(err)
	}
	return []string{"PYUPLOAD_SIGSTORE_TRUSTED_ROOT=" + root, "PYUPLOAD_SIGSTORE_SIGNING_CONFIG=" + cfg}
}

var (
	jwtRE   = regexp.MustCompile(`eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+`)
	tokenRE = regexp.MustCompile(`pypi-[A-Za-z0-9_-]{16,}`)
)

// assertNoSecrets scans output for identity tokens (JWTs), upload tokens
// and the runner's request token. Only ::add-mask:: lines may carry them,
// and, where allowed, lines the user asked for (pyupload token's stdout).
func assertNoSecrets(t *testing.T, name, output string, allowed ...string) {
	t.Helper()
	for i, line := range strings.Split(output, "\n") {
		if strings.HasPrefix(line, "::add-mask::") {
			continue
		}
		for _, a := range allowed {
			line = strings.ReplaceAll(line, a, "<allowed>")
		}
		if jwtRE.MatchString(line) || tokenRE.MatchString(line) || strings.Contains(line, ghaRequestToken) {
			t.Errorf("%s line %d carries a secret: %q", name, i+1, line)
		}
	}
}

// masked returns the values pyupload asked GitHub to mask.
func masked(output string) []string {
	var out []string
	for line := range strings.SplitSeq(output, "\n") {
		if v, ok := strings.CutPrefix(line, "::add-mask::"); ok {
			out = append(out, v)
		}
	}
	return out
}

// TestE2ETrustedPublishingGitHub: in a simulated GitHub Actions job with
// no password, pyupload finds the identity, mints and uploads; tokens are
// masked and appear nowhere else.
func TestE2ETrustedPublishingGitHub(t *testing.T) {
	t.Parallel()
	ix, u := startTPIndex(t, fakeindex.OIDCConfig{Publishers: []fakeindex.Publisher{ghPublisher}})
	r := runBinary(t, ghaEnv(t, ix, u), uploadArgs(u, good+"pyupload_mv22-2.2-py3-none-any.whl", good+"pyupload_mv22-2.2.tar.gz")...)
	if r.code != ui.ExitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if n := len(ix.Files()); n != 2 {
		t.Errorf("stored %d files, want 2", n)
	}
	// The identity token for the index, the minted token, and the
	// identity token for Sigstore.
	m := masked(r.stderr)
	if len(m) != 3 || !strings.HasPrefix(m[1], "pypi-") || m[0] == m[2] {
		t.Errorf("masked values = %d, want both identity tokens and the minted token masked", len(m))
	}
	assertNoSecrets(t, "stdout", r.stdout)
	assertNoSecrets(t, "stderr", r.stderr)
}

// TestE2ETokenCommand: `pyupload token` in a simulated GitHub Actions run
// prints a token that the index accepts for an upload.
func TestE2ETokenCommand(t *testing.T) {
	t.Parallel()
	ix, u := startTPIndex(t, fakeindex.OIDCConfig{Publishers: []fakeindex.Publisher{ghPublisher}})
	for _, format := range []string{"raw", "env", "json"} {
		r := runBinary(t, ghaEnv(t, ix, u), "token", "--repository-url", u+"/legacy/", "--format", format)
		if r.code != ui.ExitOK {
			t.Fatalf("token --format %s: exit %d\n%s", format, r.code, r.stderr)
		}
		tok := tokenRE.FindString(r.stdout)
		if tok == "" {
			t.Fatalf("token --format %s printed no token:\n%s", format, r.stdout)
		}
		if !strings.Contains(r.stderr, "::add-mask::"+tok) {
			t.Errorf("token --format %s: the token was not masked on stderr", format)
		}
		assertNoSecrets(t, "token stderr", r.stderr)
		assertNoSecrets(t, "token stdout", r.stdout, tok) // asked for: the token itself
		switch format {
		case "env":
			if !strings.Contains(r.stdout, "TWINE_USERNAME=__token__\nTWINE_PASSWORD="+tok+"\nPYUPLOAD_MINTED_TOKEN_SHA256="+trusted.Fingerprint(tok)+"\n") {
				t.Errorf("env format:\n%s", r.stdout)
			}
		case "json":
			if !strings.Contains(r.stdout, `"expires_unix"`) {
				t.Errorf("json format lacks the expiry:\n%s", r.stdout)
			}
		}
		if format == "raw" {
			up := runBinary(t, []string{"TWINE_PASSWORD=" + tok}, uploadArgs(u, good+"pyupload_mv23-2.3-py3-none-any.whl")...)
			if up.code != ui.ExitOK {
				t.Errorf("upload with the minted token: exit %d\n%s", up.code, up.stderr)
			}
			assertNoSecrets(t, "upload output", up.stdout+up.stderr)
		}
	}
}

// TestE2ETrustedPublishingFailures: the index refuses, and the user is told
// what the publisher would have to say, without a form pre-filled from a
// repository not named after the project (example-pkg publishing
// pyupload-mv22), and that an owner ID PyPI does not name may differ; no
// token leaks.
func TestE2ETrustedPublishingFailures(t *testing.T) {
	t.Parallel()
	wrongOwnerID := ghPublisher
	wrongOwnerID.RepositoryOwnerID = "2000"
	otherWorkflow := ghPublisher
	otherWorkflow.WorkflowFilename = "publish.yml"
	tests := []struct {
		name      string
		publisher fakeindex.Publisher
		disabled  bool
		want      []string
	}{
		{"no matching publisher", otherWorkflow, false, []string{"invalid-publisher", "workflow:     release.yml", "No pre-filled form", "/manage/project/pyupload-mv22/settings/publishing/ ("}},
		{"owner id differs", wrongOwnerID, false, []string{"Publisher with matching claims was not found", "repository_owner_id 1000) without naming it", "repository_owner_id:   1000"}},
		{"disabled", ghPublisher, true, []string{"Trusted Publishing switched off"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ix, u := startTPIndex(t, fakeindex.OIDCConfig{Publishers: []fakeindex.Publisher{tt.publisher}, Disabled: tt.disabled})
			r := runBinary(t, ghaEnv(t, ix, u), uploadArgs(u, good+"pyupload_mv22-2.2-py3-none-any.whl")...)
			if r.code != ui.ExitFailure {
				t.Errorf("exit %d, want 1\n%s", r.code, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			if strings.Contains(r.stderr, "publishing/?") {
				t.Errorf("stderr offers a form pre-filled from a repository not named after the project:\n%s", r.stderr)
			}
			if n := ix.UploadAttempts(); n != 0 {
				t.Errorf("index saw %d uploads, want none after a failed exchange", n)
			}
			assertNoSecrets(t, "stdout", r.stdout)
			assertNoSecrets(t, "stderr", r.stderr)
		})
	}
}

// TestE2ETokenRefresh: with upload tokens that live just past the 5-minute
// refresh threshold, a slow batch re-mints with a fresh identity token.
func TestE2ETokenRefresh(t *testing.T) {
	t.Parallel()
	ix, u := startTPIndex(t, fakeindex.OIDCConfig{Publishers: []fakeindex.Publisher{ghPublisher}, TokenTTL: 5*time.Minute + 2*time.Second},
		fakeindex.WithLatency(800*time.Millisecond))
	r := runBinary(t, ghaEnv(t, ix, u), uploadArgs(u, "--jobs", "1", good+"pyupload_mv22-2.2-py3-none-any.whl", good+"pyupload_mv22-2.2.tar.gz", good+"pyupload_mv23-2.3-py3-none-any.whl")...)
	if r.code != ui.ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if n := ix.MintAttempts(); n < 2 {
		t.Errorf("mints = %d, want a re-mint during the batch", n)
	}
	if n := len(ix.Files()); n != 3 {
		t.Errorf("stored %d files, want 3", n)
	}
	assertNoSecrets(t, "output", r.stdout+r.stderr)
}

// TestE2EOtherProviders: GitLab (token in PYPI_ID_TOKEN), Google (metadata
// server), CircleCI (fake `circleci` on PATH), and an explicit token file.
func TestE2EOtherProviders(t *testing.T) {
	t.Parallel()
	now := time.Now().Unix()
	base := func(iss string, extra map[string]any) map[string]any {
		c := map[string]any{"iss": iss, "aud": "pypi", "iat": now, "nbf": now, "exp": now + 600}
		maps.Copy(c, extra)
		return c
	}
	gitlab := fakeindex.Publisher{Kind: "gitlab", ProjectPath: "example-group/example-pkg", CIConfigPath: ".gitlab-ci.yml", Projects: []string{"pyupload-mv22"}}
	gitlabClaims := base("https://gitlab.com", map[string]any{
		"sub": "project_path:example-group/example-pkg:ref_type:tag:ref:v1.0.0", "project_path": "example-group/example-pkg",
		"ci_config_ref_uri": "gitlab.com/example-group/example-pkg//.gitlab-ci.yml@refs/tags/v1.0.0",
		"ref_path":          "refs/tags/v1.0.0", "sha": "9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b",
	})
	google := fakeindex.Publisher{Kind: "google", Email: "publisher@example.iam.gserviceaccount.com", Projects: []string{"pyupload-mv22"}}
	circle := fakeindex.Publisher{Kind: "circleci", OrgID: "org-1", ProjectID: "proj-1", PipelineDefinitionID: "pipe-1", Projects: []string{"pyupload-mv22"}}
	circleClaims := base("https://oidc.circleci.com", map[string]any{
		"sub": "org/org-1/project/proj-1/user/u", "oidc.circleci.com/org-id": "org-1", "oidc.circleci.com/project-id": "proj-1",
		"oidc.circleci.com/pipeline-definition-id": "pipe-1", "oidc.circleci.com/ssh-rerun": false,
	})
	tests := []struct {
		name      string
		publisher fakeindex.Publisher
		setup     func(t *testing.T, ix *fakeindex.Index, u string) (env []string, args []string)
	}{
		{"gitlab", gitlab, func(t *testing.T, ix *fakeindex.Index, _ string) ([]string, []string) {
			t.Helper()
			c := maps.Clone(gitlabClaims)
			c["jti"] = "gl-1"
			tok, err := ix.SignIDToken(c)
			if err != nil {
				t.Fatal(err)
			}
			return []string{"GITLAB_CI=true", "PYPI_ID_TOKEN=" + tok}, nil
		}},
		{"google", google, func(t *testing.T, ix *fakeindex.Index, _ string) ([]string, []string) {
			t.Helper()
			meta := httptest.NewServer(fakeci.NewGCPMetadata(ix, google.Email, "1234"))
			t.Cleanup(meta.Close)
			return []string{"GCE_METADATA_HOST=" + strings.TrimPrefix(meta.URL, "http://")}, []string{"--provider", "google"}
		}},
		{"circleci", circle, func(t *testing.T, ix *fakeindex.Index, _ string) ([]string, []string) {
			t.Helper()
			c := maps.Clone(circleClaims)
			c["jti"] = "cc-1"
			tok, err := ix.SignIDToken(c)
			if err != nil {
				t.Fatal(err)
			}
			bin := t.TempDir()
			script := fmt.Sprintf("#!/bin/sh\n[ \"$1 $2 $3\" = 'run oidc get' ] || exit 3\necho '%s'\n", tok)
			if err := os.WriteFile(filepath.Join(bin, "circleci"), []byte(script), 0o755); err != nil { // #nosec G306 -- an executable test fixture
				t.Fatal(err)
			}
			return []string{"CIRCLECI=true", "PATH=" + bin + ":/usr/bin:/bin"}, nil
		}},
		{"explicit token file", gitlab, func(t *testing.T, ix *fakeindex.Index, _ string) ([]string, []string) {
			t.Helper()
			c := maps.Clone(gitlabClaims)
			c["jti"] = "gl-file"
			tok, err := ix.SignIDToken(c)
			if err != nil {
				t.Fatal(err)
			}
			f := filepath.Join(t.TempDir(), "token")
			if err := os.WriteFile(f, []byte(tok+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			return nil, []string{"--oidc-token-file", f}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ix, u := startTPIndex(t, fakeindex.OIDCConfig{Publishers: []fakeindex.Publisher{tt.publisher}})
			env, extra := tt.setup(t, ix, u)
			env = append(env, sigstoreEnv(t, ix, u)...)
			r := runBinary(t, env, uploadArgs(u, append(extra, good+"pyupload_mv22-2.2-py3-none-any.whl")...)...)
			if r.code != ui.ExitOK {
				t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
			if n := len(ix.Files()); n != 1 {
				t.Errorf("stored %d files, want 1", n)
			}
			assertNoSecrets(t, "output", r.stdout+r.stderr)
		})
	}
}

// TestE2EWhoami shows the provider and the claims the index will match,
// without minting.
func TestE2EWhoami(t *testing.T) {
	t.Parallel()
	ix, u := startTPIndex(t, fakeindex.OIDCConfig{Publishers: []fakeindex.Publisher{ghPublisher}})
	r := runBinary(t, ghaEnv(t, ix, u), "whoami", "--repository-url", u+"/legacy/")
	if r.code != ui.ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	for _, want := range []string{"provider:  github", "audience:  pypi", "repository_owner_id:   1000", "environment:           MISSING", "workflow:     release.yml", "provider=github"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("whoami lacks %q:\n%s", want, r.stdout)
		}
	}
	if n := ix.MintAttempts(); n != 0 {
		t.Errorf("whoami minted %d times, want 0", n)
	}
	assertNoSecrets(t, "whoami", r.stdout+r.stderr)
}

// TestE2EIdentityCommandsIgnorePasswords: token and whoami need only the
// index's endpoint, so a password set for other tools (even with mode
// always), or mode never for whoami, does not stop them.
func TestE2EIdentityCommandsIgnorePasswords(t *testing.T) {
	t.Parallel()
	ix, u := startTPIndex(t, fakeindex.OIDCConfig{Publishers: []fakeindex.Publisher{ghPublisher}})
	for _, tt := range []struct {
		env  []string
		args []string
	}{
		{[]string{"TWINE_PASSWORD=pypi-stale"}, []string{"token"}},
		{[]string{"TWINE_PASSWORD=pypi-stale", "PYUPLOAD_TRUSTED_PUBLISHING=always"}, []string{"token"}},
		{[]string{"TWINE_PASSWORD=pypi-stale"}, []string{"whoami"}},
		{[]string{"PYUPLOAD_TRUSTED_PUBLISHING=never"}, []string{"whoami"}},
	} {
		r := runBinary(t, append(ghaEnv(t, ix, u), tt.env...), append(tt.args, "--repository-url", u+"/legacy/")...)
		if r.code != ui.ExitOK {
			t.Errorf("%v pyupload %v: exit %d\n%s", tt.env, tt.args, r.code, r.stderr)
		}
	}
	// whoami says when an upload would use the password instead.
	r := runBinary(t, append(ghaEnv(t, ix, u), "TWINE_PASSWORD=pypi-stale"), "whoami", "--repository-url", u+"/legacy/")
	if !strings.Contains(r.stderr, "note: an upload here would use the token from TWINE_PASSWORD rather than mint one from this github identity") {
		t.Errorf("whoami with a password: no note that it shadows the identity\n%s", r.stderr)
	}
	// An identity token is a secret: never sent over plain http to a host
	// other than loopback (it used to reach the mint endpoint).
	for _, cmd := range []string{"token", "whoami"} {
		r := runBinary(t, ghaEnv(t, ix, u), cmd, "--repository-url", "http://upload.example.org/legacy/")
		if r.code != ui.ExitUsage || !strings.Contains(r.stderr, "must use https") {
			t.Errorf("%s over plain http: exit %d\n%s", cmd, r.code, r.stderr)
		}
	}
	r = runBinary(t, append(ghaEnv(t, ix, u), "PYUPLOAD_TRUSTED_PUBLISHING=never"), "token", "--repository-url", u+"/legacy/")
	if r.code != ui.ExitUsage || !strings.Contains(r.stderr, "--trusted-publishing never leaves nothing to do") {
		t.Errorf("token with mode never: exit %d\n%s", r.code, r.stderr)
	}
}

// TestE2EAttestations: --attestations keeps twine's meaning. Without
// Trusted Publishing a dist without an attestation file stops the batch
// before any upload; with it, the files found beside each dist (or named
// among the arguments) are sent as they are, as one JSON array field, and
// not signed again.
func TestE2EAttestations(t *testing.T) {
	t.Parallel()
	dir, paths := copyDists(t, attestWheel)
	wheel := paths[0]
	plain, pu := startIndex(t)
	r := runBinary(t, tokenEnv, uploadArgs(pu, "--attestations", wheel)...)
	if r.code != ui.ExitFailure || !strings.Contains(r.stderr, "no "+attestWheel+".*.attestation file") || plain.UploadAttempts() != 0 {
		t.Fatalf("without an attestation file: exit %d, %d uploads\n%s", r.code, plain.UploadAttempts(), r.stderr)
	}
	// One index signs (and keeps the wheel); a second one, trusting the
	// first one's Sigstore, gets the file made there.
	signer, su := startTPIndex(t, fakeindex.OIDCConfig{Publishers: []fakeindex.Publisher{ghPublisher}})
	if r := runBinary(t, ghaEnv(t, signer, su), uploadArgs(su, "--attestations-dir", dir, wheel)...); r.code != ui.ExitOK {
		t.Fatalf("signing: exit %d\n%s", r.code, r.stderr)
	}
	made, err := os.ReadFile(wheel + ".publish.attestation")
	if err != nil {
		t.Fatal(err)
	}
	ix, u := startTPIndex(t, fakeindex.OIDCConfig{Publishers: []fakeindex.Publisher{ghPublisher}}, fakeindex.WithAttestationTrustedRoot(signer.Sigstore().TrustedRootJSON()))
	// As the shell expands dist/*: the attestation is an argument too, and
	// is sent once.
	env := append(ghaEnv(t, ix, u), "PYUPLOAD_SIGSTORE_TRUSTED_ROOT="+writeTemp(t, signer.Sigstore().TrustedRootJSON()))
	r = runBinary(t, env, uploadArgs(u, "--attestations", wheel, wheel+".publish.attestation")...)
	if r.code != ui.ExitOK || strings.Contains(r.stderr, "Attestations: signed") || ix.Sigstore().LogSize() != 0 {
		t.Fatalf("exit %d, %d log entries\n%s", r.code, ix.Sigstore().LogSize(), r.stderr)
	}
	files := ix.Files()
	if len(files) != 1 {
		t.Fatalf("stored %d files", len(files))
	}
	if got, want := files[0].Fields.Get("attestations"), "["+strings.TrimSpace(string(made))+"]"; got != want {
		t.Errorf("attestations field = %.200s, want %.200s", got, want)
	}
}

// TestE2EWhoamiBuildkite: a fake buildkite-agent on PATH supplies the
// token; whoami shows it (PyPI has no Buildkite issuer, so only whoami
// can succeed there).
func TestE2EWhoamiBuildkite(t *testing.T) {
	t.Parallel()
	ix, u := startTPIndex(t, fakeindex.OIDCConfig{Publishers: []fakeindex.Publisher{ghPublisher}})
	tok, err := ix.SignIDToken(map[string]any{"iss": "https://agent.buildkite.com", "aud": "pypi", "sub": "organization:acme:pipeline:release:ref:refs/tags/v1", "organization_slug": "acme", "pipeline_slug": "release"})
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	script := "#!/bin/sh\n[ \"$1 $2 $3 $4\" = 'oidc request-token --audience pypi' ] || { echo \"bad args: $*\" >&2; exit 3; }\necho '" + tok + "'\n"
	if err := os.WriteFile(filepath.Join(bin, "buildkite-agent"), []byte(script), 0o755); err != nil { // #nosec G306 -- an executable test fixture
		t.Fatal(err)
	}
	r := runBinary(t, []string{"BUILDKITE=true", "PATH=" + bin + ":/usr/bin:/bin"}, "whoami", "--repository-url", u+"/legacy/")
	if r.code != ui.ExitOK || !strings.Contains(r.stdout, "provider:  buildkite") || !strings.Contains(r.stdout, "pipeline_slug:         release") {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	assertNoSecrets(t, "whoami", r.stdout+r.stderr)
}

// TestE2EVerboseLeaksNothing: --verbose logs every request, and still no
// token or credential appears.
func TestE2EVerboseLeaksNothing(t *testing.T) {
	t.Parallel()
	ix, u := startTPIndex(t, fakeindex.OIDCConfig{Publishers: []fakeindex.Publisher{ghPublisher}})
	r := runBinary(t, ghaEnv(t, ix, u), uploadArgs(u, "--verbose", good+"pyupload_mv22-2.2-py3-none-any.whl")...)
	if r.code != ui.ExitOK || !strings.Contains(r.stderr, "http request") {
		t.Fatalf("exit %d, want 0 with request logs\n%s", r.code, r.stderr)
	}
	assertNoSecrets(t, "verbose output", r.stdout+r.stderr)
	r = runBinary(t, []string{"TWINE_PASSWORD=" + testToken}, uploadArgs(u, "--verbose", good+"pyupload_mv23-2.3-py3-none-any.whl")...)
	if strings.Contains(r.stdout+r.stderr, testToken) {
		t.Errorf("--verbose output contains the API token")
	}
}

func TestE2EInsecureURLs(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, flag, value string }{
		{"http upload URL", "--repository-url", "http://upload.example.org/legacy/"},
		{"http check URL", "--check-url", "http://pypi.example.org/simple/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := []string{"--disable-progress-bar", tt.flag, tt.value, good + "pyupload_mv22-2.2-py3-none-any.whl"}
			if tt.flag != "--repository-url" {
				args = append([]string{"--repository-url", "https://upload.example.org/legacy/"}, args...)
			}
			r := runBinary(t, tokenEnv, args...)
			if r.code != ui.ExitUsage || !strings.Contains(r.stderr, "https") {
				t.Errorf("exit %d, stderr:\n%s\nwant exit 2 and an https requirement", r.code, r.stderr)
			}
		})
	}
}

// TestE2ETokenShadowsIdentity: an API token wins over the CI identity
// (as with twine and uv), nothing is minted, and a note says so.
func TestE2ETokenShadowsIdentity(t *testing.T) {
	t.Parallel()
	ix, u := startTPIndex(t, fakeindex.OIDCConfig{Publishers: []fakeindex.Publisher{ghPublisher}})
	r := runBinary(t, append(ghaEnv(t, ix, u), "TWINE_PASSWORD="+testToken), uploadArgs(u, good+"pyupload_mv22-2.2-py3-none-any.whl")...)
	if r.code != ui.ExitOK || !strings.Contains(r.stderr, "note: using the token from TWINE_PASSWORD rather than minting one from this job's github identity") {
		t.Errorf("exit %d\n%s", r.code, r.stderr)
	}
	if n := ix.MintAttempts(); n != 0 {
		t.Errorf("minted %d times, want 0", n)
	}
}

// TestE2ETokenThenUpload: the token an earlier step minted with `pyupload
// token --format env` (written to $GITHUB_ENV) came from this job's
// identity: the upload uses it without the note that a token shadows the
// identity, and a refusal gets Trusted Publishing's advice.
func TestE2ETokenThenUpload(t *testing.T) {
	t.Parallel()
	ix, u := startTPIndex(t, fakeindex.OIDCConfig{Publishers: []fakeindex.Publisher{ghPublisher}})
	if err := ix.CreateProject("pyupload-mv24"); err != nil { // another publisher's project
		t.Fatal(err)
	}
	r := runBinary(t, ghaEnv(t, ix, u), "token", "--repository-url", u+"/legacy/", "--format", "env")
	if r.code != ui.ExitOK {
		t.Fatalf("token: exit %d\n%s", r.code, r.stderr)
	}
	githubEnv := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(githubEnv) != 3 || !strings.HasPrefix(githubEnv[2], "PYUPLOAD_MINTED_TOKEN_SHA256=") {
		t.Fatalf("token --format env printed %q, want the username, the token and its fingerprint", githubEnv)
	}
	env := append(ghaEnv(t, ix, u), githubEnv...)
	r = runBinary(t, env, uploadArgs(u, good+"pyupload_mv22-2.2-py3-none-any.whl")...)
	if r.code != ui.ExitOK || strings.Contains(r.stderr, "note:") {
		t.Errorf("upload with the minted token: exit %d, want 0 and no note\n%s", r.code, r.stderr)
	}
	if n := ix.MintAttempts(); n != 1 {
		t.Errorf("minted %d times, want once (by pyupload token)", n)
	}
	r = runBinary(t, env, uploadArgs(u, good+"pyupload_mv24-2.4-py3-none-any.whl")...)
	if r.code != ui.ExitFailure || !strings.Contains(r.stderr, "hint: The upload token was minted by Trusted Publishing") {
		t.Errorf("refused upload with the minted token: exit %d, want 1 and Trusted Publishing's advice\n%s", r.code, r.stderr)
	}
	// Another token in its place is noted as shadowing the identity.
	r = runBinary(t, append(env, "PYUPLOAD_PASSWORD="+testToken), uploadArgs(u, good+"pyupload_mv23-2.3-py3-none-any.whl")...)
	if r.code != ui.ExitOK || !strings.Contains(r.stderr, "note: using the token from PYUPLOAD_PASSWORD") {
		t.Errorf("upload with another token: exit %d, want 0 and the note\n%s", r.code, r.stderr)
	}
	assertNoSecrets(t, "output", r.stdout+r.stderr)
}

// TestE2EFailureSummaryLeaksNothing: a refused exchange in GitHub Actions
// writes the step summary and annotations without any token.
func TestE2EFailureSummaryLeaksNothing(t *testing.T) {
	t.Parallel()
	other := ghPublisher
	other.WorkflowFilename = "other.yml"
	ix, u := startTPIndex(t, fakeindex.OIDCConfig{Publishers: []fakeindex.Publisher{other}})
	summary := filepath.Join(t.TempDir(), "summary.md")
	r := runBinary(t, append(ghaEnv(t, ix, u), "GITHUB_STEP_SUMMARY="+summary), uploadArgs(u, good+"pyupload_mv22-2.2-py3-none-any.whl")...)
	if r.code != ui.ExitFailure {
		t.Fatalf("exit %d", r.code)
	}
	b, err := os.ReadFile(summary)
	if err != nil || !strings.Contains(string(b), "invalid-publisher") {
		t.Fatalf("step summary = %q, %v", b, err)
	}
	assertNoSecrets(t, "step summary", string(b))
	assertNoSecrets(t, "output", r.stdout+r.stderr)
}

// TestE2ETrustedPublishingRefusedUpload: the minted token does not cover a
// project outside its publisher's set; the hint is about the publisher,
// never about an API token (there is none).
func TestE2ETrustedPublishingRefusedUpload(t *testing.T) {
	t.Parallel()
	ix, u := startTPIndex(t, fakeindex.OIDCConfig{Publishers: []fakeindex.Publisher{ghPublisher}})
	if err := ix.CreateProject("pyupload-mv24"); err != nil { // another publisher's project
		t.Fatal(err)
	}
	r := runBinary(t, ghaEnv(t, ix, u), uploadArgs(u, good+"pyupload_mv24-2.4-py3-none-any.whl")...)
	if r.code != ui.ExitFailure || !strings.Contains(r.stderr, "OIDC scoped token is not valid for project") {
		t.Fatalf("exit %d, want %d and the index's refusal\n%s", r.code, ui.ExitFailure, r.stderr)
	}
	_, hint, _ := strings.Cut(r.stderr, "hint: ")
	for _, want := range []string{"minted by Trusted Publishing from this job's github identity; there is no API token to fix", "/manage/project/pyupload-mv24/settings/publishing/\n"} {
		if !strings.Contains(hint, want) {
			t.Errorf("hint lacks %q:\n%s", want, hint)
		}
	}
	if strings.Contains(hint, "publishing/?") {
		t.Errorf("the hint pre-fills a form from example-pkg for pyupload-mv24:\n%s", hint)
	}
	if strings.Contains(hint, "--password") {
		t.Errorf("the hint sends the user to --password, under Trusted Publishing:\n%s", hint)
	}
	assertNoSecrets(t, "output", r.stdout+r.stderr)
}
