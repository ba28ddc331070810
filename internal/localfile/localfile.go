package localfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrNotRegular is matched by every [*NotRegularError].
var ErrNotRegular = errors.New("localfile: not a regular file")

// NotRegularError is a path that names something other than a regular
// file.
type NotRegularError struct {
	Path string
	Mode fs.FileMode // the type it has
}

func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s is %s, not a regular file", e.Path, kind(e.Mode))
}

// Is makes errors.Is(err, ErrNotRegular) true.
func (e *NotRegularError) Is(target error) bool { return target == ErrNotRegular }

// kind names a file type for a message.
func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}

// Open opens a regular file for reading, following symbolic links, and
// returns it with its FileInfo. Anything else is a [*NotRegularError]; a
// missing file is the usual *fs.PathError.
func Open(name string) (*os.File, fs.FileInfo, error) {
	st, err := os.Stat(name)
	if err != nil {
		if pe, ok := errors.AsType[*fs.PathError](err); ok {
			pe.Op = "open" // what the caller asked for: "open x: no such file or directory"
		}
		return nil, nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, nil, &NotRegularError{Path: name, Mode: st.Mode().Type()}
	}
	// The path may have changed since.
	return openChecked(name)
}

// openChecked opens without waiting, and checks what was opened.
func openChecked(name string) (*os.File, fs.FileInfo, error) {
	f, err := os.OpenFile(name, os.O_RDONLY|noWait, 0) // #nosec G304 -- reading the files the user named is the job
	if err != nil {
		return nil, nil, err
	}
	st, err := f.Stat()
	if err == nil && !st.Mode().IsRegular() {
		err = &NotRegularError{Path: name, Mode: st.Mode().Type()}
	}
	if err == nil {
		err = blocking(f)
	}
	if err != nil {
		_ = f.Close()
		return nil, nil, err
	}
	return f, st, nil
}

// MaxReadFile bounds [ReadFile]: the files it reads (tokens, CI event
// files, certificates, attestations) are kilobytes, and a huge or sparse
// file must not exhaust memory.
const MaxReadFile = 64 << 20

// ReadFile reads a whole regular file of at most [MaxReadFile] bytes, as
// os.ReadFile does for one.
func ReadFile(name string) ([]byte, error) {
	f, _, err := Open(name)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }() // read-only: Close has nothing to report
	b, err := io.ReadAll(io.LimitReader(f, MaxReadFile+1))
	if err == nil && len(b) > MaxReadFile {
		return nil, fmt.Errorf("reading %s: larger than %d MiB", name, MaxReadFile>>20)
	}
	return b, err
}

// Append opens a regular file for appending, creating it if needed (the
// GitHub Actions step summary, say). Anything else is a
// [*NotRegularError], and a named pipe is never waited on.
func Append(name string) (*os.File, error) {
	if st, err := os.Stat(name); err == nil && !st.Mode().IsRegular() {
		return nil, &NotRegularError{Path: name, Mode: st.Mode().Type()}
	}
	f, err := os.OpenFile(name, os.O_APPEND|os.O_CREATE|os.O_WRONLY|noWait, 0o600) // #nosec G304 -- a file the environment names for output
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err == nil && !st.Mode().IsRegular() {
		err = &NotRegularError{Path: name, Mode: st.Mode().Type()}
	}
	if err == nil {
		err = blocking(f)
	}
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	return f, nil
}
