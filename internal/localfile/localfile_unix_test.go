//go:build unix

package localfile

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestOpen: only regular files (also through a symbolic link) are opened;
// anything else is refused at once, naming the path and what it is.
func TestOpen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	at := func(name string) string { return filepath.Join(dir, name) }
	if err := os.WriteFile(at("x-1.0-py3-none-any.whl"), []byte("wheel"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(at("fifo-1.0-py3-none-any.whl"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(at("dir.whl"), 0o700); err != nil {
		t.Fatal(err)
	}
	ln, err := (&net.ListenConfig{}).Listen(t.Context(), "unix", at("sock.whl"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	for target, link := range map[string]string{"x-1.0-py3-none-any.whl": "link.whl", "fifo-1.0-py3-none-any.whl": "fifolink.whl"} {
		if err := os.Symlink(at(target), at(link)); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		path string
		want string // "" to open it
	}{
		{at("x-1.0-py3-none-any.whl"), ""},
		{at("link.whl"), ""},
		{at("fifo-1.0-py3-none-any.whl"), "fifo-1.0-py3-none-any.whl is a named pipe (FIFO), not a regular file"},
		{at("fifolink.whl"), "fifolink.whl is a named pipe (FIFO), not a regular file"},
		{at("dir.whl"), "dir.whl is a directory, not a regular file"},
		{at("sock.whl"), "sock.whl is a socket, not a regular file"},
		{"/dev/null", "/dev/null is a character device, not a regular file"},
	}
	for _, tt := range tests {
		done := make(chan error, 1)
		go func() {
			b, err := ReadFile(tt.path)
			if err == nil && string(b) != "wheel" {
				err = errors.New("read " + string(b))
			}
			done <- err
		}()
		select {
		case err := <-done:
			if tt.want == "" && err != nil {
				t.Errorf("ReadFile(%s) error = %v", tt.path, err)
			}
			if tt.want != "" && (!errors.Is(err, ErrNotRegular) || !strings.HasSuffix(err.Error(), tt.want)) {
				t.Errorf("ReadFile(%s) error = %v, want ErrNotRegular saying %q", tt.path, err, tt.want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("ReadFile(%s) is still waiting after 5 s", tt.path)
		}
	}
	if _, _, err := Open(at("missing.whl")); !errors.Is(err, os.ErrNotExist) || !strings.HasPrefix(err.Error(), "open ") {
		t.Errorf("Open(missing) error = %v, want fs.ErrNotExist, as os.Open says it", err)
	}
}

// TestOpenChecked: a named pipe that replaced the file after the path was
// checked is refused too, without waiting for a writer.
func TestOpenChecked(t *testing.T) {
	t.Parallel()
	fifo := filepath.Join(t.TempDir(), "x-1.0-py3-none-any.whl")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		f, _, err := openChecked(fifo)
		if err == nil {
			_ = f.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, ErrNotRegular) {
			t.Errorf("openChecked(fifo) error = %v, want ErrNotRegular", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("openChecked(fifo) is still waiting after 5 s")
	}
}

// TestAppend: a regular file is created or appended to; a named pipe with
// no reader is refused at once instead of holding the caller.
func TestAppend(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	summary := filepath.Join(dir, "summary.md")
	for _, text := range []string{"a", "b"} {
		f, err := Append(summary)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = f.WriteString(text)
		_ = f.Close()
	}
	if b, _ := os.ReadFile(summary); string(b) != "ab" {
		t.Errorf("summary = %q, want %q", b, "ab")
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := Append(fifo); !errors.Is(err, ErrNotRegular) || time.Since(start) > time.Second {
		t.Errorf("Append(fifo) = %v after %s, want ErrNotRegular at once", err, time.Since(start))
	}
}

// TestReadFileIsBounded: a huge (here sparse) regular file is refused, not
// read into memory.
func TestReadFileIsBounded(t *testing.T) {
	t.Parallel()
	name := filepath.Join(t.TempDir(), "token")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxReadFile + 1); err != nil {
		t.Fatal(err)
	}
	_ = f.Close()
	if _, err := ReadFile(name); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("ReadFile(huge) = %v, want an error", err)
	}
}
