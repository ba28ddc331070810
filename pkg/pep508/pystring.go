package pep508

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// evalStringLiteral is what packaging does with a marker's quoted string:
// ast.literal_eval, so the quoted text must be a valid Python string
// literal. Python then fails with SyntaxError (or ValueError), which
// packaging does not catch: the requirement is refused all the same.
func evalStringLiteral(tok string) (string, error) {
	body := tok[1 : len(tok)-1]
	if strings.IndexByte(body, 0) >= 0 {
		return "", errors.New("source code string cannot contain null bytes")
	}
	var b strings.Builder
	for i := 0; i < len(body); {
		c := body[i]
		switch c {
		case '\n', '\r':
			return "", errors.New("unterminated string literal")
		case '\\':
			n, err := escape(body[i+1:], &b)
			if err != nil {
				return "", err
			}
			i += 1 + n
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String(), nil
}

// simpleEscapes are Python's one-character escapes.
var simpleEscapes = map[byte]string{
	'\\': `\`, '\'': `'`, '"': `"`, 'a': "\a", 'b': "\b", 'f': "\f",
	'n': "\n", 'r': "\r", 't': "\t", 'v': "\v",
}

// escape decodes the escape after a backslash, writes its value and
// returns how many bytes it used.
func escape(s string, b *strings.Builder) (int, error) {
	if s == "" {
		// The backslash escaped the closing quote.
		return 0, errors.New("unterminated string literal")
	}
	c := s[0]
	if v, ok := simpleEscapes[c]; ok {
		b.WriteString(v)
		return 1, nil
	}
	switch {
	case c == '\n':
		return 1, nil // line continuation
	case c == '\r':
		if len(s) > 1 && s[1] == '\n' {
			return 2, nil
		}
		return 1, nil
	case '0' <= c && c <= '7':
		n := 1
		for n < 3 && n < len(s) && '0' <= s[n] && s[n] <= '7' {
			n++
		}
		v, _ := strconv.ParseUint(s[:n], 8, 16) // at most 0o777
		b.WriteRune(rune(v))
		return n, nil
	case c == 'x' || c == 'u' || c == 'U':
		return hexEscape(s, b)
	case c == 'N':
		return namedEscape(s, b)
	}
	// Python keeps an unknown escape as written (with a warning).
	b.WriteByte('\\')
	return 0, nil
}

func hexEscape(s string, b *strings.Builder) (int, error) {
	width := map[byte]int{'x': 2, 'u': 4, 'U': 8}[s[0]]
	if len(s) < 1+width {
		return 0, errors.New("truncated escape")
	}
	v, err := strconv.ParseUint(s[1:1+width], 16, 32)
	if err != nil || strings.ContainsAny(s[1:1+width], "+-") {
		return 0, errors.New("truncated escape")
	}
	if v > utf8.MaxRune {
		return 0, errors.New("illegal Unicode character")
	}
	b.WriteRune(rune(v))
	return 1 + width, nil
}

// namedEscape accepts \N{NAME} when NAME is spelt like a Unicode character
// name. Python also checks that the name exists; pyupload carries no
// Unicode name table, a known difference (see the differential test).
func namedEscape(s string, b *strings.Builder) (int, error) {
	end := strings.IndexByte(s, '}')
	if len(s) < 2 || s[1] != '{' || end < 3 {
		return 0, errors.New("malformed \\N character escape")
	}
	for _, r := range s[2:end] {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == ' ' || r == '-') {
			return 0, errors.New("unknown Unicode character name")
		}
	}
	b.WriteString(`\` + s[:end+1])
	return end + 1, nil
}
