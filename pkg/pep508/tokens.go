package pep508

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pyupload/pyupload/pkg/pep440"
)

// scanner holds the input and the position, like packaging's Tokenizer.
// Each token method matches packaging's token regex at the position (as
// re.match does) and either consumes it or leaves the position alone.
// Positions are byte offsets; [SyntaxError] converts them to characters.
type scanner struct {
	src   string
	pos   int
	depth int // parentheses open in the marker being read
}

func (p *scanner) peekByte() byte {
	if p.pos < len(p.src) {
		return p.src[p.pos]
	}
	return 0
}

// ws consumes `[ \t]+`, packaging's WS token: only spaces and tabs.
func (p *scanner) ws() bool {
	start := p.pos
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t') {
		p.pos++
	}
	return p.pos > start
}

// atEnd is packaging's END token, `$`: Python's $ also matches just before
// a final newline, so "name\n" is a complete requirement.
func (p *scanner) atEnd() bool {
	return p.pos == len(p.src) || p.pos == len(p.src)-1 && p.src[p.pos] == '\n'
}

// isWord is Python's \w for str patterns: alphanumeric in Unicode's sense,
// or "_". Packaging's \b boundaries depend on it, so "name\u00e9" is not a
// name followed by junk but no name at all.
func isWord(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r)
}

func (p *scanner) wordBefore(i int) bool {
	if i == 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(p.src[:i])
	return r != utf8.RuneError && isWord(r)
}

func (p *scanner) wordAt(i int) bool {
	if i >= len(p.src) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(p.src[i:])
	return r != utf8.RuneError && isWord(r)
}

// boundary is Python's \b at byte offset i.
func (p *scanner) boundary(i int) bool { return p.wordBefore(i) != p.wordAt(i) }

// identifier matches `\b[a-zA-Z0-9][a-zA-Z0-9._-]*\b`: the run is greedy,
// then gives characters back until it ends on a word boundary.
func (p *scanner) identifier() (string, bool) {
	i := p.pos
	if i >= len(p.src) || !isASCIIAlnum(p.src[i]) || !p.boundary(i) {
		return "", false
	}
	end := i + 1
	for end < len(p.src) && (isASCIIAlnum(p.src[end]) || strings.IndexByte("._-", p.src[end]) >= 0) {
		end++
	}
	for ; end > i; end-- {
		if p.boundary(end) {
			p.pos = end
			return p.src[i:end], true
		}
	}
	return "", false
}

// keyword matches `\b<word>\b` for and, or, in and not.
func (p *scanner) keyword(words ...string) (string, bool) {
	if !p.boundary(p.pos) {
		return "", false
	}
	for _, w := range words {
		if strings.HasPrefix(p.src[p.pos:], w) && p.boundary(p.pos+len(w)) {
			p.pos += len(w)
			return w, true
		}
	}
	return "", false
}

// markerVariables are the names packaging 26's VARIABLE token knows, with
// the name each stands for. "extras" and "dependency_groups" came with
// PEP 751 in packaging 25.0.
var markerVariables = []struct{ spelling, name string }{
	{"python_version", "python_version"},
	{"python_full_version", "python_full_version"},
	{"os_name", "os_name"}, {"os.name", "os_name"},
	{"sys_platform", "sys_platform"}, {"sys.platform", "sys_platform"},
	{"platform_release", "platform_release"},
	{"platform_system", "platform_system"},
	{"platform_version", "platform_version"}, {"platform.version", "platform_version"},
	{"platform_machine", "platform_machine"}, {"platform.machine", "platform_machine"},
	{"platform_python_implementation", "platform_python_implementation"},
	{"platform.python_implementation", "platform_python_implementation"},
	{"python_implementation", "platform_python_implementation"},
	{"implementation_name", "implementation_name"},
	{"implementation_version", "implementation_version"},
	{"extra", "extra"}, {"extras", "extras"},
	{"dependency_groups", "dependency_groups"},
}

// variable matches the VARIABLE token and returns the normalised name.
func (p *scanner) variable() (string, bool) {
	if !p.boundary(p.pos) {
		return "", false
	}
	for _, v := range markerVariables {
		if strings.HasPrefix(p.src[p.pos:], v.spelling) && p.boundary(p.pos+len(v.spelling)) {
			p.pos += len(v.spelling)
			return v.name, true
		}
	}
	return "", false
}

// quoted matches QUOTED_STRING, `'[^']*'|"[^"]*"`, and returns the token.
func (p *scanner) quoted() (string, bool) {
	q := p.peekByte()
	if q != '\'' && q != '"' {
		return "", false
	}
	end := strings.IndexByte(p.src[p.pos+1:], q)
	if end < 0 {
		return "", false
	}
	tok := p.src[p.pos : p.pos+end+2]
	p.pos += len(tok)
	return tok, true
}

// markerOperators is packaging's OP token, in the regex's order.
var markerOperators = []string{"===", "==", "~=", "!=", "<=", ">=", "<", ">"}

func (p *scanner) operator() (string, bool) {
	for _, op := range markerOperators {
		if strings.HasPrefix(p.src[p.pos:], op) {
			p.pos += len(op)
			return op, true
		}
	}
	return "", false
}

// url matches `[^ \t]+`: everything up to a space or tab.
func (p *scanner) url() (string, bool) {
	end := strings.IndexAny(p.src[p.pos:], " \t")
	if end < 0 {
		end = len(p.src) - p.pos
	}
	if end == 0 {
		return "", false
	}
	u := p.src[p.pos : p.pos+end]
	p.pos += end
	return u, true
}

// specifier matches one SPECIFIER token.
func (p *scanner) specifier() (string, bool) {
	n, _ := pep440.MatchSpecifier(p.src[p.pos:])
	if n == 0 {
		return "", false
	}
	tok := p.src[p.pos : p.pos+n]
	p.pos += n
	return tok, true
}

// localLabelTrail peeks at VERSION_LOCAL_LABEL_TRAIL, `\+[a-z0-9]+...`
// (case-sensitive: packaging compiles it without IGNORECASE).
func (p *scanner) localLabelTrail() bool {
	i := p.pos
	return i+1 < len(p.src) && p.src[i] == '+' && (isLowerAlnum(p.src[i+1]))
}

func isASCIIAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func isLowerAlnum(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' }
