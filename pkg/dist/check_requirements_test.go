package dist

import (
	"strings"
	"testing"
)

// TestCheckRequirements: the dependency fields are judged with packaging
// 26.2's grammar and refused with PyPI's words (the parenthesised detail
// after them is pyupload's).
func TestCheckRequirements(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		set   func(m *Metadata)
		field string
		want  string // prefix of the error; "" for none
	}{
		{"the issue's Requires-Dist", func(m *Metadata) { m.RequiresDist = []string{"requests >>= 2.0"} },
			"Requires-Dist", "'requests >>= 2.0' is invalid for 'requires-dist' (Expected semicolon (after name with no version specifier) or end, at character 10)"},
		{"valid Requires-Dist with a marker", func(m *Metadata) {
			m.RequiresDist = []string{"requests[socks] (>=2.0,<3) ; python_version >= '3.9' and extra == 'net'", "tomli; python_version<'3.11'"}
		}, "Requires-Dist", ""},
		{"PEP 751 marker variables", func(m *Metadata) { m.RequiresDist = []string{"x ; 'dev' in dependency_groups or 'a' in extras"} }, "Requires-Dist", ""},
		{"~= with one release segment", func(m *Metadata) { m.RequiresDist = []string{"foo~=3"} },
			"Requires-Dist", "'foo~=3' is invalid for 'requires-dist' (Expected semicolon"},
		{"direct reference", func(m *Metadata) { m.RequiresDist = []string{"pkg@https://example.org/pkg.whl ;os_name=='nt'"} },
			"Requires-Dist", `Can't have direct dependency: pkg @ https://example.org/pkg.whl ; os_name == "nt"`},
		{"an @ inside a marker string is no URL", func(m *Metadata) { m.RequiresDist = []string{"pkg ; platform_version == 'a@b'"} }, "Requires-Dist", ""},
		{"Requires-Python ~=3", func(m *Metadata) { m.RequiresPython = "~=3" },
			"Requires-Python", "'~=3' is invalid for 'requires-python' (Invalid specifier: '~=3';"},
		{"Requires-Python with a trailing comma", func(m *Metadata) { m.RequiresPython = ">=3.9," }, "Requires-Python", ""},
		{"Requires-Python local version", func(m *Metadata) { m.RequiresPython = ">=3.9+local" },
			"Requires-Python", "'>=3.9+local' is invalid for 'requires-python'"},
		{"Provides-Dist invalid", func(m *Metadata) { m.ProvidesDist = []string{"foo (1.0)"} },
			"Provides-Dist", "'foo (1.0)' is invalid: Expected matching RIGHT_PARENTHESIS for LEFT_PARENTHESIS, after version specifier"},
		{"Obsoletes-Dist direct reference quotes the raw value", func(m *Metadata) { m.ObsoletesDist = []string{"old@file:///x"} },
			"Obsoletes-Dist", "Can't have direct dependency: 'old@file:///x'"},
		{"Provides-Extra", func(m *Metadata) { m.ProvidesExtra = []string{"dev_tools", "a.b-c"} }, "Provides-Extra", ""},
		{"Provides-Extra ending in a separator", func(m *Metadata) { m.ProvidesExtra = []string{"dev-"} },
			"Provides-Extra", "'dev-' is invalid for 'provides-extra'"},
		{"Provides-Extra non-ASCII", func(m *Metadata) { m.ProvidesExtra = []string{"teſt"} },
			"Provides-Extra", "'teſt' is invalid for 'provides-extra'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := sdist("x-1.0.tar.gz", "x", "1.0")
			d.Metadata.MetadataVersion = "2.1"
			tt.set(d.Metadata)
			var got []string
			for _, p := range Check(d) {
				if p.Field == tt.field && p.Severity == Error {
					got = append(got, p.Message)
				}
			}
			switch {
			case tt.want == "" && len(got) > 0:
				t.Errorf("errors %q, want none", got)
			case tt.want != "" && (len(got) != 1 || !strings.HasPrefix(got[0], tt.want)):
				t.Errorf("errors %q, want one starting %q", got, tt.want)
			}
		})
	}
}

// TestSpecifierAdvice: the common mistakes in Requires-Python get a way
// to fix them after packaging's message.
func TestSpecifierAdvice(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, want string }{
		{"~=3", "; ~= needs two release numbers or more: ~=3.0 means >=3.0, ==3.*"},
		{">=3.*", "; a '.*' suffix is allowed only with == and !="},
		{">=3.9+local", "; a local version (+...) is allowed only with == and !="},
		{"3.9", "; a specifier starts with an operator: ~= == != <= >= < > ==="},
		{">=3.9, >>=4", ""},
	} {
		m := &Metadata{RequiresPython: tt.in}
		c := &checker{}
		c.requirements(m)
		if len(c.problems) != 1 || !strings.HasSuffix(c.problems[0].Message, tt.want+")") {
			t.Errorf("Requires-Python %q: %v, want one error ending %q", tt.in, c.problems, tt.want+")")
		}
	}
}
