package main

import (
	"errors"
	"flag"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/pyupload/pyupload/internal/fakeci"
	"github.com/pyupload/pyupload/internal/fakeindex"
	"github.com/pyupload/pyupload/pkg/dist"
)

// fakeOwnerID is the repository_owner_id of every -github-publisher and
// of the tokens the fake GitHub endpoint hands out.
const fakeOwnerID = "1000"

// oidcFlags are the Trusted Publishing flags.
type oidcFlags struct {
	audience     string
	publishers   githubPublisherList
	projects     projectList
	requestToken string // enables the fake GitHub Actions token endpoint; never printed
	tokenTTL     time.Duration
	githubURL    string // -github-url-file
	ciHostile    []fakeci.Hostile
}

// githubPublisher is one -github-publisher owner/repo:workflow.yml[:environment].
type githubPublisher struct {
	owner, repo, workflow, environment string
}

// githubPublisherList is the repeatable -github-publisher flag.
type githubPublisherList []githubPublisher

func (l *githubPublisherList) String() string {
	var parts []string
	for _, p := range *l {
		s := p.owner + "/" + p.repo + ":" + p.workflow
		if p.environment != "" {
			s += ":" + p.environment
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ",")
}

func (l *githubPublisherList) Set(s string) error {
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return errors.New("want owner/repo:workflow.yml[:environment]")
	}
	owner, repo, ok := strings.Cut(parts[0], "/")
	if !ok || owner == "" || repo == "" || strings.Contains(repo, "/") {
		return fmt.Errorf("repository %q is not owner/repo", parts[0])
	}
	wf := parts[1]
	if strings.Contains(wf, "/") || !(strings.HasSuffix(wf, ".yml") || strings.HasSuffix(wf, ".yaml")) || len(wf) <= len(".yml") {
		return fmt.Errorf("workflow %q is not a file name ending in .yml or .yaml", wf)
	}
	p := githubPublisher{owner: owner, repo: repo, workflow: wf}
	if len(parts) == 3 {
		if parts[2] == "" {
			return errors.New("empty environment")
		}
		p.environment = parts[2]
	}
	*l = append(*l, p)
	return nil
}

// projectList is the repeatable -project flag.
type projectList []string

func (l *projectList) String() string { return strings.Join(*l, ",") }

func (l *projectList) Set(s string) error {
	if !dist.ValidName(s) {
		return fmt.Errorf("invalid project name %q", s)
	}
	*l = append(*l, s)
	return nil
}

func (o *oidcFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&o.audience, "oidc-audience", "pypi", "the `audience` GET /_/oidc/audience answers, which identity tokens sent to /_/oidc/mint-token must carry")
	fs.Var(&o.publishers, "github-publisher", "register the GitHub trusted publisher `owner/repo:workflow.yml[:environment]` (repeatable); its repository_owner_id is "+fakeOwnerID)
	fs.Var(&o.projects, "project", "a `name` the publishers may upload to (repeatable); created empty at start if missing. Without -project, publishers may upload to every existing project and, as on PyPI, cannot create new ones")
	fs.StringVar(&o.requestToken, "github-actions-request-token", "", "serve a fake GitHub Actions OIDC token endpoint that requires this bearer `token` (ACTIONS_ID_TOKEN_REQUEST_TOKEN); its tokens carry the claims of the first -github-publisher at tag v1.0.0, and its URL is printed as a second stdout line")
	fs.DurationVar(&o.tokenTTL, "token-ttl", fakeindex.DefaultTokenTTL, "lifetime of upload tokens minted by Trusted Publishing")
	fs.StringVar(&o.githubURL, "github-url-file", "", "write the fake GitHub token endpoint's full URL (ACTIONS_ID_TOKEN_REQUEST_URL) to `path` once listening")
	fs.Func("ci-hostile", "switch on hostile behaviours of the fake GitHub token endpoint: a comma-separated `list` of "+strings.Join(fakeci.HostileNames(), ", ")+" (repeatable; needs -github-actions-request-token)", func(list string) error {
		hs, err := fakeci.ParseHostile(list)
		o.ciHostile = append(o.ciHostile, hs...)
		return err
	})
}

