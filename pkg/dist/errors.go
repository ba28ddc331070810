package dist

import (
	"errors"
	"fmt"
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
type FormatError struct {
	Reason string
	Err    error // the underlying archive error, if any
}

func (e *FormatError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", e.Reason, e.Err)
	}
	return e.Reason
}

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
