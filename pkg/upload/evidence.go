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

// pageTitle is an HTML page's title with its white space folded, or "".
func pageTitle(page []byte) string {
	if m := htmlTitle.FindSubmatch(page); m != nil {
		return strings.Join(strings.Fields(string(m[1])), " ")
	}
	return ""
}

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
		if jsonSuccess(trimmed) {
			return nil
		}
	case mt == "text/plain" || mt == "" && trimmed[0] != '<':
		if successLine.Match(trimmed) {
			return nil
		}
	case mt == "text/html" || mt == "application/xhtml+xml" || mt == "" && trimmed[0] == '<':
		title := pageTitle(trimmed)
		if title == pyramidOK {
			return nil
		}
		return &NotUploadAnswerError{StatusCode: resp.StatusCode, ContentType: mt, Title: cut(title, 80), Host: host}
	}
	return &NotUploadAnswerError{StatusCode: resp.StatusCode, ContentType: mt, Host: host}
}

// successLine is a text answer that says success: a 2xx status line
// (PyPI's "200 OK", GitLab's "201 Created") or a bare "OK".
var successLine = regexp.MustCompile(`^(2\d\d(\s|$)|OK(\s|$))`)

// pyramidOKText is the plain-text rendering of Warehouse's "200 OK".
var pyramidOKText = regexp.MustCompile(`^200 OK(\s|$)`)

// statusLine is any HTTP status line ("403 Forbidden").
var statusLine = regexp.MustCompile(`^[1-5]\d\d(\s|$)`)

// jsonSuccess accepts a JSON object that reports no error and, where it
// carries a status line (PyPI's "code"), a 2xx one: GitLab's {"message":
// "201 Created"} and devpi's {"message": "Upload of identical file …"}
// are successes, a proxy's {"error": "login required"} is not.
func jsonSuccess(body []byte) bool {
	var doc map[string]json.RawMessage
	if json.Unmarshal(body, &doc) != nil {
		return false
	}
	for _, key := range []string{"error", "errors"} {
		if _, ok := doc[key]; ok {
			return false
		}
	}
	var code string
	if raw, ok := doc["code"]; ok && json.Unmarshal(raw, &code) == nil && statusLine.MatchString(code) {
		return successLine.MatchString(code)
	}
	return true
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
	case pyramidOKText.Match(body):
		return nil // the plain-text rendering
	}
	title := pageTitle(body)
	if title == pyramidOK {
		return nil
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
