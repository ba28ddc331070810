package twohash

import (
	"bytes"
	"crypto/sha256"
	"math/rand/v2"
	"strings"
	"testing"

	"golang.org/x/crypto/blake2b"
)

// reference is what the libraries say of data.
func reference(data []byte) (sha, blake [Size]byte) {
	return sha256.Sum256(data), blake2b.Sum256(data)
}

func randomBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// hashers are this machine's kernels, each to be held to the libraries.
func hashers(t *testing.T) map[string]func() *Hasher {
	t.Helper()
	if len(kernels) == 0 {
		t.Skip("this machine has no kernel (SHA-NI with AVX or AVX-512VL), so nothing here runs on it")
	}
	paths := map[string]func() *Hasher{}
	for _, k := range kernels {
		paths[k.needs] = func() *Hasher { return newHasher(k.blocks) }
	}
	return paths
}

func TestEveryLengthAtOnce(t *testing.T) {
	t.Parallel()
	data := randomBytes(1, 1200)
	for name, newH := range hashers(t) {
		for n := 0; n <= len(data); n++ {
			h := newH()
			h.Add(data[:n])
			gotSHA, gotBlake := h.Sums()
			wantSHA, wantBlake := reference(data[:n])
			if gotSHA != wantSHA || gotBlake != wantBlake {
				t.Fatalf("%s: %d bytes: sha256 %x blake2b %x, want %x and %x", name, n, gotSHA, gotBlake, wantSHA, wantBlake)
			}
		}
	}
}

// TestSplitWrites cuts one input at every kind of boundary: inside a
// block, on a block's end (whose compression must wait for the next
// byte), and across many blocks.
func TestSplitWrites(t *testing.T) {
	t.Parallel()
	data := randomBytes(2, 5000)
	wantSHA, wantBlake := reference(data)
	cuts := []int{0, 1, 63, 64, 65, 127, 128, 129, 255, 256, 257, 1000, 1024, 4999, 5000}
	for name, newH := range hashers(t) {
		for _, a := range cuts {
			for _, b := range cuts {
				if b < a {
					continue
				}
				h := newH()
				h.Add(data[:a])
				h.Add(data[a:b])
				h.Add(nil)
				h.Add(data[b:])
				if gotSHA, gotBlake := h.Sums(); gotSHA != wantSHA || gotBlake != wantBlake {
					t.Fatalf("%s: cut at %d and %d: digests differ from the libraries'", name, a, b)
				}
			}
		}
	}
}

func TestRandomWritesOfLargeInputs(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	for name, newH := range hashers(t) {
		for round := range 20 {
			data := randomBytes(uint64(round), r.IntN(3<<20))
			h := newH()
			for rest := data; len(rest) > 0; {
				n := min(len(rest), r.IntN(300<<10)+1)
				h.Add(rest[:n])
				rest = rest[n:]
			}
			wantSHA, wantBlake := reference(data)
			if gotSHA, gotBlake := h.Sums(); gotSHA != wantSHA || gotBlake != wantBlake {
				t.Fatalf("%s: round %d (%d bytes): digests differ from the libraries'", name, round, len(data))
			}
		}
	}
}

// TestSumsDoesNotEndTheHash: Sums may be asked midway, as hash.Hash's Sum.
func TestSumsDoesNotEndTheHash(t *testing.T) {
	t.Parallel()
	data := randomBytes(5, 700)
	for name, newH := range hashers(t) {
		h := newH()
		h.Add(data[:300])
		if gotSHA, _ := h.Sums(); gotSHA != sha256.Sum256(data[:300]) {
			t.Fatalf("%s: midway sha256 differs", name)
		}
		h.Add(data[300:])
		wantSHA, wantBlake := reference(data)
		if gotSHA, gotBlake := h.Sums(); gotSHA != wantSHA || gotBlake != wantBlake {
			t.Fatalf("%s: digests after a midway Sums differ", name)
		}
	}
}

// TestKernelLeavesTheCallersBytes: the kernel never writes to its input
// (kernel_guard_linux_test.go checks that it reads nothing past it).
func TestKernelLeavesTheCallersBytes(t *testing.T) {
	t.Parallel()
	if len(kernels) == 0 {
		t.Skip("no kernel on this machine")
	}
	data := randomBytes(6, 4096)
	before := bytes.Clone(data)
	for _, k := range kernels {
		newHasher(k.blocks).Add(data)
		if !bytes.Equal(data, before) {
			t.Fatalf("the %s kernel wrote to its input", k.needs)
		}
	}
}

func FuzzAgainstLibraries(f *testing.F) {
	f.Add([]byte("abc"), uint16(1))
	f.Add(bytes.Repeat([]byte{0xff}, 385), uint16(128))
	f.Fuzz(func(t *testing.T, data []byte, cut uint16) {
		for name, newH := range hashers(t) {
			h := newH()
			c := min(int(cut), len(data))
			h.Add(data[:c])
			h.Add(data[c:])
			wantSHA, wantBlake := reference(data)
			if gotSHA, gotBlake := h.Sums(); gotSHA != wantSHA || gotBlake != wantBlake {
				t.Fatalf("%s: %d bytes cut at %d: digests differ", name, len(data), c)
			}
		}
	})
}

func BenchmarkHash(b *testing.B) {
	data := randomBytes(7, 256<<10)
	for _, k := range kernels {
		b.Run("pair/"+strings.ReplaceAll(k.needs, " ", "-"), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			h := newHasher(k.blocks)
			for b.Loop() {
				h.Add(data)
			}
		})
	}
	b.Run("libraries", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		sha := sha256.New()
		blake, _ := blake2b.New256(nil)
		for b.Loop() {
			sha.Write(data)
			blake.Write(data)
		}
	})
	b.Run("blake2b", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		h, _ := blake2b.New256(nil)
		for b.Loop() {
			h.Write(data)
		}
	})
	b.Run("sha256", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		h := sha256.New()
		for b.Loop() {
			h.Write(data)
		}
	})
}

// TestKernelsAgreeWithCompress drives each kernel from a counter near and
// past 2^32 bytes (no test input is that long) and compares every block
// with compress.go's plain Go.
func TestKernelsAgreeWithCompress(t *testing.T) {
	t.Parallel()
	const blocks = 5
	data := randomBytes(8, blocks*blockSize)
	for _, start := range []uint64{0, 1<<32 - 2*blockSize, 1<<32 - blockSize, 1<<40 + 1<<32 - blockSize, 1<<63 - blockSize} {
		wantChain, wantSHA := blake2bIV, sha256Init
		wantChain[0] ^= 0x01010000 | Size
		for i := range blocks {
			block := (*[blockSize]byte)(data[i*blockSize:])
			blake2bCompress(&wantChain, block, start+uint64(i+1)*blockSize, false)
			sha256Block(&wantSHA, block[:64])
			sha256Block(&wantSHA, block[64:])
		}
		for _, k := range kernels {
			h := newHasher(k.blocks)
			h.st.counter[0] = start
			k.blocks(&h.st, &data[0], blocks, &constants)
			if h.st.blake != wantChain || h.st.sha != wantSHA || h.st.counter[0] != start+blocks*blockSize {
				t.Fatalf("%s from byte %d: state differs from compress.go's", k.needs, start)
			}
		}
	}
}
