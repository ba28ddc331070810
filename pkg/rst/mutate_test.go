package rst_test

import (
	"hash/fnv"
	"regexp"
	"strings"
)

// mutant is a real description with one typical mistake made in it.
type mutant struct {
	category string
	source   string
	text     string
}

// mutation makes one kind of mistake at one of the places it applies;
// sites lists the candidate line (or byte) positions, apply makes it.
type mutation struct {
	category string
	sites    func(lines []string) []int
	apply    func(lines []string, at int) []string
}

var (
	targetLine    = regexp.MustCompile(`^\s*\.\. _([^:]+):`)
	directiveLine = regexp.MustCompile(`^(\s*\.\. )([A-Za-z][\w-]*)::`)
	tableLine     = regexp.MustCompile(`^\s*(\+[-=+]+\+|\|.*\|)\s*$|^\s*=+( +=+)+\s*$`)
)

var mutations = []mutation{
	{"underline-short", func(ls []string) []int {
		return linesWhere(ls, func(i int) bool {
			return i > 0 && isAdornmentLine(ls[i]) && strings.TrimSpace(ls[i-1]) != "" && !isAdornmentLine(ls[i-1])
		})
	}, func(ls []string, i int) []string {
		s := strings.TrimRight(ls[i], " \t")
		ls[i] = s[:len(s)-1]
		return ls
	}},
	{"indent-added", func(ls []string) []int {
		return linesWhere(ls, func(i int) bool {
			return i > 0 && isProse(ls[i]) && isProse(ls[i-1])
		})
	}, func(ls []string, i int) []string { ls[i] = "  " + ls[i]; return ls }},
	{"indent-removed", func(ls []string) []int {
		return linesWhere(ls, func(i int) bool {
			return i > 0 && strings.HasPrefix(ls[i], "  ") && strings.TrimSpace(ls[i-1]) != "" && strings.HasPrefix(ls[i-1], "  ")
		})
	}, func(ls []string, i int) []string { ls[i] = ls[i][1:]; return ls }},
	{"backquote-removed", charSites('`'), removeChar('`')},
	{"asterisk-removed", charSites('*'), removeChar('*')},
	{"table-broken", func(ls []string) []int {
		return linesWhere(ls, func(i int) bool { return tableLine.MatchString(ls[i]) && len(strings.TrimSpace(ls[i])) > 4 })
	}, func(ls []string, i int) []string {
		s := strings.TrimRight(ls[i], " ")
		ls[i] = s[:len(s)/2] + s[len(s)/2+1:]
		return ls
	}},
	{"target-renamed", func(ls []string) []int {
		return linesWhere(ls, func(i int) bool { return targetLine.MatchString(ls[i]) })
	}, func(ls []string, i int) []string {
		m := targetLine.FindStringSubmatchIndex(ls[i])
		ls[i] = ls[i][:m[3]] + "-renamed" + ls[i][m[3]:]
		return ls
	}},
	{"directive-misspelled", func(ls []string) []int {
		return linesWhere(ls, func(i int) bool { return directiveLine.MatchString(ls[i]) })
	}, func(ls []string, i int) []string {
		ls[i] = directiveLine.ReplaceAllString(ls[i], "${1}${2}x::")
		return ls
	}},
}

// isAdornmentLine: four or more of one punctuation character.
func isAdornmentLine(s string) bool {
	s = strings.TrimRight(s, " \t")
	if len(s) < 4 || !strings.ContainsRune("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", rune(s[0])) {
		return false
	}
	return strings.Count(s, s[:1]) == len(s)
}

// isProse is a plain flush-left text line, not markup.
func isProse(s string) bool {
	if s == "" || s[0] == ' ' || s[0] == '\t' || isAdornmentLine(s) {
		return false
	}
	return !strings.ContainsAny(s[:1], "*-+|.:=#0123456789(>")
}

func linesWhere(ls []string, ok func(int) bool) []int {
	var out []int
	for i := range ls {
		if ok(i) {
			out = append(out, i)
		}
	}
	return out
}

// charSites lists lines holding c; the occurrence removed is the first.
func charSites(c byte) func([]string) []int {
	return func(ls []string) []int {
		return linesWhere(ls, func(i int) bool { return strings.IndexByte(ls[i], c) >= 0 })
	}
}

func removeChar(c byte) func([]string, int) []string {
	return func(ls []string, i int) []string {
		j := strings.IndexByte(ls[i], c)
		ls[i] = ls[i][:j] + ls[i][j+1:]
		return ls
	}
}

// mutants makes, for each text and each mutation that applies to it, one
// mutant at a site chosen by a hash of the text: stable across runs, and
// spread over the document rather than always the first place.
func mutants(texts []describedText) []mutant {
	var out []mutant
	for _, d := range texts {
		lines := strings.Split(d.text, "\n")
		for _, m := range mutations {
			sites := m.sites(lines)
			if len(sites) == 0 {
				continue
			}
			h := fnv.New32a()
			h.Write([]byte(m.category + d.text))
			at := sites[int(h.Sum32()%uint32(len(sites)))]
			mutated := m.apply(append([]string(nil), lines...), at)
			out = append(out, mutant{m.category, d.source, strings.Join(mutated, "\n")})
		}
	}
	return out
}
