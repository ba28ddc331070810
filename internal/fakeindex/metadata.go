package fakeindex

import (
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"unicode"

	"github.com/pyupload/pyupload/internal/refdata"
	"github.com/pyupload/pyupload/pkg/dist"
	"github.com/pyupload/pyupload/pkg/rst"
)

// metaInfo is the release metadata read from the form.
type metaInfo struct {
	values  url.Values // the known metadata keys, empty values dropped
	name    string
	version dist.Version
}

// fieldErr is one metadata problem, keyed as packaging keys them: by the
// lowercase header ("license-file"), or by the form key for unparsable
// values.
type fieldErr struct{ field, msg string }

// metadataReply chooses the error Warehouse reports
// (docs/index-server.md §2.3): metadata-version, name and version first,
// otherwise the alphabetically first field, and that field's first error,
// with a period and a link.
func metadataReply(errs []fieldErr) *reply {
	field := ""
	for _, f := range []string{"metadata-version", "name", "version"} {
		if slices.ContainsFunc(errs, func(e fieldErr) bool { return e.field == f }) {
			field = f
			break
		}
	}
	if field == "" {
		field = errs[0].field
		for _, e := range errs {
			field = min(field, e.field)
		}
	}
	msg, see := "", coreMetadataURL
	for _, e := range errs {
		if e.field != field {
			continue
		}
		if msg == "" {
			msg = e.msg
		}
		if field == "version" && strings.Contains(e.msg, "use of local versions") {
			see = localVersionURL
		}
	}
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return badRequest("%s See %s for more information.", msg, see)
}

// metadataVersions are the Metadata-Version values Warehouse supports
// (SUPPORTED_METADATA_VERSIONS), oldest first as packaging orders them to
// date each field.
var metadataVersions = []string{"1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5"}

// metadataField is one core-metadata field as Warehouse reads it from the
// form: packaging's _EMAIL_TO_RAW_MAPPING under Warehouse's form keys
// (_FORM_TO_RAW_MAPPING), whether packaging reads it as a list
// (_LIST_FIELDS, and Project-URL's mapping), and the metadata version its
// _Validator says added it.
type metadataField struct {
	key, header string // form key; lowercase header, which messages quote
	list        bool
	added       string
}

var metadataFields = []metadataField{
	{"metadata_version", "metadata-version", false, "1.0"},
	{"name", "name", false, "1.0"},
	{"version", "version", false, "1.0"},
	{"dynamic", "dynamic", true, "2.2"},
	{"platform", "platform", true, "1.0"},
	{"supported_platform", "supported-platform", true, "1.1"},
	{"summary", "summary", false, "1.0"},
	{"description", "description", false, "1.0"},
	{"description_content_type", "description-content-type", false, "2.1"},
	{"keywords", "keywords", false, "1.0"},
	{"home_page", "home-page", false, "1.0"},
	{"download_url", "download-url", false, "1.1"},
	{"author", "author", false, "1.0"},
	{"author_email", "author-email", false, "1.0"},
	{"maintainer", "maintainer", false, "1.2"},
	{"maintainer_email", "maintainer-email", false, "1.2"},
	{"license", "license", false, "1.0"},
	{"license_expression", "license-expression", false, "2.4"},
	{"license_file", "license-file", true, "2.4"},
	{"classifiers", "classifier", true, "1.1"},
	{"requires_dist", "requires-dist", true, "1.2"},
	{"requires_python", "requires-python", false, "1.2"},
	{"requires_external", "requires-external", true, "1.2"},
	{"project_urls", "project-url", true, "1.2"},
	{"provides_extra", "provides-extra", true, "2.1"},
	{"provides_dist", "provides-dist", true, "1.2"},
	{"obsoletes_dist", "obsoletes-dist", true, "1.2"},
	{"import_name", "import-name", true, "2.5"},
	{"import_namespace", "import-namespace", true, "2.5"},
	{"requires", "requires", true, "1.1"},
	{"provides", "provides", true, "1.1"},
	{"obsoletes", "obsoletes", true, "1.1"},
}

