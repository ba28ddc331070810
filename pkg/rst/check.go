package rst

import (
	"github.com/pyupload/pyupload/internal/pystr"
	"strconv"
	"strings"
)

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
		if !r.substExact[u.name] && !r.substDefs[pystr.Lower(u.name)] {
			p.report(u.line, Error, `Undefined substitution referenced: "`+u.name+`".`)
		}
	}
	if r.anonRefs != r.anonTargets {
		p.report(0, Error, "Anonymous hyperlink mismatch: "+itoa(r.anonRefs)+" references but "+itoa(r.anonTargets)+" targets.\nSee \"backrefs\" attribute for IDs.")
	}
	for _, u := range r.indirect {
		if r.resolves(u.to) {
			continue
		}
		why := "which does not exist"
		if t, ok := r.targets[u.to]; ok && t.dup {
			why = "which is a duplicate, and cannot be used as a unique reference"
		}
		p.report(u.line, Error, `Indirect hyperlink target `+u.naming+` refers to target "`+u.to+`", `+why+`.`)
	}
	r.checkAutoFootnotes(p)
	if len(r.symbolRefs) > r.symbolFns {
		p.report(r.symbolRefs[r.symbolFns], Error, "Too many symbol footnote references: only "+itoa(r.symbolFns)+" corresponding footnotes available.")
	}
	for _, u := range r.refs {
		if r.resolves(u.name) || r.autoNumbered(u.name) {
			continue
		}
		if t, ok := r.targets[u.name]; ok && t.dup {
			p.report(u.line, Error, `Duplicate target name, cannot be used as a unique reference: "`+u.name+`".`)
			continue
		}
		p.report(u.line, Error, `Unknown target name: "`+u.name+`".`)
	}
}

// inlineTargetLine is where docutils reports a duplicate inline target.
func (p *parser) inlineTargetLine(line int) int {
	if p.smLine > 0 {
		return p.smLine
	}
	return line
}

// makeID approximates docutils' make_id: lower case ASCII letters and
// digits, other runs made one hyphen, starting with a letter.
func makeID(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9' && b.Len() > 0:
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
	}
	return b.String()
}

// checkAutoFootnotes is number_footnote_references: "[#label]_" finds
// its footnote by name; "[#]_", and a label no footnote has, takes the
// next auto-numbered footnote without a label, and there must be one.
func (r *registry) checkAutoFootnotes(p *parser) {
	free := r.autoFns
	for _, u := range r.autoFnRefs {
		if u.name != "" && r.resolves(u.name) {
			continue
		}
		if free == 0 {
			p.report(u.line, Error, "Too many autonumbered footnote references: only "+itoa(r.autoFns)+" corresponding footnotes available.")
		}
		free--
	}
}

// autoNumbered: the Footnotes transform names each auto-numbered footnote
// without a label by its number (1, 2, ... skipping names already
// taken), so "[2]_" can find the second of them.
func (r *registry) autoNumbered(name string) bool {
	n, err := strconv.Atoi(name)
	if err != nil || n < 1 || r.autoFns == 0 {
		return false
	}
	taken := 0
	for k := 1; k < n; k++ {
		if _, ok := r.targets[itoa(k)]; ok {
			taken++
		}
	}
	return n-taken <= r.autoFns
}

// resolves says whether a reference name finds its target.
func (r *registry) resolves(name string) bool {
	if t, ok := r.targets[name]; ok && !t.dup {
		return true
	}
	_, ok := r.targets[name]
	return !ok && r.titles[loose(name)] && loose(name) != ""
}
