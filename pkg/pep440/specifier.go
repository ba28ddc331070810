package pep440

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Specifier is one version clause such as ">=3.9" or "==1.2.*", as
// packaging's Specifier reads it. Only the syntax is checked, as packaging
// does: the version of a "===" clause is any string, and the version of the
// other operators is kept as written (it may end in ".*" for == and !=).
type Specifier struct {
	Operator string // one of ~= == != <= >= < > ===
	Version  string // trimmed; never contains whitespace
}

// String gives packaging's str(Specifier): the operator and the version,
// without the spaces the input may have had between them.
func (s Specifier) String() string { return s.Operator + s.Version }

// SpecifierError reports a string that is not a valid specifier (set).
type SpecifierError struct {
	// Input is the rejected string, unmodified.
	Input string
}

// Error uses packaging's own wording, so the message reads like PyPI's.
func (e *SpecifierError) Error() string {
	return fmt.Sprintf("Invalid specifier: %s", PyRepr(e.Input))
}

// ParseSpecifier parses one specifier exactly as packaging 26.2's
// Specifier does: its regex, matched against the whole string, with
// surrounding whitespace (Python's \s) allowed.
func ParseSpecifier(s string) (Specifier, error) {
	t := strings.TrimFunc(s, isPySpace)
	n, op := MatchSpecifier(t)
	if op == "" || n != len(t) {
		return Specifier{}, &SpecifierError{Input: s}
	}
	return Specifier{Operator: op, Version: strings.TrimFunc(t[len(op):], isPySpace)}, nil
}

// SpecifierSet is a list of specifiers, all of which must hold.
type SpecifierSet []Specifier

// ParseSpecifierSet parses a comma-separated list as packaging's
// SpecifierSet does: items are stripped and empty ones skipped, so
// ">=3.9," and even "" or "," are valid (PyPI accepts them as
// Requires-Python). Any other item must be a valid [Specifier].
func ParseSpecifierSet(s string) (SpecifierSet, error) {
	var set SpecifierSet
	for item := range strings.SplitSeq(s, ",") {
		if strings.TrimFunc(item, isPySpace) == "" {
			continue
		}
		spec, err := ParseSpecifier(item)
		if err != nil {
			return nil, &SpecifierError{Input: item}
		}
		set = append(set, spec)
	}
	return set, nil
}

// String joins the clauses with commas, as they were given.
func (ss SpecifierSet) String() string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = s.String()
	}
	return strings.Join(parts, ",")
}

// versionRules are the parts a specifier's version may have after an
// operator: packaging's regex has one branch per operator group.
type versionRules struct {
	wildcard    bool // ".*" suffix (== and !=)
	local       bool // "+local" (== and !=)
	twoSegments bool // at least two release numbers (~=)
	// unicodeFold: the ~= branch of packaging 26.2's regex is the only one
	// not wrapped in (?a:...), so Python's case-insensitive match lets
	// U+0130/U+0131 stand for "i" and U+017F for "s" in its words.
	unicodeFold bool
}

// MatchSpecifier matches the start of s against packaging's specifier
// regex (without leading whitespace), as re.match does: it returns the
// operator and the length of the match, or "" and 0. The requirement
// tokenizer reads one specifier token this way; [ParseSpecifier] requires
// the match to cover the whole string. Every part after the release
// number is optional and greedy and nothing in the pattern follows it, so
// the greedy reading is the regex's own.
func MatchSpecifier(s string) (n int, op string) {
	switch {
	case strings.HasPrefix(s, "==="):
		i := skipPySpace(s, 3)
		for i < len(s) {
			r, size := utf8.DecodeRuneInString(s[i:])
			if isPySpace(r) || r == ';' || r == ')' {
				break
			}
			i += size
		}
		return i, "==="
	case strings.HasPrefix(s, "==") || strings.HasPrefix(s, "!="):
		op = s[:2]
		n = matchSpecVersion(s, 2, versionRules{wildcard: true, local: true})
	case strings.HasPrefix(s, "~="):
		op = "~="
		n = matchSpecVersion(s, 2, versionRules{twoSegments: true, unicodeFold: true})
	case strings.HasPrefix(s, "<=") || strings.HasPrefix(s, ">="):
		op = s[:2]
		n = matchSpecVersion(s, 2, versionRules{})
	case strings.HasPrefix(s, "<") || strings.HasPrefix(s, ">"):
		op = s[:1]
		n = matchSpecVersion(s, 1, versionRules{})
	}
	if n <= 0 {
		return 0, ""
	}
	return n, op
}