// checkMetadata is Warehouse's metadata.parse(None, form_data=...): the
// form is read into packaging's RawMetadata, validated by
// Metadata.from_raw, then by Warehouse's own rules. Each stage reports
// only if the previous one passed.
func checkMetadata(form url.Values) (*metaInfo, *reply) {
	raw := url.Values{}
	var unparsed []fieldErr
	for _, f := range metadataFields {
		vals := form[f.key]
		if len(vals) == 0 || len(vals) == 1 && vals[0] == "" {
			continue // "" is treated as absent
		}
		if !f.list && len(vals) > 1 || f.key == "project_urls" && duplicateLabel(vals) {
			unparsed = append(unparsed, fieldErr{f.key, pyRepr(f.key) + " has invalid data"})
			continue
		}
		raw[f.key] = vals
	}
	if len(unparsed) > 0 {
		return nil, metadataReply(unparsed)
	}

	// packaging's Metadata.from_raw(validate=True).
	var errs []fieldErr
	add := func(field, format string, args ...any) {
		errs = append(errs, fieldErr{field, fmt.Sprintf(format, args...)})
	}
	mv, hasMV := raw["metadata_version"]
	mvIndex := -1
	switch {
	case !hasMV:
		add("metadata-version", "None is not a valid metadata version")
	default:
		if mvIndex = slices.Index(metadataVersions, mv[0]); mvIndex < 0 {
			add("metadata-version", "%s is not a valid metadata version", pyRepr(mv[0]))
		}
	}
	for _, f := range metadataFields {
		_, present := raw[f.key]
		if f.key == "metadata_version" || !present && f.key != "name" && f.key != "version" {
			continue
		}
		if mvIndex >= 0 && slices.Index(metadataVersions, f.added) > mvIndex {
			add(f.header, "%s introduced in metadata version %s, not %s", f.header, f.added, mv[0])
			continue
		}
		if f.key == "license_expression" && judgeLicenseExpression(raw[f.key][0], refdata.LoadSPDX()) == licenseCrash {
			// packaging raises KeyError, which Warehouse does not catch.
			return nil, &reply{status: http.StatusInternalServerError, message: "Internal Server Error"}
		}
		if msg := validateField(f.key, f.header, raw[f.key]); msg != "" {
			add(f.header, "%s", msg)
		}
	}
	if len(errs) > 0 {
		return nil, metadataReply(errs)
	}

	meta := &metaInfo{values: raw, name: raw["name"][0]}
	meta.version, _ = dist.ParseVersion(raw["version"][0]) // validated above
	if errs = warehouseRules(meta); len(errs) > 0 {
		return nil, metadataReply(errs)
	}
	return meta, nil
}

// validateField is packaging's _Validator._process_<field>. header is the
// field's lowercase header, which messages quote.
func validateField(key, header string, vals []string) string {
	field := pyRepr(header)
	first := ""
	if len(vals) > 0 {
		first = vals[0]
	}
	switch key {
	case "name":
		if first == "" {
			return field + " is a required field"
		}
		if !projectNameRE.MatchString(first) {
			return pyRepr(first) + " is invalid for " + field
		}
	case "version":
		if first == "" {
			return field + " is a required field"
		}
		if _, err := dist.ParseVersion(first); err != nil {
			return pyRepr(first) + " is invalid for " + field
		}
	case "summary":
		if strings.Contains(first, "\n") {
			return field + " must be a single line"
		}
	case "description_content_type":
		return contentTypeProblem(first, field)
	case "dynamic":
		for _, d := range vals {
			switch l := pyLowerStr(d); {
			case l == "name" || l == "version" || l == "metadata-version":
				return pyRepr(l) + " is not allowed as a dynamic field"
			case !isMetadataHeader(l):
				return pyRepr(l) + " is not a valid dynamic field"
			}
		}
	case "provides_extra":
		for _, e := range vals {
			if !extraNameRE.MatchString(e) {
				return pyRepr(e) + " is invalid for " + field
			}
		}
	case "requires_python":
		if !validSpecifierSet(first) {
			return pyRepr(first) + " is invalid for " + field
		}
	case "requires_dist":
		for _, req := range vals {
			if _, err := parseRequirement(req); err != nil {
				return pyRepr(req) + " is invalid for " + field
			}
		}
	case "license_expression":
		if judgeLicenseExpression(first, refdata.LoadSPDX()) != licenseOK {
			return pyRepr(first) + " is invalid for " + field
		}
	case "license_file":
		for _, p := range vals {
			if msg := licenseFileProblem(p); msg != "" {
				return pyRepr(p) + " is invalid for " + field + ", " + msg
			}
		}
	case "import_name", "import_namespace":
		for _, v := range vals {
			if msg := importNameProblem(v, field); msg != "" {
				return msg
			}
		}
	}
	return ""
}

