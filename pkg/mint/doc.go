// Package mint exchanges a CI identity token for a short-lived upload token
// at the index (/_/oidc/audience, /_/oidc/mint-token): the second stage of
// Trusted Publishing in pyupload's pipeline. cmd/pyupload gives a
// [TokenSource] a function that fetches fresh identity tokens (from
// pkg/oidc), and wraps [TokenSource.Token] as pkg/upload's credentials
// callback.
//
// The index's failure document becomes a [*Error] with every code and
// description. [TokenSource] re-mints before the 15-minute expiry and
// retries transient failures, asking for a fresh identity token each time
// because each can be exchanged only once.
package mint
