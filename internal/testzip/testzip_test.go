package testzip

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"io"
	"strings"
	"testing"
)

// TestBuild: an archive Build writes opens with archive/zip, no member has
// the data-descriptor flag (bit 3) in its local or central header, and
// every member reads back whole, so its CRC-32 and sizes are right.
func TestBuild(t *testing.T) {
	t.Parallel()
	members := append(WheelMembers("x"),
		Stored("x/__init__.py", []byte("x = 1\n")),
		Deflated("x/data.txt", bytes.Repeat([]byte("data "), 100)),
		Zeros("x/zeros.bin", 2),
		Stored("x/é.py", nil),
	)
	archive := Build(t, "a comment", members...)
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		t.Fatalf("zip.NewReader() = %v", err)
	}
	if zr.Comment != "a comment" {
		t.Errorf("archive comment = %q, want %q", zr.Comment, "a comment")
	}
	if len(zr.File) != len(members) {
		t.Fatalf("%d members, want %d", len(zr.File), len(members))
	}
	pos := 0 // the member's local header: members follow one another, with no descriptors
	for i, f := range zr.File {
		local := archive[pos:]
		if !bytes.HasPrefix(local, []byte("PK\x03\x04")) {
			t.Fatalf("%s: no local header at %d", f.Name, pos)
		}
		if flags := binary.LittleEndian.Uint16(local[6:]); flags&0x08 != 0 {
			t.Errorf("%s: local header flags %#04x have the data-descriptor bit", f.Name, flags)
		}
		pos += 30 + int(binary.LittleEndian.Uint16(local[26:])) + int(binary.LittleEndian.Uint16(local[28:])) + int(f.CompressedSize64)
		if f.Name != members[i].Name {
			t.Errorf("member %d is %q, want %q", i, f.Name, members[i].Name)
		}
		if f.Flags&0x08 != 0 {
			t.Errorf("%s: central directory flags %#04x have the data-descriptor bit", f.Name, f.Flags)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatalf("%s: Open() = %v", f.Name, err)
		}
		n, err := io.Copy(io.Discard, rc)
		_ = rc.Close()
		if err != nil || uint64(n) != members[i].Size {
			t.Errorf("%s: read %d bytes, %v; want %d, nil", f.Name, n, err, members[i].Size)
		}
	}
}

// TestEdges: every edge wheel builds (its builder checks its own sizes)
// and opens as a wheel of version 1.0.
func TestEdges(t *testing.T) {
	t.Parallel()
	for _, e := range (Limits{Ratio: 50, Threshold: 64 << 20}).Edges() {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			archive := e.Wheel(t)
			zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
			if err != nil {
				t.Fatalf("zip.NewReader() = %v", err)
			}
			if !strings.HasSuffix(zr.File[0].Name, "-1.0.dist-info/METADATA") {
				t.Errorf("first member %q, want a version 1.0 METADATA", zr.File[0].Name)
			}
		})
	}
}
