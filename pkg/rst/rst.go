// Package rst validates reStructuredText descriptions the way PyPI renders
// them: docutils 0.19 under readme_renderer's settings, which halt at the
// first system message of level WARNING or above. It is a validator, not a
// renderer: it finds the problems docutils would report and builds no
// document. Where a construct is too rare to model exactly it is accepted,
// because a false error would block a valid release.
package rst

// Level is a docutils system message level.
type Level int

// The levels that make readme_renderer give up (halt_level 2).
const (
	Warning Level = 2
	Error   Level = 3
	Severe  Level = 4
)

func (l Level) String() string {
	switch l {
	case Warning:
		return "WARNING"
	case Error:
		return "ERROR"
	case Severe:
		return "SEVERE"
	}
	return "INFO"
}

// Problem is one system message docutils would report. Line is 1-based
// and 0 when docutils gives none; Message is docutils' own text.
type Problem struct {
	Line    int
	Level   Level
	Message string
}

// Validate reports what docutils, with readme_renderer's settings, would
// report at WARNING or above for text: the first such problem, as docutils
// halts there (a result of at most one problem). An empty result means PyPI
// renders the description. A description that renders to nothing at all
// (only comments or targets, or a lone title) fails too, with readme_
// renderer's own message and level 0.
func Validate(text string) []Problem {
	return newDoc(text).validate(text)
}
