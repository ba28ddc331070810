package dist

import "strings"

// Platform tags the index accepts (docs/index-server.md §2.2, from
// Warehouse's _valid_platform_tag). Everything else, notably linux_x86_64,
// is refused.
var fixedPlatformTags = map[string]bool{
	"any": true, "win32": true, "win_arm64": true, "win_amd64": true, "win_ia64": true,
	"manylinux1_x86_64": true, "manylinux1_i686": true,
	"manylinux2010_x86_64": true, "manylinux2010_i686": true,
	"manylinux2014_x86_64": true, "manylinux2014_i686": true, "manylinux2014_aarch64": true,
	"manylinux2014_armv7l": true, "manylinux2014_ppc64": true, "manylinux2014_ppc64le": true,
	"manylinux2014_s390x": true,
	"linux_armv6l":        true, "linux_armv7l": true,
}

var (
	macArches = set("ppc", "ppc64", "i386", "x86_64", "arm64", "intel", "fat", "fat3", "fat64", "universal", "universal2")
	// macOS majors from 11 on must have minor 0.
	macMajors       = set("11", "12", "13", "14", "15", "26")
	manylinuxArches = set("x86_64", "i686", "aarch64", "armv7l", "ppc64le", "s390x", "riscv64", "ppc64")
	musllinuxArches = set("x86_64", "i686", "aarch64", "armv7l", "ppc64le", "s390x", "riscv64")
	iosArches       = set("arm64_iphoneos", "arm64_iphonesimulator", "x86_64_iphoneos", "x86_64_iphonesimulator")
	androidArches   = set("armeabi_v7a", "arm64_v8a", "x86", "x86_64")
)

func set(items ...string) map[string]bool {
	m := make(map[string]bool, len(items))
	for _, s := range items {
		m[s] = true
	}
	return m
}

// ValidPlatformTag reports whether the index accepts a wheel platform tag.
func ValidPlatformTag(tag string) bool {
	if fixedPlatformTags[tag] {
		return true
	}
	switch {
	case strings.HasPrefix(tag, "macosx_"):
		major, rest, ok := strings.Cut(tag[len("macosx_"):], "_")
		minor, arch, ok2 := strings.Cut(rest, "_")
		if !ok || !ok2 || !isDigits(minor) || !macArches[arch] {
			return false
		}
		return major == "10" || macMajors[major] && minor == "0"
	case strings.HasPrefix(tag, "manylinux_"):
		return glibcStyle(tag[len("manylinux_"):], manylinuxArches)
	case strings.HasPrefix(tag, "musllinux_"):
		return glibcStyle(tag[len("musllinux_"):], musllinuxArches)
	case strings.HasPrefix(tag, "ios_"):
		return glibcStyle(tag[len("ios_"):], iosArches)
	case strings.HasPrefix(tag, "android_"):
		level, arch, ok := strings.Cut(tag[len("android_"):], "_")
		return ok && isDigits(level) && androidArches[arch]
	case strings.HasPrefix(tag, "pyemscripten_"):
		return glibcStyle(tag[len("pyemscripten_"):], set("wasm32"))
	}
	return false
}

// glibcStyle matches "X_Y_<arch>" with numeric X and Y.
func glibcStyle(s string, arches map[string]bool) bool {
	x, rest, ok := strings.Cut(s, "_")
	if !ok {
		return false
	}
	y, arch, ok := strings.Cut(rest, "_")
	return ok && isDigits(x) && isDigits(y) && arches[arch]
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
