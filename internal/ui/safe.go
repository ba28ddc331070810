package ui

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Text from outside pyupload reaches the printer inside errors and values:
// the index's error messages (JSON message, text/plain and HTML bodies,
// mint error descriptions), read-API answers, distribution metadata and
// file names, identity-token claims. The printer does not trust its
// callers to say which text that is: every string it writes to a terminal
// or a CI log goes through [neutralize] (and, for messages, [clip]), and
// JSON through [safeJSON]. Only the printer's own structure (its newlines,
// the workflow commands of ci.go, the progress bar's escape sequences)
// bypasses them (CONTRIBUTING.md C21).

// maxText bounds one message (an error, a hint, a note, a log line); the
// rest is cut with a note saying how much.
const maxText = 8 << 10

// neutralize makes s safe to show on a terminal and in a CI log, keeping
// its newlines (each line is made safe on its own; CRLF counts as one):
//
//   - control characters (C0 except newline and tab, DEL, C1: among them
//     ESC and CSI, which start ANSI and OSC sequences, and \r, which
//     GitHub's runner reads as a line break), format characters (Cf: the
//     bidi overrides and isolates such as U+202E, zero-width characters,
//     the BOM), U+2028 and U+2029, other default-ignorable code points and
//     variation selectors, and bytes that are not UTF-8 are shown escaped,
//     Go-style: \r, \x1b, \u202e, \xff;
//   - a line that would start a GitHub Actions workflow command ("::"
//     after leading whitespace, which the runner skips) gets a backslash
//     before the "::";
//   - "##[" anywhere in a line (the runner's legacy command prefix, which
//     it looks for anywhere) becomes "##\[";
//   - GitLab's section markers "section_start:" and "section_end:" become
//     "section_start\:" and "section_end\:" (their ESC is escaped anyway).
//
// Escaped characters are the ones the runner's culture-aware comparisons
// may ignore, so nothing hidden can join "#", ":" or "[" into a command.
// neutralize is idempotent.
func neutralize(s string) string {
	if plain(s) {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n") // a CRLF body's line ends are line ends
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unsafeRune(r):
			b.WriteString(escapeRune(r))
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		lines[i] = defuseLine(l)
	}
	return strings.Join(lines, "\n")
}

// plain reports text that neutralize leaves as it is: printable ASCII,
// newlines and tabs, and none of the command markers.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || c < ' ' && c != '\n' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return !strings.Contains(s, "::") && !strings.Contains(s, "##[") && !strings.Contains(s, "section_")
}

// unsafeRune reports the characters neutralize shows escaped.
func unsafeRune(r rune) bool {
	if r == '\n' || r == '\t' {
		return false
	}
	return unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp,
		unicode.Other_Default_Ignorable_Code_Point, unicode.Variation_Selector)
}

func escapeRune(r rune) string {
	switch {
	case r == '\r':
		return `\r`
	case r < utf8.RuneSelf:
		return fmt.Sprintf(`\x%02x`, r)
	case r <= 0xffff:
		return fmt.Sprintf(`\u%04x`, r)
	}
	return fmt.Sprintf(`\U%08x`, r)
}

// defuseLine breaks the markers of CI commands in one line whose
// characters are already safe.
func defuseLine(l string) string {
	l = strings.ReplaceAll(l, "##[", `##\[`)
	l = strings.ReplaceAll(l, "section_start:", `section_start\:`)
	l = strings.ReplaceAll(l, "section_end:", `section_end\:`)
	rest := strings.TrimLeftFunc(l, unicode.IsSpace)
	if strings.HasPrefix(rest, "::") {
		i := len(l) - len(rest)
		l = l[:i] + `\` + l[i:]
	}
	return l
}

// clip cuts s after maxText bytes (at a character boundary) with a note
// of how much was cut; a final newline stays.
func clip(s string) string {
	if len(s) <= maxText {
		return s
	}
	nl := ""
	if strings.HasSuffix(s, "\n") {
		nl = "\n"
	}
	cut := maxText
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (%d more bytes)%s", s[:cut], len(s)-cut-len(nl), nl)
}

// safeText is a message as the printer shows it: cut, then neutralised.
func safeText(s string) string { return neutralize(clip(s)) }

// safeWriter neutralises (and clips) every write. Each write is taken to
// start a line: the printer, the reports and slog's handler write whole
// lines.
type safeWriter struct{ w io.Writer }

func (s safeWriter) Write(b []byte) (int, error) {
	if _, err := io.WriteString(s.w, safeText(string(b))); err != nil {
		return 0, err
	}
	return len(b), nil
}

// fence puts text in a Markdown code block whose fence is longer than any
// run of backticks in it, so nothing inside can close it early.
func fence(text string) string {
	longest, run := 0, 0
	for i := 0; i < len(text); i++ {
		if text[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	f := strings.Repeat("`", max(3, longest+1))
	return f + "\n" + text + "\n" + f + "\n"
}

// safeJSON makes encoding/json's output safe for a terminal and a CI log
// without changing what it decodes to. encoding/json already escapes C0
// controls, U+2028 and U+2029 and replaces invalid UTF-8; here the other
// characters [neutralize] escapes (DEL, C1, format characters, …) become
// \u escapes too, and "##[" becomes "##\u005b". Outside strings JSON has
// only ASCII punctuation, digits, letters and whitespace, so every change
// falls inside a string, and indented output never starts a line with
// "::".
func safeJSON(js []byte) []byte {
	var b bytes.Buffer
	b.Grow(len(js))
	for i := 0; i < len(js); {
		r, n := utf8.DecodeRune(js[i:])
		switch {
		case r == '#' && bytes.HasPrefix(js[i:], []byte("##[")):
			b.WriteString(`##\u005b`)
			n = 3
		case unsafeRune(r):
			for _, u := range utf16.Encode([]rune{r}) {
				fmt.Fprintf(&b, `\u%04x`, u)
			}
		default:
			b.Write(js[i : i+n])
		}
		i += n
	}
	return b.Bytes()
}
