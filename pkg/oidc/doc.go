// Package oidc finds the CI provider's OpenID Connect identity token for an
// audience: the first stage of Trusted Publishing in pyupload's pipeline.
// It hands the token to pkg/mint (through internal/trusted), which exchanges it at
// the index for a short-lived upload token.
//
// Providers (GitHub Actions, Google Cloud, Buildkite, GitLab CI, CircleCI)
// sit behind the small [Provider] interface; [Select] picks the first
// available one in an explicit order (or the one named), and [Fetch] gets
// its token for the audience the index announces. Explicit tokens
// ([Static]) are chosen before any of them by the caller. Environment
// variables are read only through an injected lookup ([Env]), and commands
// and HTTP through injected runners, so tests stay parallel. [ParseClaims]
// decodes a token's claims for diagnostics (what the claims mean to the
// index is internal/publisher's business); nothing here verifies
// signatures (the index does).
package oidc
