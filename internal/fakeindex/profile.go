package fakeindex

import (
	"fmt"
	"html"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/pyupload/pyupload/pkg/dist"
)

// Profile names a package registry whose upload API the index imitates:
// where uploads go, how their outcomes are answered, which read API is
// offered and whether reads need credentials. Whatever the profile, the
// index stores and validates uploads the same way (docs/test-index.md,
// "Registry profiles", has what each profile changes and where it was
// taken from).
//
// Profile is a string type so that a constant name such as "gitea" can be
// passed to [WithProfile] directly; a name read at run time goes through
// [ParseProfile] first.
type Profile string

// The profiles. Each registry's owner, project or repository is fixed,
// so tests know the paths: [Index.UploadPath], [Index.SimplePath] and
// [Index.ReleasePage] give them.
const (
	ProfilePyPI        Profile = "pypi"        // Warehouse: POST /legacy/
	ProfileGitea       Profile = "gitea"       // Gitea or Forgejo, owner "owner": POST /api/packages/owner/pypi
	ProfileGitLab      Profile = "gitlab"      // GitLab, project 42: POST /api/v4/projects/42/packages/pypi
	ProfileNexus       Profile = "nexus"       // Nexus 3, hosted repository "pypi-hosted": POST /repository/pypi-hosted/
	ProfileArtifactory Profile = "artifactory" // Artifactory, local repository "pypi-local": POST /artifactory/api/pypi/pypi-local
	ProfilePypiserver  Profile = "pypiserver"  // pypiserver: POST /
	ProfileDevpi       Profile = "devpi"       // devpi-server, non-volatile index root/dev: POST /root/dev/
)

// registries maps each profile to its behaviour.
var registries = map[Profile]registry{
	ProfilePyPI:        pypiRegistry{},
	ProfileGitea:       giteaRegistry{},
	ProfileGitLab:      gitlabRegistry{},
	ProfileNexus:       nexusRegistry{},
	ProfileArtifactory: artifactoryRegistry{},
	ProfilePypiserver:  pypiserverRegistry{},
	ProfileDevpi:       devpiRegistry{},
}

// ProfileNames returns the names [ParseProfile] accepts, sorted.
func ProfileNames() []string {
	names := make([]string, 0, len(registries))
	for p := range registries {
		names = append(names, string(p))
	}
	sort.Strings(names)
	return names
}

// ParseProfile returns the profile called name, or an error listing the
// known names.
func ParseProfile(name string) (Profile, error) {
	if _, ok := registries[Profile(name)]; !ok {
		return "", fmt.Errorf("fakeindex: unknown profile %q (known: %s)", name, strings.Join(ProfileNames(), ", "))
	}
	return Profile(name), nil
}

// WithProfile makes the index behave like the registry p. A profile
// [ParseProfile] would refuse does not make [New] fail: the index then
// answers every request with 500 and a message naming the profile, so
// the test that passed it fails at its first request. The default is
// [ProfilePyPI].
func WithProfile(p Profile) Option {
	return func(ix *Index) { ix.profile = p }
}

// WithoutReadAPI removes the profile's read API: the JSON API, the simple
// pages and the file downloads all answer 404, as when a registry's index
// URL cannot be found from its upload URL. Web pages ([Index.ReleasePage],
// Gitea's user page at /simple/{name}/) stay. The default is the
// profile's read API.
func WithoutReadAPI() Option {
	return func(ix *Index) { ix.noReadAPI = true }
}

// WithReadAuth sets whether reads need the credentials uploads take; a
// read without valid ones gets the registry's 401. Web pages are never
// protected. The default depends on the profile: Gitea and GitLab
// (private owner and project) require them, the others do not.
func WithReadAuth(required bool) Option {
	return func(ix *Index) { ix.readAuthSet = &required }
}

// UploadPath returns the path of the profile's upload endpoint, such as
// "/legacy/": a client uploads to srv.URL + ix.UploadPath(). It is ""
// for an unknown profile.
func (ix *Index) UploadPath() string { return ix.reg.uploadPath() }

