package transport

import (
	"net/url"
	"strings"
)

// Redact returns a URL safe to print: userinfo and query values are
// replaced and a fragment dropped, because index URLs may embed
// credentials (https://__token__:pypi-...@host/legacy/) and token
// endpoints carry them in queries; a fragment is never sent, so it can
// only be something pasted by mistake.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "<unparsable URL>"
	}
	if u.Opaque != "" || u.Host == "" {
		// No scheme and host (user:secret@host/path): what looks like
		// userinfo is not parsed as such, so cut it by hand.
		if i := strings.LastIndex(raw, "@"); i >= 0 {
			return "redacted@" + Redact(raw[i+1:])
		}
	}
	if u.User != nil {
		u.User = url.User("redacted")
	}
	u.Fragment, u.RawFragment = "", ""
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			q[k] = []string{"redacted"}
		}
		u.RawQuery = q.Encode()
	}
	return u.String()
}
