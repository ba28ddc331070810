package dist

import (
	"slices"

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
		if !trove.Valid[cl] {
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

// troveSource names the classifier list, and the release PyPI pins when
// ours was made from another.
func troveSource(trove *refdata.Classifiers) string {
	s := "classifiers of " + trove.Header.Source("trove-classifiers")
	if pin := trove.Header["pypi-pins"]; pin != "" && pin != trove.Header["source-version"] {
		s += "; PyPI pins " + pin
	}
	return s
}
