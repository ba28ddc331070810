package pep508

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pyupload/pyupload/pkg/pep440"
)

// Requirement is a parsed PEP 508 dependency specifier.
type Requirement struct {
	Name      string
	Extras    []string // as written, in order
	Specifier pep440.SpecifierSet
	URL       string  // the direct reference after "@", or ""
	Marker    *Marker // nil when there is no "; marker"
}

// String is packaging's str(Requirement), the form PyPI quotes in "Can't
// have direct dependency: <req>": sorted extras, sorted specifiers, " @ "
// before a URL and the marker re-spelled.
func (r Requirement) String() string {
	var b strings.Builder
	b.WriteString(r.Name)
	if len(r.Extras) > 0 {
		extras := slices.Clone(r.Extras)
		slices.Sort(extras)
		b.WriteString("[" + strings.Join(slices.Compact(extras), ",") + "]")
	}
	specs := make([]string, len(r.Specifier))
	for i, s := range r.Specifier {
		specs[i] = s.String()
	}
	slices.Sort(specs)
	b.WriteString(strings.Join(slices.Compact(specs), ","))
	if r.URL != "" {
		b.WriteString(" @ " + r.URL)
		if r.Marker != nil {
			b.WriteString(" ")
		}
	}
	if r.Marker != nil {
		b.WriteString("; " + r.Marker.String())
	}
	return b.String()
}

// ParseRequirement parses s with packaging 26.2's requirement grammar
// (packaging/_parser.py), which is what PyPI validates Requires-Dist with.
// A grammar error is a *[SyntaxError] with packaging's message; a version
// list that the tokenizer accepts but SpecifierSet refuses (an "===" item
// swallowing a comma) is a *[pep440.SpecifierError], as in packaging.
func ParseRequirement(s string) (Requirement, error) {
	p := &scanner{src: s}
	p.ws()
	name, ok := p.identifier()
	if !ok {
		return Requirement{}, p.fail("Expected package name at the start of dependency specifier", p.pos)
	}
	r := Requirement{Name: name}
	p.ws()
	extras, err := p.extras()
	if err != nil {
		return Requirement{}, err
	}
	r.Extras = extras
	p.ws()
	spec, err := p.details(&r)
	if err != nil {
		return Requirement{}, err
	}
	if !p.atEnd() {
		return Requirement{}, p.fail("Expected end of dependency specifier", p.pos)
	}
	if r.Specifier, err = pep440.ParseSpecifierSet(spec); err != nil {
		return Requirement{}, fmt.Errorf("version specifier of %s: %w", pep440.PyRepr(s), err)
	}
	return r, nil
}

// extras reads `[ extra, extra ]`.
func (p *scanner) extras() ([]string, error) {
	if p.peekByte() != '[' {
		return nil, nil
	}
	open := p.pos
	p.pos++
	p.ws()
	var extras []string
	if first, ok := p.identifier(); ok {
		extras = append(extras, first)
		for {
			p.ws()
			if _, ok := (&scanner{src: p.src, pos: p.pos}).identifier(); ok {
				return nil, p.fail("Expected comma between extra names", p.pos)
			}
			if p.peekByte() != ',' {
				break
			}
			p.pos++
			p.ws()
			e, ok := p.identifier()
			if !ok {
				return nil, p.fail("Expected extra name after comma", p.pos)
			}
			extras = append(extras, e)
		}
	}
	p.ws()
	if p.peekByte() != ']' {
		return nil, p.fail("Expected matching RIGHT_BRACKET for LEFT_BRACKET, after extras", open)
	}
	p.pos++
	return extras, nil
}

// details reads either "@ URL [; marker]" or "[specifiers] [; marker]" and
// returns the specifier text for SpecifierSet.
func (p *scanner) details(r *Requirement) (string, error) {
	if p.peekByte() == '@' {
		p.pos++
		p.ws()
		urlStart := p.pos
		u, ok := p.url()
		if !ok {
			return "", p.fail("Expected URL after @", p.pos)
		}
		r.URL = u
		if p.atEnd() {
			return "", nil
		}
		if !p.ws() {
			return "", p.fail("Expected whitespace after URL", p.pos)
		}
		if p.atEnd() {
			return "", nil
		}
		m, err := p.requirementMarker(urlStart, "semicolon (after URL and whitespace)")
		r.Marker = m
		return "", err
	}
	specStart := p.pos
	spec, err := p.versionSpecifier()
	if err != nil {
		return "", err
	}
	p.ws()
	if p.atEnd() {
		return spec, nil
	}
	expected := "semicolon (after name with no version specifier)"
	if spec != "" {
		expected = "comma (within version specifier), semicolon (after version specifier)"
	}
	m, err := p.requirementMarker(specStart, expected)
	r.Marker = m
	return spec, err
}

func (p *scanner) requirementMarker(spanStart int, expected string) (*Marker, error) {
	if p.peekByte() != ';' {
		return nil, p.fail("Expected "+expected+" or end", spanStart)
	}
	p.pos++
	list, err := p.marker()
	if err != nil {
		return nil, err
	}
	p.ws()
	return &Marker{list: list}, nil
}

// versionSpecifier reads specifiers, optionally in parentheses.
func (p *scanner) versionSpecifier() (string, error) {
	open := -1
	if p.peekByte() == '(' {
		open = p.pos
		p.pos++
	}
	p.ws()
	spec, err := p.versionMany()
	if err != nil {
		return "", err
	}
	p.ws()
	if open >= 0 {
		if p.peekByte() != ')' {
			return "", p.fail("Expected matching RIGHT_PARENTHESIS for LEFT_PARENTHESIS, after version specifier", open)
		}
		p.pos++
	}
	return spec, nil
}

// versionMany reads `SPECIFIER (WS? "," WS? SPECIFIER)*`, with packaging's
// dedicated errors for a ".*" or "+local" the operator does not allow.
func (p *scanner) versionMany() (string, error) {
	var b strings.Builder
	for {
		start := p.pos
		tok, ok := p.specifier()
		if !ok {
			break
		}
		b.WriteString(tok)
		if strings.HasPrefix(p.src[p.pos:], ".*") {
			return "", &SyntaxError{Message: ".* suffix can only be used with `==` or `!=` operators", Source: p.src, Start: start, End: p.pos + 1}
		}
		if p.localLabelTrail() {
			return "", p.fail("Local version label can only be used with `==` or `!=` operators", start)
		}
		p.ws()
		if p.peekByte() != ',' {
			break
		}
		b.WriteByte(',')
		p.pos++
		p.ws()
	}
	return b.String(), nil
}
