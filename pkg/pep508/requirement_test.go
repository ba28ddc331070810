package pep508

import (
	"errors"
	"strings"
	"testing"

	"github.com/pyupload/pyupload/pkg/pep440"
)

// requirementTests pair inputs with packaging 26.2's str(Requirement) or
// its error message (ParserSyntaxError.message) and the span's end in
// characters.
var requirementTests = []struct {
	in      string
	want    string // str() when valid
	message string // packaging's message when invalid
	at      int    // where packaging stops, in characters
	from    int    // where packaging's underlined span starts
}{
	{in: "requests", want: "requests"},
	{in: "requests>=2.0", want: "requests>=2.0"},
	{in: "requests (>=2.0, <3)", want: "requests<3,>=2.0"},
	{in: "requests[socks,security]>=2.8.1", want: "requests[security,socks]>=2.8.1"},
	{in: "foo>=3.9,", want: "foo>=3.9"},
	{in: "foo\n", want: "foo"},
	{in: "foo; python_version>'3.8' and (os.name=='nt' or extra=='Foo_Bar')", want: `foo; python_version > "3.8" and (os_name == "nt" or extra == "foo-bar")`},
	{in: "foo; ((python_version>'3'))", want: `foo; python_version > "3"`},
	{in: "foo; 'dev' not in dependency_groups or 'x' in extras", want: `foo; "dev" not in dependency_groups or "x" in extras`},
	{in: "foo; python_implementation=='CPython'", want: `foo; platform_python_implementation == "CPython"`},
	{in: "name@https://example.org/x.whl", want: "name @ https://example.org/x.whl"},
	{in: "name @ https://example.org/x.whl ; os_name=='nt'", want: `name @ https://example.org/x.whl ; os_name == "nt"`},
	{in: "foo===a,>=1", want: "foo===a,>=1"},

	{in: "requests >>= 2.0", message: "Expected semicolon (after name with no version specifier) or end", at: 9, from: 9},
	{in: "foo~=3", message: "Expected semicolon (after name with no version specifier) or end", at: 3, from: 3},
	{in: "foo>=1.0 <2", message: "Expected comma (within version specifier), semicolon (after version specifier) or end", at: 9, from: 3},
	{in: "foo>=1.0.*", message: ".* suffix can only be used with `==` or `!=` operators", at: 9, from: 3},
	{in: "foo>=1.0+abc", message: "Local version label can only be used with `==` or `!=` operators", at: 8, from: 3},
	{in: "foo (>=1.0", message: "Expected matching RIGHT_PARENTHESIS for LEFT_PARENTHESIS, after version specifier", at: 10, from: 4},
	{in: "foo[a b]", message: "Expected comma between extra names", at: 6, from: 6},
	{in: "foo[a,]", message: "Expected extra name after comma", at: 6, from: 6},
	{in: "foo[a", message: "Expected matching RIGHT_BRACKET for LEFT_BRACKET, after extras", at: 5, from: 3},
	{in: "é", message: "Expected package name at the start of dependency specifier", at: 0, from: 0},
	{in: "name @", message: "Expected URL after @", at: 6, from: 6},
	{in: "name @ x;y", want: "name @ x;y"},
	{in: "name @ x y", message: "Expected semicolon (after URL and whitespace) or end", at: 9, from: 7},
	{in: "foo ;", message: "Expected a marker variable or quoted string", at: 5, from: 5},
	{in: "foo ; python_version", message: "Expected marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in", at: 20, from: 20},
	{in: "foo ; 'a' not  in extras", want: `foo; "a" not in extras`},
	{in: "foo ; 'a' notin extras", message: "Expected marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in", at: 10, from: 10},
	{in: "foo ; (os_name=='a'", message: "Expected matching RIGHT_PARENTHESIS for LEFT_PARENTHESIS, after marker expression", at: 19, from: 6},
	{in: "foo ; os_name=='a')", message: "Expected end of dependency specifier", at: 18, from: 18},
	{in: "foo ; os_name=='a\\'", message: "unterminated string literal", at: 19, from: 15},
	{in: "foo ; os_name=='\\x4'", message: "truncated escape", at: 20, from: 15},
}

