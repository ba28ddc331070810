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
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go interrupts(sigs, cancel, func() { os.Exit(ui.ExitInterrupted) })
	opts := []option{withKeyring(systemKeyring)}
	if t, ok := ui.NewTerminal(os.Stdin, os.Stderr); ok {
		opts = append(opts, withTerminal(t))
	}
	code := run(ctx, os.Args[1:], os.LookupEnv, os.Stdout, os.Stderr, opts...)
	signal.Stop(sigs)
	cancel()
	os.Exit(code)
}

// interrupts handles SIGINT and SIGTERM. The first cancels the run: the
// uploads stop, and the report says which files are on the index (exit
// 130). The second exits at once, also with 130, whatever the run is
// blocked on (a write to a pipe nobody reads, a file system that does not
// answer): nothing is printed, since stderr may be what is blocked.
func interrupts(sigs <-chan os.Signal, cancel context.CancelFunc, exit func()) {
	<-sigs
	cancel()
	<-sigs
	exit()
}
