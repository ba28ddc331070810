// Package testzip builds synthetic ZIP archives and wheels for tests. It is
// test support only: nothing but _test.go files may import it (depguard in
// .golangci.yml enforces this).
//
// Archives are written with archive/zip's Writer.CreateRaw and each
// member's CRC-32 and sizes computed up front. Writer.Create and
// Writer.CreateHeader set the data-descriptor flag (bit 3 of the
// general-purpose flags), which PyPI refuses, so an archive written with
// them could not stand for a valid upload. Raw members also let a test
// claim sizes the data does not have, or set flags and comments PyPI
// refuses, to build the invalid archives the checks must catch.
//
// The package holds no validation logic: it only writes bytes. The edge
// wheels of Limits.Edges say on which side of the limits they are built,
// as their names do; whether an index refuses them is each test's own
// check. So sharing the package between the client's tests (pkg/dist) and
// the test index's tests (internal/fakeindex) does not weaken the index's
// independence as an oracle (docs/test-index.md): each side still judges
// the archives with its own rules.
package testzip
