package rst

import "strings"

// blockQuote is Body.indent: an indented block, split at attributions
// ("-- Someone") into block quotes parsed as body.
func (p *parser) blockQuote(b block, i int) int {
	p.content = true // even an empty block quote renders
	ind, end, blankFinish := b.indented(i, false, -1, -1)
	ind = ind.trimTop()
	for ind.len() > 0 {
		quote, attribution, rest := splitAttribution(ind)
		p.parseBody(quote, false)
		if attribution.len() > 0 {
			p.inline(attributionText(attribution), attribution.off+1)
		}
		ind = rest.trimTop()
	}
	if !blankFinish {
		p.report(b.lineNo(end), Warning, "Block quote ends without a blank line; unexpected unindent.")
	}
	return end
}

// listItem is Body.list_item: the item's text starts after the marker
// (markerEnd bytes) and continues on lines indented at least that much,
// or, when the marker line has nothing else, as much as the next line.
func (p *parser) listItem(b block, i, markerEnd int) (int, bool) {
	var ind block
	var end int
	var blankFinish bool
	if len(b.lines[i]) > markerEnd {
		ind, end, blankFinish = b.indented(i, false, markerEnd, -1)
	} else {
		ind, end, blankFinish = b.indented(i, false, -1, markerEnd)
	}
	p.parseBody(ind.trimTop(), false)
	return end, blankFinish
}

// endList skips the blank lines after a list item and returns the next
// non-blank line.
func endList(b block, end int) int {
	for end < b.len() && isBlank(b.lines[end]) {
		end++
	}
	return end
}

// bulletList is Body.bullet and the BulletList state: items with the
// same bullet character.
func (p *parser) bulletList(b block, i int) int {
	p.content = true
	defer func() { p.kind = 'b' }()
	bullet := []rune(b.lines[i])[0]
	for {
		m := bulletRe.FindStringIndex(b.lines[i])
		end, blankFinish := p.listItem(b, i, m[1])
		next := endList(b, end)
		if next < b.len() && bulletRe.MatchString(b.lines[next]) && []rune(b.lines[next])[0] == bullet {
			i = next
			continue
		}
		if !blankFinish {
			p.report(b.lineNo(end), Warning, "Bullet list ends without a blank line; unexpected unindent.")
		}
		return end
	}
}

// fieldList is Body.field_marker and the FieldList state.
func (p *parser) fieldList(b block, i, markerEnd int) int {
	p.content = true
	var fields []fieldInfo
	defer func() { p.last, p.fields = 'F', fields }()
	for {
		name, _, _ := fieldMarker(b.lines[i])
		// A bibliographic field's name leaves the document with it, and
		// the references in it are then never checked: these are not.
		p.refsOff++
		p.inline(name, b.lineNo(i))
		p.refsOff--
		ind, end, blankFinish := b.indented(i, false, -1, markerEnd)
		body := ind.trimTop()
		sh := p.parseBody(body, false)
		fields = append(fields, fieldInfo{name, b.lineNo(i), sh})
		next := endList(b, end)
		if next < b.len() {
			if _, e, ok := fieldMarker(b.lines[next]); ok {
				i, markerEnd = next, e
				continue
			}
		}
		if !blankFinish {
			p.report(b.lineNo(end), Warning, "Field list ends without a blank line; unexpected unindent.")
		}
		return end
	}
}

// optionList is Body.option_marker and the OptionList state. ok is false
// when the first item has no description: then it is paragraph text.
func (p *parser) optionList(b block, i, markerEnd int) (int, bool) {
	first, prevFinish := true, true
	for {
		ind, end, blankFinish := b.indented(i, false, -1, markerEnd)
		body := ind.trimTop()
		if !validOptions(b.lines[i][:markerEnd]) || body.len() == 0 {
			if first {
				return 0, false // an invalid first marker is an error docutils says cannot happen
			}
			if !prevFinish {
				p.report(b.lineNo(i), Warning, "Option list ends without a blank line; unexpected unindent.")
			}
			return i, true
		}
		first, prevFinish = false, blankFinish
		p.content = true
		p.parseBody(body, false)
		next := endList(b, end)
		if next < b.len() {
			if m := matchOption(b.lines[next]); m != nil {
				i, markerEnd = next, m[1]
				continue
			}
		}
		if !blankFinish {
			p.report(b.lineNo(end), Warning, "Option list ends without a blank line; unexpected unindent.")
		}
		return end, true
	}
}

// validOptions is parse_option_marker's check: each option has one or
// two tokens.
func validOptions(marker string) bool {
	for opt := range strings.SplitSeq(strings.TrimRight(marker, " "), ", ") {
		tokens := strings.Fields(opt)
		if len(tokens) == 0 {
			return false
		}
		if first := strings.SplitN(tokens[0], "=", 2); len(first) > 1 {
			tokens = append(first, tokens[1:]...)
		} else if len(tokens[0]) > 2 && (strings.HasPrefix(tokens[0], "-") && !strings.HasPrefix(tokens[0], "--") || strings.HasPrefix(tokens[0], "+")) {
			tokens = append([]string{tokens[0][:2], tokens[0][2:]}, tokens[1:]...)
		}
		if len(tokens) > 1 && strings.HasPrefix(tokens[1], "<") && strings.HasSuffix(tokens[len(tokens)-1], ">") {
			tokens = tokens[:2]
		}
		if len(tokens) > 2 {
			return false
		}
	}
	return true
}

// definitionList is Text.indent and the DefinitionList state: a term line
// followed by an indented definition.
func (p *parser) definitionList(b block, i int) int {
	p.content = true
	for {
		ind, end, blankFinish := b.indented(i+1, false, -1, -1)
		// docutils numbers the term from the definition's last line (its
		// state machine has read the whole block by then).
		p.inline(b.lines[i], b.lineNo(end-1)-1)
		p.parseBody(ind.trimTop(), false)
		next := endList(b, end)
		if next+1 < b.len() && isDefinitionTerm(b.lines[next]) && b.lines[next+1] != "" && b.lines[next+1][0] == ' ' {
			i = next
			continue
		}
		if !blankFinish {
			p.report(b.lineNo(end), Warning, "Definition list ends without a blank line; unexpected unindent.")
		}
		return end
	}
}

// isDefinitionTerm: a line the Body state would read as plain text.
func isDefinitionTerm(l string) bool {
	if isBlank(l) || l[0] == ' ' || bulletRe.MatchString(l) || matchEnumerator(l) != nil || matchOption(l) != nil {
		return false
	}
	if _, _, ok := fieldMarker(l); ok {
		return false
	}
	for _, re := range []interface{ MatchString(string) bool }{doctestRe, lineBlockRe, gridTopRe, simpleTopRe, explicitRe, anonymousRe} {
		if re.MatchString(l) {
			return false
		}
	}
	return !isAdornment(l)
}
