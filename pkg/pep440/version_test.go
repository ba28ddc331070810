package pep440

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// versionTests lists valid inputs and the form Python's
// str(packaging.version.Version(in)) gives. Most cases come from the
// "Normalization" section of PEP 440. FuzzParseVersion seeds from this table.
var versionTests = []struct {
	name string
	in   string
	want string
}{
	// Already normal.
	{"plain", "1.0", "1.0"},
	{"single component", "1", "1"},
	{"trailing zeros kept", "1.0.0", "1.0.0"},
	{"many components", "1.2.3.4.5.6", "1.2.3.4.5.6"},
	{"zero", "0", "0"},
	{"full", "1!2.3.4rc5.post6.dev7+abc.8", "1!2.3.4rc5.post6.dev7+abc.8"},

	// Case sensitivity.
	{"uppercase rc", "1.1RC1", "1.1rc1"},
	{"uppercase post", "1.0.POST", "1.0.post0"},
	{"uppercase dev", "1.0.DEV2", "1.0.dev2"},
	{"mixed case alpha", "1.0AlPhA1", "1.0a1"},
	{"uppercase local", "1.0+ABC", "1.0+abc"},

	// Integer normalisation.
	{"double zero", "00", "0"},
	{"leading zeros", "09000", "9000"},
	{"leading zeros in components", "01.02", "1.2"},
	{"leading zeros everywhere", "01!02.003a04.post05.dev06", "1!2.3a4.post5.dev6"},
	{"alphanumeric local keeps zeros", "1.0+foo0100", "1.0+foo0100"},
	{"numeric local drops zeros", "1.0+0100", "1.0+100"},
	{"numeric local zero", "1.0+000", "1.0+0"},

	// Pre-release separators.
	{"pre dot separator", "1.1.a1", "1.1a1"},
	{"pre hyphen separator", "1.1-a1", "1.1a1"},
	{"pre underscore separator", "1.1_a1", "1.1a1"},
	{"pre number dot separator", "1.0a.1", "1.0a1"},
	{"pre number hyphen separator", "1.0a-1", "1.0a1"},
	{"pre number underscore separator", "1.0a_1", "1.0a1"},
	{"pre both separators", "1.0-rc-1", "1.0rc1"},

	// Pre-release spelling.
	{"alpha", "1.1alpha1", "1.1a1"},
	{"beta", "1.1beta2", "1.1b2"},
	{"c", "1.1c3", "1.1rc3"},
	{"pre", "1.1pre4", "1.1rc4"},
	{"preview", "1.1preview5", "1.1rc5"},
	{"rc", "1.1rc6", "1.1rc6"},
	{"b", "1.1b7", "1.1b7"},

	// Implicit pre-release number.
	{"implicit a", "1.2a", "1.2a0"},
	{"implicit alpha separated", "1.0-alpha", "1.0a0"},
	{"implicit rc", "1.2rc", "1.2rc0"},
	{"implicit pre with trailing separator", "1.2a.", "1.2a0"},

	// Post release separators.
	{"post hyphen separator", "1.2-post2", "1.2.post2"},
	{"post no separator", "1.2post2", "1.2.post2"},
	{"post underscore separator", "1.2_post2", "1.2.post2"},
	{"post number dot separator", "1.2.post.2", "1.2.post2"},
	{"post number hyphen separator", "1.2.post-2", "1.2.post2"},
	{"post both separators", "1.2-post_2", "1.2.post2"},

	// Post release spelling.
	{"r", "1.0-r4", "1.0.post4"},
	{"rev", "1.0-rev4", "1.0.post4"},
	{"uppercase rev", "1.0REV4", "1.0.post4"},

	// Implicit post release number.
	{"implicit post", "1.2.post", "1.2.post0"},
	{"implicit rev", "1.2rev", "1.2.post0"},
	{"implicit r", "1.2-r", "1.2.post0"},

	// Implicit post releases.
	{"implicit post release", "1.0-1", "1.0.post1"},
	{"implicit post release zero", "1.0-0", "1.0.post0"},
	{"implicit post release after pre", "1.0a1-2", "1.0a1.post2"},
	{"implicit post release after bare pre", "1.0a--1", "1.0a0.post1"},

	// Development release separators.
	{"dev hyphen separator", "1.2-dev2", "1.2.dev2"},
	{"dev no separator", "1.2dev2", "1.2.dev2"},
	{"dev underscore separator", "1.2_dev2", "1.2.dev2"},
	{"dev number dot separator", "1.2.dev.2", "1.2.dev2"},
	{"dev number hyphen separator", "1.2-dev-2", "1.2.dev2"},

	// Implicit development release number.
	{"implicit dev", "1.2.dev", "1.2.dev0"},
	{"implicit dev no separator", "1.2dev", "1.2.dev0"},

	// Combinations.
	{"pre post dev", "1.0a1.post2.dev3", "1.0a1.post2.dev3"},
	{"pre dev", "1.0b2-dev", "1.0b2.dev0"},
	{"post dev", "1.0.post1.dev1", "1.0.post1.dev1"},
	{"implicit post dev", "1.0-1dev2", "1.0.post1.dev2"},
	{"bare pre then post", "1.0a.post1", "1.0a0.post1"},

	// Epochs.
	{"epoch", "1!2.0", "1!2.0"},
	{"zero epoch dropped", "0!1.0", "1.0"},
	{"zero epoch with zeros dropped", "000!1.0", "1.0"},
	{"epoch leading zeros", "007!1.0", "7!1.0"},

	// Local version segments.
	{"local hyphen", "1.0+ubuntu-1", "1.0+ubuntu.1"},
	{"local underscore", "1.0+ubuntu_1", "1.0+ubuntu.1"},
	{"local case and separators", "1.0+Ubuntu-1", "1.0+ubuntu.1"},
	{"local mixed", "1.0+abc.1-2_3", "1.0+abc.1.2.3"},
	{"local single", "1.0+5", "1.0+5"},
	{"local after everything", "1.0rc1.post1.dev1+local", "1.0rc1.post1.dev1+local"},

	// Preceding v.
	{"v", "v1.0", "1.0"},
	{"uppercase v", "V1.0", "1.0"},
	{"v with epoch", "v1!1.0", "1!1.0"},

	// Leading and trailing whitespace.
	{"leading space", " 1.0", "1.0"},
	{"trailing newline", "1.0\n", "1.0"},
	{"surrounding tabs", "\t1.0\t", "1.0"},
	{"surrounding mixed", " \r\n\v\f1.0 \n", "1.0"},
	{"unicode space", "\u00a01.0\u3000", "1.0"},
	{"file separator", "\x1c1.0\x1f", "1.0"},
	{"space before v", "  v1.0", "1.0"},

	// Numbers beyond int64 neither overflow nor lose digits.
	{"huge release", "99999999999999999999999999999.1", "99999999999999999999999999999.1"},
	{"huge zero-padded", "1.0000000000000000000000000000001", "1.1"},
	{"huge everything", "18446744073709551616!18446744073709551616a18446744073709551616.post18446744073709551616.dev18446744073709551616+18446744073709551616",
		"18446744073709551616!18446744073709551616a18446744073709551616.post18446744073709551616.dev18446744073709551616+18446744073709551616"},
}

