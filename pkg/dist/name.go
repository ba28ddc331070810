package dist

import "strings"

// NormalizeName returns the PEP 503 form of a project name: lowercase, with
// each run of "-", "_" and "." replaced by a single "-". The index compares
// names in this form, so "Friendly_Bard" and "friendly.bard" are the same
// project.
//
// Lowercasing uses Go's Unicode mapping; for names that pass [ValidName],
// which are ASCII, the result is the same as Python's canonicalize_name.
func NormalizeName(name string) string {
	name = strings.ToLower(name)
	var b strings.Builder
	b.Grow(len(name))
	inRun := false
	for i := range len(name) {
		c := name[i]
		if c == '-' || c == '_' || c == '.' {
			if !inRun {
				b.WriteByte('-')
			}
			inRun = true
			continue
		}
		inRun = false
		b.WriteByte(c)
	}
	return b.String()
}

// ValidName reports whether name is allowed in the core metadata Name
// field: ASCII letters and digits, with ".", "_" and "-" allowed only between
// them. The index rejects any other name, so checking it locally saves an
// upload.
func ValidName(name string) bool {
	if name == "" || !isAlnum(name[0]) || !isAlnum(name[len(name)-1]) {
		return false
	}
	for i := range len(name) {
		if c := name[i]; !isAlnum(c) && !isSep(c) {
			return false
		}
	}
	return true
}

// WheelName returns the project name as a wheel filename spells it: the
// [NormalizeName] form with "-" replaced by "_", because "-" separates the
// fields of a wheel filename and the index requires this escaped form.
func WheelName(name string) string {
	return strings.ReplaceAll(NormalizeName(name), "-", "_")
}
