package fakeindex

import (
	"sort"
	"strings"
	"unicode"

	"github.com/pyupload/pyupload/internal/refdata"
)

// The test index judges License-Expression as packaging 26.2's
// canonicalize_license_expression does, written apart from the client's
// parser (pkg/dist/license.go) so that the agreement tests compare two
// readings of packaging: this one follows packaging's own steps, mapping
// the tokens to a Python expression of False, or, and, parentheses, and
// checking that expression with a state machine as CPython's parser would
// (nesting at most 200 deep, CPython's tokenizer limit).

// licenseVerdict is the oracle's answer: ok, invalid (packaging raises
// InvalidLicenseExpression), or crash (packaging raises KeyError, which
// Warehouse does not catch: a 500).
type licenseVerdict int

const (
	licenseOK licenseVerdict = iota
	licenseInvalid
	licenseCrash
)

// isPySpace (pep508.go) is also str.isspace.

// pyLowerStr is str.lower where it can make ASCII: only U+0130 differs
// from Go's simple mapping in a way an ASCII comparison could see.
func pyLowerStr(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == 0x130 {
			b.WriteString("i\u0307")
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

func judgeLicenseExpression(raw string, spdx *refdata.SPDX) licenseVerdict {
	if raw == "" {
		return licenseInvalid
	}
	padded := strings.ReplaceAll(strings.ReplaceAll(raw, "(", " ( "), ")", " ) ")
	originals := strings.FieldsFunc(padded, isPySpace)
	refs := map[string]string{}
	for _, o := range originals {
		if l := pyLowerStr(o); strings.HasPrefix(l, "licenseref-") {
			refs[l] = o
		}
	}
	tokens := strings.FieldsFunc(pyLowerStr(padded), isPySpace)
	if !pythonBoolExprOK(tokens) {
		return licenseInvalid
	}
	prev := ""
	for _, tok := range tokens {
		switch tok {
		case "and", "or", "with", "(", ")":
			prev = tok
			continue
		}
		if prev == "with" {
			if _, ok := spdx.Exceptions[tok]; !ok {
				return licenseInvalid
			}
			prev = tok
			continue
		}
		prev = tok
		final := strings.TrimSuffix(tok, "+")
		if rest, ok := strings.CutPrefix(final, "licenseref-"); ok {
			if strings.IndexFunc(rest, notLicenseRefChar) >= 0 {
				return licenseInvalid
			}
			if _, ok := refs[final]; !ok {
				return licenseCrash
			}
			continue
		}
		if _, ok := spdx.Licenses[final]; !ok {
			return licenseInvalid
		}
	}
	return licenseOK
}

// notLicenseRefChar: packaging allows [A-Za-z0-9.-] after "LicenseRef-".
func notLicenseRefChar(r rune) bool {
	return !(r == '.' || r == '-' || r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)))
}

// pythonBoolExprOK maps tokens to Python's (an id is False, with is or)
// and reports whether compile(..., "eval") would take the result, after
// packaging's own two refusals: "(" right after an operand or ")", and
// ")" right after "(".
func pythonBoolExprOK(tokens []string) bool {
	const maxLevel = 200
	depth, wantOperand, last := 0, true, ""
	for _, tok := range tokens {
		py := tok
		switch tok {
		case "with":
			py = "or"
		case "and", "or", "(", ")":
		default:
			py = "False"
		}
		if py == "(" && last != "" && last != "or" && last != "and" && last != "(" || py == ")" && last == "(" {
			return false
		}
		last = py
		switch {
		case wantOperand && py == "False":
			wantOperand = false
		case wantOperand && py == "(":
			if depth++; depth > maxLevel {
				return false
			}
		case !wantOperand && (py == "or" || py == "and"):
			wantOperand = true
		case !wantOperand && py == ")":
			if depth--; depth < 0 {
				return false
			}
		default:
			return false
		}
	}
	return !wantOperand && depth == 0
}

// classifierProblems is Warehouse's classifier rule: the unknown ones
// sorted, then the deprecated ones sorted, repeats once.
func classifierProblems(given []string, trove *refdata.Classifiers) []string {
	set := map[string]bool{}
	for _, c := range given {
		set[c] = true
	}
	sorted := make([]string, 0, len(set))
	for c := range set {
		sorted = append(sorted, c)
	}
	sort.Strings(sorted)
	var out []string
	for _, c := range sorted {
		if !trove.Valid[c] {
			out = append(out, pyRepr(c)+" is not a valid classifier.")
		}
	}
	for _, c := range sorted {
		repl, deprecated := trove.Deprecated[c]
		switch {
		case !deprecated:
		case len(repl) == 0:
			out = append(out, "The classifier "+pyRepr(c)+" has been deprecated.")
		default:
			quoted := make([]string, len(repl))
			for i, r := range repl {
				quoted[i] = pyRepr(r)
			}
			out = append(out, "The classifier "+pyRepr(c)+" has been deprecated, use one of ["+strings.Join(quoted, ", ")+"] instead.")
		}
	}
	return out
}
