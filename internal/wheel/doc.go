// Package wheel writes the wheels that carry pyupload itself to Python
// users: one static binary per platform, installed by pip, pipx or uv as
// the `pyupload` command (docs/wheels.md).
//
// It stands apart from the upload pipeline: only cmd/mkwheel (`make
// wheels`) uses it, and what it writes is checked by pkg/dist like any
// other distribution. A wheel holds the binary as
// `pyupload-<version>.data/scripts/pyupload` (pyupload.exe on Windows),
// and the dist-info files METADATA, WHEEL and RECORD. Every member is
// written with archive/zip's Writer.CreateRaw, its CRC-32 and sizes
// computed first, because the index refuses data descriptors
// (docs/index-server.md §9); the members are in a fixed order, with fixed
// modes and one timestamp (the source date epoch), so the same binary
// gives the same wheel, byte for byte.
package wheel
