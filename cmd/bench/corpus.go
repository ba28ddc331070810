package main

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// distSpec is one generated distribution: a wheel, or an sdist when sdist
// is set. The payload is a pseudo-random stream from seed: incompressible,
// and the same bytes every time it is generated, so the wheel writer can
// compute the CRC and the RECORD hash in a first pass and write in a
// second, without holding a 1 GiB payload in memory.
type distSpec struct {
	project, version string
	platform         string // the wheel's platform tag
	payload          int64  // payload bytes
	seed             uint64
	sdist            bool
}

func (s distSpec) module() string { return strings.ReplaceAll(s.project, "-", "_") }

func (s distSpec) filename() string {
	if s.sdist {
		return s.module() + "-" + s.version + ".tar.gz"
	}
	return s.module() + "-" + s.version + "-cp312-cp312-" + s.platform + ".whl"
}

// payloadReader is the payload's bytes.
func (s distSpec) payloadReader() io.Reader {
	return io.LimitReader(rand.NewChaCha8(seedBytes(s.seed)), s.payload)
}

func seedBytes(seed uint64) [32]byte {
	var b [32]byte
	binary.LittleEndian.PutUint64(b[:8], seed)
	return b
}

// metadata is the dist's core metadata. Metadata-Version 2.1, the newest
// Debian's twine 4 reads, with a reStructuredText description so that
// `check` has a README to render.
func (s distSpec) metadata() []byte {
	return fmt.Appendf(nil, "Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: A generated distribution for pyupload's benchmarks\nAuthor-email: Bench <bench@example.org>\nRequires-Python: >=3.9\nDescription-Content-Type: text/x-rst\n\n%s\n%s\n\nA *generated* distribution: ``%s`` holds %d random bytes.\n\n* one\n* two\n",
		s.project, s.version, s.project, strings.Repeat("=", len(s.project)), s.filename(), s.payload)
}

// write writes the dist into dir and returns its path.
func (s distSpec) write(dir string) (string, error) {
	path := filepath.Join(dir, s.filename())
	f, err := os.Create(path) // #nosec G703 -- a file in the benchmark's own temporary directory
	if err != nil {
		return "", fmt.Errorf("creating %s: %w", path, err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	if s.sdist {
		err = s.writeSdist(bw)
	} else {
		err = s.writeWheel(bw)
	}
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("writing %s: %w", path, err)
	}
	return path, nil
}

// wheelModified is every member's timestamp.
var wheelModified = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// writeWheel writes stored members with CreateRaw and their CRC and sizes
// in the local headers: PyPI refuses data descriptors.
func (s distSpec) writeWheel(w io.Writer) error {
	distInfo := s.module() + "-" + s.version + ".dist-info/"
	payloadName := s.module() + "/payload.bin"
	crc := crc32.NewIEEE()
	sum := sha256.New()
	if _, err := io.Copy(io.MultiWriter(crc, sum), s.payloadReader()); err != nil {
		return fmt.Errorf("hashing the payload: %w", err)
	}
	small := []struct {
		name string
		data []byte
	}{
		{s.module() + "/__init__.py", []byte("\"\"\"Generated for pyupload's benchmarks.\"\"\"\n")},
		{distInfo + "METADATA", s.metadata()},
		{distInfo + "WHEEL", []byte("Wheel-Version: 1.0\nGenerator: pyupload-bench\nRoot-Is-Purelib: false\nTag: cp312-cp312-" + s.platform + "\n")},
	}
	var record strings.Builder
	fmt.Fprintf(&record, "%s,sha256=%s,%d\n", payloadName, base64.RawURLEncoding.EncodeToString(sum.Sum(nil)), s.payload)
	zw := zip.NewWriter(w)
	if err := storeRaw(zw, payloadName, crc.Sum32(), uint64(s.payload), s.payloadReader()); err != nil { // #nosec G115 -- sizes are positive
		return err
	}
	for _, m := range small {
		h := sha256.Sum256(m.data)
		fmt.Fprintf(&record, "%s,sha256=%s,%d\n", m.name, base64.RawURLEncoding.EncodeToString(h[:]), len(m.data))
		if err := storeBytes(zw, m.name, m.data); err != nil {
			return err
		}
	}
	record.WriteString(distInfo + "RECORD,,\n")
	if err := storeBytes(zw, distInfo+"RECORD", []byte(record.String())); err != nil {
		return err
	}
	return zw.Close()
}

func storeBytes(zw *zip.Writer, name string, data []byte) error {
	return storeRaw(zw, name, crc32.ChecksumIEEE(data), uint64(len(data)), strings.NewReader(string(data)))
}

// storeRaw writes one stored member whose CRC and size are known.
func storeRaw(zw *zip.Writer, name string, crc uint32, size uint64, r io.Reader) error {
	h := &zip.FileHeader{Name: name, Method: zip.Store, CRC32: crc, CompressedSize64: size, UncompressedSize64: size, Modified: wheelModified}
	h.SetMode(0o644)
	w, err := zw.CreateRaw(h)
	if err != nil {
		return fmt.Errorf("adding %s: %w", name, err)
	}
	if _, err := io.Copy(w, r); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}

// writeSdist writes a gzipped tar with PKG-INFO, pyproject.toml and the
// payload, as a PEP 517 build front end would.
func (s distSpec) writeSdist(w io.Writer) error {
	gz, err := gzip.NewWriterLevel(w, gzip.BestSpeed)
	if err != nil {
		return fmt.Errorf("starting gzip: %w", err)
	}
	tw := tar.NewWriter(gz)
	root := s.module() + "-" + s.version + "/"
	pyproject := fmt.Sprintf("[build-system]\nrequires = [\"setuptools\"]\nbuild-backend = \"setuptools.build_meta\"\n\n[project]\nname = %q\nversion = %q\n", s.project, s.version)
	for _, m := range []struct {
		name string
		size int64
		r    io.Reader
	}{
		{root + "PKG-INFO", int64(len(s.metadata())), strings.NewReader(string(s.metadata()))},
		{root + "pyproject.toml", int64(len(pyproject)), strings.NewReader(pyproject)},
		{root + "payload.bin", s.payload, s.payloadReader()},
	} {
		hdr := &tar.Header{Name: m.name, Mode: 0o644, Size: m.size, ModTime: wheelModified, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
		if err := tw.WriteHeader(hdr); err != nil {
			return fmt.Errorf("adding %s: %w", m.name, err)
		}
		if _, err := io.Copy(tw, m.r); err != nil {
			return fmt.Errorf("writing %s: %w", m.name, err)
		}
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("closing the tar: %w", err)
	}
	return gz.Close()
}
