package pep440

import (
	"cmp"
	"fmt"
	"strings"
	"unicode"
)

// VersionError reports a string that is not a PEP 440 version. It carries
// the input so that callers can show which field of which file was wrong.
type VersionError struct {
	// Version is the rejected input, unmodified.
	Version string
}

// Error returns the rejected input, quoted so that stray whitespace and
// control characters stay visible.
func (e *VersionError) Error() string {
	return fmt.Sprintf("invalid version %q", e.Version)
}

// Pre-release kinds. preNone is zero so that the zero Version has no
// pre-release; [Version.preKey] maps kinds to their sort ranks.
const (
	preNone = iota
	preA
	preB
	preRC
)

// Version is a parsed PEP 440 version. Its String method gives the
// normalised form that the index stores and compares filenames against, so
// uploads compare versions through [Version.Compare] or [Version.String], never
// through the raw metadata text.
//
// Every number is kept as a decimal string without leading zeros, because
// hostile metadata may carry numbers far beyond int64 and comparing them
// must neither overflow nor panic. The zero Version reads as "0".
type Version struct {
	epoch   string   // "" means 0
	release []string // at least one element after parsing
	pre     int      // preNone, preA, preB or preRC
	preN    string
	hasPost bool
	postN   string
	hasDev  bool
	devN    string
	local   []string // lowercase; numeric parts without leading zeros
}

// ParseVersion parses s with the permissive grammar that Python's
// packaging.version.Version accepts (PEP 440's VERSION_PATTERN, case-insensitive,
// surrounding whitespace allowed), so that pyupload agrees with the index
// about which metadata is valid. It returns a *[VersionError] on failure.
//
// The grammar is matched by hand rather than with regexp: each optional part
// can be decided by looking at the next few bytes, which the tests check
// against every example in PEP 440.
func ParseVersion(s string) (Version, error) {
	v, ok := parseVersion(strings.TrimFunc(s, isPySpace))
	if !ok {
		return Version{}, &VersionError{Version: s}
	}
	return v, nil
}

// isPySpace reports whether r is whitespace to Python's \s, which is what
// packaging strips: Go's unicode.IsSpace plus the ASCII separators
// U+001C..U+001F.
func isPySpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

// versionScanner walks the trimmed input one byte at a time. All the grammar's
// tokens are ASCII, so bytes suffice; any other byte simply fails to match.
type versionScanner struct {
	s string
	i int
}

