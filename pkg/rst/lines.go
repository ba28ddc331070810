package rst

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// lineLengthLimit is docutils' default line_length_limit: a longer line is
// an error and nothing else is parsed.
const lineLengthLimit = 10000

// splitLines turns the description into lines the way docutils'
// string2lines does: vertical tabs and form feeds become spaces, Python's
// str.splitlines breaks the lines, tabs expand to 8 columns and trailing
// whitespace goes.
func splitLines(text string) []string {
	out := make([]string, 0, strings.Count(text, "\n")+1)
	start := 0
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if !isLineBreak(r) {
			i += n
			continue
		}
		out = append(out, cleanLine(text[start:i]))
		i += n
		if r == '\r' && i < len(text) && text[i] == '\n' {
			i++
		}
		start = i
	}
	if start < len(text) {
		out = append(out, cleanLine(text[start:]))
	}
	return out
}

// isLineBreak lists the characters Python's str.splitlines breaks on,
// less \v and \f, which docutils has already made spaces.
func isLineBreak(r rune) bool {
	switch r {
	case '\n', '\r', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
		return true
	}
	return false
}

func cleanLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\v' || r == '\f' {
			return ' '
		}
		return r
	}, s)
	if strings.IndexByte(s, '\t') >= 0 {
		s = expandTabs(s)
	}
	return strings.TrimRightFunc(s, isPySpace)
}

// isPySpace is Python's str.isspace, which rstrip and strip use.
func isPySpace(r rune) bool {
	switch r {
	case 0x1c, 0x1d, 0x1e, 0x1f:
		return true
	}
	return unicode.IsSpace(r)
}

// expandTabs is Python's str.expandtabs(8): columns count code points.
func expandTabs(s string) string {
	var b strings.Builder
	col := 0
	for _, r := range s {
		if r == '\t' {
			n := 8 - col%8
			b.WriteString(strings.Repeat(" ", n))
			col += n
			continue
		}
		b.WriteRune(r)
		col++
		if r == '\n' || r == '\r' {
			col = 0
		}
	}
	return b.String()
}

// block is a run of lines and where its first line is in the document
// (0-based), as a docutils StringList keeps it.
type block struct {
	lines []string
	off   int
}

func (b block) len() int { return len(b.lines) }

// lineNo is the 1-based document line of index i.
func (b block) lineNo(i int) int { return b.off + i + 1 }

func isBlank(s string) bool { return strings.TrimFunc(s, isPySpace) == "" }

// indentOf counts leading whitespace as len(line) - len(line.lstrip())
// does (tabs are already expanded): characters, not bytes, and any
// whitespace once the line starts with a space.
func indentOf(s string) int {
	n := 0
	for _, r := range s {
		if !isPySpace(r) {
			break
		}
		n++
	}
	return n
}

// runeOffset is the byte offset of the n-th character of s (len(s) when s
// is shorter): docutils slices lines by characters.
func runeOffset(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}

// runesBefore converts a byte offset in s (a regular expression's match
// end) into the character count docutils' match.end() gives.
func runesBefore(s string, off int) int {
	if off < 0 {
		return off
	}
	return utf8.RuneCountInString(s[:min(off, len(s))])
}

// indented is docutils' StringList.get_indented: the lines from start on
// that are blank or indented (at least blockIndent spaces when known,
// blockIndent < 0 when not; the first line is exempt when firstKnown).
// It returns the lines with the common indent removed, where the block
// ends (exclusive) and whether it ended with a blank line or the end.
func (b block) indented(start int, untilBlank bool, blockIndent int, firstIndent int) (out block, end int, blankFinish bool) {
	if start < len(b.lines) {
		blockIndent = runesBefore(b.lines[start], blockIndent)
		firstIndent = runesBefore(b.lines[start], firstIndent)
	}
	indent := blockIndent
	end = start
	if blockIndent >= 0 && firstIndent < 0 {
		firstIndent = blockIndent
	}
	if firstIndent >= 0 {
		end++
	}
	blankFinish = true
	for end < len(b.lines) {
		l := b.lines[end]
		if l != "" && (l[0] != ' ' || (blockIndent >= 0 && !isBlank(prefix(l, blockIndent)))) {
			blankFinish = end > start && isBlank(b.lines[end-1])
			break
		}
		if isBlank(l) {
			if untilBlank {
				break
			}
		} else if blockIndent < 0 {
			if li := indentOf(l); indent < 0 || li < indent {
				indent = li
			}
		}
		end++
	}
	lines := append([]string(nil), b.lines[start:end]...)
	first := 0
	if firstIndent >= 0 && len(lines) > 0 {
		lines[0] = cut(lines[0], firstIndent)
		first = 1
	}
	if indent > 0 {
		for i := first; i < len(lines); i++ {
			lines[i] = cut(lines[i], indent)
		}
	}
	return block{lines, b.off + start}, end, blankFinish
}

// trimTop drops leading blank lines, as the state machine's get_indented
// does after collecting.
func (b block) trimTop() block {
	for len(b.lines) > 0 && isBlank(b.lines[0]) {
		b.lines = b.lines[1:]
		b.off++
	}
	return b
}

func (b block) trimBottom() block {
	for len(b.lines) > 0 && isBlank(b.lines[len(b.lines)-1]) {
		b.lines = b.lines[:len(b.lines)-1]
	}
	return b
}

// prefix is s[:n] in Python: the first n characters.
func prefix(s string, n int) string { return s[:runeOffset(s, n)] }

// cut is s[n:] in Python: all but the first n characters.
func cut(s string, n int) string { return s[runeOffset(s, n):] }
