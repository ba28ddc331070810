package rst

import (
	"github.com/pyupload/pyupload/internal/pystr"
	"strings"
	"unicode"
)

// registry is what the document notes while it is parsed and the
// reference transforms check at the end: targets by name, references,
// substitutions, footnotes and anonymous links.
type registry struct {
	targets     map[string]*target
	titles      map[string]bool // section titles, loosely (see loose)
	refs        []use
	substDefs   map[string]bool // lower-cased, as substitution_names
	substExact  map[string]bool
	substRefs   []use
	indirect    []use // targets that point at another name
	fnRefs      []use // [1]_ and [#label]_ (they resolve by name)
	autoFns     int   // [#] footnotes without a label
	autoFnRefs  []use // [#]_ (name "") and [#label]_, in order
	symbolFns   int
	symbolRefs  []int
	anonRefs    int
	anonTargets int
}

// target is one name: explicit (targets, footnotes, citations, embedded
// URIs) or implicit (section titles); dup when it cannot be referenced.
type target struct {
	explicit bool
	uri      string
	dup      bool
}

type use struct {
	name, to string
	line     int
	naming   string // how an indirect target's error names it
}

func newRegistry() *registry {
	return &registry{targets: map[string]*target{}, titles: map[string]bool{}, substDefs: map[string]bool{}, substExact: map[string]bool{}}
}

// normalizeName is docutils' normalize_name: whitespace collapsed, lower case.
func normalizeName(s string) string {
	return pystr.Lower(strings.Join(strings.FieldsFunc(s, isPySpace), " "))
}

// explicit notes an explicit target; a second one with the same name is
// a warning unless both point at the same URI.
func (r *registry) explicit(name, uri string, line int) (dupLine int) {
	old, ok := r.targets[name]
	if !ok {
		r.targets[name] = &target{explicit: true, uri: uri}
		return 0
	}
	if !old.explicit {
		old.explicit, old.uri, old.dup = true, uri, false
		return 0
	}
	if uri != "" && old.uri == uri && !old.dup {
		return 0
	}
	old.dup = true
	return line
}

// implicit notes a section title's name; two sections with the same
// title leave it ambiguous.
func (r *registry) implicit(name, raw string) {
	if strings.ContainsAny(raw, "*`|_\\:<>[") {
		r.titles[loose(raw)] = true // inline markup: its text is not the raw title
	}
	old, ok := r.targets[name]
	if !ok {
		r.targets[name] = &target{}
		return
	}
	if !old.explicit {
		old.dup = true
	}
}

// loose keeps only letters and digits: a reference that matches a section
// title with inline markup this way is never called unknown, because the
// title's text after inline markup is only approximated here.
func loose(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}

func (r *registry) ref(name string, line int) { r.refs = append(r.refs, use{name: name, line: line}) }

// refCounts are the registry's counts of references, to undo notes made
// where references are not checked.
type refCounts struct{ refs, subst, auto, symbol, anon int }

func (r *registry) snapshot() refCounts {
	return refCounts{len(r.refs), len(r.substRefs), len(r.autoFnRefs), len(r.symbolRefs), r.anonRefs}
}

func (p *parser) restoreRefs(c refCounts) {
	r := p.names
	r.refs, r.substRefs, r.autoFnRefs, r.symbolRefs, r.anonRefs = r.refs[:c.refs], r.substRefs[:c.subst], r.autoFnRefs[:c.auto], r.symbolRefs[:c.symbol], c.anon
}

// noteRefs says whether references now parsed are checked.
func (p *parser) noteRefs() bool { return p.refsOff == 0 }

func (r *registry) substRef(name string, line int) {
	r.substRefs = append(r.substRefs, use{name: strings.Join(strings.FieldsFunc(name, isPySpace), " "), line: line})
}

func (r *registry) footnoteRef(label string, line int) {
	switch {
	case strings.HasPrefix(label, "#"):
		r.autoFnRefs = append(r.autoFnRefs, use{name: label[1:], line: line})
	case label == "*":
		r.symbolRefs = append(r.symbolRefs, line)
	default:
		r.refs = append(r.refs, use{name: label, line: line})
	}
}
