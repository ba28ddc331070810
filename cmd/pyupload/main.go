// Command pyupload checks and publishes Python distributions.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/pyupload/pyupload/internal/ui"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	opts := []option{withKeyring(systemKeyring)}
	if t, ok := ui.NewTerminal(os.Stdin, os.Stderr); ok {
		opts = append(opts, withTerminal(t))
	}
	code := run(ctx, os.Args[1:], os.LookupEnv, os.Stdout, os.Stderr, opts...)
	stop()
	os.Exit(code)
}
