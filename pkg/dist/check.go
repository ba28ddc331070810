package dist

import (
	"encoding/json"
	"fmt"
	"net/url"
	"path"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Severity grades a [Problem].
type Severity int

// Severities, from informational to fatal. Only errors make the index
// reject the file; warnings are what twine check warns about, and fail only
// under --strict.
const (
	Note Severity = iota
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Note:
		return "note"
	case Warning:
		return "warning"
	}
	return "error"
}

// MarshalText renders the severity by name in JSON.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Problem is one finding about a distribution. Message uses the index's own
// wording where it has one, so it matches what an upload would answer.
type Problem struct {
	Severity Severity `json:"severity"`
	Field    string   `json:"field,omitempty"` // the metadata header concerned, if any
	Message  string   `json:"message"`
}

// AllowedMetadataVersions are the Metadata-Version values the index
// accepts; note there is no 2.0.
var AllowedMetadataVersions = []string{"1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5"}

const (
	coreMetadataURL = "See https://packaging.python.org/specifications/core-metadata for more information."
	maxSummaryLen   = 512
	maxURLLabelLen  = 32
	// maxMetadataFilename is NAME_MAX on the index's file system.
	maxMetadataFilename = 255
)

type checker struct {
	problems []Problem
}

func (c *checker) add(sev Severity, field, format string, args ...any) {
	c.problems = append(c.problems, Problem{Severity: sev, Field: field, Message: fmt.Sprintf(format, args...)})
}

// Check reports what the index would reject in d, plus twine check's
// warnings, in the order the index validates: Metadata-Version, Name and
// Version first, then the other fields, then the filename and the archive.
func Check(d *Dist) []Problem {
	c := &checker{}
	m := d.Metadata
	mvOK := c.metadataVersion(m)
	version, nameVersionOK := c.nameAndVersion(m)
	if mvOK {
		c.fieldsForVersion(m)
	}
	c.fieldValues(m)
	if nameVersionOK {
		c.filename(d, version)
	}
	c.layout(d)
	c.twine(m)
	return c.problems
}

func (c *checker) metadataVersion(m *Metadata) bool {
	mv := m.MetadataVersion
	if mv == "" {
		c.add(Error, "Metadata-Version", "None is not a valid metadata version (the Metadata-Version field is missing)")
		return false
	}
	if slices.Contains(AllowedMetadataVersions, mv) {
		return true
	}
	c.add(Error, "Metadata-Version", "'%s' is not a valid metadata version; the index accepts %s", mv, strings.Join(AllowedMetadataVersions, ", "))
	return false
}

func (c *checker) nameAndVersion(m *Metadata) (Version, bool) {
	ok := true
	switch {
	case m.Name == "":
		c.add(Error, "Name", "'name' is a required field")
		ok = false
	case !ValidName(m.Name):
		c.add(Error, "Name", "'%s' is an invalid value for Name. Error: Start and end with a letter or numeral containing only ASCII numeric and '.', '_' and '-'. %s", shorten(m.Name), coreMetadataURL)
		ok = false
	}
	var v Version
	if m.Version == "" {
		c.add(Error, "Version", "'version' is a required field")
		return v, false
	}
	v, err := ParseVersion(m.Version)
	if err != nil {
		c.add(Error, "Version", "'%s' is invalid for 'version' (not a PEP 440 version)", m.Version)
		return v, false
	}
	if v.IsLocal() {
		c.add(Error, "Version", "The use of local versions in '%s' is not allowed. See https://packaging.python.org/specifications/version-specifiers/#local-version-identifiers for more information.", m.Version)
		ok = false
	}
	return v, ok
}

// shorten abbreviates long values the way the index's Name error does.
func shorten(s string) string {
	if utf8.RuneCountInString(s) <= 60 {
		return s
	}
	r := []rune(s)
	return string(r[:30]) + "..." + string(r[len(r)-30:])
}