func (p *versionScanner) peek() byte {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

// digits consumes a run of ASCII digits and returns it with leading zeros
// removed ("0" for all zeros), or "" if there was none.
func (p *versionScanner) digits() string {
	start := p.i
	for p.i < len(p.s) && isDigit(p.s[p.i]) {
		p.i++
	}
	if p.i == start {
		return ""
	}
	return trimZeros(p.s[start:p.i])
}

// sep consumes one optional separator.
func (p *versionScanner) sep() {
	if isSep(p.peek()) {
		p.i++
	}
}

// word consumes the first of words that matches case-insensitively and
// returns it, or "" if none does. Order matters: the regex alternation tries
// "alpha" before "a", so callers list longer spellings first.
func (p *versionScanner) word(words ...string) string {
	for _, w := range words {
		if len(p.s)-p.i >= len(w) && strings.EqualFold(p.s[p.i:p.i+len(w)], w) {
			p.i += len(w)
			return w
		}
	}
	return ""
}

func parseVersion(s string) (Version, bool) {
	p := &versionScanner{s: s}
	var v Version
	if c := p.peek(); c == 'v' || c == 'V' {
		p.i++
	}

	// Epoch and release: the first number is the epoch only if "!" follows.
	first := p.digits()
	if first == "" {
		return Version{}, false
	}
	if p.peek() == '!' {
		p.i++
		v.epoch = first
		if first = p.digits(); first == "" {
			return Version{}, false
		}
	}
	v.release = []string{first}
	for p.peek() == '.' && p.i+1 < len(s) && isDigit(s[p.i+1]) {
		p.i++
		v.release = append(v.release, p.digits())
	}

	// Pre-release. A separator is consumed only if a signifier follows, as the
	// regex backtracks out of the whole optional group.
	start := p.i
	p.sep()
	switch p.word("alpha", "a", "beta", "b", "preview", "pre", "c", "rc") {
	case "alpha", "a":
		v.pre = preA
	case "beta", "b":
		v.pre = preB
	case "preview", "pre", "c", "rc":
		v.pre = preRC
	default:
		p.i = start
	}
	if v.pre != preNone {
		p.sep()
		v.preN = p.digits()
	}

	// Post-release: "-N" is the implicit spelling; otherwise a signifier.
	start = p.i
	if p.peek() == '-' && p.i+1 < len(s) && isDigit(s[p.i+1]) {
		p.i++
		v.hasPost = true
		v.postN = p.digits()
	} else {
		p.sep()
		if p.word("post", "rev", "r") != "" {
			v.hasPost = true
			p.sep()
			v.postN = p.digits()
		} else {
			p.i = start
		}
	}

	// Development release.
	start = p.i
	p.sep()
	if p.word("dev") != "" {
		v.hasDev = true
		p.sep()
		v.devN = p.digits()
	} else {
		p.i = start
	}

	// Local version: "+" then alphanumeric parts joined by separators.
	if p.peek() == '+' {
		p.i++
		for {
			begin := p.i
			for p.i < len(s) && isAlnum(s[p.i]) {
				p.i++
			}
			if p.i == begin {
				return Version{}, false
			}
			v.local = append(v.local, normalizeLocal(s[begin:p.i]))
			if p.i == len(s) || !isSep(s[p.i]) {
				break
			}
			p.i++
		}
	}

	if p.i != len(s) {
		return Version{}, false
	}
	return v, true
}

// normalizeLocal lowercases a local part, and drops leading zeros from a
// numeric one because packaging turns those into integers.
func normalizeLocal(part string) string {
	for i := range len(part) {
		if !isDigit(part[i]) {
			return strings.ToLower(part)
		}
	}
	return trimZeros(part)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isSep(c byte) bool { return c == '.' || c == '-' || c == '_' }

func isAlnum(c byte) bool {
	return isDigit(c) || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// trimZeros strips leading zeros, keeping a single "0".
func trimZeros(s string) string {
	s = strings.TrimLeft(s, "0")
	if s == "" {
		return "0"
	}
	return s
}

// num maps the empty string (a missing number) to "0".
func num(s string) string {
	if s == "" {
		return "0"
	}
	return s
}

// cmpNum compares two normalised decimal strings of any length: a longer
// number is larger, and equal lengths compare digit by digit.
func cmpNum(a, b string) int {
	a, b = num(a), num(b)
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

// String returns the normalised form, exactly as Python's
// str(packaging.version.Version(s)) prints it: this is what the index
// stores, so it is what filenames and metadata must agree on.
func (v Version) String() string {
	var b strings.Builder
	v.writePublic(&b)
	if v.IsLocal() {
		b.WriteByte('+')
		b.WriteString(v.Local())
	}
	return b.String()
}

// Public returns the normalised version without its local part, which is
// the part that public indexes accept.
func (v Version) Public() string {
	var b strings.Builder
	v.writePublic(&b)
	return b.String()
}

func (v Version) writePublic(b *strings.Builder) {
	if e := num(v.epoch); e != "0" {
		b.WriteString(e)
		b.WriteByte('!')
	}
	if len(v.release) == 0 {
		b.WriteByte('0')
	}
	for i, r := range v.release {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(num(r))
	}
	switch v.pre {
	case preA:
		b.WriteString("a")
	case preB:
		b.WriteString("b")
	case preRC:
		b.WriteString("rc")
	}
	if v.pre != preNone {
		b.WriteString(num(v.preN))
	}
	if v.hasPost {
		b.WriteString(".post")
		b.WriteString(num(v.postN))
	}
	if v.hasDev {
		b.WriteString(".dev")
		b.WriteString(num(v.devN))
	}
}

// IsLocal reports whether v has a local part ("+ubuntu.1"), which public
// indexes such as PyPI reject.
func (v Version) IsLocal() bool { return len(v.local) > 0 }

// Local returns the normalised local part without the "+", or "" if there
// is none.
func (v Version) Local() string { return strings.Join(v.local, ".") }

// IsPrerelease reports whether v is a pre-release or a development release,
// as packaging's is_prerelease does; installers skip these by default.
func (v Version) IsPrerelease() bool { return v.pre != preNone || v.hasDev }

// Compare returns -1, 0 or +1 as v sorts before, equal to or after o in
// PEP 440 order, following packaging's _cmpkey: trailing zeros in the
// release are ignored (1.0 == 1.0.0), and dev < pre < final < post.
func (v Version) Compare(o Version) int {
	if c := cmpNum(v.epoch, o.epoch); c != 0 {
		return c
	}
	if c := cmpRelease(v.release, o.release); c != 0 {
		return c
	}
	vp, vn := v.preKey()
	op, on := o.preKey()
	if vp != op {
		return cmp.Compare(vp, op)
	}
	if c := cmpNum(vn, on); c != 0 {
		return c
	}
	// A release without a post part sorts before one with it.
	if v.hasPost != o.hasPost {
		return cmpBool(v.hasPost, o.hasPost)
	}
	if c := cmpNum(v.postN, o.postN); c != 0 {
		return c
	}
	// A release without a dev part sorts after one with it.
	if v.hasDev != o.hasDev {
		return cmpBool(o.hasDev, v.hasDev)
	}
	if c := cmpNum(v.devN, o.devN); c != 0 {
		return c
	}
	return cmpLocal(v.local, o.local)
}

// Equal reports whether v and o are the same version in PEP 440 terms, for
// example 1.0 and 1.0.0, or 1.0+ABC and 1.0+abc.
func (v Version) Equal(o Version) bool { return v.Compare(o) == 0 }

// preKey returns the pre-release rank and number used for ordering: a bare
// dev release (1.0.dev1) ranks before every alpha, a, b and rc follow, and a
// version without a pre-release ranks last. 1.0.post1.dev1 is not a bare dev
// release: it is a development release of a post release.
func (v Version) preKey() (int, string) {
	switch {
	case v.pre != preNone:
		return v.pre, v.preN // preA, preB, preRC rank 1, 2, 3
	case !v.hasPost && v.hasDev:
		return 0, ""
	default:
		return preRC + 1, ""
	}
}

// cmpRelease compares release segments with trailing zeros ignored.
func cmpRelease(a, b []string) int {
	a, b = trimRelease(a), trimRelease(b)
	for i := 0; i < len(a) && i < len(b); i++ {
		if c := cmpNum(a[i], b[i]); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a), len(b))
}

func trimRelease(r []string) []string {
	n := len(r)
	for n > 0 && num(r[n-1]) == "0" {
		n--
	}
	return r[:n]
}

// cmpLocal orders local parts as PEP 440 asks: no local part sorts first,
// numeric parts compare as numbers and sort after alphanumeric ones, and
// alphanumeric parts (already lowercase) compare as strings.
func cmpLocal(a, b []string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		an, bn := isNumeric(a[i]), isNumeric(b[i])
		var c int
		switch {
		case an && bn:
			c = cmpNum(a[i], b[i])
		case an:
			c = 1
		case bn:
			c = -1
		default:
			c = strings.Compare(a[i], b[i])
		}
		if c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a), len(b))
}

func isNumeric(s string) bool {
	if s == "" {
		return false
	}
	for i := range len(s) {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// cmpBool orders false before true.
func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case b:
		return -1
	}
	return 1
}