// check validates the Trusted Publishing flags; the request token never
// appears in its messages.
func (o *oidcFlags) check() error {
	switch {
	case o.audience == "":
		return &usageError{"-oidc-audience cannot be empty"}
	case o.tokenTTL <= 0:
		return &usageError{"-token-ttl must be positive"}
	case o.requestToken != "" && len(o.publishers) == 0:
		return &usageError{"-github-actions-request-token needs a -github-publisher to take the claims from"}
	case o.githubURL != "" && o.requestToken == "":
		return &usageError{"-github-url-file needs -github-actions-request-token"}
	case len(o.ciHostile) > 0 && o.requestToken == "":
		return &usageError{"-ci-hostile needs -github-actions-request-token"}
	}
	return nil
}

// options turns the flags into index options: Trusted Publishing is always
// on.
func (o *oidcFlags) options() []fakeindex.Option {
	cfg := fakeindex.OIDCConfig{Audience: o.audience, TokenTTL: o.tokenTTL}
	for _, p := range o.publishers {
		cfg.Publishers = append(cfg.Publishers, fakeindex.Publisher{
			Kind: fakeindex.KindGitHub, Repository: p.repo, RepositoryOwner: p.owner, RepositoryOwnerID: fakeOwnerID,
			WorkflowFilename: p.workflow, Environment: p.environment,
			Projects: append([]string(nil), o.projects...), AnyProject: len(o.projects) == 0,
		})
	}
	return []fakeindex.Option{fakeindex.WithOIDC(cfg)}
}

// handler is what the server serves: the index, and with a request token
// the fake GitHub token endpoint beside it on the same server, so one
// address (and one printed URL per role) serves both; the endpoint has
// the -ci-hostile switches on, dripping every drip. closeCI ends the
// endpoint's hangs and drips, for shutdown.
func (o *oidcFlags) handler(ix *fakeindex.Index, drip time.Duration) (h http.Handler, closeCI func()) {
	if o.requestToken == "" {
		return ix, func() {}
	}
	gha := fakeci.NewGitHubActions(ix, o.requestToken, githubClaims(o.publishers[0]))
	for _, hs := range o.ciHostile {
		gha.SetHostile(hs, true)
	}
	gha.SetDripInterval(drip)
	mux := http.NewServeMux()
	mux.Handle(fakeci.GitHubTokenPath, gha)
	mux.Handle("/", ix)
	return mux, gha.Close
}

// githubClaims are the claims of a tag push of v1.0.0 running p's
// workflow, as GitHub Actions would put them in a token (the endpoint adds
// iss, aud, iat, nbf, exp and jti).
func githubClaims(p githubPublisher) map[string]any {
	const (
		ref = "refs/tags/v1.0.0"
		sha = "0123456789abcdef0123456789abcdef01234567"
	)
	repo := p.owner + "/" + p.repo
	workflowRef := repo + "/.github/workflows/" + p.workflow + "@" + ref
	claims := map[string]any{
		"sub":        "repo:" + repo + ":ref:" + ref,
		"repository": repo, "repository_id": "2000", "repository_owner": p.owner, "repository_owner_id": fakeOwnerID,
		"repository_visibility": "public",
		"actor":                 "fakeindex", "actor_id": "1001",
		"workflow": "Release", "workflow_ref": workflowRef, "workflow_sha": sha,
		"job_workflow_ref": workflowRef, "job_workflow_sha": sha,
		"ref": ref, "ref_type": "tag", "ref_protected": "true", "sha": sha,
		"event_name": "push", "head_ref": "", "base_ref": "",
		"run_id": "1", "run_number": "1", "run_attempt": "1", "runner_environment": "github-hosted",
	}
	if p.environment != "" {
		claims["environment"] = p.environment
		claims["sub"] = "repo:" + repo + ":environment:" + p.environment
	}
	return claims
}

// createProjects creates the -project projects that do not exist yet.
func (o *oidcFlags) createProjects(ix *fakeindex.Index) error {
	for _, name := range o.projects {
		if err := ix.CreateProject(name); err != nil && !errors.Is(err, fakeindex.ErrProjectExists) {
			return err
		}
	}
	return nil
}
