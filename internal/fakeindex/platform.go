package fakeindex

import "regexp"

// The platform tags of Warehouse's _valid_platform_tag
// (warehouse/forklift/legacy.py, docs/index-server.md §2.2).
var (
	fixedPlatforms = setOf("any", "win32", "win_arm64", "win_amd64", "win_ia64",
		"manylinux1_x86_64", "manylinux1_i686", "manylinux2010_x86_64", "manylinux2010_i686",
		"manylinux2014_x86_64", "manylinux2014_i686", "manylinux2014_aarch64", "manylinux2014_armv7l",
		"manylinux2014_ppc64", "manylinux2014_ppc64le", "manylinux2014_s390x",
		"linux_armv6l", "linux_armv7l")

	macosxRE     = regexp.MustCompile(`^macosx_(\d+)_(\d+)_(.*)`)
	macosxArches = setOf("ppc", "ppc64", "i386", "x86_64", "arm64", "intel", "fat", "fat3", "fat64", "universal", "universal2")
	// Majors from 11 on, whose minor version must be 0; macOS 10's may vary.
	macosxMajors = setOf("11", "12", "13", "14", "15", "26")

	linuxRE         = regexp.MustCompile(`^(many|musl)linux_(\d+)_(\d+)_(.*)`)
	musllinuxArches = setOf("x86_64", "i686", "aarch64", "armv7l", "ppc64le", "s390x", "riscv64")
	manylinuxArches = setOf("x86_64", "i686", "aarch64", "armv7l", "ppc64le", "s390x", "riscv64", "ppc64")

	iosRE     = regexp.MustCompile(`^ios_(\d+)_(\d+)_(.*)_(iphoneos|iphonesimulator)`)
	iosArches = setOf("arm64", "x86_64")

	androidRE     = regexp.MustCompile(`^android_(\d+)_(.*)`)
	androidArches = setOf("armeabi_v7a", "arm64_v8a", "x86", "x86_64")

	pyemscriptenRE = regexp.MustCompile(`^pyemscripten_(\d+)_(\d+)_wasm32`)
)

// validPlatformTag follows _valid_platform_tag step by step. Its patterns
// are anchored at the start only, as Python's re.match is, so the arch
// group takes the rest of the tag and pyemscripten tags may go on past
// "wasm32".
func validPlatformTag(tag string) bool {
	if fixedPlatforms[tag] {
		return true
	}
	if m := macosxRE.FindStringSubmatch(tag); m != nil && macosxArches[m[3]] && (m[1] == "10" || macosxMajors[m[1]] && m[2] == "0") {
		return true
	}
	if m := linuxRE.FindStringSubmatch(tag); m != nil {
		if m[1] == "musl" {
			return musllinuxArches[m[4]]
		}
		return manylinuxArches[m[4]]
	}
	if m := iosRE.FindStringSubmatch(tag); m != nil && iosArches[m[3]] {
		return true
	}
	if m := androidRE.FindStringSubmatch(tag); m != nil && androidArches[m[2]] {
		return true
	}
	return pyemscriptenRE.MatchString(tag)
}

func setOf(items ...string) map[string]bool {
	m := make(map[string]bool, len(items))
	for _, s := range items {
		m[s] = true
	}
	return m
}
