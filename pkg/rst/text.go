package rst

import "strings"

// text is docutils' Text state: line i is the first line of a paragraph,
// a definition list term or a section title, and the next line decides.
func (p *parser) text(b block, i int, titles bool) int {
	j := i + 1
	if j >= b.len() {
		return p.paragraphEnd(b, i, j, []string{b.lines[i]}, b.len())
	}
	next := b.lines[j]
	switch {
	case isBlank(next):
		return p.paragraphEnd(b, i, j, []string{b.lines[i]}, j)
	case next[0] == ' ':
		return p.definitionList(b, i)
	case isAdornment(next):
		if end, ok := p.underlinedTitle(b, i, titles); ok {
			return end
		}
	}
	return p.paragraphLines(b, i)
}

// paragraphLines is Text.text: the paragraph runs to a blank line; an
// indented line before that is an error and starts a block quote.
func (p *parser) paragraphLines(b block, i int) int {
	end := i + 1
	for end < b.len() && !isBlank(b.lines[end]) {
		if b.lines[end][0] == ' ' {
			break
		}
		end++
	}
	if end < b.len() && !isBlank(b.lines[end]) {
		// docutils reports this before it parses the paragraph's text.
		p.report(b.lineNo(end), Error, "Unexpected indentation.")
	}
	p.smLine = b.lineNo(end - 1)
	lit := p.paragraph(b, i, b.lines[i:end])
	p.kind = 'p'
	if lit {
		p.kind = 'l'
	}
	if lit {
		return p.literalBlock(b, end)
	}
	return end
}

// paragraphEnd ends a one-line paragraph at line at (blank or the end)
// and reads the literal block an ending "::" announces.
func (p *parser) paragraphEnd(b block, i, _ int, lines []string, at int) int {
	p.smLine = b.lineNo(at)
	p.kind = 'p'
	if p.paragraph(b, i, lines) {
		p.kind = 'l'
		if strings.TrimSpace(lines[0]) == "::" {
			p.kind = 'x' // "::" alone is no paragraph, only the literal block
		}
		return p.literalBlock(b, at)
	}
	return at
}

// paragraph checks a paragraph's inline markup and says whether it ends
// with "::" (a literal block follows).
func (p *parser) paragraph(b block, i int, lines []string) bool {
	data := strings.TrimRightFunc(strings.Join(lines, "\n"), isPySpace)
	text := data
	lit := false
	if endsWithLiteralMarker(data) {
		lit = true
		switch {
		case len(data) == 2:
			return true
		case data[len(data)-3] == ' ' || data[len(data)-3] == '\n':
			text = strings.TrimRightFunc(data[:len(data)-3], isPySpace)
		default:
			text = data[:len(data)-1]
		}
	}
	p.content = true
	p.inline(text, b.lineNo(i))
	p.smLine = 0
	return lit
}

// endsWithLiteralMarker: "::" at the end, not escaped by a backslash.
func endsWithLiteralMarker(s string) bool {
	if !strings.HasSuffix(s, "::") {
		return false
	}
	n := 0
	for k := len(s) - 3; k >= 0 && s[k] == '\\'; k-- {
		n++
	}
	return n%2 == 0
}

// literalBlock is Text.literal_block, at line at (the line after the
// paragraph): an indented block, or else a quoted one.
func (p *parser) literalBlock(b block, at int) int {
	if at >= b.len() {
		p.report(b.lineNo(at), Warning, "Literal block expected; none found.")
		return at
	}
	ind, end, blankFinish := b.indented(at, false, -1, -1)
	ind = ind.trimTop().trimBottom()
	if ind.len() == 0 {
		return p.quotedLiteral(b, at)
	}
	p.content = true
	if !blankFinish {
		p.report(b.lineNo(end), Warning, "Literal block ends without a blank line; unexpected unindent.")
	}
	return end
}

// quotedLiteral is the QuotedLiteralBlock state: unindented lines that all
// start with the same punctuation character.
func (p *parser) quotedLiteral(b block, at int) int {
	i := at
	for i < b.len() && isBlank(b.lines[i]) {
		i++
	}
	if i >= b.len() || b.lines[i][0] == ' ' || !isPunct7(b.lines[i][0]) {
		p.report(b.lineNo(i), Warning, "Literal block expected; none found.")
		return i
	}
	q := b.lines[i][0]
	j := i + 1
	for ; j < b.len(); j++ {
		l := b.lines[j]
		switch {
		case isBlank(l):
			p.content = true
			return j
		case l[0] == ' ':
			p.report(b.lineNo(j), Error, "Unexpected indentation.")
			return j
		case l[0] != q:
			p.report(b.lineNo(j), Error, "Inconsistent literal block quoting.")
			return j
		}
	}
	p.content = true
	return j
}