func isMetadataHeader(lower string) bool {
	return slices.ContainsFunc(metadataFields, func(f metadataField) bool { return f.header == lower })
}

// duplicateLabel reports a Project-URL label given twice, which packaging
// cannot parse into its mapping.
func duplicateLabel(pairs []string) bool {
	seen := map[string]bool{}
	for _, p := range pairs {
		label, _, _ := strings.Cut(p, ",")
		label = strings.TrimFunc(label, isPySpace)
		if seen[label] {
			return true
		}
		seen[label] = true
	}
	return false
}

// contentTypeProblem applies packaging's Description-Content-Type rules.
func contentTypeProblem(v, field string) string {
	parts := strings.Split(v, ";")
	ctype := strings.ToLower(strings.TrimSpace(parts[0]))
	if strings.Count(ctype, "/") != 1 {
		ctype = "text/plain" // email.message's default for what it cannot parse
	}
	switch ctype {
	case "text/plain", "text/x-rst", "text/markdown":
	default:
		return field + " must be one of ['text/plain', 'text/x-rst', 'text/markdown'], not " + pyRepr(v)
	}
	if !strings.Contains(strings.ToLower(v), ctype) {
		return field + " must be one of ['text/plain', 'text/x-rst', 'text/markdown'], not " + pyRepr(v)
	}
	params := map[string]string{}
	for _, p := range parts[1:] {
		k, val, ok := strings.Cut(p, "=")
		if ok {
			params[strings.ToLower(strings.TrimSpace(k))] = strings.Trim(strings.TrimSpace(val), `"`)
		}
	}
	if cs, ok := params["charset"]; ok && cs != "UTF-8" {
		return field + " can only specify the UTF-8 charset, not " + pyRepr(cs)
	}
	if variant, ok := params["variant"]; ok && ctype == "text/markdown" && variant != "GFM" && variant != "CommonMark" {
		return "valid Markdown variants for " + field + " are ['GFM', 'CommonMark'], not " + pyRepr(variant)
	}
	return ""
}

// licenseFileProblem applies packaging's License-File path rules.
func licenseFileProblem(p string) string {
	switch {
	case strings.Contains(p, ".."):
		return "parent directory indicators are not allowed"
	case strings.Contains(p, "*"):
		return "paths must be resolved"
	case strings.HasPrefix(p, "/") || windowsAbsolute(p):
		return "paths must be relative"
	case windowsAsPosix(p) != p:
		return "paths must use '/' delimiter"
	}
	return ""
}

// windowsAbsolute is PureWindowsPath.is_absolute: a drive and a root, or a
// UNC path.
func windowsAbsolute(p string) bool {
	if strings.HasPrefix(p, `\\`) || strings.HasPrefix(p, "//") {
		return true
	}
	return len(p) >= 3 && p[1] == ':' && (p[2] == '\\' || p[2] == '/')
}