// fieldsForVersion rejects fields newer than the declared Metadata-Version,
// except License-File, which twine drops and so do we.
func (c *checker) fieldsForVersion(m *Metadata) {
	for i := range Fields {
		f := &Fields[i]
		if len(f.Values(m)) == 0 || compareMetadataVersion(m.MetadataVersion, f.Since) >= 0 {
			continue
		}
		if f.Header == "License-File" {
			c.add(Note, f.Header, "License-File is not sent: it was introduced in Metadata-Version %s and this file declares %s (twine drops it too)", f.Since, m.MetadataVersion)
			continue
		}
		c.add(Error, f.Header, "%s introduced in metadata version %s, not %s.", strings.ToLower(f.Header), f.Since, m.MetadataVersion)
	}
}

func (c *checker) fieldValues(m *Metadata) {
	if strings.ContainsAny(m.Summary, "\r\n") {
		c.add(Error, "Summary", "'summary' must be a single line")
	}
	if utf8.RuneCountInString(m.Summary) > maxSummaryLen {
		c.add(Error, "Summary", "'summary' field must be %d characters or less", maxSummaryLen)
	}
	if m.DescriptionContentType != "" {
		if msg := checkContentType(m.DescriptionContentType); msg != "" {
			c.add(Error, "Description-Content-Type", "%s", msg)
		}
	}
	for _, d := range m.Dynamic {
		switch l := strings.ToLower(strings.TrimSpace(d)); l {
		case "name", "version", "metadata-version":
			c.add(Error, "Dynamic", "'%s' is not allowed as a dynamic field", l)
		default:
			if _, ok := FieldByHeader(l); !ok {
				c.add(Error, "Dynamic", "'%s' is not a valid dynamic field", l)
			}
		}
	}
	if m.License != "" && m.LicenseExpression != "" {
		c.add(Error, "License", "License is deprecated when License-Expression is present. Only License-Expression should be present.")
	}
	if m.LicenseExpression != "" && !plausibleLicenseExpression(m.LicenseExpression) {
		c.add(Error, "License-Expression", "'%s' is invalid for 'license-expression'", m.LicenseExpression)
	}
	for _, p := range m.LicenseFiles {
		if strings.Contains(p, "..") || strings.Contains(p, "*") || strings.HasPrefix(p, "/") || strings.Contains(p, `\`) || hasDrive(p) {
			c.add(Error, "License-File", "'%s' is invalid for 'license-file' (must be a relative path with '/' separators, without '..' or '*')", p)
		}
	}
	for _, e := range []struct{ field, value string }{{"Author-email", m.AuthorEmail}, {"Maintainer-email", m.MaintainerEmail}} {
		for _, addr := range splitAddresses(e.value) {
			if !plausibleEmail(addr) {
				c.add(Error, e.field, "'%s' is an invalid value for %s. Error: '%s' is not a valid email address", e.value, e.field, addr)
			}
		}
	}
	c.projectURLs(m.ProjectURLs)
	for _, h := range []struct{ field, value string }{{"Home-page", m.HomePage}, {"Download-URL", m.DownloadURL}} {
		if h.value != "" && !validURL(h.value) {
			c.add(Error, h.field, "'%s' is an invalid value for %s. Error: Invalid URI", h.value, h.field)
		}
	}
	for _, group := range []struct {
		field string
		reqs  []string
	}{{"Requires-Dist", m.RequiresDist}, {"Provides-Dist", m.ProvidesDist}, {"Obsoletes-Dist", m.ObsoletesDist}} {
		for _, r := range group.reqs {
			spec, _, _ := strings.Cut(r, ";")
			if strings.Contains(spec, "@") {
				c.add(Error, group.field, "Can't have direct dependency: %s", r)
			}
		}
	}
	for _, e := range m.ProvidesExtra {
		if !ValidName(e) {
			c.add(Error, "Provides-Extra", "'%s' is invalid for 'provides-extra'", e)
		}
	}
	if m.RequiresPython != "" && !validSpecifierSet(m.RequiresPython) {
		c.add(Error, "Requires-Python", "'%s' is invalid for 'requires-python'", m.RequiresPython)
	}
	for _, cl := range m.Classifiers {
		if strings.HasPrefix(strings.TrimSpace(cl), "Private ::") {
			c.add(Error, "Classifier", "'%s' is not a valid classifier.", cl)
		}
	}
	for _, group := range []struct {
		field  string
		values []string
	}{{"Import-Name", m.ImportNames}, {"Import-Namespace", m.ImportNamespaces}} {
		for _, v := range group.values {
			if !validImportName(v) {
				c.add(Error, group.field, "'%s' is invalid for '%s'", v, strings.ToLower(group.field))
			}
		}
	}
}

func hasDrive(p string) bool {
	return len(p) >= 2 && p[1] == ':' && isASCIIAlnum(rune(p[0]))
}

// checkContentType applies packaging's Description-Content-Type rules; it
// returns "" when the value is acceptable.
func checkContentType(v string) string {
	parts := strings.Split(v, ";")
	ctype := strings.ToLower(strings.TrimSpace(parts[0]))
	params := map[string]string{}
	for _, p := range parts[1:] {
		k, val, _ := strings.Cut(p, "=")
		params[strings.ToLower(strings.TrimSpace(k))] = strings.Trim(strings.TrimSpace(val), `"`)
	}
	switch ctype {
	case "text/plain", "text/x-rst", "text/markdown":
	default:
		return fmt.Sprintf("'%s' is invalid for 'description-content-type'; content type must be one of text/plain, text/x-rst, text/markdown", v)
	}
	if cs, ok := params["charset"]; ok && cs != "UTF-8" {
		return fmt.Sprintf("'%s' is invalid for 'description-content-type'; charset must be UTF-8", v)
	}
	if variant, ok := params["variant"]; ok && ctype == "text/markdown" && variant != "GFM" && variant != "CommonMark" {
		return fmt.Sprintf("'%s' is invalid for 'description-content-type'; valid Markdown variants are GFM, CommonMark", v)
	}
	return ""
}

func (c *checker) projectURLs(urls []string) {
	labels := map[string]bool{}
	for _, pair := range urls {
		label, link, _ := strings.Cut(pair, ",")
		label, link = strings.TrimSpace(label), strings.TrimSpace(link)
		switch {
		case label == "":
			c.add(Error, "Project-URL", "'%s' is invalid for 'project_urls': the label is empty", pair)
		case utf8.RuneCountInString(label) > maxURLLabelLen:
			c.add(Error, "Project-URL", "'%s' is invalid for 'project_urls': the label is longer than %d characters", pair, maxURLLabelLen)
		case labels[label]:
			c.add(Error, "Project-URL", "'project_urls' has invalid data: duplicate label '%s'", label)
		}
		labels[label] = true
		if !validURL(link) {
			c.add(Error, "Project-URL", "'%s' is invalid for 'project_urls': '%s' is not a valid URL", pair, link)
		}
	}
}

func validURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme != "" && u.Host != ""
}

