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
	var memo [2]int
	for k := range s {
		if !startOK(s, k) {
			continue
		}
		if kind, end, ok := startAt(s, k, &memo); ok {
			return k, kind, end
		}
	}
	return -1, 0, 0
}

func startAt(s []rune, k int, memo *[2]int) (int, int, bool) {
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
	if end, ok := wholeReference(s, k, memo); ok {
		return kReference, end, true
	}
	if end, ok := footnoteRef(s, k); ok {
		return kFootnote, end, true
	}
	b := k
	if at(k, ':') {
		if e := nameEnd(s, k+1, nil); e > k+1 && at(e, ':') && at(e+1, '`') {
			b = e + 1
		}
	}
	if at(b, '`') && !at(b+1, '`') && nonSpaceAt(b+1) {
		return kBackquote, b + 1, true
	}
	return 0, 0, false
}

// nameEnd is where the longest simplename starting at k ends (k when
// none does). Only the longest matters to docutils' patterns: a shorter
// one is followed by a separator and a word character, which neither a
// reference's "_" and end nor a role's closing ":" can follow. The chain
// memo makes a run of "a-a-a-..." linear: from any segment start inside
// the chain last measured, the chain ends at the same place.
func nameEnd(s []rune, k int, memo *[2]int) int {
	if memo != nil && k > memo[0] && k < memo[1] && !isWord(s[k-1]) {
		return memo[1]
	}
	i := k
	for {
		j := i
		for j < len(s) && isWord(s[j]) {
			j++
		}
		if j == i {
			return max(i-1, k)
		}
		if j+1 < len(s) && strings.ContainsRune("-._+:", s[j]) && isWord(s[j+1]) {
			i = j + 1
			continue
		}
		if memo != nil {
			*memo = [2]int{k, j}
		}
		return j
	}
}

// wholeReference matches "name_" or "name__" followed by an end.
func wholeReference(s []rune, k int, memo *[2]int) (int, bool) {
	e := nameEnd(s, k, memo)
	if e == k {
		return 0, false
	}
	for _, n := range []int{2, 1} {
		if underscores(s, e, n) && endOK(s, e+n) {
			return e + n, true
		}
	}
	return 0, false
}

// underscores: s[e:e+n] is n underscores.
func underscores(s []rune, e, n int) bool {
	if e+n > len(s) {
		return false
	}
	for _, c := range s[e : e+n] {
		if c != '_' {
			return false
		}
	}
	return true
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
		cands = []int{j, nameEnd(s, i, nil)}
	case i < len(s) && s[i] == '#':
		cands = []int{nameEnd(s, i+1, nil), i + 1}
	case i < len(s) && s[i] == '*':
		cands = []int{i + 1}
	default:
		if e := nameEnd(s, i, nil); e > i {
			cands = []int{e}
		}
	}
	for _, j := range cands {
		if j+1 < len(s) && s[j] == ']' && s[j+1] == '_' && endOK(s, j+2) {
			return j + 2, true
		}
	}
	return 0, false
}
