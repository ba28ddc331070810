package rst

import "strings"

// fieldInfo is one field of a field list, as the DocInfo transform sees it.
type fieldInfo struct {
	name string
	line int
	body shape
}

// The bibliographic fields docutils knows in English, by how it extracts
// them: text fields must hold one paragraph, topics may appear once.
var (
	biblioText   = map[string]bool{"author": true, "organization": true, "address": true, "contact": true, "version": true, "revision": true, "status": true, "date": true, "copyright": true}
	biblioTopics = map[string]bool{"dedication": true, "abstract": true}
)

// checkDocinfo is the DocInfo transform: the document's first element
// (after its title and anything pre-bibliographic) that is a field list
// becomes bibliographic fields, and fields it cannot extract are warned
// about. A lone top-level section is first promoted to document title, so
// its first element counts then.
func (p *parser) checkDocinfo(_ block) {
	var fields []fieldInfo
	first := p.firstNonPre(0)
	switch {
	case first < 0:
		return
	case p.events[first].kind == 'F':
		fields = p.events[first].fields
	case p.events[first].kind == 'S' && p.events[first].level == 1 && p.loneTopSection():
		if k := p.firstNonPre(first + 1); k >= 0 && p.events[k].kind == 'F' {
			fields = p.events[k].fields
		}
	}
	seen := map[string]bool{}
	for _, f := range fields {
		name := strings.ToLower(strings.Join(strings.FieldsFunc(unescape(escape2null(f.name)), isPySpace), " "))
		if !biblioText[name] && !biblioTopics[name] && name != "authors" {
			continue
		}
		switch {
		case f.body.n == 0:
			p.report(f.line, Warning, `Cannot extract empty bibliographic field "`+f.name+`".`)
		case biblioText[name] && f.body.n > 1:
			p.report(f.line, Warning, `Cannot extract compound bibliographic field "`+f.name+`".`)
		case biblioText[name] && !f.body.firstPara:
			p.report(f.line, Warning, `Cannot extract bibliographic field "`+f.name+`" containing anything other than a single paragraph.`)
		case name == "authors" && f.body.n == 1 && !f.body.firstPara && !f.body.firstBullet:
			p.report(f.line, Warning, `Bibliographic field "`+f.name+`" incompatible with extraction: it must contain either a single paragraph (with authors separated by one of ";,"), multiple paragraphs (one per author), or a bullet list with one paragraph (one author) per item.`)
		case biblioTopics[name] && seen[name]:
			p.report(f.line, Warning, `There can only be one "`+f.name+`" field.`)
		}
		seen[name] = true
	}
}

// firstNonPre is the first event from k on that is not pre-bibliographic.
func (p *parser) firstNonPre(k int) int {
	for ; k < len(p.events); k++ {
		if p.events[k].kind != 'P' {
			return k
		}
	}
	return -1
}

// loneTopSection: exactly one section at the top level (DocTitle's
// condition for promoting it to the document title).
func (p *parser) loneTopSection() bool {
	n := 0
	for _, e := range p.events {
		if e.kind == 'S' && e.level == 1 {
			n++
		}
	}
	return n == 1
}
