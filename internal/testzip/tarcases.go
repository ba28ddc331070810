package testzip

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"fmt"
	"testing"
)

// TarHeader is a ustar header block written by hand, so that it can carry
// what archive/tar's Writer refuses to write: a negative size (base-256),
// the old GNU sparse type.
func TarHeader(name string, typ byte, size int64) []byte {
	h := make([]byte, 512)
	copy(h, name)
	copy(h[100:], "0000644\x00")
	copy(h[108:], "0000000\x00")
	copy(h[116:], "0000000\x00")
	if size < 0 {
		for i := 135; i >= 124; i-- {
			h[i] = byte(size)
			size >>= 8
		}
		h[124] = 0xff
	} else {
		copy(h[124:], fmt.Sprintf("%011o\x00", size))
	}
	copy(h[136:], "00000000000\x00")
	h[156] = typ
	if typ == 'S' { // the old GNU sparse type exists only in GNU's format
		copy(h[257:], "ustar  \x00")
	} else {
		copy(h[257:], "ustar\x0000")
	}
	sum := 256
	for i, c := range h {
		if i < 148 || i >= 156 {
			sum += int(c)
		}
	}
	copy(h[148:], fmt.Sprintf("%06o\x00 ", sum))
	return h
}

// TarFile is a regular member: its header and its content padded to a
// whole block.
func TarFile(name string, content []byte) []byte {
	b := append(TarHeader(name, '0', int64(len(content))), content...)
	return append(b, make([]byte, (512-len(content)%512)%512)...)
}

// PaxHeader is a pax extended header ('x') holding records.
func PaxHeader(records ...[2]string) []byte {
	var body []byte
	for _, r := range records {
		rec := " " + r[0] + "=" + r[1] + "\n"
		n := len(rec)
		for len(fmt.Sprint(n+len(fmt.Sprint(n)))) != len(fmt.Sprint(n)) {
			n++
		}
		body = append(body, fmt.Sprint(n+len(fmt.Sprint(n)))+rec...)
	}
	b := append(TarHeader("././@PaxHeader", 'x', int64(len(body))), body...)
	return append(b, make([]byte, (512-len(body)%512)%512)...)
}

// Gzip compresses b as one gzip member, with comment in its header.
func Gzip(tb testing.TB, b []byte, comment string) []byte {
	tb.Helper()
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	w.Comment = comment
	if _, err := w.Write(b); err != nil {
		tb.Fatal(err)
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return out.Bytes()
}

// end is tar's end of archive: two zero blocks.
var end = make([]byte, 1024)

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// corruptAfter is a gzip member holding b, then a deflate block of the
// reserved type (corrupt data), without a trailer.
func corruptAfter(b []byte) []byte {
	var out bytes.Buffer
	out.Write([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3})
	w, _ := flate.NewWriter(&out, flate.BestSpeed) // only fails for a bad level
	_, _ = w.Write(b)
	_ = w.Flush() // byte-aligned, not final
	out.WriteByte(0x07)
	return out.Bytes()
}

// TarCases are malformed and borderline sdists named m-1.0.tar.gz, with
// PyPI's text ("" when PyPI accepts).
func TarCases(tb testing.TB) []Case {
	tb.Helper()
	const fn = "m-1.0.tar.gz"
	pkgInfo := TarFile("m-1.0/PKG-INFO", []byte("Metadata-Version: 2.1\nName: m\nVersion: 1.0\nSummary: s\nDescription-Content-Type: text/plain\n\nbody\n"))
	setup := TarFile("m-1.0/setup.py", []byte("print(1)\n"))
	sound := cat(pkgInfo, setup, end)
	gz := func(b []byte) []byte { return Gzip(tb, b, "") }
	c := func(name string, content []byte, want string, opens bool) Case {
		return Case{Name: "sdist: " + name, Filename: fn, Content: content, Want: want, PythonOpens: opens}
	}
	badDeflate := []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0x07} // a final deflate block of the reserved type
	sparseMap := PaxHeader([2]string{"GNU.sparse.numblocks", "1"}, [2]string{"GNU.sparse.map", "0,0"}, [2]string{"GNU.sparse.realsize", "0"})
	return []Case{
		c("sound", gz(sound), "", true),
		c("bytes after the end of the archive", gz(cat(sound, []byte("trailing bytes"))), "", true),
		c("bytes after the gzip stream", cat(gz(sound), []byte("not gzip")), "", true),
		c("gzip members split inside a tar block (cat a.gz b.gz)", cat(gz(sound[:1000]), gz(sound[1000:])), "", true),
		c("gzip members split inside a header", cat(gz(sound[:7]), gz(sound[7:513]), gz(sound[513:])), "", true),
		c("one zero block, then garbage", gz(cat(pkgInfo, setup, make([]byte, 512), bytes.Repeat([]byte{'x'}, 512))), "", true),
		c("old GNU sparse member", gz(cat(pkgInfo, TarHeader("m-1.0/holes", 'S', 0), end)), "tar archive not accepted: Sparse members are not allowed"+archivesURL, true),
		c("pax GNU sparse 0.1 member", gz(cat(pkgInfo, sparseMap, TarHeader("m-1.0/holes", '0', 0), end)), "tar archive not accepted: Sparse members are not allowed"+archivesURL, true),
		c("negative size on the first member", gz(cat(TarHeader("m-1.0/PKG-INFO", '0', -1), end)), "File is not a tarfile", false),
		c("negative size after two members ends the archive", gz(cat(pkgInfo, setup, TarHeader("m-1.0/x", '0', -512), TarFile("other/x", nil), end)), "", true),
		c("negative size before PKG-INFO hides it", gz(cat(setup, TarHeader("m-1.0/x", '0', -512), pkgInfo, end)), "PKG-INFO not found at m-1.0/setup.py/PKG-INFO", true),
		c("broken deflate stream", cat(gz(pkgInfo[:512]), badDeflate), "None", false),
		c("gzip trailer cut", gz(sound)[:len(gz(sound))-4], "", true),
		c("corrupt deflate data after the end of the archive", corruptAfter(sound), "None", false),
		c("gzip stream cut before the first block", gz(sound)[:100], "File is not a tarfile", false),
		c("plain tar named .tar.gz", sound, "None", false),
		c("not an archive", []byte("hello, world"), "File is not a tarfile", false),
		c("zip end record in the gzip header", Gzip(tb, sound, "PK\x05\x06"+string(bytes.Repeat([]byte{1}, 18))), "File is both a zip and a tar file", true),
		c("names starting with ./", gz(cat(TarFile("./m-1.0/PKG-INFO", pkgInfo[512:600]), TarFile("./m-1.0/setup.py", nil), end)), "PKG-INFO not found at m-1.0/PKG-INFO", true),
		c("two top-level directories", gz(cat(pkgInfo, TarFile("other/x", nil), end)), "Incorrect number of top-level directories in sdist", true),
		c("no PKG-INFO", gz(cat(setup, TarFile("m-1.0/README", nil), end)), "PKG-INFO not found at m-1.0/PKG-INFO", true),
	}
}
