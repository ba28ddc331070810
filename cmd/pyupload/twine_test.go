package main

import (
	"bufio"
	"context"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/urfave/cli/v3"

	"github.com/pyupload/pyupload/internal/ui"
)

// twineBin is Debian's twine (4.0.2 in bookworm); CI installs it.
const twineBin = "/usr/bin/twine"

// twineSixOnly are upload options twine 6.x has and Debian's 4.0.2 does
// not list, so the test cannot read them from its help.
var twineSixOnly = []string{
	"--attestations", // twine 6.0: upload each dist's <dist>.*.attestation files
}

// twineOption is what pyupload does with one of twine's options: the
// value to pass it (none for a switch) and how the option shows in the
// parsed upload options. docs/migrating.md's twine table says the same in
// words.
type twineOption struct {
	value string
	want  func(o uploadOptions, cmd *cli.Command) bool
	// pending: the flag comes with work on another branch; until then
	// pyupload refuses it and the check is skipped, saying so.
	pending string
}

// twineOptions are twine upload's options (twine upload --help, and
// twine --help for the global ones), each with pyupload's meaning.
var twineOptions = map[string]twineOption{
	"--help":                 {}, // see checkTwineOption
	"--version":              {}, // global; see checkTwineOption
	"--no-color":             {want: func(_ uploadOptions, c *cli.Command) bool { return c.Bool("no-color") }},
	"--repository":           valued("testpypi", func(o uploadOptions) string { return o.index.repository }),
	"--repository-url":       valued("https://pypi.example.org/legacy/", func(o uploadOptions) string { return o.index.repositoryURL }),
	"--attestations":         switched(func(o uploadOptions) bool { return o.attest.sendsFiles() }),
	"--sign":                 noted("--sign", ""),
	"--sign-with":            noted("--sign-with", "gpg2"),
	"--identity":             noted("--identity", "me@example.org"),
	"--username":             valued("alice", func(o uploadOptions) string { return o.creds.Username }),
	"--password":             valued("s3cret", func(o uploadOptions) string { return o.creds.Password }),
	"--non-interactive":      switched(func(o uploadOptions) bool { return o.nonInteractive }),
	"--comment":              valued("built by CI", func(o uploadOptions) string { return o.comment }),
	"--config-file":          valued("/etc/pypirc", func(o uploadOptions) string { return o.index.configFile }),
	"--skip-existing":        switched(func(o uploadOptions) bool { return o.skipExisting }),
	"--cert":                 valued("/etc/ssl/ca.pem", func(o uploadOptions) string { return o.index.cert }),
	"--verbose":              switched(func(o uploadOptions) bool { return o.index.verbose }),
	"--disable-progress-bar": switched(func(o uploadOptions) bool { return o.disableProgress }),
	"--client-cert": {
		value:   "/etc/ssl/client.pem",
		want:    func(_ uploadOptions, c *cli.Command) bool { return c.String("client-cert") == "/etc/ssl/client.pem" },
		pending: "--client-cert comes with the TLS client-certificate work",
	},
}

// valued is an option whose value lands in one field.
func valued(v string, get func(uploadOptions) string) twineOption {
	return twineOption{value: v, want: func(o uploadOptions, _ *cli.Command) bool { return get(o) == v }}
}

// switched is a switch that sets one field.
func switched(get func(uploadOptions) bool) twineOption {
	return twineOption{want: func(o uploadOptions, _ *cli.Command) bool { return get(o) }}
}

// noted is a GPG option: it does nothing but earn the note.
func noted(flag, v string) twineOption {
	return twineOption{value: v, want: func(o uploadOptions, _ *cli.Command) bool { return slices.Equal(o.gpg, []string{flag}) }}
}

// twineHelpOption is an option line of argparse's help: "-r REPOSITORY,
// --repository REPOSITORY", "--sign-with SIGN_WITH", "-s, --sign".
var twineHelpOption = regexp.MustCompile(`^  (-[^ ]+(?: [A-Za-z_]+)?(?:, -[^ ]+(?: [A-Za-z_]+)?)*)(?:  |$)`)

// twineHelp lists the options twine's help shows: each option's names
// (short and long), and whether it takes a value.
func twineHelp(t *testing.T, args ...string) (names [][]string, takesValue map[string]bool) {
	t.Helper()
	out, err := exec.CommandContext(t.Context(), twineBin, args...).Output()
	if err != nil {
		t.Fatalf("%s %s: %v", twineBin, strings.Join(args, " "), err)
	}
	takesValue = map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		m := twineHelpOption.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		var group []string
		for part := range strings.SplitSeq(m[1], ", ") {
			name, metavar, _ := strings.Cut(part, " ")
			group = append(group, name)
			takesValue[name] = metavar != ""
		}
		names = append(names, group)
	}
	return names, takesValue
}

