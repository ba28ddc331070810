package rst

import (
	"github.com/pyupload/pyupload/internal/pystr"
	"regexp"
	"strings"
)

var embeddedDirectiveRe = regexp.MustCompile(`^(` + simplename + `)::( +|$)`)

// inlineDirectives are those whose result can stand in for a
// substitution reference; any other leaves the definition empty.
var inlineDirectives = map[string]bool{"image": true, "replace": true, "unicode": true, "date": true}

// substitutionDef is Body.substitution_def: ".. |name| directive:: ...".
func (p *parser) substitutionDef(b block, i int) (int, bool, bool) {
	m := substStartRe.FindStringIndex(b.lines[i])
	_, end, blankFinish := b.indented(i, false, -1, m[1])
	lines := append([]string{b.lines[i][m[1]:]}, b.lines[i+1:end]...)
	escaped := escape2null(strings.TrimRightFunc(lines[0], isPySpace))
	k := 0
	name, after, ok := matchSubstName(escaped)
	for !ok {
		k++
		if k >= len(lines) {
			p.report(b.lineNo(i), Warning, "malformed substitution definition.")
			return 0, false, false
		}
		escaped = append(append(escaped, ' '), escape2null(strings.TrimSpace(lines[k]))...)
		name, after, ok = matchSubstName(escaped)
	}
	first := strings.TrimSpace(unescapeKeep(escaped[min(after, len(escaped)):]))
	rest := block{append([]string{first}, lines[k+1:]...), b.off + i + k}
	if first == "" {
		rest = block{lines[k+1:], b.off + i + k + 1}
	}
	rest = rest.trimBottom()
	line := b.lineNo(i)
	if rest.len() == 0 {
		p.report(line, Warning, `Substitution definition "`+name+`" missing contents.`)
		return end, blankFinish, true
	}
	rest.lines[0] = strings.TrimSpace(rest.lines[0])
	dm := embeddedDirectiveRe.FindStringSubmatchIndex(rest.lines[0])
	if dm == nil {
		p.report(line, Warning, `Substitution definition "`+name+`" empty or invalid.`)
		return end, blankFinish, true
	}
	dname := rest.lines[0][dm[2]:dm[3]]
	before := len(p.probs)
	p.directive(rest, 0, dname, dm[1], name)
	if len(p.probs) > before {
		return end, blankFinish, true
	}
	canon := strings.ToLower(dname)
	if !inlineDirectives[canon] {
		p.report(line, Warning, `Substitution definition "`+name+`" empty or invalid.`)
		return end, blankFinish, true
	}
	p.noteSubstDef(name, line)
	return end, blankFinish, true
}

func (p *parser) noteSubstDef(name string, line int) {
	name = strings.Join(strings.FieldsFunc(name, isPySpace), " ")
	if p.names.substExact[name] {
		p.report(line, Error, `Duplicate substitution definition name: "`+name+`".`)
	}
	p.names.substExact[name] = true
	p.names.substDefs[pystr.Lower(name)] = true
}

// matchSubstName is the substitution pattern: a name not starting with a
// space and not ending with whitespace or an escape, then "|" and a space
// or the end.
func matchSubstName(e []rune) (string, int, bool) {
	if len(e) == 0 || e[0] == ' ' {
		return "", 0, false
	}
	for j := 1; j < len(e); j++ {
		if e[j] != '|' || isSpace(e[j-1]) || e[j-1] == 0 {
			continue
		}
		if j+1 == len(e) || e[j+1] == ' ' {
			// The name keeps its escapes: docutils compares the escaped
			// definition name with the reference's plain text.
			return string(e[:j]), j + 1, true
		}
	}
	return "", 0, false
}
