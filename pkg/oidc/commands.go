package oidc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/pyupload/pyupload/internal/transport"
)

// Buildkite asks the agent for a token: `buildkite-agent oidc request-token`.
type Buildkite struct{ cfg Config }

// Name implements Provider.
func (b *Buildkite) Name() string { return "buildkite" }

// Available implements Provider: BUILDKITE is set.
func (b *Buildkite) Available() bool { return b.cfg.Env.set(VarBuildkite) }

// IDToken implements Provider.
func (b *Buildkite) IDToken(ctx context.Context, audience string) (string, error) {
	const tool = "buildkite-agent"
	tctx, cancel := transport.WithLimit(ctx, tool, b.cfg.Timeout)
	defer cancel()
	out, err := b.cfg.Run(tctx, tool, "oidc", "request-token", "--audience", audience)
	if err != nil {
		return "", toolTimedOut(ctx, tctx, tool, err)
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
	const tool = "circleci"
	tctx, cancel := transport.WithLimit(ctx, tool, c.cfg.Timeout)
	defer cancel()
	out, err := c.cfg.Run(tctx, tool, "run", "oidc", "get", "--claims", string(claims), "--root-issuer")
	if err != nil {
		return "", toolTimedOut(ctx, tctx, tool, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// toolTimedOut names a provider command that ran past its limit (the
// command's own error is then only "signal: killed").
func toolTimedOut(parent, limited context.Context, tool string, err error) error {
	if parent.Err() == nil {
		if te, ok := errors.AsType[*transport.TimeoutError](context.Cause(limited)); ok {
			return fmt.Errorf("%s timed out: %w", tool, te)
		}
	}
	return err
}
