// Package fakeci fakes the identity endpoints of CI providers, for tests
// and demos of Trusted Publishing: GitHub Actions' OIDC token endpoint
// ([GitHubActions]) and Google Cloud's metadata server with the IAM
// credentials API ([GCPMetadata]). Each is an [net/http.Handler] to
// serve on loopback.
//
// The fakes do not sign with keys of their own: they ask a [Signer] for
// the signature and the time, and internal/fakeindex's *Index is one. The
// index trusts what it signs for every issuer, so a token from these fakes
// can be exchanged at its mint endpoint, dated by the index's clock. The
// issuers, and how a client fetches each provider's token, are in
// docs/index-server.md §5; the rest imitated here (headers, claims,
// lifetimes, error statuses) follows the providers' own behaviour.
//
// Both have hostile switches ([Hostile]: SetHostile, SetDripInterval,
// HostileStats, WaitHostileDone, Close), all off by default: an endpoint
// that never answers or drips its answer, and identity tokens followed by
// $GITHUB_ENV lines or replaced by escape-laden garbage.
//
// The package depends on the Signer interface only, not on the index, so
// the index package knows nothing of CI providers.
package fakeci

import "time"

// Signer signs identity tokens and tells the time to date them by.
// internal/fakeindex's *Index implements it with its signing key and its
// clock.
type Signer interface {
	// SignIDToken returns a JWT carrying exactly claims.
	SignIDToken(claims map[string]any) (string, error)
	// Now is the signer's clock.
	Now() time.Time
}
