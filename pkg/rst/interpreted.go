package rst

import (
	"strconv"
	"strings"
	"unicode"
)

// interpreted is interpreted_or_phrase_ref: s[k:end] is the start-string,
// with a ":role:" prefix when k points at a colon.
func (p *parser) interpreted(s []rune, k, end, line int) []rune {
	role := ""
	if s[k] == ':' {
		role = string(s[k+1 : end-2])
	} else if quoted(s, k, end) {
		return s[end:]
	}
	rest := s[end:]
	j, suffixRole, refend, after := interpretedEnd(rest)
	if j <= 0 {
		p.report(line, Warning, "Inline interpreted text or phrase reference start-string without end-string.")
		return s[end:]
	}
	position := "prefix"
	if suffixRole != "" {
		if role != "" {
			p.report(line, Warning, "Multiple roles in interpreted text (both prefix and suffix present; only one allowed).")
			return rest[after:]
		}
		role, position = suffixRole, "suffix"
	}
	text := rest[:j]
	if refend > 0 {
		if role != "" {
			p.report(line, Warning, "Mismatch: both interpreted text role "+position+" and reference suffix.")
			return rest[after:]
		}
		p.phraseRef(text, refend == 2, line)
		return rest[after:]
	}
	p.role(role, unescape(text), line)
	return rest[after:]
}

// interpretedEnd finds the closing backquote (not after unescaped
// whitespace or an escape) with its optional ":role:" and "_"/"__"
// suffix, then an end. It returns the text length, the suffix role, the
// underscores and where the construct ends.
func interpretedEnd(s []rune) (int, string, int, int) {
	for j := range s {
		if s[j] != '`' {
			continue
		}
		if j > 0 && (isSpace(s[j-1]) || s[j-1] == 0) && !(j > 1 && s[j-2] == 0) {
			continue
		}
		i := j + 1
		// (:role:)? then (__?)? then the end; the regular expression
		// tries the longest first and gives back.
		var roles []int
		if i < len(s) && s[i] == ':' {
			if e := nameEnd(s, i+1, nil); e > i+1 && e < len(s) && s[e] == ':' {
				roles = append(roles, e+1)
			}
		}
		roles = append(roles, i)
		for _, r := range roles {
			for _, n := range []int{2, 1, 0} {
				if r+n <= len(s) && strings.Count(string(s[r:r+n]), "_") == n && endOK(s, r+n) {
					role := ""
					if r > i {
						role = string(s[i+1 : r-1])
					}
					return j, role, n, r + n
				}
			}
		}
	}
	return -1, "", 0, 0
}

// phraseRef is phrase_ref: `text`_, `text <uri>`_, `text <alias_>`_ and
// their anonymous forms.
func (p *parser) phraseRef(text []rune, anon bool, line int) {
	label, alias, ok := embeddedLink(text)
	if !ok {
		if anon {
			p.names.anonRefs++
			return
		}
		p.names.ref(normalizeName(unescape(text)), line-p.cellShift)
		return
	}
	aliasText := unescape(alias)
	isName := strings.HasSuffix(string(alias), "_") && !strings.HasSuffix(unescapeKeep(alias), `\_`) && !uriStart(alias)
	if isName {
		to := normalizeName(strings.TrimSuffix(aliasText, "_"))
		if !anon {
			// An inline indirect target: a name, but no id.
			name := normalizeName(unescape(label))
			p.names.indirect = append(p.names.indirect, use{name: name, to: to, line: line - p.cellShift, naming: `"` + name + `" `})
		}
		p.names.ref(to, line-p.cellShift)
		return
	}
	if anon {
		return
	}
	uri := strings.Join(strings.Fields(aliasText), "")
	name := normalizeName(unescape(label))
	if strings.TrimSpace(unescape(label)) == "" {
		name = normalizeName(uri)
	}
	p.explicitTarget(name, uri, p.inlineTargetLine(line))
}

// embeddedLink splits "text <target>" at its final angle brackets.
func embeddedLink(s []rune) ([]rune, []rune, bool) {
	n := len(s)
	if n < 3 || s[n-1] != '>' || isSpace(s[n-2]) || s[n-2] == 0 {
		return nil, nil, false
	}
	for i := n - 2; i >= 0; i-- {
		c := s[i]
		if (c == '<' || c == '>') && !(i > 0 && s[i-1] == 0) {
			if c == '>' {
				return nil, nil, false
			}
			if i == n-2 || isSpace(s[i+1]) {
				return nil, nil, false
			}
			if i > 0 && s[i-1] != ' ' && s[i-1] != '\n' {
				return nil, nil, false
			}
			label := s[:i]
			for len(label) > 0 && (label[len(label)-1] == ' ' || label[len(label)-1] == '\n') {
				label = label[:len(label)-1]
			}
			return label, s[i+1 : n-1], true
		}
	}
	return nil, nil, false
}

