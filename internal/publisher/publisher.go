// Package publisher is pyupload's model of the index's trusted publishers:
// which CI issuer a token comes from, which claims the index matches for
// each kind of publisher, what a publisher must say to match a token, why a
// claim usually fails to match, which claims say where a run comes from,
// whether a run's repository is named after a project it publishes, and
// the index's web forms for adding a publisher. It sits beside Trusted
// Publishing in the pipeline: the credentials stage (internal/trusted) and
// the hints (internal/ui) read it; it decides nothing and does no I/O.
//
// The facts come from the index's publisher-matching rules, described in
// docs/index-server.md §5.
package publisher

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/pyupload/pyupload/pkg/oidc"
)

// Kind is a kind of trusted publisher, named after the index's own names.
type Kind string

// The kinds of publisher, by the issuer of the identity token.
const (
	Unknown   Kind = ""
	GitHub    Kind = "github"
	GitLab    Kind = "gitlab"
	Google    Kind = "google"
	CircleCI  Kind = "circleci"
	Buildkite Kind = "buildkite"
)

// Issuers PyPI knows, by kind.
const (
	IssuerGitHub   = "https://token.actions.githubusercontent.com"
	IssuerGitLab   = "https://gitlab.com"
	IssuerGoogle   = "https://accounts.google.com"
	IssuerCircleCI = "https://oidc.circleci.com"
)

// KindOf names the publisher kind for the token's issuer. A self-managed
// GitLab is recognised by its claims, since its issuer is its own host.
func KindOf(c oidc.Claims) Kind {
	iss, _ := c.String("iss")
	switch {
	case iss == IssuerGitHub:
		return GitHub
	case iss == IssuerGoogle:
		return Google
	case iss == IssuerCircleCI:
		return CircleCI
	case iss == IssuerGitLab || c["ci_config_ref_uri"] != nil:
		return GitLab
	case strings.Contains(iss, "buildkite"):
		return Buildkite
	}
	return Unknown
}

// matched lists, per kind, the claims the index compares with a publisher,
// in the order a user should compare them.
var matched = map[Kind][]string{
	GitHub:    {"sub", "repository", "repository_owner", "repository_owner_id", "workflow_ref", "job_workflow_ref", "ref", "environment"},
	GitLab:    {"sub", "project_path", "ci_config_ref_uri", "ref_path", "sha", "environment"},
	Google:    {"email", "email_verified", "sub"},
	CircleCI:  {"oidc.circleci.com/org-id", "oidc.circleci.com/project-id", "oidc.circleci.com/pipeline-definition-id", "oidc.circleci.com/ssh-rerun", "oidc.circleci.com/vcs-ref", "oidc.circleci.com/vcs-origin", "oidc.circleci.com/context-ids"},
	Buildkite: {"sub", "organization_slug", "pipeline_slug"},
	Unknown:   {"iss", "sub", "aud"},
}

// Claim is one claim to show a user; Value is "MISSING" when absent.
type Claim struct {
	Name    string
	Value   string
	Missing bool
}

// Matched returns the claims the index compares with the trusted publisher,
// for this token's kind.
func Matched(c oidc.Claims) []Claim {
	var out []Claim
	for _, name := range matched[KindOf(c)] {
		v, ok := c.String(name)
		if !ok {
			out = append(out, Claim{Name: name, Value: "MISSING", Missing: true})
			continue
		}
		out = append(out, Claim{Name: name, Value: v})
	}
	return out
}

// ReusableWorkflow reports a GitHub token from a reusable workflow
// (workflow_ref differs from job_workflow_ref), which the index's
// publishers do not support.
func ReusableWorkflow(c oidc.Claims) bool {
	w, ok1 := c.String("workflow_ref")
	j, ok2 := c.String("job_workflow_ref")
	return ok1 && ok2 && w != j
}

// WorkflowFilename is the GitHub workflow file the index matches on, from
// job_workflow_ref ("owner/repo/.github/workflows/release.yml@ref").
func WorkflowFilename(c oidc.Claims) string {
	ref, _ := c.String("job_workflow_ref")
	path, _, _ := strings.Cut(ref, "@")
	if i := strings.LastIndex(path, "/"); i >= 0 {
		return path[i+1:]
	}
	return ""
}

