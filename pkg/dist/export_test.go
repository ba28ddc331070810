package dist

import "errors"

// isOwnError reports whether err is one of this package's error values or
// types (possibly wrapped); everything else is an I/O error from the
// caller's reader. Fuzz tests use it to prove hostile input never produces
// a foreign error.
func isOwnError(err error) bool {
	if errors.Is(err, ErrUnknownFormat) {
		return true
	}
	if _, ok := errors.AsType[*FilenameError](err); ok {
		return true
	}
	if _, ok := errors.AsType[*FormatError](err); ok {
		return true
	}
	if _, ok := errors.AsType[*MetadataError](err); ok {
		return true
	}
	_, ok := errors.AsType[*VersionError](err)
	return ok
}
