package release

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"debug/elf"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"
)

var sharedCache = flag.Bool("release.sharedcache", false,
	"build the second copy with the go command's own GOCACHE (fast) instead of an empty one (a cold build)")

// TestReproducibleBuild builds linux/amd64 twice through Build, the code
// path of `make release`, into different directories, the second time
// with an empty GOCACHE (unless -short or -release.sharedcache), and
// compares the bytes. It then checks the archive's layout, SHA256SUMS
// (with sha256sum -c when coreutils are there), that the binary is static,
// and that it prints its version.
func TestReproducibleBuild(t *testing.T) {
	t.Parallel()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no Go toolchain on PATH:", err)
	}
	const version = "1.2.3"
	epoch := time.Unix(1700000000, 0)
	target := Target{"linux", "amd64"}
	build := func(env ...string) string {
		out := t.TempDir()
		start := time.Now()
		names, err := Build(t.Context(), Options{Version: version, Epoch: epoch, Dir: "../..", Out: out,
			Targets: []Target{target}, Go: goCmd, Env: env})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("built %v in %v (env %q)", names, time.Since(start).Round(time.Millisecond), env)
		if want := []string{ArchiveName(version, target)}; !slices.Equal(names, want) {
			t.Fatalf("Build = %q, want %q", names, want)
		}
		return out
	}
	a := build()
	var env []string
	if !testing.Short() && !*sharedCache {
		env = []string{"GOCACHE=" + t.TempDir()}
	}
	b := build(env...)
	name := ArchiveName(version, target)
	for _, f := range []string{name, SumsFile} {
		if x, y := readFile(t, a, f), readFile(t, b, f); !bytes.Equal(x, y) {
			t.Errorf("%s differs between two builds (%d and %d bytes)", f, len(x), len(y))
		}
	}
	archive := readFile(t, a, name)
	if got, want := string(readFile(t, a, SumsFile)), fmt.Sprintf("%x  %s\n", sha256.Sum256(archive), name); got != want {
		t.Errorf("SHA256SUMS = %q, want %q", got, want)
	}
	checkSha256sum(t, a)
	bin := checkTarGz(t, archive, epoch)
	checkBinary(t, bin, version)
}

func readFile(t *testing.T, dir, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// checkSha256sum runs `sha256sum -c SHA256SUMS` in dir, if coreutils are
// installed.
func checkSha256sum(t *testing.T, dir string) {
	t.Helper()
	if _, err := exec.LookPath("sha256sum"); err != nil {
		t.Log("no sha256sum; SHA256SUMS checked in Go only")
		return
	}
	cmd := exec.CommandContext(t.Context(), "sha256sum", "--strict", "-c", SumsFile)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("sha256sum -c: %v\n%s", err, out)
	}
}

// checkTarGz checks the gzip header and every tar entry, and returns the
// binary.
func checkTarGz(t *testing.T, archive []byte, epoch time.Time) []byte {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(archive))
	if err != nil {
		t.Fatal(err)
	}
	if gz.Name != "" || !gz.ModTime.IsZero() || gz.Comment != "" {
		t.Errorf("gzip header has name %q, mtime %v, comment %q; want none", gz.Name, gz.ModTime, gz.Comment)
	}
	var names []string
	var bin []byte
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		wantMode := int64(0o644)
		if h.Name == "pyupload" {
			wantMode = 0o755
			if bin, err = io.ReadAll(tr); err != nil {
				t.Fatal(err)
			}
		}
		if h.Typeflag != tar.TypeReg || h.Mode != wantMode || h.Uid != 0 || h.Gid != 0 ||
			h.Uname != "root" || h.Gname != "root" || !h.ModTime.Equal(epoch) {
			t.Errorf("entry %s: type %c mode %o owner %d:%d %s:%s mtime %v; want a regular file, mode %o, 0:0 root:root, %v",
				h.Name, h.Typeflag, h.Mode, h.Uid, h.Gid, h.Uname, h.Gname, h.ModTime, wantMode, epoch)
		}
	}
	want := []string{"pyupload"}
	for _, e := range extras {
		if _, err := os.Stat(filepath.Join("../..", e)); err == nil {
			want = append(want, e)
		} else if !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
	}
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("archive holds %q, want %q (sorted, all at the top)", names, want)
	}
	return bin
}

// checkBinary checks that the binary is a static linux/amd64 executable
// and, on such a machine, that --version prints version.
func checkBinary(t *testing.T, bin []byte, version string) {
	t.Helper()
	f, err := elf.NewFile(bytes.NewReader(bin))
	if err != nil {
		t.Fatal(err)
	}
	if f.Machine != elf.EM_X86_64 {
		t.Errorf("binary is for %v, want x86-64", f.Machine)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("binary has a %v program header: not static", p.Type)
		}
	}
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Logf("not running the linux/amd64 binary on %s/%s", runtime.GOOS, runtime.GOARCH)
		return
	}
	path := filepath.Join(t.TempDir(), "pyupload")
	if err := os.WriteFile(path, bin, 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(t.Context(), path, "--version").CombinedOutput()
	if got, want := string(out), "pyupload "+version+"\n"; err != nil || got != want {
		t.Errorf("pyupload --version = %q, %v; want %q", got, err, want)
	}
}
