// Command bench is `make bench`: it generates the corpora, runs twine
// (when installed) and pyupload side by side against a fresh TLS
// fakeindex per run, in interleaved rounds, and prints the medians as one
// table, which it also writes to docs/benchmarks.md (docs/benchmarks.md
// says what is measured and how).
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	if argv, ok := launchArgs(os.Args); ok {
		os.Exit(launch(argv, os.Stdout, os.Stderr, reportPipe())) //nolint:forbidigo // main is the one place that exits
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv("PATH")) //nolint:forbidigo // main reads the environment and hands it down
	stop()
	os.Exit(code) //nolint:forbidigo // main is the one place that exits
}
