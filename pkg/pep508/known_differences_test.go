package pep508

import (
	"slices"
	"strings"

	"github.com/pyupload/pyupload/pkg/pep440"
)

// knownDifference is one reason why Debian's packaging (23.0 today) may
// judge a string differently from pyupload, which follows packaging 26.2
// because PyPI pins it. Each entry names the packaging release that
// changed the rule; an entry applies only to the packaging versions
// before that release, only to the kinds of string listed, and only when
// pyupload's verdict is the 26.2 one given.
type knownDifference struct {
	name    string
	changed string   // packaging release that changed the rule
	kinds   []string // "req", "set", "spec", "ver"
	goValid bool     // pyupload's (26.2's) verdict on such strings
	applies func(s string) bool
}

var knownDifferences = []knownDifference{
	{
		// PEP 751 added the "extras" and "dependency_groups" marker
		// variables; older tokenizers read "extra" and then fail on "s".
		name: "PEP 751 marker variables extras and dependency_groups", changed: "25.0",
		kinds: []string{"req"}, goValid: true,
		applies: func(s string) bool {
			r, err := ParseRequirement(s)
			if err != nil || r.Marker == nil {
				return false
			}
			m := r.Marker.String()
			return strings.Contains(m, "extras") || strings.Contains(m, "dependency_groups")
		},
	},
	{
		// Up to 23.1 Requirement() also checked the URL after "@" with
		// urllib (a scheme and a host, file: URLs that round-trip); 23.2
		// dropped that, and PyPI refuses direct references anyway.
		name: "URL after @ no longer validated", changed: "23.2",
		kinds: []string{"req"}, goValid: true,
		applies: func(s string) bool {
			r, err := ParseRequirement(s)
			return err == nil && r.URL != ""
		},
	},
	{
		// Before 26.1 the version and specifier regexes were not ASCII-only,
		// so under IGNORECASE U+0130/U+0131 matched "i", U+017F "s" and
		// U+212A "k" in pre/post/dev words and local labels. 26.1 wrapped
		// them in (?a:...) ("Restrict local version to ASCII", "Simplify
		// Specifier regex"), except the ~= branch of the specifier regex.
		name: "Unicode case folding in versions", changed: "26.1",
		kinds: []string{"req", "set", "spec", "ver"}, goValid: false,
		applies: func(s string) bool { return strings.ContainsAny(s, "\u0130\u0131\u017f\u212a") },
	},
}

// explain returns the name of the known difference that accounts for a
// disagreement on c, or "".
func explain(pyVersion string, c diffCase, mine bool) string {
	for _, d := range knownDifferences {
		if mine != d.goValid || !slices.Contains(d.kinds, c.Kind) || !olderThan(pyVersion, d.changed) || !d.applies(c.S) {
			continue
		}
		return d.name
	}
	return ""
}

// olderThan compares packaging release numbers such as "23.0" and "26.1".
func olderThan(have, changed string) bool {
	h, err1 := pep440.ParseVersion(have)
	c, err2 := pep440.ParseVersion(changed)
	if err1 != nil || err2 != nil {
		return false
	}
	return h.Compare(c) < 0
}