// parseUpload parses args as `pyupload upload` does and returns the
// options it reads.
func parseUpload(t *testing.T, args ...string) (uploadOptions, *cli.Command, error) {
	t.Helper()
	var got uploadOptions
	var parsed *cli.Command
	c := &cli.Command{
		Name: "upload", Flags: uploadFlags(testEnv(t, nil)), Writer: io.Discard, ErrWriter: io.Discard,
		Action: func(_ context.Context, cmd *cli.Command) error {
			got, parsed = readUploadOptions(cmd), cmd
			return nil
		},
		OnUsageError:   usageErrors(args),
		ExitErrHandler: func(context.Context, *cli.Command, error) {},
	}
	err := c.Run(t.Context(), append([]string{"upload"}, splitAttached(args, c.Flags)...))
	return got, parsed, err
}

// TestTwineOptions: pyupload accepts every option of `twine upload`, as
// Debian's twine lists them in its help at test time (plus twine 6's
// options), with twine's meaning or the note docs/migrating.md documents, in the
// long form, the short form and the short form with its value attached.
// docs/migrating.md's twine table names every one.
func TestTwineOptions(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(twineBin); err != nil {
		t.Skipf("%s is not installed (apt-get install twine; CI installs it): the options are read from twine's own help", twineBin)
	}
	upload, takesValue := twineHelp(t, "upload", "--help")
	global, globalValue := twineHelp(t, "--help")
	if len(upload) < 15 || len(global) < 3 {
		t.Fatalf("read %d upload and %d global options from twine's help; its layout changed?", len(upload), len(global))
	}
	maps.Copy(takesValue, globalValue)
	groups := slices.Concat(upload, global)
	for _, name := range twineSixOnly {
		groups = append(groups, []string{name})
	}
	doc, err := os.ReadFile("../../docs/migrating.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(doc), "\n## From twine\n")
	if !ok {
		t.Fatal("docs/migrating.md has no '## From twine' section")
	}
	table, _, _ = strings.Cut(table, "\n## ")
	for _, group := range groups {
		long := group[len(group)-1]
		opt, ok := twineOptions[long]
		if !ok {
			t.Errorf("twine's %s is not in twineOptions: decide what pyupload does with it, and document it", strings.Join(group, ", "))
			continue
		}
		for _, name := range group {
			if !strings.Contains(table, "`"+name+"`") {
				t.Errorf("docs/migrating.md's twine table does not name twine's %s", name)
			}
		}
		t.Run(long, func(t *testing.T) {
			t.Parallel()
			checkTwineOption(t, group, opt, takesValue[long] || opt.value != "")
		})
	}
}

func checkTwineOption(t *testing.T, group []string, opt twineOption, withValue bool) {
	t.Helper()
	switch group[len(group)-1] {
	case "--help", "--version":
		for _, name := range group {
			if code, stdout, _ := runCLI(t, name); code != ui.ExitOK || stdout == "" {
				t.Errorf("pyupload %s: exit %d, output %q", name, code, stdout)
			}
		}
		return
	}
	if opt.pending != "" && !slices.ContainsFunc(uploadFlags(testEnv(t, nil)), func(f cli.Flag) bool { return slices.Contains(f.Names(), strings.TrimLeft(group[0], "-")) }) {
		t.Skipf("pyupload does not accept %s yet: %s", group[0], opt.pending)
	}
	var forms [][]string
	for _, name := range group {
		if !withValue {
			forms = append(forms, []string{name})
			continue
		}
		forms = append(forms, []string{name, opt.value})
		if !strings.HasPrefix(name, "--") {
			forms = append(forms, []string{name + opt.value}) // argparse's -u__token__
		}
	}
	for _, args := range forms {
		o, cmd, err := parseUpload(t, append(args, "dist/x-1.0-py3-none-any.whl")...)
		if err != nil {
			t.Errorf("pyupload upload %s: %v", strings.Join(args, " "), err)
			continue
		}
		if !opt.want(o, cmd) || !slices.Equal(o.args, []string{"dist/x-1.0-py3-none-any.whl"}) {
			t.Errorf("pyupload upload %s: parsed %+v; the option does not mean what twine's does", strings.Join(args, " "), o)
		}
	}
}

// TestNoColor: twine's global --no-color works before the command too,
// and nothing pyupload prints carries a colour: there is nothing for
// --no-color or NO_COLOR to turn off.
func TestNoColor(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--no-color", "check", good}, {"check", "--no-color", good}, {"--no-color", "token", "--help"}, {"whoami", "--no-color", "--help"}} {
		if code, _, stderr := runCLI(t, args...); code != ui.ExitOK {
			t.Errorf("pyupload %s: exit %d\n%s", strings.Join(args, " "), code, stderr)
		}
	}
	sgr := regexp.MustCompile("\x1b\\[[0-9;]*m")
	files, err := filepathGlob("testdata/golden/*.golden", "../../internal/ui/testdata/golden/*.golden")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if sgr.Match(b) {
			t.Errorf("%s holds a colour escape sequence; pyupload's output must honour --no-color and NO_COLOR", f)
		}
	}
}

// filepathGlob is every match of the patterns.
func filepathGlob(patterns ...string) ([]string, error) {
	var out []string
	for _, p := range patterns {
		m, err := filepath.Glob(p)
		if err != nil {
			return nil, err
		}
		out = append(out, m...)
	}
	return out, nil
}
