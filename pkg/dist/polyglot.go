package dist

import (
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"io"
	"strconv"
	"strings"
)

// The index refuses a file that Python's zipfile.is_zipfile and
// tarfile.is_tarfile both accept ("File is both a zip and a tar file").
// is_zipfile is [findEndRecord]; isTarHead is is_tarfile on the file's
// first bytes.

const tarBlock = 512

// isTarHead reports whether tarfile.open(mode="r:*") would read a first
// member from a file starting with head: a valid header block, or an
// all-zero one (an empty archive), uncompressed, gzip- or bzip2-compressed.
// xz and zstd streams are not decompressed (the standard library has no
// reader): such a file is taken for no tar, which only changes the wording
// of a refusal, since neither starts a zip nor a gzip sdist.
func isTarHead(head []byte) bool {
	var r io.Reader
	switch {
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		gz, err := gzip.NewReader(bytes.NewReader(head))
		if err != nil {
			return false
		}
		r = gz
	case bytes.HasPrefix(head, []byte("BZh")):
		r = bzip2.NewReader(bytes.NewReader(head))
	default:
		return validTarHeader(head)
	}
	block := make([]byte, tarBlock)
	n, _ := io.ReadFull(r, block)
	return validTarHeader(block[:n])
}

// validTarHeader is TarInfo.frombuf's verdict on a first block: a full
// block, all zeros or with a checksum that matches and numeric fields that
// parse.
func validTarHeader(b []byte) bool {
	if len(b) < tarBlock {
		return false
	}
	b = b[:tarBlock]
	if bytes.Count(b, []byte{0}) == tarBlock {
		return true
	}
	sum, ok := tarNumber(b[148:156])
	if !ok {
		return false
	}
	var unsigned, signed int64 = 256, 256 // the checksum field counts as spaces
	for i, c := range b {
		if i >= 148 && i < 156 {
			continue
		}
		unsigned += int64(c)
		signed += int64(int8(c)) // #nosec G115 -- Python's signed sum of the same bytes
	}
	if sum != unsigned && sum != signed {
		return false
	}
	for _, f := range [][2]int{{100, 108}, {108, 116}, {116, 124}, {136, 148}, {329, 337}, {337, 345}} {
		if _, ok := tarNumber(b[f[0]:f[1]]); !ok {
			return false
		}
	}
	// tarfile skips a member's data, or reads an extended header's, by
	// its size: a negative one is an invalid offset. Only links,
	// directories, devices and FIFOs have no data to skip.
	size, ok := tarNumber(b[124:136])
	return ok && (size >= 0 || strings.IndexByte("123456", b[156]) >= 0)
}

// tarNumber is tarfile's nti: base-256 when the first byte is 0x80 or
// 0xff, else octal text up to the first NUL, blanks trimmed, empty as 0.
func tarNumber(f []byte) (int64, bool) {
	if f[0] == 0x80 || f[0] == 0xff {
		var n int64
		for _, c := range f[1:] {
			n = n<<8 | int64(c)
		}
		if f[0] == 0xff {
			n -= 1 << (8 * (len(f) - 1))
		}
		return n, true
	}
	if i := bytes.IndexByte(f, 0); i >= 0 {
		f = f[:i]
	}
	s := strings.Trim(string(f), " \t\n\r\v\f")
	if s == "" {
		return 0, true
	}
	s = strings.ReplaceAll(s, "_", "") // Python's int() takes underscores between digits
	n, err := strconv.ParseInt(s, 8, 64)
	return n, err == nil
}
