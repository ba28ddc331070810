package readapi

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/pyupload/pyupload/pkg/dist"
)

// Kind is the shape of a read API.
type Kind int

const (
	// PyPIJSON is PyPI's JSON API: <base>/pypi/<name>/<version>/json.
	PyPIJSON Kind = iota
	// Simple is a simple repository: <root><name>/, as PEP 691 JSON or
	// PEP 503 HTML, whichever the index sends.
	Simple
)

// Source is one place to ask.
type Source struct {
	Kind Kind
	// Base is the host for [PyPIJSON] and the simple root (ending in
	// "/") for [Simple].
	Base *url.URL
	// Warehouse: the index is PyPI's own software, which also refuses
	// the same bytes under another filename.
	Warehouse bool
	// Fallback: the host's root simple index, asked when nothing under
	// the upload URL answered. It may be another index on the same host,
	// so it can confirm a file is there but never prove a conflict.
	Fallback bool
}

// URL is where this source lists the release.
func (s Source) URL(name, version string) *url.URL {
	n := dist.NormalizeName(name)
	if s.Kind == PyPIJSON {
		return s.Base.JoinPath("pypi", n, version, "json")
	}
	u := s.Base.JoinPath(n)
	u.Path += "/"
	return u
}

// pypiReadHosts maps PyPI's upload hosts to the hosts serving their read
// APIs and web pages.
var pypiReadHosts = map[string]string{
	"upload.pypi.org": "pypi.org",
	"test.pypi.org":   "test.pypi.org",
}

// Candidates lists where to ask, in order. check, when not nil, is the
// user's --check-url: a simple root when its path names one ("/simple",
// devpi's "/+simple"), otherwise a Warehouse base with both APIs.
func Candidates(endpoint, check *url.URL) []Source {
	if check != nil {
		u := withSlash(check)
		if strings.Contains(u.Path, "simple/") {
			return []Source{{Kind: Simple, Base: u}}
		}
		return warehouse(u.Scheme, u.Host, strings.TrimSuffix(u.Path, "/"))
	}
	if host, ok := pypiReadHosts[strings.ToLower(endpoint.Hostname())]; ok {
		return warehouse(endpoint.Scheme, host, "")
	}
	if isWarehouseEndpoint(endpoint) {
		return warehouse(endpoint.Scheme, endpoint.Host, "")
	}
	up := withSlash(endpoint)
	up.RawQuery, up.Fragment = "", ""
	bases := []*url.URL{up.JoinPath("simple"), up.JoinPath("+simple")}
	if strings.HasSuffix(up.Path, "/upload/") {
		// Azure Artifacts uploads to .../pypi/upload/ and serves .../pypi/simple/.
		bases = append(bases, up.JoinPath("..", "simple"))
	}
	var out []Source
	seen := map[string]bool{}
	for _, base := range bases {
		base.Path = strings.TrimSuffix(base.Path, "/") + "/"
		if !seen[base.Path] {
			seen[base.Path] = true
			out = append(out, Source{Kind: Simple, Base: base})
		}
	}
	if !seen["/simple/"] {
		root := &url.URL{Scheme: endpoint.Scheme, Host: endpoint.Host, Path: "/simple/"}
		out = append(out, Source{Kind: Simple, Base: root, Fallback: true})
	}
	return out
}

func warehouse(scheme, host, path string) []Source {
	base := &url.URL{Scheme: scheme, Host: host, Path: path}
	simple := &url.URL{Scheme: scheme, Host: host, Path: path + "/simple/"}
	return []Source{{Kind: PyPIJSON, Base: base, Warehouse: true}, {Kind: Simple, Base: simple, Warehouse: true}}
}

// isWarehouseEndpoint: PyPI's software serves uploads at /legacy/ (a
// self-hosted Warehouse, or the test index); no other registry uses it.
func isWarehouseEndpoint(endpoint *url.URL) bool {
	return strings.TrimSuffix(endpoint.Path, "/") == "/legacy"
}

// IsWarehouse reports whether the upload endpoint is served by PyPI's
// own software: PyPI, TestPyPI, or any "/legacy/" endpoint.
func IsWarehouse(endpoint *url.URL) bool {
	_, pypi := pypiReadHosts[strings.ToLower(endpoint.Hostname())]
	return pypi || isWarehouseEndpoint(endpoint)
}

func withSlash(u *url.URL) *url.URL {
	c := *u
	c.User = nil
	if !strings.HasSuffix(c.Path, "/") {
		c.Path += "/"
	}
	return &c
}

// giteaUpload matches Gitea's and Forgejo's upload path, whose owner
// names the web page of a package.
var giteaUpload = regexp.MustCompile(`^/api/packages/([^/]+)/pypi/?$`)

// ReleasePage is the web page of a release, or "" when the index's page
// layout is not known: PyPI and TestPyPI, Warehouse-shaped indexes, and
// Gitea/Forgejo ("/{owner}/-/packages/pypi/{name}/{version}").
func ReleasePage(endpoint *url.URL, name, version string) string {
	n := dist.NormalizeName(name)
	host := endpoint.Host
	if h, ok := pypiReadHosts[strings.ToLower(endpoint.Hostname())]; ok {
		host = h
	} else if m := giteaUpload.FindStringSubmatch(endpoint.Path); m != nil {
		u := url.URL{Scheme: endpoint.Scheme, Host: host}
		return u.JoinPath(m[1], "-", "packages", "pypi", n, version).String()
	} else if !isWarehouseEndpoint(endpoint) {
		return ""
	}
	u := url.URL{Scheme: endpoint.Scheme, Host: host}
	return u.JoinPath("project", n, version).String() + "/"
}
