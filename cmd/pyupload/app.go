package main

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/urfave/cli/v3"
)

// version is set at build time with -ldflags "-X main.version=..."; it
// falls back to the module version recorded by the Go toolchain.
var version = ""

func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// lookupEnv reads one environment variable; main passes os.LookupEnv and
// tests pass a map, so nothing below main touches the real environment.
type lookupEnv func(key string) (string, bool)

// run is the whole CLI: it parses args, runs the command and returns the
// process exit code. It has no globals, so tests call it in-process.
func run(ctx context.Context, args []string, env lookupEnv, stdout, stderr io.Writer) int {
	var cmdErr error
	root := &cli.Command{
		Name:  "pyupload",
		Usage: "check and publish Python distributions (wheels and sdists)",
		UsageText: "pyupload [flags] DIST...                  check, then upload (same as pyupload upload)\n" +
			"pyupload check [--strict] [--json] DIST...  check only\n" +
			"pyupload token [--format raw|env|json]      mint an upload token by Trusted Publishing\n" +
			"pyupload whoami                             show the CI identity the index will see",
		Writer:    stdout,
		ErrWriter: stderr,
		Flags: append([]cli.Flag{
			&cli.BoolFlag{Name: "version", Usage: "print the version and exit"},
		}, uploadFlagDefs(env)...),
		Commands: []*cli.Command{
			uploadCommand(env),
			checkCommand(env),
			tokenCommand(env),
			whoamiCommand(env),
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if cmd.Bool("version") {
				_, err := fmt.Fprintf(stdout, "pyupload %s\n", versionString())
				return err
			}
			if !cmd.Args().Present() {
				return cli.ShowRootCommandHelp(cmd)
			}
			if first := cmd.Args().First(); !looksLikeDist(first) {
				return usageErrorf("unknown command %q; run 'pyupload --help'", first)
			}
			return runUpload(ctx, readUploadFlags(cmd), env, stdout, stderr)
		},
		OnUsageError: onUsageError,
		// Errors are reported by run, never by the framework (which would
		// call os.Exit).
		ExitErrHandler: func(context.Context, *cli.Command, error) {},
	}
	for _, c := range root.Commands {
		c.OnUsageError = onUsageError
	}
	cmdErr = root.Run(ctx, append([]string{"pyupload"}, args...))
	return report(cmdErr, stderr, newGHActions(env, stderr))
}

// onUsageError turns the framework's flag errors into a usageError, so they
// are reported once, with the hint and exit code of every usage mistake.
func onUsageError(_ context.Context, _ *cli.Command, err error, _ bool) error {
	return &usageError{err: err}
}

// looksLikeDist tells a distribution argument (path, pattern or directory)
// from a mistyped command, so `pyupload chekc` is a usage error rather than
// "file not found".
func looksLikeDist(arg string) bool {
	return strings.ContainsAny(arg, "/*?[.") || strings.HasSuffix(arg, ".whl") || strings.HasSuffix(arg, ".tar.gz")
}
