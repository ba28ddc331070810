package rst

import (
	"strings"
)

// directive is Body.directive: ".. name:: arguments", options as a field
// list, then content. subst is the substitution name when the directive
// is a substitution definition's ("" otherwise).
func (p *parser) directive(b block, i int, name string, markerEnd int, subst string) (int, bool) {
	canon := strings.ToLower(name)
	if a, ok := directiveAliases[canon]; ok {
		canon = a
	}
	spec, known := directiveSpecs[canon]
	line := b.lineNo(i)
	if !known {
		p.report(line, Error, `Unknown directive type "`+name+`".`) // halts
	}
	ind, end, blankFinish := b.indented(i, false, -1, markerEnd)
	d, err := parseDirectiveBlock(ind, spec)
	if err != "" {
		p.report(line, Error, `Error in "`+name+`" directive:`+"\n"+err+".")
		return end, blankFinish
	}
	d.name, d.canon, d.line, d.subst = name, canon, line, subst
	p.runDirective(d)
	p.last = 'E' // every directive leaves an element (or a pending one)
	return end, blankFinish
}

// dirCall is one parsed directive.
type dirCall struct {
	name, canon, subst string
	line               int
	args               []string
	options            map[string]string
	content            block
}

// parseDirectiveBlock is parse_directive_block: it splits the indented
// block into arguments, options and content, or says what is wrong in
// docutils' words.
func parseDirectiveBlock(ind block, spec dirSpec) (dirCall, string) {
	if ind.len() > 0 && isBlank(ind.lines[0]) {
		ind = block{ind.lines[1:], ind.off + 1}
	}
	ind = ind.trimBottom()
	var argBlock []string
	content := ind
	takesArgs := spec.required+spec.optional > 0
	split := ind.len()
	if ind.len() > 0 && (takesArgs || spec.options != nil) {
		for k, l := range ind.lines {
			if isBlank(l) {
				split = k
				break
			}
		}
		argBlock = ind.lines[:split]
		content = block{nil, ind.off + split + 1}
		if split+1 < ind.len() {
			content = block{ind.lines[split+1:], ind.off + split + 1}
		}
	}
	d := dirCall{options: map[string]string{}}
	if spec.options != nil {
		for k, l := range argBlock {
			if _, _, ok := fieldMarker(l); ok {
				if err := parseOptions(argBlock[k:], spec.options, d.options); err != "" {
					return d, err
				}
				argBlock = argBlock[:k]
				break
			}
		}
	}
	if len(argBlock) > 0 && !takesArgs {
		// arg_block + indented[i:]: the options already taken out.
		lines := append(append([]string(nil), argBlock...), ind.lines[split:]...)
		content = block{lines, ind.off}
		argBlock = nil
	}
	d.content = content.trimTop()
	if takesArgs {
		args := strings.Fields(strings.Join(argBlock, "\n"))
		switch {
		case len(args) < spec.required:
			return d, itoa(spec.required) + " argument(s) required, " + itoa(len(args)) + " supplied"
		case len(args) > spec.required+spec.optional && !spec.finalWhitespace:
			return d, "maximum " + itoa(spec.required+spec.optional) + " argument(s) allowed, " + itoa(len(args)) + " supplied"
		}
		if len(args) > 0 && spec.finalWhitespace && spec.required+spec.optional == 1 {
			args = []string{strings.Join(argBlock, "\n")}
		}
		d.args = args
	}
	if d.content.len() > 0 && !spec.content {
		return d, "no content permitted"
	}
	return d, ""
}
