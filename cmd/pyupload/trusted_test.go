package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyupload/pyupload/internal/ui"
)

// unsignedJWT builds an identity token for in-process CLI tests; the mint
// endpoint here is a script that never verifies it.
func unsignedJWT(t *testing.T, claims map[string]any) string {
	t.Helper()
	b, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	return "eyJhbGciOiJSUzI1NiJ9." + base64.RawURLEncoding.EncodeToString(b) + ".c2ln"
}

func githubClaims(aud string) map[string]any {
	return map[string]any{
		"iss": "https://token.actions.githubusercontent.com", "aud": aud, "jti": "j1",
		"sub":                 "repo:example-org/example-pkg:environment:pypi",
		"repository":          "example-org/example-pkg",
		"repository_owner":    "example-org",
		"repository_owner_id": "98765432",
		"workflow_ref":        "example-org/example-pkg/.github/workflows/release.yml@refs/tags/v1.4.0",
		"job_workflow_ref":    "example-org/example-pkg/.github/workflows/release.yml@refs/tags/v1.4.0",
		"ref":                 "refs/tags/v1.4.0",
		"environment":         "pypi",
	}
}

// mintScript serves the audience endpoint and answers every mint with one
// canned response.
func mintScript(t *testing.T, status int, body string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/_/oidc/audience":
			_, _ = w.Write([]byte(`{"audience": "pypi"}`))
		case "/_/oidc/mint-token":
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestMintErrorHints renders each mint error code with its hint (golden
// files), and checks no token leaks into the output.
func TestMintErrorHints(t *testing.T) {
	t.Parallel()
	doc := func(code, desc string) string {
		return fmt.Sprintf(`{"message": "Token request failed", "errors": [{"code": %q, "description": %q}]}`, code, desc)
	}
	// ownRepo is a job in a repository named after the project it
	// publishes: the one case a pre-filled publisher form is offered.
	ownRepo := githubClaims("pypi")
	maps.Copy(ownRepo, map[string]any{
		"sub": "repo:example-org/pyupload-mv22:environment:pypi", "repository": "example-org/pyupload-mv22",
		"workflow_ref":     "example-org/pyupload-mv22/.github/workflows/release.yml@refs/tags/v1.4.0",
		"job_workflow_ref": "example-org/pyupload-mv22/.github/workflows/release.yml@refs/tags/v1.4.0",
	})
	noOwnerID := githubClaims("pypi")
	delete(noOwnerID, "repository_owner_id")
	tests := []struct {
		name   string
		status int
		body   string
		claims map[string]any // githubClaims("pypi") when nil
	}{
		{"invalid-publisher-claim", 422, doc("invalid-publisher", "valid token, but no corresponding publisher (Check failed for required claim 'repository_owner_id')"), nil},
		{"invalid-publisher-missing-owner-id", 422, doc("invalid-publisher", "valid token, but no corresponding publisher (Missing claim 'repository_owner_id')"), noOwnerID},
		{"invalid-publisher-none", 422, doc("invalid-publisher", "valid token, but no corresponding publisher (Publisher with matching claims was not found)"), nil},
		{"invalid-publisher-none-own-repository", 422, doc("invalid-publisher", "valid token, but no corresponding publisher (Publisher with matching claims was not found)"), ownRepo},
		{"invalid-publisher-environment", 422, doc("invalid-publisher", "valid token, but no corresponding publisher (Check failed for optional claim 'environment')"), nil},
		{"invalid-pending-publisher", 422, doc("invalid-pending-publisher", "valid token, but project already exists"), nil},
		{"invalid-reuse-token", 422, doc("invalid-reuse-token", "invalid token: already used"), nil},
		{"not-enabled", 422, doc("not-enabled", "github trusted publishing functionality not enabled"), nil},
		{"invalid-token", 422, doc("invalid-token", "malformed or invalid token"), nil},
		{"invalid-payload", 422, doc("invalid-payload", "unknown trusted publishing issuer"), nil},
		{"pull-request-target", 422, doc("invalid-publisher", "valid token, but no corresponding publisher (Publishing from a workflow invoked via 'pull_request_target' is not supported.)"), nil},
		{"cdn-page", 502, "<html><body>502 Bad Gateway</body></html>", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			index := mintScript(t, tt.status, tt.body)
			claims := tt.claims
			if claims == nil {
				claims = githubClaims("pypi")
			}
			jwt := unsignedJWT(t, claims)
			var out, errOut bytes.Buffer
			code := run(t.Context(), []string{"--repository-url", index + "/legacy/", "--disable-progress-bar", good + "pyupload_mv22-2.2-py3-none-any.whl"},
				testEnv(t, map[string]string{"PYUPLOAD_OIDC_TOKEN": jwt}), &out, &errOut)
			if code != ui.ExitFailure {
				t.Errorf("exit %d, want %d", code, ui.ExitFailure)
			}
			got := strings.ReplaceAll(out.String()+"-- stderr --\n"+errOut.String(), strings.TrimPrefix(index, "http://"), "INDEX")
			if strings.Contains(got, jwt) {
				t.Error("the identity token appears in the output")
			}
			golden(t, "tp-"+tt.name+".golden", got)
		})
	}
}

// TestGitHubActionsFailure: in GitHub Actions a failure becomes an
// ::error:: annotation and a step-summary section.
func TestGitHubActionsFailure(t *testing.T) {
	t.Parallel()
	index := mintScript(t, 422, `{"message": "Token request failed", "errors": [{"code": "invalid-publisher", "description": "valid token, but no corresponding publisher (Publisher with matching claims was not found)"}]}`)
	summary := filepath.Join(t.TempDir(), "summary.md")
	var out, errOut bytes.Buffer
	code := run(t.Context(), []string{"--repository-url", index + "/legacy/", "--disable-progress-bar", good + "pyupload_mv22-2.2-py3-none-any.whl"},
		testEnv(t, map[string]string{"PYUPLOAD_OIDC_TOKEN": unsignedJWT(t, githubClaims("pypi")), "GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": summary}), &out, &errOut)
	if code != ui.ExitFailure {
		t.Errorf("exit %d", code)
	}
	if !strings.Contains(errOut.String(), "::error title=pyupload failed::") || !strings.Contains(errOut.String(), "%0A") {
		t.Errorf("stderr lacks a multi-line ::error:: annotation:\n%s", errOut.String())
	}
	b, err := os.ReadFile(summary)
	if err != nil || !strings.Contains(string(b), "## pyupload failed") || !strings.Contains(string(b), "invalid-publisher") {
		t.Errorf("step summary = %q, %v", b, err)
	}
}

func TestTrustedPublishingModes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		env      map[string]string
		wantCode int
		wantErr  string
	}{
		{"never without token", []string{"--trusted-publishing", "never"}, map[string]string{"PYUPLOAD_OIDC_TOKEN": "x.y.z"}, ui.ExitUsage, "no credentials"},
		{"always with a password", []string{"--trusted-publishing", "always", "--password", "pypi-x"}, nil, ui.ExitUsage, "cannot be combined"},
		{"always outside CI", []string{"--trusted-publishing", "always"}, nil, ui.ExitUsage, "no supported CI provider detected"},
		{"bad mode", []string{"--trusted-publishing", "sometimes"}, nil, ui.ExitUsage, "must be auto, always or never"},
		{"unknown provider", []string{"--provider", "jenkins"}, nil, ui.ExitUsage, "unknown --provider"},
		{"github without permission", nil, map[string]string{"GITHUB_ACTIONS": "true"}, ui.ExitFailure, "id-token: write"},
		{"gitlab without id_tokens", nil, map[string]string{"GITLAB_CI": "true"}, ui.ExitFailure, "PYPI_ID_TOKEN:\n      aud: pypi"},
		{"token for another audience", nil, map[string]string{"PYUPLOAD_OIDC_TOKEN": "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJvdGhlciJ9.c2ln"}, ui.ExitFailure, `must be issued for audience "pypi"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			index := mintScript(t, 500, "")
			args := append([]string{"--repository-url", index + "/legacy/", "--disable-progress-bar"}, tt.args...)
			args = append(args, good+"pyupload_mv22-2.2-py3-none-any.whl")
			var out, errOut bytes.Buffer
			code := run(t.Context(), args, testEnv(t, tt.env), &out, &errOut)
			if code != tt.wantCode || !strings.Contains(errOut.String(), tt.wantErr) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d and %q", code, errOut.String(), tt.wantCode, tt.wantErr)
			}
		})
	}
}

// TestProviderErrorHints renders the identity and audience failures with
// their hints (golden files).
func TestProviderErrorHints(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fork := filepath.Join(dir, "event.json")
	if err := os.WriteFile(fork, []byte(`{"pull_request":{"head":{"repo":{"fork":true}}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	audience := func(status int) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(status)
			_, _ = w.Write([]byte(`{"message": "Trusted publishing functionality not enabled"}`))
		}))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	ok := mintScript(t, 500, "")
	tests := []struct {
		name  string
		index string
		env   map[string]string
		args  []string
	}{
		{"github-no-permission", ok, map[string]string{"GITHUB_ACTIONS": "true"}, nil},
		{"github-fork-pr", ok, map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": fork}, nil},
		{"gitlab-no-id-tokens", ok, map[string]string{"GITLAB_CI": "true"}, nil},
		{"audience-disabled", audience(403), map[string]string{"GITLAB_CI": "true", "PYPI_ID_TOKEN": "x.y.z"}, nil},
		{"audience-unsupported", audience(404), map[string]string{"GITLAB_CI": "true", "PYPI_ID_TOKEN": "x.y.z"}, nil},
		{"no-provider", ok, nil, []string{"--trusted-publishing", "always"}},
		{"no-credentials", ok, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out, errOut bytes.Buffer
			args := append([]string{"--repository-url", tt.index + "/legacy/", "--disable-progress-bar"}, tt.args...)
			run(t.Context(), append(args, good+"pyupload_mv22-2.2-py3-none-any.whl"), testEnv(t, tt.env), &out, &errOut)
			got := strings.ReplaceAll(out.String()+"-- stderr --\n"+errOut.String(), strings.TrimPrefix(tt.index, "http://"), "INDEX")
			golden(t, "tp-"+tt.name+".golden", got)
		})
	}
}
