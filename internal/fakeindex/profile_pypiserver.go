package fakeindex

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// pypiserverRegistry is pypiserver 2.4 as its Docker image runs it:
// uploads need credentials, reads do not, no --overwrite, and the
// fallback to pypi.org on (docs/test-index.md, registry profiles:
// pypiserver/_app.py and Bottle's error page).
type pypiserverRegistry struct{}

func (pypiserverRegistry) uploadPath() string                { return "/" }
func (pypiserverRegistry) uploadPaths() []string             { return []string{"/"} }
func (pypiserverRegistry) simplePath() string                { return "/simple/" }
func (pypiserverRegistry) readAuth() bool                    { return false }
func (pypiserverRegistry) releasePage(string, string) string { return "" }

// answer words the outcome as pypiserver does: an empty 200, and errors
// as Bottle's HTML page. A file already there is refused with 409, or
// with 400 when the User-Agent names twine (pypiserver 2.4.0 made that
// change for twine 6.2, which no longer skips on 409).
func (pypiserverRegistry) answer(rp *reply, r *http.Request) *reply {
	switch rp.kind {
	case kindStored:
		return &reply{status: http.StatusOK, raw: true, ctype: "text/html; charset=UTF-8"}
	case kindIdentical, kindExists:
		status := http.StatusConflict
		if strings.Contains(r.UserAgent(), "twine") {
			status = http.StatusBadRequest
		}
		return bottleError(status, r, fmt.Sprintf("Package %s already exists!\n  You may start server with `--overwrite` option.", pyRepr(rp.file.Filename)))
	case kindNoAuth, kindBadAuth:
		return pypiserverRegistry{}.denied(rp.kind, r)
	}
	return bottleError(rp.status, r, messageOf(rp))
}

// denied is the auth decorator: a 401 challenge without credentials, 403
// when they are wrong.
func (pypiserverRegistry) denied(kind replyKind, r *http.Request) *reply {
	if kind == kindBadAuth {
		return bottleError(http.StatusForbidden, r, "")
	}
	rp := bottleError(http.StatusUnauthorized, r, "")
	rp.header = http.Header{"Www-Authenticate": {`Basic realm="pypi"`}}
	return rp
}

// bottleError is Bottle's ERROR_PAGE_TEMPLATE, indentation included.
func bottleError(status int, r *http.Request, body string) *reply {
	line := fmt.Sprintf("%d %s", status, http.StatusText(status))
	page := `
    <!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">
    <html>
        <head>
            <title>Error: ` + line + `</title>
            <style type="text/css">
              html {background-color: #eee; font-family: sans;}
              body {background-color: #fff; border: 1px solid #ddd;
                    padding: 15px; margin: 15px;}
              pre {background-color: #eee; border: 1px solid #ddd; padding: 5px;}
            </style>
        </head>
        <body>
            <h1>Error: ` + line + `</h1>
            <p>Sorry, the requested URL <tt>` + bottleEscape(pyRepr(baseURL(r)+r.URL.RequestURI())) + `</tt>
               caused an error:</p>
            <pre>` + bottleEscape(body) + `</pre>
        </body>
    </html>
`
	return &reply{status: status, raw: true, ctype: "text/html; charset=UTF-8", body: page}
}

// bottleEscape is Bottle's html_escape.
func bottleEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#039;").Replace(s)
}

func (pypiserverRegistry) routes(ix *Index, mux *http.ServeMux) {
	ix.routeUploads(mux)
	ix.readRoute(mux, "GET /simple/{project}", ix.handlePypiserverNoSlash)
	ix.readRoute(mux, "GET /simple/{project}/{$}", ix.handlePypiserverSimple)
	ix.readRoute(mux, "GET /packages/{filename}", ix.handlePypiserverFile)
}

// handlePypiserverNoSlash is the PEP 503 redirect to the slash form.
func (ix *Index) handlePypiserverNoSlash(w http.ResponseWriter, r *http.Request) {
	bottleRedirect(http.StatusMovedPermanently, r.URL.Path+"/").write(w, r)
}

// bottleRedirect is Bottle's redirect: no body.
func bottleRedirect(status int, location string) *reply {
	return &reply{status: status, raw: true, ctype: "text/html; charset=UTF-8", header: http.Header{"Location": {location}}}
}

// handlePypiserverSimple is the simple() view: a non-normalised name is
// redirected, an unknown project is sent to pypi.org (the fallback, on by
// default), and links carry #sha256= but no data-requires-python.
func (ix *Index) handlePypiserverSimple(w http.ResponseWriter, r *http.Request) {
	project := r.PathValue("project")
	if norm := canonicalName(project); project != norm {
		bottleRedirect(http.StatusMovedPermanently, "/simple/"+url.PathEscape(norm)+"/").write(w, r)
		return
	}
	s, ok := ix.snapshot(project)
	if !ok {
		bottleRedirect(http.StatusSeeOther, "https://pypi.org/simple/"+url.PathEscape(project)+"/").write(w, r)
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n    <head>\n        <meta charset=\"utf-8\">\n        <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n        <title>Links for %s</title>\n    </head>\n    <body>\n        <h1>Links for %s</h1>\n", bottleEscape(project), bottleEscape(project))
	for _, fr := range s.listing() {
		href := "/packages/" + url.PathEscape(fr.f.Filename) + "#sha256=" + fr.f.SHA256
		fmt.Fprintf(&b, "            <a href=\"%s\">%s</a><br>\n", bottleEscape(href), bottleEscape(fr.f.Filename))
	}
	b.WriteString("    </body>\n</html>\n    ")
	(&reply{status: http.StatusOK, raw: true, ctype: "text/html; charset=UTF-8", body: b.String()}).write(w, r)
}

func (ix *Index) handlePypiserverFile(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("filename")
	if !ix.serveFile(w, r, "", name) {
		bottleError(http.StatusNotFound, r, "Not Found ("+name+" does not exist)\n\n").write(w, r)
	}
}
