package testzip

import (
	"archive/zip"
	"fmt"
	"strings"
	"testing"
)

// DistInfo are the members of the .dist-info directory of a pure-Python
// wheel (py3-none-any) of project and version: metadata as METADATA, a
// WHEEL file and a RECORD that lists both and itself, without hashes.
func DistInfo(project, version string, metadata []byte) []Member {
	dir := project + "-" + version + ".dist-info/"
	return []Member{
		Stored(dir+"METADATA", metadata),
		Stored(dir+"WHEEL", []byte("Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n")),
		Stored(dir+"RECORD", []byte(dir+"METADATA,,\n"+dir+"WHEEL,,\n"+dir+"RECORD,,\n")),
	}
}

// WheelMembers are the members a wheel of name 1.0 needs besides its
// payload, with metadata that both the client and the test index accept.
func WheelMembers(name string) []Member {
	return DistInfo(name, "1.0", []byte("Metadata-Version: 2.1\nName: "+name+"\nVersion: 1.0\nSummary: s\nDescription-Content-Type: text/plain\n\nbody\n"))
}

// Limits are an index's zip-bomb limits: it refuses an archive whose
// members expand past Threshold bytes and more than Ratio times the
// archive's size. Ratio must be more than 1 and well under the 1000 or so
// that Zeros expands; Threshold is a whole number of MiB.
type Limits struct {
	Ratio     int64
	Threshold int64
}

// Edge is a wheel at one edge of the limits.
type Edge struct {
	Name  string // what the wheel is, such as "one byte over 50 times the size"
	Over  bool   // past both limits by construction, so an index refuses it
	build func(testing.TB, int64) []byte
	n     int64
}

// Wheel builds the edge's wheel. Its project is the first member's name
// up to "-"; its version is 1.0.
func (e Edge) Wheel(tb testing.TB) []byte {
	tb.Helper()
	return e.build(tb, e.n)
}

// Edges are wheels at the limits: total sizes at and one byte past the
// threshold, one byte under, at and one byte over the ratio, and member
// sizes whose uint64 sum wraps.
func (l Limits) Edges() []Edge {
	mib := l.Threshold >> 20
	return []Edge{
		{fmt.Sprintf("expands to exactly %d MiB", mib), false, l.thresholdWheel, l.Threshold},
		{fmt.Sprintf("expands to %d MiB and one byte", mib), true, l.thresholdWheel, l.Threshold + 1},
		{fmt.Sprintf("one byte under %d times the size", l.Ratio), false, l.ratioWheel, -1},
		{fmt.Sprintf("exactly %d times the size", l.Ratio), false, l.ratioWheel, 0},
		{fmt.Sprintf("one byte over %d times the size", l.Ratio), true, l.ratioWheel, 1},
		{"sizes summing past 64 bits", true, overflowWheel, 2},
	}
}

// expansion returns the members' total uncompressed size and how far it
// is past l.Ratio times the archive's size.
func (l Limits) expansion(archive []byte, members []Member) (total, excess int64) {
	for _, m := range members {
		total += int64(m.Size)
	}
	return total, total - l.Ratio*int64(len(archive))
}

// ratioWheel is the wheel ratio-1.0-py3-none-any.whl, expanding past
// l.Threshold to exactly excess bytes more than l.Ratio times its size. A
// stored padding member tunes it: each byte of content adds one byte to
// both sizes (excess 1-Ratio), each byte of its name two bytes to the
// archive, in the local header and the central directory (excess
// -2*Ratio).
func (l Limits) ratioWheel(tb testing.TB, excess int64) []byte {
	tb.Helper()
	perByte, perName := l.Ratio-1, 2*l.Ratio
	build := func(name string, pad int) ([]byte, []Member) {
		ms := append(WheelMembers("ratio"), Zeros("ratio/zeros.bin", int(l.Threshold>>20)), Stored("ratio/"+name, make([]byte, pad)))
		return Build(tb, "", ms...), ms
	}
	archive, ms := build("p", 0)
	_, d0 := l.expansion(archive, ms)
	extra := int64(0)
	for (d0-excess-perName*extra)%perByte != 0 {
		extra++
	}
	archive, ms = build("p"+strings.Repeat("x", int(extra)), int((d0-excess-perName*extra)/perByte))
	if total, got := l.expansion(archive, ms); got != excess || total <= l.Threshold {
		tb.Fatalf("ratioWheel(%d) expands %d bytes, %d past the ratio", excess, total, got)
	}
	return archive
}

// thresholdWheel is the wheel threshold-1.0-py3-none-any.whl, expanding
// about 1000 times (past l.Ratio) to exactly total bytes.
func (l Limits) thresholdWheel(tb testing.TB, total int64) []byte {
	tb.Helper()
	ms := append(WheelMembers("threshold"), Zeros("threshold/zeros.bin", max(int(total>>20)-1, 0)))
	have, _ := l.expansion(nil, ms)
	ms = append(ms, Deflated("threshold/rest.bin", make([]byte, total-have)))
	archive := Build(tb, "", ms...)
	if got, excess := l.expansion(archive, ms); got != total || excess <= 0 {
		tb.Fatalf("thresholdWheel(%d) expands %d bytes, %d past the ratio", total, got, excess)
	}
	return archive
}

// overflowWheel is the wheel ratio-1.0-py3-none-any.whl with n members
// that claim 2⁶³ bytes each, so that a uint64 sum of their sizes wraps.
func overflowWheel(tb testing.TB, n int64) []byte {
	tb.Helper()
	ms := WheelMembers("ratio")
	for i := range n {
		// A final empty deflate block: the claimed size is never read.
		ms = append(ms, Member{Name: fmt.Sprintf("ratio/%d.bin", i), Method: zip.Deflate, Data: []byte{3, 0}, Size: 1 << 63})
	}
	return Build(tb, "", ms...)
}
