package upload

import (
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pyupload/pyupload/internal/fakeindex"
	"github.com/pyupload/pyupload/internal/testzip"
	"github.com/pyupload/pyupload/pkg/dist"
)

// platformWheels writes n valid wheels of one release, each with its own
// python/platform tag and a payload of size random bytes: a release of
// platform wheels like a compiled project publishes.
func platformWheels(b *testing.B, n int, size int) []*dist.Dist {
	b.Helper()
	pythons := []string{"cp38", "cp39", "cp310", "cp311", "cp312", "cp313", "cp314", "pp310"}
	platforms := []string{"manylinux_2_17_x86_64", "manylinux_2_17_aarch64", "musllinux_1_2_x86_64", "musllinux_1_2_aarch64", "win_amd64", "win32", "macosx_11_0_arm64", "macosx_10_9_x86_64"}
	dir := b.TempDir()
	rng := rand.New(rand.NewPCG(7, 8))
	payload := make([]byte, size)
	var out []*dist.Dist
	for i := range n {
		py, plat := pythons[i/len(platforms)%len(pythons)], platforms[i%len(platforms)]
		name := fmt.Sprintf("bench_pkg-1.0-%s-%s-%s.whl", py, py, plat)
		path := filepath.Join(dir, name)
		for j := range payload {
			payload[j] = byte(rng.Uint32())
		}
		archive := testzip.Build(b, "",
			testzip.Stored("bench_pkg/_native.bin", payload),
			testzip.Stored("bench_pkg-1.0.dist-info/METADATA", []byte("Metadata-Version: 2.1\nName: bench-pkg\nVersion: 1.0\nSummary: s\nDescription-Content-Type: text/markdown\n\n# b\n")),
			testzip.Stored("bench_pkg-1.0.dist-info/WHEEL", []byte("Wheel-Version: 1.0\nGenerator: bench\nRoot-Is-Purelib: false\nTag: "+py+"-"+py+"-"+plat+"\n")),
			testzip.Stored("bench_pkg-1.0.dist-info/RECORD", []byte("bench_pkg/_native.bin,,\nbench_pkg-1.0.dist-info/METADATA,,\nbench_pkg-1.0.dist-info/WHEEL,,\nbench_pkg-1.0.dist-info/RECORD,,\n")),
		)
		if err := os.WriteFile(path, archive, 0o600); err != nil {
			b.Fatal(err)
		}
		d, err := dist.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range dist.Check(d) {
			if p.Severity == dist.Error {
				b.Fatalf("%s: %s", name, p.Message)
			}
		}
		out = append(out, d)
	}
	return out
}

// BenchmarkUploadConcurrency publishes a release of 40 platform wheels of
// 256 KiB over a slow link (100 ms latency per request, 4 MiB/s per
// connection) with 1, 4 and 8 jobs. Each iteration uses a fresh index, so
// every file is sent. ns/op is the time for the whole release.
func BenchmarkUploadConcurrency(b *testing.B) {
	wheels := platformWheels(b, 40, 256<<10)
	for _, jobs := range []int{1, 4, 8} {
		b.Run(fmt.Sprintf("jobs=%d", jobs), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				ix := fakeindex.New(fakeindex.WithTokens(token), fakeindex.WithStorageDir(b.TempDir()),
					fakeindex.WithLatency(100*time.Millisecond), fakeindex.WithBandwidth(4<<20))
				srv := httptest.NewServer(ix)
				up, err := New(srv.Client(), mustURL(b, srv.URL+"/legacy/"), WithJobs(jobs), WithCredentials(creds))
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if _, err := up.Upload(b.Context(), wheels); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				if n := len(ix.Files()); n != len(wheels) {
					b.Fatalf("stored %d files, want %d", n, len(wheels))
				}
				srv.Close()
				_ = ix.Close()
				b.StartTimer()
			}
		})
	}
}
