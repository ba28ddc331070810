package fakeindex

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
)

// devpiIndex is the devpi index the devpi profile serves, created
// non-volatile: a file once uploaded cannot be replaced.
const devpiIndex = "root/dev"

// devpiRegistry is a devpi-server index without the devpi-web plugin
// (docs/test-index.md, registry profiles: devpi_server/views.py,
// view_auth.py and filestore.py).
type devpiRegistry struct{}

const devpiBase = "/" + devpiIndex

func (devpiRegistry) uploadPath() string                { return devpiBase + "/" }
func (devpiRegistry) uploadPaths() []string             { return []string{devpiBase + "/"} }
func (devpiRegistry) simplePath() string                { return devpiBase + "/+simple/" }
func (devpiRegistry) readAuth() bool                    { return false }
func (devpiRegistry) releasePage(string, string) string { return "" }

// answer words the outcome as the submit view does: an empty 200, and
// errors as Pyramid exceptions whose title is the message. Unlike the
// other registries, devpi takes an identical file again, with 200; only
// other bytes under a filename already there get 409.
func (devpiRegistry) answer(rp *reply, r *http.Request) *reply {
	switch rp.kind {
	case kindStored:
		return &reply{status: http.StatusOK, raw: true, ctype: "text/html; charset=UTF-8"}
	case kindIdentical:
		return &reply{status: http.StatusOK, message: "Upload of identical file to non volatile index.", custom: true}
	case kindExists:
		return &reply{status: http.StatusConflict, message: rp.file.Filename + " already exists in non-volatile index", custom: true}
	case kindNoAuth, kindBadAuth:
		return devpiRegistry{}.denied(rp.kind, r)
	}
	return &reply{status: rp.status, message: messageOf(rp), custom: true}
}

// denied is the security policy's challenge: Pyramid's 401 with
// forget()'s header.
func (devpiRegistry) denied(replyKind, *http.Request) *reply {
	return &reply{status: http.StatusUnauthorized, header: http.Header{"Www-Authenticate": {`Basic realm="pypi"`}}}
}

// devpiInstaller is INSTALLER_USER_AGENT: installers get the page without
// the redirect to the slash.
var devpiInstaller = regexp.MustCompile(`^([^ ]* )*(distribute|setuptools|pip|pex|uv)/.*`)

func (devpiRegistry) routes(ix *Index, mux *http.ServeMux) {
	ix.routeUploads(mux)
	ix.readRoute(mux, "GET "+devpiBase+"/+simple/{project}", ix.handleDevpiNoSlash)
	ix.readRoute(mux, "GET "+devpiBase+"/+simple/{project}/{$}", ix.handleDevpiSimple)
	ix.readRoute(mux, "GET "+devpiBase+"/+f/{a}/{b}/{filename}", ix.handleDevpiFile)
}

// devpiAbort is views.abort: a JSON message for clients that accept JSON,
// otherwise Pyramid's page with the message as its explanation, in HTML
// when the request has no Accept header.
func devpiAbort(r *http.Request, status int, msg string) *reply {
	accept := r.Header.Get("Accept")
	if strings.Contains(accept, "application/json") {
		b, _ := json.MarshalIndent(map[string]string{"message": msg}, "", "  ") // a map of strings always encodes
		return &reply{status: status, raw: true, ctype: "application/json", body: string(b) + "\n"}
	}
	format := formatHTML
	if accept != "" {
		format = errorFormat(r)
	}
	rp := &reply{status: status, explanation: msg}
	return &reply{status: status, raw: true, ctype: pyramidContentType(format), body: rp.render(format)}
}

// handleDevpiNoSlash redirects to the slash form with 302, except for
// installers and PEP 691 clients, which get the page itself.
func (ix *Index) handleDevpiNoSlash(w http.ResponseWriter, r *http.Request) {
	if devpiInstaller.MatchString(r.UserAgent()) || devpiContentType(r) == simpleJSON {
		ix.handleDevpiSimple(w, r)
		return
	}
	w.Header().Set("Vary", "Accept, User-Agent")
	(&reply{status: http.StatusFound, raw: true, header: http.Header{"Location": {baseURL(r) + r.URL.Path + "/"}}}).write(w, r)
}

