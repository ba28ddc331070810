package main

import (
	"os"
	"testing"
)

// TestMain lets the test binary be the launcher, as runClient starts its
// own executable (launch.go).
func TestMain(m *testing.M) {
	if argv, ok := launchArgs(os.Args); ok {
		os.Exit(launch(argv, os.Stdout, os.Stderr, reportPipe())) //nolint:forbidigo // TestMain is the test binary's main
	}
	os.Exit(m.Run()) //nolint:forbidigo // TestMain is the test binary's main
}
