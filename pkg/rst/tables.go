package rst

import (
	"regexp"
	"strings"
	"unicode"
)

var (
	simpleBorderRe = regexp.MustCompile(`^=+[ =]*$`)
	gridHeadSepRe  = regexp.MustCompile(`^\+=[=+]+=\+ *$`)
)

// padWide makes each East Asian wide character two columns wide, as
// pad_double_width does, so that table columns line up by index.
// CPython's unicodedata calls every unassigned code point fullwidth ("F"),
// so docutils pads those too (and columnWidth counts them two).
func padWide(s string) []rune {
	var out []rune
	for _, r := range s {
		out = append(out, r)
		if eastAsianWide(r) || !assigned(r) {
			out = append(out, padRune)
		}
	}
	return out
}

// assigned reports whether r is a character of Go's Unicode version
// (unicode.Version, 15.0), that is, not in general category Cn.
func assigned(r rune) bool {
	return unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Z, unicode.Cc, unicode.Cf, unicode.Co, unicode.Cs)
}

// padRune stands for the second column of a wide character.
const padRune = '\x7f'

// gridTable is Body.grid_table_top and isolate_grid_table, then the grid
// parser; each cell's text is parsed as body elements.
func (p *parser) gridTable(b block, i int) int {
	p.content = true
	end := i
	blankFinish := true
	for end < b.len() && !isBlank(b.lines[end]) {
		if b.lines[end][0] == ' ' {
			p.report(b.lineNo(end), Error, "Unexpected indentation.")
			blankFinish = false
			break
		}
		end++
	}
	rows := make([][]rune, 0, end-i)
	width := len(padWide(strings.TrimSpace(b.lines[i])))
	for k := i; k < end; k++ {
		r := padWide(strings.TrimSpace(b.lines[k]))
		if r[0] != '+' && r[0] != '|' {
			blankFinish = false
			end = k
			break
		}
		rows = append(rows, r)
	}
	if !gridTopRe.MatchString(string(rows[len(rows)-1])) {
		blankFinish = false
		found := false
		for k := len(rows) - 2; k > 1; k-- {
			if gridTopRe.MatchString(string(rows[k])) {
				end = i + k + 1
				rows = rows[:k+1]
				found = true
				break
			}
		}
		if !found {
			p.report(b.lineNo(i), Error, "Malformed table.")
			return p.afterTable(b, end, blankFinish)
		}
	}
	for _, r := range rows {
		if len(r) != width || (r[len(r)-1] != '+' && r[len(r)-1] != '|') {
			p.report(b.lineNo(i), Error, "Malformed table.")
			return p.afterTable(b, end, blankFinish)
		}
	}
	if msg := p.parseGrid(rows, b.off+i); msg != "" {
		p.report(b.lineNo(i), Error, "Malformed table.\n"+msg)
	}
	return p.afterTable(b, end, blankFinish)
}

// afterTable is table_top's check that a blank line follows.
func (p *parser) afterTable(b block, end int, blankFinish bool) int {
	if !blankFinish {
		p.report(b.lineNo(end), Warning, "Blank line required after table.")
	}
	return end
}
