package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/pyupload/pyupload/internal/wheel"
)

// SdistPolicy is what `make wheels` says about source distributions.
const SdistPolicy = "mkwheel: no sdist: pyupload is a Go program that pip cannot build from source; " +
	"platforms without a wheel use the release archives or `go install` (docs/wheels.md)"

// options are mkwheel's flags.
type options struct {
	version string
	license string
	out     string
	targets []wheel.Target
	date    time.Time
	goCmd   string
	pkg     string
	binary  string // a built binary to package instead of building one
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	fs := flag.NewFlagSet("mkwheel", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := &options{}
	fs.StringVar(&o.version, "version", "", "the version, PEP 440 in normal form (required)")
	fs.StringVar(&o.license, "license", "", "the License-Expression (required)")
	fs.StringVar(&o.out, "out", "dist/wheels", "the directory the wheels are written to")
	targets := fs.String("targets", "", "comma-separated goos/goarch targets (default: all)")
	epoch := fs.String("source-date-epoch", "", "every member's timestamp, in seconds since 1970 (required)")
	fs.StringVar(&o.goCmd, "go", "go", "the go command")
	fs.StringVar(&o.pkg, "pkg", "./cmd/pyupload", "the package to build")
	fs.StringVar(&o.binary, "binary", "", "package this binary (built with -X main.version=<version>) for the one target -targets names, instead of building it")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	if o.license == "" {
		return nil, errors.New("-license is required")
	}
	if err := wheel.CheckVersion(o.version); err != nil {
		return nil, err
	}
	var err error
	if o.date, err = wheel.SourceDate(*epoch); err != nil {
		return nil, err
	}
	if o.targets, err = wheel.ParseTargets(*targets); err != nil {
		return nil, err
	}
	if o.binary != "" && (*targets == "" || len(o.targets) != 1) {
		return nil, errors.New("-binary needs -targets to name its one target")
	}
	return o, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		say(stderr, "mkwheel: %v", err)
		return 2
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil { // #nosec G301 -- a build output directory
		say(stderr, "mkwheel: %v", err)
		return 1
	}
	for _, t := range o.targets {
		path, err := buildWheel(ctx, o, t)
		if err != nil {
			say(stderr, "mkwheel: %s: %v", t, err)
			return 1
		}
		if _, err := fmt.Fprintln(stdout, path); err != nil {
			say(stderr, "mkwheel: %v", err)
			return 1
		}
	}
	say(stderr, "%s", SdistPolicy)
	return 0
}

// say writes a message line to stderr; there is nowhere to report a
// failure to write it.
func say(stderr io.Writer, format string, args ...any) {
	_, _ = fmt.Fprintf(stderr, format+"\n", args...)
}

// buildWheel builds the binary for t and writes its wheel into o.out.
func buildWheel(ctx context.Context, o *options, t wheel.Target) (string, error) {
	bin, err := build(ctx, o, t)
	if err != nil {
		return "", err
	}
	if err := wheel.CheckBinary(t, bin); err != nil {
		return "", err
	}
	var buf bytes.Buffer
	spec := wheel.Spec{Target: t, Version: o.version, License: o.license, Binary: bin, Modified: o.date}
	if err := wheel.Write(&buf, spec); err != nil {
		return "", err
	}
	path := filepath.Join(o.out, wheel.Filename(o.version, t))
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil { // #nosec G306 G703 -- a wheel is public, in the directory the caller names
		return "", err
	}
	return path, nil
}

// build runs go build for t into a temporary directory and returns the
// binary. The environment pins what could change the bytes: no cgo, Go's
// default microarchitecture levels (GOARM=7: the wheel says armv7l), no
// experiments, and the module graph as go.sum has it.
func build(ctx context.Context, o *options, t wheel.Target) ([]byte, error) {
	if o.binary != "" {
		return os.ReadFile(o.binary) // #nosec G703 -- the binary the caller names
	}
	dir, err := os.MkdirTemp("", "mkwheel-")
	if err != nil {
		return nil, err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	bin := filepath.Join(dir, t.Script())
	ldflags := "-s -w -buildid= -X main.version=" + o.version
	cmd := exec.CommandContext(ctx, o.goCmd, "build", "-trimpath", "-ldflags", ldflags, "-o", bin, o.pkg) // #nosec G204 G702 -- the go command the caller names
	cmd.Env = append(cmd.Environ(), "CGO_ENABLED=0", "GOOS="+t.GOOS, "GOARCH="+t.GOARCH,
		"GOAMD64=v1", "GO386=sse2", "GOARM=7", "GOARM64=v8.0", "GOPPC64=power8", "GORISCV64=rva20u64",
		"GOFLAGS=-mod=readonly", "GOEXPERIMENT=")
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build: %w\n%s", err, out)
	}
	return os.ReadFile(bin)
}
