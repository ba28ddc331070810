//go:build unix

package preflight

import (
	"errors"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pyupload/pyupload/internal/localfile"
	"github.com/pyupload/pyupload/pkg/dist"
)

// within fails the test if f does not return within 5 seconds: nothing
// here may wait on a named pipe.
func within(t *testing.T, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("still waiting after 5 s")
	}
}

// TestNamedPipes: a named pipe named like a wheel, given as an argument,
// in a directory or matched by a pattern, is refused by name; an
// attestation that is a pipe stops the batch. None is waited on.
func TestNamedPipes(t *testing.T) {
	t.Parallel()
	dir := distDir(t)
	fifo := filepath.Join(dir, "x-1.0-py3-none-any.whl")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{fifo}, {dir}, {filepath.Join(dir, "*.whl")}} {
		within(t, func() {
			r, err := Check(t.Context(), args, false)
			if err != nil {
				t.Fatalf("Check(%v) error = %v", args, err)
			}
			var found bool
			for _, c := range r.Results {
				if c.Path == fifo {
					found = true
					if !errors.Is(c.Err, localfile.ErrNotRegular) || !strings.Contains(c.Err.Error(), "x-1.0-py3-none-any.whl is a named pipe (FIFO), not a regular file") {
						t.Errorf("Check(%v): the pipe's error = %v", args, c.Err)
					}
				} else if c.Err != nil {
					t.Errorf("Check(%v): %s: %v", args, c.Path, c.Err)
				}
			}
			if !found || !r.Failed() {
				t.Errorf("Check(%v) = %+v, want the pipe refused", args, r.Results)
			}
		})
	}

	whl := filepath.Join(dir, "pyupload_mv22-2.2-py3-none-any.whl")
	if err := syscall.Mkfifo(whl+".publish.attestation", 0o600); err != nil {
		t.Fatal(err)
	}
	d, err := dist.Open(whl)
	if err != nil {
		t.Fatal(err)
	}
	within(t, func() {
		if _, err := Attestations([]*dist.Dist{d}, nil); !errors.Is(err, localfile.ErrNotRegular) {
			t.Errorf("Attestations() error = %v, want the pipe refused", err)
		}
	})
}
