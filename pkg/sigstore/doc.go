// Package sigstore signs and verifies PEP 740 attestations with Sigstore,
// by hand on the standard library: the stage between reading the
// distributions (pkg/dist gives each file's name and sha256) and uploading
// them (pkg/upload sends each [Attestation]'s JSON in the attestations
// field).
//
// Signing: [NewSigner] makes an ephemeral ECDSA P-256 key and gets a
// Fulcio (v2 API) certificate for the CI identity token (audience
// "sigstore"); [Signer.Attest] then makes, per distribution, an in-toto v1
// statement ([NewStatement]), signs it as a DSSE envelope ([PAE]), logs it
// in Rekor v1 as a dsse 0.0.1 entry and returns PyPI's attestation object.
// Both services are reached through an injected *http.Client, with bounded
// answers, deadlines and retries of transient failures; errors never
// contain the identity token.
//
// Verification: [Verify] checks everything PyPI checks: the DSSE
// signature, the certificate's chain to a Fulcio CA of a [TrustedRoot] at
// the log's integrated time, the embedded SCT, the Rekor entry's signed
// entry timestamp, inclusion proof, checkpoint and body, the statement's
// one subject against the file, and the signer's identity against a
// [Policy] ([GitHub], [GitLab], [Google]). A failure is a
// [*VerificationError] naming the check. [VerifyAttestation] and
// [VerifyStatement] are its two halves; [ParseProvenance] reads PyPI's
// integrity API, whose [Publisher.Policy] is the policy to verify with.
//
// Trust: [Production] is Sigstore's public-good instance, with the trusted
// root shipped in the binary (trusted_root.json, written by
// scripts/sigstore-root.sh). Any other instance, staging included, is a
// [TrustedRoot] and a [SigningConfig] in Sigstore's own JSON formats
// ([ParseTrustedRoot], [ParseSigningConfig], [NewInstance]).
//
// Where it is stricter than sigstore-go: the checkpoint must commit to the
// proof's tree size as well as its root hash, and an attestation has
// exactly one log entry and one signature. Log entries of kind dsse 0.0.1
// and intoto 0.0.2 are read; Rekor v2 entries are not (PyPI's form cannot
// carry what they need).
//
// The package imports no Sigstore module; its tests check it against
// sigstore-go (a test-only dependency) and real production bundles.
package sigstore