// devpiContentType is _select_simple_content_type: HTML first on a tie;
// a header that admits neither gets devpi's literal "text_html".
func devpiContentType(r *http.Request) string {
	accept := strings.Join(r.Header.Values("Accept"), ",")
	if accept == "" {
		return formatHTML
	}
	if ct := negotiate(accept, formatHTML, simpleJSON); ct != "" {
		return ct
	}
	return "text_html"
}

// devpiHref is the link of a file from the project page: relative, into
// +f/<3 hex>/<13 hex>/ of its sha256, with the hash as the fragment.
func devpiHref(f *storedFile) string {
	return fmt.Sprintf("../../+f/%s/%s/%s#sha256=%s", f.SHA256[:3], f.SHA256[3:16], f.Filename, f.SHA256)
}

// handleDevpiSimple is simple_list_project: the HTML page with the stage
// before each link, or PEP 691 JSON (api-version 1.0) when asked.
func (ix *Index) handleDevpiSimple(w http.ResponseWriter, r *http.Request) {
	s, ok := ix.snapshot(r.PathValue("project"))
	if !ok {
		devpiAbort(r, http.StatusNotFound, fmt.Sprintf("The project %s does not exist.", canonicalName(r.PathValue("project")))).write(w, r)
		return
	}
	ctype := devpiContentType(r)
	w.Header().Set("Vary", "Accept, User-Agent")
	if ctype == simpleJSON {
		(&reply{status: http.StatusOK, raw: true, ctype: simpleJSON, body: devpiJSON(s)}).write(w, r)
		return
	}
	title := devpiIndex + ": links for " + s.normalized
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html><html lang=\"en\"><head><title>%s</title></head><body><h1>%s</h1>\n", title, title)
	for _, fr := range s.listing() {
		attrs := `href="` + devpiHref(fr.f) + `"`
		if rp := fr.rel.requiresPython(); rp != "" {
			attrs += ` data-requires-python="` + html.EscapeString(rp) + `"`
		}
		fmt.Fprintf(&b, "%s <a %s>%s</a><br>\n", devpiIndex, attrs, fr.f.Filename)
	}
	b.WriteString("</body></html>")
	(&reply{status: http.StatusOK, raw: true, ctype: ctype + "; charset=UTF-8", body: b.String()}).write(w, r)
}

// devpiJSON is _simple_list_project_json_v1.
func devpiJSON(s projectSnap) string {
	type file struct {
		Filename       string            `json:"filename"`
		URL            string            `json:"url"`
		Hashes         map[string]string `json:"hashes"`
		RequiresPython string            `json:"requires-python,omitempty"`
	}
	var b strings.Builder
	name, _ := json.Marshal(s.normalized) // a string always encodes
	fmt.Fprintf(&b, `{"meta":{"api-version":"1.0"},"name":%s,"files":[`, name)
	for i, fr := range s.listing() {
		href, _, _ := strings.Cut(devpiHref(fr.f), "#")
		info, _ := json.Marshal(file{fr.f.Filename, href, map[string]string{"sha256": fr.f.SHA256}, fr.rel.requiresPython()}) // plain strings always encode
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(info)
	}
	b.WriteString("]}")
	return b.String()
}

// handleDevpiFile serves a file whose +f path matches its sha256.
func (ix *Index) handleDevpiFile(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("filename")
	ix.mu.Lock()
	sf := ix.byFilename[name]
	ix.mu.Unlock()
	if sf == nil || r.PathValue("a")+r.PathValue("b") != sf.SHA256[:16] || !ix.serveFile(w, r, "", name) {
		devpiAbort(r, http.StatusNotFound, "no such file").write(w, r)
	}
}
