// Package fakesigstore is an offline Sigstore for tests: a fake Fulcio
// (certificate authority, API v2) and a fake Rekor (transparency log, API
// v1) served over HTTP, with the trust material a verifier needs to accept
// what they issue. It is test infrastructure: internal/fakeindex mounts it
// next to its Trusted Publishing endpoints, cmd/fakeindex serves it for
// demos and end-to-end tests, and pkg/sigstore's tests sign against it. The
// pyupload binary never links it.
//
// A [*Sigstore] has:
//
//   - [Sigstore.Fulcio]: POST /api/v2/signingCert, as Fulcio answers
//     it. The identity token is checked by the [TokenVerifier] the
//     owner injects (the test index passes its own JWKS check, audience
//     "sigstore"; pkg/sigstore's tests, whose tokens are unsigned, pass
//     [UnverifiedClaims]), the proof of possession is a signature over
//     the token's subject (its email for an email identity, else its
//     sub), and the answer is a chain (leaf, intermediate, root) whose
//     leaf lives ten minutes, carries the code-signing usage, the
//     identity as its SAN and the Sigstore OIDC extensions Fulcio
//     derives from GitHub Actions, GitLab CI and Google tokens, and an
//     embedded SCT from a fake CT log (RFC 6962: precertificate with
//     the poison extension, SCT over its TBS, final certificate with
//     the SCT list).
//   - [Sigstore.Rekor]: POST /api/v1/log/entries for kind dsse 0.0.1, GET
//     /api/v1/log/entries/<uuid> and GET /api/v1/log, as Rekor v1 answers
//     them: the envelope's signature is checked against the verifier
//     certificate, the canonicalized body goes into an in-memory RFC 6962
//     Merkle tree, and the answer carries the signed entry timestamp and an
//     inclusion proof with a signed checkpoint. A second identical entry
//     gets 409 and the entry's location, as on Rekor.
//   - [Sigstore.TrustedRootJSON] and [Sigstore.SigningConfigJSON]: the
//     trust material in Sigstore's own formats (protobuf-specs TrustedRoot
//     0.1 and SigningConfig 0.2).
//   - Faults: [Sigstore.FailFulcio] and [Sigstore.FailRekor].
//
// Everything is generated in memory by [New] (ECDSA P-256 keys for the
// root and intermediate CA, the CT log and the transparency log) and is
// safe for concurrent use. The package's tests sign with sigstore-go's
// pkg/sign against these servers and verify with its pkg/verify against
// [Sigstore.TrustedRootJSON], an implementation independent of this one.
package fakesigstore
