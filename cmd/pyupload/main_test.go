package main

import (
	"context"
	"os"
	"testing"
)

// cliMarker as the first argument makes the test binary act as pyupload,
// so benchmarks can measure the CLI in a process of its own (peak RSS)
// without a separate build step.
const cliMarker = "pyupload-as-cli"

func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == cliMarker {
		os.Exit(run(context.Background(), os.Args[2:], func(string) (string, bool) { return "", false }, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}
