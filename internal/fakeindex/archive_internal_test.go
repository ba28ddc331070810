package fakeindex

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pyupload/pyupload/pkg/dist"
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
	nonUTF8 bool   // write the name without the UTF-8 flag
}

func stored(name string, content []byte) rawMember {
	return rawMember{name: name, method: zip.Store, data: content, crc: crc32.ChecksumIEEE(content), size: uint64(len(content))}
}

func deflated(name string, content []byte) rawMember {
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.BestCompression) // only fails for a bad level
	_, _ = w.Write(content)
	_ = w.Close()
	return rawMember{name: name, method: zip.Deflate, data: b.Bytes(), crc: crc32.ChecksumIEEE(content), size: uint64(len(content))}
}

// zipOf writes members, then comment as the archive's comment.
func zipOf(t *testing.T, comment string, members ...rawMember) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, m := range members {
		flags := m.flags
		if !m.nonUTF8 && !isASCII(m.name) {
			flags |= 0x800 // as Python's zipfile and CreateHeader mark UTF-8 names
		}
		w, err := zw.CreateRaw(&zip.FileHeader{
			Name: m.name, Method: m.method, CRC32: m.crc, Flags: flags, Comment: m.comment, NonUTF8: m.nonUTF8,
			CompressedSize64: uint64(len(m.data)), UncompressedSize64: m.size,
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(m.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.SetComment(comment); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// wheelMembers are the members a wheel of name 1.0 needs besides its
// payload, with metadata that both the client and the index accept.
func wheelMembers(name string) []rawMember {
	dir := name + "-1.0.dist-info/"
	return []rawMember{
		stored(dir+"METADATA", []byte("Metadata-Version: 2.1\nName: "+name+"\nVersion: 1.0\nSummary: s\nDescription-Content-Type: text/plain\n\nbody\n")),
		stored(dir+"WHEEL", []byte("Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n")),
		stored(dir+"RECORD", []byte(dir+"METADATA,,\n"+dir+"WHEEL,,\n"+dir+"RECORD,,\n")),
	}
}

// zeroMiB is the deflate stream of 1 MiB of zeros, ended by a sync flush
// and not final: deflate blocks that refer only to their own bytes can be
// concatenated, so n copies and a final empty block are the stream of n
// MiB of zeros, without compressing 64 MiB in every test run.
var zeroMiB = sync.OnceValues(func() (segment, final []byte) {
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.BestCompression)
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

// ratioWheel is the wheel ratio-1.0-py3-none-any.whl, expanding past
// bombThreshold to exactly excess bytes more than bombRatio times its
// size. A stored padding member tunes it: each byte of content adds one
// byte to both sizes (excess -49), each byte of its name two bytes to the
// archive, in the local header and the central directory (excess -100).
func ratioWheel(t *testing.T, excess int64) []byte {
	t.Helper()
	build := func(name string, pad int) ([]byte, []rawMember) {
		ms := append(wheelMembers("ratio"), zeros("ratio/zeros.bin", 64), stored("ratio/"+name, make([]byte, pad)))
		return zipOf(t, "", ms...), ms
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

// thresholdWheel is the wheel threshold-1.0-py3-none-any.whl, expanding
// about 1000 times to exactly total bytes.
func thresholdWheel(t *testing.T, total int64) []byte {
	t.Helper()
	ms := append(wheelMembers("threshold"), zeros("threshold/zeros.bin", 63))
	have, _ := expansion(nil, ms)
	ms = append(ms, deflated("threshold/rest.bin", make([]byte, total-have)))
	archive := zipOf(t, "", ms...)
	if got, excess := expansion(archive, ms); got != total || excess <= 0 {
		t.Fatalf("thresholdWheel(%d) expands %d bytes, %d past the ratio", total, got, excess)
	}
	return archive
}

// overflowWheel is the wheel ratio-1.0-py3-none-any.whl with n members
// that claim 2⁶³ bytes each, so that a uint64 sum of their sizes wraps.
func overflowWheel(t *testing.T, n int64) []byte {
	t.Helper()
	ms := wheelMembers("ratio")
	for i := range n {
		// A final empty deflate block: the claimed size is never read.
		ms = append(ms, rawMember{name: fmt.Sprintf("ratio/%d.bin", i), method: zip.Deflate, data: []byte{3, 0}, size: 1 << 63})
	}
	return zipOf(t, "", ms...)
}

// spool writes content where checkArchive can read it.
func spool(t *testing.T, filename string, content []byte) *spooled {
	t.Helper()
	path := filepath.Join(t.TempDir(), "upload")
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	return &spooled{path: path, filename: filename, size: int64(len(content))}
}

// archiveMessage runs rows 22–24 on content as a wheel or sdist of name
// 1.0 and returns the message, "" when the archive passes.
func archiveMessage(t *testing.T, filename string, content []byte) string {
	t.Helper()
	name, _, _ := strings.Cut(filename, "-")
	meta := &metaInfo{values: map[string][]string{}, name: name}
	meta.version, _ = dist.ParseVersion("1.0")
	filetype := "bdist_wheel"
	if !strings.HasSuffix(filename, ".whl") {
		filetype = "sdist"
	}
	if _, rp := checkArchive(spool(t, filename, content), filetype, meta); rp != nil {
		return rp.message
	}
	return ""
}

// TestCompressionRatio: Warehouse refuses a zip whose members expand past
// 64 MiB and more than 50 times its size, dividing as Python does.
func TestCompressionRatio(t *testing.T) {
	t.Parallel()
	const bomb = "Invalid distribution file. File exceeds compression ratio of 50"
	tests := []struct {
		name  string
		wheel func(*testing.T, int64) []byte
		n     int64
		want  string
	}{
		{"expands to exactly 64 MiB", thresholdWheel, bombThreshold, ""},
		{"expands to 64 MiB and one byte", thresholdWheel, bombThreshold + 1, bomb},
		{"one byte under 50 times the size", ratioWheel, -1, ""},
		{"exactly 50 times the size", ratioWheel, 0, ""},
		{"one byte over 50 times the size", ratioWheel, 1, bomb},
		{"sizes summing past 64 bits", overflowWheel, 2, bomb},
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
			if got := archiveMessage(t, name+"-1.0-py3-none-any.whl", archive); got != tt.want {
				t.Errorf("checkArchive(%s) = %q, want %q", tt.name, got, tt.want)
			}
		})
	}
}

// TestZipFraming: Warehouse's validate_zipfile on archives that differ
// from a sound wheel in one way.
func TestZipFraming(t *testing.T) {
	t.Parallel()
	w := wheelMembers("x")
	payload := stored("x/__init__.py", []byte("x = 1\n"))
	with := func(m rawMember, edit func(*rawMember)) rawMember {
		edit(&m)
		return m
	}
	sound := zipOf(t, "", append(w, payload)...)
	tests := []struct {
		name    string
		archive []byte
		want    string
	}{
		{"sound", sound, ""},
		{"archive comment", zipOf(t, "built by hand", append(w, payload)...), ""},
		{"deflated member", zipOf(t, "", append(w, deflated("x/data.txt", bytes.Repeat([]byte("data "), 100)))...), ""},
		{"member comment", zipOf(t, "", append(w, with(payload, func(m *rawMember) { m.comment = "hi" }))...), "Comment in central directory"},
		{"data descriptor", zipOf(t, "", append(w, with(payload, func(m *rawMember) { m.flags = 0x08 }))...), "ZIP contains a data descriptor"},
		{"control character in a name", zipOf(t, "", append(w, stored("x/a\tb.py", nil))...), "Invalid character in filename"},
		{"space in a name", zipOf(t, "", append(w, stored("x/a b.py", nil))...), ""},
		{"non-ASCII name flagged UTF-8", zipOf(t, "", append(w, stored("x/é.py", nil))...), ""},
		{"non-ASCII name without the UTF-8 flag", zipOf(t, "", append(w, with(stored("x/é.py", nil), func(m *rawMember) { m.nonUTF8 = true }))...), "Filename not in central directory"},
		{"same member twice", zipOf(t, "", append(w, payload, payload)...), "Duplicate filename in local headers"},
		{"trailing data", append(bytes.Clone(sound), "junk"...), "Trailing data"},
		{"data before the archive", append([]byte("#!/bin/sh\n"), sound...), "Unknown record signature"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			zr, err := zip.NewReader(bytes.NewReader(tt.archive), int64(len(tt.archive)))
			if err != nil {
				t.Fatalf("zip.NewReader() = %v", err)
			}
			if got := zipFraming(bytes.NewReader(tt.archive), int64(len(tt.archive)), zr); got != tt.want {
				t.Errorf("zipFraming(%s) = %q, want %q", tt.name, got, tt.want)
			}
		})
	}
}

// tarEntry is one member of a test tar.
type tarEntry struct {
	name     string
	typeflag byte
	body     string
	linkname string
}

// tarOf writes a tar of entries, gzip-compressed when gz is set.
func tarOf(t *testing.T, gz bool, entries ...tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	var tw *tar.Writer
	var zw *gzip.Writer
	if gz {
		zw = gzip.NewWriter(&buf)
		tw = tar.NewWriter(zw)
	} else {
		tw = tar.NewWriter(&buf)
	}
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Typeflag: e.typeflag, Mode: 0o644, Size: int64(len(e.body)), Linkname: e.linkname, Format: tar.FormatPAX}
		if e.typeflag != tar.TypeReg {
			h.Size = 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(e.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

// sparseTar is the .tar.gz of one old-style GNU sparse member holding
// body as one data region. Go's tar writer writes no sparse members, so
// the header of a plain GNU member is turned into one: typeflag 'S', the
// real size, and the header checksum again.
func sparseTar(t *testing.T, name, body string) []byte {
	t.Helper()
	var plain bytes.Buffer
	tw := tar.NewWriter(&plain)
	if err := tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(body)), Format: tar.FormatGNU}); err != nil {
		t.Fatal(err)
	}
	_, _ = tw.Write([]byte(body))
	_ = tw.Close()
	h := plain.Bytes()
	h[156] = tar.TypeGNUSparse
	copy(h[386:], fmt.Sprintf("%011o\x00%011o\x00", 0, len(body))) // one region: offset 0, length
	copy(h[483:], fmt.Sprintf("%011o\x00", len(body)))             // the real size
	copy(h[148:156], "        ")
	sum := 0
	for _, c := range h[:512] {
		sum += int(c)
	}
	copy(h[148:156], fmt.Sprintf("%06o\x00 ", sum))
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write(h)
	_ = zw.Close()
	return buf.Bytes()
}

// TestCheckTar: _is_valid_dist_file on sdists.
func TestCheckTar(t *testing.T) {
	t.Parallel()
	pkgInfo := "Metadata-Version: 2.1\nName: x\nVersion: 1.0\n"
	dir := tarEntry{name: "x-1.0/", typeflag: tar.TypeDir}
	info := tarEntry{name: "x-1.0/PKG-INFO", typeflag: tar.TypeReg, body: pkgInfo}
	sound := tarOf(t, true, dir, info)
	tests := []struct {
		name    string
		archive []byte
		want    string
	}{
		{"sound", sound, ""},
		{"a symlink, which Warehouse does not look at", tarOf(t, true, dir, info, tarEntry{name: "x-1.0/passwd", typeflag: tar.TypeSymlink, linkname: "/etc/passwd"}), ""},
		{"a nested ../, which commonpath keeps", tarOf(t, true, dir, info, tarEntry{name: "x-1.0/../../evil", typeflag: tar.TypeReg}), ""},
		{"./ before every name: getmember finds no x-1.0/PKG-INFO", tarOf(t, true, tarEntry{name: "./x-1.0/", typeflag: tar.TypeDir}, tarEntry{name: "./x-1.0/PKG-INFO", typeflag: tar.TypeReg, body: pkgInfo}), "Invalid distribution file. PKG-INFO not found at x-1.0/PKG-INFO"},
		{"two top-level directories", tarOf(t, true, dir, info, tarEntry{name: "y/z", typeflag: tar.TypeReg}), "Invalid distribution file. Incorrect number of top-level directories in sdist"},
		{"no PKG-INFO", tarOf(t, true, dir, tarEntry{name: "x-1.0/setup.py", typeflag: tar.TypeReg}), "Invalid distribution file. PKG-INFO not found at x-1.0/PKG-INFO"},
		{"a sparse member", sparseTar(t, "x-1.0/PKG-INFO", pkgInfo), "Invalid distribution file. tar archive not accepted: Sparse members are not allowed. See https://docs.pypi.org/archives for more information"},
		{"not compressed", tarOf(t, false, dir, info), "Invalid distribution file. None"},
		{"not a tar at all", []byte("hello"), "Invalid distribution file. File is not a tarfile"},
		{"cut short", sound[:len(sound)/2], "Invalid distribution file. None"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := archiveMessage(t, "x-1.0.tar.gz", tt.archive); got != tt.want {
				t.Errorf("checkArchive(%s) = %q, want %q", tt.name, got, tt.want)
			}
		})
	}
}

func TestValidPlatformTag(t *testing.T) {
	t.Parallel()
	tests := map[string]bool{
		"any": true, "win_amd64": true, "manylinux2014_ppc64": true, "linux_armv7l": true,
		"linux_x86_64": false, "win_x86": false,
		"macosx_10_9_x86_64": true, "macosx_10_15_universal2": true, "macosx_11_0_arm64": true, "macosx_26_0_arm64": true,
		"macosx_11_1_arm64": false, "macosx_16_0_arm64": false, "macosx_10_9_sparc": false,
		"manylinux_2_17_x86_64": true, "manylinux_2_28_ppc64": true, "musllinux_1_2_ppc64": false, "musllinux_1_1_riscv64": true,
		"ios_13_0_arm64_iphoneos": true, "ios_13_0_x86_64_iphonesimulator": true, "ios_13_0_arm64_ipados": false,
		"android_21_arm64_v8a": true, "android_21_mips": false,
		"pyemscripten_2024_0_wasm32": true,
		// re.match anchors at the start only.
		"pyemscripten_2024_0_wasm32_extra": true,
	}
	for tag, want := range tests {
		if got := validPlatformTag(tag); got != want {
			t.Errorf("validPlatformTag(%q) = %v, want %v", tag, got, want)
		}
	}
}

func TestCanonicalName(t *testing.T) {
	t.Parallel()
	tests := map[string]string{"Foo": "foo", "foo_bar": "foo-bar", "Foo.-_Bar": "foo-bar", "a..b--c__d": "a-b-c-d", "x": "x"}
	got := map[string]string{}
	for in := range tests {
		got[in] = canonicalName(in)
	}
	if diff := cmp.Diff(tests, got); diff != "" {
		t.Errorf("canonicalName (-want +got):\n%s", diff)
	}
}
