// Package fakesecrets is test support: a private D-Bus session bus, and on
// it a fake Secret Service holding passwords as Python's keyring stores
// them for twine (attributes service and username). internal/keyring's
// tests and the CLI's end-to-end tests look passwords up over a real bus
// through it. It is an oracle, so it shares no code with internal/keyring.
//
// Only _test.go files import it.
package fakesecrets

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/godbus/dbus/v5"
)

// Daemon is where Debian's dbus-daemon package installs the bus.
const Daemon = "/usr/bin/dbus-daemon"

// The Secret Service's names.
const (
	busName     = "org.freedesktop.secrets"
	servicePath = dbus.ObjectPath("/org/freedesktop/secrets")
	sessionPath = dbus.ObjectPath("/org/freedesktop/secrets/session/1")
	serviceIf   = "org.freedesktop.Secret.Service"
	itemIf      = "org.freedesktop.Secret.Item"
	sessionIf   = "org.freedesktop.Secret.Session"
	propsIf     = "org.freedesktop.DBus.Properties"
)

// Bus starts a private session bus for tb and returns its address. It
// skips tb when dbus-daemon is not installed (CI installs it).
func Bus(tb testing.TB) string {
	tb.Helper()
	if _, err := os.Stat(Daemon); err != nil {
		tb.Skipf("%s is not installed (apt-get install dbus-daemon): the keyring is tested over a real bus", Daemon)
	}
	dir := tb.TempDir()
	config := filepath.Join(dir, "bus.conf")
	conf := `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=` + filepath.Join(dir, "bus") + `</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`
	if err := os.WriteFile(config, []byte(conf), 0o600); err != nil {
		tb.Fatal(err)
	}
	cmd := exec.CommandContext(tb.Context(), Daemon, "--config-file="+config, "--nofork", "--print-address") // #nosec G204 -- a fixed program and a config file of our own
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		tb.Fatalf("reading the bus address: %v", err)
	}
	return strings.TrimSpace(addr)
}

// Item is a password as Python's keyring stores it: keyring.set_password
// (Service, Username, Password).
type Item struct {
	Service, Username, Password string
	Locked                      bool // in a locked collection
}

func (it Item) attributes() map[string]string {
	return map[string]string{"service": it.Service, "username": it.Username, "application": "Python keyring library", "xdg:schema": "org.freedesktop.Secret.Generic"}
}

// Serve owns the Secret Service's name on the bus at addr, holding items,
// until tb ends.
func Serve(tb testing.TB, addr string, items ...Item) {
	tb.Helper()
	conn, err := dbus.Connect(addr)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = conn.Close() })
	type export struct {
		v     any
		path  dbus.ObjectPath
		iface string
	}
	exports := []export{{&service{items: items}, servicePath, serviceIf}, {session{}, sessionPath, sessionIf}}
	for i, it := range items {
		exports = append(exports, export{item{it}, itemPath(i), itemIf}, export{item{it}, itemPath(i), propsIf})
	}
	for _, e := range exports {
		if err := conn.Export(e.v, e.path, e.iface); err != nil {
			tb.Fatal(err)
		}
	}
	if reply, err := conn.RequestName(busName, dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		tb.Fatalf("owning %s: %v, %v", busName, reply, err)
	}
}

func itemPath(i int) dbus.ObjectPath {
	return dbus.ObjectPath(fmt.Sprintf("/org/freedesktop/secrets/collection/login/%d", i))
}

// service answers SearchItems and OpenSession as GNOME Keyring does.
type service struct{ items []Item }

func (s *service) SearchItems(attrs map[string]string) (unlocked, locked []dbus.ObjectPath, _ *dbus.Error) {
	for i, it := range s.items {
		match := true
		for k, v := range attrs {
			match = match && it.attributes()[k] == v
		}
		switch {
		case !match:
		case it.Locked:
			locked = append(locked, itemPath(i))
		default:
			unlocked = append(unlocked, itemPath(i))
		}
	}
	return unlocked, locked, nil
}

func (s *service) OpenSession(algorithm string, _ dbus.Variant) (dbus.Variant, dbus.ObjectPath, *dbus.Error) {
	if algorithm != "plain" {
		return dbus.Variant{}, "", dbus.MakeFailedError(errors.New("only plain sessions here"))
	}
	return dbus.MakeVariant(""), sessionPath, nil
}

// secret is the Secret Service's Secret struct, (oayays).
type secret struct {
	Session     dbus.ObjectPath
	Parameters  []byte
	Value       []byte
	ContentType string
}

// item answers GetSecret and its Attributes property.
type item struct{ it Item }

func (i item) GetSecret(session dbus.ObjectPath) (secret, *dbus.Error) {
	if i.it.Locked {
		return secret{}, &dbus.Error{Name: "org.freedesktop.Secret.Error.IsLocked"}
	}
	return secret{Session: session, Value: []byte(i.it.Password), ContentType: "text/plain"}, nil
}

func (i item) Get(iface, prop string) (dbus.Variant, *dbus.Error) {
	if iface != itemIf || prop != "Attributes" {
		return dbus.Variant{}, dbus.MakeFailedError(errors.New("no such property"))
	}
	return dbus.MakeVariant(i.it.attributes()), nil
}

type session struct{}

func (session) Close() *dbus.Error { return nil }
