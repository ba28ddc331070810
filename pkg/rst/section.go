package rst

import (
	"strings"

	"golang.org/x/text/width"
)

// columnWidth is docutils' column_width: East Asian wide and fullwidth
// characters count two columns, combining characters none. Like the
// tables (padWide), it counts a code point unassigned in Go's Unicode
// two: CPython's unicodedata calls every code point its own Unicode does
// not know fullwidth, and what Go's does not know no Python's does.
// Counting one made "\u0378" over "+" a title, which docutils reads as
// text: in a list item that was a false "Unexpected section title.".
func columnWidth(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case isCombining(r):
		case eastAsianWide(r) || !assigned(r):
			n += 2
		default:
			n++
		}
	}
	return n
}

func eastAsianWide(r rune) bool {
	k := width.LookupRune(r).Kind()
	return k == width.EastAsianWide || k == width.EastAsianFullwidth
}

// underlinedTitle is Text.underline: line i is a title, i+1 its underline.
// ok is false when docutils treats the pair as paragraph text instead.
func (p *parser) underlinedTitle(b block, i int, titles bool) (int, bool) {
	title := strings.TrimRightFunc(b.lines[i], isPySpace)
	under := strings.TrimRightFunc(b.lines[i+1], isPySpace)
	line := b.lineNo(i + 1)
	if columnWidth(title) > len(under) {
		if len(under) < 4 {
			return 0, false
		}
		p.report(line, Warning, "Title underline too short.")
	}
	if !titles {
		p.report(line, Severe, "Unexpected section title.")
		return i + 2, true
	}
	p.section(title, under[:1], line-1)
	return i + 2, true
}

// section is check_subsection and new_subsection, flattened: sections
// nest by the order their adornment styles first appear.
func (p *parser) section(title, style string, line int) {
	level := -1
	for k, s := range p.titleStyles {
		if s == style {
			level = k + 1
		}
	}
	switch {
	case level < 0 && len(p.titleStyles) == p.sectionLevel:
		p.titleStyles = append(p.titleStyles, style)
		p.sectionLevel++
	case level < 0 || level > p.sectionLevel+1:
		p.report(line, Severe, "Title level inconsistent:")
		return
	default:
		p.sectionLevel = level
	}
	p.noteSection(p.sectionLevel)
	p.last, p.lastLevel = 'S', p.sectionLevel
	p.inline(title, line)
	_, p.lastDupTitle = p.names.targets[normalizeName(title)]
	p.names.implicit(normalizeName(title), title)
}

// noteSection counts sections for the "no content" check: a lone
// top-level section becomes the document title and a lone section under
// it the subtitle, neither of which is in the rendered fragment.
func (p *parser) noteSection(level int) {
	p.sections[min(level, 3)]++
	if p.sections[1] > 1 || p.sections[2] > 1 || p.sections[3] > 0 {
		p.content = true
	}
}

// lineState is docutils' Line state: line i is punctuation only, so an
// overlined title or a transition. ok is false when it is paragraph text.
func (p *parser) lineState(b block, i int, titles bool) (int, bool) {
	marker := strings.TrimSpace(b.lines[i])
	if !titles {
		switch {
		case marker == "::" || len(marker) < 4:
			return 0, false
		}
		p.report(b.lineNo(i), Severe, "Unexpected section title or transition.")
		return i + 1, true
	}
	j := i + 1
	if j >= b.len() || isBlank(b.lines[j]) {
		if len(marker) < 4 {
			return 0, false
		}
		p.transition(b, i)
		return j, true
	}
	if isAdornment(b.lines[j]) {
		if len(marker) < 4 {
			p.shortOverline = true
			return 0, false
		}
		p.report(b.lineNo(i), Error, "Invalid section title or transition marker.")
		return j + 1, true
	}
	next, ok := p.overlinedTitle(b, i)
	p.shortOverline = !ok // every way it declines is short_overline
	return next, ok
}

// overlinedTitle is Line.text: overline, title (maybe indented), underline.
func (p *parser) overlinedTitle(b block, i int) (int, bool) {
	over := strings.TrimRightFunc(b.lines[i], isPySpace)
	short := len(over) < 4
	line := b.lineNo(i)
	if i+2 >= b.len() {
		if short {
			return 0, false
		}
		p.report(line, Severe, "Incomplete section title.")
		return b.len(), true
	}
	under := strings.TrimRightFunc(b.lines[i+2], isPySpace)
	switch {
	case !isAdornment(under) && short, over != under && short:
		return 0, false
	case !isAdornment(under):
		p.report(line, Severe, "Missing matching underline for section title overline.")
		return i + 3, true
	case over != under:
		p.report(line, Severe, "Title overline & underline mismatch.")
		return i + 3, true
	}
	title := strings.TrimRightFunc(b.lines[i+1], isPySpace)
	if columnWidth(title) > len(over) {
		if short {
			return 0, false
		}
		p.report(line, Warning, "Title overline too short.")
	}
	p.section(strings.TrimLeftFunc(title, isPySpace), over[:1]+under[:1], line+1)
	return i + 3, true
}
