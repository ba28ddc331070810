package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyupload/pyupload/internal/fakeindex"
)

// writeBigWheel writes a valid wheel whose payload is size bytes of
// incompressible data, stored uncompressed as a real platform wheel's
// binaries often are.
func writeBigWheel(tb testing.TB, dir string, size int64) string {
	tb.Helper()
	p := filepath.Join(dir, "big-1.0-py3-none-any.whl")
	f, err := os.Create(p)
	if err != nil {
		tb.Fatal(err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	zw := zip.NewWriter(bw)
	// Stored members with their sizes and CRC-32 up front (CreateRaw):
	// CreateHeader writes data descriptors, which PyPI and pyupload refuse.
	// open gives the member's bytes afresh, once for the CRC, once to write.
	add := func(name string, size int64, open func() io.Reader) {
		crc := crc32.NewIEEE()
		if _, err := io.Copy(crc, open()); err != nil {
			tb.Fatal(err)
		}
		w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Store, CRC32: crc.Sum32(), CompressedSize64: uint64(size), UncompressedSize64: uint64(size)})
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := io.Copy(w, open()); err != nil {
			tb.Fatal(err)
		}
	}
	text := func(name, s string) { add(name, int64(len(s)), func() io.Reader { return strings.NewReader(s) }) }
	add("big/payload.bin", size, func() io.Reader { return io.LimitReader(&prng{r: rand.New(rand.NewPCG(3, 4))}, size) })
	text("big-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: big\nVersion: 1.0\nSummary: big\nDescription-Content-Type: text/markdown\n\n# big\n")
	text("big-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
	text("big-1.0.dist-info/RECORD", "big/payload.bin,,\nbig-1.0.dist-info/METADATA,,\nbig-1.0.dist-info/WHEEL,,\nbig-1.0.dist-info/RECORD,,\n")
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	if err := bw.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return p
}

type prng struct{ r *rand.Rand }

func (p *prng) Read(b []byte) (int, error) {
	for i := range b {
		b[i] = byte(p.r.Uint32())
	}
	return len(b), nil
}

// peakRSS runs the built pyupload binary once and returns its peak
// resident memory in MiB.
func peakRSS(b *testing.B, env []string, args ...string) float64 {
	b.Helper()
	cmd := exec.CommandContext(b.Context(), builtBinary(b), args...)
	cmd.Env = append([]string{"HOME=" + b.TempDir()}, env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	peak, err := runMeasuringRSS(cmd)
	if err != nil {
		b.Fatalf("pyupload %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	return peak
}

// BenchmarkCheckPeakRSS runs `pyupload check` on a 1 GiB wheel and reports
// its peak resident memory (target: under 32 MiB).
func BenchmarkCheckPeakRSS(b *testing.B) {
	wheel := writeBigWheel(b, b.TempDir(), 1<<30)
	var peak float64
	for b.Loop() {
		peak = max(peak, peakRSS(b, nil, "check", wheel))
	}
	b.ReportMetric(peak, "peak-RSS-MiB")
	b.SetBytes(1 << 30)
}

// BenchmarkUploadPeakRSS uploads a 1 GiB wheel to the fake index over
// loopback and reports pyupload's peak resident memory (target: at most
// 48 MiB). Each iteration uses a fresh index, so every upload sends the
// whole file.
func BenchmarkUploadPeakRSS(b *testing.B) {
	wheel := writeBigWheel(b, b.TempDir(), 1<<30)
	var peak float64
	for b.Loop() {
		b.StopTimer()
		ix := fakeindex.New(fakeindex.WithTokens(testToken), fakeindex.WithStorageDir(b.TempDir()), fakeindex.WithMaxFileSize(2<<30))
		srv := httptest.NewServer(ix)
		b.StartTimer()
		peak = max(peak, peakRSS(b, tokenEnv, "upload", "--repository-url", srv.URL+"/legacy/", "--disable-progress-bar", wheel))
		b.StopTimer()
		srv.Close()
		_ = ix.Close()
		b.StartTimer()
	}
	b.ReportMetric(peak, "peak-RSS-MiB")
	b.SetBytes(1 << 30)
}
