package upload

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pyupload/pyupload/internal/readapi"
	"github.com/pyupload/pyupload/internal/transport"
)

// maxErrorBody bounds how much of an error response is read.
const maxErrorBody = 64 << 10

// checkResponse turns a non-2xx answer into a typed error. The message is
// taken from the JSON body Warehouse sends for Accept: application/json
// (`code` is the full status line, `message` ends with the detail), falling
// back to a plain-text body and then the status.
func checkResponse(resp *http.Response, endpoint *url.URL) error {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		if err != nil {
			// A success whose answer never finished is no evidence: the
			// attempt is ambiguous, and the read API decides.
			return fmt.Errorf("the index's %d answer was cut off: %w", resp.StatusCode, err)
		}
		return uploadAnswer(resp, body, endpoint.Host, readapi.IsWarehouse(endpoint))
	}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		loc := resp.Header.Get("Location")
		return &RedirectError{
			StatusCode:   resp.StatusCode,
			Location:     loc,
			MissingSlash: !strings.HasSuffix(endpoint.Path, "/") && strings.HasSuffix(loc, endpoint.Path+"/"),
		}
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	e := &HTTPError{StatusCode: resp.StatusCode, Message: errorMessage(resp, raw), Host: endpoint.Host, body: string(raw[:min(len(raw), 4096)])}
	if e.Temporary() {
		e.RetryAfter = transport.RetryAfter(resp.Header, time.Now())
	}
	if err != nil {
		// The status decides (retry or not); the message may be cut
		// short, and says why.
		return fmt.Errorf("%w; its answer was cut off: %w", e, err)
	}
	return e
}

func errorMessage(resp *http.Response, raw []byte) string {
	var doc struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	if json.Unmarshal(raw, &doc) == nil {
		if code := strings.TrimSpace(doc.Code); code != "" {
			// "400 File already exists ..." → the text after the status.
			if i := strings.IndexByte(code, ' '); i > 0 && i <= 4 {
				code = code[i+1:]
			}
			if code != http.StatusText(resp.StatusCode) {
				return code
			}
		}
		if msg := lastParagraph(doc.Message); msg != "" {
			return msg
		}
	}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		if msg := lastParagraph(string(raw)); msg != "" {
			return msg
		}
	}
	if _, reason, ok := strings.Cut(resp.Status, " "); ok && reason != http.StatusText(resp.StatusCode) {
		return reason
	}
	return ""
}

// lastParagraph returns the detail of Pyramid's "<explanation>\n\n\n<detail>\n\n".
func lastParagraph(s string) string {
	parts := strings.Split(strings.TrimSpace(s), "\n\n")
	return strings.TrimSpace(parts[len(parts)-1])
}
