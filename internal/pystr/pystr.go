// Package pystr reproduces the Python str methods that the rules pyupload
// mirrors are written with (configparser's, packaging's, Warehouse's,
// docutils'): strip, split and lower follow Python 3.11's Unicode 14.0
// data, which differs from Go's unicode package (Unicode 15.0) in the few
// places handled here, and Python's full lowercase mapping where it
// differs from Go's simple one. internal/pypirc's TestUnicodeMatchesPython
// checks every code point against tables written by Python itself.
package pystr

import (
	"strings"
	"unicode"
)

// IsSpace is Python's str.isspace for one character: Go's unicode.IsSpace
// plus the information separators U+001C to U+001F.
func IsSpace(r rune) bool {
	return unicode.IsSpace(r) || r >= 0x1c && r <= 0x1f
}

// Strip is Python's str.strip().
func Strip(s string) string { return strings.TrimFunc(s, IsSpace) }

// RStrip is Python's str.rstrip().
func RStrip(s string) string { return strings.TrimRightFunc(s, IsSpace) }

// Fields is Python's str.split() without arguments.
func Fields(s string) []string { return strings.FieldsFunc(s, IsSpace) }

// Lower is Python's str.lower(): the simple
// lowercase mapping, except U+0130 (İ), which lowers to "i̇", and Σ, which
// lowers to ς at the end of a word (Unicode's Final_Sigma context).
func Lower(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		switch {
		case r == 'İ':
			b.WriteString("i\u0307")
		case r == 'Σ' && finalSigma(rs, i):
			b.WriteRune('ς')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// finalSigma reports whether the Σ at rs[i] ends a word: a cased letter
// comes before it and none after it, skipping case-ignorable characters
// (CPython's handle_capital_sigma).
func finalSigma(rs []rune, i int) bool {
	j := i - 1
	for j >= 0 && CaseIgnorable(rs[j]) {
		j--
	}
	if j < 0 || !Cased(rs[j]) {
		return false
	}
	j = i + 1
	for j < len(rs) && CaseIgnorable(rs[j]) {
		j++
	}
	return j == len(rs) || !Cased(rs[j])
}

// Cased is Unicode's Cased property (Lowercase, Uppercase or Lt).
func Cased(r rune) bool {
	if unicode.Is(newInUnicode15, r) {
		return false
	}
	return unicode.IsLower(r) || unicode.IsUpper(r) || unicode.IsTitle(r) ||
		unicode.Is(unicode.Other_Lowercase, r) || unicode.Is(unicode.Other_Uppercase, r)
}

// CaseIgnorable is Unicode's Case_Ignorable property: marks, format
// characters, modifiers, and the word-breaking punctuation below.
func CaseIgnorable(r rune) bool {
	if unicode.Is(newInUnicode15, r) {
		return false
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk) || unicode.Is(midWord, r)
}

// midWord are the characters of Word_Break MidLetter, MidNumLet and
// Single_Quote, which are case-ignorable.
var midWord = &unicode.RangeTable{R16: []unicode.Range16{
	{Lo: 0x0027, Hi: 0x0027, Stride: 1},
	{Lo: 0x002e, Hi: 0x002e, Stride: 1},
	{Lo: 0x003a, Hi: 0x003a, Stride: 1},
	{Lo: 0x00b7, Hi: 0x00b7, Stride: 1},
	{Lo: 0x0387, Hi: 0x0387, Stride: 1},
	{Lo: 0x055f, Hi: 0x055f, Stride: 1},
	{Lo: 0x05f4, Hi: 0x05f4, Stride: 1},
	{Lo: 0x2018, Hi: 0x2019, Stride: 1},
	{Lo: 0x2024, Hi: 0x2024, Stride: 1},
	{Lo: 0x2027, Hi: 0x2027, Stride: 1},
	{Lo: 0xfe13, Hi: 0xfe13, Stride: 1},
	{Lo: 0xfe52, Hi: 0xfe52, Stride: 1},
	{Lo: 0xfe55, Hi: 0xfe55, Stride: 1},
	{Lo: 0xff07, Hi: 0xff07, Stride: 1},
	{Lo: 0xff0e, Hi: 0xff0e, Stride: 1},
	{Lo: 0xff1a, Hi: 0xff1a, Stride: 1},
}}

// newInUnicode15 are the characters Go's unicode package (Unicode 15.0)
// calls cased or case-ignorable and Python 3.11 (Unicode 14.0) does not
// know yet: Python treats them as neither.
var newInUnicode15 = &unicode.RangeTable{
	R16: []unicode.Range16{
		{Lo: 0x0ece, Hi: 0x0ece, Stride: 1},
	},
	R32: []unicode.Range32{
		{Lo: 0x10efd, Hi: 0x10eff, Stride: 1},
		{Lo: 0x11241, Hi: 0x11241, Stride: 1},
		{Lo: 0x11f00, Hi: 0x11f01, Stride: 1},
		{Lo: 0x11f36, Hi: 0x11f3a, Stride: 1},
		{Lo: 0x11f40, Hi: 0x11f40, Stride: 1},
		{Lo: 0x11f42, Hi: 0x11f42, Stride: 1},
		{Lo: 0x13439, Hi: 0x13440, Stride: 1},
		{Lo: 0x13447, Hi: 0x13455, Stride: 1},
		{Lo: 0x1df25, Hi: 0x1df2a, Stride: 1},
		{Lo: 0x1e030, Hi: 0x1e06d, Stride: 1},
		{Lo: 0x1e08f, Hi: 0x1e08f, Stride: 1},
		{Lo: 0x1e4eb, Hi: 0x1e4ef, Stride: 1},
	},
}
