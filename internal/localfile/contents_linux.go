package localfile

import (
	"errors"
	"io"
	"runtime/debug"
	"unsafe"

	"golang.org/x/sys/unix"
)

// writeTo maps the file a window at a time and writes from the map. From
// a window that cannot be mapped (on a file system that cannot map, say)
// on, it copies.
func (c *Contents) writeTo(w io.Writer) (int64, error) {
	var written int64
	for c.off < c.size {
		n, err := c.writeWindow(w)
		written += n
		if errors.Is(err, errNoMap) {
			m, cerr := c.copyTo(w)
			return written + m, cerr
		}
		if err != nil {
			return written, err
		}
	}
	return written, nil
}

// errNoMap says a window could not be mapped.
var errNoMap = errors.New("cannot map the file")

// writeWindow writes the window that holds c.off, from c.off to the
// window's end. A read of a page past the file's end (the file was cut
// short while mapped) faults; the fault is recovered here and reported as
// ErrChanged, on this goroutine only (debug.SetPanicOnFault). A file cut
// inside a page does not fault, so the file's size is checked once the
// window is written.
func (c *Contents) writeWindow(w io.Writer) (written int64, err error) {
	pageStart := c.off &^ int64(unix.Getpagesize()-1)
	length := min(pageStart+mapWindow, c.size) - pageStart
	var mapping []byte
	rc, err := c.f.SyscallConn()
	if err != nil {
		return 0, errNoMap
	}
	var mapErr error
	if err := rc.Control(func(fd uintptr) {
		mapping, mapErr = unix.Mmap(int(fd), pageStart, int(length), unix.PROT_READ, unix.MAP_SHARED|unix.MAP_POPULATE)
	}); err != nil || mapErr != nil {
		return 0, errNoMap
	}
	defer func() { _ = unix.Munmap(mapping) }()

	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			if fault, ok := r.(interface{ Addr() uintptr }); !ok || !within(fault.Addr(), mapping) {
				panic(r)
			}
			err = c.short()
		}
	}()
	data := mapping[c.off-pageStart:]
	for len(data) > 0 {
		n, werr := w.Write(data[:min(len(data), sendChunk)])
		written += int64(n)
		c.off += int64(n)
		data = data[n:]
		if werr != nil {
			return written, werr
		}
	}
	// A file cut short inside a mapped page does not fault: the rest of
	// that page reads as zeros. The window's bytes were the file's only
	// if the file still reaches past them.
	if st, err := c.f.Stat(); err != nil || st.Size() < pageStart+length {
		return written, c.short()
	}
	return written, nil
}

// within reports whether addr is inside b.
func within(addr uintptr, b []byte) bool {
	if len(b) == 0 {
		return false
	}
	start := uintptr(unsafe.Pointer(unsafe.SliceData(b))) // #nosec G103 -- an address compared, never dereferenced
	return addr >= start && addr < start+uintptr(len(b))
}