// SimplePath returns the path of the profile's simple index, to which a
// project's normalised name and "/" are appended, such as "/simple/": what
// a client takes as its --check-url. It is "" with [WithoutReadAPI].
func (ix *Index) SimplePath() string {
	if ix.noReadAPI {
		return ""
	}
	return ix.reg.simplePath()
}

// ReleasePage returns the path of the web page of a release for profiles
// that have one (PyPI: /project/<normalised name>/<version>/; Gitea:
// /owner/-/packages/pypi/<normalised name>/<version>), and "" for the
// others. The index answers it with a small HTML page when the release
// exists and 404 otherwise.
func (ix *Index) ReleasePage(name, version string) string {
	if v, err := dist.ParseVersion(version); err == nil {
		version = v.String()
	}
	return ix.reg.releasePage(canonicalName(name), version)
}

// registry is what a profile changes. The upload pipeline is shared: a
// registry only routes requests to it and words its answers.
type registry interface {
	uploadPath() string
	// uploadPaths are every path that takes uploads (some registries take
	// the path with and without a trailing slash).
	uploadPaths() []string
	simplePath() string
	releasePage(normalized, version string) string
	// readAuth says whether reads need credentials by default.
	readAuth() bool
	// routes registers the upload endpoint, the read API (through
	// [Index.readRoute]) and the web pages.
	routes(ix *Index, mux *http.ServeMux)
	// answer turns the pipeline's reply into the registry's answer.
	answer(rp *reply, r *http.Request) *reply
	// denied answers a read whose credentials are missing (kindNoAuth)
	// or wrong (kindBadAuth) when reads need them.
	denied(kind replyKind, r *http.Request) *reply
}

// registryFor returns p's registry, or one that refuses everything.
func registryFor(p Profile) registry {
	if reg, ok := registries[p]; ok {
		return reg
	}
	return unknownRegistry{p}
}

// isUpload reports whether path takes uploads under the index's profile.
func (ix *Index) isUpload(path string) bool {
	return slices.Contains(ix.reg.uploadPaths(), path)
}

// routeUploads registers the pipeline at every upload path of the profile.
func (ix *Index) routeUploads(mux *http.ServeMux) {
	for _, p := range ix.reg.uploadPaths() {
		if strings.HasSuffix(p, "/") {
			p += "{$}" // the path itself, not the subtree
		}
		mux.HandleFunc("POST "+p, ix.handleLegacy)
	}
}

// readRoute registers a read API handler: not at all with WithoutReadAPI,
// and behind the credentials check when reads need them.
func (ix *Index) readRoute(mux *http.ServeMux, pattern string, h http.HandlerFunc) {
	if ix.noReadAPI {
		return
	}
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if ix.hostileRead(w, r) {
			return
		}
		if ix.readAuth {
			if _, rp := ix.identify(r.Header.Get("Authorization")); rp != nil {
				ix.reg.denied(rp.kind, r).write(w, r)
				return
			}
		}
		h(w, r)
	})
}

// unknownRegistry is the profile of a name ParseProfile refuses: every
// request fails, loudly, with the name.
type unknownRegistry struct{ p Profile }

func (unknownRegistry) uploadPath() string                       { return "" }
func (unknownRegistry) uploadPaths() []string                    { return nil }
func (unknownRegistry) simplePath() string                       { return "" }
func (unknownRegistry) releasePage(string, string) string        { return "" }
func (unknownRegistry) readAuth() bool                           { return false }
func (unknownRegistry) answer(rp *reply, _ *http.Request) *reply { return rp }

func (u unknownRegistry) denied(replyKind, *http.Request) *reply { return u.refusal() }

func (u unknownRegistry) routes(_ *Index, mux *http.ServeMux) {
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { u.refusal().write(w, r) })
}

func (u unknownRegistry) refusal() *reply {
	_, err := ParseProfile(string(u.p))
	return &reply{status: http.StatusInternalServerError, raw: true, ctype: "text/plain; charset=utf-8", body: err.Error() + "\n"}
}

