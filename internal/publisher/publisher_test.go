package publisher

import (
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pyupload/pyupload/pkg/oidc"
)

func githubClaims() oidc.Claims {
	return oidc.Claims{
		"iss": IssuerGitHub, "sub": "repo:o/r:ref:refs/tags/v1", "repository": "o/r",
		"workflow_ref":     "o/r/.github/workflows/ci.yml@refs/tags/v1",
		"job_workflow_ref": "o/shared/.github/workflows/publish.yml@refs/heads/main",
	}
}

func TestKindOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		claims oidc.Claims
		want   Kind
	}{
		{oidc.Claims{"iss": IssuerGitHub}, GitHub},
		{oidc.Claims{"iss": IssuerGitLab}, GitLab},
		{oidc.Claims{"iss": "https://gitlab.example.com", "ci_config_ref_uri": "x"}, GitLab},
		{oidc.Claims{"iss": IssuerGoogle}, Google},
		{oidc.Claims{"iss": IssuerCircleCI}, CircleCI},
		{oidc.Claims{"iss": "https://agent.buildkite.com"}, Buildkite},
		{oidc.Claims{"iss": "https://example.com"}, Unknown},
	}
	for _, tt := range tests {
		if got := KindOf(tt.claims); got != tt.want {
			t.Errorf("KindOf(%v) = %q, want %q", tt.claims, got, tt.want)
		}
	}
}

func TestClaimsDiagnostics(t *testing.T) {
	t.Parallel()
	c := githubClaims()
	if !ReusableWorkflow(c) || WorkflowFilename(c) != "publish.yml" {
		t.Errorf("ReusableWorkflow, WorkflowFilename = %v %q, want true publish.yml", ReusableWorkflow(c), WorkflowFilename(c))
	}
	missing := map[string]bool{}
	for _, cl := range Matched(c) {
		if cl.Missing {
			missing[cl.Name] = cl.Value == "MISSING"
		}
	}
	for _, name := range []string{"repository_owner", "repository_owner_id", "ref", "environment"} {
		if !missing[name] {
			t.Errorf("Matched() does not show %s as MISSING", name)
		}
	}
}

func TestRequirements(t *testing.T) {
	t.Parallel()
	c := githubClaims()
	c["environment"] = "pypi"
	want := []Field{{"owner", "o"}, {"repository", "r"}, {"workflow", "publish.yml"}, {"environment", "pypi (or none)"}}
	if diff := cmp.Diff(want, Requirements(c)); diff != "" {
		t.Errorf("Requirements(github) (-want +got):\n%s", diff)
	}
	gl := oidc.Claims{"iss": IssuerGitLab, "project_path": "ns/sub/proj", "ci_config_ref_uri": "gitlab.com/ns/sub/proj//ci/release.yml@refs/tags/v1"}
	want = []Field{{"project", "ns/sub/proj"}, {"CI file", "ci/release.yml"}, {"environment", "(none: this job has no environment)"}}
	if diff := cmp.Diff(want, Requirements(gl)); diff != "" {
		t.Errorf("Requirements(gitlab) (-want +got):\n%s", diff)
	}
	if got := Requirements(oidc.Claims{"iss": "https://example.com"}); got != nil {
		t.Errorf("Requirements(unknown) = %v, want nil", got)
	}
}

func TestForms(t *testing.T) {
	t.Parallel()
	existing, pending := Forms("https://pypi.org", githubClaims(), "example-pkg")
	if want := "https://pypi.org/manage/project/example-pkg/settings/publishing/?owner=o&provider=github&repository=r&workflow_filename=publish.yml"; existing != want {
		t.Errorf("Forms existing = %q, want %q", existing, want)
	}
	if want := "https://pypi.org/manage/account/publishing/?owner=o&project_name=example-pkg&provider=github&repository=r&workflow_filename=publish.yml"; pending != want {
		t.Errorf("Forms pending = %q, want %q", pending, want)
	}
	gl := oidc.Claims{"iss": IssuerGitLab, "project_path": "ns/sub/proj", "ci_config_ref_uri": "gitlab.com/ns/sub/proj//.gitlab-ci.yml@refs/tags/v1", "environment": "release"}
	if _, pending := Forms("https://test.pypi.org", gl, ""); pending != "https://test.pypi.org/manage/account/publishing/?environment=release&namespace=ns%2Fsub&project=proj&provider=gitlab&workflow_filepath=.gitlab-ci.yml" {
		t.Errorf("Forms gitlab pending = %q", pending)
	}
	if e, p := Forms("https://pypi.org", oidc.Claims{"iss": IssuerCircleCI}, "x"); e != p || p != "https://pypi.org/manage/account/publishing/" {
		t.Errorf("Forms circleci = %q %q, want the account page", e, p)
	}
}

