//go:build linux

package ui

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// pty opens a pseudo-terminal: the terminal side pyupload reads, and the
// side a person types into.
func pty(t *testing.T) (term, keyboard *os.File) {
	t.Helper()
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { _ = ptmx.Close() })
	fd := int(ptmx.Fd()) // #nosec G115 -- file descriptors fit in int
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	pts, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pts.Close() })
	return pts, ptmx
}

func echoOn(t *testing.T, f *os.File) bool {
	t.Helper()
	tio, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS) // #nosec G115 -- file descriptors fit in int
	if err != nil {
		t.Fatal(err)
	}
	return tio.Lflag&unix.ECHO != 0
}

// TestTerminal prompts on a real pseudo-terminal: a line is read as typed,
// a password without echo, and an interrupted password prompt gives the
// echo back.
func TestTerminal(t *testing.T) {
	t.Parallel()
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = devnull.Close() }()
	if _, ok := NewTerminal(devnull, nil); ok {
		t.Error("NewTerminal(/dev/null) = true, want no terminal: nothing can be asked there")
	}
	pts, keyboard := pty(t)
	var prompts bytes.Buffer
	term, ok := NewTerminal(pts, &prompts)
	if !ok {
		t.Fatal("NewTerminal(a pty) = false")
	}
	ctx := t.Context()
	if _, err := keyboard.WriteString("__token__\n"); err != nil {
		t.Fatal(err)
	}
	if got, err := term.ReadLine(ctx, "Enter your username: "); err != nil || got != "__token__" {
		t.Errorf("ReadLine() = %q, %v, want __token__", got, err)
	}
	type answer struct {
		s   string
		err error
	}
	done := make(chan answer)
	go func() {
		s, err := term.ReadPassword(ctx, "Enter your password: ")
		done <- answer{s, err}
	}()
	for deadline := time.Now().Add(5 * time.Second); echoOn(t, pts); time.Sleep(time.Millisecond) { // typed once echo is off
		if time.Now().After(deadline) {
			t.Fatal("ReadPassword never turned the echo off")
		}
	}
	if _, err := keyboard.WriteString("s3cret\n"); err != nil {
		t.Fatal(err)
	}
	if a := <-done; a.err != nil || a.s != "s3cret" {
		t.Errorf("ReadPassword() = %q, %v, want s3cret", a.s, a.err)
	}
	if want := "Enter your username: Enter your password: \n"; prompts.String() != want {
		t.Errorf("prompts = %q, want %q", prompts.String(), want)
	}
	if !echoOn(t, pts) {
		t.Error("echo is off after ReadPassword")
	}
	echoed := make([]byte, 256)
	_ = keyboard.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	n, _ := keyboard.Read(echoed)
	if strings.Contains(string(echoed[:n]), "s3cret") || !strings.Contains(string(echoed[:n]), "__token__") {
		t.Errorf("the terminal showed %q: want the username echoed and the password not", echoed[:n])
	}
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if _, err := term.ReadPassword(short, "Enter your password: "); err == nil {
		t.Error("ReadPassword(interrupted) gave no error")
	}
	if !echoOn(t, pts) {
		t.Error("echo is off after an interrupted ReadPassword")
	}
	// The abandoned read still waits for a line (in pyupload the process
	// is ending); end it before the pty closes, or its file descriptor,
	// reused by a later test, would get that read's terminal state.
	if _, err := keyboard.WriteString("\n"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
}
