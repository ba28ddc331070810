package dist

import (
	"fmt"
	"github.com/pyupload/pyupload/internal/pystr"
	"strings"
	"unicode"
)

// The index's validators are Python: where a rule splits, lowercases or
// quotes a string, these reproduce the Python str method it uses, because
// Go's counterparts differ at the edges (and an edge is a rule).

// The str methods the rules use (internal/pystr).
var (
	pyIsSpace = pystr.IsSpace
	pyFields  = pystr.Fields
	pyStrip   = pystr.Strip
	pyLower   = pystr.Lower
)

// pyRepr is repr() of a str, which is how the index quotes values in its
// messages: single quotes unless the value has a single quote and no
// double quote, and escapes for what Python does not print.
func pyRepr(s string) string {
	quote := '\''
	if strings.ContainsRune(s, '\'') && !strings.ContainsRune(s, '"') {
		quote = '"'
	}
	var b strings.Builder
	b.WriteRune(quote)
	for _, r := range s {
		switch {
		case r == quote || r == '\\':
			b.WriteRune('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f || r > 0x7f && r <= 0xff && !unicode.IsPrint(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case r > 0xff && !unicode.IsPrint(r) && r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		case r > 0xffff && !unicode.IsPrint(r):
			fmt.Fprintf(&b, `\U%08x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteRune(quote)
	return b.String()
}

// pyList is repr() of a list of str, as Warehouse prints replacement
// classifiers.
func pyList(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = pyRepr(s)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}
