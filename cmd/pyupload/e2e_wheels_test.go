package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pyupload/pyupload/internal/ui"
	"github.com/pyupload/pyupload/internal/wheel"
)

// TestE2EPublishesItsOwnWheels: pyupload publishes itself (docs/wheels.md).
// A release of pyupload's wheels, one per platform, passes `pyupload
// check`, is uploaded by the built pyupload to the test index, which
// accepts every file, and a second run finds them all present.
//
// The wheel of this machine holds the built binary, packaged by
// cmd/mkwheel (built without the race detector: deflating a whole binary
// under -race takes minutes). Building every platform's binary is `make
// wheels`' job, too slow for a test, so the other wheels hold a small
// stand-in: what the index judges (name, tags, metadata, archive) is the
// same.
func TestE2EPublishesItsOwnWheels(t *testing.T) {
	t.Parallel()
	const version = "0.9.1"
	dir := t.TempDir()
	host, ok := wheel.FindTarget(runtime.GOOS + "/" + runtime.GOARCH)
	if !ok {
		t.Skipf("no wheel for %s/%s", runtime.GOOS, runtime.GOARCH)
	}
	packageHostWheel(t, dir, version, host)
	for _, target := range wheel.Targets {
		if target == host {
			continue
		}
		var buf bytes.Buffer
		standIn := []byte("stand-in for pyupload " + version + " on " + target.String() + "\n")
		spec := wheel.Spec{Target: target, Version: version, License: "LicenseRef-Proprietary", Binary: standIn, Modified: time.Unix(1700000000, 0)}
		if err := wheel.Write(&buf, spec); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, wheel.Filename(version, target)), buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	glob := filepath.Join(dir, "*.whl")
	if r := runBinary(t, nil, "check", glob); r.code != ui.ExitOK || strings.Count(r.stdout+r.stderr, "PASSED") != len(wheel.Targets) {
		t.Fatalf("pyupload check: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	ix, u := startIndex(t)
	r := runBinary(t, tokenEnv, uploadArgs(u, glob)...)
	if r.code != ui.ExitOK {
		t.Fatalf("pyupload upload: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	var want, got []string
	for _, target := range wheel.Targets {
		name := wheel.Filename(version, target)
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		want = append(want, name+" "+hex.EncodeToString(sum[:]))
	}
	for _, f := range ix.Files() {
		got = append(got, f.Filename+" "+f.SHA256)
		if f.Project != "pyupload" || f.Version != version || f.Filetype != "bdist_wheel" {
			t.Errorf("%s stored as project %q version %q type %q", f.Filename, f.Project, f.Version, f.Filetype)
		}
	}
	slices.Sort(want)
	if !slices.Equal(want, got) {
		t.Errorf("the index stored\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	again := runBinary(t, tokenEnv, uploadArgs(u, glob)...)
	if again.code != ui.ExitOK || strings.Count(again.stdout, "already present") != len(wheel.Targets) {
		t.Errorf("second upload: exit %d\nstdout:\n%s\nstderr:\n%s\nwant every file already present", again.code, again.stdout, again.stderr)
	}
}

// packageHostWheel packages the built pyupload as this machine's wheel
// with cmd/mkwheel.
func packageHostWheel(t *testing.T, dir, version string, host wheel.Target) {
	t.Helper()
	mk := filepath.Join(t.TempDir(), "mkwheel")
	if out, err := exec.CommandContext(t.Context(), "go", "build", "-o", mk, "../mkwheel").CombinedOutput(); err != nil {
		t.Fatalf("building mkwheel: %v\n%s", err, out)
	}
	args := []string{"-version", version, "-license", "LicenseRef-Proprietary", "-source-date-epoch", "1700000000",
		"-targets", host.String(), "-binary", builtBinary(t), "-out", dir}
	if out, err := exec.CommandContext(t.Context(), mk, args...).CombinedOutput(); err != nil { // #nosec G204 -- the test's own command
		t.Fatalf("mkwheel %q: %v\n%s", args, err, out)
	}
}
