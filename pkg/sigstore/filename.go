package sigstore

import (
	"slices"
	"strings"

	"github.com/pyupload/pyupload/pkg/pep440"
)

// SameDistribution reports whether two filenames name the same
// distribution as PyPI compares a subject with the uploaded file: parsed
// as wheel or sdist filenames, with normalised project names (PEP 503),
// equal versions (PEP 440), equal build tags, and the same set of
// compatibility tags in any order. Names that do not parse compare as
// exact strings.
func SameDistribution(a, b string) bool {
	if a == b {
		return true
	}
	da, okA := parseDistName(a)
	db, okB := parseDistName(b)
	if !okA || !okB || da.kind != db.kind || da.name != db.name || da.build != db.build {
		return false
	}
	va, errA := pep440.ParseVersion(da.version)
	vb, errB := pep440.ParseVersion(db.version)
	if errA != nil || errB != nil || !va.Equal(vb) {
		return false
	}
	return slices.Equal(da.tags, db.tags)
}

type distName struct {
	kind, name, version, build string
	tags                       []string // sorted, expanded py-abi-plat triples
}

func parseDistName(s string) (distName, bool) {
	if base, ok := strings.CutSuffix(s, ".whl"); ok {
		parts := strings.Split(base, "-")
		if len(parts) != 5 && len(parts) != 6 {
			return distName{}, false
		}
		d := distName{kind: "wheel", name: normalizeName(parts[0]), version: parts[1]}
		if len(parts) == 6 {
			d.build = parts[2]
		}
		n := len(parts)
		for py := range strings.SplitSeq(parts[n-3], ".") {
			for abi := range strings.SplitSeq(parts[n-2], ".") {
				for plat := range strings.SplitSeq(parts[n-1], ".") {
					d.tags = append(d.tags, py+"-"+abi+"-"+plat)
				}
			}
		}
		slices.Sort(d.tags)
		d.tags = slices.Compact(d.tags)
		return d, true
	}
	for _, ext := range []string{".tar.gz", ".zip"} {
		if base, ok := strings.CutSuffix(s, ext); ok {
			i := strings.LastIndexByte(base, '-')
			if i <= 0 {
				return distName{}, false
			}
			return distName{kind: "sdist" + ext, name: normalizeName(base[:i]), version: base[i+1:]}, true
		}
	}
	return distName{}, false
}

// normalizeName is PEP 503's normalisation: lowercase, runs of -_. as -.
func normalizeName(s string) string {
	var b strings.Builder
	sep := false
	for _, r := range strings.ToLower(s) {
		if r == '-' || r == '_' || r == '.' {
			sep = true
			continue
		}
		if sep && b.Len() > 0 {
			b.WriteByte('-')
		}
		sep = false
		b.WriteRune(r)
	}
	return b.String()
}
