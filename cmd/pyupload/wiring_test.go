package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyupload/pyupload/internal/credentials"
	"github.com/pyupload/pyupload/internal/envvars"
	"github.com/pyupload/pyupload/internal/trusted"
	"github.com/pyupload/pyupload/internal/ui"
)

// TestResolveGathersSources: the CLI hands credentials.Resolve each source
// apart: pyupload's variables before twine's, the config file from HOME or
// --config-file, and the name of the variable a password came from.
func TestResolveGathersSources(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	rc := "[distutils]\nindex-servers = private\n[private]\nrepository = https://private.example/legacy/\nusername = alice\npassword = from-file\n"
	if err := os.WriteFile(filepath.Join(home, ".pypirc"), []byte(rc), 0o600); err != nil {
		t.Fatal(err)
	}
	env := testEnv(t, map[string]string{
		"HOME":              home,
		"TWINE_REPOSITORY":  "private",
		"PYUPLOAD_PASSWORD": " from-pyupload ",
		"TWINE_PASSWORD":    "from-twine",
		"TWINE_USERNAME":    "   ", // blank is unset
	})
	r, err := resolve(indexOptions{}, credentials.Fields{}, "auto", env)
	if err != nil {
		t.Fatal(err)
	}
	if r.Endpoint.String() != "https://private.example/legacy/" || r.Username != "alice" || r.Password != "from-pyupload" || r.PasswordOrigin() != "PYUPLOAD_PASSWORD" {
		t.Errorf("resolve() = %s %q %q from %s, want the private section, alice, PYUPLOAD_PASSWORD's value", r.Endpoint, r.Username, r.Password, r.PasswordOrigin())
	}
	r, err = resolve(indexOptions{repository: "pypi"}, credentials.Fields{Password: "from-flag"}, "auto", env)
	if err != nil || r.Endpoint.Host != "upload.pypi.org" || r.Password != "from-flag" || r.PasswordOrigin() != "--password" {
		t.Errorf("resolve(flags) = %v, %v, want the flags to win", r, err)
	}
	if _, err := resolve(indexOptions{configFile: filepath.Join(home, "missing")}, credentials.Fields{}, "auto", env); err == nil || !strings.Contains(err.Error(), "reading the config file") {
		t.Errorf("resolve(missing --config-file) error = %v", err)
	}
	if _, err := resolve(indexOptions{repositoryURL: "https://x.example/legacy/", configFile: filepath.Join(home, "missing")}, credentials.Fields{}, "auto", env); err != nil {
		t.Errorf("resolve(URL, missing --config-file) error = %v, want none: the file is not needed", err)
	}
}

// uploadOnly are flags that only an upload takes.
var uploadOnly = []string{"--jobs", "-j", "--skip-existing", "--check-url", "--comment", "-c", "--attestations", "--non-interactive", "--disable-progress-bar", "--username", "-u", "--password", "-p", "--strict", "--json", "--sign", "--sign-with", "--identity"}

// TestHelpListsOwnFlags: each command's help lists its own flags only.
func TestHelpListsOwnFlags(t *testing.T) {
	t.Parallel()
	for cmd, absent := range map[string][]string{
		"token":  uploadOnly,
		"whoami": append(uploadOnly, "--format"),
		"check":  {"--jobs", "--repository-url", "--password", "--sign", "--trusted-publishing"},
	} {
		code, stdout, _ := runCLI(t, cmd, "--help")
		if code != 0 {
			t.Errorf("pyupload %s --help: exit %d", cmd, code)
		}
		for _, flag := range absent {
			if strings.Contains(stdout, flag+" ") || strings.Contains(stdout, flag+",") {
				t.Errorf("pyupload %s --help lists %s, which it does not take", cmd, flag)
			}
		}
		for _, arg := range absent {
			if !strings.HasPrefix(arg, "--") || cmd == "check" {
				continue
			}
			if code, _, stderr := runCLI(t, cmd, arg); code != ui.ExitUsage || !strings.Contains(stderr, "flag provided but not defined") {
				t.Errorf("pyupload %s %s: exit %d\n%s\nwant a usage error: %s does not take it", cmd, arg, code, stderr, cmd)
			}
		}
	}
}

// TestIdentityCommandsOutsideCI: token and whoami without a CI identity
// are a usage error (exit 2), as an upload without credentials is.
func TestIdentityCommandsOutsideCI(t *testing.T) {
	t.Parallel()
	for _, cmd := range []string{"token", "whoami"} {
		code, stdout, stderr := runCLI(t, cmd)
		if code != ui.ExitUsage || stdout != "" || !strings.Contains(stderr, "no supported CI provider detected") || !strings.Contains(stderr, "hint: run inside a supported CI") {
			t.Errorf("pyupload %s outside CI: exit %d\nstdout:\n%s\nstderr:\n%s\nwant exit %d and the hint", cmd, code, stdout, stderr, ui.ExitUsage)
		}
	}
}

// TestMintedVarIsRegistered: the fingerprint variable pyupload token
// writes is one pyupload reads, so the registry must list it.
func TestMintedVarIsRegistered(t *testing.T) {
	t.Parallel()
	if _, ok := envvars.Find(trusted.MintedVar); !ok {
		t.Errorf("internal/envvars does not list %s", trusted.MintedVar)
	}
}
