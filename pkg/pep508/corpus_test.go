package pep508

import (
	"math/rand/v2"
	"strings"
	"unicode/utf8"
)

// The differential corpus is generated at test time from a fixed seed, so
// a failure reproduces, and is made of three layers: hand-written seeds
// (real-looking and known-tricky), strings built from the grammar's parts
// (every marker variable and operator, URLs, extras, parentheses), and
// mutations of both (dropped, doubled, swapped and inserted characters,
// odd whitespace, Unicode look-alikes).

var versionSeeds = []string{
	"1.0", "1", "0", "1.0.0", "2013.10", "1!2.0", "1.0a1", "1.0-alpha.1", "1.0b2", "1.0rc3", "1.0c1",
	"1.0pre", "1.0preview2", "1.0.post1", "1.0-1", "1.0post", "1.0rev3", "1.0r", "1.0.dev0", "1.0dev",
	"1.0a1.post2.dev3", "1.0+local", "1.0+abc.5", "1.0+a-b_c", "v1.0", "V2", " 1.0 ", "1.0\n",
	"1..0", ".1", "1.", "1.0+", "1.0+-a", "1.0.*", "01.02", "1.0_a_1", "1.0-dev-1", "1.0.post.dev",
	"1.0\u00a0", "\u20031.0", "1.0poſt1", "1.0+K", "1.0İ", "1.0a\u0131", "1.0-", "1.0a-", "1!", "!1",
}

var specifierSeeds = []string{
	">=3.9", ">=3.9,", ",", "", " ", "~=3", "~=3.9", "~=3.9.1", "~=1.0a1", "~=1.0+local", "~=1.0.*",
	"==3.*", "==3.9.*", "!=3.10.*", ">=3.*", "<3.*", "==1.0+local", "!=1.0+local", ">=1.0+local",
	"<=2.0", "<2", ">1", "===foo", "=== foo bar", "===", "=== ", "===1.0)", "===a;b", ">>=2.0",
	"=>2.0", "=<2.0", "== 1.0", ">= 3.9, < 4", ">=3.9,,<4", ">=3.9 <4", "3.9", ">=", "~=", "==v1.0",
	">=1!2.0", "==1.0a1.post2.dev3", ">=1.0-1", "~=2.2.post3", "~=2.2.0.dev1", "== 1.0 .*", "==1.0.* ",
	"\t>=3.9\t", ">=3.9\u00a0", "\u3000<4", "~=1.0poſt1", "~=1.0prevİew1", ">=1.0poſt1", "==1.0+K",
	"~=1.0-1", ">=3.9,!=3.9.1,<4", "<4,", ">=1.0\n", "!=1.0.*.post1",
}

var requirementSeeds = []string{
	"requests", "requests >>= 2.0", "requests>=2.0", "requests (>=2.0)", "requests ( >= 2.0 , < 3 )",
	"requests[security]>=2.8.1", "requests[security, socks] ; python_version < '3.8'",
	"requests[]", "requests[,]", "requests[a b]", "requests[a,]", "requests[a,,b]",
	"name @ https://example.org/x.whl", "name@https://example.org/x.whl", "name @ file:///tmp/x",
	"name @ https://example.org/x.whl ; os_name == 'nt'", "name @ https://example.org/x.whl; os_name == 'nt'",
	"name @ ", "name @", "name @ git+https://github.com/a/b.git@v1#egg=b", "name @ x", "name @ /abs/path",
	"foo ; python_version >= '3.8' and (os_name == 'nt' or sys_platform == 'win32')",
	"foo ; extra == 'bar'", "foo ; 'bar' in extras", "foo ; 'dev' not in dependency_groups",
	"foo ; python_version ~= '3.8'", "foo ; python_version === '3.8'", "foo ; os.name == 'posix'",
	"foo ; python_implementation == 'CPython'", "foo ; platform.python_implementation == 'PyPy'",
	"foo ; platform_machine in 'x86_64 aarch64'", "foo ; implementation_name == \"cpython\"",
	"foo ; implementation_version > '3'", "foo ; platform_release >= '5'", "foo ; platform_system == 'Linux'",
	"foo ; platform_version != '1'", "foo ; platform.machine == 'x'", "foo ; platform.version == 'x'",
	"foo ; python_full_version < '3.11.2'", "foo ; sys.platform == 'linux'",
	"foo ;", "foo ; ", "foo ; ()", "foo ; (python_version > '3'", "foo ; python_version > '3')",
	"foo ; python_version", "foo ; python_version >", "foo ; 'a' 'b'", "foo ; 'a' == 'b' and",
	"foo ; python_version > '3' or", "foo ; not python_version", "foo ; 'a' not  in extras",
	"foo ; 'a' notin extras", "foo ; 'a' in\textras", "foo ; python_versionx > '3'", "foo ; os_name=='a'and os_name=='b'",
	"foo>=1.0.*", "foo>=1.0+abc", "foo==1.0+abc", "foo===a,b", "foo===a,>=1", "foo===1.0)", "foo (===1.0)",
	"foo\n", "foo \n", "foo\n ", "\tfoo", " foo", "foo-", "foo.", "foo_", "-foo", "foo-bar.baz_qux",
	"fooé", "foo-é", "foo_é", "é", "1foo", "foo>=1.0 ; python_version > '3'", "foo >=1.0;python_version>'3'",
	"foo>=1.0,<2.0", "foo>=1.0 ,<2.0", "foo>=1.0, <2.0", "foo>=1.0,", "foo>=1.0,,<2", "foo (>=1.0,)",
	"foo (>=1.0", "foo >=1.0)", "foo ()", "foo ( )", "foo ; 'a\\tb' == 'c'", "foo ; 'a\\x4' == 'c'",
	"foo ; 'a\\' == 'c'", "foo ; 'a\\u00e9' == 'c'", "foo ; 'a\\U00110000' == 'c'", "foo ; 'a\\q' == 'c'",
	"foo ; '\\0' == 'c'", "foo ; \"it's\" == 'c'", "foo ; 'a\\\nb' == 'c'", "foo ; 'é' == 'c'",
	"foo ~= 3", "foo ~=3.9", "foo~=3.9.*", "foo >= 3.9 , < 4 ; extra == 'Test_Extra'",
}

