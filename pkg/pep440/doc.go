// Package pep440 parses versions and version specifiers exactly as
// Python's packaging 26.2 does, the version PyPI pins: a version or
// Requires-Python that packaging refuses makes PyPI refuse the upload,
// and one it accepts must never be refused by pyupload.
//
// The grammar is matched by hand rather than with Go's regexp: packaging's
// regexes rely on Python's re semantics (Unicode \s, Unicode case folding
// in some branches and not others, ordered alternation), which the
// differential test in pkg/pep508 holds this package to.
package pep440