// invalidVersions are rejected by packaging.version.Version too.
var invalidVersions = []struct {
	name string
	in   string
}{
	{"word", "dog"},
	{"empty local", "1.0+"},
	{"empty release component", "1..0"},
	{"implicit post without number", "1.0-"},
	{"empty", ""},
	{"only whitespace", " \t"},
	{"inner space", "1.0 2"},
	{"empty local part", "1.0+a..b"},
	{"local without release", "+1"},
	{"punctuation in local", "1.0+abc!"},
	{"trailing dot", "1.0."},
	{"leading dot", ".1"},
	{"only v", "v"},
	{"double v", "vv1.0"},
	{"epoch without release", "1!"},
	{"double epoch", "1!2!3"},
	{"unknown suffix", "1.0foo"},
	{"gamma", "1.0gamma1"},
	{"re", "1.0re1"},
	{"two pre-releases", "1.0a1b1"},
	{"two posts", "1.0.post1.post2"},
	{"two devs", "1.0.dev1.dev2"},
	{"dev before pre", "1.0.dev1a1"},
	{"post before pre", "1.0.post1a1"},
	{"double separator", "1.0..a1"},
	{"trailing separator after dev", "1.0.dev1."},
	{"local trailing separator", "1.0+abc."},
	{"two locals", "1.0+a+b"},
	{"non-ASCII digit", "1.\u0661"},
	{"non-ASCII letter in local", "1.0+\u00e9"},
	{"kelvin sign in local", "1.0+\u212a"},
	{"invalid UTF-8", "1.0\xff"},
	{"NUL", "1.0\x00"},
	{"zero-width space", "\u200b1.0"},
	{"negative", "-1.0"},
	{"wildcard", "1.*"},
}

