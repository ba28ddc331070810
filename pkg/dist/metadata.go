package dist

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Metadata is a distribution's core metadata, as read from a wheel's
// METADATA or an sdist's PKG-INFO. Values are kept as written, except that
// the description is taken from the message body when there is one, and an
// old-style multi-line Description header loses its continuation indent.
type Metadata struct {
	MetadataVersion        string   `json:"metadata_version"`
	Name                   string   `json:"name"`
	Version                string   `json:"version"`
	Summary                string   `json:"summary,omitempty"`
	Description            string   `json:"description,omitempty"`
	DescriptionContentType string   `json:"description_content_type,omitempty"`
	Keywords               string   `json:"keywords,omitempty"`
	HomePage               string   `json:"home_page,omitempty"`
	DownloadURL            string   `json:"download_url,omitempty"`
	Author                 string   `json:"author,omitempty"`
	AuthorEmail            string   `json:"author_email,omitempty"`
	Maintainer             string   `json:"maintainer,omitempty"`
	MaintainerEmail        string   `json:"maintainer_email,omitempty"`
	License                string   `json:"license,omitempty"`
	LicenseExpression      string   `json:"license_expression,omitempty"`
	LicenseFiles           []string `json:"license_file,omitempty"`
	Classifiers            []string `json:"classifiers,omitempty"`
	Platforms              []string `json:"platform,omitempty"`
	SupportedPlatforms     []string `json:"supported_platform,omitempty"`
	RequiresDist           []string `json:"requires_dist,omitempty"`
	RequiresPython         string   `json:"requires_python,omitempty"`
	RequiresExternal       []string `json:"requires_external,omitempty"`
	ProjectURLs            []string `json:"project_urls,omitempty"` // "Label, URL"
	ProvidesExtra          []string `json:"provides_extra,omitempty"`
	ProvidesDist           []string `json:"provides_dist,omitempty"`
	ObsoletesDist          []string `json:"obsoletes_dist,omitempty"`
	Requires               []string `json:"requires,omitempty"`
	Provides               []string `json:"provides,omitempty"`
	Obsoletes              []string `json:"obsoletes,omitempty"`
	Dynamic                []string `json:"dynamic,omitempty"`
	ImportNames            []string `json:"import_name,omitempty"`
	ImportNamespaces       []string `json:"import_namespace,omitempty"`

	// Unknown holds headers that are not core metadata fields, in order,
	// as "Header: value". The index ignores them; they are kept for --json.
	Unknown []string `json:"unknown,omitempty"`
}

// Field describes one core metadata field: its header, the form key the
// index reads it from, whether it may repeat, and the Metadata-Version that
// introduced it. The table is the single source for parsing, checking and
// building upload forms.
type Field struct {
	Header  string // canonical header, e.g. "Home-page"
	FormKey string // the index's form key, e.g. "home_page"
	Multi   bool   // repeated header / repeated form key
	Since   string // Metadata-Version that introduced the field

	str  func(*Metadata) *string
	list func(*Metadata) *[]string
}

// Values returns the field's values in m: zero or one for single fields.
func (f *Field) Values(m *Metadata) []string {
	if f.list != nil {
		return *f.list(m)
	}
	if v := *f.str(m); v != "" {
		return []string{v}
	}
	return nil
}

