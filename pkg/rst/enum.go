package rst

import (
	"regexp"
	"strconv"
	"strings"
)

// enumerator is a parsed enumerated-list marker.
type enumerator struct {
	format   int // 0 "(1)", 1 "1)", 2 "1."
	sequence string
	ordinal  int // -1 for an invalid Roman numeral (None); "0" is 0
}

var (
	enumPrefix = []string{"(", "", ""}
	enumSuffix = []string{")", ")", "."}
	sequences  = []string{"arabic", "loweralpha", "upperalpha", "lowerroman", "upperroman"}
	seqRe      = map[string]*regexp.Regexp{
		"arabic": regexp.MustCompile(`^[0-9]+$`), "loweralpha": regexp.MustCompile(`^[a-z]$`),
		"upperalpha": regexp.MustCompile(`^[A-Z]$`), "lowerroman": regexp.MustCompile(`^[ivxlcdm]+$`),
		"upperroman": regexp.MustCompile(`^[IVXLCDM]+$`),
	}
	romanRe = regexp.MustCompile(`^M{0,4}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$`)
)

// parseEnumerator is Body.parse_enumerator on a match of enumeratorRe.
func parseEnumerator(l string, m []int, expected string) enumerator {
	var e enumerator
	var text string
	for f := range 3 {
		if m[2+4*f] >= 0 {
			e.format = f
			text = l[m[4+4*f]:m[5+4*f]]
			break
		}
	}
	switch {
	case text == "#":
		e.sequence = "#"
	case expected != "":
		if seqRe[expected].MatchString(text) {
			e.sequence = expected
		}
	case text == "i":
		e.sequence = "lowerroman"
	case text == "I":
		e.sequence = "upperroman"
	}
	if e.sequence == "" {
		for _, s := range sequences {
			if seqRe[s].MatchString(text) {
				e.sequence = s
				break
			}
		}
	}
	e.ordinal = ordinal(e.sequence, text)
	return e
}

func ordinal(seq, text string) int {
	switch seq {
	case "#":
		return 1
	case "arabic":
		n, err := strconv.Atoi(text)
		if err != nil {
			return 1 << 30 // too long for int: never a sequence docutils continues
		}
		return n
	case "loweralpha":
		return int(text[0]-'a') + 1
	case "upperalpha":
		return int(text[0]-'A') + 1
	}
	return fromRoman(strings.ToUpper(text))
}

func fromRoman(s string) int {
	if s == "" || !romanRe.MatchString(s) {
		return -1
	}
	val := map[byte]int{'I': 1, 'V': 5, 'X': 10, 'L': 50, 'C': 100, 'D': 500, 'M': 1000}
	n := 0
	for i := 0; i < len(s); i++ {
		v := val[s[i]]
		if i+1 < len(s) && val[s[i+1]] > v {
			n -= v
		} else {
			n += v
		}
	}
	return n
}

func toRoman(n int) string {
	if n <= 0 || n >= 5000 {
		return ""
	}
	vals := []int{1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1}
	syms := []string{"M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"}
	var b strings.Builder
	for k, v := range vals {
		for n >= v {
			b.WriteString(syms[k])
			n -= v
		}
	}
	return b.String()
}

// isItem is is_enumerated_list_item: a valid ordinal, and a next line
// that is blank, indented, or the next (or an auto) enumerator.
func isItem(b block, i int, e enumerator) bool {
	if e.ordinal < 0 {
		return false
	}
	if i+1 >= b.len() {
		return true
	}
	next := b.lines[i+1]
	if next == "" || next[0] == ' ' {
		return true
	}
	enum := ""
	switch {
	case e.sequence == "#":
		enum = "#"
	case e.sequence == "arabic":
		enum = strconv.Itoa(e.ordinal + 1)
	case strings.HasSuffix(e.sequence, "alpha"):
		if e.ordinal+1 > 26 {
			return false
		}
		enum = "abcdefghijklmnopqrstuvwxyz"[e.ordinal : e.ordinal+1]
	default:
		if enum = toRoman(e.ordinal + 1); enum == "" {
			return false
		}
	}
	if strings.HasPrefix(e.sequence, "upper") {
		enum = strings.ToUpper(enum)
	} else {
		enum = strings.ToLower(enum)
	}
	pre, suf := enumPrefix[e.format], enumSuffix[e.format]
	return strings.HasPrefix(next, pre+enum+suf+" ") || strings.HasPrefix(next, pre+"#"+suf+" ")
}

// enumList is Body.enumerator and the EnumeratedList state. ok is false
// when the first line is not a list item after all (then it is text).
func (p *parser) enumList(b block, i int, m []int) (int, bool) {
	e := parseEnumerator(b.lines[i], m, "")
	if !isItem(b, i, e) {
		return 0, false
	}
	p.content = true
	enumtype := e.sequence
	if enumtype == "#" {
		enumtype = "arabic"
	}
	auto, last, format := e.sequence == "#", e.ordinal, e.format
	for {
		end, blankFinish := p.listItem(b, i, m[1])
		next := endList(b, end)
		if next < b.len() {
			if m2 := matchEnumerator(b.lines[next]); m2 != nil {
				e2 := parseEnumerator(b.lines[next], m2, enumtype)
				if e2.format == format && (e2.sequence == "#" || e2.sequence == enumtype && !auto && e2.ordinal == last+1) && isItem(b, next, e2) {
					if e2.sequence == "#" {
						auto = true
					}
					i, m, last = next, m2, e2.ordinal
					continue
				}
			}
		}
		if !blankFinish {
			p.report(b.lineNo(end), Warning, "Enumerated list ends without a blank line; unexpected unindent.")
		}
		return end, true
	}
}
