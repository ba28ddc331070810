package fakeindex

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/pyupload/pyupload/pkg/dist"
)

// Content types of the simple API (PEP 691).
const (
	simpleJSON = "application/vnd.pypi.simple.v1+json"
	simpleHTML = "application/vnd.pypi.simple.v1+html"
)

// projectSnap is a consistent copy of a project taken under ix.mu.
type projectSnap struct {
	name, normalized string
	serial           int64
	status           string
	releases         []releaseSnap // oldest first
}

type releaseSnap struct {
	version string
	parsed  dist.Version
	meta    url.Values // never modified after the release is created
	files   []*storedFile
}

// snapshot copies the project named (in any spelling) by name; ok is false
// when there is no such project.
func (ix *Index) snapshot(name string) (projectSnap, bool) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	p := ix.projects[canonicalName(name)]
	if p == nil {
		return projectSnap{}, false
	}
	s := projectSnap{name: p.name, normalized: p.normalized, serial: ix.serial, status: statusOf(p.status)}
	if s.status == StatusQuarantined {
		return s, true // its releases are hidden
	}
	for _, r := range p.releases {
		s.releases = append(s.releases, releaseSnap{
			version: r.version, parsed: r.parsed, meta: r.meta,
			files: append([]*storedFile(nil), r.files...),
		})
	}
	return s, true
}

