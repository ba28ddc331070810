package fakeindex

import (
	"fmt"
	"io"
	"maps"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// reply is what Warehouse answers: a Pyramid HTTPException whose message is
// both the reason phrase and the body's detail (forklift's
// _exc_with_message), rendered per the request's Accept header
// (docs/index-server.md §2.1).
type reply struct {
	status     int
	message    string      // reason phrase and detail; "" means the standard title
	hideDetail bool        // the message is only in the status line (the username/password 403)
	location   string      // for redirects: Pyramid's move template names it
	header     http.Header // extra headers, such as Retry-After
	page       string      // a whole HTML page sent instead of an error document

	// kind says what the upload pipeline decided, so a profile other than
	// PyPI can answer it in its registry's own words (profile.go).
	kind replyKind
	// file is the stored file a duplicate collides with (kindIdentical
	// and kindExists), whose name and path registries quote.
	file *File

	// custom is devpi's abort_submit, an exception class made for the
	// message: the message is its title, with no explanation or detail.
	custom bool
	// explanation replaces the status's explanation (devpi's abort).
	explanation string

	// raw replies are another registry's answers: body is sent as is,
	// with ctype as the Content-Type unless it is empty.
	raw   bool
	ctype string
	body  string
}

// replyKind classifies an answer of the upload pipeline.
type replyKind int

const (
	kindError     replyKind = iota // any other answer: its status and message say it all
	kindStored                     // the file was stored
	kindIdentical                  // the filename is taken by the same bytes
	kindExists                     // the filename (or, on PyPI, the bytes) is taken by another file
	kindNoAuth                     // the request carries no credentials
	kindBadAuth                    // the credentials do not verify
)

func badRequest(format string, args ...any) *reply {
	return &reply{status: http.StatusBadRequest, message: fmt.Sprintf(format, args...)}
}

// Pyramid's title and explanation for each status it may render
// (pyramid/httpexceptions.py).
var pyramidStatus = map[int]struct{ title, explanation string }{
	200: {"OK", ""},
	301: {"Moved Permanently", "The resource has been moved to"},
	308: {"Permanent Redirect", "The resource has been moved to"},
	400: {"Bad Request", "The server could not comply with the request since it is either malformed or otherwise incorrect."},
	401: {"Unauthorized", "This server could not verify that you are authorized to access the document you requested.  Either you supplied the wrong credentials (e.g., bad password), or your browser does not understand how to supply the credentials required."},
	403: {"Forbidden", "Access was denied to this resource."},
	404: {"Not Found", "The resource could not be found."},
	409: {"Conflict", "There was a conflict when trying to complete your request."},
	410: {"Gone", "This resource is no longer available.  No forwarding address is given."},
	413: {"Request Entity Too Large", "The body of your request was too large for this server."},
	429: {"Too Many Requests", "The action could not be performed because there were too many requests by the client."},
	500: {"Internal Server Error", "The server has either erred or is incapable of performing the requested operation."},
	502: {"Bad Gateway", "Bad gateway."},
	503: {"Service Unavailable", "The server is currently unavailable. Please try again at a later time."},
	504: {"Gateway Timeout", "The gateway has timed out."},
}

func statusTitle(code int) (title, explanation string) {
	if s, ok := pyramidStatus[code]; ok {
		return s.title, s.explanation
	}
	return http.StatusText(code), ""
}

// statusLine is what Warehouse sends as "<code> <message>": the message
// encoded to ISO-8859-1 with '?' for what does not fit.
func (rp *reply) statusLine() string {
	title, _ := statusTitle(rp.status)
	msg := rp.message
	if msg == "" {
		return strconv.Itoa(rp.status) + " " + title
	}
	var b strings.Builder
	for _, r := range msg {
		if r > 0xff {
			r = '?'
		}
		b.WriteRune(r)
	}
	return strconv.Itoa(rp.status) + " " + b.String()
}

// Body formats a reply can take.
const (
	formatPlain = "text/plain"
	formatHTML  = "text/html"
	formatJSON  = "application/json"
)

// errorFormat picks Pyramid's body format: text/html or application/json
// when the Accept header admits them (html first on a tie), otherwise
// text/plain, which is also what a request without Accept gets.
func errorFormat(r *http.Request) string {
	accept := strings.Join(r.Header.Values("Accept"), ",")
	if f := negotiate(accept, formatHTML, formatJSON); f != "" {
		return f
	}
	return formatPlain
}

// write sends the reply.
func (rp *reply) write(w http.ResponseWriter, r *http.Request) {
	maps.Copy(w.Header(), rp.header)
	if rp.raw {
		if rp.ctype != "" {
			w.Header().Set("Content-Type", rp.ctype)
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(rp.body)))
		w.WriteHeader(rp.status)
		_, _ = io.WriteString(w, rp.body) // #nosec G705 -- a registry's answer, built by this package
		return
	}
	if rp.page != "" {
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		w.WriteHeader(rp.status)
		_, _ = io.WriteString(w, rp.page) // #nosec G705 -- a constant page
		return
	}
	if rp.location != "" {
		w.Header().Set("Location", rp.location)
	}
	format := errorFormat(r)
	body := rp.render(format)
	w.Header().Set("Content-Type", pyramidContentType(format))
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(rp.status)
	// The detail is HTML-escaped in the HTML variant; the status line is
	// not, exactly as Pyramid renders it.
	_, _ = io.WriteString(w, body) // #nosec G705 -- Pyramid's error page, reproduced
}

