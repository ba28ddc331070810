// Package mint exchanges a CI identity token for a short-lived upload token
// at the index (/_/oidc/audience, /_/oidc/mint-token): the second stage of
// Trusted Publishing in pyupload's pipeline. cmd/pyupload gives it a
// function that fetches fresh identity tokens (from pkg/oidc) and hands the
// resulting [TokenSource] to pkg/upload as its credentials callback.
//
// The index's failure document becomes a [*Error] with every code and
// description; [TokenSource] re-mints before the 15-minute expiry, asking
// for a fresh identity token each time because each is single-use.
package mint
