package wheel_test

import (
	"encoding/binary"
	"strings"
	"testing"

	"github.com/pyupload/pyupload/internal/wheel"
)

// machO is a minimal 64-bit Mach-O executable header for cpu with one
// LC_BUILD_VERSION (minimum macOS major.minor), or none when major is 0.
func machO(cpu uint32, major, minor uint32) []byte {
	le := binary.LittleEndian
	var cmds []byte
	if major > 0 {
		cmd := make([]byte, 24)
		le.PutUint32(cmd[0:], 0x32)                // LC_BUILD_VERSION
		le.PutUint32(cmd[4:], 24)                  // cmdsize
		le.PutUint32(cmd[8:], 1)                   // PLATFORM_MACOS
		le.PutUint32(cmd[12:], major<<16|minor<<8) // minos
		le.PutUint32(cmd[16:], major<<16|minor<<8) // sdk
		cmds = cmd
	}
	h := make([]byte, 32)
	le.PutUint32(h[0:], 0xfeedfacf) // MH_MAGIC_64
	le.PutUint32(h[4:], cpu)
	le.PutUint32(h[12:], 2) // MH_EXECUTE
	if len(cmds) > 0 {
		le.PutUint32(h[16:], 1)
		le.PutUint32(h[20:], uint32(len(cmds)))
	}
	return append(h, cmds...)
}

// TestCheckMacOS: a darwin binary goes into a wheel whose tag promises no
// older macOS than the binary's minimum.
func TestCheckMacOS(t *testing.T) {
	t.Parallel()
	arm, _ := wheel.FindTarget("darwin/arm64")
	intel, _ := wheel.FindTarget("darwin/amd64")
	const cpuArm64, cpuAmd64 = 0x0100000c, 0x01000007
	for _, c := range []struct {
		name   string
		target wheel.Target
		bin    []byte
		err    string
	}{
		{"Go's minimum, arm64", arm, machO(cpuArm64, 12, 0), ""},
		{"Go's minimum, x86-64", intel, machO(cpuAmd64, 12, 0), ""},
		{"older than the tag", arm, machO(cpuArm64, 11, 0), ""},
		{"newer than the tag", arm, machO(cpuArm64, 13, 0), "needs macOS 13.0"},
		{"minor above the tag", intel, machO(cpuAmd64, 12, 3), "needs macOS 12.3"},
		{"no build version", arm, machO(cpuArm64, 0, 0), "no LC_BUILD_VERSION"},
		{"other architecture", intel, machO(cpuArm64, 12, 0), "not a Mach-O executable for amd64"},
		{"not Mach-O", arm, []byte("#!/bin/sh\n"), "not a Mach-O executable for arm64"},
	} {
		err := wheel.CheckBinary(c.target, c.bin)
		if c.err == "" && err != nil || c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)) {
			t.Errorf("%s: CheckBinary(%s) = %v, want %q", c.name, c.target, err, c.err)
		}
	}
}