func TestParseVersion(t *testing.T) {
	t.Parallel()
	for _, tt := range versionTests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v, err := ParseVersion(tt.in)
			if err != nil {
				t.Fatalf("ParseVersion(%q) error = %v, want nil", tt.in, err)
			}
			if got := v.String(); got != tt.want {
				t.Errorf("ParseVersion(%q).String() = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseVersionInvalid(t *testing.T) {
	t.Parallel()
	for _, tt := range invalidVersions {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v, err := ParseVersion(tt.in)
			if err == nil {
				t.Fatalf("ParseVersion(%q) = %q, want error", tt.in, v)
			}
			ve, ok := errors.AsType[*VersionError](err)
			if !ok {
				t.Fatalf("ParseVersion(%q) error = %T, want *VersionError", tt.in, err)
			}
			if ve.Version != tt.in {
				t.Errorf("ParseVersion(%q) error Version = %q, want %q", tt.in, ve.Version, tt.in)
			}
			if got, want := err.Error(), fmt.Sprintf("invalid version %q", tt.in); got != want {
				t.Errorf("ParseVersion(%q) error = %q, want %q", tt.in, got, want)
			}
		})
	}
}

func TestVersionParts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in         string
		public     string
		local      string
		isLocal    bool
		prerelease bool
	}{
		{"1.0", "1.0", "", false, false},
		{"1.0+Ubuntu-1", "1.0", "ubuntu.1", true, false},
		{"1!1.0rc1+abc", "1!1.0rc1", "abc", true, true},
		{"1.0.dev1", "1.0.dev1", "", false, true},
		{"1.0a1", "1.0a1", "", false, true},
		{"1.0.post1", "1.0.post1", "", false, false},
		{"1.0.post1.dev0", "1.0.post1.dev0", "", false, true},
		{"1.0c1", "1.0rc1", "", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			v, err := ParseVersion(tt.in)
			if err != nil {
				t.Fatalf("ParseVersion(%q) error = %v, want nil", tt.in, err)
			}
			if got := v.Public(); got != tt.public {
				t.Errorf("ParseVersion(%q).Public() = %q, want %q", tt.in, got, tt.public)
			}
			if got := v.Local(); got != tt.local {
				t.Errorf("ParseVersion(%q).Local() = %q, want %q", tt.in, got, tt.local)
			}
			if got := v.IsLocal(); got != tt.isLocal {
				t.Errorf("ParseVersion(%q).IsLocal() = %v, want %v", tt.in, got, tt.isLocal)
			}
			if got := v.IsPrerelease(); got != tt.prerelease {
				t.Errorf("ParseVersion(%q).IsPrerelease() = %v, want %v", tt.in, got, tt.prerelease)
			}
		})
	}
}

// pep440Order is the example from PEP 440's "Summary of permitted suffixes
// and relative ordering", strictly ascending.
var pep440Order = []string{
	"1.dev0",
	"1.0.dev456",
	"1.0a1",
	"1.0a2.dev456",
	"1.0a12.dev456",
	"1.0a12",
	"1.0b1.dev456",
	"1.0b2",
	"1.0b2.post345.dev456",
	"1.0b2.post345",
	"1.0rc1.dev456",
	"1.0rc1",
	"1.0",
	"1.0+abc.5",
	"1.0+abc.7",
	"1.0+5",
	"1.0.post456.dev34",
	"1.0.post456",
	"1.0.15",
	"1.1.dev1",
}

func TestVersionOrder(t *testing.T) {
	t.Parallel()
	vs := make([]Version, len(pep440Order))
	for i, s := range pep440Order {
		v, err := ParseVersion(s)
		if err != nil {
			t.Fatalf("ParseVersion(%q) error = %v, want nil", s, err)
		}
		vs[i] = v
	}
	for i := range vs {
		for j := range vs {
			want := 0
			switch {
			case i < j:
				want = -1
			case i > j:
				want = 1
			}
			if got := vs[i].Compare(vs[j]); got != want {
				t.Errorf("ParseVersion(%q).Compare(%q) = %d, want %d", pep440Order[i], pep440Order[j], got, want)
			}
		}
	}
}