// pyramidContentType is the Content-Type of Pyramid's rendering in format.
func pyramidContentType(format string) string {
	switch format {
	case formatJSON:
		return "application/json"
	case formatHTML:
		return "text/html; charset=UTF-8"
	}
	return "text/plain; charset=UTF-8"
}

// render reproduces Pyramid's HTTPException.prepare for one format.
func (rp *reply) render(format string) string {
	title, explanation := statusTitle(rp.status)
	if rp.explanation != "" {
		explanation = rp.explanation
	}
	status := rp.statusLine()
	detail := rp.message
	if rp.custom {
		title, explanation = rp.message, ""
	}
	if rp.hideDetail || rp.custom {
		detail = ""
	}
	escape, br := func(s string) string { return s }, "\n"
	if format == formatHTML {
		escape, br = htmlEscape, "<br/>"
	}
	var body string
	if rp.location != "" {
		// _HTTPMove's template.
		body = escape(explanation) + " " + escape(rp.location) + "; you should be redirected automatically.\n" + escape(detail) + "\n"
	} else {
		body = escape(explanation) + br + br + "\n" + escape(detail) + "\n" + "\n"
	}
	switch format {
	case formatJSON:
		return "{" + pyJSONString("message") + ": " + pyJSONString(body) + ", " +
			pyJSONString("code") + ": " + pyJSONString(status) + ", " +
			pyJSONString("title") + ": " + pyJSONString(title) + "}"
	case formatHTML:
		return "<html>\n <head>\n  <title>" + status + "</title>\n </head>\n <body>\n  <h1>" + status + "</h1>\n  " + body + "\n </body>\n</html>"
	}
	return status + "\n\n" + body
}

// negotiate returns the offer the Accept header prefers, as WebOb's
// acceptable_offers does: each offer takes the quality of the most specific
// matching media range, offers of quality 0 are dropped, and ties keep the
// order of offers. It returns "" when nothing is acceptable, including for
// an empty header.
func negotiate(accept string, offers ...string) string {
	type mediaRange struct {
		typ, sub string
		q        float64
	}
	var ranges []mediaRange
	for item := range strings.SplitSeq(accept, ",") {
		parts := strings.Split(item, ";")
		typ, sub, ok := strings.Cut(strings.ToLower(strings.TrimSpace(parts[0])), "/")
		if !ok || typ == "" || sub == "" {
			continue
		}
		q := 1.0
		for _, p := range parts[1:] {
			k, v, _ := strings.Cut(p, "=")
			if strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && f >= 0 && f <= 1 {
					q = f
				}
			}
		}
		ranges = append(ranges, mediaRange{typ, sub, q})
	}
	best, bestQ := "", 0.0
	for _, offer := range offers {
		otyp, osub, _ := strings.Cut(offer, "/")
		q, specificity := 0.0, -1
		for _, rg := range ranges {
			s := -1
			switch {
			case rg.typ == otyp && rg.sub == osub:
				s = 2
			case rg.typ == otyp && rg.sub == "*":
				s = 1
			case rg.typ == "*" && rg.sub == "*":
				s = 0
			}
			if s > specificity {
				q, specificity = rg.q, s
			}
		}
		if q > bestQ {
			best, bestQ = offer, q
		}
	}
	return best
}

// pyRepr quotes s the way Python's repr() does for a str, which is how
// Warehouse quotes values in its messages.
func pyRepr(s string) string {
	quote := '\''
	if strings.ContainsRune(s, '\'') && !strings.ContainsRune(s, '"') {
		quote = '"'
	}
	var b strings.Builder
	b.WriteRune(quote)
	for _, r := range s {
		switch {
		case r == quote || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r > 0x7f && !unicode.IsPrint(r):
			switch {
			case r <= 0xff:
				fmt.Fprintf(&b, `\x%02x`, r)
			case r <= 0xffff:
				fmt.Fprintf(&b, `\u%04x`, r)
			default:
				fmt.Fprintf(&b, `\U%08x`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteRune(quote)
	return b.String()
}

// pyJSONString encodes s as Python's json.dumps does by default
// (ensure_ascii): control characters and everything beyond ASCII escaped
// as \uXXXX, surrogate pairs above the BMP.
func pyJSONString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			switch {
			case r < 0x20 || r >= 0x7f && r <= 0xffff:
				fmt.Fprintf(&b, `\u%04x`, r)
			case r > 0xffff:
				r -= 0x10000
				fmt.Fprintf(&b, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
			default:
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// htmlEscape is WebOb's html_escape: Python's html.escape(s, quote=True),
// then characters beyond ASCII as decimal character references.
func htmlEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"':
			b.WriteString("&quot;")
		case r == '\'':
			b.WriteString("&#x27;")
		case r > 0x7f && r != utf8.RuneError:
			fmt.Fprintf(&b, "&#%d;", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// retryAfterSeconds renders d as a Retry-After value: whole seconds,
// rounded up.
func retryAfterSeconds(d time.Duration) string {
	return strconv.FormatInt(int64(math.Ceil(d.Seconds())), 10)
}
