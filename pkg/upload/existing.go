package upload

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pyupload/pyupload/pkg/dist"
)

// remote is what the index's read API lists for one release.
type remote struct {
	known  bool              // a read API answered: the rest can be trusted
	exists bool              // the release has at least one file
	sha256 map[string]string // filename → sha256, for this release
	all    map[string]string // sha256 → filename, for every file of the project seen
}

// checker asks an index's read API which files it has. PyPI's JSON API is
// tried first; PEP 691's simple API second (and only, when the check URL
// names a simple index).
type checker struct {
	client *http.Client
	base   *url.URL // JSON API base, e.g. https://pypi.org
	simple *url.URL // PEP 691 base, e.g. https://pypi.org/simple/
}

// newChecker derives the read API from the upload endpoint unless an
// explicit check URL is given.
func newChecker(client *http.Client, endpoint, check *url.URL) *checker {
	c := &checker{client: client}
	if check != nil {
		u := *check
		if !strings.HasSuffix(u.Path, "/") {
			u.Path += "/"
		}
		if strings.Contains(u.Path, "/simple") {
			c.simple = &u
			return c
		}
		c.base = &url.URL{Scheme: u.Scheme, Host: u.Host, Path: strings.TrimSuffix(u.Path, "/")}
		c.simple = c.base.JoinPath("simple") // JoinPath drops the slash; added below
		c.simple.Path += "/"
		return c
	}
	host := endpoint.Host
	switch strings.ToLower(endpoint.Hostname()) {
	case "upload.pypi.org":
		host = "pypi.org"
	case "test.pypi.org":
		host = "test.pypi.org"
	}
	c.base = &url.URL{Scheme: endpoint.Scheme, Host: host}
	c.simple = &url.URL{Scheme: endpoint.Scheme, Host: host, Path: "/simple/"}
	return c
}

// releaseURL is where a human sees the release.
func (c *checker) releaseURL(name, version string) string {
	base := c.base
	if base == nil {
		base = &url.URL{Scheme: c.simple.Scheme, Host: c.simple.Host}
	}
	return base.JoinPath("project", dist.NormalizeName(name), version).String() + "/"
}

// errNoReadAPI: neither read API answered usefully.
var errNoReadAPI = errors.New("upload: the index's read API did not answer")

// lookupTimeout bounds each read API call: they only save work, so a slow
// one must not hold up the uploads.
const lookupTimeout = 30 * time.Second

// lookup lists the release's files. The JSON API answers for PyPI; when it
// has no release (404) or fails, the simple API is asked, which also knows
// projects without that release. When neither knows the project, the
// result is not known: on PyPI a new project, elsewhere an index without
// these APIs.
func (c *checker) lookup(ctx context.Context, name, version string) (*remote, error) {
	var jsonErr error
	if c.base != nil {
		r, err := c.lookupJSON(ctx, name, version)
		if err == nil && r.known {
			return r, nil
		}
		jsonErr = err
	}
	if c.simple == nil {
		return &remote{}, jsonErr
	}
	r, err := c.lookupSimple(ctx, name, version)
	if err != nil && jsonErr != nil {
		return nil, errors.Join(jsonErr, err)
	}
	if err != nil {
		return &remote{}, nil // the JSON API said 404; the simple API is absent
	}
	return r, nil
}

func (c *checker) get(ctx context.Context, u *url.URL, accept string, v any) (found bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, lookupTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return false, err
	}
	req.Header.Set("Accept", accept)
	// Read APIs are cached for minutes; ask for a fresh answer.
	req.Header.Set("Cache-Control", "no-cache")
	resp, err := c.client.Do(req)
	if err != nil {
		return false, err
	}
	defer func() { _ = resp.Body.Close() }()
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return false, nil
	case resp.StatusCode != http.StatusOK:
		return false, fmt.Errorf("%w: GET %s: %d", errNoReadAPI, u.Path, resp.StatusCode)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(v); err != nil {
		return false, fmt.Errorf("%w: decoding %s: %w", errNoReadAPI, u.Path, err)
	}
	return true, nil
}

func (c *checker) lookupJSON(ctx context.Context, name, version string) (*remote, error) {
	var doc struct {
		URLs []struct {
			Filename string            `json:"filename"`
			Digests  map[string]string `json:"digests"`
		} `json:"urls"`
	}
	u := c.base.JoinPath("pypi", dist.NormalizeName(name), version, "json")
	found, err := c.get(ctx, u, "application/json", &doc)
	if err != nil {
		return nil, err
	}
	r := newRemote(found)
	if !found {
		return r, nil
	}
	for _, f := range doc.URLs {
		r.exists = true
		r.sha256[f.Filename] = strings.ToLower(f.Digests["sha256"])
		r.all[strings.ToLower(f.Digests["sha256"])] = f.Filename
	}
	return r, nil
}

func (c *checker) lookupSimple(ctx context.Context, name, version string) (*remote, error) {
	var doc struct {
		Files []struct {
			Filename string            `json:"filename"`
			Hashes   map[string]string `json:"hashes"`
		} `json:"files"`
	}
	u := c.simple.JoinPath(dist.NormalizeName(name))
	u.Path += "/"
	found, err := c.get(ctx, u, "application/vnd.pypi.simple.v1+json", &doc)
	if err != nil {
		return nil, err
	}
	r := newRemote(found)
	if !found {
		return r, nil
	}
	want, verr := dist.ParseVersion(version)
	for _, f := range doc.Files {
		sha := strings.ToLower(f.Hashes["sha256"])
		r.all[sha] = f.Filename
		fn, err := dist.ParseFilename(f.Filename)
		if err != nil || verr != nil || !fn.ParsedVersion.Equal(want) {
			continue
		}
		r.exists = true
		r.sha256[f.Filename] = sha
	}
	return r, nil
}

// newRemote starts a lookup's result; known says whether an API answered.
func newRemote(known bool) *remote {
	return &remote{known: known, sha256: map[string]string{}, all: map[string]string{}}
}
