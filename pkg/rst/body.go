package rst

import (
	"regexp"
	"strings"
)

// The first-line patterns of docutils' Body state, tried in this order.
var (
	bulletRe     = regexp.MustCompile(`^[-+*\x{2022}\x{2023}\x{2043}]( +|$)`)
	enumeratorRe = regexp.MustCompile(`^(?:(\(([0-9]+|[a-z]|[A-Z]|[ivxlcdm]+|[IVXLCDM]+|#)\))|(([0-9]+|[a-z]|[A-Z]|[ivxlcdm]+|[IVXLCDM]+|#)\))|(([0-9]+|[a-z]|[A-Z]|[ivxlcdm]+|[IVXLCDM]+|#)\.))( +|$)`)
	optionRe     = regexp.MustCompile(`^` + optionPat + `(, ` + optionPat + `)*(  +| ?$)`)
	doctestRe    = regexp.MustCompile(`^>>>( +|$)`)
	lineBlockRe  = regexp.MustCompile(`^\|( +|$)`)
	gridTopRe    = regexp.MustCompile(`^\+-[-+]+-\+ *$`)
	simpleTopRe  = regexp.MustCompile(`^=+( +=+)+ *$`)
	explicitRe   = regexp.MustCompile(`^\.\.( +|$)`)
	anonymousRe  = regexp.MustCompile(`^__( +|$)`)
)

const (
	optarg    = `([a-zA-Z][a-zA-Z0-9_-]*|<[^<>]+>)`
	optionPat = `((-|\+)[a-zA-Z0-9]( ?` + optarg + `)?|(--|/)[a-zA-Z0-9][a-zA-Z0-9_-]*([ =]` + optarg + `)?)`
)

// isAdornment is the Body "line" pattern: one repeated 7-bit punctuation
// character, then spaces.
func isAdornment(s string) bool {
	s = strings.TrimRight(s, " ")
	if s == "" || !isPunct7(s[0]) {
		return false
	}
	return strings.Count(s, s[:1]) == len(s)
}

func isPunct7(c byte) bool {
	return c >= '!' && c <= '/' || c >= ':' && c <= '@' || c >= '[' && c <= '`' || c >= '{' && c <= '~'
}

// parseBody runs the Body state over b. titles is docutils' match_titles:
// true only for the document and its sections.
// It returns the shape of what it parsed: how many elements, and whether
// the first is a paragraph (bibliographic fields must be one paragraph).
func (p *parser) parseBody(b block, titles bool) shape {
	savedTitles, savedLast, savedKind, savedFields := p.titlesHere, p.last, p.kind, p.fields
	p.titlesHere = titles
	defer func() { p.titlesHere, p.last, p.kind, p.fields = savedTitles, savedLast, savedKind, savedFields }()
	var sh shape
	for i := 0; i < b.len(); {
		if isBlank(b.lines[i]) {
			i++
			continue
		}
		p.last, p.kind, p.fields, p.shortOverline = 'E', 'x', nil, false
		i = p.bodyLine(b, i, titles)
		if titles && p.shortOverline {
			p.events = append(p.events, event{kind: 'P'})
		}
		if sh.n == 0 {
			sh.firstPara = p.kind == 'p' || p.kind == 'l'
			sh.firstBullet = p.kind == 'b'
		}
		sh.n++
		if p.kind == 'l' {
			sh.n++ // the literal block after "::"
		}
		if titles {
			p.events = append(p.events, event{p.last, p.lastLine, p.lastLevel, p.fields, p.lastDupTitle})
		}
	}
	return sh
}

// shape is what docinfo needs to know of a field body.
type shape struct {
	n           int
	firstPara   bool
	firstBullet bool
}

// bodyLine handles the construct starting at line i and returns the
// index of the next line to examine.
func (p *parser) bodyLine(b block, i int, titles bool) int {
	l := b.lines[i]
	switch {
	case isBlank(l):
		return i + 1
	case l[0] == ' ':
		return p.blockQuote(b, i)
	case bulletRe.MatchString(l):
		return p.bulletList(b, i)
	}
	if m := matchEnumerator(l); m != nil {
		if next, ok := p.enumList(b, i, m); ok {
			return next
		}
		return p.text(b, i, titles)
	}
	if _, end, ok := fieldMarker(l); ok {
		return p.fieldList(b, i, end)
	}
	if m := matchOption(l); m != nil {
		if next, ok := p.optionList(b, i, m[1]); ok {
			return next
		}
		return p.text(b, i, titles)
	}
	return p.bodyLineRest(b, i, titles)
}

func (p *parser) bodyLineRest(b block, i int, titles bool) int {
	l := b.lines[i]
	switch {
	case doctestRe.MatchString(l):
		p.content = true
		_, end := b.textBlock(i)
		return end
	case lineBlockRe.MatchString(l):
		return p.lineBlock(b, i)
	case gridTopRe.MatchString(l):
		return p.gridTable(b, i)
	case simpleTopRe.MatchString(l):
		return p.simpleTable(b, i)
	case explicitRe.MatchString(l):
		return p.explicitList(b, i, false)
	case anonymousRe.MatchString(l):
		return p.explicitList(b, i, true)
	case isAdornment(l):
		if next, ok := p.lineState(b, i, titles); ok {
			return next
		}
	}
	return p.text(b, i, titles)
}

// matchEnumerator runs enumeratorRe only on lines that can match it: a
// cheap look at the first characters keeps prose lines fast.
func matchEnumerator(l string) []int {
	i := 0
	if i < len(l) && l[i] == '(' {
		i++
	}
	j := i
	for j < len(l) && (isASCIIAlnumByte(l[j]) || l[j] == '#') {
		j++
	}
	if j == i || j >= len(l) || l[j] != ')' && l[j] != '.' {
		return nil
	}
	return enumeratorRe.FindStringSubmatchIndex(l)
}

func isASCIIAlnumByte(c byte) bool { return isASCIIAlnum(rune(c)) }

// matchOption runs optionRe only on lines starting like an option.
func matchOption(l string) []int {
	if l == "" || l[0] != '-' && l[0] != '+' && l[0] != '/' {
		return nil
	}
	return optionRe.FindStringIndex(l)
}

// textBlock is get_text_block without flush_left: lines up to a blank.
func (b block) textBlock(i int) ([]string, int) {
	end := i
	for end < b.len() && !isBlank(b.lines[end]) {
		end++
	}
	return b.lines[i:end], end
}

// fieldMarker matches docutils' field_marker pattern and returns the
// field name and where the marker (with its trailing spaces) ends.
func fieldMarker(s string) (string, int, bool) {
	if len(s) < 2 || s[0] != ':' || s[1] == ':' || s[1] == ' ' {
		return "", 0, false
	}
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 >= len(s) {
				return "", 0, false
			}
			i++
		case ':':
			if i+1 == len(s) || s[i+1] == ' ' {
				if s[i-1] == ' ' {
					return "", 0, false
				}
				end := i + 1
				for end < len(s) && s[end] == ' ' {
					end++
				}
				return s[1:i], end, true
			}
			if s[i+1] == '`' {
				return "", 0, false
			}
		}
	}
	return "", 0, false
}
