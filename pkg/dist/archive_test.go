package dist

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"strings"
	"sync"
	"testing"
)

// rawMember is one member of a test archive. Members are written with
// zip.Writer.CreateRaw and precomputed sizes and CRC-32, never Create or
// CreateHeader: those set the data-descriptor flag, which PyPI refuses.
type rawMember struct {
	name    string
	method  uint16 // zip.Store or zip.Deflate
	data    []byte // the bytes written: the content, or its deflate stream
	crc     uint32
	size    uint64 // uncompressed size
	flags   uint16 // extra general-purpose flags, such as 0x08 for a data descriptor
	comment string // a per-member comment
}

func stored(name string, content []byte) rawMember {
	return rawMember{name: name, method: zip.Store, data: content, crc: crc32.ChecksumIEEE(content), size: uint64(len(content))}
}

func buildZip(t *testing.T, members ...rawMember) []byte {
	t.Helper()
	return buildZipWithComment(t, "", members...)
}

// buildZipWithComment writes members, then comment as the archive's
// comment.
func buildZipWithComment(t *testing.T, comment string, members ...rawMember) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	if err := zw.SetComment(comment); err != nil {
		t.Fatal(err)
	}
	for _, m := range members {
		w, err := zw.CreateRaw(&zip.FileHeader{
			Name: m.name, Method: m.method, CRC32: m.crc, Flags: m.flags, Comment: m.comment,
			CompressedSize64: uint64(len(m.data)), UncompressedSize64: m.size,
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(m.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// wheelMembers are the members a wheel named name-1.0 needs besides its
// payload.
func wheelMembers(name string) []rawMember {
	dir := name + "-1.0.dist-info/"
	return []rawMember{
		stored(dir+"METADATA", []byte("Metadata-Version: 2.1\nName: "+name+"\nVersion: 1.0\n")),
		stored(dir+"WHEEL", []byte("Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n")),
		stored(dir+"RECORD", []byte(dir+"RECORD,,\n")),
	}
}

// zeroMiB is the deflate stream of 1 MiB of zeros, ended by a sync flush
// and not final: deflate blocks that refer only to their own bytes can be
// concatenated, so n copies and a final empty block are the stream of n
// MiB of zeros, without compressing 64 MiB in every test run.
var zeroMiB = sync.OnceValues(func() (segment, final []byte) {
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.BestCompression) // only fails for a bad level
	_, _ = w.Write(make([]byte, 1<<20))
	_ = w.Flush()
	segment = bytes.Clone(b.Bytes())
	b.Reset()
	w.Reset(&b)
	_ = w.Close()
	return segment, b.Bytes()
})

// zeros is a deflated member of n MiB of zeros.
func zeros(name string, n int) rawMember {
	segment, final := zeroMiB()
	crc := uint32(0)
	mib := make([]byte, 1<<20)
	for range n {
		crc = crc32.Update(crc, crc32.IEEETable, mib)
	}
	data := append(bytes.Repeat(segment, n), final...)
	return rawMember{name: name, method: zip.Deflate, data: data, crc: crc, size: uint64(n) << 20}
}

// expansion returns the members' total uncompressed size and how far it
// is past bombRatio times the archive's size.
func expansion(archive []byte, members []rawMember) (total, excess int64) {
	for _, m := range members {
		total += int64(m.size)
	}
	return total, total - bombRatio*int64(len(archive))
}

// ratioWheel is a wheel expanding past bombThreshold whose expanded size
// is exactly excess bytes more than bombRatio times its size. A stored
// padding member tunes it: each byte of content adds one byte to both
// sizes (excess -49), each byte of its name two bytes to the archive,
// in the local header and the central directory (excess -100).
func ratioWheel(t *testing.T, excess int64) []byte {
	t.Helper()
	build := func(name string, pad int) ([]byte, []rawMember) {
		ms := append(wheelMembers("ratio"), zeros("ratio/zeros.bin", 64), stored("ratio/"+name, make([]byte, pad)))
		return buildZip(t, ms...), ms
	}
	archive, ms := build("p", 0)
	_, d0 := expansion(archive, ms)
	extra := 0
	for (d0-excess-100*int64(extra))%49 != 0 {
		extra++
	}
	archive, ms = build("p"+strings.Repeat("x", extra), int((d0-excess-100*int64(extra))/49))
	if total, got := expansion(archive, ms); got != excess || total <= bombThreshold {
		t.Fatalf("ratioWheel(%d) expands %d bytes, %d past the ratio", excess, total, got)
	}
	return archive
}

// thresholdWheel is a wheel of about 1000 times expansion whose members
// add up to total bytes.
func thresholdWheel(t *testing.T, total int64) []byte {
	t.Helper()
	ms := append(wheelMembers("threshold"), zeros("threshold/zeros.bin", 63))
	have, _ := expansion(nil, ms)
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.BestCompression)
	rest := make([]byte, total-have)
	_, _ = w.Write(rest)
	_ = w.Close()
	ms = append(ms, rawMember{name: "threshold/rest.bin", method: zip.Deflate, data: b.Bytes(), crc: crc32.ChecksumIEEE(rest), size: uint64(len(rest))})
	archive := buildZip(t, ms...)
	if got, excess := expansion(archive, ms); got != total || excess <= 0 {
		t.Fatalf("thresholdWheel(%d) expands %d bytes, %d past the ratio", total, got, excess)
	}
	return archive
}

// overflowWheel is a wheel with n members that claim 2⁶³ bytes each, so
// that a uint64 sum of their sizes wraps.
func overflowWheel(t *testing.T, n int64) []byte {
	t.Helper()
	ms := wheelMembers("ratio")
	for i := range n {
		// A final empty deflate block: the claimed size is never read.
		ms = append(ms, rawMember{name: fmt.Sprintf("ratio/%d.bin", i), method: zip.Deflate, data: []byte{3, 0}, size: 1 << 63})
	}
	return buildZip(t, ms...)
}

// TestCompressionRatio: the index refuses a zip whose members expand past
// 64 MiB and more than 50 times its size, comparing as floats do.
func TestCompressionRatio(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		wheel   func(*testing.T, int64) []byte
		n       int64
		refused bool
	}{
		{"expands to exactly 64 MiB", thresholdWheel, bombThreshold, false},
		{"expands to 64 MiB and one byte", thresholdWheel, bombThreshold + 1, true},
		{"one byte under 50 times the size", ratioWheel, -1, false},
		{"exactly 50 times the size", ratioWheel, 0, false},
		{"one byte over 50 times the size", ratioWheel, 1, true},
		{"sizes summing past 64 bits", overflowWheel, 2, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			archive := tt.wheel(t, tt.n)
			zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
			if err != nil {
				t.Fatal(err)
			}
			name, _, _ := strings.Cut(zr.File[0].Name, "-")
			_, err = Read(bytes.NewReader(archive), int64(len(archive)), name+"-1.0-py3-none-any.whl")
			refused := err != nil && strings.Contains(err.Error(), "File exceeds compression ratio of 50")
			if refused != tt.refused || err != nil && !refused {
				t.Errorf("Read(%s) error = %v, want refused for its compression ratio: %v", tt.name, err, tt.refused)
			}
		})
	}
}

