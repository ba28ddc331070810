package main

import (
	"strings"
	"testing"

	"github.com/pyupload/pyupload/internal/fakeindex"
	"github.com/pyupload/pyupload/internal/fakesecrets"
	"github.com/pyupload/pyupload/internal/ui"
)

// TestE2EUsernameForOtherIndexes: the built binary, without a terminal,
// refuses a password with no username for an index other than PyPI (no
// prompt, no wait), and implies __token__ for a PyPI API token.
func TestE2EUsernameForOtherIndexes(t *testing.T) {
	t.Parallel()
	ix, u := startIndex(t, fakeindex.WithTokens(testToken, privateToken))
	r := runBinary(t, []string{"TWINE_PASSWORD=" + privateToken}, uploadArgs(u, good+"pyupload_mv22-2.2-py3-none-any.whl")...)
	if r.code != ui.ExitUsage || !strings.Contains(r.stderr, "no username for 127.0.0.1:") || !strings.Contains(r.stderr, "--username or set TWINE_USERNAME") {
		t.Errorf("a password without a username: exit %d, want %d naming --username\n%s", r.code, ui.ExitUsage, r.stderr)
	}
	if strings.Contains(r.stderr, "Enter your") {
		t.Errorf("prompted without a terminal:\n%s", r.stderr)
	}
	r = runBinary(t, []string{"TWINE_PASSWORD=" + testToken}, uploadArgs(u, good+"pyupload_mv22-2.2-py3-none-any.whl")...)
	if r.code != ui.ExitOK || len(ix.Files()) != 1 {
		t.Errorf("a pypi- token without a username: exit %d, want 0 with __token__ implied\n%s", r.code, r.stderr)
	}
}

// TestE2EKeyring: the built binary finds the password twine's keyring
// stored for the index, over the session bus the environment names; in CI
// it does not ask.
func TestE2EKeyring(t *testing.T) {
	t.Parallel()
	bus := fakesecrets.Bus(t)
	ix, u := startIndex(t, fakeindex.WithTokens(privateToken))
	fakesecrets.Serve(t, bus, fakesecrets.Item{Service: u + "/legacy/", Username: "__token__", Password: privateToken})
	env := []string{"DBUS_SESSION_BUS_ADDRESS=" + bus}
	r := runBinary(t, env, uploadArgs(u, "-v", good+"pyupload_mv22-2.2-py3-none-any.whl")...)
	if r.code != ui.ExitOK || len(ix.Files()) != 1 || !strings.Contains(r.stderr, `username_from=keyring password_from="the system keyring"`) {
		t.Fatalf("exit %d, want 0 with the username and password from the keyring\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, privateToken) {
		t.Error("the password appears in the output")
	}
	r = runBinary(t, append(env, "CI=true"), uploadArgs(u, good+"pyupload_mv23-2.3-py3-none-any.whl")...)
	if r.code != ui.ExitUsage || !strings.Contains(r.stderr, "no credentials") {
		t.Errorf("in CI: exit %d, want %d: the keyring is not asked\n%s", r.code, ui.ExitUsage, r.stderr)
	}
}
