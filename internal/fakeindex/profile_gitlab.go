package fakeindex

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"strconv"
	"strings"
)

// gitlabProject is the id of the project whose package registry the
// gitlab profile serves.
const gitlabProject = "42"

// gitlabRegistry is GitLab's PyPI package registry of one private project
// (docs/test-index.md, registry profiles: lib/api/pypi_packages.rb,
// lib/api/helpers.rb, app/models/packages/package_file.rb and the simple
// presenters).
type gitlabRegistry struct{}

const gitlabBase = "/api/v4/projects/" + gitlabProject + "/packages/pypi"

func (gitlabRegistry) uploadPath() string    { return gitlabBase }
func (gitlabRegistry) uploadPaths() []string { return []string{gitlabBase} }
func (gitlabRegistry) simplePath() string    { return gitlabBase + "/simple/" }
func (gitlabRegistry) readAuth() bool        { return true }

// releasePage is "": GitLab's package page is keyed by an internal
// package id a client cannot derive from the name and version.
func (gitlabRegistry) releasePage(string, string) string { return "" }

// answer words the outcome as the Grape API does: {"message": ...}
// documents, 201 on success, and the model validation's 400 for a file
// name already in the package, identical or not.
func (gitlabRegistry) answer(rp *reply, r *http.Request) *reply {
	switch rp.kind {
	case kindStored:
		return gitlabMessage(http.StatusCreated, "201 Created")
	case kindIdentical, kindExists:
		return gitlabMessage(http.StatusBadRequest, "400 Bad request - Validation failed: File name has already been taken")
	case kindNoAuth, kindBadAuth:
		return gitlabRegistry{}.denied(rp.kind, r)
	}
	return gitlabMessage(rp.status, gitlabStatusMessage(rp.status, rp.message))
}

// denied is the packages API's unauthorized!: a 401 with the realm.
func (gitlabRegistry) denied(replyKind, *http.Request) *reply {
	rp := gitlabMessage(http.StatusUnauthorized, "401 Unauthorized")
	rp.header = http.Header{"Www-Authenticate": {`Basic realm="GitLab Packages Registry"`}}
	return rp
}

// gitlabStatusMessage is the message of GitLab's error helpers: the
// status and its title, then " - " and the reason when there is one
// (bad_request!, forbidden!, render_api_error_with_reason!).
func gitlabStatusMessage(status int, reason string) string {
	title := http.StatusText(status)
	if status == http.StatusBadRequest {
		title = "Bad request" // sic: lib/api/helpers.rb
	}
	msg := strconv.Itoa(status) + " " + title
	if reason != "" {
		msg += " - " + reason
	}
	return msg
}

// gitlabMessage is render_api_error!: {"message": msg} as compact JSON.
func gitlabMessage(status int, msg string) *reply {
	b, _ := json.Marshal(map[string]string{"message": msg}) // a map of strings always encodes
	return &reply{status: status, raw: true, ctype: "application/json", body: string(b)}
}

func (gitlabRegistry) routes(ix *Index, mux *http.ServeMux) {
	ix.routeUploads(mux)
	// Grape's simple/*package_name takes the name with or without a slash.
	ix.readRoute(mux, "GET "+gitlabBase+"/simple/{project}", ix.handleGitLabSimple)
	ix.readRoute(mux, "GET "+gitlabBase+"/simple/{project}/{$}", ix.handleGitLabSimple)
	ix.readRoute(mux, "GET "+gitlabBase+"/files/{sha256}/{filename}", ix.handleGitLabFile)
}

// handleGitLabSimple is SimplePackageVersionsPresenter's page, kept with
// the indentation of its heredoc: absolute links to the files endpoint,
// keyed by sha256, and data-requires-python on every link.
func (ix *Index) handleGitLabSimple(w http.ResponseWriter, r *http.Request) {
	s, ok := ix.snapshot(r.PathValue("project"))
	if !ok {
		gitlabMessage(http.StatusNotFound, "404 Package Not Found").write(w, r)
		return
	}
	var links strings.Builder
	for _, fr := range s.listing() {
		href := fmt.Sprintf("%s%s/files/%s/%s#sha256=%s", baseURL(r), gitlabBase, fr.f.SHA256, fr.f.Filename, fr.f.SHA256)
		fmt.Fprintf(&links, "<a href=\"%s\" data-requires-python=\"%s\">%s</a>", href, html.EscapeString(fr.rel.requiresPython()), fr.f.Filename)
	}
	name := html.EscapeString(s.name)
	page := "        <!DOCTYPE html>\n        <html>\n          <head>\n            <title>Links for " + name +
		"</title>\n          </head>\n          <body>\n            <h1>Links for " + name + "</h1>\n            " +
		links.String() + "\n          </body>\n        </html>\n"
	htmlReply(http.StatusOK, page).write(w, r)
}

// handleGitLabFile serves a file when its sha256 matches the path's, as
// PackageFinder looks it up by filename and digest.
func (ix *Index) handleGitLabFile(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("filename")
	ix.mu.Lock()
	sf := ix.byFilename[name]
	ix.mu.Unlock()
	if sf == nil || sf.SHA256 != r.PathValue("sha256") || !ix.serveFile(w, r, "", name) {
		gitlabMessage(http.StatusNotFound, "404 Package Not Found").write(w, r)
	}
}
