//go:build linux

package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/pyupload/pyupload/internal/ui"
)

// pipeState reads how many bytes wait in a pipe and how many it holds.
func pipeState(t *testing.T, r *os.File) (queued, capacity int) {
	t.Helper()
	raw, err := r.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var n int32
	var errno syscall.Errno
	if err := raw.Control(func(fd uintptr) {
		c, _, e := syscall.Syscall(syscall.SYS_FCNTL, fd, 1032 /* F_GETPIPE_SZ */, 0)
		capacity, errno = int(c), e
		if errno == 0 {
			_, _, errno = syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TIOCINQ /* FIONREAD */, uintptr(unsafe.Pointer(&n)))
		}
	}); err != nil {
		t.Fatal(err)
	}
	if errno != 0 {
		t.Fatal(errno)
	}
	return int(n), capacity
}

// TestE2ESecondInterruptExitsAtOnce: pyupload is blocked writing its
// report to a pipe nobody reads, which no cancellation can end. The first
// SIGINT (or SIGTERM) cancels the run (and it stays blocked); the second
// exits at once, with 130.
func TestE2ESecondInterruptExitsAtOnce(t *testing.T) {
	t.Parallel()
	for _, sigs := range [][2]syscall.Signal{{syscall.SIGINT, syscall.SIGINT}, {syscall.SIGTERM, syscall.SIGINT}, {syscall.SIGINT, syscall.SIGTERM}} {
		t.Run(fmt.Sprint(sigs[0], ", then ", sigs[1]), func(t *testing.T) {
			t.Parallel()
			interruptTwiceWhileBlocked(t, sigs[0], sigs[1])
		})
	}
}

func interruptTwiceWhileBlocked(t *testing.T, first, second syscall.Signal) {
	t.Helper()
	dir := t.TempDir()
	var args []string
	for i := range 3000 {
		args = append(args, filepath.Join(dir, fmt.Sprintf("missing_%04d-1.0-py3-none-any.whl", i)))
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = r.Close() }()
	cmd, _, stderr := pyuploadCmd(t, nil, append([]string{"check"}, args...)...)
	cmd.Stdout = w // the report of 3000 failed files is far more than the pipe holds
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	_ = w.Close()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	// Blocked: the pipe is (nearly: writes fill it a page at a time) full,
	// and stays so.
	deadline := time.Now().Add(15 * time.Second)
	for last, since := -1, time.Now(); ; time.Sleep(20 * time.Millisecond) {
		queued, capacity := pipeState(t, r)
		if queued != last {
			last, since = queued, time.Now()
		} else if queued > capacity/2 && time.Since(since) > 300*time.Millisecond {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the pipe holds %d of %d bytes after 15 s; stderr:\n%s", queued, capacity, stderr)
		}
	}

	if err := cmd.Process.Signal(first); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		t.Fatalf("pyupload ended after one signal while blocked (%v): the test's situation does not block", err)
	case <-time.After(500 * time.Millisecond):
	}
	if err := cmd.Process.Signal(second); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		ee, ok := errors.AsType[*exec.ExitError](err)
		if !ok || ee.ExitCode() != ui.ExitInterrupted {
			t.Errorf("second signal: exit %v, want %d", err, ui.ExitInterrupted)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("pyupload still runs 5 s after the second signal")
	}
	if bytes.Contains(stderr.Bytes(), []byte("panic")) {
		t.Errorf("stderr:\n%s", stderr)
	}
}
