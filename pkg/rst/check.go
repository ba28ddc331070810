package rst

import "strings"

// explicitTarget notes an explicit target and reports a duplicate name.
func (p *parser) explicitTarget(name, uri string, line int) {
	if p.names.explicit(name, uri, line) > 0 {
		p.report(line, Warning, `Duplicate explicit target name: "`+name+`".`)
	}
}

// check is the transforms' part: substitutions, anonymous links,
// indirect targets, footnote numbering and dangling references, in the
// order docutils runs them.
func (r *registry) check(p *parser) {
	for _, u := range r.substRefs {
		if !r.substExact[u.name] && !r.substDefs[strings.ToLower(u.name)] {
			p.report(u.line, Error, `Undefined substitution referenced: "`+u.name+`".`)
		}
	}
	if r.anonRefs != r.anonTargets {
		p.report(0, Error, "Anonymous hyperlink mismatch: "+itoa(r.anonRefs)+" references but "+itoa(r.anonTargets)+" targets.")
	}
	for _, u := range r.indirect {
		if !r.resolves(u.to) {
			p.report(u.line, Error, `Indirect hyperlink target "`+u.name+`" refers to target "`+u.to+`", which does not exist.`)
		}
	}
	if r.autoFnRefs > r.autoFns {
		p.report(0, Error, "Too many autonumbered footnote references: only "+itoa(r.autoFns)+" corresponding footnotes available.")
	}
	if r.symbolRefs > r.symbolFns {
		p.report(0, Error, "Too many symbol footnote references: only "+itoa(r.symbolFns)+" corresponding footnotes available.")
	}
	for _, u := range r.refs {
		if r.resolves(u.name) {
			continue
		}
		if t, ok := r.targets[u.name]; ok && t.dup {
			p.report(u.line, Error, `Duplicate target name, cannot be used as a unique reference: "`+u.name+`".`)
			continue
		}
		p.report(u.line, Error, `Unknown target name: "`+u.name+`".`)
	}
}

// resolves says whether a reference name finds its target.
func (r *registry) resolves(name string) bool {
	if t, ok := r.targets[name]; ok && !t.dup {
		return true
	}
	_, ok := r.targets[name]
	return !ok && r.titles[loose(name)] && loose(name) != ""
}