// unescapeKeep restores backslashes, as unescape(text, True) does.
func unescapeKeep(s []rune) string {
	return strings.ReplaceAll(string(s), "\x00", `\`)
}

// uriStart is a rough test of the uri pattern's match at the start: a
// scheme and a colon. docutils asks it only of aliases ending in "_".
func uriStart(s []rune) bool {
	i := 0
	for i < len(s) && (isASCIIAlnum(s[i]) || i > 0 && strings.ContainsRune(".+-", s[i])) {
		i++
	}
	return i > 0 && i < len(s) && s[i] == ':' && isASCIILetter(s[0])
}

func isASCIIAlnum(r rune) bool  { return isASCIILetter(r) || r >= '0' && r <= '9' }
func isASCIILetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

// roleOK lists docutils' English role names and what they become.
var roleNames = map[string]string{
	"ab": "abbreviation", "abbreviation": "abbreviation", "ac": "acronym", "acronym": "acronym",
	"code": "code", "emphasis": "emphasis", "literal": "literal", "math": "math",
	"pep": "pep-reference", "pep-reference": "pep-reference", "rfc": "rfc-reference",
	"rfc-reference": "rfc-reference", "strong": "strong", "sub": "subscript", "subscript": "subscript",
	"sup": "superscript", "superscript": "superscript", "t": "title-reference", "title": "title-reference",
	"title-reference": "title-reference", "raw": "raw",
	"anonymous-reference": "unimplemented", "citation-reference": "unimplemented",
	"footnote-reference": "unimplemented", "i": "unimplemented", "index": "unimplemented",
	"named-reference": "unimplemented", "substitution-reference": "unimplemented",
	"target": "unimplemented", "uri": "unimplemented", "uri-reference": "unimplemented", "url": "unimplemented",
}

// pyIntCap is where pyInt stops counting: 1<<40 where int has 64 bits, 1<<24
// where it has 32 (so that n*10+9 cannot overflow on 386 and arm).
const pyIntCap = 1 << (strconv.IntSize/2 + 8)

// pyInt is Python's int() of a str: surrounding whitespace, a sign,
// decimal digits of any script, single underscores between digits. ok is
// false where int() raises; huge numbers come back as a large value.
func pyInt(s string) (int, bool) {
	s = strings.TrimFunc(s, isPySpace)
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	n, digits, under := 0, 0, false
	for _, r := range s {
		switch {
		case r == '_' && digits > 0 && !under:
			under = true
			continue
		case !unicode.IsDigit(r):
			return 0, false
		}
		under = false
		digits++
		n = min(n*10+digitValue(r), pyIntCap)
	}
	if digits == 0 || under {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}

// digitValue is the value of a decimal digit of any script (Nd).
func digitValue(r rune) int {
	for v := 9; v >= 0; v-- {
		if unicode.IsDigit(r-rune(v)) && !unicode.IsDigit(r-rune(v)-1) {
			return v
		}
	}
	return 0
}

// role checks interpreted text with role name (empty: the default role).
func (p *parser) role(name, text string, line int) {
	lname := strings.ToLower(name)
	if name == "" {
		lname = p.defaultRole
	}
	if base, ok := p.customRoles[lname]; ok {
		lname = base
	}
	canon, ok := roleNames[lname]
	if !ok {
		p.report(line, Error, `Unknown interpreted text role "`+name+`".`)
		return
	}
	switch canon {
	case "unimplemented":
		p.report(line, Error, `Interpreted text role "`+name+`" not implemented.`)
	case "raw":
		p.report(line, Warning, "raw (and derived) roles disabled")
	case "pep-reference":
		if n, ok := pyInt(text); !ok || n < 0 || n > 9999 {
			p.report(line, Error, `PEP number must be a number from 0 to 9999; "`+text+`" is invalid.`)
		}
	case "rfc-reference":
		num, _, _ := strings.Cut(text, "#")
		if n, ok := pyInt(num); !ok || n < 1 {
			p.report(line, Error, `RFC number must be a number greater than or equal to 1; "`+text+`" is invalid.`)
		}
	}
}
