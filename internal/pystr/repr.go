package pystr

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Repr quotes s as Python's repr(str) does. PyPI's messages quote the
// rejected value this way ("'~=3' is invalid for 'requires-python'"), so
// pyupload's messages match them character for character. Bytes that are
// not UTF-8 are written as \xNN.
func Repr(s string) string {
	quote := byte('\'')
	if strings.ContainsRune(s, '\'') && !strings.ContainsRune(s, '"') {
		quote = '"'
	}
	var b strings.Builder
	b.WriteByte(quote)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			escape(&b, `\x`, rune(s[i]), 2)
		case r == '\\' || r == rune(quote):
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case unicode.IsPrint(r):
			b.WriteRune(r)
		case r < 0x100:
			escape(&b, `\x`, r, 2)
		case r < 0x10000:
			escape(&b, `\u`, r, 4)
		default:
			escape(&b, `\U`, r, 8)
		}
		i += size
	}
	b.WriteByte(quote)
	return b.String()
}

// escape writes prefix and r in lowercase hex, zero-padded to width (the
// package avoids fmt, which would bring os into every rule mirror).
func escape(b *strings.Builder, prefix string, r rune, width int) {
	h := strconv.FormatInt(int64(r), 16)
	b.WriteString(prefix)
	b.WriteString(strings.Repeat("0", max(width-len(h), 0)))
	b.WriteString(h)
}