// validSpecifierSet accepts a comma-separated list of PEP 440 version
// specifiers such as ">=3.9, !=3.10.*". Like packaging's SpecifierSet,
// which the index uses, it skips items that are empty once stripped, so
// ">=3.9," and even "," are valid.
func validSpecifierSet(s string) bool {
	for clause := range strings.SplitSeq(s, ",") {
		clause = strings.TrimSpace(clause)
		if clause == "" {
			continue
		}
		op := ""
		for _, o := range []string{"===", "~=", "==", "!=", "<=", ">=", "<", ">"} {
			if strings.HasPrefix(clause, o) {
				op = o
				break
			}
		}
		if op == "" {
			return false
		}
		v := strings.TrimSpace(clause[len(op):])
		if op == "===" {
			if v == "" {
				return false
			}
			continue
		}
		if (op == "==" || op == "!=") && strings.HasSuffix(v, ".*") {
			v = strings.TrimSuffix(v, ".*")
		}
		if _, err := ParseVersion(v); err != nil || v == "" {
			return false
		}
	}
	return true
}

// plausibleLicenseExpression checks the SPDX expression syntax: license ids
// (letters, digits, '.', '-', '+', and "LicenseRef-"/"DocumentRef-" ids)
// joined by AND, OR and WITH, with balanced parentheses. The index also
// checks ids against the SPDX list, which is not bundled here.
func plausibleLicenseExpression(s string) bool {
	s = strings.NewReplacer("(", " ( ", ")", " ) ").Replace(s)
	depth, expectID := 0, true
	for tok := range strings.FieldsSeq(s) {
		switch {
		case tok == "(" && expectID:
			depth++
		case tok == ")" && !expectID:
			if depth--; depth < 0 {
				return false
			}
		case (tok == "AND" || tok == "OR" || tok == "WITH") && !expectID:
			expectID = true
		case expectID && isLicenseID(tok):
			expectID = false
		default:
			return false
		}
	}
	return depth == 0 && !expectID
}

