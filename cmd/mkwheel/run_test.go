package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/pyupload/pyupload/internal/pyoracle"
	"github.com/pyupload/pyupload/internal/wheel"
	"github.com/pyupload/pyupload/pkg/dist"
)

const testVersion = "0.9.1"

// hostTarget is the wheel target of this machine.
func hostTarget(t *testing.T) wheel.Target {
	t.Helper()
	target, ok := wheel.FindTarget(runtime.GOOS + "/" + runtime.GOARCH)
	if !ok {
		t.Skipf("no wheel for %s/%s", runtime.GOOS, runtime.GOARCH)
	}
	return target
}

// mkwheelBinary is the command, built once without the race detector:
// deflating a whole binary under -race would take minutes.
func mkwheelBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "mkwheel-test-") //nolint:usetesting // shared by the tests; TestMain removes it
		if err != nil {
			buildErr = err
			return
		}
		binDir = dir
		out, err := exec.CommandContext(context.Background(), "go", "build", "-o", filepath.Join(dir, "mkwheel"), ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %w\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return filepath.Join(binDir, "mkwheel")
}

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code) //nolint:forbidigo // TestMain's exit
}

// mkwheel runs the command for target into a new directory and returns
// the wheel's path.
func mkwheel(t *testing.T, target wheel.Target) string {
	t.Helper()
	out := t.TempDir()
	args := []string{"-version", testVersion, "-license", "LicenseRef-Proprietary", "-source-date-epoch", "1700000000",
		"-targets", target.String(), "-out", out, "-pkg", "../pyupload"}
	cmd := exec.CommandContext(t.Context(), mkwheelBinary(t), args...) // #nosec G204 -- the test's own command
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("mkwheel %q: %v\n%s", args, err, stderr.String())
	}
	want := filepath.Join(out, wheel.Filename(testVersion, target))
	if got := strings.TrimSpace(stdout.String()); got != want {
		t.Fatalf("mkwheel printed %q, want %q", got, want)
	}
	if !strings.Contains(stderr.String(), "no sdist") {
		t.Errorf("mkwheel did not state the sdist policy:\n%s", stderr.String())
	}
	return want
}

// TestWheelOfThisMachine builds the real wheel for this machine twice:
// the bytes are the same, `pyupload check` (pkg/dist) finds nothing, and
// Debian's pip installs it into a fresh venv, where `pyupload --version`
// runs, and uninstalls it cleanly.
func TestWheelOfThisMachine(t *testing.T) {
	t.Parallel()
	target := hostTarget(t)
	path := mkwheel(t, target)
	first, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	second, err := os.ReadFile(mkwheel(t, target))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) {
		t.Error("two builds of the same wheel differ")
	}
	d, err := dist.Open(path)
	if err != nil {
		t.Fatalf("dist.Open = %v", err)
	}
	if probs := dist.Check(d); len(probs) != 0 {
		t.Errorf("dist.Check = %v, want no problem", probs)
	}
	installInVenv(t, path)
}

// installInVenv: python3 -m venv, pip install --no-index, run, uninstall.
func installInVenv(t *testing.T, path string) {
	t.Helper()
	home := t.TempDir()
	venv := filepath.Join(home, "venv")
	env := []string{"PATH=/usr/bin:/bin", "HOME=" + home, "PIP_CONFIG_FILE=/dev/null",
		"PIP_DISABLE_PIP_VERSION_CHECK=1", "PIP_NO_INPUT=1", "PYTHONDONTWRITEBYTECODE=1"}
	sh := func(name string, args ...string) (string, error) {
		cmd := exec.CommandContext(t.Context(), name, args...) // #nosec G204 -- the test's own commands
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := sh(pyoracle.Python, "-m", "venv", venv); err != nil {
		if os.Getenv("CI") == "" { //nolint:forbidigo // test support: only outside CI may a missing tool skip
			t.Skipf("%s -m venv (python3-venv missing?): %v\n%s", pyoracle.Python, err, out)
		}
		t.Fatalf("%s -m venv: %v\n%s", pyoracle.Python, err, out)
	}
	bin := filepath.Join(venv, "bin")
	if out, err := sh(filepath.Join(bin, "pip"), "install", "--no-index", path); err != nil {
		t.Fatalf("pip install: %v\n%s", err, out)
	}
	script := filepath.Join(bin, "pyupload")
	if out, err := sh(script, "--version"); err != nil || out != "pyupload "+testVersion+"\n" {
		t.Errorf("%s --version = %q, %v; want %q", script, out, err, "pyupload "+testVersion+"\n")
	}
	if out, err := sh(filepath.Join(bin, "pip"), "uninstall", "-y", "pyupload"); err != nil {
		t.Fatalf("pip uninstall: %v\n%s", err, out)
	}
	if _, err := os.Lstat(script); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("after pip uninstall, %s: %v; want it gone", script, err)
	}
	if out, err := sh(filepath.Join(bin, "pip"), "show", "pyupload"); err == nil {
		t.Errorf("after pip uninstall, pip show pyupload succeeds:\n%s", out)
	}
}

func TestUsage(t *testing.T) {
	t.Parallel()
	for name, args := range map[string][]string{
		"no version":     {"-license", "MIT", "-source-date-epoch", "1"},
		"git describe":   {"-version", "ccd186e-dirty", "-license", "MIT", "-source-date-epoch", "1"},
		"not normalised": {"-version", "v1.0", "-license", "MIT", "-source-date-epoch", "1"},
		"no license":     {"-version", "1.0", "-source-date-epoch", "1"},
		"no date":        {"-version", "1.0", "-license", "MIT"},
		"bad target":     {"-version", "1.0", "-license", "MIT", "-source-date-epoch", "1", "-targets", "linux/mips"},
		"argument":       {"-version", "1.0", "-license", "MIT", "-source-date-epoch", "1", "extra"},
		"binary, all":    {"-version", "1.0", "-license", "MIT", "-source-date-epoch", "1", "-binary", "x"},
		"binary, two":    {"-version", "1.0", "-license", "MIT", "-source-date-epoch", "1", "-binary", "x", "-targets", "linux/amd64,linux/arm64"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(t.Context(), args, &stdout, &stderr); code != 2 || stdout.Len() != 0 {
			t.Errorf("%s: mkwheel %q = exit %d, stdout %q; want 2 and nothing", name, args, code, stdout.String())
		}
	}
}

// TestCheckBinary: the built binary suits this machine's wheel, not
// another system's or architecture's.
func TestCheckBinary(t *testing.T) {
	t.Parallel()
	target := hostTarget(t)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin, err := os.ReadFile(exe) // this test binary: a host executable
	if err != nil {
		t.Fatal(err)
	}
	if err := wheel.CheckBinary(target, bin); err != nil {
		t.Errorf("CheckBinary(%s, host executable) = %v", target, err)
	}
	for _, other := range wheel.Targets {
		if other == target {
			continue
		}
		if err := wheel.CheckBinary(other, bin); err == nil {
			t.Errorf("CheckBinary(%s, a %s executable) = nil error", other, target)
		}
	}
}
