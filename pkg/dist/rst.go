package dist

import (
	"strconv"
	"strings"

	"github.com/pyupload/pyupload/pkg/rst"
)

// rstRenderErrors says why PyPI's renderer (readme_renderer, which halts
// at docutils' first warning) would refuse a reStructuredText
// description, in the words twine check prints: the first problem only,
// as "line N: Warning: Title underline too short." (docutils' own line
// "<string>: (ERROR/3) ..." when the message has no line). Nil when the
// description renders.
func rstRenderErrors(text string) []string {
	probs := rst.Validate(text)
	if len(probs) == 0 {
		return nil
	}
	pr := probs[0]
	switch {
	case pr.Level < rst.Warning:
		return []string{pr.Message}
	case pr.Line == 0:
		return []string{"<string>: (" + pr.Level.String() + "/" + strconv.Itoa(int(pr.Level)) + ") " + pr.Message}
	}
	return []string{"line " + strconv.Itoa(pr.Line) + ": " + levelWord(pr.Level) + ": " + pr.Message}
}

// levelWord is twine's capitalised level name ("Warning").
func levelWord(l rst.Level) string {
	s := l.String()
	return s[:1] + strings.ToLower(s[1:])
}
