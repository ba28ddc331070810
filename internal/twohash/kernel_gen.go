//go:build ignore

// kernel_gen.go writes kernel_amd64.s: one loop that computes BLAKE2b
// (AVX-512VL on 256-bit registers) and SHA-256 (SHA-NI) over the same
// 128-byte blocks, the two instruction streams interleaved. Each hash
// alone is bound by the latency of its own chain of dependent
// instructions, not by the core's execution units, so a core running both
// chains side by side does the pair in little more time than the slower
// one alone. Run: go generate ./internal/twohash
//
// What the measurements decided (BenchmarkHash, one core):
//   - No 512-bit instruction: while one is in flight, Intel cores stop
//     issuing vector work to port 1. Gathering each round's message words
//     with VPERMI2Q on ZMM registers cost a fifth of the speed.
//   - The message words are instead put in each round's order by plain
//     64-bit moves, for the next block while this one is hashed (into the
//     second of two buffers, so no load waits on a store just made); the
//     rounds then add them straight from memory. Moves use the load and
//     store ports, which neither hash needs.
//   - How finely the two streams are interleaved does not matter: the
//     core's reorder window spans a BLAKE2b round and then some.
//   - The upper halves of YMM0–15 must stay clear. SHA-NI has only legacy
//     SSE encodings, and an SSE instruction run while the upper half of
//     any of YMM0–15 is in use pays for the transition: a variant with
//     BLAKE2b on 256-bit AVX2 registers (rows in Y11–Y14) ran at 14 MB/s
//     instead of 1,300. So the AVX-512 kernel keeps BLAKE2b in registers
//     16–31, which are outside that state, and the AVX kernel uses 128-bit
//     VEX instructions, which clear the upper halves they write; both
//     clear the state (VZEROUPPER) on entry in case the caller left it set.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"log"
	"os"
	"strconv"
)

// readSigma reads BLAKE2b's message schedule from compress.go, where the
// plain-Go compression function uses it, so the table has one source.
func readSigma(path string) (sigma [10][16]int) {
	file, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		log.Fatal(err)
	}
	found := false
	ast.Inspect(file, func(n ast.Node) bool {
		spec, ok := n.(*ast.ValueSpec)
		if !ok || len(spec.Names) != 1 || spec.Names[0].Name != "blake2bSigma" {
			return true
		}
		rows := spec.Values[0].(*ast.CompositeLit).Elts
		for r, row := range rows {
			for i, v := range row.(*ast.CompositeLit).Elts {
				word, err := strconv.Atoi(v.(*ast.BasicLit).Value)
				if err != nil {
					log.Fatal(err)
				}
				sigma[r][i] = word
			}
		}
		found = len(rows) == len(sigma)
		return false
	})
	if !found {
		log.Fatalf("%s: no blake2bSigma of %d rows", path, len(sigma))
	}
	return sigma
}

var blake2bSigma = readSigma("compress.go")

// Offsets into kernelConstants and kernelState (kernel_amd64.go and
// twohash.go; a test checks them).
const (
	offIV    = 0   // [8]uint64: BLAKE2b's IV
	offStep  = 64  // [4]uint64: 128, 0, 0, 0
	offK     = 96  // [64]uint32: SHA-256's round constants
	offFlip  = 352 // [16]byte: PSHUFB mask for big-endian words
	offRot24 = 368 // [16]byte: VPSHUFB mask turning each 64-bit word right by 24 bits
	offRot16 = 384 // [16]byte: the same by 16 bits

	offChain   = 0   // [8]uint64: BLAKE2b's chain value
	offCounter = 64  // [4]uint64: bytes compressed, 0, 0, 0
	offSHA     = 96  // [8]uint32: SHA-256's a..h
	offOrdered = 128 // [2][48][4]uint64: a block's message words in each round's order
	orderedLen = 48 * 32
	offSHASave = 3200 // [8]uint32: SHA-256's state at a block's start (blocksAVX)
)

