// Command fakeindex serves internal/fakeindex, a PyPI look-alike, on
// loopback for demos, benchmarks and real clients such as twine.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code) //nolint:forbidigo // main is the one place that exits
}
