package main

import (
	"archive/zip"
	"bufio"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
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
	add := func(name string, method uint16, r io.Reader) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method})
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := io.Copy(w, r); err != nil {
			tb.Fatal(err)
		}
	}
	add("big/payload.bin", zip.Store, io.LimitReader(&prng{r: rand.New(rand.NewPCG(3, 4))}, size))
	add("big-1.0.dist-info/METADATA", zip.Deflate, strings.NewReader("Metadata-Version: 2.1\nName: big\nVersion: 1.0\nSummary: big\nDescription-Content-Type: text/markdown\n\n# big\n"))
	add("big-1.0.dist-info/WHEEL", zip.Deflate, strings.NewReader("Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"))
	add("big-1.0.dist-info/RECORD", zip.Deflate, strings.NewReader("big/payload.bin,,\nbig-1.0.dist-info/METADATA,,\nbig-1.0.dist-info/WHEEL,,\nbig-1.0.dist-info/RECORD,,\n"))
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

// BenchmarkCheckPeakRSS runs `pyupload check` on a 1 GiB wheel in a child
// process and reports its peak resident memory (target: under 32 MiB).
func BenchmarkCheckPeakRSS(b *testing.B) {
	wheel := writeBigWheel(b, b.TempDir(), 1<<30)
	var peak int64
	for b.Loop() {
		cmd := exec.CommandContext(b.Context(), os.Args[0], cliMarker, "check", wheel)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("pyupload check: %v\n%s", err, out)
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			peak = max(peak, ru.Maxrss) // KiB on Linux
		}
	}
	b.ReportMetric(float64(peak)/1024, "peak-RSS-MiB")
	b.SetBytes(1 << 30)
}
