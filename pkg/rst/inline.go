package rst

import (
	"strings"
)

// inline checks a text element's inline markup, as docutils' Inliner
// parses it, and notes the references and targets it holds. line is
// where docutils reports its messages: the element's first line.
func (p *parser) inline(text string, line int) {
	s := escape2null(text)
	for len(s) > 0 {
		k, kind, end := findStart(s)
		if k < 0 {
			return
		}
		s = p.inlineConstruct(s, k, kind, end, line)
	}
}

// The kinds of start the initial pattern finds.
const (
	kStrong = iota
	kEmphasis
	kLiteral
	kTarget
	kSubst
	kReference // refname_ or refname__
	kFootnote
	kBackquote
)

// findStart is the search of docutils' "initial" pattern: the first
// position where inline markup may start, what it is and where its
// start-string (or whole construct) ends.
func findStart(s []rune) (int, int, int) {
	for k := range s {
		if !startOK(s, k) {
			continue
		}
		if kind, end, ok := startAt(s, k); ok {
			return k, kind, end
		}
	}
	return -1, 0, 0
}

func startAt(s []rune, k int) (int, int, bool) {
	nonSpaceAt := func(i int) bool { return i < len(s) && !isSpace(s[i]) }
	at := func(i int, c rune) bool { return i < len(s) && s[i] == c }
	switch {
	case at(k, '*') && at(k+1, '*') && nonSpaceAt(k+2):
		return kStrong, k + 2, true
	case at(k, '*') && !at(k+1, '*') && nonSpaceAt(k+1):
		return kEmphasis, k + 1, true
	case at(k, '`') && at(k+1, '`') && nonSpaceAt(k+2):
		return kLiteral, k + 2, true
	case at(k, '_') && at(k+1, '`') && nonSpaceAt(k+2):
		return kTarget, k + 2, true
	case at(k, '|') && !at(k+1, '|') && nonSpaceAt(k+1):
		return kSubst, k + 1, true
	}
	if end, ok := wholeReference(s, k); ok {
		return kReference, end, true
	}
	if end, ok := footnoteRef(s, k); ok {
		return kFootnote, end, true
	}
	b := k
	if at(k, ':') {
		if e := simplenameEnd(s, k+1); len(e) > 0 && at(e[0], ':') && at(e[0]+1, '`') {
			b = e[0] + 1
		}
	}
	if at(b, '`') && !at(b+1, '`') && nonSpaceAt(b+1) {
		return kBackquote, b + 1, true
	}
	return 0, 0, false
}

// simplenameEnd lists where a simplename starting at k may end, longest
// first (the order a backtracking regular expression tries them).
func simplenameEnd(s []rune, k int) []int {
	var ends []int
	i := k
	for {
		j := i
		for j < len(s) && isWord(s[j]) {
			j++
		}
		if j == i {
			break
		}
		ends = append(ends, j)
		if j+1 < len(s) && strings.ContainsRune("-._+:", s[j]) && isWord(s[j+1]) {
			i = j + 1
			continue
		}
		break
	}
	for a, b := 0, len(ends)-1; a < b; a, b = a+1, b-1 {
		ends[a], ends[b] = ends[b], ends[a]
	}
	return ends
}

// wholeReference matches "name_" or "name__" followed by an end.
func wholeReference(s []rune, k int) (int, bool) {
	for _, e := range simplenameEnd(s, k) {
		for _, n := range []int{2, 1} {
			if e+n <= len(s) && strings.Count(string(s[e:e+n]), "_") == n && endOK(s, e+n) {
				return e + n, true
			}
		}
	}
	return 0, false
}

// footnoteRef matches "[label]_" followed by an end.
func footnoteRef(s []rune, k int) (int, bool) {
	if s[k] != '[' {
		return 0, false
	}
	var cands []int
	i := k + 1
	switch {
	case i < len(s) && s[i] >= '0' && s[i] <= '9':
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		cands = append(cands, j)
		cands = append(cands, simplenameEnd(s, i)...)
	case i < len(s) && s[i] == '#':
		cands = append(simplenameEnd(s, i+1), i+1)
	case i < len(s) && s[i] == '*':
		cands = []int{i + 1}
	default:
		cands = simplenameEnd(s, i)
	}
	for _, j := range cands {
		if j+1 < len(s) && s[j] == ']' && s[j+1] == '_' && endOK(s, j+2) {
			return j + 2, true
		}
	}
	return 0, false
}
