package testzip

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"sync"
	"testing"
)

// Member is one member of a test archive, written as it stands: Build
// computes nothing but the compressed size (the length of Data) and the
// UTF-8 flag.
type Member struct {
	Name    string
	Method  uint16 // zip.Store or zip.Deflate
	Data    []byte // the bytes written: the content, or its deflate stream
	CRC32   uint32
	Size    uint64 // the uncompressed size claimed
	Flags   uint16 // extra general-purpose flags, such as 0x08 for a data descriptor
	Comment string // a per-member comment
	NonUTF8 bool   // write a non-ASCII name without the UTF-8 flag
}

// Stored is a member holding content uncompressed.
func Stored(name string, content []byte) Member {
	return Member{Name: name, Method: zip.Store, Data: content, CRC32: crc32.ChecksumIEEE(content), Size: uint64(len(content))}
}

// Deflated is a member holding content deflated.
func Deflated(name string, content []byte) Member {
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.BestCompression) // only fails for a bad level
	_, _ = w.Write(content)
	_ = w.Close()
	return Member{Name: name, Method: zip.Deflate, Data: b.Bytes(), CRC32: crc32.ChecksumIEEE(content), Size: uint64(len(content))}
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

// Zeros is a deflated member of mib MiB of zeros, expanding about 1000
// times.
func Zeros(name string, mib int) Member {
	segment, final := zeroMiB()
	crc := uint32(0)
	zeros := make([]byte, 1<<20)
	for range mib {
		crc = crc32.Update(crc, crc32.IEEETable, zeros)
	}
	data := append(bytes.Repeat(segment, mib), final...)
	return Member{Name: name, Method: zip.Deflate, Data: data, CRC32: crc, Size: uint64(mib) << 20}
}

// Build writes members with CreateRaw, then comment as the archive's
// comment. A non-ASCII name is flagged UTF-8 (0x800), as Python's zipfile
// and CreateHeader mark it, unless the member is NonUTF8.
func Build(tb testing.TB, comment string, members ...Member) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, m := range members {
		flags := m.Flags
		if !m.NonUTF8 && !isASCII(m.Name) {
			flags |= 0x800
		}
		w, err := zw.CreateRaw(&zip.FileHeader{
			Name: m.Name, Method: m.Method, CRC32: m.CRC32, Flags: flags, Comment: m.Comment, NonUTF8: m.NonUTF8,
			CompressedSize64: uint64(len(m.Data)), UncompressedSize64: m.Size,
		})
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := w.Write(m.Data); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.SetComment(comment); err != nil {
		tb.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