// CIConfigFile is the pipeline file of a GitLab ci_config_ref_uri
// ("gitlab.com/ns/proj//.gitlab-ci.yml@refs/tags/v1" → ".gitlab-ci.yml").
func CIConfigFile(ref string) string {
	if _, after, ok := strings.Cut(ref, "//"); ok {
		file, _, _ := strings.Cut(after, "@")
		return file
	}
	return ref
}

// Field is one setting of a publisher on the index, with the value this
// token needs.
type Field struct {
	Label, Value string
}

// Requirements lists what the trusted publisher on the index must say for
// this token to match, or nil for kinds without a publisher form.
func Requirements(c oidc.Claims) []Field {
	get := func(name string) string { v, _ := c.String(name); return v }
	switch KindOf(c) {
	case GitHub:
		owner, name, _ := strings.Cut(get("repository"), "/")
		return []Field{{"owner", owner}, {"repository", name}, {"workflow", WorkflowFilename(c)}, environment(c)}
	case GitLab:
		return []Field{{"project", get("project_path")}, {"CI file", CIConfigFile(get("ci_config_ref_uri"))}, environment(c)}
	case CircleCI:
		return []Field{
			{"organization ID", get("oidc.circleci.com/org-id")},
			{"project ID", get("oidc.circleci.com/project-id")},
			{"pipeline definition ID", get("oidc.circleci.com/pipeline-definition-id")},
		}
	case Google:
		return []Field{{"email", get("email")}}
	}
	return nil
}

// environment says which environment the publisher may name: the job's,
// or none; a publisher without one matches any.
func environment(c oidc.Claims) Field {
	if env, ok := c.String("environment"); ok {
		return Field{"environment", env + " (or none)"}
	}
	return Field{"environment", "(none: this job has no environment)"}
}

// advice says, per claim the index can name in a refusal, what usually
// causes the mismatch and how to fix it. For the claims that say where a
// run comes from, the fix is never to copy this run's claims into the
// publisher: they may be a fork's, or an impostor's who took a deleted
// owner's name.
var advice = map[string]string{
	"repository_owner_id": "The publisher stores the owner's numeric ID, and this token's differs: the owning account or organisation was deleted and re-created, perhaps by someone else who took its name, or the repository moved to another owner. Do not re-add the publisher from this run: first check on GitHub who owns the repository now.",
	"repository_owner":    "The repository's owner differs from the publisher's: the repository was transferred or its owner renamed, or this run is from a fork. Update the publisher only once you have checked that the repository is the project's.",
	"repository":          "This run is from another repository than the publisher's: a fork, or a renamed or transferred repository. Publish from the repository the publisher names, and update the publisher only if the project really moved.",
	"sub":                 "This repository or organisation customises its OIDC subject claim; PyPI needs the default form repo:<owner>/<repo>:... Reset the customisation (GitHub API: PUT /repos/{owner}/{repo}/actions/oidc/customization/sub with use_default true).",
	"job_workflow_ref":    "The publisher names another workflow file than the one running this job. The workflow filename must match exactly (e.g. release.yml, not a reusable workflow it calls).",
	"environment":         "The publisher's environment must be the job's `environment:` (shown above; MISSING means the job has none). Change the job's environment, or the publisher's, so they agree.",
	"ref":                 "The token has no ref: it was not issued to a normal workflow run.",
	"sha":                 "The token has no sha: it was not issued to a normal workflow run.",
	"ci_config_ref_uri":   "The publisher's top-level pipeline file or project differs from this pipeline's (the file that defines the job, e.g. .gitlab-ci.yml): update the publisher if the file moved.",
	"project_path":        "This pipeline runs in another GitLab project than the publisher's: a fork (a merge request pipeline's project claims are the fork's), or a moved project. Run it in the project the publisher names, and update the publisher only if the project really moved.",
	"email":               "The service account's email differs from the publisher's: update the publisher or run as that account.",
	"email_verified":      "The Google identity token must carry email_verified true.",
}

// Advice returns what usually causes a mismatch of the named claim and how
// to fix it, or "" when there is nothing specific to say.
func Advice(claim string) string { return advice[claim] }

// identityClaims are the claims whose mismatch means the run comes from
// another repository or owner than the publisher's, on each kind: a
// fork, a moved repository, or an owner deleted and re-created.
var identityClaims = map[string]bool{
	"repository": true, "repository_owner": true, "repository_owner_id": true, // GitHub
	"project_path": true, // GitLab
}