func baseURL(r *http.Request) string {
	if r.TLS != nil {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}

// redirectToNormalized answers 301 to the same path with the project name
// normalised, as Warehouse does for a name that is not.
func redirectToNormalized(w http.ResponseWriter, r *http.Request, name, normalized, prefix string) {
	rest := strings.TrimPrefix(r.URL.Path, prefix+name)
	(&reply{status: http.StatusMovedPermanently, location: prefix + url.PathEscape(normalized) + rest}).write(w, r)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	writeJSONAs(w, status, "application/json", v)
}

func jsonNotFound(w http.ResponseWriter) {
	writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
}

// handleProjectJSON is GET /pypi/<project>/json: the latest release's
// metadata and files, and every release's files.
func (ix *Index) handleProjectJSON(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("project")
	s, ok := ix.snapshot(name)
	if !ok || s.status == StatusQuarantined {
		jsonNotFound(w)
		return
	}
	latest := s.latest()
	if latest == nil {
		jsonNotFound(w)
		return
	}
	if name != s.normalized {
		redirectToNormalized(w, r, name, s.normalized, "/pypi/")
		return
	}
	base := baseURL(r)
	doc := ix.releaseDoc(base, s, latest)
	releases := map[string]any{}
	for i := range s.releases {
		releases[s.releases[i].version] = ix.filesJSON(base, &s.releases[i])
	}
	doc["releases"] = releases
	setReadHeaders(w, s.serial, 900)
	writeJSON(w, http.StatusOK, doc)
}

// handleReleaseJSON is GET /pypi/<project>/<version>/json; the version is
// matched by PEP 440 equality, so 1.0.0 finds 1.0.
func (ix *Index) handleReleaseJSON(w http.ResponseWriter, r *http.Request) {
	name, version := r.PathValue("project"), r.PathValue("version")
	s, ok := ix.snapshot(name)
	if !ok || s.status == StatusQuarantined {
		jsonNotFound(w)
		return
	}
	var rel *releaseSnap
	v, verr := dist.ParseVersion(version)
	for i := range s.releases {
		if verr == nil && s.releases[i].parsed.Equal(v) || verr != nil && s.releases[i].version == version {
			rel = &s.releases[i]
		}
	}
	if rel == nil {
		jsonNotFound(w)
		return
	}
	if name != s.normalized {
		redirectToNormalized(w, r, name, s.normalized, "/pypi/")
		return
	}
	setReadHeaders(w, s.serial, 900)
	writeJSON(w, http.StatusOK, ix.releaseDoc(baseURL(r), s, rel))
}

func setReadHeaders(w http.ResponseWriter, serial int64, maxAge int) {
	w.Header().Set("X-PyPI-Last-Serial", strconv.FormatInt(serial, 10))
	w.Header().Set("Cache-Control", fmt.Sprintf("max-age=%d, public", maxAge))
	w.Header().Set("Access-Control-Allow-Origin", "*")
}

// latest is the release the project JSON describes (see
// [project.latestRelease]).
func (s *projectSnap) latest() *releaseSnap {
	var best *releaseSnap
	for i := range s.releases {
		if r := &s.releases[i]; len(r.files) > 0 && (best == nil || preferRelease(r.parsed, best.parsed)) {
			best = r
		}
	}
	return best
}

// releaseDoc is the JSON API document for one release
// (docs/index-server.md §7).
func (ix *Index) releaseDoc(base string, s projectSnap, rel *releaseSnap) map[string]any {
	m := rel.meta
	str := func(key string) any {
		if v := single(m, key); v != "" {
			return v
		}
		return nil
	}
	list := func(key string) any {
		if vs := m[key]; len(vs) > 0 {
			return vs
		}
		return nil
	}
	var keywords, platform, projectURLs, dynamic any
	if kw := keywordsOf(m); kw != "" {
		keywords = kw
	}
	if p := m["platform"]; len(p) > 0 {
		platform = p[0] // Warehouse keeps only the first
	}
	if pairs := m["project_urls"]; len(pairs) > 0 {
		urls := map[string]string{}
		for _, pair := range pairs {
			label, link := splitProjectURL(pair)
			urls[label] = link
		}
		projectURLs = urls
	}
	if d := m["dynamic"]; len(d) > 0 {
		titled := make([]string, len(d))
		for i, f := range d {
			titled[i] = pyTitle(f)
		}
		dynamic = titled
	}
	classifiers := m["classifiers"]
	if classifiers == nil {
		classifiers = []string{}
	}
	projectURL := base + "/project/" + s.name + "/"
	return map[string]any{
		"info": map[string]any{
			"name":                     s.name,
			"version":                  rel.version,
			"summary":                  str("summary"),
			"description_content_type": str("description_content_type"),
			"description":              single(m, "description"),
			"keywords":                 keywords,
			"license":                  str("license"),
			"license_expression":       str("license_expression"),
			"license_files":            list("license_file"),
			"classifiers":              classifiers,
			"author":                   str("author"),
			"author_email":             str("author_email"),
			"maintainer":               str("maintainer"),
			"maintainer_email":         str("maintainer_email"),
			"requires_python":          str("requires_python"),
			"platform":                 platform,
			"downloads":                map[string]int{"last_day": -1, "last_week": -1, "last_month": -1},
			"package_url":              projectURL,
			"project_url":              projectURL,
			"project_urls":             projectURLs,
			"release_url":              projectURL + rel.version + "/",
			"requires_dist":            list("requires_dist"),
			"provides_extra":           list("provides_extra"),
			"docs_url":                 nil,
			"bugtrack_url":             nil,
			"home_page":                str("home_page"),
			"download_url":             str("download_url"),
			"yanked":                   false,
			"yanked_reason":            nil,
			"dynamic":                  dynamic,
		},
		"urls":            ix.filesJSON(base, rel),
		"vulnerabilities": []any{},
		"last_serial":     s.serial,
		"ownership":       map[string]any{"roles": []any{}, "organization": nil},
	}
}

// filesJSON lists a release's files as the JSON API does, by filename.
func (ix *Index) filesJSON(base string, rel *releaseSnap) []map[string]any {
	files := append([]*storedFile(nil), rel.files...)
	sort.Slice(files, func(i, j int) bool { return files[i].Filename < files[j].Filename })
	var requiresPython any
	if rp := single(rel.meta, "requires_python"); rp != "" {
		requiresPython = rp
	}
	out := make([]map[string]any, 0, len(files))
	for _, f := range files {
		md5sum := ix.md5Of(f)
		var comment, coreMetadata any = nil, false
		if f.comment != "" {
			comment = f.comment
		}
		if f.metadataSHA != "" {
			coreMetadata = map[string]string{"sha256": f.metadataSHA}
		}
		out = append(out, map[string]any{
			"filename":       f.Filename,
			"packagetype":    f.Filetype,
			"python_version": f.PyVersion,
			"has_sig":        false,
			"comment_text":   comment,
			"md5_digest":     md5sum,
			"digests": map[string]string{
				"md5":         md5sum,
				"sha256":      f.SHA256,
				"blake2b_256": f.Blake2b256,
			},
			"core-metadata":        coreMetadata,
			"size":                 f.Size,
			"downloads":            -1,
			"upload_time":          f.UploadTime.Format("2006-01-02T15:04:05"),
			"upload_time_iso_8601": pyISOTime(f.UploadTime) + "Z",
			"url":                  fileURL(base, f.Filename),
			"requires_python":      requiresPython,
			"yanked":               false,
			"yanked_reason":        nil,
		})
	}
	return out
}

func fileURL(base, filename string) string {
	return base + "/files/" + url.PathEscape(filename)
}

// pyISOTime is Python's datetime.isoformat() for a naive UTC time:
// microseconds only when there are some.
func pyISOTime(t time.Time) string {
	t = t.UTC()
	if us := t.Nanosecond() / 1000; us != 0 {
		return t.Format("2006-01-02T15:04:05") + fmt.Sprintf(".%06d", us)
	}
	return t.Format("2006-01-02T15:04:05")
}

// pyTitle is Python's str.title(): each run of letters capitalised.
func pyTitle(s string) string {
	var b strings.Builder
	prevLetter := false
	for _, r := range s {
		if unicode.IsLetter(r) {
			if prevLetter {
				r = unicode.ToLower(r)
			} else {
				r = unicode.ToUpper(r)
			}
			prevLetter = true
		} else {
			prevLetter = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// handleSimpleIndex is GET /simple/: every project (PEP 503 / PEP 691).
func (ix *Index) handleSimpleIndex(w http.ResponseWriter, r *http.Request) {
	type entry struct{ name, normalized string }
	ix.mu.Lock()
	serial := ix.serial
	projects := make([]entry, 0, len(ix.projects))
	for _, p := range ix.projects {
		projects = append(projects, entry{p.name, p.normalized})
	}
	ix.mu.Unlock()
	sort.Slice(projects, func(i, j int) bool { return projects[i].normalized < projects[j].normalized })

	ctype := negotiate(strings.Join(r.Header.Values("Accept"), ","), formatHTML, simpleHTML, simpleJSON)
	w.Header().Set("Vary", "Accept")
	setReadHeaders(w, serial, 600)
	if ctype == simpleJSON {
		list := make([]map[string]any, len(projects))
		for i, p := range projects {
			list[i] = map[string]any{"name": p.name, "_last-serial": serial}
		}
		writeJSONAs(w, http.StatusOK, simpleJSON, map[string]any{
			"meta":     map[string]any{"api-version": "1.4", "_last-serial": serial},
			"projects": list,
		})
		return
	}
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html>\n  <head>\n    <meta name=\"pypi:repository-version\" content=\"1.4\">\n    <title>Simple index</title>\n  </head>\n  <body>\n")
	for _, p := range projects {
		fmt.Fprintf(&b, "    <a href=\"/simple/%s/\">%s</a><br/>\n", html.EscapeString(p.normalized), html.EscapeString(p.name))
	}
	b.WriteString("  </body>\n</html>\n")
	writeHTML(w, ctype, b.String())
}

// handleSimpleNoSlash redirects /simple/<project> to the slash form.
func (ix *Index) handleSimpleNoSlash(w http.ResponseWriter, r *http.Request) {
	(&reply{status: http.StatusMovedPermanently, location: r.URL.Path + "/"}).write(w, r)
}

// handleSimpleDetail is GET /simple/<project>/: PEP 691 JSON when asked
// for with Accept, the PEP 503 HTML page otherwise.
func (ix *Index) handleSimpleDetail(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("project")
	s, ok := ix.snapshot(name)
	if !ok {
		(&reply{status: http.StatusNotFound}).write(w, r)
		return
	}
	if name != s.normalized {
		redirectToNormalized(w, r, name, s.normalized, "/simple/")
		return
	}
	type fileRel struct {
		f   *storedFile
		rel *releaseSnap
	}
	var files []fileRel
	var versions []string
	for i := range s.releases { // oldest first
		rel := &s.releases[i]
		versions = append(versions, rel.version)
		sorted := append([]*storedFile(nil), rel.files...)
		sort.Slice(sorted, func(a, b int) bool { return sorted[a].Filename < sorted[b].Filename })
		for _, f := range sorted {
			files = append(files, fileRel{f, rel})
		}
	}
	base := baseURL(r)
	ctype := negotiate(strings.Join(r.Header.Values("Accept"), ","), formatHTML, simpleHTML, simpleJSON)
	w.Header().Set("Vary", "Accept")
	setReadHeaders(w, s.serial, 600)
	if ctype == simpleJSON {
		list := make([]map[string]any, 0, len(files))
		for _, fr := range files {
			var requiresPython, coreMetadata any = nil, false
			if rp := single(fr.rel.meta, "requires_python"); rp != "" {
				requiresPython = rp
			}
			if fr.f.metadataSHA != "" {
				coreMetadata = map[string]string{"sha256": fr.f.metadataSHA}
			}
			list = append(list, map[string]any{
				"filename":                fr.f.Filename,
				"url":                     fileURL(base, fr.f.Filename),
				"hashes":                  map[string]string{"sha256": fr.f.SHA256},
				"requires-python":         requiresPython,
				"size":                    fr.f.Size,
				"upload-time":             pyISOTime(fr.f.UploadTime) + "Z",
				"yanked":                  false,
				"data-dist-info-metadata": coreMetadata,
				"core-metadata":           coreMetadata,
				"provenance":              provenanceURL(base, s.normalized, fr.rel.version, fr.f),
			})
		}
		if versions == nil {
			versions = []string{}
		}
		writeJSONAs(w, http.StatusOK, simpleJSON, map[string]any{
			"meta":           map[string]any{"api-version": "1.4", "_last-serial": s.serial},
			"name":           s.normalized,
			"project-status": map[string]string{"status": s.status},
			"versions":       versions,
			"files":          list,
		})
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n  <head>\n    <meta name=\"pypi:repository-version\" content=\"1.4\">\n    <meta name=\"pypi:project-status\" content=\"%s\">\n    <title>Links for %s</title>\n  </head>\n  <body>\n    <h1>Links for %s</h1>\n", s.status, html.EscapeString(s.normalized), html.EscapeString(s.normalized))
	for _, fr := range files {
		attrs := ""
		if rp := single(fr.rel.meta, "requires_python"); rp != "" {
			attrs += fmt.Sprintf(" data-requires-python=\"%s\"", html.EscapeString(rp))
		}
		if fr.f.metadataSHA != "" {
			attrs += fmt.Sprintf(" data-dist-info-metadata=\"sha256=%s\" data-core-metadata=\"sha256=%s\"", fr.f.metadataSHA, fr.f.metadataSHA)
		}
		if u, ok := provenanceURL(base, s.normalized, fr.rel.version, fr.f).(string); ok {
			attrs += fmt.Sprintf(" data-provenance=\"%s\"", html.EscapeString(u))
		}
		fmt.Fprintf(&b, "    <a href=\"%s#sha256=%s\"%s>%s</a><br />\n", html.EscapeString(fileURL(base, fr.f.Filename)), fr.f.SHA256, attrs, html.EscapeString(fr.f.Filename))
	}
	fmt.Fprintf(&b, "  </body>\n</html>\n<!--SERIAL %d-->", s.serial)
	writeHTML(w, ctype, b.String())
}

// writeJSONAs sends v as one JSON value and a newline, like Warehouse's
// json-with-newline renderer.
func writeJSONAs(w http.ResponseWriter, status int, ctype string, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func writeHTML(w http.ResponseWriter, ctype, page string) {
	if ctype == "" {
		ctype = formatHTML
	}
	w.Header().Set("Content-Type", ctype+"; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(page)))
	_, _ = w.Write([]byte(page))
}

// handleFile is GET /files/<filename>: the stored bytes, or for
// "<wheel>.metadata" the wheel's METADATA (PEP 658).
func (ix *Index) handleFile(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("filename")
	ix.mu.Lock()
	sf := ix.byFilename[name]
	var metadata []byte
	if sf == nil {
		if base, ok := strings.CutSuffix(name, ".metadata"); ok && ix.byFilename[base] != nil {
			metadata = ix.byFilename[base].metadata
		}
	}
	ix.mu.Unlock()
	switch {
	case sf != nil:
		f, err := os.Open(sf.path)
		if err != nil {
			(&reply{status: http.StatusNotFound}).write(w, r)
			return
		}
		defer func() { _ = f.Close() }()
		w.Header().Set("Content-Type", "application/octet-stream")
		http.ServeContent(w, r, name, sf.UploadTime, f)
	case metadata != nil:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(metadata))
	default:
		(&reply{status: http.StatusNotFound}).write(w, r)
	}
}

// handleHome is GET /: the projects, with links to their pages, or as
// plain text lines when the client prefers text/plain.
func (ix *Index) handleHome(w http.ResponseWriter, r *http.Request) {
	type row struct {
		name, normalized, latest string
		files                    int
	}
	ix.mu.Lock()
	rows := make([]row, 0, len(ix.projects))
	for _, p := range ix.projects {
		rw := row{name: p.name, normalized: p.normalized}
		if l := p.latestRelease(); l != nil {
			rw.latest = l.version
		}
		for _, rel := range p.releases {
			rw.files += len(rel.files)
		}
		rows = append(rows, rw)
	}
	ix.mu.Unlock()
	sort.Slice(rows, func(i, j int) bool { return rows[i].normalized < rows[j].normalized })
	if negotiate(strings.Join(r.Header.Values("Accept"), ","), formatHTML, formatPlain) == formatPlain {
		// For terminals (curl, scripts): one project a line.
		var b strings.Builder
		if len(rows) == 0 {
			b.WriteString("no projects yet\n")
		}
		for _, rw := range rows {
			fmt.Fprintf(&b, "%s %s (%d files)\n", rw.name, rw.latest, rw.files)
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, b.String())
		return
	}
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n  <head>\n    <meta charset=\"utf-8\">\n    <title>fakeindex</title>\n  </head>\n  <body>\n    <h1>fakeindex</h1>\n    <p>A PyPI look-alike for tests. Upload to <code>/legacy/</code>; read <code>/simple/</code> and <code>/pypi/&lt;project&gt;/json</code>.</p>\n")
	if len(rows) == 0 {
		b.WriteString("    <p>No projects yet.</p>\n")
	} else {
		b.WriteString("    <ul>\n")
		for _, rw := range rows {
			n := html.EscapeString(rw.normalized)
			fmt.Fprintf(&b, "      <li><a href=\"/simple/%s/\">%s</a> %s (%d files, <a href=\"/pypi/%s/json\">JSON</a>)</li>\n",
				n, html.EscapeString(rw.name), html.EscapeString(rw.latest), rw.files, n)
		}
		b.WriteString("    </ul>\n")
	}
	b.WriteString("  </body>\n</html>\n")
	writeHTML(w, formatHTML, b.String())
}

// provenanceURL is a file's PEP 740 provenance URL in the simple API (its
// integrity API document), or nil when it has no attestations.
func provenanceURL(base, project, version string, f *storedFile) any {
	if len(f.attestations) == 0 {
		return nil
	}
	return base + "/integrity/" + url.PathEscape(project) + "/" + url.PathEscape(version) + "/" + url.PathEscape(f.Filename) + "/provenance"
}
