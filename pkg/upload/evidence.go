package upload

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"regexp"
	"strings"
	"unicode/utf8"
)

// NotUploadAnswerError is a 2xx that does not look like any upload API's
// answer: a web page, as a wrong URL, a login page or a proxy gives. It
// proves nothing was stored, nor that anything was.
type NotUploadAnswerError struct {
	StatusCode  int
	ContentType string
	Title       string // the page's <title>, when it has one
	Host        string
	Empty       bool // an empty body, where PyPI's software always sends its document
}

func (e *NotUploadAnswerError) Error() string {
	page := "a web page"
	switch {
	case e.Empty:
		page = "an empty body (PyPI's software always sends its \"200 OK\" document)"
	case e.Title != "":
		page = fmt.Sprintf("a web page titled %q", e.Title)
	case !strings.Contains(e.ContentType, "html"):
		page = fmt.Sprintf("a %q document", e.ContentType)
	}
	return fmt.Sprintf("%s answered %d with %s, not with an upload API's answer: the URL is probably not the index's upload endpoint, and nothing shows the file was stored", e.Host, e.StatusCode, page)
}

// pyramidOK is the title of the page PyPI's own software (Pyramid's 200 OK
// exception view) renders for a stored upload when asked for HTML.
const pyramidOK = "200 OK"

var htmlTitle = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)

// uploadAnswer decides whether a 2xx answer's body is evidence of a
// stored upload, as the upload APIs answer one: PyPI with its "200 OK"
// document (JSON for Accept: application/json, an HTML page titled
// "200 OK", or plain text), Gitea and most registries with an empty body,
// GitLab with a JSON message. Any other web page is not, and from PyPI's
// own software (warehouse) nothing but its document is.
func uploadAnswer(resp *http.Response, body []byte, host string, warehouse bool) error {
	trimmed := bytes.TrimSpace(body)
	if warehouse {
		return warehouseAnswer(resp, trimmed, host)
	}
	if len(trimmed) == 0 {
		return nil
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	switch {
	case strings.HasSuffix(mt, "json"):
		if json.Valid(trimmed) {
			return nil
		}
	case mt == "text/plain":
		return nil
	case mt == "text/html" || mt == "application/xhtml+xml" || mt == "" && trimmed[0] == '<':
		title := ""
		if m := htmlTitle.FindSubmatch(trimmed); m != nil {
			title = strings.Join(strings.Fields(string(m[1])), " ")
		}
		if title == pyramidOK {
			return nil
		}
		return &NotUploadAnswerError{StatusCode: resp.StatusCode, ContentType: mt, Title: cut(title, 80), Host: host}
	case mt == "":
		return nil
	}
	return &NotUploadAnswerError{StatusCode: resp.StatusCode, ContentType: mt, Host: host}
}

// warehouseAnswer accepts only the "200 OK" document Warehouse renders for
// a stored upload, in whichever of its three formats.
func warehouseAnswer(resp *http.Response, body []byte, host string) error {
	var doc struct {
		Code string `json:"code"`
	}
	switch {
	case json.Unmarshal(body, &doc) == nil && strings.HasPrefix(doc.Code, "200 "):
		return nil
	case bytes.HasPrefix(body, []byte(pyramidOK)):
		return nil // the plain-text rendering
	}
	title := ""
	if m := htmlTitle.FindSubmatch(body); m != nil {
		title = strings.Join(strings.Fields(string(m[1])), " ")
		if title == pyramidOK {
			return nil
		}
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	return &NotUploadAnswerError{StatusCode: resp.StatusCode, ContentType: mt, Title: cut(title, 80), Host: host, Empty: len(body) == 0}
}

// cut shortens s to n bytes at most, at a rune boundary.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
