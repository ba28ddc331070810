package rst

// inlineConstruct handles the markup found at s[k:] and returns the text
// left to search (a new string, as in docutils, so "^" matches again at
// its start).
func (p *parser) inlineConstruct(s []rune, k, kind, end, line int) []rune {
	if !p.noteRefs() {
		defer p.restoreRefs(p.names.snapshot())
	}
	switch kind {
	case kReference:
		name := s[k:end]
		anon := len(name) >= 2 && name[len(name)-2] == '_'
		if anon {
			p.names.anonRefs++
		} else {
			p.names.ref(normalizeName(unescape(trimUnderscores(name))), line-p.cellShift)
		}
		return s[end:]
	case kFootnote:
		p.names.footnoteRef(normalizeName(string(s[k+1:end-2])), line-p.cellShift)
		return s[end:]
	case kBackquote:
		return p.interpreted(s, k, end, line)
	}
	if quoted(s, k, end) {
		return s[end:]
	}
	names := [...]string{kStrong: "strong", kEmphasis: "emphasis", kLiteral: "literal", kTarget: "target", kSubst: "substitution_reference"}
	e, endLen := findEnd(s[end:], kind)
	if e <= 0 {
		p.report(line, Warning, "Inline "+names[kind]+" start-string without end-string.")
		return s[end:]
	}
	text := s[end : end+e]
	switch kind {
	case kTarget:
		p.explicitTarget(normalizeName(unescape(text)), "", p.inlineTargetLine(line))
	case kSubst:
		p.names.substRef(unescape(text), line-p.cellShift)
		switch endLen {
		case 2:
			p.names.ref(normalizeName(unescape(text)), line-p.cellShift)
		case 3:
			p.names.anonRefs++
		}
	}
	return s[end+e+endLen:]
}

func trimUnderscores(r []rune) []rune {
	for len(r) > 0 && r[len(r)-1] == '_' {
		r = r[:len(r)-1]
	}
	return r
}

// findEnd searches for the end-string of kind in s, as docutils' end
// patterns do, and returns where it starts (-1 when there is none) and
// its length. A match at 0 means an empty text, which docutils also
// refuses.
func findEnd(s []rune, kind int) (int, int) {
	for j := range s {
		if j > 0 && (isSpace(s[j-1]) || s[j-1] == 0 && kind != kLiteral) {
			continue
		}
		switch kind {
		case kEmphasis:
			if s[j] == '*' && endOK(s, j+1) {
				return j, 1
			}
		case kStrong:
			if s[j] == '*' && j+1 < len(s) && s[j+1] == '*' && endOK(s, j+2) {
				return j, 2
			}
		case kLiteral:
			if s[j] == '`' && j+1 < len(s) && s[j+1] == '`' && endOK(s, j+2) {
				return j, 2
			}
		case kTarget:
			if s[j] == '`' && endOK(s, j+1) {
				return j, 1
			}
		case kSubst:
			if s[j] == '|' {
				n := 1
				for n < 3 && j+n < len(s) && s[j+n] == '_' {
					n++
				}
				// _{0,2} is greedy but gives back when the end does not follow.
				for ; n >= 1; n-- {
					if endOK(s, j+n) {
						return j, n
					}
				}
			}
		}
	}
	return -1, 0
}
