//go:build linux

package twohash

import (
	"bytes"
	"syscall"
	"testing"
)

// guarded returns n bytes that end exactly where an unreadable page
// begins (atEnd), or start exactly where one ends, and the unreadable
// page itself; a read past either edge faults.
func guarded(t *testing.T, n int, atEnd bool) (data, guard []byte) {
	t.Helper()
	page := syscall.Getpagesize()
	dataPages := (n + page - 1) / page
	mem, err := syscall.Mmap(-1, 0, (dataPages+1)*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Fatalf("mmap: %v", err)
	}
	t.Cleanup(func() { _ = syscall.Munmap(mem) })
	if atEnd {
		guard = mem[dataPages*page:]
		data = mem[dataPages*page-n : dataPages*page]
	} else {
		guard = mem[:page]
		data = mem[page : page+n]
	}
	if err := syscall.Mprotect(guard, syscall.PROT_NONE); err != nil {
		t.Fatalf("mprotect: %v", err)
	}
	copy(data, randomBytes(uint64(n), n))
	return data, guard
}

// TestNothingReadPastTheInput: the kernels order the next block's words
// while hashing this one; they must never do so for a block that is not
// there, nor read before the input.
func TestNothingReadPastTheInput(t *testing.T) {
	t.Parallel()
	for _, atEnd := range []bool{true, false} {
		for _, blocks := range []int{1, 2, 3, 7, 32, 33} {
			data, _ := guarded(t, blocks*blockSize, atEnd)
			for _, k := range kernels {
				h := newHasher(k.blocks)
				k.blocks(&h.st, &data[0], blocks, &constants) // faults if it reads past
			}
		}
		for _, n := range []int{1, 127, 128, 129, 255, 256, 257, 385, 4095, 4096, 4097, 65537} {
			data, _ := guarded(t, n, atEnd)
			want := bytes.Clone(data)
			for name, newH := range hashers(t) {
				h := newH()
				h.Add(data)
				wantSHA, wantBlake := reference(want)
				if gotSHA, gotBlake := h.Sums(); gotSHA != wantSHA || gotBlake != wantBlake {
					t.Fatalf("%s: %d guarded bytes: digests differ from the libraries'", name, n)
				}
			}
		}
	}
}

// TestNoBlockReadsNothing: a kernel given no block touches neither memory
// nor state.
func TestNoBlockReadsNothing(t *testing.T) {
	t.Parallel()
	_, guard := guarded(t, blockSize, true)
	for _, k := range kernels {
		h := newHasher(k.blocks)
		before := h.st
		k.blocks(&h.st, &guard[0], 0, &constants)
		if h.st.blake != before.blake || h.st.sha != before.sha || h.st.counter != before.counter {
			t.Fatalf("%s: no block changed the state", k.needs)
		}
	}
}
