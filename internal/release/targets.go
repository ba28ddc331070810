package release

import (
	"fmt"
	"strings"
)

// Target is one operating system and architecture to build for.
type Target struct {
	OS   string // GOOS
	Arch string // GOARCH; "arm" is built with GOARM=7
}

// Targets are the platforms of a release, in the order they are built.
var Targets = []Target{
	{"linux", "amd64"}, {"linux", "arm64"}, {"linux", "386"}, {"linux", "arm"},
	{"linux", "ppc64le"}, {"linux", "s390x"}, {"linux", "riscv64"},
	{"darwin", "amd64"}, {"darwin", "arm64"},
	{"windows", "amd64"}, {"windows", "arm64"},
	{"freebsd", "amd64"},
}

// String returns "os/arch".
func (t Target) String() string { return t.OS + "/" + t.Arch }

// BinaryName is the executable's name inside the archive: pyupload, or
// pyupload.exe on Windows.
func (t Target) BinaryName() string {
	if t.OS == "windows" {
		return "pyupload.exe"
	}
	return "pyupload"
}

// ArchiveName is pyupload_<version>_<os>_<arch>.tar.gz, or .zip for
// Windows. The action and the wheel packager rely on it: never change it.
func ArchiveName(version string, t Target) string {
	ext := ".tar.gz"
	if t.OS == "windows" {
		ext = ".zip"
	}
	return fmt.Sprintf("pyupload_%s_%s_%s%s", version, t.OS, t.Arch, ext)
}

// env is what go build needs for t besides the caller's environment. The
// microarchitecture levels are pinned to Go's defaults so that a GOAMD64
// or GOARM in the caller's environment cannot change the bytes.
func (t Target) env() []string {
	e := []string{"CGO_ENABLED=0", "GOOS=" + t.OS, "GOARCH=" + t.Arch,
		"GOAMD64=v1", "GO386=sse2", "GOARM=7", "GOARM64=v8.0", "GOPPC64=power8", "GORISCV64=rva20u64",
		"GOFLAGS=-mod=readonly", "GOEXPERIMENT="}
	return e
}

// ParseTargets reads a comma-separated list of os/arch pairs; each must be
// one of [Targets]. An empty list means all of them.
func ParseTargets(list string) ([]Target, error) {
	if strings.TrimSpace(list) == "" {
		return Targets, nil
	}
	var out []Target
	for s := range strings.SplitSeq(list, ",") {
		goos, arch, _ := strings.Cut(strings.TrimSpace(s), "/")
		t := Target{goos, arch}
		found := false
		for _, k := range Targets {
			found = found || k == t
		}
		if !found {
			return nil, fmt.Errorf("release: unknown target %q", s)
		}
		out = append(out, t)
	}
	return out, nil
}
