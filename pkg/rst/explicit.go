package rst

import (
	"regexp"
	"strings"
)

// The explicit markup constructs, tried in this order after "..".
var (
	footnoteRe  = regexp.MustCompile(`^\.\. +\[([0-9]+|#|#` + simplename + `|\*)\]( +|$)`)
	citationRe  = regexp.MustCompile(`^\.\. +\[(` + simplename + `)\]( +|$)`)
	targetRe    = regexp.MustCompile(`^\.\. +_[^ ]`)
	substDefRe  = regexp.MustCompile(`^\.\. +\|[^ ]`)
	directiveRe = regexp.MustCompile(`^\.\. +(` + simplename + `) ?::( +|$)`)
)

// simplename is docutils' reference name: alphanumerics with single
// internal hyphens, underscores, periods, colons and pluses.
const simplename = `(?:[\p{L}\p{N}]+(?:[-._+:][\p{L}\p{N}]+)*)`

// explicitList is Body.explicit_markup (or Body.anonymous) and the
// Explicit state: constructs follow one another until a blank line or
// something else.
func (p *parser) explicitList(b block, i int, anonymous bool) int {
	p.last = 'P'
	for {
		var end int
		var blankFinish bool
		if anonymous {
			end, blankFinish = p.anonymousTarget(b, i)
		} else {
			end, blankFinish = p.explicitConstruct(b, i)
		}
		if end < b.len() && !isBlank(b.lines[end]) {
			switch {
			case explicitRe.MatchString(b.lines[end]):
				i, anonymous = end, false
				continue
			case anonymousRe.MatchString(b.lines[end]):
				i, anonymous = end, true
				continue
			}
		}
		if !blankFinish {
			p.report(b.lineNo(end), Warning, "Explicit markup ends without a blank line; unexpected unindent.")
		}
		return end
	}
}

// explicitConstruct dispatches one ".." construct and returns where it
// ends and whether it ended with a blank line.
func (p *parser) explicitConstruct(b block, i int) (int, bool) {
	l := b.lines[i]
	if m := footnoteRe.FindStringSubmatchIndex(l); m != nil {
		return p.footnote(b, i, l[m[2]:m[3]], m[1])
	}
	if m := citationRe.FindStringSubmatchIndex(l); m != nil {
		return p.citation(b, i, l[m[2]:m[3]], m[1])
	}
	if targetRe.MatchString(l) {
		if end, fin, ok := p.hyperlinkTarget(b, i); ok {
			return end, fin
		}
		return p.comment(b, i)
	}
	if substDefRe.MatchString(l) {
		if end, fin, ok := p.substitutionDef(b, i); ok {
			return end, fin
		}
		return p.comment(b, i)
	}
	if m := directiveRe.FindStringSubmatchIndex(l); m != nil {
		return p.directive(b, i, l[m[2]:m[3]], m[1], "")
	}
	return p.comment(b, i)
}

// comment is Explicit.comment: everything indented under "..".
func (p *parser) comment(b block, i int) (int, bool) {
	m := explicitRe.FindStringIndex(b.lines[i])
	if strings.TrimSpace(b.lines[i][m[1]:]) == "" && (i+1 >= b.len() || isBlank(b.lines[i+1])) {
		return i + 1, true
	}
	_, end, blankFinish := b.indented(i, false, -1, m[1])
	return end, blankFinish
}

func (p *parser) footnote(b block, i int, label string, markerEnd int) (int, bool) {
	p.content = true
	defer func() { p.last = 'E' }()
	ind, end, blankFinish := b.indented(i, false, -1, markerEnd)
	name := normalizeName(label)
	switch {
	case name == "#":
		p.names.autoFns++
	case strings.HasPrefix(name, "#"):
		p.explicitTarget(name[1:], "", b.lineNo(i))
	case name == "*":
		p.names.symbolFns++
	default:
		p.explicitTarget(name, "", b.lineNo(i))
	}
	p.parseBody(ind.trimTop(), false)
	return end, blankFinish
}

func (p *parser) citation(b block, i int, label string, markerEnd int) (int, bool) {
	p.content = true
	defer func() { p.last = 'E' }()
	ind, end, blankFinish := b.indented(i, false, -1, markerEnd)
	p.explicitTarget(normalizeName(label), "", b.lineNo(i))
	p.parseBody(ind.trimTop(), false)
	return end, blankFinish
}
