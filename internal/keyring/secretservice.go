//go:build linux || freebsd || openbsd || netbsd || dragonfly

package keyring

import (
	"context"
	"errors"
	"fmt"

	"github.com/godbus/dbus/v5"
)

// The Secret Service API (https://specifications.freedesktop.org/secret-service/).
const (
	ssName    = "org.freedesktop.secrets"
	ssPath    = dbus.ObjectPath("/org/freedesktop/secrets")
	ssService = "org.freedesktop.Secret.Service"
	ssItem    = "org.freedesktop.Secret.Item"
	ssSession = "org.freedesktop.Secret.Session"
)

// secret is the Secret Service's Secret struct, (oayays).
type secret struct {
	Session     dbus.ObjectPath
	Parameters  []byte
	Value       []byte
	ContentType string
}

// find asks the Secret Service on the session bus. Python's keyring
// stores items with the attributes service and username; a search over
// the whole service finds them in whichever collection holds them. Only
// unlocked items are read.
func (s System) find(ctx context.Context, service, username string) (Credential, error) {
	if s.DBusAddress == "" {
		return Credential{}, ErrUnavailable
	}
	conn, err := dbus.Connect(s.DBusAddress, dbus.WithContext(ctx))
	if err != nil {
		return Credential{}, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	defer func() { _ = conn.Close() }()
	attrs := map[string]string{"service": service}
	if username != "" {
		attrs["username"] = username
	}
	var unlocked, locked []dbus.ObjectPath
	if err := conn.Object(ssName, ssPath).CallWithContext(ctx, ssService+".SearchItems", 0, attrs).Store(&unlocked, &locked); err != nil {
		if de, ok := errors.AsType[dbus.Error](err); ok && de.Name == "org.freedesktop.DBus.Error.ServiceUnknown" {
			return Credential{}, fmt.Errorf("%w: no Secret Service on the session bus", ErrUnavailable)
		}
		return Credential{}, fmt.Errorf("keyring: searching the Secret Service: %w", err)
	}
	if len(unlocked) == 0 {
		if len(locked) > 0 {
			return Credential{}, ErrLocked
		}
		return Credential{}, ErrNotFound
	}
	return readItem(ctx, conn, unlocked[0], username)
}

// readItem reads an unlocked item's secret over a plain session (the
// session bus is local to the user) and, when not known, its username.
func readItem(ctx context.Context, conn *dbus.Conn, item dbus.ObjectPath, username string) (Credential, error) {
	var out dbus.Variant
	var session dbus.ObjectPath
	if err := conn.Object(ssName, ssPath).CallWithContext(ctx, ssService+".OpenSession", 0, "plain", dbus.MakeVariant("")).Store(&out, &session); err != nil {
		return Credential{}, fmt.Errorf("keyring: opening a Secret Service session: %w", err)
	}
	defer conn.Object(ssName, session).CallWithContext(ctx, ssSession+".Close", 0)
	obj := conn.Object(ssName, item)
	var sec secret
	if err := obj.CallWithContext(ctx, ssItem+".GetSecret", 0, session).Store(&sec); err != nil {
		return Credential{}, fmt.Errorf("keyring: reading the secret: %w", err)
	}
	if username == "" {
		var attrs map[string]string
		if err := obj.CallWithContext(ctx, "org.freedesktop.DBus.Properties.Get", 0, ssItem, "Attributes").Store(&attrs); err != nil {
			return Credential{}, fmt.Errorf("keyring: reading the item's username: %w", err)
		}
		username = attrs["username"]
	}
	return Credential{Username: username, Password: string(sec.Value)}, nil
}