// Fields lists every core metadata field (docs/index-server.md §1.3), in
// the order the form sends them.
var Fields = []Field{
	{Header: "Metadata-Version", FormKey: "metadata_version", Since: "1.0", str: func(m *Metadata) *string { return &m.MetadataVersion }},
	{Header: "Name", FormKey: "name", Since: "1.0", str: func(m *Metadata) *string { return &m.Name }},
	{Header: "Version", FormKey: "version", Since: "1.0", str: func(m *Metadata) *string { return &m.Version }},
	{Header: "Summary", FormKey: "summary", Since: "1.0", str: func(m *Metadata) *string { return &m.Summary }},
	{Header: "Description", FormKey: "description", Since: "1.0", str: func(m *Metadata) *string { return &m.Description }},
	{Header: "Description-Content-Type", FormKey: "description_content_type", Since: "2.1", str: func(m *Metadata) *string { return &m.DescriptionContentType }},
	{Header: "Keywords", FormKey: "keywords", Since: "1.0", str: func(m *Metadata) *string { return &m.Keywords }},
	{Header: "Home-page", FormKey: "home_page", Since: "1.0", str: func(m *Metadata) *string { return &m.HomePage }},
	{Header: "Download-URL", FormKey: "download_url", Since: "1.1", str: func(m *Metadata) *string { return &m.DownloadURL }},
	{Header: "Author", FormKey: "author", Since: "1.0", str: func(m *Metadata) *string { return &m.Author }},
	{Header: "Author-email", FormKey: "author_email", Since: "1.0", str: func(m *Metadata) *string { return &m.AuthorEmail }},
	{Header: "Maintainer", FormKey: "maintainer", Since: "1.2", str: func(m *Metadata) *string { return &m.Maintainer }},
	{Header: "Maintainer-email", FormKey: "maintainer_email", Since: "1.2", str: func(m *Metadata) *string { return &m.MaintainerEmail }},
	{Header: "License", FormKey: "license", Since: "1.0", str: func(m *Metadata) *string { return &m.License }},
	{Header: "License-Expression", FormKey: "license_expression", Since: "2.4", str: func(m *Metadata) *string { return &m.LicenseExpression }},
	{Header: "License-File", FormKey: "license_file", Multi: true, Since: "2.4", list: func(m *Metadata) *[]string { return &m.LicenseFiles }},
	{Header: "Classifier", FormKey: "classifiers", Multi: true, Since: "1.1", list: func(m *Metadata) *[]string { return &m.Classifiers }},
	{Header: "Platform", FormKey: "platform", Multi: true, Since: "1.0", list: func(m *Metadata) *[]string { return &m.Platforms }},
	{Header: "Supported-Platform", FormKey: "supported_platform", Multi: true, Since: "1.1", list: func(m *Metadata) *[]string { return &m.SupportedPlatforms }},
	{Header: "Requires-Dist", FormKey: "requires_dist", Multi: true, Since: "1.2", list: func(m *Metadata) *[]string { return &m.RequiresDist }},
	{Header: "Requires-Python", FormKey: "requires_python", Since: "1.2", str: func(m *Metadata) *string { return &m.RequiresPython }},
	{Header: "Requires-External", FormKey: "requires_external", Multi: true, Since: "1.2", list: func(m *Metadata) *[]string { return &m.RequiresExternal }},
	{Header: "Project-URL", FormKey: "project_urls", Multi: true, Since: "1.2", list: func(m *Metadata) *[]string { return &m.ProjectURLs }},
	{Header: "Provides-Extra", FormKey: "provides_extra", Multi: true, Since: "2.1", list: func(m *Metadata) *[]string { return &m.ProvidesExtra }},
	{Header: "Provides-Dist", FormKey: "provides_dist", Multi: true, Since: "1.2", list: func(m *Metadata) *[]string { return &m.ProvidesDist }},
	{Header: "Obsoletes-Dist", FormKey: "obsoletes_dist", Multi: true, Since: "1.2", list: func(m *Metadata) *[]string { return &m.ObsoletesDist }},
	{Header: "Requires", FormKey: "requires", Multi: true, Since: "1.1", list: func(m *Metadata) *[]string { return &m.Requires }},
	{Header: "Provides", FormKey: "provides", Multi: true, Since: "1.1", list: func(m *Metadata) *[]string { return &m.Provides }},
	{Header: "Obsoletes", FormKey: "obsoletes", Multi: true, Since: "1.1", list: func(m *Metadata) *[]string { return &m.Obsoletes }},
	{Header: "Dynamic", FormKey: "dynamic", Multi: true, Since: "2.2", list: func(m *Metadata) *[]string { return &m.Dynamic }},
	{Header: "Import-Name", FormKey: "import_name", Multi: true, Since: "2.5", list: func(m *Metadata) *[]string { return &m.ImportNames }},
	{Header: "Import-Namespace", FormKey: "import_namespace", Multi: true, Since: "2.5", list: func(m *Metadata) *[]string { return &m.ImportNamespaces }},
}

// fieldByHeader maps a lowercased header to its entry in [Fields].
var fieldByHeader = func() map[string]*Field {
	m := make(map[string]*Field, len(Fields))
	for i := range Fields {
		m[strings.ToLower(Fields[i].Header)] = &Fields[i]
	}
	return m
}()

// FieldByHeader returns the field for a header name (case-insensitive).
func FieldByHeader(header string) (*Field, bool) {
	f, ok := fieldByHeader[strings.ToLower(header)]
	return f, ok
}

// FormValue is one form field to send: a key and a value. Multi-valued
// fields appear once per value.
type FormValue struct {
	Key, Value string
}

// FormFields returns the metadata as the index's upload form fields, in
// [Fields] order, skipping empty values and the UNKNOWN placeholder. Like twine, it drops License-File
// when Metadata-Version is below 2.4 (setuptools writes it under 2.1 and the
// index would reject the file); [Check] reports that as a note.
func (m *Metadata) FormFields() []FormValue {
	var out []FormValue
	dropLicenseFiles := compareMetadataVersion(m.MetadataVersion, "2.4") < 0
	for i := range Fields {
		f := &Fields[i]
		if f.FormKey == "license_file" && dropLicenseFiles {
			continue
		}
		for _, v := range f.Values(m) {
			// The index deletes any value that strips to UNKNOWN (a distutils
			// placeholder), so sending it would only add noise.
			if !unsent(v) {
				out = append(out, FormValue{Key: f.FormKey, Value: v})
			}
		}
	}
	return out
}

// asSent is a copy of m without the values [Metadata.FormFields] leaves
// out: empty ones and those that strip to UNKNOWN.
func (m *Metadata) asSent() *Metadata {
	c := *m
	for i := range Fields {
		f := &Fields[i]
		if f.list != nil {
			*f.list(&c) = slices.DeleteFunc(slices.Clone(*f.list(&c)), unsent)
		} else if unsent(*f.str(&c)) {
			*f.str(&c) = ""
		}
	}
	return &c
}

