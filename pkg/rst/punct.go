package rst

import "unicode"

// runeSet builds a membership table for the generated punctuation classes.
func runeSet(rs ...rune) map[rune]bool {
	m := make(map[rune]bool, len(rs))
	for _, r := range rs {
		m[r] = true
	}
	return m
}

// isSpace is Python's \s for str patterns.
func isSpace(r rune) bool { return isPySpace(r) }

// isWord is Python's \w less the underscore: letters and numbers.
func isWord(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }

// startOK is the start_string_prefix: the start of the text, whitespace,
// or an opening or delimiting punctuation character before the markup.
func startOK(s []rune, k int) bool {
	if k == 0 {
		return true
	}
	c := s[k-1]
	return isSpace(c) || openers[c] || delimiters[c]
}

// endOK is the end_string_suffix: the end of the text, whitespace, an
// escape, or closing or delimiting punctuation after the markup.
func endOK(s []rune, k int) bool {
	if k >= len(s) {
		return true
	}
	c := s[k]
	return isSpace(c) || c == 0 || closingDelimiters[c] || delimiters[c] || closers[c]
}

// quoted is quoted_start: a start-string between a matching pair of
// punctuation characters ('*' in "(*)") is not markup.
func quoted(s []rune, start, end int) bool {
	if start == 0 {
		return false
	}
	if end >= len(s) {
		return true
	}
	return quotePairs[[2]rune{s[start-1], s[end]}]
}

// escape2null marks each backslash-escaped character with a NUL before
// it, as docutils does before looking for inline markup.
func escape2null(s string) []rune {
	var out []rune
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		if rs[i] == '\\' {
			out = append(out, 0)
			if i+1 < len(rs) {
				out = append(out, rs[i+1])
				i++
			}
			continue
		}
		out = append(out, rs[i])
	}
	return out
}

// unescape drops the NUL markers (and what docutils drops with them: an
// escaped space or newline disappears).
func unescape(s []rune) string {
	var out []rune
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			if i+1 < len(s) && (s[i+1] == ' ' || s[i+1] == '\n') {
				i++
			}
			continue
		}
		out = append(out, s[i])
	}
	return string(out)
}