// grammar pieces for generated requirements
var (
	genNames     = []string{"foo", "Foo_Bar", "zope.interface", "a", "a-b", "x1", "requests", "9lives"}
	genExtras    = []string{"", "[a]", "[a,b]", "[ a , b ]", "[security,socks]", "[]", "[A_B.c]"}
	genSpecs     = []string{"", ">=1.0", "(>=1.0)", "( >=1.0 , <2 )", ">=1.0,<2", "==1.*", "~=1.4.2", "===x", "!=1.0+l", "<2.0a1"}
	genVariables = []string{
		"python_version", "python_full_version", "os_name", "os.name", "sys_platform", "sys.platform",
		"platform_release", "platform_system", "platform_version", "platform.version", "platform_machine",
		"platform.machine", "platform_python_implementation", "platform.python_implementation",
		"python_implementation", "implementation_name", "implementation_version", "extra", "extras",
		"dependency_groups",
	}
	genOps    = []string{"<", "<=", "==", "!=", ">=", ">", "~=", "===", "in", "not in"}
	genValues = []string{"'3.8'", "\"3.8\"", "'linux'", "'x y'", "''", "\"it's\"", "'test'", "'a\\tb'"}
	genURLs   = []string{"https://example.org/p.whl", "file:///tmp/p.tar.gz", "git+https://h/r.git@v1", "x"}
)

func pick(r *rand.Rand, xs []string) string { return xs[r.IntN(len(xs))] }

// genMarker builds a marker of up to depth levels of and/or/parentheses.
func genMarker(r *rand.Rand, depth int) string {
	if depth > 0 && r.IntN(3) == 0 {
		inner := genMarker(r, depth-1) + " " + pick(r, []string{"and", "or"}) + " " + genMarker(r, depth-1)
		if r.IntN(2) == 0 {
			return "(" + inner + ")"
		}
		return inner
	}
	lhs, rhs := pick(r, genVariables), pick(r, genValues)
	if r.IntN(2) == 0 {
		lhs, rhs = rhs, lhs
	}
	return lhs + " " + pick(r, genOps) + " " + rhs
}

func genRequirement(r *rand.Rand) string {
	s := pick(r, genNames) + pick(r, []string{"", " "}) + pick(r, genExtras)
	if r.IntN(4) == 0 {
		s += " @ " + pick(r, genURLs)
		if r.IntN(2) == 0 {
			s += " ; " + genMarker(r, 2)
		}
		return s
	}
	s += pick(r, []string{"", " "}) + pick(r, genSpecs)
	if r.IntN(2) == 0 {
		s += pick(r, []string{";", " ;", " ; "}) + genMarker(r, 2)
	}
	return s
}

// mutationRunes are inserted and substituted: grammar characters, both
// kinds of whitespace, and the Unicode characters Python's case-insensitive
// and \b rules treat specially.
var mutationRunes = []rune("<>=!~;,.*+-_@()[]'\" \t\n\\abcdeilnoprstvxz019AZé\u00a0\u2003\u0130\u0131\u017f\u212a\u00b2")

func mutate(r *rand.Rand, s string) string {
	rs := []rune(s)
	for n := 1 + r.IntN(2); n > 0; n-- {
		i := 0
		if len(rs) > 0 {
			i = r.IntN(len(rs))
		}
		switch op := r.IntN(6); {
		case op == 0 && len(rs) > 0: // drop
			rs = append(rs[:i], rs[i+1:]...)
		case op == 1 && len(rs) > 0: // duplicate
			rs = append(rs[:i+1], rs[i:]...)
		case op == 2 && len(rs) > 1: // swap
			j := min(i+1, len(rs)-1)
			rs[i], rs[j] = rs[j], rs[i]
		case op == 3 && len(rs) > 0: // substitute
			rs[i] = mutationRunes[r.IntN(len(mutationRunes))]
		case op == 4: // truncate
			rs = rs[:i]
		default: // insert
			rs = append(rs[:i], append([]rune{mutationRunes[r.IntN(len(mutationRunes))]}, rs[i:]...)...)
		}
	}
	return string(rs)
}

// corpus returns n strings: the seeds, generated ones (when gen is not
// nil) and mutations of both, deduplicated, valid UTF-8 only (Python
// strings cannot hold anything else).
func corpus(r *rand.Rand, seeds []string, gen func(*rand.Rand) string, n int) []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if !seen[s] && utf8.ValidString(s) {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, s := range seeds {
		add(s)
	}
	base := append([]string(nil), seeds...)
	for tries := 0; len(out) < n && tries < 20*n; tries++ {
		switch {
		case gen != nil && r.IntN(3) == 0:
			g := gen(r)
			base = append(base, g)
			add(g)
		case r.IntN(8) == 0:
			add(pick(r, base) + pick(r, []string{",", ", ", " ", ";"}) + pick(r, base))
		default:
			add(mutate(r, pick(r, base)))
		}
	}
	return out
}

func genSpecifierSet(r *rand.Rand) string {
	parts := make([]string, 1+r.IntN(3))
	for i := range parts {
		parts[i] = strings.TrimSpace(pick(r, specifierSeeds))
	}
	return strings.Join(parts, pick(r, []string{",", ", ", " , "}))
}
