//go:build unix

package localfile

import (
	"os"
	"syscall"
)

// noWait opens without waiting: a named pipe swapped in after the check
// would otherwise block the open until a writer came.
const noWait = syscall.O_NONBLOCK

// blocking clears O_NONBLOCK on a regular file (where it changes nothing
// on Linux and macOS, but reads should not depend on that).
func blocking(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) { serr = syscall.SetNonblock(int(fd), false) }); err != nil {
		return err
	}
	return serr
}
