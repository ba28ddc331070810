//go:build unix

package main

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/pyupload/pyupload/internal/ui"
)

// TestE2ENamedPipes: a named pipe where pyupload expects a file (a
// distribution, named or found in a directory or by a pattern, or a
// file a flag names) is refused at once, by name: pyupload never waits
// for a writer that will not come.
func TestE2ENamedPipes(t *testing.T) {
	t.Parallel()
	_, u := startIndex(t)
	dir := t.TempDir()
	fifo := filepath.Join(dir, "x-1.0-py3-none-any.whl")
	other := filepath.Join(t.TempDir(), "pipe")
	for _, p := range []string{fifo, other} {
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	const refused = "x-1.0-py3-none-any.whl is a named pipe (FIFO), not a regular file"
	whl := good + "pyupload_mv22-2.2-py3-none-any.whl"
	tests := []struct {
		name string
		env  []string
		args []string
		code int
		want string
	}{
		{"check, named", nil, []string{"check", fifo}, ui.ExitFailure, refused},
		{"check, in a directory", nil, []string{"check", dir}, ui.ExitFailure, refused},
		{"check, by a pattern", nil, []string{"check", filepath.Join(dir, "*.whl")}, ui.ExitFailure, refused},
		{"upload, named", tokenEnv, uploadArgs(u, whl, fifo), ui.ExitFailure, refused},
		{"upload, in a directory", tokenEnv, uploadArgs(u, dir), ui.ExitFailure, refused},
		{"upload, by a pattern", tokenEnv, uploadArgs(u, filepath.Join(dir, "*")), ui.ExitFailure, refused},
		{"--cert", tokenEnv, uploadArgs(u, "--cert", other, whl), ui.ExitFailure, "pipe is a named pipe (FIFO), not a regular file"},
		{"--client-cert", tokenEnv, uploadArgs(u, "--client-cert", other, whl), ui.ExitFailure, "pipe is a named pipe (FIFO), not a regular file"},
		{"--config-file", tokenEnv, []string{"upload", "-r", "private", "--config-file", other, whl}, ui.ExitFailure, "pipe is a named pipe (FIFO), not a regular file"},
		{"--oidc-token-file", nil, []string{"token", "--repository-url", u + "/legacy/", "--oidc-token-file", other}, ui.ExitFailure, "pipe is a named pipe (FIFO), not a regular file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := runQuick(t, tt.env, tt.args...)
			if r.code != tt.code || !strings.Contains(r.stdout+r.stderr, tt.want) {
				t.Errorf("exit %d, want %d and %q\nstdout:\n%s\nstderr:\n%s", r.code, tt.code, tt.want, r.stdout, r.stderr)
			}
		})
	}
}
