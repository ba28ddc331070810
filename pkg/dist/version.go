package dist

import "github.com/pyupload/pyupload/pkg/pep440"

// Version is a PEP 440 version. It lives in pkg/pep440, next to the
// specifiers that compare against it; the alias keeps pkg/dist's API, which
// the upload path and the test index use, unchanged.
type Version = pep440.Version

// VersionError reports a string that is not a PEP 440 version.
type VersionError = pep440.VersionError

// ParseVersion parses s as packaging's Version does; see [pep440.ParseVersion].
func ParseVersion(s string) (Version, error) {
	return pep440.ParseVersion(s) // its *VersionError is the documented error
}

// The byte classes of names and versions, shared by name.go.
func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isSep(c byte) bool { return c == '.' || c == '-' || c == '_' }

func isAlnum(c byte) bool {
	return isDigit(c) || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}
