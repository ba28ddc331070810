package fakeindex

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
)

// nexusRepo is the hosted PyPI repository the nexus profile serves, with
// Nexus's default write policy for hosted repositories: allow once.
const nexusRepo = "pypi-hosted"

// nexusRegistry is a Nexus Repository 3 hosted PyPI repository
// (docs/test-index.md, registry profiles: the nexus-repository-pypi
// plugin's recipe, hosted handlers and pypi-index.vm, and nexus-core's
// errorPageHtml.vm).
type nexusRegistry struct{}

const nexusBase = "/repository/" + nexusRepo

func (nexusRegistry) uploadPath() string                { return nexusBase + "/" }
func (nexusRegistry) uploadPaths() []string             { return []string{nexusBase + "/"} }
func (nexusRegistry) simplePath() string                { return nexusBase + "/simple/" }
func (nexusRegistry) readAuth() bool                    { return false }
func (nexusRegistry) releasePage(string, string) string { return "" }

// answer words the outcome as Nexus does: 200 and no body on success,
// and every error as its HTML error page; the write policy's refusal
// covers identical files too.
func (nexusRegistry) answer(rp *reply, r *http.Request) *reply {
	switch rp.kind {
	case kindStored:
		return &reply{status: http.StatusOK, raw: true}
	case kindIdentical, kindExists:
		return nexusError(http.StatusBadRequest, "Repository does not allow updating assets: "+nexusRepo)
	case kindNoAuth, kindBadAuth:
		return nexusRegistry{}.denied(rp.kind, r)
	}
	return nexusError(rp.status, messageOf(rp))
}

// denied is Nexus's challenge for a repository anonymous users may not
// read.
func (nexusRegistry) denied(replyKind, *http.Request) *reply {
	rp := nexusError(http.StatusUnauthorized, http.StatusText(http.StatusUnauthorized))
	rp.header = http.Header{"Www-Authenticate": {`BASIC realm="Sonatype Nexus Repository Manager"`}}
	return rp
}

// nexusError is errorPageHtml.vm without its images and stylesheets: the
// description sits in a content-section div, where clients that skip
// existing files look for "updating asset".
func nexusError(status int, description string) *reply {
	page := fmt.Sprintf(`<html>
<head>
  <title>%d - Sonatype Nexus</title>
  <meta http-equiv="Content-Type" content="text/html; charset=UTF-8"/>
</head>
<body>
<div class="nexus-header">
  <span class="name">Sonatype Nexus</span>
</div>

<div class="nexus-body">
  <div class="content-header">
    <span class="title">Error %d</span>
    <span class="description">%s</span>
  </div>
  <div class="content-body">
    <div class="content-section">
      %s
    </div>
  </div>
</div>
</body>
</html>
`, status, status, html.EscapeString(http.StatusText(status)), html.EscapeString(description))
	return htmlReply(status, page)
}

func (nexusRegistry) routes(ix *Index, mux *http.ServeMux) {
	ix.routeUploads(mux)
	ix.readRoute(mux, "GET "+nexusBase+"/simple/{project}/{$}", ix.handleNexusSimple)
	ix.readRoute(mux, "GET "+nexusBase+"/packages/{project}/{version}/{filename}", ix.handleNexusFile)
}

// handleNexusSimple is pypi-index.vm: links relative to the page, into
// packages/<name>/<version>/, with rel="internal".
func (ix *Index) handleNexusSimple(w http.ResponseWriter, r *http.Request) {
	s, ok := ix.snapshot(r.PathValue("project"))
	if !ok {
		nexusError(http.StatusNotFound, http.StatusText(http.StatusNotFound)).write(w, r)
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<html lang=\"en\">\n<head><title>Links for %s</title>\n  <meta name=\"api-version\" value=\"2\"/>\n</head>\n<body><h1>Links for %s</h1>\n", html.EscapeString(s.name), html.EscapeString(s.name))
	for _, fr := range s.listing() {
		href := fmt.Sprintf("../../packages/%s/%s/%s#sha256=%s", url.PathEscape(s.normalized), url.PathEscape(fr.rel.version), url.PathEscape(fr.f.Filename), fr.f.SHA256)
		attrs := ""
		if rp := fr.rel.requiresPython(); rp != "" {
			attrs = ` data-requires-python="` + html.EscapeString(rp) + `"`
		}
		fmt.Fprintf(&b, "    <a href=\"%s\" rel=\"internal\"%s>%s</a><br/>\n", href, attrs, html.EscapeString(fr.f.Filename))
	}
	b.WriteString("</body>\n</html>\n")
	htmlReply(http.StatusOK, b.String()).write(w, r)
}

func (ix *Index) handleNexusFile(w http.ResponseWriter, r *http.Request) {
	if !ix.serveFile(w, r, r.PathValue("project"), r.PathValue("filename")) {
		nexusError(http.StatusNotFound, http.StatusText(http.StatusNotFound)).write(w, r)
	}
}