type asm struct{ bytes.Buffer }

func (a *asm) op(format string, args ...any) { fmt.Fprintf(&a.Buffer, "\t"+format+"\n", args...) }
func (a *asm) line(format string, args ...any) {
	fmt.Fprintf(&a.Buffer, format+"\n", args...)
}

// The AVX-512 kernel's BLAKE2b registers are 16–31, which only EVEX
// instructions reach, so their upper halves never count against the
// SHA-256 code's legacy SSE instructions on X0–X15 (the AVX kernel's are
// below, with it).
const (
	rowA, rowB, rowC, rowD = "Y16", "Y17", "Y18", "Y19"
	chainLo, chainHi       = "Y20", "Y21"
	ivLo, ivHi             = "Y28", "Y29"
	counter, step          = "Y30", "Y31"
	// The ordered words of the block being hashed, and of the next.
	thisBlock, nextBlock = "R9", "R10"
)

// SHA-256's registers (SHA256RNDS2 reads its message words from X0).
const (
	shaMsg, state0, state1, shaTmp, flipMask, save0, save1 = "X0", "X1", "X2", "X7", "X8", "X9", "X10"
)

var schedule = [4]string{"X3", "X4", "X5", "X6"}

// orderWords copies round r's sixteen message words of the block at SI
// (plus off) into buf in the order of the round's four vectors: the
// column step's first and second words, then the diagonal step's.
func (a *asm) orderWords(r, off int, buf string) {
	s := blake2bSigma[r%10]
	temps := []string{"AX", "BX", "DX", "R11"}
	for v := range 4 {
		for lane := range 4 {
			word := s[(v/2)*8+2*lane+v%2]
			t := temps[lane]
			a.op("MOVQ %d(SI), %s", off+8*word, t)
			a.op("MOVQ %s, %d(%s)", t, (r*4+v)*32+8*lane, buf)
		}
	}
}

// gHalves are the two halves of BLAKE2b's G: which message vector each
// adds (the first or the second of a step), and the rotations of D and B.
var gHalves = [2]struct{ second, rotD, rotB int }{{0, 32, 24}, {1, 16, 63}}

// g is BLAKE2b's G function on all four columns at once; x and y are the
// message vectors' addresses.
func (a *asm) g(x, y string) {
	for _, h := range gHalves {
		m := x
		if h.second == 1 {
			m = y
		}
		a.op("VPADDQ %s, %s, %s", m, rowA, rowA)
		a.op("VPADDQ %s, %s, %s", rowB, rowA, rowA)
		a.op("VPXORQ %s, %s, %s", rowA, rowD, rowD)
		a.op("VPRORQ $%d, %s, %s", h.rotD, rowD, rowD)
		a.op("VPADDQ %s, %s, %s", rowD, rowC, rowC)
		a.op("VPXORQ %s, %s, %s", rowC, rowB, rowB)
		a.op("VPRORQ $%d, %s, %s", h.rotB, rowB, rowB)
	}
}

// blakeRound is one of BLAKE2b's twelve rounds: the columns, then the
// diagonals (rows B, C and D turned so that each diagonal is a column).
// SHA-256's share of the block and the ordering of the next block's words
// are spread among its steps.
func (a *asm) blakeRound(r int, fillNext bool) {
	vec := func(v int) string { return fmt.Sprintf("%d(%s)", (r*4+v)*32, thisBlock) }
	a.g(vec(0), vec(1))
	a.shaStep(2*r, 24, false)
	a.op("VPERMQ $0x39, %s, %s", rowB, rowB)
	a.op("VPERMQ $0x4e, %s, %s", rowC, rowC)
	a.op("VPERMQ $0x93, %s, %s", rowD, rowD)
	if fillNext {
		a.orderWords(r, 128, nextBlock)
	}
	a.g(vec(2), vec(3))
	a.shaStep(2*r+1, 24, false)
	a.op("VPERMQ $0x93, %s, %s", rowB, rowB)
	a.op("VPERMQ $0x4e, %s, %s", rowC, rowC)
	a.op("VPERMQ $0x39, %s, %s", rowD, rowD)
}

