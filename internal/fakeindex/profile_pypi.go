package fakeindex

import "net/http"

// pypiRegistry is PyPI itself (Warehouse), the index's own behaviour:
// docs/index-server.md describes every answer.
type pypiRegistry struct{}

func (pypiRegistry) uploadPath() string    { return "/legacy/" }
func (pypiRegistry) uploadPaths() []string { return []string{"/legacy/"} }
func (pypiRegistry) simplePath() string    { return "/simple/" }
func (pypiRegistry) readAuth() bool        { return false }

func (pypiRegistry) releasePage(normalized, version string) string {
	return "/project/" + normalized + "/" + version + "/"
}

// answer keeps the pipeline's reply: it is Warehouse's already.
func (pypiRegistry) answer(rp *reply, _ *http.Request) *reply { return rp }

// denied has no counterpart on PyPI, whose reads are public: it is the
// 401 Pyramid would render, for tests that make reads private anyway.
func (pypiRegistry) denied(replyKind, *http.Request) *reply {
	return &reply{status: http.StatusUnauthorized, header: http.Header{"Www-Authenticate": {`Basic realm="pypi"`}}}
}

func (pypiRegistry) routes(ix *Index, mux *http.ServeMux) {
	ix.routeUploads(mux)
	mux.HandleFunc("POST /legacy", ix.handleLegacyNoSlash)
	mux.HandleFunc("GET /legacy/{$}", ix.handleEndpointPage)
	ix.readRoute(mux, "GET /pypi/{project}/json", ix.handleProjectJSON)
	ix.readRoute(mux, "GET /pypi/{project}/json/{$}", ix.handleProjectJSON)
	ix.readRoute(mux, "GET /pypi/{project}/{version}/json", ix.handleReleaseJSON)
	ix.readRoute(mux, "GET /pypi/{project}/{version}/json/{$}", ix.handleReleaseJSON)
	ix.readRoute(mux, "GET /simple/{$}", ix.handleSimpleIndex)
	ix.readRoute(mux, "GET /simple/{project}/{$}", ix.handleSimpleDetail)
	ix.readRoute(mux, "GET /simple/{project}", ix.handleSimpleNoSlash)
	ix.readRoute(mux, "GET /files/{filename}", ix.handleFile)
	mux.HandleFunc("GET /project/{project}/{version}/{$}", ix.handleReleasePage)
	mux.HandleFunc("GET /{$}", ix.handleHome)
}

// handleReleasePage is GET /project/<project>/<version>/, the release's
// page on pypi.org, reduced to its files. Like Warehouse it redirects a
// name that is not normalised.
func (ix *Index) handleReleasePage(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("project")
	if norm := canonicalName(name); name != norm {
		if _, ok := ix.snapshot(name); ok {
			redirectToNormalized(w, r, name, norm, "/project/")
			return
		}
	}
	ix.serveReleasePage(w, r, "PyPI", &reply{status: http.StatusNotFound})
}
