package fakeindex

import (
	"errors"
	"regexp"
	"sort"
	"strings"

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
	markerVars = map[string]bool{
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
		if inner := strings.TrimSpace(rest[1:end]); inner != "" {
			for e := range strings.SplitSeq(inner, ",") {
				e = strings.TrimSpace(e)
				if reqNameRE.FindString(e) != e {
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
		spec, m, hasMarker := strings.Cut(rest, ";")
		spec = strings.TrimSpace(spec)
		if strings.HasPrefix(spec, "(") {
			if !strings.HasSuffix(spec, ")") {
				return nil, errRequirement
			}
			spec = strings.TrimSpace(spec[1 : len(spec)-1])
		}
		if spec != "" {
			// packaging's version_many reads a comma after every specifier,
			// so one may end the list; an empty item elsewhere is an error.
			items := strings.Split(spec, ",")
			if len(items) > 1 && strings.TrimSpace(items[len(items)-1]) == "" {
				items = items[:len(items)-1]
			}
			for _, item := range items {
				if !validSpecifier(item) {
					return nil, errRequirement
				}
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
	if v == "" {
		return false
	}
	switch op {
	case "===":
		return !strings.ContainsAny(v, " \t;)")
	case "==", "!=":
		if prefix, ok := strings.CutSuffix(v, ".*"); ok {
			return prefixVerR.MatchString(prefix)
		}
		_, err := dist.ParseVersion(v)
		return err == nil
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
	toks []string
	i    int
	out  []string
}

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
		p.next()
		if !p.expr() || p.peek() != ")" {
			return false
		}
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
