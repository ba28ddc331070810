package dist

import (
	"slices"
	"strings"
	"sync"

	"github.com/pyupload/pyupload/internal/refdata"
)

// classifiers reports what Warehouse refuses among the Classifier values,
// in its order and words: the unknown ones (every "Private ::" one
// included, which is how projects guard against accidental uploads), then
// the deprecated ones, each group sorted and without repeats. The list is
// trove-classifiers' (internal/refdata); each message names its version,
// because a classifier added to a newer release than ours is one PyPI
// may take.
func (c *checker) classifiers(m *Metadata) {
	if len(m.Classifiers) == 0 {
		return
	}
	trove := refdata.LoadClassifiers()
	list := slices.DeleteFunc(slices.Clone(m.Classifiers), unsent)
	slices.Sort(list)
	list = slices.Compact(list)
	for _, cl := range list {
		switch {
		case trove.Valid[cl]:
		case mayBeNewer(trove, cl):
			c.add(Warning, "Classifier", "%s is not in trove-classifiers %s, but PyPI pins %s, which may have added it beside its siblings: if it did not, the index refuses the first file with \"%s is not a valid classifier.\" and nothing is published (make refdata updates the list)", pyRepr(cl), trove.Header["source-version"], trove.Header["pypi-pins"], pyRepr(cl))
		default:
			c.add(Error, "Classifier", "%s is not a valid classifier. (%s)", pyRepr(cl), troveSource(trove))
		}
	}
	for _, cl := range list {
		repl, ok := trove.Deprecated[cl]
		switch {
		case !ok:
		case len(repl) > 0:
			c.add(Error, "Classifier", "The classifier %s has been deprecated, use one of %s instead. (%s)", pyRepr(cl), pyList(repl), troveSource(trove))
		default:
			c.add(Error, "Classifier", "The classifier %s has been deprecated. (%s)", pyRepr(cl), troveSource(trove))
		}
	}
}

// mayBeNewer: our list is older than the one PyPI pins, and cl looks like
// a classifier added since: a version newer than every sibling we know
// ("Programming Language :: Python :: 3.15" where 3.14 is the newest, a
// new Django release). Refusing it would block a valid release; letting
// it through cannot half-publish one, since every file of a release
// carries the same classifiers and a new release's first file goes alone.
// Anything else unknown ("Python :: 2.8", a made-up topic, "Private ::")
// is refused.
func mayBeNewer(trove *refdata.Classifiers, cl string) bool {
	pin := trove.Header["pypi-pins"]
	if pin == "" || pin == trove.Header["source-version"] {
		return false
	}
	i := strings.LastIndex(cl, " :: ")
	if i < 0 {
		return false
	}
	v, err := ParseVersion(cl[i+4:])
	if err != nil {
		return false
	}
	newest, ok := newestVersions(trove)[cl[:i]]
	return ok && v.Compare(newest) > 0
}

var (
	newestOnce sync.Once
	newest     map[string]Version
)

// newestVersions maps each prefix with classifiers under it whose last
// part is a version (" :: 3.14", " :: 5.2") to the newest such version.
func newestVersions(trove *refdata.Classifiers) map[string]Version {
	newestOnce.Do(func() {
		newest = map[string]Version{}
		for cl := range trove.Valid {
			i := strings.LastIndex(cl, " :: ")
			if i < 0 {
				continue
			}
			v, err := ParseVersion(cl[i+4:])
			if best, ok := newest[cl[:i]]; err == nil && (!ok || v.Compare(best) > 0) {
				newest[cl[:i]] = v
			}
		}
	})
	return newest
}

// troveSource names the classifier list, and the release PyPI pins when
// ours was made from another.
func troveSource(trove *refdata.Classifiers) string {
	s := "classifiers of " + trove.Header.Source("trove-classifiers")
	if pin := trove.Header["pypi-pins"]; pin != "" && pin != trove.Header["source-version"] {
		s += "; PyPI pins " + pin
	}
	return s
}