// maxHeaderLines bounds the header block so hostile input cannot make the
// parser accumulate without limit; real metadata has a few hundred lines.
const maxHeaderLines = 100_000

// ParseMetadata parses core metadata in the email-header format of
// METADATA and PKG-INFO, as Python's email parser (compat32) and packaging's
// parse_email read it: header lines with continuation lines, repeated
// headers for multi-valued fields, and the message body as the description.
// It returns a [*MetadataError] for text that is not UTF-8, a header line
// that is not "Name: value", a single-valued field given twice, or a
// description given both as a header and as the body.
func ParseMetadata(data []byte) (*Metadata, error) {
	if !utf8.Valid(data) {
		return nil, &MetadataError{Line: invalidUTF8Line(data), Reason: "not valid UTF-8"}
	}
	text := string(data)
	m := &Metadata{}
	seen := make(map[*Field]bool)
	var (
		name  string // current header, "" before the first
		value strings.Builder
		start int // line where the current header began
	)
	flush := func() error {
		if name == "" {
			return nil
		}
		v := value.String()
		f, ok := FieldByHeader(name)
		if !ok {
			m.Unknown = append(m.Unknown, name+": "+v)
			return nil
		}
		if f.list != nil {
			l := f.list(m)
			*l = append(*l, v)
			return nil
		}
		if seen[f] {
			return &MetadataError{Line: start, Reason: "field " + f.Header + " is given more than once"}
		}
		seen[f] = true
		if f.Header == "Description" {
			v = unfoldDescription(v)
		}
		*f.str(m) = v
		return nil
	}

	lineNo := 0
	rest := text
	body := ""
	hasBody := false
	for rest != "" {
		var line string
		if i := strings.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i+1], rest[i+1:]
		} else {
			line, rest = rest, ""
		}
		lineNo++
		if lineNo > maxHeaderLines {
			return nil, &MetadataError{Line: lineNo, Reason: "too many header lines"}
		}
		content := strings.TrimRight(line, "\r\n")
		if content == "" { // blank line: the body follows
			body, hasBody = rest, true
			break
		}
		if content[0] == ' ' || content[0] == '\t' {
			if name == "" {
				return nil, &MetadataError{Line: lineNo, Reason: "continuation line before any header"}
			}
			// compat32 keeps the line break and the indent of folded lines.
			value.WriteString("\n")
			value.WriteString(content)
			continue
		}
		colon := strings.IndexByte(content, ':')
		if colon <= 0 || !validHeaderName(content[:colon]) {
			return nil, &MetadataError{Line: lineNo, Reason: "expected \"Field: value\", got " + strconv.Quote(truncate(content, 60))}
		}
		if err := flush(); err != nil {
			return nil, err
		}
		name = content[:colon]
		start = lineNo
		value.Reset()
		value.WriteString(strings.TrimLeft(content[colon+1:], " \t"))
	}
	if err := flush(); err != nil {
		return nil, err
	}
	if hasBody && body != "" {
		if seen[fieldByHeader["description"]] {
			return nil, &MetadataError{Reason: "description is given both as a Description header and as the message body"}
		}
		m.Description = body
	}
	return m, nil
}

// validHeaderName accepts the characters RFC 5322 allows in a field name:
// printable ASCII except the colon (space is not printable here).
func validHeaderName(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x21 || c > 0x7e {
			return false
		}
	}
	return true
}

// unfoldDescription undoes the continuation indent of a Description header
// (metadata before 2.1): the core metadata spec writes 7 spaces and '|',
// setuptools wrote 8 spaces. Both are removed, as pkginfo and twine do.
func unfoldDescription(v string) string {
	if !strings.Contains(v, "\n") {
		return v
	}
	lines := strings.Split(v, "\n")
	for i := 1; i < len(lines); i++ {
		l := lines[i]
		switch {
		case strings.HasPrefix(l, "       |"):
			lines[i] = l[8:]
		case strings.HasPrefix(l, "        "):
			lines[i] = l[8:]
		}
	}
	return strings.Join(lines, "\n")
}

func invalidUTF8Line(data []byte) int {
	line := 1
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size <= 1 {
			return line
		}
		if r == '\n' {
			line++
		}
		data = data[size:]
	}
	return 0
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// compareMetadataVersion orders "major.minor" Metadata-Version strings.
// Unparsable versions sort before every valid one.
func compareMetadataVersion(a, b string) int {
	pa, oka := parseMetadataVersion(a)
	pb, okb := parseMetadataVersion(b)
	switch {
	case !oka && !okb:
		return 0
	case !oka:
		return -1
	case !okb:
		return 1
	}
	for i := range 2 {
		if pa[i] != pb[i] {
			if pa[i] < pb[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

func parseMetadataVersion(s string) ([2]int, bool) {
	major, minor, ok := strings.Cut(strings.TrimSpace(s), ".")
	if !ok {
		return [2]int{}, false
	}
	a, err1 := strconv.Atoi(major)
	b, err2 := strconv.Atoi(minor)
	if err1 != nil || err2 != nil || a < 0 || b < 0 {
		return [2]int{}, false
	}
	return [2]int{a, b}, true
}
