package release

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"slices"
	"strings"
	"time"
)

// member is one file of an archive.
type member struct {
	name string
	mode fs.FileMode // 0o755 for the binary, 0o644 for the rest
	data []byte
}

// sortMembers orders the members by name, byte by byte.
func sortMembers(ms []member) []member {
	ms = slices.Clone(ms)
	slices.SortFunc(ms, func(a, b member) int { return strings.Compare(a.name, b.name) })
	return ms
}

// writeTarGz writes ms as a gzip-compressed ustar archive: every entry a
// regular file owned by 0/root with mtime, the gzip header without name,
// time or comment.
func writeTarGz(w io.Writer, ms []member, mtime time.Time) error {
	gz, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(gz)
	for _, m := range sortMembers(ms) {
		hdr := &tar.Header{
			Typeflag: tar.TypeReg, Name: m.name, Mode: int64(m.mode), Size: int64(len(m.data)),
			ModTime: mtime.UTC().Truncate(time.Second), Uname: "root", Gname: "root",
			Format: tar.FormatUSTAR,
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return fmt.Errorf("writing tar header of %s: %w", m.name, err)
		}
		if _, err := tw.Write(m.data); err != nil {
			return fmt.Errorf("writing %s: %w", m.name, err)
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

// dosEpoch is the earliest time a zip's MS-DOS date can hold.
var dosEpoch = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// writeZip writes ms as a zip archive of deflated entries written with
// CreateRaw: sizes and CRC are in the local header and no entry has a
// data descriptor.
func writeZip(w io.Writer, ms []member, mtime time.Time) error {
	mtime = mtime.UTC().Truncate(time.Second)
	if mtime.Before(dosEpoch) {
		mtime = dosEpoch
	}
	zw := zip.NewWriter(w)
	for _, m := range sortMembers(ms) {
		var buf bytes.Buffer
		fw, err := flate.NewWriter(&buf, flate.BestCompression)
		if err != nil {
			return err
		}
		if _, err := fw.Write(m.data); err != nil {
			return err
		}
		if err := fw.Close(); err != nil {
			return err
		}
		hdr := &zip.FileHeader{
			Name: m.name, Method: zip.Deflate,
			CRC32:              crc32.ChecksumIEEE(m.data),
			CompressedSize64:   uint64(buf.Len()), // #nosec G115 -- a length
			UncompressedSize64: uint64(len(m.data)),
		}
		setModified(hdr, mtime)
		hdr.SetMode(m.mode)
		raw, err := zw.CreateRaw(hdr)
		if err != nil {
			return fmt.Errorf("writing zip header of %s: %w", m.name, err)
		}
		if _, err := raw.Write(buf.Bytes()); err != nil {
			return fmt.Errorf("writing %s: %w", m.name, err)
		}
	}
	return zw.Close()
}

// setModified does for CreateRaw what CreateHeader does with Modified: the
// MS-DOS date and time, and an extended-timestamp extra field holding the
// Unix time (so readers see UTC).
func setModified(h *zip.FileHeader, t time.Time) {
	// #nosec G115 -- 1980 <= year < 2108, and the time fits 16 bits
	date, clock := uint16(t.Day()+int(t.Month())<<5+(t.Year()-1980)<<9), uint16(t.Second()/2+t.Minute()<<5+t.Hour()<<11)
	h.ModifiedDate, h.ModifiedTime = date, clock //nolint:staticcheck // SA1019: CreateRaw writes these and ignores Modified
	ext := make([]byte, 9)
	binary.LittleEndian.PutUint16(ext[0:], 0x5455) // extended timestamp
	binary.LittleEndian.PutUint16(ext[2:], 5)
	ext[4] = 1                                               // modification time present
	binary.LittleEndian.PutUint32(ext[5:], uint32(t.Unix())) // #nosec G115 -- the format's 32-bit time
	h.Extra = ext
}
