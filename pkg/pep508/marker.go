package pep508

import (
	"fmt"
	"regexp"
	"strings"
)

// Marker is a parsed environment marker. Only its syntax matters to
// pyupload (PyPI never evaluates markers), so it is not evaluated.
type Marker struct {
	list []markerElem
}

// markerElem is one element of packaging's MarkerList: an item
// (`lhs op rhs`), "and"/"or", or a parenthesised list.
type markerElem struct {
	logic string
	item  *markerItem
	group []markerElem
}

type markerItem struct {
	lhs, op, rhs markerValue
}

// markerValue is a variable (normalised name) or a string (its value).
type markerValue struct {
	text     string
	variable bool
}

func (v markerValue) serialize() string {
	if v.variable {
		return v.text
	}
	return `"` + v.text + `"`
}

// String is packaging's str(Marker): single spaces, double quotes, and
// parentheses only where a group has more than one element.
func (m *Marker) String() string { return formatMarker(m.list, true) }

func formatMarker(list []markerElem, first bool) string {
	if len(list) == 1 && list[0].logic == "" {
		return formatElem(list[0])
	}
	parts := make([]string, len(list))
	for i, e := range list {
		if e.group != nil {
			parts[i] = formatMarker(e.group, false)
		} else {
			parts[i] = formatElem(e)
		}
	}
	if first {
		return strings.Join(parts, " ")
	}
	return "(" + strings.Join(parts, " ") + ")"
}

func formatElem(e markerElem) string {
	switch {
	case e.item != nil:
		return e.item.lhs.serialize() + " " + e.item.op.text + " " + e.item.rhs.serialize()
	case e.group != nil:
		return formatMarker(e.group, true)
	}
	return e.logic
}

// MaxMarkerDepth bounds the nesting of parentheses in a marker. packaging
// parses markers recursively, so Python's recursion limit ends it a few
// hundred levels down (RecursionError: PyPI answers 500); a Go parser with
// no bound would instead exhaust its stack on hostile metadata. No real
// marker comes near.
const MaxMarkerDepth = 200

// marker reads `atom (BOOLOP atom)*`.
func (p *scanner) marker() ([]markerElem, error) {
	first, err := p.markerAtom()
	if err != nil {
		return nil, err
	}
	list := []markerElem{first}
	for {
		op, ok := p.keyword("or", "and")
		if !ok {
			return list, nil
		}
		next, err := p.markerAtom()
		if err != nil {
			return nil, err
		}
		list = append(list, markerElem{logic: op}, next)
	}
}

// markerAtom reads a parenthesised marker or one item.
func (p *scanner) markerAtom() (markerElem, error) {
	p.ws()
	var e markerElem
	if p.peekByte() == '(' {
		open := p.pos
		if p.depth++; p.depth > MaxMarkerDepth {
			return e, p.fail(fmt.Sprintf("Expected a marker nested at most %d parentheses deep (packaging's recursive parser gives up a little deeper, and PyPI then answers 500)", MaxMarkerDepth), open)
		}
		p.pos++
		p.ws()
		group, err := p.marker()
		p.depth--
		if err != nil {
			return e, err
		}
		p.ws()
		if p.peekByte() != ')' {
			return e, p.fail("Expected matching RIGHT_PARENTHESIS for LEFT_PARENTHESIS, after marker expression", open)
		}
		p.pos++
		e.group = group
	} else {
		item, err := p.markerItem()
		if err != nil {
			return e, err
		}
		e.item = item
	}
	p.ws()
	return e, nil
}

func (p *scanner) markerItem() (*markerItem, error) {
	p.ws()
	lhs, err := p.markerVar()
	if err != nil {
		return nil, err
	}
	p.ws()
	op, err := p.markerOp()
	if err != nil {
		return nil, err
	}
	p.ws()
	rhs, err := p.markerVar()
	if err != nil {
		return nil, err
	}
	p.ws()
	// packaging normalises the value compared with "extra" as a name.
	switch {
	case lhs.variable && lhs.text == "extra":
		rhs = markerValue{text: canonicalizeName(rhs.text)}
	case rhs.variable && rhs.text == "extra":
		lhs = markerValue{text: canonicalizeName(lhs.text)}
	}
	return &markerItem{lhs: lhs, op: op, rhs: rhs}, nil
}

func (p *scanner) markerVar() (markerValue, error) {
	if name, ok := p.variable(); ok {
		return markerValue{text: name, variable: true}, nil
	}
	start := p.pos
	if tok, ok := p.quoted(); ok {
		value, err := evalStringLiteral(tok)
		if err != nil {
			return markerValue{}, &SyntaxError{Message: err.Error(), Source: p.src, Start: start, End: p.pos}
		}
		return markerValue{text: value}, nil
	}
	return markerValue{}, p.fail("Expected a marker variable or quoted string", p.pos)
}

func (p *scanner) markerOp() (markerValue, error) {
	if _, ok := p.keyword("in"); ok {
		return markerValue{text: "in"}, nil
	}
	if _, ok := p.keyword("not"); ok {
		if !p.ws() {
			return markerValue{}, p.fail("Expected whitespace after 'not'", p.pos)
		}
		if _, ok := p.keyword("in"); !ok {
			return markerValue{}, p.fail("Expected 'in' after 'not'", p.pos)
		}
		return markerValue{text: "not in"}, nil
	}
	if op, ok := p.operator(); ok {
		return markerValue{text: op}, nil
	}
	return markerValue{}, p.fail("Expected marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in", p.pos)
}

var nameSeparators = regexp.MustCompile(`[-_.]+`)

// canonicalizeName is packaging's canonicalize_name without validation.
func canonicalizeName(s string) string {
	return strings.ToLower(nameSeparators.ReplaceAllString(s, "-"))
}
