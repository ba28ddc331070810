package fakeindex

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pyupload/pyupload/internal/testzip"
	"github.com/pyupload/pyupload/pkg/dist"
)

// bombLimits are the zip-bomb limits the tests build archives for.
var bombLimits = testzip.Limits{Ratio: bombRatio, Threshold: bombThreshold}

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
	for _, e := range bombLimits.Edges() {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			want := ""
			if e.Over {
				want = bomb
			}
			archive := e.Wheel(t)
			zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
			if err != nil {
				t.Fatal(err)
			}
			name, _, _ := strings.Cut(zr.File[0].Name, "-")
			if got := archiveMessage(t, name+"-1.0-py3-none-any.whl", archive); got != want {
				t.Errorf("checkArchive(%s) = %q, want %q", e.Name, got, want)
			}
		})
	}
}

// TestZipFraming: Warehouse's validate_zipfile on archives that differ
// from a sound wheel in one way.
func TestZipFraming(t *testing.T) {
	t.Parallel()
	w := testzip.WheelMembers("x")
	payload := testzip.Stored("x/__init__.py", []byte("x = 1\n"))
	with := func(m testzip.Member, edit func(*testzip.Member)) testzip.Member {
		edit(&m)
		return m
	}
	sound := testzip.Build(t, "", append(w, payload)...)
	tests := []struct {
		name    string
		archive []byte
		want    string
	}{
		{"sound", sound, ""},
		{"archive comment", testzip.Build(t, "built by hand", append(w, payload)...), ""},
		{"deflated member", testzip.Build(t, "", append(w, testzip.Deflated("x/data.txt", bytes.Repeat([]byte("data "), 100)))...), ""},
		{"member comment", testzip.Build(t, "", append(w, with(payload, func(m *testzip.Member) { m.Comment = "hi" }))...), "Comment in central directory"},
		{"data descriptor", testzip.Build(t, "", append(w, with(payload, func(m *testzip.Member) { m.Flags = 0x08 }))...), "ZIP contains a data descriptor"},
		{"control character in a name", testzip.Build(t, "", append(w, testzip.Stored("x/a\tb.py", nil))...), "Invalid character in filename"},
		{"space in a name", testzip.Build(t, "", append(w, testzip.Stored("x/a b.py", nil))...), ""},
		{"non-ASCII name flagged UTF-8", testzip.Build(t, "", append(w, testzip.Stored("x/é.py", nil))...), ""},
		{"non-ASCII name without the UTF-8 flag", testzip.Build(t, "", append(w, with(testzip.Stored("x/é.py", nil), func(m *testzip.Member) { m.NonUTF8 = true }))...), "Filename not in central directory"},
		{"same member twice", testzip.Build(t, "", append(w, payload, payload)...), "Duplicate filename in local headers"},
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
