package readapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// File is one file a read API lists.
type File struct {
	Filename string
	SHA256   string // lowercase hex; "" when the answer gives none
	// Uploaded is when the index took the file, zero when the answer
	// does not say (PEP 503 HTML never does).
	Uploaded time.Time
}

// Project statuses a page may declare (PEP 792). A page that declares
// none, or another word, leaves the status unknown.
const (
	StatusActive      = "active"
	StatusArchived    = "archived"
	StatusQuarantined = "quarantined"
	StatusDeprecated  = "deprecated"
)

func knownStatus(s string) string {
	switch s {
	case StatusActive, StatusArchived, StatusQuarantined, StatusDeprecated:
		return s
	}
	return ""
}

// sink receives what a parser reads: each file as it streams past, and
// the project's status when the page declares one.
type sink struct {
	file   func(File)
	status func(string)
}

// ErrNotSimplePage means the answer is not a simple repository page, such as
// a registry's web page served where a simple index was expected.
var ErrNotSimplePage = errors.New("not a simple repository page")

// ParseSimpleJSON reads a PEP 691 project page. It must declare its API
// version: other JSON is not a simple page.
func ParseSimpleJSON(r io.Reader) ([]File, error) { return collect(r, parseSimpleJSON) }

// ParsePyPIJSON reads PyPI's JSON API answer for one release. It must
// have the "info" and "urls" members: other JSON is not that API.
func ParsePyPIJSON(r io.Reader) ([]File, error) { return collect(r, parsePyPIJSON) }

// ParseSimpleHTML reads a PEP 503 project page: one anchor per file, the
// file's name as the anchor's text, its sha256 in the link's fragment. A
// page is taken as a simple page when it declares PEP 629's
// pypi:repository-version, or when every anchor on it names a file; a web
// page with navigation links is not one.
func ParseSimpleHTML(r io.Reader) ([]File, error) { return collect(r, parseSimpleHTML) }

// A parser streams an answer, handing each file to the sink as it is
// read, so that only what the caller keeps is held. Its verdict on the
// whole answer comes last: what the sink got is to be dropped on an error.
type parser func(r io.Reader, to sink) error

func collect(r io.Reader, parse parser) ([]File, error) {
	files := []File{}
	if err := parse(r, sink{file: func(f File) { files = append(files, f) }, status: func(string) {}}); err != nil {
		return nil, err
	}
	return files, nil
}

func parseSimpleJSON(r io.Reader, to sink) error {
	dec := json.NewDecoder(r)
	declared := false
	err := walkObject(dec, func(key string) error {
		switch key {
		case "meta":
			return walkObject(dec, func(key string) error {
				if key != "api-version" {
					return skipValue(dec)
				}
				var v string
				err := dec.Decode(&v)
				declared = v != ""
				return err
			})
		case "files":
			return walkFiles(dec, "hashes", "upload-time", to.file)
		case "project-status":
			return walkObject(dec, func(key string) error {
				if key != "status" {
					return skipValue(dec)
				}
				var v string
				if err := dec.Decode(&v); err != nil {
					return err
				}
				to.status(knownStatus(v))
				return nil
			})
		}
		return skipValue(dec)
	})
	if err != nil {
		return fmt.Errorf("decoding PEP 691 JSON: %w", err)
	}
	if !declared {
		return fmt.Errorf("%w: JSON without meta.api-version", ErrNotSimplePage)
	}
	return nil
}

func parsePyPIJSON(r io.Reader, to sink) error {
	dec := json.NewDecoder(r)
	var info, urls bool
	err := walkObject(dec, func(key string) error {
		switch key {
		case "info":
			info = true
		case "urls":
			urls = true
			return walkFiles(dec, "digests", "upload_time_iso_8601", to.file)
		}
		return skipValue(dec)
	})
	if err != nil {
		return fmt.Errorf("decoding the JSON API answer: %w", err)
	}
	if !info || !urls {
		return errors.New("JSON without PyPI's info and urls members")
	}
	return nil
}

