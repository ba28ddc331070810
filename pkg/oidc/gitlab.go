package oidc

import (
	"context"
	"fmt"
	"strings"
)

// GitLab reads the token GitLab CI puts in an environment variable named
// after the audience, as declared in the job's `id_tokens:`.
type GitLab struct{ cfg Config }

// Name implements Provider.
func (g *GitLab) Name() string { return "gitlab" }

// Available implements Provider: GITLAB_CI is set.
func (g *GitLab) Available() bool { return g.cfg.Env.set(VarGitLabCI) }

// GitLabVariable is the variable GitLab CI must define for audience:
// upper-cased, characters outside [A-Z0-9_] and a leading digit replaced
// by '_', then "_ID_TOKEN" ("pypi" → "PYPI_ID_TOKEN").
func GitLabVariable(audience string) string {
	b := []byte(strings.ToUpper(audience))
	for i, c := range b {
		ok := c == '_' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !ok || i == 0 && c >= '0' && c <= '9' {
			b[i] = '_'
		}
	}
	return string(b) + "_ID_TOKEN"
}

// GitLabTokenMissingError means the job declares no id_tokens entry for
// the audience.
type GitLabTokenMissingError struct {
	Variable, Audience string
}

func (e *GitLabTokenMissingError) Error() string {
	return fmt.Sprintf("environment variable %s not found: the job declares no id_tokens entry with aud %q", e.Variable, e.Audience)
}

// IDToken implements Provider.
func (g *GitLab) IDToken(_ context.Context, audience string) (string, error) {
	name := GitLabVariable(audience)
	tok, ok := g.cfg.Env(name)
	if !ok || strings.TrimSpace(tok) == "" {
		return "", &GitLabTokenMissingError{Variable: name, Audience: audience}
	}
	return tok, nil
}