// shaQuad is SHA-256's rounds 4q to 4q+3 of the 64-byte block at off(SI),
// with the message schedule for the rounds after it (Intel's SHA
// extensions: the state as ABEF and CDGH, W in four registers).
func (a *asm) shaQuad(q, off int, flip string) {
	w := schedule[q%4]
	if q < 4 {
		a.op("VMOVDQU %d(SI), %s", off+16*q, w)
		a.op("VPSHUFB %s, %s, %s", flip, w, w)
	}
	a.op("VPADDD %d(R8), %s, %s", offK+16*q, w, shaMsg)
	a.op("SHA256RNDS2 X0, %s, %s", state0, state1)
	if q >= 3 && q <= 14 {
		next := schedule[(q+1)%4]
		a.op("VPALIGNR $4, %s, %s, %s", schedule[(q+3)%4], w, shaTmp)
		a.op("VPADDD %s, %s, %s", shaTmp, next, next)
		a.op("SHA256MSG2 %s, %s", w, next)
	}
	a.op("VPSHUFD $0x0e, %s, %s", shaMsg, shaMsg)
	a.op("SHA256RNDS2 X0, %s, %s", state1, state0)
	if q >= 1 && q <= 12 {
		a.op("SHA256MSG1 %s, %s", w, schedule[(q+3)%4])
	}
}

// shaStep emits part i of n of SHA-256's work on the 128-byte block: two
// SHA-256 blocks of 16 quad rounds each. inMemory: the flip mask and the
// state saved at a block's start are in memory, not in registers.
func (a *asm) shaStep(i, n int, inMemory bool) {
	flip := flipMask
	if inMemory {
		flip = fmt.Sprintf("%d(R8)", offFlip)
	}
	from, to := 32*i/n, 32*(i+1)/n
	for q := from; q < to; q++ {
		if q%16 == 0 {
			if q > 0 {
				a.shaAddSaved(inMemory)
			}
			if inMemory {
				a.op("VMOVDQU %s, %d(DI)", state0, offSHASave)
				a.op("VMOVDQU %s, %d(DI)", state1, offSHASave+16)
			} else {
				a.op("VMOVDQA %s, %s", state0, save0)
				a.op("VMOVDQA %s, %s", state1, save1)
			}
		}
		a.shaQuad(q%16, 64*(q/16), flip)
	}
}

// shaAddSaved ends a SHA-256 block: the state at its start is added in.
func (a *asm) shaAddSaved(inMemory bool) {
	if inMemory {
		a.op("VPADDD %d(DI), %s, %s", offSHASave, state0, state0)
		a.op("VPADDD %d(DI), %s, %s", offSHASave+16, state1, state1)
		return
	}
	a.op("VPADDD %s, %s, %s", save0, state0, state0)
	a.op("VPADDD %s, %s, %s", save1, state1, state1)
}

// block hashes the block at SI with both hashes, and (when fillNext) puts
// the next block's words in order meanwhile.
func (a *asm) block(fillNext bool) {
	a.op("VPADDQ %s, %s, %s", step, counter, counter)
	a.op("VMOVDQA64 %s, %s", chainLo, rowA)
	a.op("VMOVDQA64 %s, %s", chainHi, rowB)
	a.op("VMOVDQA64 %s, %s", ivLo, rowC)
	a.op("VPXORQ %s, %s, %s", counter, ivHi, rowD)
	for r := range 12 {
		a.blakeRound(r, fillNext)
	}
	a.shaAddSaved(false)
	a.op("VPTERNLOGQ $0x96, %s, %s, %s", rowC, rowA, chainLo)
	a.op("VPTERNLOGQ $0x96, %s, %s, %s", rowD, rowB, chainHi)
}