// walkFiles reads an array of file objects, one member at a time: their
// "filename", the sha256 in their hashKey object and the time under
// timeKey. Everything else is skipped token by token, so no member (a
// hashes map of a million keys, say) is ever held whole.
func walkFiles(dec *json.Decoder, hashKey, timeKey string, visit func(File)) error {
	if err := expectDelim(dec, '['); err != nil {
		return err
	}
	for dec.More() {
		var f File
		err := walkObject(dec, func(key string) error {
			switch key {
			case "filename":
				return dec.Decode(&f.Filename)
			case timeKey:
				var v any // a hostile index may send anything here
				if err := dec.Decode(&v); err != nil {
					return err
				}
				f.Uploaded = uploadTime(v)
				return nil
			case hashKey:
				return walkObject(dec, func(algo string) error {
					if algo != "sha256" {
						return skipValue(dec)
					}
					var hex string
					err := dec.Decode(&hex)
					f.SHA256 = sha256Hex(hex)
					return err
				})
			}
			return skipValue(dec)
		})
		if err != nil {
			return err
		}
		if plainFilename(f.Filename) {
			visit(f)
		}
	}
	return expectDelim(dec, ']')
}

// walkObject reads an object's members; member must consume each value.
func walkObject(dec *json.Decoder, member func(key string) error) error {
	if err := expectDelim(dec, '{'); err != nil {
		return err
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := t.(string) // an object's keys are strings
		if err := member(key); err != nil {
			return err
		}
	}
	return expectDelim(dec, '}')
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); !ok || d != want {
		return fmt.Errorf("expected %q, got %v", want, t)
	}
	return nil
}

// skipValue consumes one value token by token, so a large member (PyPI's
// description, say) is never held whole.
func skipValue(dec *json.Decoder) error {
	depth := 0
	for {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

// maxToken bounds one HTML token: a simple page's are short, and an
// endless one must not be buffered.
const maxToken = 1 << 20

func parseSimpleHTML(r io.Reader, to sink) error {
	z := html.NewTokenizer(r)
	z.SetMaxBuf(maxToken)
	var files, others int
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
			files++
			to.file(f)
		} else {
			others++
		}
	}
	for {
		switch z.Next() {
		case html.ErrorToken:
			if err := z.Err(); !errors.Is(err, io.EOF) {
				return fmt.Errorf("reading HTML: %w", err)
			}
			if inAnchor {
				others++ // an anchor never closed is not a file link
			}
			return simpleVerdict(files, others, declared)
		case html.StartTagToken, html.SelfClosingTagToken:
			t := z.Token()
			switch t.DataAtom {
			case atom.Meta:
				switch attr(t, "name") {
				case "pypi:repository-version":
					declared = declared || attr(t, "content") != ""
				case "pypi:project-status":
					to.status(knownStatus(attr(t, "content")))
				}
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

func simpleVerdict(files, others int, declared bool) error {
	switch {
	case declared:
		return nil
	case files == 0 && others == 0:
		return fmt.Errorf("%w: HTML without links", ErrNotSimplePage)
	case files == 0:
		return fmt.Errorf("%w: HTML with %d links, none of them to a file", ErrNotSimplePage, others)
	case others > 0:
		return fmt.Errorf("%w: HTML with %d links that are not files", ErrNotSimplePage, others)
	}
	return nil
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

// uploadTime reads an upload time as Warehouse writes it (ISO 8601 in
// UTC, "2026-07-08T09:10:11.123456Z"); anything else is unknown.
func uploadTime(v any) time.Time {
	s, ok := v.(string)
	if !ok || len(s) > 64 {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// sha256Hex returns s lower-cased when it is a sha256 in hex, else "".
func sha256Hex(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) != 64 || strings.Trim(s, "0123456789abcdef") != "" {
		return ""
	}
	return s
}
