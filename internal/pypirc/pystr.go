package pypirc

import "github.com/pyupload/pyupload/internal/pystr"

// Python's str methods, as configparser and twine use them on a .pypirc
// (internal/pystr).
var (
	isSpace = pystr.IsSpace
	strip   = pystr.Strip
	rstrip  = pystr.RStrip
	fields  = pystr.Fields
	lower   = pystr.Lower // configparser's optionxform
)

// indent is the position, in characters, of the first character of line
// that is not a space (configparser's NONSPACECRE), or 0 for a blank line.
func indent(line string) int {
	n := 0
	for _, r := range line {
		if !isSpace(r) {
			return n
		}
		n++
	}
	return 0
}
