package dist

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pyupload/pyupload/internal/refdata"
)

// licenseExpression reports a License-Expression the index would refuse,
// in its words, then why (packaging's reason, and ids close to an unknown
// one), and which SPDX list the verdict rests on. Its Metadata-Version
// requirement (2.4) is fieldsForVersion's.
func (c *checker) licenseExpression(m *Metadata) {
	if unsent(m.LicenseExpression) {
		return
	}
	spdx := refdata.LoadSPDX()
	_, err := canonicalLicenseExpression(m.LicenseExpression, spdx)
	if err == nil {
		return
	}
	why := err.Error()
	var le *licenseError
	switch {
	case !errors.As(err, &le):
	case le.crash:
		why = "packaging fails on a LicenseRef- id with '+' unless the same id also appears without it, and the index then answers 500 Internal Server Error"
	default:
		why = le.reason
		if close := closeSPDXIDs(le.id, le.exception, spdx); len(close) > 0 {
			why += "; did you mean " + strings.Join(close, ", ") + "?"
		}
	}
	c.add(Error, "License-Expression", "%s is invalid for 'license-expression' (%s; SPDX license list %s as in %s)",
		pyRepr(m.LicenseExpression), why, spdx.ListVersion, spdx.Header.Source("packaging"))
}

// closeSPDXIDs suggests up to three ids near an unknown one: those it
// begins, then those a few edits away.
func closeSPDXIDs(id string, exception bool, spdx *refdata.SPDX) []string {
	// Ids are short; a long token is no typo, and comparing it with every
	// id would cost time proportional to its length.
	if id == "" || len(id) > 64 || strings.HasPrefix(id, "licenseref-") {
		return nil
	}
	table := spdx.Licenses
	if exception {
		table = spdx.Exceptions
	}
	type scored struct {
		id   string
		dist int
	}
	var found []scored
	limit := max(2, len(id)/4)
	for key, v := range table {
		d := editDistance(id, key)
		if strings.HasPrefix(key, id) && len(id) >= 3 {
			d = min(d, 1)
		}
		if d <= limit {
			found = append(found, scored{v.ID, d})
		}
	}
	slices.SortFunc(found, func(a, b scored) int { return cmp.Or(a.dist-b.dist, strings.Compare(a.id, b.id)) })
	var out []string
	for _, s := range found[:min(3, len(found))] {
		out = append(out, fmt.Sprintf("'%s'", s.id))
	}
	return out
}

// editDistance is the Levenshtein distance between two ASCII-ish strings,
// by bytes (ids are ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
