package main

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/pyupload/pyupload/internal/credentials"
	"github.com/pyupload/pyupload/internal/envvars"
	"github.com/pyupload/pyupload/internal/keyring"
	"github.com/pyupload/pyupload/internal/ui"
)

// system is what run may use of the machine beyond its arguments, its
// environment and its output: a terminal to ask for missing credentials
// on, and the system keyring. Its zero value has neither, which is what
// in-process tests get unless they pass fakes; main passes the real ones.
type system struct {
	terminal terminal                          // nil: nothing can be asked
	keyring  func(envvars.Lookup) keyringStore // nil: no keyring
}

// option gives run a part of the system.
type option func(*system)

func withTerminal(t terminal) option { return func(s *system) { s.terminal = t } }

func withKeyring(k func(envvars.Lookup) keyringStore) option {
	return func(s *system) { s.keyring = k }
}

// terminal asks the person at the keyboard (ui.Terminal).
type terminal interface {
	ReadLine(ctx context.Context, prompt string) (string, error)
	ReadPassword(ctx context.Context, prompt string) (string, error)
}

// keyringStore finds a stored password (keyring.System).
type keyringStore interface {
	Find(ctx context.Context, service, username string) (keyring.Credential, error)
}

// systemKeyring is the operating system's keyring, on the session bus the
// environment names (Linux and the BSDs).
func systemKeyring(env envvars.Lookup) keyringStore {
	addr, _ := env("DBUS_SESSION_BUS_ADDRESS")
	return keyring.System{DBusAddress: addr}
}

// keyringTimeout bounds a keyring lookup: a Secret Service or keychain
// answers in milliseconds, and one that hangs must not hang a release.
const keyringTimeout = 5 * time.Second

// asker fills what credentials.Resolve left missing for an upload with a
// password, in twine's order: the keyring, then the prompt.
type asker struct {
	keyring  keyringStore // nil: not asked
	terminal terminal     // nil: no prompting
	pr       *ui.Printer
	// keyringDown is set once the keyring failed, timed out or was locked:
	// it is not asked again in this run (nor noted twice).
	keyringDown *bool
}

// newAsker decides what may be asked. Prompts need a terminal on stdin,
// and neither --non-interactive (or its variables) nor CI. The keyring is
// asked as twine asks it, also without a terminal, but not in CI (where
// there is none to ask, and a desktop keychain's access dialog would wait
// for nobody) and not when PYTHON_KEYRING_BACKEND names Python keyring's
// null or fail backend, twine's way to turn it off.
func newAsker(sys system, nonInteractive bool, env envvars.Lookup, pr *ui.Printer) asker {
	a := asker{pr: pr, keyringDown: new(bool)}
	ciVar, _ := env("CI")
	ci := truthy(ciVar)
	if v, _ := flagEnv(env, "non-interactive"); truthy(v) {
		nonInteractive = true
	}
	if sys.terminal != nil && !nonInteractive && !ci {
		a.terminal = sys.terminal
	}
	backend, _ := env("PYTHON_KEYRING_BACKEND")
	off := strings.HasSuffix(backend, "null.Keyring") || strings.HasSuffix(backend, "fail.Keyring")
	if sys.keyring != nil && !ci && !off {
		a.keyring = sys.keyring(env)
	}
	return a
}

// truthy reads a flag variable as twine does: set, and not 0, false or no.
func truthy(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "0", "false", "no":
		return false
	}
	return true
}

// complete fills the username, then the password, each from the keyring
// and then the prompt, and returns what is still missing
// (credentials.Resolved.Missing) as the error.
func (a asker) complete(ctx context.Context, r *credentials.Resolved) (*credentials.Resolved, error) {
	if r.Username == "" {
		if c, ok := a.find(ctx, r, ""); ok {
			r = r.WithUsername(c.Username, credentials.Keyring)
			if !r.HasPassword() {
				r = r.WithPassword(c.Password, credentials.Keyring)
			}
		} else if u, err := a.ask(ctx, "username", false); err != nil {
			return nil, err
		} else if u != "" {
			r = r.WithUsername(u, credentials.Prompt)
		}
	}
	if !r.HasPassword() && r.Username != "" {
		what := "password"
		if credentials.IsPyPI(r.Endpoint) {
			what = "API token" // twine 6's word: PyPI takes nothing else
		}
		if c, ok := a.find(ctx, r, r.Username); ok {
			r = r.WithPassword(c.Password, credentials.Keyring)
		} else if p, err := a.ask(ctx, what, true); err != nil {
			return nil, err
		} else if p != "" {
			r = r.WithPassword(p, credentials.Prompt)
		}
	}
	return r, r.Missing()
}

// find asks the keyring, within keyringTimeout, for the password stored
// under the index's URL (and username, unless ""). Only a locked keyring
// and one that did not answer are worth a note.
func (a asker) find(ctx context.Context, r *credentials.Resolved, username string) (keyring.Credential, bool) {
	if a.keyring == nil || a.keyringDown != nil && *a.keyringDown {
		return keyring.Credential{}, false
	}
	ctx, cancel := context.WithTimeout(ctx, keyringTimeout)
	defer cancel()
	c, err := a.keyring.Find(ctx, r.KeyringService(), username)
	if err != nil && !errors.Is(err, keyring.ErrNotFound) && a.keyringDown != nil {
		*a.keyringDown = true
	}
	if err != nil || c.Password == "" || c.Username == "" {
		a.pr.KeyringUnused(r.KeyringService(), err, keyringTimeout)
		return keyring.Credential{}, false
	}
	return c, true
}

// ask prompts with twine's text; "" when there is no terminal or no
// answer. Only an interruption is an error.
func (a asker) ask(ctx context.Context, what string, secret bool) (string, error) {
	if a.terminal == nil {
		return "", nil
	}
	read := a.terminal.ReadLine
	if secret {
		read = a.terminal.ReadPassword
	}
	s, err := read(ctx, "Enter your "+what+": ")
	switch {
	case ctx.Err() != nil:
		return "", ctx.Err() // interrupted
	case err != nil:
		return "", nil // end of input: nothing was given
	}
	return strings.TrimSpace(s), nil
}