// plainReply is a text/plain answer, as Gitea sends all of its own.
func plainReply(status int, text string) *reply {
	return &reply{status: status, raw: true, ctype: "text/plain; charset=utf-8", body: text}
}

// htmlReply is an HTML page.
func htmlReply(status int, page string) *reply {
	return &reply{status: status, raw: true, ctype: "text/html; charset=utf-8", body: page}
}

// messageOf is the text of a pipeline reply, for registries that answer
// every error with one message: the message, or the standard status text.
func messageOf(rp *reply) string {
	if rp.message != "" {
		return rp.message
	}
	return http.StatusText(rp.status)
}

// fileRel is a stored file with its release, as read APIs list them.
type fileRel struct {
	f   *storedFile
	rel *releaseSnap
}

// listing is the project's files, oldest release first and by filename
// within a release, the order every simple page here uses.
func (s *projectSnap) listing() []fileRel {
	var files []fileRel
	for i := range s.releases {
		rel := &s.releases[i]
		sorted := append([]*storedFile(nil), rel.files...)
		sort.Slice(sorted, func(a, b int) bool { return sorted[a].Filename < sorted[b].Filename })
		for _, f := range sorted {
			files = append(files, fileRel{f, rel})
		}
	}
	return files
}

// findRelease returns the snapshot's release equal to version by PEP 440,
// or nil.
func (s *projectSnap) findRelease(version string) *releaseSnap {
	v, err := dist.ParseVersion(version)
	for i := range s.releases {
		if err == nil && s.releases[i].parsed.Equal(v) || err != nil && s.releases[i].version == version {
			return &s.releases[i]
		}
	}
	return nil
}

// requiresPython is the release's Requires-Python, "" when none was sent.
func (r *releaseSnap) requiresPython() string { return single(r.meta, "requires_python") }

// serveFile sends a stored file when it belongs to the project named
// project (any spelling; "" for any), and reports whether it did.
func (ix *Index) serveFile(w http.ResponseWriter, r *http.Request, project, filename string) bool {
	ix.mu.Lock()
	sf := ix.byFilename[filename]
	ix.mu.Unlock()
	if sf == nil || project != "" && canonicalName(sf.Project) != canonicalName(project) {
		return false
	}
	f, err := openStored(sf)
	if err != nil {
		return false
	}
	defer func() { _ = f.Close() }()
	w.Header().Set("Content-Type", "application/octet-stream")
	http.ServeContent(w, r, filename, sf.UploadTime, f)
	return true
}

// releasePageHTML is the small page served at [Index.ReleasePage]: the
// project, the version and its files.
func releasePageHTML(title string, s projectSnap, rel *releaseSnap) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n  <head>\n    <meta charset=\"utf-8\">\n    <title>%s</title>\n  </head>\n  <body>\n    <h1>%s %s</h1>\n    <ul>\n",
		html.EscapeString(title), html.EscapeString(s.name), html.EscapeString(rel.version))
	files := append([]*storedFile(nil), rel.files...)
	sort.Slice(files, func(i, j int) bool { return files[i].Filename < files[j].Filename })
	for _, f := range files {
		fmt.Fprintf(&b, "      <li>%s</li>\n", html.EscapeString(f.Filename))
	}
	b.WriteString("    </ul>\n  </body>\n</html>\n")
	return b.String()
}

// serveReleasePage answers a release page request: 200 and the page when
// the release has files, notFound otherwise.
func (ix *Index) serveReleasePage(w http.ResponseWriter, r *http.Request, title string, notFound *reply) {
	s, ok := ix.snapshot(r.PathValue("project"))
	var rel *releaseSnap
	if ok {
		rel = s.findRelease(r.PathValue("version"))
	}
	if rel == nil || len(rel.files) == 0 {
		notFound.write(w, r)
		return
	}
	htmlReply(http.StatusOK, releasePageHTML(title, s, rel)).write(w, r)
}

// openStored opens a stored file for reading.
func openStored(sf *storedFile) (*os.File, error) {
	return os.Open(sf.path) // #nosec G304 -- a file in the index's own spool directory
}
