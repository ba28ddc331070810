//go:build gc && !purego

package twohash

import "golang.org/x/sys/cpu"

// blocksAVX512 hashes n 128-byte blocks at p into s with both hashes;
// none of them is BLAKE2b's last block. n should be at least 1 (with 0 it
// reads nothing and changes nothing).
//
//go:noescape
func blocksAVX512(s *kernelState, p *byte, n int, c *kernelConstants)

// blocksAVX is blocksAVX512 with BLAKE2b on 128-bit registers, for CPUs
// with SHA-NI but no AVX-512.
//
//go:noescape
func blocksAVX(s *kernelState, p *byte, n int, c *kernelConstants)

func cpuid(leaf, sub uint32) (eax, ebx, ecx, edx uint32)

// kernelConstants are the kernels' tables; their offsets are fixed by
// kernel_gen.go.
type kernelConstants struct {
	iv    [8]uint64
	step  [4]uint64
	k     [64]uint32
	flip  [16]byte
	rot24 [16]byte
	rot16 [16]byte
}

var constants = kernelConstants{
	iv:   blake2bIV,
	step: [4]uint64{blockSize},
	k:    sha256K,
	// Each 32-bit word's bytes turned around: SHA-256 reads big-endian words.
	flip:  [16]byte{3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12},
	rot24: rotateBytes(3),
	rot16: rotateBytes(2),
}

// rotateBytes is the VPSHUFB mask that turns each 64-bit word right by n
// bytes.
func rotateBytes(n byte) (mask [16]byte) {
	for i := range byte(16) {
		mask[i] = i&^7 + (i+n)&7
	}
	return mask
}

// kernels are the machine's kernels, fastest first: one for CPUs with
// SHA-NI and AVX-512VL (Intel's since Ice Lake that have AVX-512, AMD's
// since Zen 4), one for those with SHA-NI and AVX (AMD's Zen 1 to 3,
// Intel's Alder Lake and later desktop cores). Others (Intel's Skylake to
// Cascade Lake have no SHA-NI) hash with the libraries. CPUID's SHA bit
// is read directly: golang.org/x/sys/cpu does not report it on x86, and
// so GODEBUG=cpu.sha=off, which turns SHA-NI off for crypto/sha256, does
// not reach these kernels (cpu.avx=off and cpu.avx512f=off do).
var kernels = func() []kernel {
	if !cpu.X86.HasAVX || !cpu.X86.HasSSSE3 || !cpu.X86.HasSSE41 || !hasSHANI() {
		return nil
	}
	var ks []kernel
	if cpu.X86.HasAVX512F && cpu.X86.HasAVX512VL {
		ks = append(ks, kernel{"AVX-512VL and SHA-NI", blocksAVX512})
	}
	return append(ks, kernel{"AVX and SHA-NI", blocksAVX})
}()

// hasSHANI reads CPUID leaf 7's SHA bit, which golang.org/x/sys/cpu does
// not report on x86.
func hasSHANI() bool {
	if maxLeaf, _, _, _ := cpuid(0, 0); maxLeaf < 7 {
		return false
	}
	_, ebx, _, _ := cpuid(7, 0)
	return ebx&(1<<29) != 0
}