func TestVersionCompare(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		a, b string
		want int
	}{
		{"trailing zeros ignored", "1.0", "1.0.0", 0},
		{"trailing zeros ignored with suffix", "1.0a1", "1.0.0.0a1", 0},
		{"zero release", "0", "0.0.0", 0},
		{"spellings equal", "1.0-alpha", "1.0a0", 0},
		{"post spellings equal", "1.0-1", "1.0.post1", 0},
		{"v equal", "v1.0", "1.0", 0},
		{"leading zeros equal", "01.02", "1.2", 0},
		{"epoch wins", "1!1.0", "2.0", 1},
		{"zero epoch", "0!1.0", "1.0", 0},
		{"numeric component", "1.10", "1.9", 1},
		{"longer release", "1.0.1", "1.0", 1},
		{"dev before alpha", "1.0.dev1", "1.0a1", -1},
		{"pre dev before pre", "1.0a1.dev1", "1.0a1", -1},
		{"post dev before post", "1.0.post1.dev1", "1.0.post1", -1},
		{"post dev after final", "1.0.post1.dev1", "1.0", 1},
		{"pre post after pre", "1.0a1.post1", "1.0a1", 1},
		{"pre post before next pre", "1.0a1.post1", "1.0a2", -1},
		{"rc before final", "1.0rc9", "1.0", -1},
		{"c equals rc", "1.0c1", "1.0rc1", 0},
		{"local after public", "1.0+abc", "1.0", 1},
		{"local case-insensitive", "1.0+ABC", "1.0+abc", 0},
		{"local separators equal", "1.0+a-b", "1.0+a.b", 0},
		{"local numeric", "1.0+10", "1.0+9", 1},
		{"local numeric leading zeros", "1.0+01", "1.0+1", 0},
		{"local numeric after alphanumeric", "1.0+1", "1.0+z", 1},
		{"local alphanumeric as strings", "1.0+abc10", "1.0+abc9", -1},
		{"local shorter first", "1.0+abc", "1.0+abc.1", -1},
		{"local does not beat post", "1.0+zzz", "1.0.post0", -1},
		{"huge release", "1.99999999999999999999999", "1.99999999999999999999998", 1},
		{"huge beats small", "100000000000000000000", "99999999999999999999", 1},
		{"huge epoch", "18446744073709551616!0", "18446744073709551615!99", 1},
		{"huge local", "1.0+18446744073709551616", "1.0+18446744073709551615", 1},
		{"huge dev", "1.0.dev18446744073709551616", "1.0.dev2", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, err := ParseVersion(tt.a)
			if err != nil {
				t.Fatalf("ParseVersion(%q) error = %v, want nil", tt.a, err)
			}
			b, err := ParseVersion(tt.b)
			if err != nil {
				t.Fatalf("ParseVersion(%q) error = %v, want nil", tt.b, err)
			}
			if got := a.Compare(b); got != tt.want {
				t.Errorf("ParseVersion(%q).Compare(%q) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
			if got := b.Compare(a); got != -tt.want {
				t.Errorf("ParseVersion(%q).Compare(%q) = %d, want %d", tt.b, tt.a, got, -tt.want)
			}
			if got := a.Equal(b); got != (tt.want == 0) {
				t.Errorf("ParseVersion(%q).Equal(%q) = %v, want %v", tt.a, tt.b, got, tt.want == 0)
			}
		})
	}
}

func TestVersionZeroValue(t *testing.T) {
	t.Parallel()
	var v Version
	if got := v.String(); got != "0" {
		t.Errorf("Version{}.String() = %q, want %q", got, "0")
	}
	zero, err := ParseVersion("0")
	if err != nil {
		t.Fatalf("ParseVersion(%q) error = %v, want nil", "0", err)
	}
	if !v.Equal(zero) {
		t.Errorf("Version{}.Equal(ParseVersion(%q)) = false, want true", "0")
	}
	if v.IsPrerelease() || v.IsLocal() {
		t.Errorf("Version{}: IsPrerelease() = %v, IsLocal() = %v, want false, false", v.IsPrerelease(), v.IsLocal())
	}
}

// TestParseVersionLong checks that a very long input is handled in linear
// time and kept exact.
func TestParseVersionLong(t *testing.T) {
	t.Parallel()
	in := strings.Repeat("9", 100000) + "." + strings.Repeat("0", 100000) + "1"
	v, err := ParseVersion(in)
	if err != nil {
		t.Fatalf("ParseVersion(long) error = %v, want nil", err)
	}
	if got, want := v.String(), strings.Repeat("9", 100000)+".1"; got != want {
		t.Errorf("ParseVersion(long).String() has length %d, want %d", len(got), len(want))
	}
}
