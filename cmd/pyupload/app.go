package main

import (
	"context"
	"fmt"
	"io"
	"regexp"
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
			verifyCommand(env, pr),
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
		OnUsageError: usageErrors(args),
		// Errors are reported by run, never by the framework (which would
		// call os.Exit).
		ExitErrHandler: func(context.Context, *cli.Command, error) {},
	}
	for _, c := range root.Commands {
		c.OnUsageError = usageErrors(args)
	}
	args = splitAttached(args, commandFlags(root))
	if err := misplacedFlags(args, root); err != nil {
		return pr.Fail(err)
	}
	return pr.Fail(root.Run(ctx, append([]string{"pyupload"}, args...)))
}

// misplacedFlags refuses options put before a command's name (pyupload
// -r testpypi upload …): the framework would parse them for the root
// command and the command would never see them, so an upload meant for
// TestPyPI would go to PyPI. Only --version, --no-color and --help may
// stand there.
func misplacedFlags(args []string, root *cli.Command) error {
	commands := map[string]bool{}
	for _, c := range root.Commands {
		commands[c.Name] = true
	}
	takesValue := map[string]bool{}
	for _, f := range root.Flags {
		if d, ok := f.(cli.DocGenerationFlag); ok && d.TakesValue() {
			for _, n := range f.Names() {
				takesValue[n] = true
			}
		}
	}
	var before []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, attached := flagName(a)
		switch {
		case a == "--":
			return nil
		case name == "":
			if commands[a] && len(before) > 0 {
				return ui.Usagef("put %s after %q: options before a command's name are not the command's (pyupload %s %s …)", strings.Join(before, ", "), a, a, strings.Join(before, " "))
			}
			return nil // a distribution: the root command is the upload
		case name == "version" || name == "no-color" || name == "help" || name == "h":
		default:
			before = append(before, strings.SplitN(a, "=", 2)[0])
			if takesValue[name] && !attached {
				i++
			}
		}
	}
	return nil
}

// usageErrors turns the framework's flag errors into a usage error, so
// they are reported once, with the hint and exit code of every usage
// mistake. args are the run's, to tell a long option from a short one
// with a value attached.
func usageErrors(args []string) cli.OnUsageErrorFunc {
	return func(_ context.Context, _ *cli.Command, err error, _ bool) error {
		return &ui.UsageError{Err: shortenUnknownFlag(err, args)}
	}
}

// unknownFlag is the framework's message for an undefined option, which
// quotes the whole argument: with a value attached (-Psecret) that could
// be a password.
var unknownFlag = regexp.MustCompile(`^flag provided but not defined: -{1,2}(.*)$`)

// shortenUnknownFlag keeps an undefined long option's name and cuts an
// undefined short one to its letter: what follows it may be a secret.
func shortenUnknownFlag(err error, args []string) error {
	m := unknownFlag.FindStringSubmatch(err.Error())
	if m == nil {
		return err
	}
	name, _, _ := strings.Cut(m[1], "=")
	for _, a := range args {
		if a == "--"+name || strings.HasPrefix(a, "--"+name+"=") {
			return fmt.Errorf("flag provided but not defined: --%s", name)
		}
	}
	if len(name) <= 1 {
		return err
	}
	return fmt.Errorf("flag provided but not defined: -%s… (an unknown short option, with what followed it left out)", name[:1])
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
