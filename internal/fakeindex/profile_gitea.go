package fakeindex

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
)

// giteaOwner is the user or organisation whose PyPI registry the gitea
// profile serves.
const giteaOwner = "owner"

// giteaRegistry is Gitea's (and Forgejo's) PyPI package registry for one
// owner, private, so reads need credentials (docs/test-index.md, registry
// profiles: routers/api/packages/pypi/pypi.go and api.go,
// templates/api/packages/pypi/simple.tmpl).
type giteaRegistry struct{}

const giteaBase = "/api/packages/" + giteaOwner + "/pypi"

func (giteaRegistry) uploadPath() string    { return giteaBase }
func (giteaRegistry) uploadPaths() []string { return []string{giteaBase, giteaBase + "/"} }
func (giteaRegistry) simplePath() string    { return giteaBase + "/simple/" }
func (giteaRegistry) readAuth() bool        { return true }

func (giteaRegistry) releasePage(normalized, version string) string {
	return "/" + giteaOwner + "/-/packages/pypi/" + normalized + "/" + version
}

// answer words the pipeline's outcome as Gitea does: 201 and no body,
// 409 for any file already in the version, and every error as its text.
func (giteaRegistry) answer(rp *reply, r *http.Request) *reply {
	switch rp.kind {
	case kindStored:
		return &reply{status: http.StatusCreated, raw: true}
	case kindIdentical, kindExists:
		return plainReply(http.StatusConflict, "package file already exists")
	case kindNoAuth, kindBadAuth:
		return giteaRegistry{}.denied(rp.kind, r)
	}
	return plainReply(rp.status, messageOf(rp))
}

// denied is the 401 of the packages API: reqPackageAccess for an
// anonymous request, the authentication failure for a wrong token.
func (giteaRegistry) denied(kind replyKind, _ *http.Request) *reply {
	if kind == kindBadAuth {
		return plainReply(http.StatusUnauthorized, "Failed to authenticate user")
	}
	rp := plainReply(http.StatusUnauthorized, "reqPackageAccess")
	rp.header = http.Header{"Www-Authenticate": {`Basic realm="Gitea Package API"`}}
	return rp
}

func (giteaRegistry) routes(ix *Index, mux *http.ServeMux) {
	ix.routeUploads(mux)
	ix.readRoute(mux, "GET "+giteaBase+"/simple/{project}", ix.handleGiteaSimple)
	ix.readRoute(mux, "GET "+giteaBase+"/simple/{project}/{$}", ix.handleGiteaSimple)
	ix.readRoute(mux, "GET "+giteaBase+"/files/{project}/{version}/{filename}", ix.handleGiteaFile)
	mux.HandleFunc("GET /"+giteaOwner+"/-/packages/pypi/{project}/{version}", ix.handleGiteaRelease)
	// Gitea routes /{username}/{repo} to its web UI: /simple/x/ at the
	// host root is the page of a user called "simple", not an index.
	mux.HandleFunc("GET /simple/", ix.handleGiteaUserPage)
}

// handleGiteaSimple is the PEP 503 page of simple.tmpl: links to the
// files endpoint with #sha256= and data-requires-python, no PEP 691.
func (ix *Index) handleGiteaSimple(w http.ResponseWriter, r *http.Request) {
	s, ok := ix.snapshot(r.PathValue("project"))
	if !ok {
		plainReply(http.StatusNotFound, "Not found.").write(w, r)
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html>\n\t<head>\n\t\t<title>Links for %s</title>\n\t</head>\n\t<body>\n\t\t<h1>Links for %s</h1>\n", html.EscapeString(s.normalized), html.EscapeString(s.normalized))
	base := baseURL(r) + giteaBase
	for _, fr := range s.listing() {
		href := fmt.Sprintf("%s/files/%s/%s/%s#sha256=%s", base, url.PathEscape(s.normalized), url.PathEscape(fr.rel.version), url.PathEscape(fr.f.Filename), fr.f.SHA256)
		attrs := ""
		if rp := fr.rel.requiresPython(); rp != "" {
			attrs = ` data-requires-python="` + html.EscapeString(rp) + `"`
		}
		fmt.Fprintf(&b, "\t\t\t\t<a href=\"%s\"%s>%s</a><br>\n", html.EscapeString(href), attrs, html.EscapeString(fr.f.Filename))
	}
	b.WriteString("\t</body>\n</html>\n")
	htmlReply(http.StatusOK, b.String()).write(w, r)
}

// handleGiteaFile serves a file of the project; Gitea answers 404 with
// its generic text for anything else.
func (ix *Index) handleGiteaFile(w http.ResponseWriter, r *http.Request) {
	if !ix.serveFile(w, r, r.PathValue("project"), r.PathValue("filename")) {
		plainReply(http.StatusNotFound, "Not found.").write(w, r)
	}
}

// handleGiteaRelease is the version's page in Gitea's web UI.
func (ix *Index) handleGiteaRelease(w http.ResponseWriter, r *http.Request) {
	ix.serveReleasePage(w, r, "Gitea", htmlReply(http.StatusNotFound, giteaPage("Page Not Found", "\t\t<p>The page you are trying to reach either does not exist or you are not authorized to view it.</p>\n")))
}

// handleGiteaUserPage answers any /simple/... path with the web page of
// the user "simple": 200, navigation links, and nothing a client should
// take for a simple index.
func (ix *Index) handleGiteaUserPage(w http.ResponseWriter, r *http.Request) {
	htmlReply(http.StatusOK, giteaUserPage("simple")).write(w, r)
}

// giteaUserPage is the profile page of a user in Gitea's web UI.
func giteaUserPage(user string) string {
	return giteaPage(user, "\t\t<span class=\"username\">"+user+"</span>\n"+
		"\t\t<a href=\"/"+user+"?tab=repositories\">Repositories</a>\n"+
		"\t\t<a href=\"/"+user+"?tab=packages\">Packages</a>\n")
}

// giteaPage is a Gitea web page reduced to its frame: the head and the
// navigation bar every page has, around main.
func giteaPage(title, main string) string {
	return `<!DOCTYPE html>
<html lang="en-US" data-theme="gitea-auto">
<head>
	<meta name="viewport" content="width=device-width, initial-scale=1">
	<title>` + title + ` - Gitea: Git with a cup of tea</title>
	<meta name="author" content="Gitea - Git with a cup of tea">
	<meta name="description" content="Gitea (Git with a cup of tea) is a painless self-hosted Git service written in Go">
</head>
<body>
	<nav id="navbar" aria-label="Navigation Bar">
		<a class="item" href="/">Home</a>
		<a class="item" href="/explore/repos">Explore</a>
		<a class="item" href="/user/sign_up">Register</a>
		<a class="item" href="/user/login">Sign In</a>
	</nav>
	<div role="main" class="page-content">
` + main + `	</div>
	<footer class="page-footer">
		<a target="_blank" rel="noopener noreferrer" href="https://about.gitea.com">Powered by Gitea</a>
	</footer>
</body>
</html>
`
}
