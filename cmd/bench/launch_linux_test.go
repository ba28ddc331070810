package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestClientDiesWithTheLauncher: a launcher killed (as bench kills it on
// an interrupt) takes its client with it.
func TestClientDiesWithTheLauncher(t *testing.T) {
	t.Parallel()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	pidFile := filepath.Join(t.TempDir(), "pid")
	reportR, reportW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = reportR.Close() }()
	launcher := exec.CommandContext(t.Context(), self, launchArg, "--", "/bin/sh", "-c", `echo $$ > "$0"; exec sleep 60`, pidFile)
	launcher.ExtraFiles = []*os.File{reportW}
	if err := launcher.Start(); err != nil {
		t.Fatal(err)
	}
	_ = reportW.Close()
	var pid int
	for deadline := time.Now().Add(10 * time.Second); pid == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the client never started")
		}
		if b, err := os.ReadFile(pidFile); err == nil && strings.HasSuffix(string(b), "\n") {
			pid, _ = strconv.Atoi(strings.TrimSpace(string(b)))
		}
	}
	_ = launcher.Process.Kill()
	_ = launcher.Wait()
	for deadline := time.Now().Add(10 * time.Second); alive(pid); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("the client (pid %d) outlived its killed launcher", pid)
		}
	}
}

// alive reports whether pid is a process that has not ended (a zombie
// waiting to be reaped has ended).
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// The state follows the command's closing parenthesis.
	rest := string(b[strings.LastIndexByte(string(b), ')')+1:])
	return !strings.HasPrefix(strings.TrimSpace(rest), "Z")
}
