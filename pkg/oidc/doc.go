// Package oidc finds the CI provider's OpenID Connect identity token for an
// audience: the first stage of Trusted Publishing in pyupload's pipeline.
// It hands the token to pkg/mint (via cmd/pyupload), which exchanges it at
// the index for a short-lived upload token.
//
// Providers (GitHub Actions, Google Cloud, Buildkite, GitLab CI, CircleCI)
// sit behind the small [Provider] interface and are tried in an explicit
// order by [Detect]; explicit tokens ([Static]) come first. Environment
// variables are read only through an injected lookup ([Env]), and commands
// and HTTP through injected runners, so tests stay parallel. [ParseClaims]
// decodes a token's claims for diagnostics; nothing here verifies
// signatures (the index does).
package oidc