// TestZipFraming: the index's framing rules for zip members, and the
// archive comment it allows.
func TestZipFraming(t *testing.T) {
	t.Parallel()
	payload := stored("x/__init__.py", []byte("x = 1\n"))
	edited := func(edit func(*rawMember)) rawMember {
		m := payload
		edit(&m)
		return m
	}
	tests := []struct {
		name    string
		comment string
		member  rawMember
		want    string // in the error; "" for none
	}{
		{"sound", "", payload, ""},
		{"archive comment", "built by hand", payload, ""},
		{"member comment", "", edited(func(m *rawMember) { m.comment = "hi" }), "ZIP archive not accepted: Comment in central directory (member 'x/__init__.py')"},
		{"data descriptor", "", edited(func(m *rawMember) { m.flags = 0x08 }), "ZIP archive not accepted: ZIP contains a data descriptor (member 'x/__init__.py'"},
		{"control character in a name", "", stored("x/a\tb.py", nil), `ZIP archive not accepted: Invalid character in filename "x/a\tb.py"`},
		{"space in a name", "", stored("x/a b.py", nil), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			archive := buildZipWithComment(t, tt.comment, append(wheelMembers("x"), tt.member)...)
			_, err := Read(bytes.NewReader(archive), int64(len(archive)), "x-1.0-py3-none-any.whl")
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Read(%s) error = %v, want nil", tt.name, err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Read(%s) error = %v, want one containing %q", tt.name, err, tt.want)
			}
		})
	}
}
