package rst

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// isCombining is unicodedata.combining(r) != 0: a nonzero canonical
// combining class. Not every non-spacing mark has one (U+FE0F, the
// variation selector of emoji such as ✔️, and most Thai and Devanagari
// vowel signs do not), and some spacing marks do.
func isCombining(r rune) bool {
	if r < 0x300 {
		return false
	}
	var buf [utf8.UTFMax]byte
	return norm.NFC.Properties(buf[:utf8.EncodeRune(buf[:], r)]).CCC() != 0
}

// lineBlock is Body.line_block and the LineBlock state: "| " lines and
// their indented continuations, up to a blank line.
func (p *parser) lineBlock(b block, i int) int {
	p.content = true
	first := b.lineNo(i)
	for {
		m := lineBlockRe.FindStringIndex(b.lines[i])
		ind, end, blankFinish := b.indented(i, false, -1, m[1])
		ind, end, blankFinish = untilBlank(b, i, ind, end, blankFinish)
		p.inline(strings.Join(ind.lines, "\n"), b.lineNo(i))
		if blankFinish {
			return end
		}
		if end < b.len() && lineBlockRe.MatchString(b.lines[end]) {
			i = end
			continue
		}
		p.report(first+1, Warning, "Line block ends without a blank line.")
		return end
	}
}

// attributionStart is docutils' attribution_pattern,
// "(---?(?!-)|\u2014) *(?=[^ \n])": where the attribution's text starts
// in l, or -1. "---" alone, or before "-", is no attribution.
func attributionStart(l string) int {
	n := 0
	switch {
	case strings.HasPrefix(l, "\u2014"):
		n = len("\u2014")
	case strings.HasPrefix(l, "----"):
		return -1
	case strings.HasPrefix(l, "---"):
		n = 3
	case strings.HasPrefix(l, "--"):
		n = 2
	default:
		return -1
	}
	for n < len(l) && l[n] == ' ' {
		n++
	}
	if n == len(l) {
		return -1
	}
	return n
}

// splitAttribution is Body.split_attribution: a line starting with "--"
// after a blank line, with the rest of its paragraph indented alike,
// ends the block quote. It returns the quote, the attribution and the
// lines after.
func splitAttribution(ind block) (block, block, block) {
	blank := -1
	nonblank := false
	for i, l := range ind.lines {
		if isBlank(l) {
			blank = i
			continue
		}
		if nonblank && blank == i-1 && attributionStart(l) >= 0 {
			if end, ok := attributionEnd(ind, i); ok {
				return block{ind.lines[:i], ind.off}, block{ind.lines[i:end], ind.off + i}, block{ind.lines[end:], ind.off + end}
			}
		}
		nonblank = true
	}
	return ind, block{}, block{}
}

// attributionEnd is check_attribution: the attribution's later lines
// must share one indent.
func attributionEnd(ind block, start int) (int, bool) {
	indent := -1
	i := start + 1
	for ; i < ind.len(); i++ {
		l := ind.lines[i]
		if isBlank(l) {
			return i, true
		}
		if indent < 0 {
			indent = indentOf(l)
		} else if indentOf(l) != indent {
			return 0, false
		}
	}
	return min(i, ind.len()), true
}

// attributionText is the attribution without its dash.
func attributionText(a block) string {
	text := []string{a.lines[0][attributionStart(a.lines[0]):]}
	for _, l := range a.lines[1:] {
		text = append(text, strings.TrimLeft(l, " "))
	}
	return strings.Join(text, "\n")
}

// transition notes a transition; docutils' Transitions transform
// refuses one at the start or end of a section or the document, or two
// in a row.
func (p *parser) transition(b block, i int) {
	p.content = true
	p.last, p.lastLine = 'T', b.lineNo(i)
}

// event is one child of the document or of a section: a body element
// ('E'), a section title ('S') or a transition ('T').
type event struct {
	kind   byte
	line   int
	level  int
	fields []fieldInfo
	// dupTitle: a section whose title repeats a name already known;
	// docutils puts its INFO "Duplicate implicit target name" message
	// into the section after the title, so a transition is not first.
	dupTitle bool
}

// promotedAfterPre: the section at k is the lone top-level section that
// DocTitle promotes to the document title, and pre-bibliographic
// elements (targets, substitution definitions) came before it. The
// promotion puts the title first and those elements after it, so a
// transition opening the section no longer follows the title. Comments,
// which readme_renderer strips before, count too: a miss, never a false
// error.
func (p *parser) promotedAfterPre(k int) bool {
	return k > 0 && p.events[k].level == 1 && p.firstNonPre(0) == k && p.loneTopSection()
}

// subtitleAfterPre: the section at k is the lone second-level section
// that DocTitle promotes to the subtitle, and pre-bibliographic elements
// came before it (before the title's section or between the two). The
// document becomes title, subtitle, those elements, then the section's
// body, so a transition opening the section is not third.
func (p *parser) subtitleAfterPre(k int) bool {
	if p.events[k].level != 2 || !p.loneTopSection() {
		return false
	}
	top := p.firstNonPre(0)
	if top < 0 || top >= k || p.events[top].kind != 'S' || p.firstNonPre(top+1) != k {
		return false
	}
	n := 0
	for _, e := range p.events {
		if e.kind == 'S' && e.level == 2 {
			n++
		}
	}
	return n == 1 && k > 1
}

// checkTransitions is the Transitions transform on the flattened
// children: a transition may not open a section or the document, follow
// another, or end the document (one that ends a section moves after it).
func (p *parser) checkTransitions() {
	for k, e := range p.events {
		if e.kind != 'T' {
			continue
		}
		switch {
		case k == 0 || p.events[k-1].kind == 'S' && !p.events[k-1].dupTitle && !p.promotedAfterPre(k-1) && !p.subtitleAfterPre(k-1):
			p.report(e.line, Error, "Document or section may not begin with a transition.")
		case p.events[k-1].kind == 'T':
			p.report(e.line, Error, "At least one body element must separate transitions; adjacent transitions are not allowed.")
		}
		if k == len(p.events)-1 {
			p.report(e.line, Error, "Document may not end with a transition.")
		}
	}
}