func TestParseRequirement(t *testing.T) {
	t.Parallel()
	for _, tt := range requirementTests {
		r, err := ParseRequirement(tt.in)
		if tt.message == "" {
			if err != nil {
				t.Errorf("ParseRequirement(%q) error = %v", tt.in, err)
			} else if got := r.String(); got != tt.want {
				t.Errorf("ParseRequirement(%q) = %q, want %q", tt.in, got, tt.want)
			}
			continue
		}
		se, ok := errors.AsType[*SyntaxError](err)
		if !ok {
			t.Errorf("ParseRequirement(%q) = %v, %v; want SyntaxError %q", tt.in, r, err, tt.message)
			continue
		}
		if se.Message != tt.message || chars(tt.in, se.End) != tt.at || chars(tt.in, se.Start) != tt.from {
			t.Errorf("ParseRequirement(%q) error = %q at %d-%d, want %q at %d-%d", tt.in, se.Message,
				chars(tt.in, se.Start), chars(tt.in, se.End), tt.message, tt.from, tt.at)
		}
	}
}

func TestSyntaxErrorRendering(t *testing.T) {
	t.Parallel()
	_, err := ParseRequirement("requests >>= 2.0")
	se, _ := errors.AsType[*SyntaxError](err)
	if se == nil {
		t.Fatalf("error = %v", err)
	}
	if got, want := err.Error(), "Expected semicolon (after name with no version specifier) or end, at character 10"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	want := "Expected semicolon (after name with no version specifier) or end\n    requests >>= 2.0\n             ^"
	if got := se.Detail(); got != want {
		t.Errorf("Detail() = %q, want packaging's %q", got, want)
	}
}

func TestArbitraryItemSwallowingAComma(t *testing.T) {
	t.Parallel()
	// The tokenizer reads "===a,b" as one token; SpecifierSet then refuses
	// "b", and packaging raises InvalidSpecifier out of Requirement().
	_, err := ParseRequirement("foo===a,b")
	if _, ok := errors.AsType[*pep440.SpecifierError](err); !ok {
		t.Fatalf("error = %v, want a *pep440.SpecifierError", err)
	}
}

// FuzzParseRequirement checks that parsing never panics, that errors are
// the documented types, and that String of a parsed requirement parses
// back to the same String.
func FuzzParseRequirement(f *testing.F) {
	for _, tt := range requirementTests {
		f.Add(tt.in)
	}
	for _, s := range requirementSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		r, err := ParseRequirement(in)
		if err != nil {
			_, syntax := errors.AsType[*SyntaxError](err)
			_, spec := errors.AsType[*pep440.SpecifierError](err)
			if !syntax && !spec {
				t.Fatalf("ParseRequirement(%q) error %T: %v", in, err, err)
			}
			return
		}
		s := r.String()
		if strings.ContainsAny(in, `\"`) {
			return // like packaging's, String does not re-escape marker strings
		}
		again, err := ParseRequirement(s)
		if err != nil || again.String() != s {
			t.Fatalf("ParseRequirement(%q) = %q, which parses as %q, %v", in, s, again.String(), err)
		}
	})
}

// TestDeepMarkers: nesting is bounded, so hostile metadata cannot exhaust
// the stack; real nesting parses.
func TestDeepMarkers(t *testing.T) {
	t.Parallel()
	nest := func(n int) string {
		return "a; " + strings.Repeat("(", n) + "os_name == 'x'" + strings.Repeat(")", n)
	}
	if _, err := ParseRequirement(nest(MaxMarkerDepth)); err != nil {
		t.Errorf("%d levels: %v, want valid", MaxMarkerDepth, err)
	}
	for _, n := range []int{MaxMarkerDepth + 1, 2_500_000} {
		_, err := ParseRequirement(nest(n))
		if err == nil || !strings.Contains(err.Error(), "nested at most") {
			t.Errorf("%d levels: %v, want the nesting error", n, err)
		}
	}
}
