package readapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// File is one file a read API lists.
type File struct {
	Filename string
	SHA256   string // lowercase hex; "" when the answer gives none
}

// ErrNotSimplePage means the answer is not a simple repository page, such as
// a registry's web page served where a simple index was expected.
var ErrNotSimplePage = errors.New("not a simple repository page")

// ParseSimpleJSON reads a PEP 691 project page. It must declare its API
// version: other JSON is not a simple page.
func ParseSimpleJSON(r io.Reader) ([]File, error) {
	var doc struct {
		Meta struct {
			APIVersion string `json:"api-version"`
		} `json:"meta"`
		Files []struct {
			Filename string            `json:"filename"`
			Hashes   map[string]string `json:"hashes"`
		} `json:"files"`
	}
	if err := json.NewDecoder(r).Decode(&doc); err != nil {
		return nil, fmt.Errorf("decoding PEP 691 JSON: %w", err)
	}
	if doc.Meta.APIVersion == "" {
		return nil, fmt.Errorf("%w: JSON without meta.api-version", ErrNotSimplePage)
	}
	out := make([]File, 0, len(doc.Files))
	for _, f := range doc.Files {
		if plainFilename(f.Filename) {
			out = append(out, File{Filename: f.Filename, SHA256: sha256Hex(f.Hashes["sha256"])})
		}
	}
	return out, nil
}

// ParsePyPIJSON reads PyPI's JSON API answer for one release. It must
// have the "info" and "urls" members: other JSON is not that API.
func ParsePyPIJSON(r io.Reader) ([]File, error) {
	var doc struct {
		Info *json.RawMessage `json:"info"`
		URLs *[]struct {
			Filename string            `json:"filename"`
			Digests  map[string]string `json:"digests"`
		} `json:"urls"`
	}
	if err := json.NewDecoder(r).Decode(&doc); err != nil {
		return nil, fmt.Errorf("decoding the JSON API answer: %w", err)
	}
	if doc.Info == nil || doc.URLs == nil {
		return nil, errors.New("JSON without PyPI's info and urls members")
	}
	out := make([]File, 0, len(*doc.URLs))
	for _, f := range *doc.URLs {
		if plainFilename(f.Filename) {
			out = append(out, File{Filename: f.Filename, SHA256: sha256Hex(f.Digests["sha256"])})
		}
	}
	return out, nil
}

// ParseSimpleHTML reads a PEP 503 project page: one anchor per file, the
// file's name as the anchor's text, its sha256 in the link's fragment. A
// page is taken as a simple page when it declares PEP 629's
// pypi:repository-version, or when every anchor on it names a file; a web
// page with navigation links is not one.
func ParseSimpleHTML(r io.Reader) ([]File, error) {
	z := html.NewTokenizer(r)
	var files []File
	var others int
	declared := false
	var href string
	var text strings.Builder
	inAnchor := false
	closeAnchor := func() {
		inAnchor = false
		if parentLink(href) {
			return
		}
		if f, ok := fileLink(href, strings.TrimSpace(text.String())); ok {
			files = append(files, f)
		} else {
			others++
		}
	}
	for {
		switch z.Next() {
		case html.ErrorToken:
			if err := z.Err(); !errors.Is(err, io.EOF) {
				return nil, fmt.Errorf("reading HTML: %w", err)
			}
			if inAnchor {
				others++ // an anchor never closed is not a file link
			}
			return simpleVerdict(files, others, declared)
		case html.StartTagToken, html.SelfClosingTagToken:
			t := z.Token()
			switch t.DataAtom {
			case atom.Meta:
				declared = declared || (attr(t, "name") == "pypi:repository-version" && attr(t, "content") != "")
			case atom.A:
				if inAnchor {
					others++ // a link opened inside another is not a simple page's
				}
				inAnchor, href = true, attr(t, "href")
				text.Reset()
			}
		case html.TextToken:
			if inAnchor && text.Len() < maxFilename {
				text.Write(z.Text())
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); inAnchor && string(name) == "a" {
				closeAnchor()
			}
		}
	}
}

func simpleVerdict(files []File, others int, declared bool) ([]File, error) {
	switch {
	case declared:
		return files, nil
	case len(files) == 0 && others == 0:
		return nil, fmt.Errorf("%w: HTML without links", ErrNotSimplePage)
	case len(files) == 0:
		return nil, fmt.Errorf("%w: HTML with %d links, none of them to a file", ErrNotSimplePage, others)
	case others > 0:
		return nil, fmt.Errorf("%w: HTML with %d links that are not files", ErrNotSimplePage, others)
	}
	return files, nil
}

func attr(t html.Token, key string) string {
	for _, a := range t.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// distExtensions are the endings of every distribution format an index
// may list, current and legacy.
var distExtensions = []string{".whl", ".tar.gz", ".zip", ".tar.bz2", ".tar.xz", ".tgz", ".tar", ".egg", ".exe", ".msi", ".rpm", ".dmg"}

// maxFilename bounds a file name from an index: longer ones are not
// distributions (PyPI's own limit is far below).
const maxFilename = 255

// fileLink reports whether an anchor names a distribution file: its text
// ends like a distribution and is a plain file name.
func fileLink(href, text string) (File, bool) {
	if !plainFilename(text) {
		return File{}, false
	}
	named := false
	for _, ext := range distExtensions {
		named = named || strings.HasSuffix(strings.ToLower(text), ext)
	}
	u, err := url.Parse(href)
	if !named || err != nil {
		return File{}, false
	}
	f := File{Filename: text}
	if algo, hex, ok := strings.Cut(u.Fragment, "="); ok && algo == "sha256" {
		f.SHA256 = sha256Hex(hex)
	}
	return f, true
}

// plainFilename: not empty, not too long, no path separators and no
// control characters, so a name from an index is safe to compare and show.
func plainFilename(s string) bool {
	if s == "" || len(s) > maxFilename || strings.ContainsAny(s, "/\\") {
		return false
	}
	return !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) })
}

// parentLink: directory listings served as simple pages link "../".
func parentLink(href string) bool {
	return href == "../" || href == ".."
}

// sha256Hex returns s lower-cased when it is a sha256 in hex, else "".
func sha256Hex(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) != 64 || strings.Trim(s, "0123456789abcdef") != "" {
		return ""
	}
	return s
}
