// Package dist reads Python distributions (wheels and sdists) and checks
// them against the rules the package index enforces, before any byte is
// uploaded.
//
// It is the first stage of pyupload's pipeline: [Open] or [Read] turns a
// file into a [*Dist] holding the parsed filename (PEP 427 / PEP 625), the
// core metadata read from the archive (Metadata-Version 1.0 to 2.5), the
// size and the sha256 and blake2b-256 digests; [Check] and [CheckBatch]
// report what the index would reject. pkg/upload turns a checked [*Dist]
// into form fields with [Metadata.FormFields].
//
// The package assumes hostile input: every archive member is read under a
// size cap, compression bombs and absurd entry counts are refused, and a
// tar may hold only regular files and directories. It does no network I/O.
package dist
