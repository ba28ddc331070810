package rst

import (
	"regexp"
	"strings"
)

// runDirective is what each directive's run() reports for descriptions,
// and the body its content holds.
func (p *parser) runDirective(d dirCall) {
	if v, ok := d.options["name"]; ok {
		p.explicitTarget(normalizeName(v), "", d.line)
	}
	switch d.canon {
	case "raw", "include":
		p.report(d.line, Warning, `"`+d.name+`" directive disabled.`)
		return
	case "replace", "unicode", "date":
		if d.subst == "" {
			p.report(d.line, Error, `Invalid context: the "`+d.name+`" directive can only be used within a substitution definition.`)
			return
		}
	case "topic", "sidebar", "contents":
		if !p.titlesHere && p.inSidebar == 0 {
			p.report(d.line, Error, `The "`+d.name+`" directive may not be used within topics or body elements.`)
			return
		}
	}
	if needsContent[d.canon] && d.content.len() == 0 {
		p.report(d.line, Error, `Content block expected for the "`+d.name+`" directive; none found.`)
		return
	}
	p.content = true
	p.directiveBody(d)
}

// directiveBody checks what a directive parses: titles and content.
func (p *parser) directiveBody(d dirCall) {
	switch d.canon {
	case "admonition", "topic", "rubric", "sidebar":
		if len(d.args) > 0 {
			p.inline(d.args[0], d.line)
		}
	case "image", "figure":
		p.image(d)
	case "default-role":
		p.defaultRoleDirective(d)
	case "role":
		p.roleDirective(d)
	case "parsed-literal", "line-block":
		p.inline(strings.Join(d.content.lines, "\n"), d.content.off+1)
	case "replace":
		p.parseBody(d.content, false)
	case "csv-table":
		if _, ok := d.options["file"]; ok {
			p.report(d.line, Warning, `File and URL access deactivated; ignoring "`+d.name+`" directive.`)
		} else if _, ok := d.options["url"]; ok {
			p.report(d.line, Warning, `File and URL access deactivated; ignoring "`+d.name+`" directive.`)
		}
	case "list-table":
		p.parseBody(d.content, false)
	}
	if bodyContent[d.canon] {
		if d.canon == "sidebar" {
			p.inSidebar++
			defer func() { p.inSidebar-- }()
		}
		p.parseBody(d.content, false)
	}
}

// image checks the image and figure options docutils checks at run time.
func (p *parser) image(d dirCall) {
	if a, ok := d.options["align"]; ok {
		a = strings.ToLower(a)
		if d.subst != "" && !strings.Contains(" top middle bottom ", " "+a+" ") {
			p.report(d.line, Error, `Error in "`+d.name+`" directive: "`+a+`" is not a valid value for the "align" option within a substitution definition.  Valid values for "align" are: "top", "middle", "bottom".`)
		} else if d.subst == "" && d.canon == "image" && !strings.Contains(" left center right ", " "+a+" ") {
			p.report(d.line, Error, `Error in "`+d.name+`" directive: "`+a+`" is not a valid value for the "align" option.  Valid values for "align" are: "left", "center", "right".`)
		}
	}
	if t, ok := d.options["target"]; ok {
		if to, _, ok := parseTarget(strings.Split(string(escape2null(t)), "\n")); ok {
			p.names.ref(normalizeName(to), 0) // the reference wraps the image: no line
		}
	}
}

func (p *parser) defaultRoleDirective(d dirCall) {
	if len(d.args) == 0 {
		p.defaultRole = "title-reference"
		return
	}
	name := strings.ToLower(d.args[0])
	if _, ok := p.customRoles[name]; !ok {
		if _, ok := roleNames[name]; !ok {
			p.report(d.line, Error, `Unknown interpreted text role "`+d.args[0]+`".`)
			return
		}
	}
	p.defaultRole = name
}

var roleDefRe = regexp.MustCompile(`^(` + simplename + `)\s*(\(\s*(` + simplename + `)\s*\)\s*)?$`)

// roleDirective notes ".. role:: name(base)"; a custom role without a
// base is a generic inline role.
func (p *parser) roleDirective(d dirCall) {
	if d.content.len() == 0 {
		p.report(d.line, Error, `"`+d.name+`" directive requires arguments on the first line.`)
		return
	}
	m := roleDefRe.FindStringSubmatch(strings.TrimSpace(d.content.lines[0]))
	if m == nil {
		p.report(d.line, Error, `"`+d.name+`" directive arguments not valid role names: "`+d.content.lines[0]+`".`)
		return
	}
	base := strings.ToLower(m[3])
	if base == "" {
		base = "emphasis" // a generic role: renders, never fails
	} else if b, ok := p.customRoles[base]; ok {
		base = b
	} else if _, ok := roleNames[base]; !ok {
		p.report(d.line, Error, `Unknown interpreted text role "`+m[3]+`".`)
		return
	}
	p.customRoles[strings.ToLower(m[1])] = base
}
