// Package tuf is a small client of The Update Framework (TUF 1.0), enough to
// fetch Sigstore's trusted root from Sigstore's TUF repository and know that
// it is the one Sigstore's root keys vouch for.
//
// [Client.Target] runs the detailed client workflow of the TUF specification
// (§5) for one top-level target, starting each time from the root.json the
// [Client] was given (the one shipped in the binary, [ProductionRoot] or
// [StagingRoot]):
//
//   - the root is updated: (N+1).root.json is fetched while the repository
//     has one (a 404 or 403 ends the walk), at most [Limits].RootRotations
//     times; each new root must be signed by a threshold of the previous
//     root's root keys and by a threshold of its own, and carry version N+1.
//     The final root must not have expired;
//   - timestamp.json is verified with the root's timestamp keys and must not
//     have expired; it names the snapshot's version (and, when given, its
//     length and hashes);
//   - the snapshot (<version>.snapshot.json with consistent snapshots) must
//     match the timestamp's length and hashes, be signed by the snapshot
//     keys, carry the version the timestamp names and not have expired; it
//     names the targets metadata's version;
//   - the targets metadata (<version>.targets.json) is checked the same way
//     against the snapshot, with the targets keys;
//   - the target itself (<sha256>.<name> under the targets URL with
//     consistent snapshots) must have the length and every sha256/sha512
//     hash the targets metadata lists.
//
// Signatures are checked over the OLPC canonical JSON of "signed" (as
// securesystemslib's encode_canonical writes it). Keys of type ecdsa and
// ecdsa-sha2-nistp256 (scheme ecdsa-sha2-nistp256, PEM or hex public key,
// hex DER signature) and ed25519 are supported; keys of other types are
// ignored and never count toward a threshold. A key counts once, however
// many key IDs or signatures name it. Key IDs are taken as listed, not
// recomputed.
//
// What this client does not do:
//
//   - it keeps no local cache: each run starts from the root it was given,
//     so rollback protection is relative to that root (a root older than it
//     is never accepted), and the timestamp, snapshot and targets versions
//     are checked against each other and against expiry, not against those
//     of an earlier run;
//   - it does not walk delegations: a target not listed in the top-level
//     targets metadata is reported as [ErrTargetNotFound], even if a
//     delegated role could list it. Sigstore's trusted_root.json is a
//     top-level target.
//
// Every download is bounded ([Limits]; a target by the length its metadata
// gives) and has its own deadline. Errors are typed and name the role and the
// check that failed: [*ExpiredError], [*ThresholdError], [*VersionError],
// [*MismatchError], [*TooLargeError], [*HTTPError], [*FormatError]. The
// package prints nothing and reads no environment.
//
// Its result, the verified target's bytes, is what pkg/sigstore's trusted
// root parser reads when the caller refreshes Sigstore's trusted root online.
package tuf
