// Package provenance fetches what a consumer needs to verify a published
// release's PEP 740 provenance: the release's files (PyPI's JSON API), each
// file's provenance object (PyPI's integrity API) and each file's bytes,
// hashed as they stream. Everything an index sends is untrusted: answers
// are bounded, time-limited and validated; verifying them is the caller's
// (pkg/sigstore).
package provenance

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"time"
)

// Client reads one index.
type Client struct {
	HTTP *http.Client
	// Base is the index's web root (https://pypi.org/): /pypi/ and
	// /integrity/ are under it.
	Base *url.URL
	// Timeout bounds each metadata request (0: 30 seconds). A download
	// is bounded by the file's listed size instead.
	Timeout time.Duration
}

// ReleaseFile is one file of a release, as the index lists it.
type ReleaseFile struct {
	Filename string
	SHA256   string // lowercase hex, as listed
	URL      *url.URL
	Size     int64
}

// Bounds on what an index may send.
const (
	maxListing    = 8 << 20  // a release's JSON with its description
	maxProvenance = 1 << 20  // a few attestations of a few KiB each
	maxFileSize   = 16 << 30 // beyond any index's file limit
)

// ErrNoProvenance means the index has no provenance for the file (404).
var ErrNoProvenance = errors.New("the index has no provenance for this file")

// StatusError is an unexpected HTTP status.
type StatusError struct {
	What   string
	Status int
}

func (e *StatusError) Error() string { return fmt.Sprintf("%s: HTTP %d", e.What, e.Status) }

var plainName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+!-]*$`)

// ReleaseFiles lists name==version's files (GET /pypi/<name>/<version>/json).
func (c *Client) ReleaseFiles(ctx context.Context, name, version string) ([]ReleaseFile, error) {
	if !plainName.MatchString(name) || !plainName.MatchString(version) {
		return nil, fmt.Errorf("not a project name and version: %q==%q", name, version)
	}
	u := c.Base.JoinPath("pypi", name, version, "json")
	body, err := c.get(ctx, u, maxListing, "listing "+name+" "+version)
	if err != nil {
		return nil, err
	}
	return parseRelease(body, u)
}

// parseRelease reads PyPI's JSON API answer; file URLs resolve against
// the answer's own URL.
func parseRelease(body []byte, base *url.URL) ([]ReleaseFile, error) {
	var doc struct {
		URLs []struct {
			Filename string            `json:"filename"`
			URL      string            `json:"url"`
			Size     int64             `json:"size"`
			Digests  map[string]string `json:"digests"`
		} `json:"urls"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("reading the release's listing: %w", err)
	}
	var out []ReleaseFile
	for _, f := range doc.URLs {
		u, err := base.Parse(f.URL)
		switch {
		case err != nil || (u.Scheme != "https" && u.Scheme != "http"):
			return nil, fmt.Errorf("the listing gives %q an unusable URL", f.Filename)
		case !plainName.MatchString(f.Filename) || path.Base(f.Filename) != f.Filename:
			return nil, fmt.Errorf("the listing names a file %q", f.Filename)
		case !isSHA256(f.Digests["sha256"]):
			return nil, fmt.Errorf("the listing gives %s no sha256", f.Filename)
		case f.Size < 0 || f.Size > maxFileSize:
			return nil, fmt.Errorf("the listing gives %s a size of %d bytes", f.Filename, f.Size)
		}
		out = append(out, ReleaseFile{Filename: f.Filename, SHA256: f.Digests["sha256"], URL: u, Size: f.Size})
	}
	return out, nil
}

func isSHA256(s string) bool {
	b, err := hex.DecodeString(s)
	return err == nil && len(b) == sha256.Size && hex.EncodeToString(b) == s
}

// Provenance returns the file's provenance object (GET
// /integrity/<name>/<version>/<filename>/provenance), unparsed.
func (c *Client) Provenance(ctx context.Context, name, version, filename string) ([]byte, error) {
	u := c.Base.JoinPath("integrity", name, version, filename, "provenance")
	return c.get(ctx, u, maxProvenance, "fetching the provenance of "+filename)
}

// A download is given the metadata timeout plus its listed size at
// downloadRate, and never more than maxDownload: the size comes from the
// index, which must not be able to keep verify waiting for days.
const (
	downloadRate = 256 << 10 // bytes per second
	maxDownload  = time.Hour
)

// SHA256 downloads the file and returns its sha256 (lowercase hex). The
// download may not exceed the listed size, and must finish within the
// metadata timeout plus the size at 256 KiB/s, at most an hour.
func (c *Client) SHA256(ctx context.Context, f ReleaseFile) (string, error) {
	limit := min(c.timeout()+time.Duration(f.Size/downloadRate)*time.Second, maxDownload)
	resp, cancel, err := c.do(ctx, f.URL, limit)
	if err != nil {
		return "", fmt.Errorf("downloading %s: %w", f.Filename, err)
	}
	defer cancel()
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return "", &StatusError{What: "downloading " + f.Filename, Status: resp.StatusCode}
	}
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(resp.Body, f.Size+1))
	switch {
	case err != nil:
		return "", fmt.Errorf("downloading %s: %w", f.Filename, err)
	case n != f.Size:
		return "", fmt.Errorf("downloading %s: got %d bytes, the listing says %d", f.Filename, n, f.Size)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// get reads a bounded answer within the metadata timeout.
func (c *Client) get(ctx context.Context, u *url.URL, limit int64, what string) ([]byte, error) {
	resp, cancel, err := c.do(ctx, u, c.timeout())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer cancel()
	defer func() { _ = resp.Body.Close() }()
	switch {
	case resp.StatusCode == http.StatusNotFound && path.Base(u.Path) == "provenance":
		return nil, ErrNoProvenance
	case resp.StatusCode != http.StatusOK:
		return nil, &StatusError{What: what, Status: resp.StatusCode}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("%s: %w", what, err)
	case int64(len(body)) > limit:
		return nil, fmt.Errorf("%s: the answer passed %d KiB", what, limit>>10)
	}
	return body, nil
}

func (c *Client) do(ctx context.Context, u *url.URL, timeout time.Duration) (*http.Response, context.CancelFunc, error) {
	cancel := context.CancelFunc(func() {})
	if timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, timeout)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		cancel()
		return nil, nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		cancel()
		return nil, nil, err
	}
	return resp, cancel, nil
}

func (c *Client) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return 30 * time.Second
}
