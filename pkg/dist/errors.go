package dist

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrUnknownFormat is returned for a file whose name is neither a wheel
// (.whl) nor an sdist (.tar.gz, or the legacy .zip).
var ErrUnknownFormat = errors.New("dist: unknown distribution format (want .whl or .tar.gz)")

// FilenameError reports a distribution filename that cannot be parsed.
type FilenameError struct {
	Filename string
	Reason   string
}

func (e *FilenameError) Error() string {
	return fmt.Sprintf("invalid distribution filename %q: %s", e.Filename, e.Reason)
}

// FormatError reports an archive that cannot be read safely or lacks a
// member the index requires. Reason uses the index's own wording where it
// has one.
//
// Reason is the index's text alone, for comparing with an upload's answer;
// Error adds the member and the detail, which the index does not give.
type FormatError struct {
	Reason string
	Member string // the archive member concerned, if any
	Err    error  // the underlying archive error, if any
}

func (e *FormatError) Error() string {
	s := e.Reason
	if s == noneReason {
		s += " (PyPI's whole answer when Python cannot read the archive)"
	}
	if e.Member != "" {
		s += " (member " + quoteName(e.Member) + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// noneReason is what PyPI answers when Python's zipfile or tarfile raises
// while reading: the message it formats is the literal None.
const noneReason = "Invalid distribution file. None"

func (e *FormatError) Unwrap() error { return e.Err }

// MetadataError reports core metadata (METADATA or PKG-INFO) that cannot be
// parsed at all. Problems with parsable metadata are [Problem]s instead.
type MetadataError struct {
	Member string // archive member, e.g. "pkg-1.0.dist-info/METADATA"; "" when parsed directly
	Line   int    // 1-based line number, 0 when not tied to a line
	Reason string
}

func (e *MetadataError) Error() string {
	where := e.Member
	if where == "" {
		where = "metadata"
	}
	if e.Line > 0 {
		where += fmt.Sprintf(" line %d", e.Line)
	}
	return where + ": " + e.Reason
}

// PathError records the file a read error belongs to, so every message
// names it.
type PathError struct {
	Path string
	Err  error
}

func (e *PathError) Error() string { return e.Path + ": " + e.Err.Error() }

func (e *PathError) Unwrap() error { return e.Err }

// quoteName quotes a member name, escaping it when it holds characters a
// terminal would act on.
func quoteName(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 || !utf8.ValidString(s) {
		return strconv.Quote(s)
	}
	return quote(s)
}
