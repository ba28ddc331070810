package pep508

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// SyntaxError is packaging's ParserSyntaxError: what was expected, and
// where. Message is packaging's own text ("Expected end or semicolon ...").
type SyntaxError struct {
	Message string
	Source  string
	// Start and End are byte offsets of the span packaging underlines; the
	// error itself is at End.
	Start, End int
}

// Error names the character (1-based, counted in characters as Python
// does) where reading stopped.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s, at character %d", e.Message, chars(e.Source, e.End)+1)
}

// Detail is packaging's three-line rendering, the text PyPI shows for an
// invalid Provides-Dist or Obsoletes-Dist: the message, the source, and a
// "~~~^" line under the span.
func (e *SyntaxError) Detail() string {
	start, end := chars(e.Source, e.Start), chars(e.Source, e.End)
	marker := strings.Repeat(" ", start) + strings.Repeat("~", max(0, end-start)) + "^"
	return e.Message + "\n    " + e.Source + "\n    " + marker
}

func chars(s string, byteOffset int) int {
	return utf8.RuneCountInString(s[:min(byteOffset, len(s))])
}

func (p *scanner) fail(msg string, start int) error {
	return &SyntaxError{Message: msg, Source: p.src, Start: start, End: p.pos}
}
