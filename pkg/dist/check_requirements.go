package dist

import (
	"errors"
	"strings"

	"github.com/pyupload/pyupload/pkg/pep440"
	"github.com/pyupload/pyupload/pkg/pep508"
)

// requirements checks the dependency fields with packaging 26.2's grammar,
// which PyPI pins, and words each refusal as PyPI does:
//
//   - Requires-Dist is parsed by packaging's metadata validator:
//     "'<value>' is invalid for 'requires-dist'"; a direct reference is
//     refused by Warehouse, quoting str(Requirement).
//   - Provides-Dist and Obsoletes-Dist are parsed by Warehouse itself:
//     "'<value>' is invalid: <packaging's error>", and a direct reference
//     quotes the raw value.
//   - Requires-Python is a SpecifierSet (">=3.9," is valid, "~=3" is not).
//   - Provides-Extra must be a valid name (canonicalize_name(validate=True)).
//
// The parenthesised part after PyPI's text says where parsing stopped.
func (c *checker) requirements(m *Metadata) {
	for _, r := range m.RequiresDist {
		req, err := pep508.ParseRequirement(r)
		switch {
		case err != nil:
			c.add(Error, "Requires-Dist", "%s is invalid for 'requires-dist' (%v)", pep440.PyRepr(r), err)
		case req.URL != "":
			c.add(Error, "Requires-Dist", "Can't have direct dependency: %s", req)
		}
	}
	for _, group := range []struct {
		field string
		reqs  []string
	}{{"Provides-Dist", m.ProvidesDist}, {"Obsoletes-Dist", m.ObsoletesDist}} {
		for _, r := range group.reqs {
			req, err := pep508.ParseRequirement(r)
			switch {
			case err != nil:
				c.add(Error, group.field, "%s is invalid: %s", pep440.PyRepr(r), requirementError(err))
			case req.URL != "":
				c.add(Error, group.field, "Can't have direct dependency: %s", pep440.PyRepr(r))
			}
		}
	}
	if m.RequiresPython != "" {
		if _, err := pep440.ParseSpecifierSet(m.RequiresPython); err != nil {
			c.add(Error, "Requires-Python", "%s is invalid for 'requires-python' (%v%s)", pep440.PyRepr(m.RequiresPython), err, specifierAdvice(err))
		}
	}
	for _, e := range m.ProvidesExtra {
		if !ValidName(e) {
			c.add(Error, "Provides-Extra", "%s is invalid for 'provides-extra' (an extra name starts and ends with a letter or digit and has only letters, digits, '.', '_' and '-')", pep440.PyRepr(e))
		}
	}
}

// requirementError is packaging's own message for a requirement Warehouse
// parses, without the source line that packaging repeats below it.
func requirementError(err error) string {
	if se, ok := errors.AsType[*pep508.SyntaxError](err); ok {
		return se.Error()
	}
	return err.Error()
}

// specifierAdvice says what is wrong with a refused specifier in the
// common cases, so the message tells how to fix it; "" otherwise.
func specifierAdvice(err error) string {
	se, ok := errors.AsType[*pep440.SpecifierError](err)
	if !ok {
		return ""
	}
	item := strings.TrimSpace(se.Input)
	op := strings.TrimRight(item[:len(item)-len(strings.TrimLeft(item, "~=!<>"))], " ")
	version := strings.TrimSpace(item[len(op):])
	switch {
	case op == "":
		return "; a specifier starts with an operator: ~= == != <= >= < > ==="
	case op == "~=" && !strings.Contains(version, "."):
		return "; ~= needs two release numbers or more: ~=" + version + ".0 means >=" + version + ".0, ==" + version + ".*"
	case strings.HasSuffix(version, ".*") && op != "==" && op != "!=":
		return "; a '.*' suffix is allowed only with == and !="
	case strings.Contains(version, "+") && op != "==" && op != "!=":
		return "; a local version (+...) is allowed only with == and !="
	}
	return ""
}