func (a *asm) kernel() {
	a.line("// func blocksAVX512(s *kernelState, p *byte, n int, c *kernelConstants)")
	a.line("TEXT ·blocksAVX512(SB), NOSPLIT, $0-32")
	a.op("MOVQ s+0(FP), DI")
	a.op("MOVQ p+8(FP), SI")
	a.op("MOVQ n+16(FP), CX")
	a.op("MOVQ c+24(FP), R8")
	a.op("VZEROUPPER")
	a.op("VMOVDQU64 %d(DI), %s", offChain, chainLo)
	a.op("VMOVDQU64 %d(DI), %s", offChain+32, chainHi)
	a.op("VMOVDQU64 %d(DI), %s", offCounter, counter)
	a.op("VMOVDQU64 %d(R8), %s", offIV, ivLo)
	a.op("VMOVDQU64 %d(R8), %s", offIV+32, ivHi)
	a.op("VMOVDQU64 %d(R8), %s", offStep, step)
	a.loadSHA()
	a.op("VMOVDQU %d(R8), %s", offFlip, flipMask)
	a.loop("AVX512", a.block)
	a.line("doneAVX512:")
	a.op("VMOVDQU64 %s, %d(DI)", chainLo, offChain)
	a.op("VMOVDQU64 %s, %d(DI)", chainHi, offChain+32)
	a.op("VMOVDQU64 %s, %d(DI)", counter, offCounter)
	a.storeSHA()
	a.op("VZEROUPPER")
	a.op("RET")
	a.line("")
}

// loadSHA turns SHA-256's state a..h into the ABEF and CDGH the
// instructions work on.
func (a *asm) loadSHA() {
	a.op("VMOVDQU %d(DI), %s", offSHA, state0)
	a.op("VMOVDQU %d(DI), %s", offSHA+16, state1)
	a.op("VPSHUFD $0xb1, %s, %s", state0, state0)
	a.op("VPSHUFD $0x1b, %s, %s", state1, state1)
	a.op("VMOVDQA %s, %s", state0, shaTmp)
	a.op("VPALIGNR $8, %s, %s, %s", state1, state0, state0)
	a.op("VPBLENDW $0xf0, %s, %s, %s", shaTmp, state1, state1)
}

// storeSHA turns ABEF and CDGH back into a..h.
func (a *asm) storeSHA() {
	a.op("VPSHUFD $0x1b, %s, %s", state0, state0)
	a.op("VPSHUFD $0xb1, %s, %s", state1, state1)
	a.op("VMOVDQA %s, %s", state0, shaTmp)
	a.op("VPBLENDW $0xf0, %s, %s, %s", state1, state0, state0)
	a.op("VPALIGNR $8, %s, %s, %s", shaTmp, state1, state1)
	a.op("VMOVDQU %s, %d(DI)", state0, offSHA)
	a.op("VMOVDQU %s, %d(DI)", state1, offSHA+16)
}

// loop orders the first block's words, then hashes every block: all but
// the last while ordering the next one's words.
func (a *asm) loop(name string, block func(fillNext bool)) {
	// No block (a caller's slip): nothing may be read at all.
	a.op("TESTQ CX, CX")
	a.op("JEQ done%s", name)
	a.op("LEAQ %d(DI), %s", offOrdered, thisBlock)
	a.op("LEAQ %d(DI), %s", offOrdered+orderedLen, nextBlock)
	for r := range 12 {
		a.orderWords(r, 0, thisBlock)
	}
	a.line("loop%s:", name)
	a.op("CMPQ CX, $1")
	a.op("JEQ last%s", name)
	block(true)
	a.op("ADDQ $128, SI")
	a.op("DECQ CX")
	a.op("XCHGQ %s, %s", thisBlock, nextBlock)
	a.op("JMP loop%s", name)
	a.line("last%s:", name)
	block(false)
}

