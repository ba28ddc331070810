package dist

import (
	"fmt"
	"strings"

	"github.com/pyupload/pyupload/internal/refdata"
)

// License-Expression is checked as packaging's
// canonicalize_license_expression checks it, since that is what the index
// runs (docs/index-server.md §2.3), with the SPDX ids packaging embeds
// (internal/refdata). Its rules are looser and stricter than the SPDX
// specification in places, and both directions matter here:
//   - operators and ids are case-insensitive ("mit and apache-2.0"), and
//     WITH may be chained ("MIT WITH a WITH b");
//   - "LicenseRef-" ids may have any suffix of letters, digits, '.' and
//     '-' (even none), but "DocumentRef-" and "AdditionRef-" are unknown;
//   - a '+' may follow one license id, never an exception.

// maxLicenseNesting is how deep CPython's tokenizer lets parentheses nest
// (MAXLEVEL): packaging compiles the expression as Python, so deeper
// nesting is a syntax error there.
const maxLicenseNesting = 200

// licenseError is why an expression is invalid, worded as packaging's
// InvalidLicenseExpression (its "reason"), with the offending id.
type licenseError struct {
	reason string // packaging's message, e.g. "Unknown license: 'foo'"
	id     string // the lowercased id concerned, "" for a syntax error
	// exception is true when id was looked up as a license exception.
	exception bool
	// crash is true when packaging fails with an internal error instead
	// of an InvalidLicenseExpression, which the index answers with a 500.
	crash bool
}

func (e *licenseError) Error() string { return e.reason }

// licenseOperators are the tokens of the grammar, lowercased.
var licenseOperators = map[string]bool{"and": true, "or": true, "with": true, "(": true, ")": true}

// canonicalLicenseExpression returns the normalized form of expr, as
// packaging writes it, or a *licenseError.
func canonicalLicenseExpression(expr string, spdx *refdata.SPDX) (string, error) {
	syntaxErr := &licenseError{reason: "Invalid license expression: " + pyRepr(expr)}
	if expr == "" {
		return "", syntaxErr
	}
	padded := strings.NewReplacer("(", " ( ", ")", " ) ").Replace(expr)
	original := pyFields(padded)
	tokens := pyFields(pyLower(padded))
	if len(tokens) != len(original) || !licenseSyntaxOK(tokens) {
		return "", syntaxErr
	}
	refs := licenseRefSpellings(original)
	out := make([]string, 0, len(tokens))
	for _, tok := range tokens {
		if licenseOperators[tok] {
			out = append(out, strings.ToUpper(tok))
			continue
		}
		id, err := licenseID(tok, len(out) > 0 && out[len(out)-1] == "WITH", refs, spdx)
		if err != nil {
			return "", err
		}
		out = append(out, id)
	}
	return strings.NewReplacer("( ", "(", " )", ")").Replace(strings.Join(out, " ")), nil
}

// licenseSyntaxOK checks the token sequence against the grammar packaging
// enforces: expr = term {("and" | "or" | "with") term};
// term = id | "(" expr ")". Every token that is not an operator is an id.
func licenseSyntaxOK(tokens []string) bool {
	p := licenseParser{tokens: tokens}
	return p.expr(0) && p.pos == len(tokens)
}

type licenseParser struct {
	tokens []string
	pos    int
}

func (p *licenseParser) peek() string {
	if p.pos < len(p.tokens) {
		return p.tokens[p.pos]
	}
	return ""
}

func (p *licenseParser) expr(depth int) bool {
	if !p.term(depth) {
		return false
	}
	for {
		switch p.peek() {
		case "and", "or", "with":
			p.pos++
			if !p.term(depth) {
				return false
			}
		default:
			return true
		}
	}
}

func (p *licenseParser) term(depth int) bool {
	tok := p.peek()
	switch {
	case tok == "(":
		if depth+1 > maxLicenseNesting {
			return false
		}
		p.pos++
		if !p.expr(depth+1) || p.peek() != ")" {
			return false
		}
		p.pos++
		return true
	case tok == "" || licenseOperators[tok]:
		return false
	}
	p.pos++
	return true
}

// licenseRefSpellings maps each "LicenseRef-" token, lowercased, to the
// spelling packaging keeps: the prefix canonical, the rest as written (the
// last spelling wins when one id is written in several cases).
func licenseRefSpellings(original []string) map[string]string {
	refs := map[string]string{}
	for _, tok := range original {
		if low := pyLower(tok); strings.HasPrefix(low, "licenseref-") {
			refs[low] = "LicenseRef-" + tok[len("licenseref-"):]
		}
	}
	return refs
}

// licenseID resolves one lowercased id token: an exception after WITH,
// otherwise a license or a LicenseRef, either with one optional '+'.
func licenseID(tok string, afterWith bool, refs map[string]string, spdx *refdata.SPDX) (string, error) {
	if afterWith {
		if e, ok := spdx.Exceptions[tok]; ok {
			return e.ID, nil
		}
		return "", &licenseError{reason: "Unknown license exception: " + pyRepr(tok), id: tok, exception: true}
	}
	base, plus := strings.CutSuffix(tok, "+")
	suffix := ""
	if plus {
		suffix = "+"
	}
	if !strings.HasPrefix(base, "licenseref-") {
		if l, ok := spdx.Licenses[base]; ok {
			return l.ID + suffix, nil
		}
		return "", &licenseError{reason: "Unknown license: " + pyRepr(base), id: base}
	}
	if strings.Trim(base, "abcdefghijklmnopqrstuvwxyz0123456789.-") != "" {
		return "", &licenseError{reason: "Invalid licenseref: " + pyRepr(base), id: base}
	}
	// packaging looks the id up without its '+' among the spellings it
	// collected with it: unless the same id also appears bare, that lookup
	// fails with a KeyError, which the index does not catch.
	spelled, ok := refs[base]
	if !ok {
		return "", &licenseError{reason: fmt.Sprintf("KeyError: %s", pyRepr(base)), id: base, crash: true}
	}
	return spelled + suffix, nil
}