// matchSpecVersion matches `\s* v? (N!)? N(.N)* suffixes` from i and
// returns where the match ends, or -1.
func matchSpecVersion(s string, i int, r versionRules) int {
	p := &specScanner{s: s, i: skipPySpace(s, i), fold: r.unicodeFold}
	if c := p.peek(); c == 'v' || c == 'V' {
		p.i++
	}
	if !p.digits() {
		return -1
	}
	if p.peek() == '!' {
		p.i++
		if !p.digits() {
			return -1
		}
	}
	segments := 1
	for p.peek() == '.' && p.i+1 < len(s) && isDigit(s[p.i+1]) {
		p.i++
		p.digits()
		segments++
	}
	if r.twoSegments && segments < 2 {
		return -1
	}
	if r.wildcard && strings.HasPrefix(s[p.i:], ".*") {
		return p.i + 2
	}
	p.optional(p.pre)
	p.optional(p.post)
	p.optional(p.dev)
	if r.local {
		p.optional(p.localPart)
	}
	return p.i
}

// specScanner walks a specifier's version; each optional part either
// matches and advances, or leaves the position where it was.
type specScanner struct {
	s    string
	i    int
	fold bool
}

func (p *specScanner) peek() byte {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *specScanner) optional(part func() bool) {
	start := p.i
	if !part() {
		p.i = start
	}
}

func (p *specScanner) digits() bool {
	start := p.i
	for p.i < len(p.s) && isDigit(p.s[p.i]) {
		p.i++
	}
	return p.i > start
}

func (p *specScanner) sep() {
	if isSep(p.peek()) {
		p.i++
	}
}

// word consumes the first of words that matches case-insensitively, as a
// regex alternation tries them in order.
func (p *specScanner) word(words ...string) bool {
	for _, w := range words {
		if n := p.matchWord(w); n > 0 {
			p.i += n
			return true
		}
	}
	return false
}

// matchWord returns the byte length of w matched at the position, or 0.
func (p *specScanner) matchWord(w string) int {
	j := p.i
	for k := range len(w) {
		if j >= len(p.s) {
			return 0
		}
		r, size := utf8.DecodeRuneInString(p.s[j:])
		if !foldsTo(r, w[k], p.fold) {
			return 0
		}
		j += size
	}
	return j - p.i
}

// foldsTo reports whether r matches the lowercase ASCII letter c under
// Python's IGNORECASE, with or without the ASCII flag.
func foldsTo(r rune, c byte, unicodeFold bool) bool {
	if r == rune(c) || r == rune(c)-'a'+'A' {
		return true
	}
	if !unicodeFold {
		return false
	}
	switch c {
	case 'i':
		return r == 'İ' || r == 'ı'
	case 's':
		return r == 'ſ'
	case 'k':
		return r == 'K' // Kelvin sign
	}
	return false
}

// pre is `[-_.]? (alpha|beta|preview|pre|a|b|c|rc) [-_.]? [0-9]*`.
func (p *specScanner) pre() bool {
	p.sep()
	if !p.word("alpha", "beta", "preview", "pre", "a", "b", "c", "rc") {
		return false
	}
	p.sep()
	p.digits()
	return true
}

// post is `-[0-9]+ | [-_.]? (post|rev|r) [-_.]? [0-9]*`.
func (p *specScanner) post() bool {
	if p.peek() == '-' && p.i+1 < len(p.s) && isDigit(p.s[p.i+1]) {
		p.i++
		return p.digits()
	}
	p.sep()
	if !p.word("post", "rev", "r") {
		return false
	}
	p.sep()
	p.digits()
	return true
}

// dev is `[-_.]? dev [-_.]? [0-9]*`.
func (p *specScanner) dev() bool {
	p.sep()
	if !p.word("dev") {
		return false
	}
	p.sep()
	p.digits()
	return true
}

// localPart is `\+ [a-z0-9]+ ([-_.][a-z0-9]+)*`, ASCII only.
func (p *specScanner) localPart() bool {
	if p.peek() != '+' {
		return false
	}
	p.i++
	if !p.alnums() {
		return false
	}
	for {
		start := p.i
		if !isSep(p.peek()) {
			return true
		}
		p.i++
		if !p.alnums() {
			p.i = start
			return true
		}
	}
}

func (p *specScanner) alnums() bool {
	start := p.i
	for p.i < len(p.s) && isAlnum(p.s[p.i]) {
		p.i++
	}
	return p.i > start
}

// skipPySpace skips Python's \s from i.
func skipPySpace(s string, i int) int {
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isPySpace(r) {
			break
		}
		i += size
	}
	return i
}
