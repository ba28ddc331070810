package wheel

import (
	"fmt"
	"strings"
)

// Target is one platform a wheel is built for: the Go toolchain's GOOS
// and GOARCH, and the wheel's platform tags (a compressed tag set,
// PEP 425).
//
// The binaries are static (CGO_ENABLED=0), so a Linux wheel runs on any
// libc: its tags name glibc 2.17 (manylinux2014, the oldest policy with
// every architecture) and musl 1.1, so that pip picks it on glibc and
// musl systems alike. manylinux2014 has no riscv64 policy and the index
// refuses the tag (docs/index-server.md §2.2), so riscv64 has the PEP 600
// form only. The macOS tags name 12.0: Go's linker marks its darwin
// binaries as needing macOS 12 (LC_BUILD_VERSION, checked by
// [CheckBinary]), so an older tag would let pip install a binary the
// system cannot run.
type Target struct {
	GOOS, GOARCH string
	Platform     string
}

// Targets are the platforms `make wheels` builds, in order.
var Targets = []Target{
	{"linux", "amd64", linux("x86_64", true)},
	{"linux", "arm64", linux("aarch64", true)},
	{"linux", "386", linux("i686", true)},
	{"linux", "arm", linux("armv7l", true)},
	{"linux", "ppc64le", linux("ppc64le", true)},
	{"linux", "s390x", linux("s390x", true)},
	{"linux", "riscv64", linux("riscv64", false)},
	{"darwin", "amd64", "macosx_12_0_x86_64"},
	{"darwin", "arm64", "macosx_12_0_arm64"},
	{"windows", "amd64", "win_amd64"},
	{"windows", "arm64", "win_arm64"},
}

// linux is the tag set of a static Linux binary on arch; legacy adds
// manylinux2014's alias of manylinux_2_17.
func linux(arch string, legacy bool) string {
	tags := []string{"manylinux_2_17_" + arch}
	if legacy {
		tags = append(tags, "manylinux2014_"+arch)
	}
	return strings.Join(append(tags, "musllinux_1_1_"+arch), ".")
}

// String returns "goos/goarch".
func (t Target) String() string { return t.GOOS + "/" + t.GOARCH }

// Script is the name of the command in the wheel's scripts directory:
// pyupload, or pyupload.exe on Windows.
func (t Target) Script() string {
	if t.GOOS == "windows" {
		return Name + ".exe"
	}
	return Name
}

// Tags are the wheel's tags, one per platform tag of the set, as the
// WHEEL file lists them: py3-none-<platform>.
func (t Target) Tags() []string {
	var tags []string
	for p := range strings.SplitSeq(t.Platform, ".") {
		tags = append(tags, "py3-none-"+p)
	}
	return tags
}

// ParseTargets reads a comma-separated list of goos/goarch pairs, each one
// of [Targets]. An empty list means all of them.
func ParseTargets(list string) ([]Target, error) {
	if strings.TrimSpace(list) == "" {
		return Targets, nil
	}
	var out []Target
	for s := range strings.SplitSeq(list, ",") {
		t, ok := FindTarget(strings.TrimSpace(s))
		if !ok {
			return nil, fmt.Errorf("wheel: unknown target %q (one of %s)", s, targetList())
		}
		out = append(out, t)
	}
	return out, nil
}

// FindTarget returns the target named "goos/goarch".
func FindTarget(name string) (Target, bool) {
	for _, t := range Targets {
		if t.String() == name {
			return t, true
		}
	}
	return Target{}, false
}

func targetList() string {
	names := make([]string, len(Targets))
	for i, t := range Targets {
		names[i] = t.String()
	}
	return strings.Join(names, ", ")
}