func isLicenseID(s string) bool {
	for _, r := range s {
		if !(isASCIIAlnum(r) || r == '.' || r == '-' || r == '+' || r == ':') {
			return false
		}
	}
	return s != ""
}

// validImportName accepts a dotted Python identifier, optionally followed
// by "; private" (PEP 794).
func validImportName(s string) bool {
	name, marker, hasMarker := strings.Cut(s, ";")
	if hasMarker && strings.TrimSpace(marker) != "private" {
		return false
	}
	for part := range strings.SplitSeq(strings.TrimSpace(name), ".") {
		if part == "" || pythonKeywords[part] {
			return false
		}
		for i, r := range part {
			if !(r == '_' || unicode.IsLetter(r) || i > 0 && unicode.IsDigit(r)) {
				return false
			}
		}
	}
	return true
}

var pythonKeywords = set("False", "None", "True", "and", "as", "assert", "async", "await", "break",
	"class", "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
	"if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try",
	"while", "with", "yield")

// filename compares the filename with the metadata exactly as the index
// does (docs/index-server.md §1.4).
func (c *checker) filename(d *Dist, version Version) {
	fn, m := d.Filename, d.Metadata
	if NormalizeName(fn.Name) != NormalizeName(m.Name) {
		c.add(Error, "Name", "Start filename for '%s' with '%s'.", m.Name, WheelName(m.Name))
		return
	}
	if fn.Kind == Sdist {
		want := WheelName(m.Name) + "-" + version.String() + ".tar.gz"
		if fn.Base != want {
			c.add(Error, "", "Filename '%s' is invalid, should be '%s'.", fn.Base, want)
		}
		return
	}
	if fn.Name != WheelName(m.Name) {
		c.add(Error, "", "Filename '%s' should contain the normalized project name '%s', not '%s'.", fn.Base, WheelName(m.Name), fn.Name)
	}
	if !fn.ParsedVersion.Equal(version) {
		c.add(Error, "Version", "Version in filename should be '%s' not '%s'.", version, fn.ParsedVersion)
	}
	for _, tag := range fn.PlatformTags {
		if !ValidPlatformTag(tag) {
			c.add(Error, "", "Binary wheel '%s' has an unsupported platform tag '%s'.", fn.Base, tag)
		}
	}
}

// layout checks the members the index requires.
func (c *checker) layout(d *Dist) {
	fn, m, l := d.Filename, d.Metadata, &d.layout
	licenseDir := path.Dir(l.metadataPath) + "/"
	if fn.Kind == Wheel {
		dir := path.Dir(l.metadataPath)
		if len(l.distInfo) > 1 {
			c.add(Error, "", "Wheel '%s' has more than one .dist-info directory: %s", fn.Base, strings.Join(l.distInfo, ", "))
		}
		if !l.members[dir+"/RECORD"] {
			c.add(Error, "", "Wheel '%s' does not contain the required RECORD file: %s/RECORD", fn.Base, dir)
		}
		if l.badEntryPoints {
			c.add(Error, "", "Wheel '%s' has invalid entry points defined in the entry_points.txt file", fn.Base)
		}
		for _, m := range l.recordMismatch {
			c.add(Note, "", "%s (the index accepts this but emails the project owners)", m)
		}
		// The index writes METADATA beside the upload as <filename>.metadata,
		// which fails past the file system's 255 bytes for a name.
		if len(fn.Base+".metadata") > maxMetadataFilename {
			c.add(Error, "", "Filename is too long: '%s'", fn.Base)
		}
		licenseDir = dir + "/licenses/"
	}
	if compareMetadataVersion(m.MetadataVersion, "2.4") < 0 {
		return // License-File is dropped below 2.4, so the index never looks
	}
	for _, p := range m.LicenseFiles {
		if !l.members[licenseDir+p] {
			c.add(Error, "License-File", "License-File %s does not exist in distribution file %s at %s%s", p, fn.Base, licenseDir, p)
		}
	}
}

