package oidc

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/pyupload/pyupload/internal/transport"
)

// GitHubActions gets tokens from GitHub's OIDC endpoint, which a job only
// has with `permissions: id-token: write`.
type GitHubActions struct{ cfg Config }

// Name implements Provider.
func (g *GitHubActions) Name() string { return "github" }

// Available implements Provider: GITHUB_ACTIONS is set.
func (g *GitHubActions) Available() bool { return g.cfg.Env.set(VarGitHubActions) }

// GitHubPermissionError means the job cannot get an identity token, either
// because it lacks `id-token: write` or because it runs for a pull request
// from a fork, which GitHub never gives one.
type GitHubPermissionError struct {
	Missing string // the variable that is unset
	ForkPR  bool
}

func (e *GitHubPermissionError) Error() string {
	if e.ForkPR {
		return "GitHub gives no OIDC token to workflows run for pull requests from forks"
	}
	return fmt.Sprintf("missing or insufficient OIDC token permissions: %s is not set", e.Missing)
}

// IDToken implements Provider.
func (g *GitHubActions) IDToken(ctx context.Context, audience string) (string, error) {
	env := g.cfg.Env
	for _, v := range []Var{VarGitHubRequestTok, VarGitHubRequestURL} {
		if !env.set(v) {
			return "", &GitHubPermissionError{Missing: v.Name, ForkPR: g.forkPR()}
		}
	}
	u, err := url.Parse(env.get(VarGitHubRequestURL.Name))
	if err != nil {
		return "", fmt.Errorf("parsing %s: %w", VarGitHubRequestURL.Name, err)
	}
	// The URL already carries a query string; merge, never append "?".
	q := u.Query()
	q.Set("audience", audience)
	u.RawQuery = q.Encode()

	ctx, cancel := transport.WithLimit(ctx, u.Host, g.cfg.Timeout)
	defer cancel()
	body, err := httpGet(ctx, g.cfg.HTTP, u.String(), http.Header{
		"Authorization": {"bearer " + env.get(VarGitHubRequestTok.Name)},
		"Accept":        {"application/json"},
	})
	if err != nil {
		return "", err
	}
	var doc struct {
		Value string `json:"value"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || doc.Value == "" {
		return "", fmt.Errorf("malformed or incomplete JSON from GitHub's token endpoint")
	}
	return doc.Value, nil
}

// forkPR reads the event payload to tell a fork's pull request, which
// withholds the token variables, from a missing permission.
func (g *GitHubActions) forkPR() bool {
	if g.cfg.Env.get(VarGitHubEventName.Name) != "pull_request" {
		return false
	}
	path := g.cfg.Env.get(VarGitHubEventPath.Name)
	if path == "" {
		return false
	}
	b, err := g.cfg.ReadFile(path)
	if err != nil {
		return false
	}
	var ev struct {
		PullRequest struct {
			Head struct {
				Repo struct {
					Fork bool `json:"fork"`
				} `json:"repo"`
			} `json:"head"`
		} `json:"pull_request"`
	}
	return json.Unmarshal(b, &ev) == nil && ev.PullRequest.Head.Repo.Fork
}