func (a *asm) cpuid() {
	a.line("// func cpuid(leaf, sub uint32) (eax, ebx, ecx, edx uint32)")
	a.line("TEXT ·cpuid(SB), NOSPLIT, $0-24")
	a.op("MOVL leaf+0(FP), AX")
	a.op("MOVL sub+4(FP), CX")
	a.op("CPUID")
	a.op("MOVL AX, eax+8(FP)")
	a.op("MOVL BX, ebx+12(FP)")
	a.op("MOVL CX, ecx+16(FP)")
	a.op("MOVL DX, edx+20(FP)")
	a.op("RET")
}

func main() {
	out := flag.String("out", "kernel_amd64.s", "write the assembly to `path`")
	flag.Parse()
	var a asm
	a.line("// Code generated by kernel_gen.go; DO NOT EDIT.")
	a.line("")
	a.line("//go:build gc && !purego")
	a.line("")
	a.line(`#include "textflag.h"`)
	a.line("")
	a.kernel()
	a.kernelAVX()
	a.cpuid()
	if err := os.WriteFile(*out, a.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
}

// The AVX kernel (blocksAVX) keeps BLAKE2b on 128-bit registers with VEX
// encodings, which leave the upper halves clear, so SHA-NI's legacy SSE
// instructions pay nothing. Each row is two registers, X8–X15; X7 is the
// scratch of both hashes (each writes it before reading it), and the
// masks, SHA-256's flip mask and saved state are in memory.
type halves struct{ lo, hi string }

var (
	row128A = halves{"X8", "X9"}
	row128B = halves{"X10", "X11"}
	row128C = halves{"X12", "X13"}
	row128D = halves{"X14", "X15"}
)

const scratch128 = "X7"

func (a *asm) rotate128(n int, h halves) {
	switch n {
	case 32:
		a.op("VPSHUFD $0xb1, %s, %s", h.lo, h.lo)
		a.op("VPSHUFD $0xb1, %s, %s", h.hi, h.hi)
	case 24, 16:
		off := offRot24
		if n == 16 {
			off = offRot16
		}
		a.op("VPSHUFB %d(R8), %s, %s", off, h.lo, h.lo)
		a.op("VPSHUFB %d(R8), %s, %s", off, h.hi, h.hi)
	case 63: // left by one: the word doubled, its top bit brought round
		for _, reg := range []string{h.lo, h.hi} {
			a.op("VPSRLQ $63, %s, %s", reg, scratch128)
			a.op("VPADDQ %s, %s, %s", reg, reg, reg)
			a.op("VPXOR %s, %s, %s", scratch128, reg, reg)
		}
	}
}

// add2 and xor2 combine two rows half by half: dst += src, dst ^= src.
func (a *asm) add2(src, dst halves) {
	a.op("VPADDQ %s, %s, %s", src.lo, dst.lo, dst.lo)
	a.op("VPADDQ %s, %s, %s", src.hi, dst.hi, dst.hi)
}

func (a *asm) xor2(src, dst halves) {
	a.op("VPXOR %s, %s, %s", src.lo, dst.lo, dst.lo)
	a.op("VPXOR %s, %s, %s", src.hi, dst.hi, dst.hi)
}

// g128 is G on the four columns; x and y are the offsets of the message
// vectors from thisBlock.
func (a *asm) g128(c rows128, x, y int) {
	for _, h := range gHalves {
		m := x
		if h.second == 1 {
			m = y
		}
		a.op("VPADDQ %d(%s), %s, %s", m, thisBlock, c.a.lo, c.a.lo)
		a.op("VPADDQ %d(%s), %s, %s", m+16, thisBlock, c.a.hi, c.a.hi)
		a.add2(c.b, c.a)
		a.xor2(c.a, c.d)
		a.rotate128(h.rotD, c.d)
		a.add2(c.d, c.c)
		a.xor2(c.c, c.b)
		a.rotate128(h.rotB, c.b)
	}
}

type rows128 struct{ a, b, c, d halves }

// turn moves each row's words one lane (B), two (C, by swapping which
// register is which half) or three (D) to the left, or back when undo
// is set; the words stay in their registers' roles.
func (a *asm) turn(c rows128, undo bool) rows128 {
	b, d := c.b, c.d
	if undo {
		b, d = d, b // turning back is the other row's turn
	}
	// b: (b1, b2), (b3, b0)
	a.op("VPALIGNR $8, %s, %s, %s", b.lo, b.hi, scratch128)
	a.op("VPALIGNR $8, %s, %s, %s", b.hi, b.lo, b.hi)
	a.op("VMOVDQA %s, %s", scratch128, b.lo)
	// d: (d3, d0), (d1, d2)
	a.op("VPALIGNR $8, %s, %s, %s", d.hi, d.lo, scratch128)
	a.op("VPALIGNR $8, %s, %s, %s", d.lo, d.hi, d.hi)
	a.op("VMOVDQA %s, %s", scratch128, d.lo)
	c.c = halves{c.c.hi, c.c.lo}
	return c
}

func (a *asm) blakeRound128(r int, fillNext bool) {
	c := rows128{row128A, row128B, row128C, row128D}
	vec := func(v int) int { return (r*4 + v) * 32 }
	a.g128(c, vec(0), vec(1))
	a.shaStep(2*r, 24, true)
	c = a.turn(c, false)
	if fillNext {
		a.orderWords(r, 128, nextBlock)
	}
	a.g128(c, vec(2), vec(3))
	a.shaStep(2*r+1, 24, true)
	a.turn(c, true)
}

func (a *asm) block128(fillNext bool) {
	A, B, C, D := row128A, row128B, row128C, row128D
	a.op("VMOVDQU %d(DI), %s", offCounter, scratch128)
	a.op("VPADDQ %d(R8), %s, %s", offStep, scratch128, scratch128)
	a.op("VMOVDQU %s, %d(DI)", scratch128, offCounter)
	a.op("VPXOR %d(R8), %s, %s", offIV+32, scratch128, D.lo)
	a.op("VMOVDQU %d(R8), %s", offIV+48, D.hi)
	a.op("VMOVDQU %d(DI), %s", offChain, A.lo)
	a.op("VMOVDQU %d(DI), %s", offChain+16, A.hi)
	a.op("VMOVDQU %d(DI), %s", offChain+32, B.lo)
	a.op("VMOVDQU %d(DI), %s", offChain+48, B.hi)
	a.op("VMOVDQU %d(R8), %s", offIV, C.lo)
	a.op("VMOVDQU %d(R8), %s", offIV+16, C.hi)
	for r := range 12 {
		a.blakeRound128(r, fillNext)
	}
	a.shaAddSaved(true)
	for i, pair := range [][2]string{{A.lo, C.lo}, {A.hi, C.hi}, {B.lo, D.lo}, {B.hi, D.hi}} {
		a.op("VPXOR %s, %s, %s", pair[1], pair[0], pair[0])
		a.op("VPXOR %d(DI), %s, %s", offChain+16*i, pair[0], pair[0])
		a.op("VMOVDQU %s, %d(DI)", pair[0], offChain+16*i)
	}
}

func (a *asm) kernelAVX() {
	a.line("// func blocksAVX(s *kernelState, p *byte, n int, c *kernelConstants)")
	a.line("TEXT ·blocksAVX(SB), NOSPLIT, $0-32")
	a.op("MOVQ s+0(FP), DI")
	a.op("MOVQ p+8(FP), SI")
	a.op("MOVQ n+16(FP), CX")
	a.op("MOVQ c+24(FP), R8")
	a.op("VZEROUPPER")
	a.loadSHA()
	a.loop("AVX", a.block128)
	a.line("doneAVX:")
	a.storeSHA()
	a.op("RET")
	a.line("")
}
