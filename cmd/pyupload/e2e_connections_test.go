package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pyupload/pyupload/internal/fakeindex"
	"github.com/pyupload/pyupload/internal/testzip"
	"github.com/pyupload/pyupload/internal/ui"
)

// buildWheels writes n wheels of one release, told apart by their build
// tag, and returns the directory.
func buildWheels(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	for i := 1; i <= n; i++ {
		build := fmt.Sprint(i)
		di := "conns-1.0.dist-info/"
		members := []testzip.Member{
			testzip.Stored("conns/data.bin", make([]byte, i*1024)),
			testzip.Stored(di+"METADATA", []byte("Metadata-Version: 2.1\nName: conns\nVersion: 1.0\nSummary: s\nDescription-Content-Type: text/plain\n\nbody\n")),
			testzip.Stored(di+"WHEEL", []byte("Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nBuild: "+build+"\nTag: py3-none-any\n")),
			testzip.Stored(di+"RECORD", []byte("conns/data.bin,,\n"+di+"METADATA,,\n"+di+"WHEEL,,\n"+di+"RECORD,,\n")),
		}
		p := filepath.Join(dir, "conns-1.0-"+build+"-py3-none-any.whl")
		if err := os.WriteFile(p, testzip.Build(t, "", members...), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestE2EOneConnectionPerWorker: over TLS, a whole batch uses one
// connection per worker, the lookups' connections included, and the
// workers after the first handshakes resume their TLS sessions: no file
// pays for a connection of its own.
func TestE2EOneConnectionPerWorker(t *testing.T) {
	t.Parallel()
	const jobs, files = 3, 15
	stats := &fakeindex.ConnStats{}
	cfg, caPEM, err := fakeindex.SelfSignedTLS(stats)
	if err != nil {
		t.Fatal(err)
	}
	ix := fakeindex.New(fakeindex.WithTokens(testToken), fakeindex.WithBenchMode(stats), fakeindex.WithLatency(20*time.Millisecond))
	srv := httptest.NewUnstartedServer(ix)
	srv.TLS = cfg
	srv.Config.ConnState = stats.ConnState
	srv.StartTLS()
	t.Cleanup(func() { _ = ix.Close(); srv.Close() })
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	dir := buildWheels(t, files)
	r := runBinary(t, tokenEnv, uploadArgs(srv.URL, "--cert", ca, "--jobs", fmt.Sprint(jobs), dir)...)
	if r.code != ui.ExitOK {
		t.Fatalf("pyupload exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	s := ix.BenchStats()
	if s.Uploads != files {
		t.Errorf("index took %d uploads, want %d", s.Uploads, files)
	}
	// The lookups ask PyPI's two read APIs at once (two connections,
	// which the workers then reuse); the third worker resumes a session.
	if s.Connections != jobs || s.FullHandshakes+s.ResumedHandshakes != jobs || s.FullHandshakes > 2 {
		t.Errorf("%d connections, %d full and %d resumed handshakes; want %d connections, at most 2 full handshakes", s.Connections, s.FullHandshakes, s.ResumedHandshakes, jobs)
	}
}

// TestE2ELargeWheelsArriveWholeOverTLS: wheels larger than several of the
// windows an upload is sent from (localfile.Contents maps the file a
// window at a time and the TLS connection encrypts from the map) reach a
// verifying index over TLS byte for byte, their digests checked there;
// the larger, sent while the smaller creates the release, holds back its
// end meanwhile (gate.go) and is let go whole.
func TestE2ELargeWheelsArriveWholeOverTLS(t *testing.T) {
	t.Parallel()
	cfg, caPEM, err := fakeindex.SelfSignedTLS(&fakeindex.ConnStats{})
	if err != nil {
		t.Fatal(err)
	}
	ix := fakeindex.New(fakeindex.WithTokens(testToken))
	srv := httptest.NewUnstartedServer(ix)
	srv.TLS = cfg
	srv.StartTLS()
	t.Cleanup(func() { _ = ix.Close(); srv.Close() })
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(ca, caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	wheels := map[string][]byte{}
	for build, size := range map[string]int{"1": 3<<20 + 5, "2": 7<<20 + 333} {
		payload := make([]byte, size)
		_, _ = rand.NewChaCha8([32]byte{byte(size)}).Read(payload)
		di := "large-1.0.dist-info/"
		name := "large-1.0-" + build + "-py3-none-any.whl"
		wheels[name] = testzip.Build(t, "",
			testzip.Stored("large/data.bin", payload),
			testzip.Stored(di+"METADATA", []byte("Metadata-Version: 2.1\nName: large\nVersion: 1.0\nSummary: s\nDescription-Content-Type: text/plain\n\nbody\n")),
			testzip.Stored(di+"WHEEL", []byte("Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nBuild: "+build+"\nTag: py3-none-any\n")),
			testzip.Stored(di+"RECORD", []byte("large/data.bin,,\n"+di+"METADATA,,\n"+di+"WHEEL,,\n"+di+"RECORD,,\n")),
		)
		if err := os.WriteFile(filepath.Join(dir, name), wheels[name], 0o600); err != nil {
			t.Fatal(err)
		}
	}
	r := runBinary(t, tokenEnv, uploadArgs(srv.URL, "--cert", ca, filepath.Join(dir, "*.whl"))...)
	if r.code != ui.ExitOK {
		t.Fatalf("pyupload exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for name, wheel := range wheels {
		got, err := ix.Content(name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, wheel) {
			t.Errorf("the index stored %d bytes of %s that differ from the wheel's %d", len(got), name, len(wheel))
		}
	}
}
