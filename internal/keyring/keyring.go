package keyring

import (
	"context"
	"errors"
	"fmt"
)

// Errors of a lookup. Callers treat all of them as "no password here";
// they differ only in what is worth telling a user.
var (
	// ErrNotFound: the keyring has no password for the service and user.
	ErrNotFound = errors.New("keyring: no password stored")
	// ErrUnavailable: there is no keyring to ask (no session bus, no
	// Secret Service on it, an operating system without one).
	ErrUnavailable = errors.New("keyring: no system keyring")
	// ErrLocked: a matching password is in a locked keyring, which is
	// not unlocked here.
	ErrLocked = errors.New("keyring: the keyring holding the password is locked")
)

// Credential is a username and its password from the keyring.
type Credential struct {
	Username string
	Password string // a secret
}

// String describes the credential without its password.
func (c Credential) String() string {
	return fmt.Sprintf("{Username:%s Password:<redacted>}", c.Username)
}

// System is the operating system's keyring. Its zero value asks the
// keyrings that need no configuration (macOS, Windows); the Secret
// Service needs the session bus's address.
type System struct {
	// DBusAddress is the session bus's address (DBUS_SESSION_BUS_ADDRESS)
	// on Linux and the BSDs; "" means there is no session bus, so no
	// keyring.
	DBusAddress string
}

// Find returns the password stored for service and username, or with
// username "" the first credential stored for service and its username
// (Python keyring's get_credential(service, None)). It returns when ctx
// ends, whatever the keyring does: a lookup that hangs is abandoned.
func (s System) Find(ctx context.Context, service, username string) (Credential, error) {
	type result struct {
		c   Credential
		err error
	}
	done := make(chan result, 1) // never blocks the abandoned lookup
	go func() {
		c, err := s.find(ctx, service, username)
		done <- result{c, err}
	}()
	select {
	case r := <-done:
		return r.c, r.err
	case <-ctx.Done():
		return Credential{}, fmt.Errorf("keyring: no answer: %w", ctx.Err())
	}
}
