package ui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pyupload/pyupload/internal/trusted"
	"github.com/pyupload/pyupload/pkg/mint"
	"github.com/pyupload/pyupload/pkg/oidc"
	"github.com/pyupload/pyupload/pkg/upload"
)

// TestPublisherFormsOnlyWhereSafe: a publisher form pre-filled from the
// run's claims is offered only when the index found no publisher for them
// and the run's repository is named after the project being published;
// a claim that says the run comes from another repository or owner gets
// the warning, and never a form.
func TestPublisherFormsOnlyWhereSafe(t *testing.T) {
	t.Parallel()
	gh := func(repo string) oidc.Claims {
		owner, _, _ := strings.Cut(repo, "/")
		return oidc.Claims{
			"iss": "https://token.actions.githubusercontent.com", "repository": repo, "repository_owner": owner,
			"repository_owner_id": "98765432", "repository_id": "812345678",
			"job_workflow_ref": repo + "/.github/workflows/release.yml@refs/tags/v1", "ref": "refs/tags/v1",
		}
	}
	gl := oidc.Claims{
		"iss": "https://gitlab.com", "project_path": "group/Example.Pkg", "namespace_id": "1", "project_id": "2",
		"ci_config_ref_uri": "gitlab.com/group/Example.Pkg//.gitlab-ci.yml@refs/tags/v1",
	}
	google := oidc.Claims{"iss": "https://accounts.google.com", "email": "sa@example.iam.gserviceaccount.com", "email_verified": true}
	reason := func(r string) string { return "valid token, but no corresponding publisher (" + r + ")" }
	const (
		noMatch   = "Publisher with matching claims was not found"
		prefilled = "/settings/publishing/?"
		pending   = "/manage/account/publishing/?"
		untrusted = "Never configure a publisher from the claims of a run you do not trust"
		foreign   = "A fork, or an owner deleted and re-created"
	)
	tests := []struct {
		name    string
		claims  oidc.Claims
		desc    string
		want    []string
		notWant []string
	}{
		{"no publisher, repository named after the project", gh("example-org/Example_Pkg"), reason(noMatch),
			[]string{
				"the index does not say which setting differs",
				"repository_owner_id 98765432) without naming it",
				"who owns example-org now",
				"If example-org/Example_Pkg is the repository example-pkg is published from, add this publisher to the project: https://pypi.org/manage/project/example-pkg/settings/publishing/?owner=example-org&provider=github&repository=Example_Pkg&workflow_filename=release.yml",
				"register a pending publisher: https://pypi.org/manage/account/publishing/?owner=example-org&project_name=example-pkg",
				"check the owner first", untrusted, "The publisher on the index must say:",
			}, nil},
		{"no publisher, another repository", gh("someone/other"), reason(noMatch),
			[]string{"No pre-filled form: the repository someone/other is not named after the project being published (example-pkg)", "https://pypi.org/manage/project/example-pkg/settings/publishing/ (for", "For comparison, this run would match a publisher that says:"},
			[]string{prefilled, pending}},
		{"owner id check failed", gh("example-org/example-pkg"), reason("Check failed for required claim 'repository_owner_id'"),
			[]string{`The claim "repository_owner_id" of this run's identity token (98765432)`, "Do not re-add the publisher from this run", foreign, untrusted, "For comparison, this run would match a publisher that says:"},
			[]string{"manage/", "delete the publisher and add it again"}},
		{"owner id missing", gh("example-org/example-pkg"), reason("Missing claim 'repository_owner_id'"),
			[]string{`has no "repository_owner_id" claim`, untrusted}, []string{"manage/"}},
		{"repository differs", gh("example-org/example-pkg"), reason("Check failed for required claim 'repository'"),
			[]string{"a fork, or a renamed or transferred repository", foreign}, []string{"manage/"}},
		{"environment differs", gh("example-org/example-pkg"), reason("Check failed for optional claim 'environment'"),
			[]string{"The publisher's environment must be the job's"}, []string{"manage/", foreign}},
		{"another reason", gh("example-org/example-pkg"), reason("JWT issuer 'x' does not match expected issuer 'y'"),
			[]string{"No trusted publisher on https://pypi.org accepts this run's identity, for the reason the index gave above"}, []string{"manage/"}},
		{"gitlab, project named after the project", gl, reason(noMatch),
			[]string{"If group/Example.Pkg is the repository example-pkg is published from", "namespace=group&project=Example.Pkg&provider=gitlab", untrusted},
			[]string{"repository_owner_id"}},
		{"gitlab, project path differs", gl, reason("Check failed for required claim 'project_path'"),
			[]string{"a merge request pipeline's project claims are the fork's", foreign}, []string{"manage/"}},
		{"google", google, reason(noMatch),
			[]string{"No pre-filled form: nothing in this run's identity shows that it is the project's"}, []string{prefilled, pending}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := trusted.NewError("getting an upload token by Trusted Publishing",
				&mint.Error{StatusCode: 422, Problems: []mint.Problem{{Code: mint.CodeInvalidPublisher, Description: tt.desc}}},
				"github", mustURL(t, "https://upload.pypi.org/legacy/"))
			e.Claims, e.Projects = tt.claims, []string{"example-pkg"}
			_, hint, _ := Explain(e)
			for _, w := range tt.want {
				if !strings.Contains(hint, w) {
					t.Errorf("hint lacks %q:\n%s", w, hint)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(hint, w) {
					t.Errorf("hint has %q:\n%s", w, hint)
				}
			}
		})
	}
}

// TestRefusalFormsOnlyWhereSafe: an upload refused for a minted token
// offers the project's form pre-filled only for a repository named after
// it, and never the pending form (the project exists).
func TestRefusalFormsOnlyWhereSafe(t *testing.T) {
	t.Parallel()
	for repo, want := range map[string]string{
		"o/pkg":   "If o/pkg is the repository pkg is published from, add this publisher to the project: https://pypi.org/manage/project/pkg/settings/publishing/?owner=o&provider=github&repository=pkg",
		"o/other": "No pre-filled form: the repository o/other is not named after the project being published (pkg)",
	} {
		err := &trusted.UploadError{Err: fmt.Errorf("uploading x: %w", &upload.HTTPError{StatusCode: 403}), Provider: "github", Web: "https://pypi.org",
			Claims:   oidc.Claims{"iss": "https://token.actions.githubusercontent.com", "repository": repo, "job_workflow_ref": repo + "/.github/workflows/release.yml@refs/tags/v1"},
			Projects: []string{"pkg"}}
		_, hint, _ := Explain(err)
		if !strings.Contains(hint, want) || strings.Contains(hint, "/manage/account/publishing/?") {
			t.Errorf("hint for %s = %s\nwant %q and no pending form", repo, hint, want)
		}
	}
}
