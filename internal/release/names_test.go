package release

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"io"
	"slices"
	"testing"
	"time"
)

// TestArchiveNames pins the names the GitHub Action and the wheel
// packager rely on.
func TestArchiveNames(t *testing.T) {
	t.Parallel()
	var got []string
	for _, tg := range Targets {
		got = append(got, ArchiveName("1.2.3", tg))
	}
	want := []string{
		"pyupload_1.2.3_linux_amd64.tar.gz", "pyupload_1.2.3_linux_arm64.tar.gz",
		"pyupload_1.2.3_linux_386.tar.gz", "pyupload_1.2.3_linux_arm.tar.gz",
		"pyupload_1.2.3_linux_ppc64le.tar.gz", "pyupload_1.2.3_linux_s390x.tar.gz",
		"pyupload_1.2.3_linux_riscv64.tar.gz",
		"pyupload_1.2.3_darwin_amd64.tar.gz", "pyupload_1.2.3_darwin_arm64.tar.gz",
		"pyupload_1.2.3_windows_amd64.zip", "pyupload_1.2.3_windows_arm64.zip",
		"pyupload_1.2.3_freebsd_amd64.tar.gz",
	}
	if !slices.Equal(got, want) {
		t.Errorf("ArchiveName over Targets = %q, want %q", got, want)
	}
	if n := (Target{"windows", "arm64"}).BinaryName(); n != "pyupload.exe" {
		t.Errorf("BinaryName(windows) = %q, want pyupload.exe", n)
	}
}

func TestParseTargets(t *testing.T) {
	t.Parallel()
	all, err := ParseTargets("")
	if err != nil || len(all) != len(Targets) {
		t.Errorf(`ParseTargets("") = %d targets, %v; want all %d`, len(all), err, len(Targets))
	}
	got, err := ParseTargets("linux/arm, windows/amd64")
	if want := []Target{{"linux", "arm"}, {"windows", "amd64"}}; err != nil || !slices.Equal(got, want) {
		t.Errorf("ParseTargets = %v, %v; want %v", got, err, want)
	}
	for _, bad := range []string{"linux", "plan9/amd64", "linux/arm,"} {
		if _, err := ParseTargets(bad); err == nil {
			t.Errorf("ParseTargets(%q) succeeded, want an error", bad)
		}
	}
}

// TestZipLayout: the zip is the same twice, its entries are sorted, have
// their sizes in the local header, no data descriptor, fixed modes and the
// epoch as mtime (clamped to 1980 for MS-DOS dates).
func TestZipLayout(t *testing.T) {
	t.Parallel()
	ms := []member{
		{name: "pyupload.exe", mode: 0o755, data: bytes.Repeat([]byte("MZ binary "), 1000)},
		{name: "README.md", mode: 0o644, data: []byte("# pyupload\n")},
	}
	for _, epoch := range []time.Time{time.Unix(1700000000, 0), time.Unix(0, 0)} {
		var a, b bytes.Buffer
		if err := writeZip(&a, ms, epoch); err != nil {
			t.Fatal(err)
		}
		if err := writeZip(&b, ms, epoch); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Fatalf("writeZip is not reproducible (epoch %v)", epoch)
		}
		if flags := binary.LittleEndian.Uint16(a.Bytes()[6:8]); flags&0x8 != 0 {
			t.Errorf("first local header has flags %#x: a data descriptor", flags)
		}
		checkZip(t, a.Bytes(), later(epoch.UTC(), dosEpoch))
	}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func checkZip(t *testing.T, data []byte, mtime time.Time) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	wantNames := []string{"README.md", "pyupload.exe"}
	wantModes := []uint32{0o644, 0o755}
	if len(zr.File) != len(wantNames) {
		t.Fatalf("zip has %d entries, want %d", len(zr.File), len(wantNames))
	}
	for i, f := range zr.File {
		if f.Name != wantNames[i] || uint32(f.Mode().Perm()) != wantModes[i] || f.Flags&0x8 != 0 {
			t.Errorf("entry %d = %s %v flags %#x, want %s %o and no data descriptor", i, f.Name, f.Mode(), f.Flags, wantNames[i], wantModes[i])
		}
		if !f.Modified.Equal(mtime) {
			t.Errorf("%s: mtime %v, want %v", f.Name, f.Modified, mtime)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, rc); err != nil { // checks the CRC
			t.Errorf("%s: %v", f.Name, err)
		}
		_ = rc.Close()
	}
}
