package pep440

import (
	"errors"
	"testing"
)

// specifierSetTests are packaging 26.2's verdicts (checked with the
// differential test in pkg/pep508); want is the String of the parsed set.
var specifierSetTests = []struct {
	in    string
	valid bool
	want  string
}{
	{">=3.9", true, ">=3.9"},
	{">=3.9,", true, ">=3.9"}, // empty items are skipped
	{",", true, ""},
	{"", true, ""},
	{" >= 3.9 , < 4 ", true, ">=3.9,<4"},
	{"~=3", false, ""}, // ~= needs two release segments
	{"~=3.9", true, "~=3.9"},
	{"~=3.9.*", false, ""},
	{"~=1.0+local", false, ""},
	{"~=1.0poſt1", true, "~=1.0poſt1"}, // the ~= branch folds Unicode in 26.2
	{">=1.0poſt1", false, ""},
	{"==3.9.*", true, "==3.9.*"},
	{"!=3.10.*", true, "!=3.10.*"},
	{">=3.*", false, ""},
	{"==1.0+local", true, "==1.0+local"},
	{">=1.0+local", false, ""},
	{"===foo", true, "===foo"},
	{"===", true, "==="},
	{"=== foo bar", false, ""},
	{">>=2.0", false, ""},
	{"=>2.0", false, ""},
	{">=3.9 <4", false, ""},
	{"3.9", false, ""},
	{">=3.9\u00a0", true, ">=3.9"},
	{"==v1.0", true, "==v1.0"},
	{">=1!2.0a1.post2.dev3", true, ">=1!2.0a1.post2.dev3"},
}

func TestParseSpecifierSet(t *testing.T) {
	t.Parallel()
	for _, tt := range specifierSetTests {
		got, err := ParseSpecifierSet(tt.in)
		if (err == nil) != tt.valid {
			t.Errorf("ParseSpecifierSet(%q) error = %v, want valid=%v", tt.in, err, tt.valid)
			continue
		}
		if err != nil {
			if _, ok := errors.AsType[*SpecifierError](err); !ok {
				t.Errorf("ParseSpecifierSet(%q) error %T, want *SpecifierError", tt.in, err)
			}
			continue
		}
		if got.String() != tt.want {
			t.Errorf("ParseSpecifierSet(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSpecifierErrorWording(t *testing.T) {
	t.Parallel()
	_, err := ParseSpecifier("~=3")
	if got, want := err.Error(), "Invalid specifier: '~=3'"; got != want {
		t.Errorf("error = %q, want packaging's %q", got, want)
	}
}

func TestPyRepr(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"~=3":      `'~=3'`,
		"it's":     `"it's"`,
		`a'b"c`:    `'a\'b"c'`,
		"a\tb\n":   `'a\tb\n'`,
		"\x00\x7f": `'\x00\x7f'`,
		"é\u00a0":  `'é\xa0'`,
		"\u2028":   `'\u2028'`,
		`back\`:    `'back\\'`,
	} {
		if got := PyRepr(in); got != want {
			t.Errorf("PyRepr(%q) = %s, want %s", in, got, want)
		}
	}
}

// FuzzParseSpecifierSet checks that parsing never panics, that errors are
// *SpecifierError, and that a parsed set's String parses to the same set.
func FuzzParseSpecifierSet(f *testing.F) {
	for _, tt := range specifierSetTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		set, err := ParseSpecifierSet(in)
		if err != nil {
			if _, ok := errors.AsType[*SpecifierError](err); !ok {
				t.Fatalf("ParseSpecifierSet(%q) error %T", in, err)
			}
			return
		}
		again, err := ParseSpecifierSet(set.String())
		if err != nil || again.String() != set.String() {
			t.Fatalf("ParseSpecifierSet(%q) = %q, which parses as %q, %v", in, set, again, err)
		}
	})
}
