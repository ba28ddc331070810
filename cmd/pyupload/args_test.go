package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/urfave/cli/v3"

	"github.com/pyupload/pyupload/internal/ui"
)

func TestSplitAttached(t *testing.T) {
	t.Parallel()
	flags := commandFlags(&cli.Command{Flags: uploadFlags(testEnv(t, nil)), Commands: []*cli.Command{{Name: "token", Flags: []cli.Flag{&cli.StringFlag{Name: "format"}}}}})
	tests := []struct {
		name     string
		args     string
		want     string
		unchange bool
	}{
		{name: "username", args: "-u__token__ dist/*", want: "-u __token__ dist/*"},
		{name: "password", args: "-pSECRET dist/*", want: "-p SECRET dist/*"},
		{name: "repository", args: "-rtestpypi dist/*", want: "-r testpypi dist/*"},
		{name: "comment", args: "-cCOMMENT dist/*", want: "-c COMMENT dist/*"},
		{name: "jobs", args: "-j8 dist/*", want: "-j 8 dist/*"},
		{name: "value with equals sign", args: "-pa=b x.whl", want: "-p a=b x.whl"},
		{name: "several", args: "upload -u__token__ -pSECRET --verbose x.whl", want: "upload -u __token__ -p SECRET --verbose x.whl"},
		{name: "separate values stay", args: "-u __token__ -p SECRET x.whl", unchange: true},
		{name: "equals form stays", args: "-p=SECRET x.whl", unchange: true},
		{name: "a flag's value is never split", args: "-p -uSECRET --comment -cX x.whl", unchange: true},
		{name: "single-dash long names stay", args: "-repository-url https://x/legacy/ -verbose x.whl", unchange: true},
		{name: "bool short flags stay", args: "-v -h", unchange: true},
		{name: "unknown short flags stay", args: "-xfoo x.whl", unchange: true},
		{name: "nothing after --", args: "-u__token__ -- -pSECRET", want: "-u __token__ -- -pSECRET"},
		// argparse ends the flags at "--" even where a value was due (-p then
		// lacks one, and the command fails); nothing after it is split.
		{name: "-- where a value was due", args: "-p -- -cX x.whl", want: "-p -- -cX x.whl"},
		{name: "paths stay", args: "-.whl - dist/-p.whl", unchange: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.unchange {
				tt.want = tt.args
			}
			got := splitAttached(strings.Fields(tt.args), flags)
			if want := strings.Fields(tt.want); !slices.Equal(got, want) {
				t.Errorf("splitAttached(%q) = %q, want %q", tt.args, got, want)
			}
		})
	}
}

// TestAttachedValuesReachTheCommand: twine's attached short values work
// through the whole CLI.
func TestAttachedValuesReachTheCommand(t *testing.T) {
	t.Parallel()
	rc := filepath.Join(t.TempDir(), "pypirc")
	if err := os.WriteFile(rc, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "-rnosuch", "--config-file", rc, good)
	if code != 2 || !strings.Contains(stderr, `unknown repository "nosuch"`) {
		t.Errorf("pyupload -rnosuch: exit %d\n%s\nwant exit 2 naming the repository nosuch", code, stderr)
	}
}

// FuzzSplitAttached: rewriting the arguments only ever cuts an argument in
// two, before "--" and never inside a flag's name: the text is kept, and
// everything from "--" on is untouched.
func FuzzSplitAttached(f *testing.F) {
	for _, seed := range []string{"-u__token__ -pSECRET dist/*", "-p -uX -- -pY", "-rtestpypi --comment=-cX", "-verbose -j8", "-é -- -"} {
		f.Add(seed)
	}
	flags := commandFlags(&cli.Command{Flags: uploadFlags(func(string) (string, bool) { return "", false })})
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Fields(line)
		got := splitAttached(args, flags)
		if strings.Join(got, "") != strings.Join(args, "") {
			t.Fatalf("splitAttached(%q) = %q: the text changed", args, got)
		}
		if i := slices.Index(args, "--"); i >= 0 && !slices.Equal(got[len(got)-(len(args)-i):], args[i:]) {
			t.Fatalf("splitAttached(%q) = %q: changed what follows --", args, got)
		}
		if len(got) < len(args) || len(got) > 2*len(args) {
			t.Fatalf("splitAttached(%q) = %q", args, got)
		}
	})
}

// TestMisplacedAndUnknownOptions: options before a command's name are a
// usage error (they would be lost, and an upload meant for TestPyPI would
// go to PyPI), an empty -r is refused rather than meaning PyPI, and an
// unknown short option never echoes what was attached to it.
func TestMisplacedAndUnknownOptions(t *testing.T) {
	t.Parallel()
	wheel := good + "pyupload_mv22-2.2-py3-none-any.whl"
	tests := []struct {
		name   string
		args   []string
		want   string
		absent string
	}{
		{"-r before upload", []string{"-r", "testpypi", "upload", wheel}, `put -r after "upload"`, ""},
		{"--repository-url= before upload", []string{"--repository-url=http://127.0.0.1:1/legacy/", "upload", wheel}, `put --repository-url after "upload"`, ""},
		{"an empty -r", []string{"upload", "-r", "", wheel}, "-r/--repository was given an empty name", ""},
		{"a secret attached to an unknown short option", []string{"upload", "-Ppypi-SECRET", wheel}, "-P… (an unknown short option", "SECRET"},
		{"an unknown long option keeps its name", []string{"upload", "--bogus=x", wheel}, "--bogus", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, _, stderr := runCLI(t, tt.args...)
			if code != ui.ExitUsage || !strings.Contains(stderr, tt.want) || tt.absent != "" && strings.Contains(stderr, tt.absent) {
				t.Errorf("exit %d, stderr:\n%s\nwant %d with %q (and no %q)", code, stderr, ui.ExitUsage, tt.want, tt.absent)
			}
		})
	}
	// --version and --no-color may stand before a command.
	if code, _, stderr := runCLI(t, "--no-color", "check", wheel); code != ui.ExitOK {
		t.Errorf("--no-color check: exit %d\n%s", code, stderr)
	}
}
