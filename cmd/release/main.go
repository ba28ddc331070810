// Command release builds pyupload's release archives and SHA256SUMS
// (internal/release); `make release VERSION=x.y.z` runs it from the
// module's root:
//
//	go run ./cmd/release -version 1.2.3 -source-date-epoch 1700000000 -out dist/release
//
// It prints the archive names on stdout and one line per target on stderr.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/pyupload/pyupload/internal/release"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run parses args, builds, and returns the exit code: 0, 1 on a failed
// build, 2 on a usage error.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("release", flag.ContinueOnError)
	fl.SetOutput(stderr)
	version := fl.String("version", "", "the version to build (required): main.version and the archive names")
	epoch := fl.Int64("source-date-epoch", -1, "the archive entries' mtime, in seconds since 1970 (required; make passes SOURCE_DATE_EPOCH)")
	out := fl.String("out", "dist/release", "the directory to write the archives and SHA256SUMS to")
	targets := fl.String("targets", "", "comma-separated os/arch pairs to build (default: all)")
	goCmd := fl.String("go", "go", "the go command")
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	ts, err := release.ParseTargets(*targets)
	if err != nil || *version == "" || *epoch < 0 || fl.NArg() > 0 {
		_, _ = fmt.Fprintln(stderr, "usage: release -version X.Y.Z -source-date-epoch SECONDS [-out DIR] [-targets os/arch,...]")
		if err != nil {
			_, _ = fmt.Fprintln(stderr, err)
		}
		return 2
	}
	start := time.Now()
	names, err := release.Build(ctx, release.Options{
		Version: *version, Epoch: time.Unix(*epoch, 0), Out: *out, Targets: ts, Go: *goCmd, Log: stderr,
	})
	if err != nil {
		_, _ = fmt.Fprintln(stderr, "release:", err)
		return 1
	}
	for _, n := range names {
		_, _ = fmt.Fprintln(stdout, n)
	}
	_, _ = fmt.Fprintf(stderr, "%d archives and %s in %s (%.0fs)\n", len(names), release.SumsFile, *out, time.Since(start).Seconds())
	return 0
}
