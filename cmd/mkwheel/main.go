// Command mkwheel builds pyupload for each platform of internal/wheel's
// Targets and packages each binary as a wheel (`make wheels`,
// docs/wheels.md).
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
