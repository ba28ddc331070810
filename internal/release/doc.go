// Package release builds pyupload's release artefacts: one static,
// reproducible binary per [Target], each packed alone (with LICENSE and
// README.md when present) into an archive named by [ArchiveName], plus a
// SHA256SUMS file that `sha256sum -c` reads.
//
// The archive names are a contract: the GitHub Action and the wheel
// packager find the binaries by them. The archives are reproducible byte
// for byte: fixed modification times (the source date epoch), owner
// 0/root, fixed modes, sorted entries, and a gzip header without name or
// time; zip entries are written with precomputed sizes and no data
// descriptor. It stands apart from the pipeline: only cmd/release uses it.
package release
