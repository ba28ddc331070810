package fakeindex

import (
	"archive/tar"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"io"
)

// isZipfile is Python's zipfile.is_zipfile: an end-of-central-directory
// record in the file's last 22 bytes (without a comment) or, searching
// backwards, in its last 64 KiB and 22 bytes, whole.
func isZipfile(r io.ReaderAt, size int64) bool {
	const rec, maxComment = 22, 1<<16 - 1
	if size < rec {
		return false
	}
	start := max(0, size-rec-maxComment)
	buf := make([]byte, size-start)
	if _, err := r.ReadAt(buf, start); err != nil {
		return false
	}
	last := buf[len(buf)-rec:]
	if bytes.HasPrefix(last, []byte(sigEOCD)) && last[rec-2] == 0 && last[rec-1] == 0 {
		return true
	}
	i := bytes.LastIndex(buf, []byte(sigEOCD))
	return i >= 0 && len(buf)-i >= rec
}

// isTarfile is Python's tarfile.is_tarfile: tarfile.open in "r:*" mode
// reads a first member, trying gzip and bzip2 compression, then none. A
// first block of zeros is an empty archive, which Python opens too. (xz
// and zstd, which Python also tries, have no reader in Go's standard
// library and are taken for no tar.)
func isTarfile(r io.ReaderAt, size int64) bool {
	head := make([]byte, min(size, 1<<16))
	if _, err := r.ReadAt(head, 0); err != nil && err != io.EOF {
		return false
	}
	if gz, err := gzip.NewReader(bytes.NewReader(head)); err == nil && firstTarMember(gz) {
		return true
	}
	if bytes.HasPrefix(head, []byte("BZh")) && firstTarMember(bzip2.NewReader(bytes.NewReader(head))) {
		return true
	}
	return firstTarMember(bytes.NewReader(head))
}

func firstTarMember(r io.Reader) bool {
	block := make([]byte, 512)
	if _, err := io.ReadFull(r, block); err != nil {
		return false
	}
	if bytes.Count(block, []byte{0}) == len(block) {
		return true
	}
	_, err := tar.NewReader(io.MultiReader(bytes.NewReader(block), zeroReader{})).Next()
	return err == nil
}

// zeroReader stands for what follows the first block: only the header is
// judged.
type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
