package fakeindex

import (
	"errors"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/pyupload/pyupload/pkg/dist"
)

// requirement is a parsed PEP 508 dependency specifier, as packaging's
// Requirement parses it.
type requirement struct {
	name      string
	extras    []string
	specifier string // as written, trimmed, without parentheses
	url       string
	marker    string // normalised: tokens joined by single spaces, values in double quotes
}

// String formats the requirement as packaging's str(Requirement) does.
func (r *requirement) String() string {
	var b strings.Builder
	b.WriteString(r.name)
	if len(r.extras) > 0 {
		extras := append([]string(nil), r.extras...)
		sort.Strings(extras)
		b.WriteString("[" + strings.Join(extras, ",") + "]")
	}
	b.WriteString(r.specifier)
	if r.url != "" {
		b.WriteString(" @ " + r.url)
		if r.marker != "" {
			b.WriteString(" ")
		}
	}
	if r.marker != "" {
		b.WriteString("; " + r.marker)
	}
	return b.String()
}

var (
	reqNameRE  = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9_])?`)
	specOpRE   = regexp.MustCompile(`^(===|~=|==|!=|<=|>=|<|>)`)
	prefixVerR = regexp.MustCompile(`(?i)^v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*$`)
	releaseRE  = regexp.MustCompile(`^(?:[0-9]+!)?([0-9]+(?:\.[0-9]+)*)`)
	// extraNameRE is packaging's canonicalize_name(validate=True), compiled
	// with re.ASCII: Go's (?i) would let U+017F stand for "s".
	extraNameRE = regexp.MustCompile(`^([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])$`)
	markerVars  = map[string]bool{
		"python_version": true, "python_full_version": true, "os_name": true, "os.name": true,
		"sys_platform": true, "sys.platform": true, "platform_release": true, "platform_system": true,
		"platform_version": true, "platform.version": true, "platform_machine": true, "platform.machine": true,
		"platform_python_implementation": true, "platform.python_implementation": true,
		"python_implementation": true, "implementation_name": true, "implementation_version": true,
		"extra": true, "extras": true, "dependency_groups": true,
	}
)

var errRequirement = errors.New("invalid requirement")

// parseRequirement parses a PEP 508 requirement the way packaging's
// parser accepts it: name, optional extras, then either "@ url" or version
// specifiers (optionally in parentheses), then an optional "; marker".
func parseRequirement(s string) (*requirement, error) {
	// packaging's END token is Python's $, which also matches before a
	// final newline.
	s, finalNewline := strings.CutSuffix(s, "\n")
	rest := strings.TrimLeft(s, " \t")
	name := reqNameRE.FindString(rest)
	if name == "" {
		return nil, errRequirement
	}
	r := &requirement{name: name}
	rest = strings.TrimLeft(rest[len(name):], " \t")
	if strings.HasPrefix(rest, "[") {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return nil, errRequirement
		}
		if inner := strings.Trim(rest[1:end], " \t"); inner != "" {
			for e := range strings.SplitSeq(inner, ",") {
				e = strings.Trim(e, " \t")
				if e == "" || reqNameRE.FindString(e) != e {
					return nil, errRequirement
				}
				r.extras = append(r.extras, e)
			}
		}
		rest = strings.TrimLeft(rest[end+1:], " \t")
	}
	marker := ""
	if after, ok := strings.CutPrefix(rest, "@"); ok {
		after = strings.TrimLeft(after, " \t")
		end := strings.IndexAny(after, " \t")
		if end < 0 {
			end = len(after)
		}
		r.url, rest = after[:end], strings.TrimLeft(after[end:], " \t")
		if r.url == "" && finalNewline && rest == "" {
			r.url = "\n" // the URL token is anything but spaces and tabs
		}
		if r.url == "" {
			return nil, errRequirement
		}
		if rest != "" {
			if end == len(after) || !strings.HasPrefix(rest, ";") {
				return nil, errRequirement
			}
			marker = rest[1:]
		}
	} else {
		// Between tokens packaging's grammar allows only spaces and tabs.
		spec, m, hasMarker := strings.Cut(rest, ";")
		spec = strings.Trim(spec, " \t")
		if strings.HasPrefix(spec, "(") {
			if !strings.HasSuffix(spec, ")") {
				return nil, errRequirement
			}
			spec = strings.Trim(spec[1:len(spec)-1], " \t")
		}
		if spec != "" {
			if !validSpecifierList(spec) {
				return nil, errRequirement
			}
			r.specifier = spec
		}
		if hasMarker {
			marker = m
		} else if rest != "" && spec == "" {
			return nil, errRequirement
		}
	}
	if marker != "" || strings.Contains(rest, ";") {
		norm, ok := parseMarker(marker)
		if !ok {
			return nil, errRequirement
		}
		r.marker = norm
	}
	return r, nil
}

// validSpecifierSet is packaging's SpecifierSet: comma-separated
// specifiers, empty items ignored.
func validSpecifierSet(s string) bool {
	for item := range strings.SplitSeq(s, ",") {
		if strings.TrimSpace(item) != "" && !validSpecifier(item) {
			return false
		}
	}
	return true
}

// validSpecifierList checks the specifiers of a requirement as packaging's
// tokenizer reads them: items joined by commas with spaces or tabs around,
// one trailing comma allowed. An "===" item is a token that runs to
// whitespace, ';' or ')', commas included, and SpecifierSet then splits it
// again, so "===a,,>=1" is valid where ">=1,,<2" is not.
func validSpecifierList(spec string) bool {
	rest := spec
	for {
		var tok string
		if strings.HasPrefix(rest, "===") {
			body := strings.TrimLeftFunc(rest[3:], isPySpace)
			n := strings.IndexFunc(body, func(r rune) bool { return isPySpace(r) || r == ';' || r == ')' })
			if n < 0 {
				n = len(body)
			}
			tok = rest[:len(rest)-len(body)+n]
			if !validSpecifierSet(tok) {
				return false
			}
		} else {
			comma := strings.IndexByte(rest, ',')
			if comma < 0 {
				comma = len(rest)
			}
			tok = strings.TrimRight(rest[:comma], " \t")
			if strings.TrimFunc(tok, isPySpace) != tok || !validSpecifier(tok) {
				return false
			}
		}
		rest = strings.TrimLeft(rest[len(tok):], " \t")
		if rest == "" {
			return true
		}
		if rest[0] != ',' {
			return false
		}
		if rest = strings.TrimLeft(rest[1:], " \t"); rest == "" {
			return true
		}
	}
}

// isPySpace is Python's \s: Unicode white space and U+001C..U+001F.
func isPySpace(r rune) bool { return unicode.IsSpace(r) || r >= 0x1c && r <= 0x1f }

// validSpecifier is packaging's Specifier: an operator and a version the
// operator admits (prefix matches only with == and !=, no local versions
// with ordering operators, ~= needs two release segments).
func validSpecifier(s string) bool {
	s = strings.TrimSpace(s)
	op := specOpRE.FindString(s)
	if op == "" {
		return false
	}
	v := strings.TrimSpace(s[len(op):])
	if op == "===" {
		// Any string, even an empty one, up to whitespace, ';' or ')'.
		return !strings.ContainsAny(v, ";)") && strings.IndexFunc(v, isPySpace) < 0
	}
	if v == "" {
		return false
	}
	switch op {
	case "==", "!=":
		if prefix, ok := strings.CutSuffix(v, ".*"); ok {
			return prefixVerR.MatchString(prefix)
		}
		_, err := dist.ParseVersion(v)
		return err == nil
	}
	if op == "~=" {
		// Only the ~= branch of packaging's regex lacks (?a:...), so
		// Python's IGNORECASE lets these stand for "s" and "i" in its words.
		v = strings.NewReplacer("\u017f", "s", "\u0130", "i", "\u0131", "i").Replace(v)
	}
	ver, err := dist.ParseVersion(v)
	if err != nil || ver.IsLocal() {
		return false
	}
	if op == "~=" {
		m := releaseRE.FindStringSubmatch(ver.String())
		return m != nil && strings.Contains(m[1], ".")
	}
	return true
}

// parseMarker checks a PEP 508 environment marker and returns it in
// packaging's normalised spelling.
func parseMarker(s string) (string, bool) {
	toks, ok := markerTokens(s)
	if !ok || len(toks) == 0 {
		return "", false
	}
	p := &markerParser{toks: toks}
	if !p.expr() || p.i != len(toks) {
		return "", false
	}
	return strings.NewReplacer("( ", "(", " )", ")").Replace(strings.Join(p.out, " ")), true
}

type markerParser struct {
	toks  []string
	i     int
	out   []string
	depth int
}

// maxMarkerNesting: packaging's recursive parser meets Python's recursion
// limit a few hundred parentheses down (PyPI then answers 500, which the
// fake does not model); refusing past 200 keeps this parser's stack
// bounded.
const maxMarkerNesting = 200

func (p *markerParser) peek() string {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return ""
}

func (p *markerParser) next() string {
	t := p.peek()
	p.i++
	p.out = append(p.out, t)
	return t
}

// expr: atom (("and" | "or") atom)*
func (p *markerParser) expr() bool {
	if !p.atom() {
		return false
	}
	for t := p.peek(); t == "and" || t == "or"; t = p.peek() {
		p.next()
		if !p.atom() {
			return false
		}
	}
	return true
}

// atom: "(" expr ")" | value op value
func (p *markerParser) atom() bool {
	if p.peek() == "(" {
		if p.depth++; p.depth > maxMarkerNesting {
			return false
		}
		p.next()
		if !p.expr() || p.peek() != ")" {
			return false
		}
		p.depth--
		p.next()
		return true
	}
	if !p.value() {
		return false
	}
	switch t := p.peek(); t {
	case "<", "<=", "==", "!=", ">=", ">", "~=", "===", "in":
		p.next()
	case "not":
		p.next()
		if p.peek() != "in" {
			return false
		}
		p.next()
	default:
		return false
	}
	return p.value()
}

func (p *markerParser) value() bool {
	t := p.peek()
	switch {
	case markerVars[t]:
		p.next()
		return true
	case len(t) >= 2 && (t[0] == '"' || t[0] == '\''):
		if !pythonLiteralOK(t[1 : len(t)-1]) {
			return false
		}
		p.i++
		p.out = append(p.out, `"`+t[1:len(t)-1]+`"`)
		return true
	}
	return false
}

// markerTokens splits a marker into variables, quoted strings, operators,
// parentheses and the words and, or, not, in.
func markerTokens(s string) ([]string, bool) {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case c == '(' || c == ')':
			toks = append(toks, string(c))
			i++
		case c == '"' || c == '\'':
			end := strings.IndexByte(s[i+1:], c)
			if end < 0 {
				return nil, false
			}
			toks = append(toks, s[i:i+end+2])
			i += end + 2
		case strings.ContainsRune("<>=!~", rune(c)):
			j := i
			for j < len(s) && strings.ContainsRune("<>=!~", rune(s[j])) {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		default:
			j := i
			for j < len(s) && (s[j] == '_' || s[j] == '.' || isASCIIAlnum(s[j])) {
				j++
			}
			if j == i {
				return nil, false
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks, true
}

func isASCIIAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// pythonLiteralOK reports whether a marker string's inside is a valid
// Python string literal body, which packaging requires by passing the
// quoted string to ast.literal_eval: no raw line break or NUL, no
// backslash before the closing quote, and well-formed \x, \u, \U and \N
// escapes.
func pythonLiteralOK(body string) bool {
	if strings.ContainsAny(body, "\x00") {
		return false
	}
	for i := 0; i < len(body); i++ {
		switch body[i] {
		case '\n', '\r':
			return false
		case '\\':
			i++
			if i == len(body) {
				return false
			}
			width := map[byte]int{'x': 2, 'u': 4, 'U': 8}[body[i]]
			switch {
			case body[i] == '\r' && i+1 < len(body) && body[i+1] == '\n':
				i++
			case width > 0:
				digits := body[i+1 : min(len(body), i+1+width)]
				v, err := strconv.ParseUint(digits, 16, 32)
				if len(digits) < width || err != nil || v > unicode.MaxRune {
					return false
				}
				i += width
			case body[i] == 'N':
				end := strings.IndexByte(body[i:], '}')
				if i+1 >= len(body) || body[i+1] != '{' || end < 3 {
					return false
				}
				i += end
			}
		}
	}
	return true
}
