package oidc

import (
	"context"
	"encoding/json"
	"strings"
)

// Buildkite asks the agent for a token: `buildkite-agent oidc request-token`.
type Buildkite struct{ cfg Config }

// Name implements Provider.
func (b *Buildkite) Name() string { return "buildkite" }

// Available implements Provider: BUILDKITE is set.
func (b *Buildkite) Available() bool { return b.cfg.Env.set(VarBuildkite) }

// IDToken implements Provider.
func (b *Buildkite) IDToken(ctx context.Context, audience string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, b.cfg.Timeout)
	defer cancel()
	out, err := b.cfg.Run(ctx, "buildkite-agent", "oidc", "request-token", "--audience", audience)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// CircleCI asks the CircleCI CLI for a root-issuer token with the
// audience: `circleci run oidc get --claims '{"aud": ...}' --root-issuer`.
// (The CIRCLE_OIDC_TOKEN variables carry a fixed audience, so they cannot
// be used.)
type CircleCI struct{ cfg Config }

// Name implements Provider.
func (c *CircleCI) Name() string { return "circleci" }

// Available implements Provider: CIRCLECI is set.
func (c *CircleCI) Available() bool { return c.cfg.Env.set(VarCircleCI) }

// IDToken implements Provider.
func (c *CircleCI) IDToken(ctx context.Context, audience string) (string, error) {
	claims, err := json.Marshal(map[string]string{"aud": audience})
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	out, err := c.cfg.Run(ctx, "circleci", "run", "oidc", "get", "--claims", string(claims), "--root-issuer")
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}