func TestWebBase(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{
		"https://upload.pypi.org/legacy/":           "https://pypi.org",
		"https://test.pypi.org/legacy/":             "https://test.pypi.org",
		"http://127.0.0.1:8080/legacy/":             "http://127.0.0.1:8080",
		"https://gitea.example/api/packages/o/pypi": "https://gitea.example",
	} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := WebBase(u); got != want {
			t.Errorf("WebBase(%s) = %q, want %q", raw, got, want)
		}
	}
}

func TestAdvice(t *testing.T) {
	t.Parallel()
	if Advice("repository_owner_id") == "" || Advice("no_such_claim") != "" {
		t.Error("Advice: want text for repository_owner_id and none for an unknown claim")
	}
}

func TestIdentityClaim(t *testing.T) {
	t.Parallel()
	for claim, want := range map[string]bool{
		"repository": true, "repository_owner": true, "repository_owner_id": true, "project_path": true,
		// Never compared by the index, so never named by it.
		"repository_id": false, "project_id": false, "namespace_id": false,
		"environment": false, "sub": false, "job_workflow_ref": false,
	} {
		if got := IdentityClaim(claim); got != want {
			t.Errorf("IdentityClaim(%s) = %v, want %v", claim, got, want)
		}
	}
	for _, claim := range []string{"repository", "repository_owner", "repository_owner_id", "project_path"} {
		if a := Advice(claim); strings.Contains(a, "add it again") || strings.Contains(a, ": update the publisher.") {
			t.Errorf("Advice(%s) = %q: it tells to re-create the publisher from this run", claim, a)
		}
	}
}

func TestRepositoryAndPublishedFrom(t *testing.T) {
	t.Parallel()
	gh := oidc.Claims{"iss": IssuerGitHub, "repository": "Example-Org/Example_Pkg", "repository_owner_id": "98765432"}
	gl := oidc.Claims{"iss": IssuerGitLab, "project_path": "group/sub/example.pkg"}
	google := oidc.Claims{"iss": IssuerGoogle, "email": "sa@example.iam.gserviceaccount.com"}
	tests := []struct {
		name       string
		c          oidc.Claims
		path, repo string
		projects   []string
		want       string
	}{
		{"github, named after a project", gh, "Example-Org/Example_Pkg", "Example_Pkg", []string{"other", "example-pkg"}, "example-pkg"},
		{"github, named after none", gh, "Example-Org/Example_Pkg", "Example_Pkg", []string{"pyupload"}, ""},
		{"gitlab", gl, "group/sub/example.pkg", "example.pkg", []string{"example-pkg"}, "example-pkg"},
		{"google has no repository", google, "", "", []string{"sa"}, ""},
		{"no projects", gh, "Example-Org/Example_Pkg", "Example_Pkg", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if path, repo := Repository(tt.c); path != tt.path || repo != tt.repo {
				t.Errorf("Repository() = %q, %q, want %q, %q", path, repo, tt.path, tt.repo)
			}
			if got := PublishedFrom(tt.c, tt.projects); got != tt.want {
				t.Errorf("PublishedFrom(%q) = %q, want %q", tt.projects, got, tt.want)
			}
		})
	}
	if id, ok := OwnerID(gh); !ok || id != "98765432" {
		t.Errorf("OwnerID(github) = %q, %v", id, ok)
	}
	if _, ok := OwnerID(gl); ok {
		t.Error("OwnerID(gitlab) is set: the index compares no GitLab ID")
	}
}
