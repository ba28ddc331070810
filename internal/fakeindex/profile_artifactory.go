package fakeindex

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
)

// artifactoryRepo is the local PyPI repository the artifactory profile
// serves.
const artifactoryRepo = "pypi-local"

// artifactoryRegistry is a JFrog Artifactory local PyPI repository
// (docs/test-index.md, registry profiles, lists where its answers were
// taken from: Artifactory's source is not public).
type artifactoryRegistry struct{}

const artifactoryBase = "/artifactory/api/pypi/" + artifactoryRepo

func (artifactoryRegistry) uploadPath() string { return artifactoryBase }
func (artifactoryRegistry) uploadPaths() []string {
	return []string{artifactoryBase, artifactoryBase + "/"}
}
func (artifactoryRegistry) simplePath() string                { return artifactoryBase + "/simple/" }
func (artifactoryRegistry) readAuth() bool                    { return false }
func (artifactoryRegistry) releasePage(string, string) string { return "" }

// answer words the outcome as Artifactory does: 200 on success, and
// errors as its {"errors": [...]} document. Storing over an existing path
// needs the delete permission a deployer lacks, so any file already there
// is refused with 403, identical or not.
func (artifactoryRegistry) answer(rp *reply, r *http.Request) *reply {
	switch rp.kind {
	case kindStored:
		return &reply{status: http.StatusOK, raw: true}
	case kindIdentical, kindExists:
		return artifactoryError(http.StatusForbidden, fmt.Sprintf(
			"Not enough permissions to delete/overwrite artifact '%s:%s/%s/%s' (user: '%s' needs DELETE permission).",
			artifactoryRepo, rp.file.Project, rp.file.Version, rp.file.Filename, artifactoryUser(r)))
	case kindNoAuth, kindBadAuth:
		return artifactoryRegistry{}.denied(rp.kind, r)
	}
	return artifactoryError(rp.status, messageOf(rp))
}

func (artifactoryRegistry) denied(kind replyKind, _ *http.Request) *reply {
	msg := "Authentication is required"
	if kind == kindBadAuth {
		msg = "Bad credentials"
	}
	rp := artifactoryError(http.StatusUnauthorized, msg)
	rp.header = http.Header{"Www-Authenticate": {`Basic realm="Artifactory Realm"`}}
	return rp
}

// artifactoryUser is the user an error names: the Basic auth username.
func artifactoryUser(r *http.Request) string {
	if user, _, ok := r.BasicAuth(); ok && user != "" {
		return user
	}
	return "anonymous"
}

// artifactoryError is Artifactory's error document, in the layout of its
// JSON printer.
func artifactoryError(status int, msg string) *reply {
	quoted, _ := json.Marshal(msg) // a string always encodes
	body := fmt.Sprintf("{\n  \"errors\" : [ {\n    \"status\" : %d,\n    \"message\" : %s\n  } ]\n}", status, quoted)
	return &reply{status: status, raw: true, ctype: "application/json", body: body}
}

func (artifactoryRegistry) routes(ix *Index, mux *http.ServeMux) {
	ix.routeUploads(mux)
	ix.readRoute(mux, "GET "+artifactoryBase+"/simple/{project}", ix.handleArtifactorySimple)
	ix.readRoute(mux, "GET "+artifactoryBase+"/simple/{project}/{$}", ix.handleArtifactorySimple)
	ix.readRoute(mux, "GET /artifactory/"+artifactoryRepo+"/{project}/{version}/{filename}", ix.handleArtifactoryFile)
}

// handleArtifactorySimple is a PEP 503 page whose links point at the
// files' repository paths (<name>/<version>/<filename>, the path its
// overwrite error names), with #sha256=.
func (ix *Index) handleArtifactorySimple(w http.ResponseWriter, r *http.Request) {
	s, ok := ix.snapshot(r.PathValue("project"))
	if !ok {
		artifactoryError(http.StatusNotFound, "Not Found").write(w, r)
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<html>\n<head><title>Links for %s</title></head>\n<body>\n<h1>Links for %s</h1>\n", html.EscapeString(s.normalized), html.EscapeString(s.normalized))
	for _, fr := range s.listing() {
		href := fmt.Sprintf("%s/artifactory/%s/%s/%s/%s#sha256=%s", baseURL(r), artifactoryRepo, url.PathEscape(fr.f.Project), url.PathEscape(fr.rel.version), url.PathEscape(fr.f.Filename), fr.f.SHA256)
		attrs := ""
		if rp := fr.rel.requiresPython(); rp != "" {
			attrs = ` data-requires-python="` + html.EscapeString(rp) + `"`
		}
		fmt.Fprintf(&b, "<a href=\"%s\"%s>%s</a><br/>\n", html.EscapeString(href), attrs, html.EscapeString(fr.f.Filename))
	}
	b.WriteString("</body>\n</html>\n")
	htmlReply(http.StatusOK, b.String()).write(w, r)
}

func (ix *Index) handleArtifactoryFile(w http.ResponseWriter, r *http.Request) {
	if !ix.serveFile(w, r, r.PathValue("project"), r.PathValue("filename")) {
		artifactoryError(http.StatusNotFound, "Not Found").write(w, r)
	}
}
