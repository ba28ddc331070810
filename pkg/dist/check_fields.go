package dist

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Dynamic, Import-Name/Import-Namespace, Project-URL, Home-page and
// Download-URL, each as packaging 26.2 and Warehouse validate them
// (docs/index-server.md §2.3), with their texts. Values are judged as they
// are sent: packaging strips nothing here but the Project-URL parts.

// unsent reports a value the upload form leaves out (Form): one that
// strips to distutils' "UNKNOWN" placeholder, which the index deletes.
// The index never sees it, so no rule applies to it.
func unsent(v string) bool { return v == "" || strings.TrimSpace(v) == "UNKNOWN" }

// packagingHeaders are the lowercase headers packaging knows
// (_EMAIL_TO_RAW_MAPPING), which bound what Dynamic may name.
var packagingHeaders = set("author", "author-email", "classifier", "description", "description-content-type",
	"download-url", "dynamic", "home-page", "import-name", "import-namespace", "keywords", "license",
	"license-expression", "license-file", "maintainer", "maintainer-email", "metadata-version", "name",
	"obsoletes", "obsoletes-dist", "platform", "project-url", "provides", "provides-dist", "provides-extra",
	"requires", "requires-dist", "requires-external", "requires-python", "summary", "supported-platform", "version")

// dynamic applies packaging's rule (never name, version or
// metadata-version; a field it knows), then Warehouse's DYNAMIC_FIELDS,
// which is packaging's list without "dynamic" itself.
func (c *checker) dynamic(m *Metadata) {
	for _, d := range m.Dynamic {
		switch l := pyLower(d); {
		case unsent(d):
		case l == "name" || l == "version" || l == "metadata-version":
			c.add(Error, "Dynamic", "%s is not allowed as a dynamic field", pyRepr(l))
		case !packagingHeaders[l]:
			c.add(Error, "Dynamic", "%s is not a valid dynamic field", pyRepr(l))
		case l == "dynamic":
			c.add(Error, "Dynamic", "Dynamic field %s is not a valid dynamic field.", pyRepr(l))
		}
	}
}

// importNames applies packaging's Import-Name rule (PEP 794) to both
// fields: dotted identifiers that are not keywords, then optionally
// "; private". Only trailing space is stripped before the ';'.
func (c *checker) importNames(m *Metadata) {
	for _, group := range []struct {
		field  string
		values []string
	}{{"Import-Name", m.ImportNames}, {"Import-Namespace", m.ImportNamespaces}} {
		field := pyRepr(strings.ToLower(group.field))
		for _, v := range group.values {
			if msg := importNameProblem(v, field); msg != "" && !unsent(v) {
				c.add(Error, group.field, "%s", msg)
			}
		}
	}
}

func importNameProblem(v, field string) string {
	name, option, hasOption := strings.Cut(v, ";")
	name = strings.TrimRightFunc(name, pyIsSpace)
	for part := range strings.SplitSeq(name, ".") {
		switch {
		case !pyIsIdentifier(part):
			return fmt.Sprintf("%s is invalid for %s; %s is not a valid identifier", pyRepr(name), field, pyRepr(part))
		case pythonKeywords[part]:
			return fmt.Sprintf("%s is invalid for %s; %s is a keyword", pyRepr(name), field, pyRepr(part))
		}
	}
	if hasOption && strings.TrimLeftFunc(option, pyIsSpace) != "private" {
		return fmt.Sprintf("%s is invalid for %s; the only valid option is 'private'", pyRepr(v), field)
	}
	return ""
}

// pythonKeywords are keyword.kwlist of the Python PyPI runs (3.14; soft
// keywords such as match and type are identifiers).
var pythonKeywords = set("False", "None", "True", "and", "as", "assert", "async", "await", "break",
	"class", "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
	"if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try",
	"while", "with", "yield")

// projectURLs applies the form parsing (a label given twice makes the
// whole field unparsable) and then Warehouse's rules, in its order: a
// label, at most 32 characters, a URL, a valid URL.
func (c *checker) projectURLs(urls []string) {
	var labels []string
	for _, pair := range urls {
		if unsent(pair) {
			continue
		}
		label, link, _ := strings.Cut(pair, ",")
		label, link = pyStrip(label), pyStrip(link)
		if slices.Contains(labels, label) {
			c.add(Error, "Project-URL", "'project_urls' has invalid data. (the label %s is given twice)", pyRepr(label))
			return
		}
		labels = append(labels, label)
		switch {
		case label == "":
			c.add(Error, "Project-URL", "Must have a label. (in %s)", pyRepr(pair))
		case utf8.RuneCountInString(label) > maxURLLabelLen:
			c.add(Error, "Project-URL", "%s must be %d characters or less.", pyRepr(label), maxURLLabelLen)
		case link == "":
			c.add(Error, "Project-URL", "Must have a URL. (label %s)", pyRepr(label))
		case !validIndexURI(link):
			c.add(Error, "Project-URL", "%s is not a valid url (PyPI takes http and https URLs; label %s)", pyRepr(link), pyRepr(label))
		}
	}
}

// homeAndDownloadURLs: Warehouse checks both as URLs, unstripped.
func (c *checker) homeAndDownloadURLs(m *Metadata) {
	for _, h := range []struct{ field, value string }{{"Home-page", m.HomePage}, {"Download-URL", m.DownloadURL}} {
		if !unsent(h.value) && !validIndexURI(h.value) {
			c.add(Error, h.field, "%s is not a valid url. (PyPI takes http and https URLs)", pyRepr(h.value))
		}
	}
}