// windowsAsPosix is PureWindowsPath(p).as_posix(): backslashes become
// slashes, and empty and "." components disappear.
func windowsAsPosix(p string) string {
	parts := strings.Split(strings.ReplaceAll(p, `\`, "/"), "/")
	kept := make([]string, 0, len(parts))
	for i, part := range parts {
		if part == "" && i == 0 {
			kept = append(kept, part) // a root
			continue
		}
		if part != "" && part != "." {
			kept = append(kept, part)
		}
	}
	return strings.Join(kept, "/")
}

var pythonKeywords = map[string]bool{
	"False": true, "None": true, "True": true, "and": true, "as": true, "assert": true, "async": true,
	"await": true, "break": true, "class": true, "continue": true, "def": true, "del": true, "elif": true,
	"else": true, "except": true, "finally": true, "for": true, "from": true, "global": true, "if": true,
	"import": true, "in": true, "is": true, "lambda": true, "nonlocal": true, "not": true, "or": true,
	"pass": true, "raise": true, "return": true, "try": true, "while": true, "with": true, "yield": true,
}

// isIdentifier is str.isidentifier: XID_Start (or '_') then XID_Continue,
// derived here from Unicode's ID properties less the characters NFKC
// would turn into something else.
func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if i == 0 && r != '_' && !xidStart(r) || i > 0 && !xidContinue(r) {
			return false
		}
	}
	return true
}

var (
	idStartTables    = []*unicode.RangeTable{unicode.Lu, unicode.Ll, unicode.Lt, unicode.Lm, unicode.Lo, unicode.Nl, unicode.Other_ID_Start}
	idContinueTables = append(slices.Clone(idStartTables), unicode.Mn, unicode.Mc, unicode.Nd, unicode.Pc, unicode.Other_ID_Continue)
	// NFKC-unstable ID characters (UAX #31 XID); the continue-only ones
	// are XID_Continue but not XID_Start.
	nfkcUnstable = []rune{0x037A, 0x309B, 0x309C, 0xFC5E, 0xFC5F, 0xFC60, 0xFC61, 0xFC62, 0xFC63, 0xFDFA, 0xFDFB,
		0xFE70, 0xFE72, 0xFE74, 0xFE76, 0xFE78, 0xFE7A, 0xFE7C, 0xFE7E}
	continueOnly = []rune{0x0E33, 0x0EB3, 0xFF9E, 0xFF9F}
)

func idExcluded(r rune) bool {
	return unicode.Is(unicode.Pattern_Syntax, r) || unicode.Is(unicode.Pattern_White_Space, r) || slices.Contains(nfkcUnstable, r)
}

func xidStart(r rune) bool {
	return !idExcluded(r) && !slices.Contains(continueOnly, r) && unicode.IsOneOf(idStartTables, r)
}

func xidContinue(r rune) bool {
	return !idExcluded(r) && (slices.Contains(continueOnly, r) || unicode.IsOneOf(idContinueTables, r))
}

// importNameProblem applies packaging's Import-Name rules.
func importNameProblem(v, field string) string {
	name, private, semicolon := strings.Cut(v, ";")
	name = strings.TrimRightFunc(name, isPySpace)
	for ident := range strings.SplitSeq(name, ".") {
		if !isIdentifier(ident) {
			return fmt.Sprintf("%s is invalid for %s; %s is not a valid identifier", pyRepr(name), field, pyRepr(ident))
		}
		if pythonKeywords[ident] {
			return fmt.Sprintf("%s is invalid for %s; %s is a keyword", pyRepr(name), field, pyRepr(ident))
		}
	}
	if semicolon && strings.TrimLeftFunc(private, isPySpace) != "private" {
		return fmt.Sprintf("%s is invalid for %s; the only valid option is 'private'", pyRepr(v), field)
	}
	return ""
}

// warehouseRules are the checks warehouse/forklift/metadata.py adds once
// packaging is satisfied. Classifiers are checked against the generated
// trove-classifiers list (internal/refdata).
func warehouseRules(m *metaInfo) []fieldErr {
	var errs []fieldErr
	add := func(field, format string, args ...any) {
		errs = append(errs, fieldErr{field, fmt.Sprintf(format, args...)})
	}
	if m.version.IsLocal() {
		add("version", "The use of local versions in '%s' is not allowed.", m.version.String())
	}
	if summary := single(m.values, "summary"); len([]rune(summary)) > 512 {
		add("summary", "'summary' field must be 512 characters or less.")
	}
	for _, f := range []struct{ key, field string }{{"author_email", "author-email"}, {"maintainer_email", "maintainer-email"}} {
		if v := single(m.values, f.key); v != "" {
			if msg := emailProblem(v); msg != "" {
				add(f.field, "%s", msg)
			}
		}
	}
	for _, msg := range classifierProblems(m.values["classifiers"], refdata.LoadClassifiers()) {
		add("classifier", "%s", msg)
	}
	for _, f := range []struct{ key, field string }{{"home_page", "home-page"}, {"download_url", "download-url"}} {
		if v := single(m.values, f.key); v != "" && !validURI(v) {
			add(f.field, "%s is not a valid url.", pyRepr(v))
		}
	}
	for _, pair := range m.values["project_urls"] {
		label, link := splitProjectURL(pair)
		switch {
		case label == "":
			add("project-url", "Must have a label")
		case len([]rune(label)) > 32:
			add("project-url", "%s must be 32 characters or less.", pyRepr(label))
		case link == "":
			add("project-url", "Must have a URL")
		case !validURI(link):
			add("project-url", "%s is not a valid url", pyRepr(link))
		}
	}
	for _, f := range []struct{ key, field string }{{"provides_dist", "provides-dist"}, {"obsoletes_dist", "obsoletes-dist"}} {
		for _, s := range m.values[f.key] {
			req, err := parseRequirement(s)
			switch {
			case err != nil:
				add(f.field, "%s is invalid: %v", pyRepr(s), err)
			case req.url != "":
				add(f.field, "Can't have direct dependency: %s", pyRepr(s))
			}
		}
	}
	for _, s := range m.values["requires_dist"] {
		if req, err := parseRequirement(s); err == nil && req.url != "" {
			add("requires-dist", "Can't have direct dependency: %s", req)
		}
	}
	for _, d := range m.values["dynamic"] {
		if l := pyLowerStr(d); l == "dynamic" {
			add("dynamic", "Dynamic field %s is not a valid dynamic field.", pyRepr(l))
		}
	}
	if single(m.values, "license") != "" && single(m.values, "license_expression") != "" {
		add("license", "License is deprecated when License-Expression is present. Only License-Expression should be present.")
	}
	return errs
}

func splitProjectURL(pair string) (label, link string) {
	label, link, _ = strings.Cut(pair, ",")
	return strings.TrimFunc(label, isPySpace), strings.TrimFunc(link, isPySpace)
}

// emailProblem approximates email_validator on the address part of a
// header value (email.utils.parseaddr), without deliverability checks.
func emailProblem(v string) string {
	addr := ""
	if a, err := mail.ParseAddress(v); err == nil {
		addr = a.Address
	} else if !strings.Contains(v, ",") {
		addr = strings.TrimSpace(v)
		if i, j := strings.IndexByte(addr, '<'), strings.LastIndexByte(addr, '>'); i >= 0 && j > i {
			addr = strings.TrimSpace(addr[i+1 : j])
		}
	}
	if addr == "" {
		return ""
	}
	reason := ""
	local, domain, found := strings.Cut(addr, "@")
	switch {
	case !found:
		reason = "An email address must have an @-sign."
	case local == "":
		reason = "There must be something before the @-sign."
	case domain == "":
		reason = "There must be something after the @-sign."
	case strings.Contains(domain, "@"):
		reason = "The email address is not valid. It must have exactly one @-sign."
	case !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, "."):
		reason = "The part after the @-sign is not valid. It should have a period."
	default:
		return ""
	}
	return fmt.Sprintf("%s is not a valid email address: %s", pyRepr(addr), reason)
}

// checkDescription is row 12: the description must render. Only
// reStructuredText can fail, and it fails as readme_renderer does.
func checkDescription(meta url.Values) *reply {
	desc := single(meta, "description")
	if desc == "" {
		return nil
	}
	dct := single(meta, "description_content_type")
	ctype, _, _ := strings.Cut(dct, ";")
	if ctype = strings.ToLower(strings.TrimSpace(ctype)); ctype != "" && ctype != "text/x-rst" {
		return nil
	}
	if !rstFails(desc) {
		return nil
	}
	if dct != "" {
		return badRequest("The description failed to render for %s. See https://pypi.org/help/#description-content-type for more information.", pyRepr(dct))
	}
	return badRequest("The description failed to render in the default format of reStructuredText. See https://pypi.org/help/#description-content-type for more information.")
}

// rstFails is readme_renderer's verdict on a reStructuredText
// description: docutils with PyPI's settings reports a warning or worse.
// The index shares pkg/rst with the client (docs/test-index.md says why).
func rstFails(text string) bool {
	return len(rst.Validate(text)) > 0
}
