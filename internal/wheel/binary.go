package wheel

import (
	"bytes"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"fmt"
	"strconv"
	"strings"
)

// lcBuildVersion is Mach-O's LC_BUILD_VERSION load command.
const lcBuildVersion = 0x32

// machines are the executable formats' machine codes for each GOARCH.
var (
	elfMachines = map[string]elf.Machine{
		"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64, "386": elf.EM_386, "arm": elf.EM_ARM,
		"ppc64le": elf.EM_PPC64, "s390x": elf.EM_S390, "riscv64": elf.EM_RISCV,
	}
	machoCPUs  = map[string]macho.Cpu{"amd64": macho.CpuAmd64, "arm64": macho.CpuArm64}
	peMachines = map[string]uint16{"amd64": pe.IMAGE_FILE_MACHINE_AMD64, "arm64": pe.IMAGE_FILE_MACHINE_ARM64}
)

// CheckBinary reports why bin cannot go into t's wheel: it is not an
// executable of t's system and architecture, or, on macOS, it declares a
// minimum system (LC_BUILD_VERSION) newer than the wheel's tag promises.
func CheckBinary(t Target, bin []byte) error {
	r := bytes.NewReader(bin)
	switch t.GOOS {
	case "linux":
		f, err := elf.NewFile(r)
		if err != nil || f.Machine != elfMachines[t.GOARCH] {
			return fmt.Errorf("wheel: the binary for %s is not an ELF executable for %s", t, t.GOARCH)
		}
	case "windows":
		f, err := pe.NewFile(r)
		if err != nil || f.Machine != peMachines[t.GOARCH] {
			return fmt.Errorf("wheel: the binary for %s is not a PE executable for %s", t, t.GOARCH)
		}
	case "darwin":
		f, err := macho.NewFile(r)
		if err != nil || f.Cpu != machoCPUs[t.GOARCH] {
			return fmt.Errorf("wheel: the binary for %s is not a Mach-O executable for %s", t, t.GOARCH)
		}
		return checkMacOS(t, f)
	}
	return nil
}

// checkMacOS compares the binary's minimum macOS with the tag's.
func checkMacOS(t Target, f *macho.File) error {
	var major, minor uint32
	for _, l := range f.Loads {
		raw := l.Raw()
		if len(raw) >= 16 && f.ByteOrder.Uint32(raw) == lcBuildVersion {
			minos := f.ByteOrder.Uint32(raw[12:])
			major, minor = minos>>16, minos>>8&0xff
		}
	}
	if major == 0 {
		return fmt.Errorf("wheel: the binary for %s has no LC_BUILD_VERSION", t)
	}
	// macosx_<major>_<minor>_<arch>
	parts := strings.SplitN(strings.TrimPrefix(t.Platform, "macosx_"), "_", 3)
	tagMajor, err1 := strconv.ParseUint(parts[0], 10, 32)
	tagMinor, err2 := strconv.ParseUint(parts[1], 10, 32)
	if err1 != nil || err2 != nil {
		return fmt.Errorf("wheel: %s: platform tag %q is not macosx_<major>_<minor>_<arch>", t, t.Platform)
	}
	if uint64(major)<<8|uint64(minor) > tagMajor<<8|tagMinor {
		return fmt.Errorf("wheel: the binary for %s needs macOS %d.%d, but the tag %s promises %d.%d",
			t, major, minor, t.Platform, tagMajor, tagMinor)
	}
	return nil
}