// IdentityClaim reports whether a mismatch of the named claim means the
// token comes from another repository or owner than the publisher's.
// The index compares no other identifier: GitHub's repository_id and
// GitLab's project_id and namespace_id are in the tokens but never
// matched (docs/index-server.md §5), so no error names them.
func IdentityClaim(claim string) bool { return identityClaims[claim] }

// OwnerID returns the owner's numeric ID of a GitHub token. The index
// looks GitHub publishers up by it, beside the repository's owner and
// name and the workflow's file, so a token whose owner ID differs from
// the publisher's (an owner deleted and re-created) finds no publisher
// at all, and the index's error does not name the claim.
func OwnerID(c oidc.Claims) (string, bool) {
	if KindOf(c) != GitHub {
		return "", false
	}
	return c.String("repository_owner_id")
}

// Repository names where the token comes from, as the index's publishers
// name it: "owner/name" on GitHub, "namespace/project" on GitLab, with
// the repository's or project's own name apart. Both are "" for other
// kinds.
func Repository(c oidc.Claims) (path, name string) {
	switch KindOf(c) {
	case GitHub:
		path, _ = c.String("repository")
	case GitLab:
		path, _ = c.String("project_path")
	default:
		return "", ""
	}
	name = path
	if i := strings.LastIndex(path, "/"); i >= 0 {
		name = path[i+1:]
	}
	return path, name
}

// PublishedFrom returns the project among projects that the token's
// repository is named after (compared as PEP 503 normalised names), or ""
// when none is. It is the one evidence a run has that its repository is
// the one its projects are published from, so that a publisher form
// pre-filled from its claims is worth offering; a fork has the same name,
// so the form still names the repository for the user to check. Kinds
// without a repository (Google, CircleCI) never match.
func PublishedFrom(c oidc.Claims, projects []string) string {
	_, name := Repository(c)
	if name == "" {
		return ""
	}
	for _, p := range projects {
		if normalize(p) == normalize(name) {
			return p
		}
	}
	return ""
}

var separators = regexp.MustCompile(`[-_.]+`)

// normalize is PEP 503's name normalisation.
func normalize(name string) string {
	return separators.ReplaceAllString(strings.ToLower(name), "-")
}

// WebBase is where the index's web pages live for an upload endpoint:
// PyPI's upload host maps to pypi.org; other indexes serve both from one
// host, with the endpoint's scheme.
func WebBase(endpoint *url.URL) string {
	switch strings.ToLower(endpoint.Hostname()) {
	case "upload.pypi.org", "pypi.org":
		return "https://pypi.org"
	case "test.pypi.org":
		return "https://test.pypi.org"
	}
	return endpoint.Scheme + "://" + endpoint.Host
}

// Forms returns the index's trusted-publisher forms pre-filled from the
// claims: for an existing project (empty when project is ""), and for a new
// one (a pending publisher). Kinds without a form get the account's
// publishing page.
func Forms(web string, c oidc.Claims, project string) (existing, pending string) {
	q := url.Values{}
	get := func(name string) string { v, _ := c.String(name); return v }
	switch KindOf(c) {
	case GitHub:
		owner, name, _ := strings.Cut(get("repository"), "/")
		q.Set("provider", "github")
		q.Set("owner", owner)
		q.Set("repository", name)
		q.Set("workflow_filename", WorkflowFilename(c))
		if env, ok := c.String("environment"); ok {
			q.Set("environment", env)
		}
	case GitLab:
		path := get("project_path")
		ns, name := path, ""
		if i := strings.LastIndex(path, "/"); i >= 0 {
			ns, name = path[:i], path[i+1:]
		}
		q.Set("provider", "gitlab")
		q.Set("namespace", ns)
		q.Set("project", name)
		q.Set("workflow_filepath", CIConfigFile(get("ci_config_ref_uri")))
		if env, ok := c.String("environment"); ok {
			q.Set("environment", env)
		}
	case Google:
		q.Set("provider", "google")
		q.Set("email", get("email"))
	default:
		return web + "/manage/account/publishing/", web + "/manage/account/publishing/"
	}
	if project != "" {
		existing = web + "/manage/project/" + project + "/settings/publishing/?" + q.Encode()
		q.Set("project_name", project)
	}
	pending = web + "/manage/account/publishing/?" + q.Encode()
	return existing, pending
}
