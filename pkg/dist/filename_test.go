package dist

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParseFilename(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want *Filename
	}{
		{"pure wheel", "pkg-1.0-py3-none-any.whl", &Filename{Base: "pkg-1.0-py3-none-any.whl", Kind: Wheel, Ext: ".whl", Name: "pkg", Version: "1.0", PythonTags: []string{"py3"}, ABITags: []string{"none"}, PlatformTags: []string{"any"}}},
		{"path is stripped", "dist/sub/pkg-1.0-py3-none-any.whl", &Filename{Base: "pkg-1.0-py3-none-any.whl", Kind: Wheel, Ext: ".whl", Name: "pkg", Version: "1.0", PythonTags: []string{"py3"}, ABITags: []string{"none"}, PlatformTags: []string{"any"}}},
		{"build tag and compressed tags", "my_pkg-2.0rc1-1b-py2.py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", &Filename{Base: "my_pkg-2.0rc1-1b-py2.py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", Kind: Wheel, Ext: ".whl", Name: "my_pkg", Version: "2.0rc1", Build: "1b", PythonTags: []string{"py2", "py3"}, ABITags: []string{"none"}, PlatformTags: []string{"manylinux_2_17_x86_64", "manylinux2014_x86_64"}}},
		{"epoch", "pkg-1!2.0-py3-none-any.whl", &Filename{Base: "pkg-1!2.0-py3-none-any.whl", Kind: Wheel, Ext: ".whl", Name: "pkg", Version: "1!2.0", PythonTags: []string{"py3"}, ABITags: []string{"none"}, PlatformTags: []string{"any"}}},
		{"sdist", "my_pkg-1.0.post1.tar.gz", &Filename{Base: "my_pkg-1.0.post1.tar.gz", Kind: Sdist, Ext: ".tar.gz", Name: "my_pkg", Version: "1.0.post1"}},
		{"sdist with dashes in name", "my-pkg-1.0.tar.gz", &Filename{Base: "my-pkg-1.0.tar.gz", Kind: Sdist, Ext: ".tar.gz", Name: "my-pkg", Version: "1.0"}},
		{"legacy zip sdist", "pkg-1.0.zip", &Filename{Base: "pkg-1.0.zip", Kind: Sdist, Ext: ".zip", Name: "pkg", Version: "1.0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseFilename(tt.in)
			if err != nil {
				t.Fatalf("ParseFilename(%q) error = %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(Filename{}, "ParsedVersion")); diff != "" {
				t.Errorf("ParseFilename(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
			if got.ParsedVersion.String() == "" {
				t.Errorf("ParseFilename(%q).ParsedVersion is empty", tt.in)
			}
		})
	}
}

func TestParseFilenameErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		unknown bool // ErrUnknownFormat rather than *FilenameError
	}{
		{in: "pkg-1.0.whl"},
		{in: "pkg-1.0-a-b-c-d-e.whl"},
		{in: "pkg__x-1.0-py3-none-any.whl"},
		{in: "pk g-1.0-py3-none-any.whl"},
		{in: "pkg-dog-py3-none-any.whl"},
		{in: "pkg-1.0-x1-py3-none-any.whl"},
		{in: "pkg-1.0-py3--any.whl"},
		{in: "pkg-1.0-py3.-none-any.whl"},
		{in: "pkg.tar.gz"},
		{in: "-1.0.tar.gz"},
		{in: "pkg-.tar.gz"},
		{in: "pkg-not_a_version.tar.gz"},
		{in: "pkg-1.0.egg", unknown: true},
		{in: "pkg-1.0.tar.bz2", unknown: true},
		{in: "pkg-1.0-py3-none-any.WHL", unknown: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			_, err := ParseFilename(tt.in)
			if tt.unknown {
				if !errors.Is(err, ErrUnknownFormat) {
					t.Errorf("ParseFilename(%q) error = %v, want ErrUnknownFormat", tt.in, err)
				}
				return
			}
			if _, ok := errors.AsType[*FilenameError](err); !ok {
				t.Errorf("ParseFilename(%q) error = %v, want *FilenameError", tt.in, err)
			}
		})
	}
}

func TestValidPlatformTag(t *testing.T) {
	t.Parallel()
	tests := map[string]bool{
		"any": true, "win_amd64": true, "win32": true, "manylinux1_x86_64": true,
		"manylinux2014_aarch64": true, "manylinux_2_17_x86_64": true, "manylinux_2_28_riscv64": true,
		"musllinux_1_2_aarch64": true, "musllinux_1_2_ppc64": false,
		"macosx_10_9_x86_64": true, "macosx_10_15_universal2": true, "macosx_11_0_arm64": true,
		"macosx_14_0_arm64": true, "macosx_11_1_arm64": false, "macosx_16_0_arm64": false, "macosx_11_0_sparc": false,
		"linux_x86_64": false, "linux_armv7l": true, "linux_aarch64": false,
		"ios_13_0_arm64_iphoneos": true, "android_21_arm64_v8a": true, "android_21_mips": false,
		"pyemscripten_2024_0_wasm32": true, "emscripten_3_1_wasm32": false,
		"manylinux_x_17_x86_64": false, "": false,
	}
	for tag, want := range tests {
		if got := ValidPlatformTag(tag); got != want {
			t.Errorf("ValidPlatformTag(%q) = %v, want %v", tag, got, want)
		}
	}
}
