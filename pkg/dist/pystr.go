package dist

import (
	"github.com/pyupload/pyupload/internal/pystr"
	"strings"
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
	pyRepr    = pystr.Repr // how the index quotes values in its messages
)

// pyList is repr() of a list of str, as Warehouse prints replacement
// classifiers.
func pyList(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = pyRepr(s)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}
