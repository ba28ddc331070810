package dist

import (
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"
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
//
// The index's rules judge the metadata as it is sent: a value that strips
// to UNKNOWN (distutils' placeholder) never reaches the index, so it is
// never judged; twine's warnings read the file as written.
func Check(d *Dist) []Problem {
	c := &checker{}
	m := d.Metadata.asSent()
	mvOK := c.metadataVersion(m)
	version, nameVersionOK := c.nameAndVersion(m)
	if mvOK {
		c.fieldsForVersion(m)
	}
	c.fieldValues(m)
	if nameVersionOK {
		c.filename(d, m, version)
	}
	c.layout(d, m)
	c.twine(d.Metadata)
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
	c.dynamic(m)
	if m.License != "" && m.LicenseExpression != "" {
		c.add(Error, "License", "License is deprecated when License-Expression is present. Only License-Expression should be present.")
	}
	c.licenseExpression(m)
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
	c.homeAndDownloadURLs(m)
	c.requirements(m)
	c.classifiers(m)
	c.importNames(m)
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

// filename compares the filename with the metadata exactly as the index
// does (docs/index-server.md §1.4).
func (c *checker) filename(d *Dist, m *Metadata, version Version) {
	fn := d.Filename
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
func (c *checker) layout(d *Dist, m *Metadata) {
	fn, l := d.Filename, &d.layout
	for _, why := range l.unsafe {
		// A note, not a warning: twine check --strict passes such files,
		// and so must pyupload check --strict.
		c.add(Note, "", "%s: PyPI takes it, but installers and tools that unpack the archive may not", why)
	}
	licenseDir := path.Dir(l.metadataPath) + "/"
	if fn.Kind == Wheel {
		dir := path.Dir(l.metadataPath)
		if len(l.distInfo) > 1 {
			// PyPI reads only the one the filename names; pip refuses to
			// install such a wheel, so it is worth a warning.
			c.add(Note, "", "Wheel '%s' has more than one .dist-info directory: %s (PyPI takes it, but pip refuses to install it)", fn.Base, strings.Join(l.distInfo, ", "))
		}
		if !l.members[dir+"/RECORD"] {
			c.add(Error, "", "Wheel '%s' does not contain the required RECORD file: %s/RECORD", fn.Base, dir)
		}
		if l.entryPoints != "" {
			c.add(Error, "", "Wheel '%s' has invalid entry points defined in the entry_points.txt file (%s)", fn.Base, l.entryPoints)
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
