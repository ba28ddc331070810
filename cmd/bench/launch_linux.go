package main

import (
	"runtime"
	"syscall"
)

// diesWithLauncher has Linux kill the launched client when the launcher
// ends first: bench kills its launcher on an interrupt or a timeout, and
// the client must not run on to its end behind it. The signal goes when
// the thread that started the child ends, so the launcher's goroutine
// keeps its thread until the child is done (release).
func diesWithLauncher() (attr *syscall.SysProcAttr, release func()) {
	runtime.LockOSThread()
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}, runtime.UnlockOSThread
}
