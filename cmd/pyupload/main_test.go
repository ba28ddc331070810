package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// cliMarker as the first argument makes the test binary act as pyupload,
// so benchmarks can measure the CLI in a process of its own (peak RSS)
// without a separate build step.
const cliMarker = "pyupload-as-cli"

var (
	buildOnce sync.Once
	binDir    string
	binErr    error
)

func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == cliMarker {
		os.Exit(run(context.Background(), os.Args[2:], func(string) (string, bool) { return "", false }, os.Stdout, os.Stderr))
	}
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// builtBinary compiles the real pyupload binary once per test run, for the
// end-to-end tests.
func builtBinary(tb testing.TB) string {
	tb.Helper()
	buildOnce.Do(func() {
		// The binary outlives any one test; TestMain removes it.
		if binDir, binErr = os.MkdirTemp("", "pyupload-e2e-"); binErr != nil { //nolint:usetesting // shared by all tests
			return
		}
		out, err := exec.CommandContext(context.Background(), "go", "build", "-o", filepath.Join(binDir, "pyupload"), ".").CombinedOutput()
		if err != nil {
			binErr = &buildError{out: string(out), err: err}
		}
	})
	if binErr != nil {
		tb.Fatalf("building pyupload: %v", binErr)
	}
	return filepath.Join(binDir, "pyupload")
}

type buildError struct {
	out string
	err error
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.out }
