package dist

import (
	"fmt"
	"strings"
)

// rstDirectives are the directive names docutils knows in English (0.19,
// as readme_renderer uses it). readme_renderer turns off raw and include,
// so those fail too.
var rstDirectives = set("admonition", "attention", "caution", "class", "code", "code-block",
	"compound", "container", "contents", "csv-table", "danger", "date", "default-role", "epigraph",
	"error", "figure", "footer", "header", "highlights", "hint", "image", "important", "line-block",
	"list-table", "math", "meta", "note", "parsed-literal", "pull-quote", "replace", "role", "rubric",
	"section-numbering", "sectnum", "sidebar", "sourcecode", "table", "target-notes", "tip", "title",
	"topic", "unicode", "warning")

// rstDisabled are directives readme_renderer refuses.
var rstDisabled = set("raw", "include")

// rstRenderErrors finds the reStructuredText mistakes that make PyPI's
// renderer (readme_renderer, halting on warnings) give up on a description:
// unknown directives and the disabled raw/include. It is not a full
// docutils: other markup errors are left to the index. Lines inside
// literal blocks (after "::") are skipped, so examples of RST in a code
// block do not count.
func rstRenderErrors(text string) []string {
	var errs []string
	literalIndent := -1 // indent of the line that opened a literal block
	for i, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimLeft(line, " \t")
		indent := len(line) - len(trimmed)
		if trimmed == "" {
			continue
		}
		if literalIndent >= 0 {
			if indent > literalIndent {
				continue
			}
			literalIndent = -1
		}
		if name, ok := rstDirectiveName(trimmed); ok {
			switch {
			case rstDisabled[name]:
				errs = append(errs, fmt.Sprintf("line %d: Warning: %q directive disabled.", i+1, name))
			case !rstDirectives[strings.ToLower(name)]:
				errs = append(errs, fmt.Sprintf("line %d: Error: Unknown directive type %q.", i+1, name))
			}
		}
		if strings.HasSuffix(strings.TrimRight(trimmed, " \t"), "::") {
			literalIndent = indent
		}
	}
	return errs
}

// rstDirectiveName recognises ".. name::" and returns name.
func rstDirectiveName(line string) (string, bool) {
	rest, ok := strings.CutPrefix(line, "..")
	if !ok || rest == "" || (rest[0] != ' ' && rest[0] != '\t') {
		return "", false
	}
	rest = strings.TrimLeft(rest, " \t")
	name, _, ok := strings.Cut(rest, "::")
	name = strings.TrimRight(name, " ")
	if !ok || name == "" {
		return "", false
	}
	for i, r := range name {
		alnum := isASCIIAlnum(r)
		if !alnum && (i == 0 || !strings.ContainsRune("-_.:+", r)) {
			return "", false
		}
	}
	return name, true
}
