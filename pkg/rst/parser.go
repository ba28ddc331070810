package rst

// parser holds what docutils keeps for one document: the messages so
// far, the section title styles seen (memo.title_styles) and the current
// section depth, and the names the reference transforms check at the end.
type parser struct {
	probs        []Problem
	titleStyles  []string
	sectionLevel int
	names        *registry
	content      bool // something the HTML fragment would show
	sections     [4]int
	titlesHere   bool // match_titles of the body being parsed
	inSidebar    int
	defaultRole  string
	customRoles  map[string]string
	events       []event // the document's and sections' children, in order
	// last is the kind of the construct just parsed at the document or
	// section level: 'E' (element), 'P' (pre-bibliographic: comments,
	// targets, substitution definitions), 'F' (field list), 'S' or 'T'.
	last      byte
	lastLine  int
	lastLevel int // a section's level
	// lastDupTitle: the section's title repeats a known name (see event).
	lastDupTitle bool
	// shortOverline: a short adornment line was read as text, after
	// docutils' INFO "Possible incomplete section title." (short_overline),
	// which stays in the document, before the text, until the transforms
	// have run: a pre-bibliographic element of its own.
	shortOverline bool
	kind          byte        // 'p' paragraph, 'l' paragraph and literal block, 'x' other
	fields        []fieldInfo // a field list's fields, for docinfo
	// smLine is the state machine's current line while a paragraph's
	// inline markup is parsed: docutils reports a duplicate inline target
	// there, having no line of its own for it (0: use the element's).
	smLine int
	// refsOff > 0 while references are parsed but not to be checked.
	refsOff int
	// cellShift is 1 in table cells: docutils numbers their inline
	// messages one line low, but the references it checks later carry
	// their paragraph's true line.
	cellShift int
}

// halt is raised by report: readme_renderer sets halt_level 2, so docutils
// stops at its first WARNING (a SystemMessage exception) and later
// problems are never seen. Stopping too keeps every input linear. Code
// after a report never runs; where it returns, that only satisfies the
// compiler.
type halt struct{}

func (p *parser) report(line int, level Level, msg string) {
	p.probs = append(p.probs, Problem{Line: line, Level: level, Message: msg})
	panic(halt{})
}

func newDoc(string) *parser {
	return &parser{names: newRegistry(), defaultRole: "title-reference", customRoles: map[string]string{}}
}

// Validate's worker: the parse, then the transforms' checks, until the
// first problem.
func (p *parser) validate(text string) (probs []Problem) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(halt); !ok {
				panic(r)
			}
			probs = p.probs
		}
	}()
	lines := splitLines(text)
	for i, l := range lines {
		if len([]rune(l)) > lineLengthLimit {
			p.report(0, Error, "Line "+itoa(i+1)+" exceeds the line-length-limit.")
			return p.probs
		}
	}
	b := block{lines: lines}
	p.parseBody(b, true)
	p.names.check(p)
	p.checkTransitions()
	p.checkDocinfo(b)
	if len(p.probs) == 0 && !p.content {
		p.report(0, 0, "No content rendered from RST source.")
	}
	return p.probs
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
