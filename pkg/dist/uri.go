package dist

import (
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// validIndexURI is what Warehouse's is_valid_uri(require_authority=False)
// accepts, for Home-page, Download-URL and each Project-URL: rfc3986's
// reference is split, normalized, then validated. What that amounts to is
// narrower than it looks, and checking more would refuse URLs PyPI takes:
//   - the scheme must be present and be http or https, in any case;
//   - the path and the query are percent-encoded before they are checked,
//     so only '[' and ']', which the encoder leaves alone and the grammar
//     refuses there, can make them invalid (in the path, only in segments
//     that dot-segment removal keeps);
//   - an authority that does not parse is dropped by normalization (so
//     "https://exa mple.com" passes); one that parses fails only with a
//     port above 65535.
//
// A test compares this with rfc3986 itself (Debian's python3-rfc3986).
func validIndexURI(s string) bool {
	m := uriParts.FindStringSubmatchIndex(s)
	if m == nil || m[2] < 0 {
		return false
	}
	if scheme := strings.ToLower(s[m[2]:m[3]]); scheme != "http" && scheme != "https" {
		return false
	}
	if bracketAfterDotSegments(s[m[6]:m[7]]) || m[8] >= 0 && strings.ContainsAny(s[m[8]:m[9]], "[]") {
		return false
	}
	if m[4] < 0 {
		return true
	}
	return authorityOK(s[m[4]:m[5]])
}

// bracketAfterDotSegments reports a '[' or ']' in a path segment that
// normalization keeps: rfc3986 removes "." segments, and ".." with the
// segment before it, before the path is checked.
func bracketAfterDotSegments(p string) bool {
	var kept []string
	for seg := range strings.SplitSeq(p, "/") {
		switch seg {
		case ".":
		case "..":
			if len(kept) > 0 {
				kept = kept[:len(kept)-1]
			}
		default:
			kept = append(kept, seg)
		}
	}
	return slices.ContainsFunc(kept, func(seg string) bool { return strings.ContainsAny(seg, "[]") })
}

// uriParts is RFC 3986's appendix B reference splitter: scheme, authority,
// path, query (the fragment is not checked).
var uriParts = regexp.MustCompile(`^(?:([a-zA-Z][a-zA-Z0-9+.-]*):)?(?://([^\\/?#]*))?([^?#]*)(?:\?([^#]*))?`)

const (
	uriUnreserved = `A-Za-z0-9._~\-`
	uriSubDelims  = `!$&'()*+,;=`
	uriPct        = `%[A-Fa-f0-9]{2}`
)

// uriAuthority is RFC 3986's userinfo@host:port, with an IP literal taken
// whole (its inside is checked apart).
var uriAuthority = regexp.MustCompile(`^(?:(?:[` + uriUnreserved + uriSubDelims + `:]|` + uriPct + `)+@)?` +
	`((?:` + uriPct + `|[` + uriSubDelims + uriUnreserved + `])*|\[[^\[\]]*\])` + `:?([0-9]{1,5})?$`)

func authorityOK(auth string) bool {
	m := uriAuthority.FindStringSubmatch(auth)
	if m == nil {
		return true // not an authority: normalization drops it
	}
	host, port := m[1], m[2]
	if strings.HasPrefix(host, "[") {
		addr, _, _ := strings.Cut(host[1:len(host)-1], "%")
		if a, err := netip.ParseAddr(addr); err != nil || !a.Is6() {
			return true // not an IP literal rfc3986 knows: dropped too
		}
	}
	if port == "" {
		return true
	}
	n, _ := strconv.Atoi(port)
	return n <= 65535
}
