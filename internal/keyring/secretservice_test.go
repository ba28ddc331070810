//go:build linux

package keyring

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pyupload/pyupload/internal/fakesecrets"
)

// TestSecretService looks up passwords over a real session bus, from a
// Secret Service that holds them as Python's keyring stores them.
func TestSecretService(t *testing.T) {
	t.Parallel()
	addr := fakesecrets.Bus(t)
	const pypi, private = "https://upload.pypi.org/legacy/", "https://private.example/legacy/"
	fakesecrets.Serve(t, addr,
		fakesecrets.Item{Service: pypi, Username: "__token__", Password: "pypi-from-keyring"},
		fakesecrets.Item{Service: private, Username: "alice", Password: "alice-secret"},
		fakesecrets.Item{Service: "https://locked.example/legacy/", Username: "bob", Password: "bob-secret", Locked: true},
	)
	tests := []struct {
		name              string
		service, username string
		want              Credential
		wantErr           error
	}{
		{"by service and username", pypi, "__token__", Credential{"__token__", "pypi-from-keyring"}, nil},
		{"the first credential of a service", private, "", Credential{"alice", "alice-secret"}, nil},
		{"another username", private, "carol", Credential{}, ErrNotFound},
		{"another service", "https://other.example/legacy/", "", Credential{}, ErrNotFound},
		{"a locked keyring is not unlocked", "https://locked.example/legacy/", "bob", Credential{}, ErrLocked},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			got, err := System{DBusAddress: addr}.Find(ctx, tt.service, tt.username)
			if !errors.Is(err, tt.wantErr) || got != tt.want {
				t.Errorf("Find(%q, %q) = %v, %v, want %v, %v", tt.service, tt.username, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// TestNoKeyring: no bus, a bus without a Secret Service, and a bus that
// never answers all come back quickly as no keyring.
func TestNoKeyring(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	if _, err := (System{}).Find(ctx, "s", "u"); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Find(no bus address) error = %v, want ErrUnavailable", err)
	}
	if _, err := (System{DBusAddress: "unix:path=" + filepath.Join(t.TempDir(), "none")}).Find(ctx, "s", "u"); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Find(no bus at the address) error = %v, want ErrUnavailable", err)
	}
	if _, err := os.Stat(fakesecrets.Daemon); err == nil {
		if _, err := (System{DBusAddress: fakesecrets.Bus(t)}).Find(ctx, "s", "u"); !errors.Is(err, ErrUnavailable) {
			t.Errorf("Find(a bus without a Secret Service) error = %v, want ErrUnavailable", err)
		}
	}
	// A socket that accepts and never speaks: the lookup ends with its
	// context.
	var lc net.ListenConfig
	l, err := lc.Listen(ctx, "unix", filepath.Join(t.TempDir(), "hung"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = l.Close() }()
	go func() {
		var held []net.Conn
		defer func() {
			for _, c := range held {
				_ = c.Close()
			}
		}()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = System{DBusAddress: "unix:path=" + l.Addr().String()}.Find(short, "s", "u")
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Errorf("Find(a hung bus) = %v after %v, want the deadline at once", err, time.Since(start))
	}
}
