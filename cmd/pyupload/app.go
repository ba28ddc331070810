package main

import (
	"context"
	"io"
	"runtime/debug"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/pyupload/pyupload/internal/envvars"
	"github.com/pyupload/pyupload/internal/ui"
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

// run is the whole CLI: it parses args, runs the command and returns the
// process exit code. It has no globals, so tests call it in-process. Only
// the variables the registry lists can be read (envvars.Guard). The
// options give it a terminal to prompt on and the system keyring; without
// them (as in tests) it has neither.
func run(ctx context.Context, args []string, lookup envvars.Lookup, stdout, stderr io.Writer, opts ...option) int {
	env := envvars.Guard(lookup, nil)
	pr := ui.New(stdout, stderr, env)
	var sys system
	for _, o := range opts {
		o(&sys)
	}
	root := &cli.Command{
		Name:  "pyupload",
		Usage: "check and publish Python distributions (wheels and sdists)",
		UsageText: "pyupload [flags] DIST...                  check, then upload (same as pyupload upload)\n" +
			"pyupload check [--strict] [--json] DIST...  check only\n" +
			"pyupload token [--format raw|env|json]      mint an upload token by Trusted Publishing\n" +
			"pyupload whoami                             show the CI identity the index will see",
		Writer:    stdout,
		ErrWriter: stderr,
		// The root's flags are the upload's; subcommands define their own.
		Flags: localOnly(append([]cli.Flag{&cli.BoolFlag{Name: "version", Usage: "print the version and exit"}}, uploadFlags(env)...)),
		Commands: []*cli.Command{
			uploadCommand(env, sys, pr),
			checkCommand(pr),
			tokenCommand(env, pr),
			whoamiCommand(env, pr),
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if cmd.Bool("version") {
				return pr.Print("pyupload " + versionString() + "\n")
			}
			if !cmd.Args().Present() {
				return cli.ShowRootCommandHelp(cmd)
			}
			if first := cmd.Args().First(); !looksLikeDist(first) {
				return ui.Usagef("unknown command %q; run 'pyupload --help'", first)
			}
			return runUpload(ctx, readUploadOptions(cmd), env, sys, pr)
		},
		OnUsageError: onUsageError,
		// Errors are reported by run, never by the framework (which would
		// call os.Exit).
		ExitErrHandler: func(context.Context, *cli.Command, error) {},
	}
	for _, c := range root.Commands {
		c.OnUsageError = onUsageError
	}
	args = splitAttached(args, commandFlags(root))
	return pr.Fail(root.Run(ctx, append([]string{"pyupload"}, args...)))
}

// onUsageError turns the framework's flag errors into a usage error, so
// they are reported once, with the hint and exit code of every usage
// mistake.
func onUsageError(_ context.Context, _ *cli.Command, err error, _ bool) error {
	return &ui.UsageError{Err: err}
}

// localOnly keeps the root command's flags off its subcommands, so each
// command's help lists only its own flags.
func localOnly(flags []cli.Flag) []cli.Flag {
	for _, f := range flags {
		switch f := f.(type) {
		case *cli.StringFlag:
			f.Local = true
		case *cli.BoolFlag:
			f.Local = true
		case *cli.IntFlag:
			f.Local = true
		}
	}
	return flags
}

// looksLikeDist tells a distribution argument (path, pattern or directory)
// from a mistyped command, so `pyupload chekc` is a usage error rather than
// "file not found".
func looksLikeDist(arg string) bool {
	return strings.ContainsAny(arg, "/*?[.") || strings.HasSuffix(arg, ".whl") || strings.HasSuffix(arg, ".tar.gz")
}
