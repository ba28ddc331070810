package oidc

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Claims are a JWT's decoded payload.
type Claims map[string]any

// ClaimsError reports a token whose payload cannot be decoded.
type ClaimsError struct{ Reason string }

func (e *ClaimsError) Error() string { return "oidc: malformed token: " + e.Reason }

// ParseClaims decodes a JWT's payload without verifying it. Segments may be
// base64url with or without padding.
func ParseClaims(token string) (Claims, error) {
	parts := strings.Split(strings.TrimSpace(token), ".")
	if len(parts) != 3 {
		return nil, &ClaimsError{Reason: fmt.Sprintf("want 3 dot-separated parts, got %d", len(parts))}
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil, &ClaimsError{Reason: "payload is not base64url"}
	}
	var c Claims
	if err := json.Unmarshal(raw, &c); err != nil || c == nil {
		return nil, &ClaimsError{Reason: "payload is not a JSON object"}
	}
	return c, nil
}

// String returns a claim as text: strings as they are, numbers and
// booleans formatted, arrays as JSON; ok is false when it is absent.
func (c Claims) String(name string) (string, bool) {
	v, ok := c[name]
	if !ok || v == nil {
		return "", false
	}
	switch v := v.(type) {
	case string:
		return v, true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	case bool:
		return fmt.Sprint(v), true
	}
	b, _ := json.Marshal(v)
	return string(b), true
}

// Audience returns the aud claim when it is a single string.
func (c Claims) Audience() (string, bool) {
	s, ok := c["aud"].(string)
	return s, ok
}

// Issuers the index knows, and the provider they belong to.
const (
	IssuerGitHub   = "https://token.actions.githubusercontent.com"
	IssuerGitLab   = "https://gitlab.com"
	IssuerGoogle   = "https://accounts.google.com"
	IssuerCircleCI = "https://oidc.circleci.com"
)

// matched lists, per issuer kind, the claims the index matches a publisher
// on (docs/index-protocol.md §5), in the order a user should compare them.
var matched = map[string][]string{
	"github":    {"sub", "repository", "repository_owner", "repository_owner_id", "workflow_ref", "job_workflow_ref", "ref", "environment"},
	"gitlab":    {"sub", "project_path", "ci_config_ref_uri", "ref_path", "sha", "environment"},
	"google":    {"email", "email_verified", "sub"},
	"circleci":  {"oidc.circleci.com/org-id", "oidc.circleci.com/project-id", "oidc.circleci.com/pipeline-definition-id", "oidc.circleci.com/ssh-rerun", "oidc.circleci.com/vcs-ref", "oidc.circleci.com/vcs-origin", "oidc.circleci.com/context-ids"},
	"buildkite": {"sub", "organization_slug", "pipeline_slug"},
	"":          {"iss", "sub", "aud"},
}

// Kind names the publisher type for the token's issuer: github, gitlab,
// google, circleci, buildkite, or "" when unknown. A self-managed GitLab
// is recognised by its claims.
func (c Claims) Kind() string {
	iss, _ := c.String("iss")
	switch {
	case iss == IssuerGitHub:
		return "github"
	case iss == IssuerGoogle:
		return "google"
	case iss == IssuerCircleCI:
		return "circleci"
	case iss == IssuerGitLab || c["ci_config_ref_uri"] != nil:
		return "gitlab"
	case strings.Contains(iss, "buildkite"):
		return "buildkite"
	}
	return ""
}

// Claim is one claim to show a user: Value is "MISSING" when absent.
type Claim struct {
	Name    string
	Value   string
	Missing bool
}

// Matched returns the claims the index will compare with the trusted
// publisher, for this token's kind.
func (c Claims) Matched() []Claim {
	var out []Claim
	for _, name := range matched[c.Kind()] {
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
// (workflow_ref differs from job_workflow_ref), which PyPI's publishers do
// not support.
func (c Claims) ReusableWorkflow() bool {
	w, ok1 := c.String("workflow_ref")
	j, ok2 := c.String("job_workflow_ref")
	return ok1 && ok2 && w != j
}

// WorkflowFilename is the GitHub workflow file the index matches on,
// taken from job_workflow_ref ("owner/repo/.github/workflows/release.yml@ref").
func (c Claims) WorkflowFilename() string {
	ref, _ := c.String("job_workflow_ref")
	path, _, _ := strings.Cut(ref, "@")
	if i := strings.LastIndex(path, "/"); i >= 0 {
		return path[i+1:]
	}
	return ""
}
