package dist

import "unicode"

// Import-Name and Import-Namespace are checked with str.isidentifier,
// which is Unicode's XID_Start/XID_Continue (plus '_' first). Go has the
// properties XID is derived from, so it is built here from them; a test
// compares every code point with Python's answer.

// notXID are the ID characters that NFKC normalization would change into
// non-identifier text, which XID leaves out (UAX #31); the first eight
// are left out of XID_Start only.
var notXIDStart = set("\u0e33", "\u0eb3", "\uff9e", "\uff9f")

var notXID = map[rune]bool{
	0x037A: true, 0x309B: true, 0x309C: true, 0xFDFA: true, 0xFDFB: true,
	0xFC5E: true, 0xFC5F: true, 0xFC60: true, 0xFC61: true, 0xFC62: true, 0xFC63: true,
	0xFE70: true, 0xFE72: true, 0xFE74: true, 0xFE76: true, 0xFE78: true, 0xFE7A: true, 0xFE7C: true, 0xFE7E: true,
}

func isIDStart(r rune) bool {
	if unicode.In(r, unicode.Pattern_Syntax, unicode.Pattern_White_Space) || notXID[r] || notXIDStart[string(r)] {
		return false
	}
	return unicode.In(r, unicode.L, unicode.Nl, unicode.Other_ID_Start)
}

func isIDContinue(r rune) bool {
	if unicode.In(r, unicode.Pattern_Syntax, unicode.Pattern_White_Space) || notXID[r] {
		return false
	}
	return notXIDStart[string(r)] || unicode.In(r, unicode.L, unicode.Nl, unicode.Other_ID_Start,
		unicode.Mn, unicode.Mc, unicode.Nd, unicode.Pc, unicode.Other_ID_Continue)
}

// pyIsIdentifier is str.isidentifier.
func pyIsIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if i == 0 && !(r == '_' || isIDStart(r)) || i > 0 && !isIDContinue(r) {
			return false
		}
	}
	return true
}
