package rst

import (
	"regexp"
	"strings"
)

var (
	targetStartRe = regexp.MustCompile(`^\.\. +_`)
	substStartRe  = regexp.MustCompile(`^\.\. +\|`)
	simpleRefRe   = regexp.MustCompile(`^(` + simplename + `)_$`)
)

// hyperlinkTarget is Body.hyperlink_target: ".. _name: URI", ".. _name:
// other_", ".. __: URI" or ".. _name:" (an internal target). ok is false
// when the name is malformed (a warning; the block is then a comment).
func (p *parser) hyperlinkTarget(b block, i int) (int, bool, bool) {
	m := targetStartRe.FindStringIndex(b.lines[i])
	ind, end, blankFinish := b.indented(i, false, -1, m[1])
	_, end, blankFinish = untilBlank(b, i, ind, end, blankFinish)
	// strip_indent=False: a name continued on the next line keeps the
	// space its indent gives it.
	ind = block{append([]string{b.lines[i][m[1]:]}, b.lines[i+1:end]...), b.off + i}
	escaped := escape2null(ind.lines[0])
	k := 0
	name, after, anon, ok := matchTargetName(escaped)
	for !ok {
		k++
		if k >= ind.len() {
			// Reported where docutils' state machine stands: the block's end.
			p.report(b.lineNo(end-1), Warning, "malformed hyperlink target.")
			return 0, false, false
		}
		escaped = append(escaped, escape2null(ind.lines[k])...)
		name, after, anon, ok = matchTargetName(escaped)
	}
	rest := []string{strings.TrimFunc(string(escaped[after:])+" ", isPySpace)}
	for _, l := range ind.lines[k+1:] {
		rest = append(rest, string(escape2null(l)))
	}
	p.makeTarget(rest, name, anon, b.lineNo(i))
	return end, blankFinish, true
}

// untilBlank cuts an indented block at its first blank line, as
// get_first_known_indented(until_blank=True) does.
func untilBlank(b block, i int, ind block, end int, fin bool) (block, int, bool) {
	for k := 1; k < ind.len(); k++ {
		if isBlank(ind.lines[k]) {
			return block{ind.lines[:k], ind.off}, i + k, true
		}
	}
	return ind, end, fin
}

// makeTarget notes a target from its link block (lines with escapes
// made NULs, as docutils passes them): an indirect target (ends in a
// reference) or an external one.
func (p *parser) makeTarget(block []string, name string, anon bool, line int) {
	to, uri, isRef := parseTarget(block)
	if isRef {
		naming := `"` + normalizeName(name) + `" (id="` + makeID(normalizeName(name)) + `")`
		if anon {
			p.names.anonTargets++
			naming = `(id="target-` + itoa(p.names.anonTargets) + `")`
		}
		p.names.indirect = append(p.names.indirect, use{name: name, to: normalizeName(to), line: line, naming: naming})
		if !anon {
			p.explicitTarget(normalizeName(name), "", line)
		}
		return
	}
	if uri == "" {
		p.content = true // an internal target renders as an anchor
	}
	if anon {
		p.names.anonTargets++
		return
	}
	p.explicitTarget(normalizeName(name), uri, line)
}

// parseTarget is Body.parse_target on a link block whose escapes are
// NULs: the name an indirect target refers to (isRef), or else the URI,
// each escaped-whitespace-separated part with its whitespace removed.
func parseTarget(block []string) (to, uri string, isRef bool) {
	if n := len(block); n > 0 && strings.HasSuffix(strings.TrimFunc(block[n-1], isPySpace), "_") {
		ref := strings.Join(strings.FieldsFunc(strings.Join(block, " "), isPySpace), " ")
		if to, ok := matchReference(ref); ok {
			return to, "", true
		}
	}
	joined := strings.ReplaceAll(strings.Join(block, " "), "\x00\n", "\x00 ")
	var parts []string
	for part := range strings.SplitSeq(joined, "\x00 ") {
		parts = append(parts, strings.Join(strings.FieldsFunc(unescape([]rune(part)), isPySpace), ""))
	}
	return "", strings.Join(parts, " "), false
}

// matchReference is the explicit reference pattern, "simplename_" or
// "`phrase`_" with no space after the opening backquote and neither
// whitespace nor an escape before the closing one; the name unescaped.
func matchReference(s string) (string, bool) {
	if m := simpleRefRe.FindStringSubmatch(s); m != nil {
		return m[1], true
	}
	rs := []rune(s)
	n := len(rs)
	if n < 4 || rs[0] != '`' || rs[1] == ' ' || rs[n-2] != '`' || rs[n-1] != '_' {
		return "", false
	}
	if before := rs[n-3]; before == 0 || isPySpace(before) {
		return "", false
	}
	return unescape(rs[1 : n-2]), true
}

// matchTargetName is the explicit target pattern on the text after
// ".. _": the name (anonymous for "_"), where the pattern ends, ok.
func matchTargetName(e []rune) (string, int, bool, bool) {
	if len(e) > 0 && e[0] == '_' {
		i := 1
		if i < len(e) && e[i] == ' ' {
			i++
		}
		if i < len(e) && e[i] == ':' && spacesToEnd(e, i+1) {
			return "", skipSpaces(e, i+1), true, true
		}
		return "", 0, false, false
	}
	q := 0
	if len(e) > 0 && e[0] == '`' {
		q = 1
	}
	if q >= len(e) || e[q] == ' ' || e[q] == '`' {
		return "", 0, false, false
	}
	for ne := q + 1; ne <= len(e); ne++ {
		after := ne
		if q == 1 {
			if ne >= len(e) || e[ne] != '`' {
				continue
			}
			after = ne + 1
		} else if e[ne-1] == ':' && !(ne >= 2 && e[ne-2] == 0) {
			continue
		}
		if isSpace(e[ne-1]) || e[ne-1] == 0 {
			continue
		}
		i := after
		if i < len(e) && e[i] == ' ' {
			i++
		}
		if i < len(e) && e[i] == ':' && spacesToEnd(e, i+1) {
			return unescape(e[q:ne]), skipSpaces(e, i+1), false, true
		}
	}
	return "", 0, false, false
}

// spacesToEnd is "([ ]+|$)" at i.
func spacesToEnd(e []rune, i int) bool { return i >= len(e) || e[i] == ' ' }

func skipSpaces(e []rune, i int) int {
	for i < len(e) && e[i] == ' ' {
		i++
	}
	return i
}

// anonymousTarget is Body.anonymous_target: "__ URI".
func (p *parser) anonymousTarget(b block, i int) (int, bool) {
	m := anonymousRe.FindStringIndex(b.lines[i])
	ind, end, blankFinish := b.indented(i, false, -1, m[1])
	ind, end, blankFinish = untilBlank(b, i, ind, end, blankFinish)
	lines := make([]string, ind.len())
	for k, l := range ind.lines {
		lines[k] = string(escape2null(l))
	}
	p.makeTarget(lines, "", true, b.lineNo(i))
	return end, blankFinish
}