// twine reproduces twine check's warnings, so --strict fails where twine
// check --strict does.
func (c *checker) twine(m *Metadata) {
	if m.DescriptionContentType == "" {
		c.add(Warning, "Description-Content-Type", "`long_description_content_type` missing. defaulting to `text/x-rst`.")
	}
	if strings.TrimSpace(m.Description) == "" || strings.TrimSpace(m.Description) == "UNKNOWN" {
		c.add(Warning, "Description", "`long_description` missing.")
		return
	}
	ctype, _, _ := strings.Cut(m.DescriptionContentType, ";")
	if ctype = strings.ToLower(strings.TrimSpace(ctype)); ctype == "" || ctype == "text/x-rst" {
		if errs := rstRenderErrors(m.Description); len(errs) > 0 {
			c.add(Error, "Description", "`long_description` has syntax errors in markup and would not be rendered on PyPI. %s", strings.Join(errs, " "))
		}
	}
}

// CheckBatch reports problems that only show across files uploaded
// together: the same file twice, and more than one sdist for a release.
// The result has one slice per element of ds.
func CheckBatch(ds []*Dist) [][]Problem {
	out := make([][]Problem, len(ds))
	byBase := map[string]int{}
	var sdists []int // indexes of the sdists seen so far
	for i, d := range ds {
		if j, ok := byBase[d.Filename.Base]; ok {
			out[i] = append(out[i], Problem{Severity: Error, Message: fmt.Sprintf("the same file name is also given as %s; each file can be uploaded once", ds[j].Path)})
			continue
		}
		byBase[d.Filename.Base] = i
		if d.Filename.Kind != Sdist {
			continue
		}
		for _, j := range sdists {
			if sameRelease(d.Metadata, ds[j].Metadata) {
				out[i] = append(out[i], Problem{Severity: Error, Message: fmt.Sprintf("Only one sdist may be uploaded per release: %s is also an sdist of %s %s", ds[j].Path, d.Metadata.Name, d.Metadata.Version)})
				break
			}
		}
		sdists = append(sdists, i)
	}
	return out
}

// sameRelease compares as the index does: normalised names, and versions
// equal under PEP 440 (so 1.0 and 1.0.0 are one release).
func sameRelease(a, b *Metadata) bool {
	if NormalizeName(a.Name) != NormalizeName(b.Name) {
		return false
	}
	va, errA := ParseVersion(a.Version)
	vb, errB := ParseVersion(b.Version)
	if errA != nil || errB != nil {
		return a.Version == b.Version
	}
	return va.Equal(vb)
}

// MarshalJSON renders a Dist for `pyupload check --json`.
func (d *Dist) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Path     string    `json:"path"`
		Filename string    `json:"filename"`
		Kind     Kind      `json:"filetype"`
		PyVer    string    `json:"pyversion"`
		Metadata *Metadata `json:"metadata"`
		Digests
	}{d.Path, d.Filename.Base, d.Filename.Kind, d.Filename.PythonTag(), d.Metadata, d.Digests})
}

// splitAddresses splits an address list such as
// `"Doe, Jane" <jane@example.org>, bob@example.org` into the bare
// addresses, respecting quoted display names.
func splitAddresses(s string) []string {
	var parts []string
	inQuote, start := false, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			inQuote = !inQuote
		case ',':
			if !inQuote {
				parts = append(parts, s[start:i])
				start = i + 1
			}
		}
	}
	parts = append(parts, s[start:])
	var out []string
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if lt := strings.LastIndexByte(p, '<'); lt >= 0 && strings.HasSuffix(p, ">") {
			p = p[lt+1 : len(p)-1]
		}
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// plausibleEmail is the syntax the index's email_validator insists on
// without a deliverability check: local@domain, with a dotted domain.
func plausibleEmail(addr string) bool {
	local, domain, ok := strings.Cut(addr, "@")
	if !ok || local == "" || strings.ContainsAny(addr, " \t<>()[]\\,;") || strings.Contains(domain, "@") {
		return false
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return false
		}
	}
	return true
}
