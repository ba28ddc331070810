package fakeindex

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// validURI is Warehouse's is_valid_uri(uri, require_authority=False),
// following rfc3986's steps one by one (the client reasons about their
// outcome instead, in pkg/dist/uri.go): split the reference, percent-encode
// path and query, normalize (an authority that does not parse is dropped,
// dot segments are removed), then require an http or https scheme and
// check host, port, path and query against RFC 3986's grammar.
func validURI(s string) bool {
	m := rfcSplit.FindStringSubmatchIndex(s)
	group := func(i int) (string, bool) {
		if m[2*i] < 0 {
			return "", false
		}
		return s[m[2*i]:m[2*i+1]], true
	}
	scheme, hasScheme := group(1)
	authority, hasAuthority := group(2)
	path, _ := group(3)
	query, hasQuery := group(4)
	if !hasScheme || !rfcScheme.MatchString(scheme) {
		return false
	}
	if scheme = strings.ToLower(scheme); scheme != "http" && scheme != "https" {
		return false
	}
	if hasAuthority && authority != "" {
		if sub := rfcSubAuthority.FindStringSubmatch(authority); sub != nil && !ipv4OutOfRange(sub[2]) {
			if port, err := strconv.Atoi(sub[3]); err == nil && port > 65535 {
				return false
			}
		}
	}
	if !rfcPath.MatchString(removeDotSegments(percentEncode(path))) {
		return false
	}
	return !hasQuery || rfcQuery.MatchString(percentEncode(query))
}

const (
	rfcUnreserved = `A-Za-z0-9._~\-`
	rfcSubDelims  = `!$&'()*+,;=`
	rfcPct        = `%[A-Fa-f0-9]{2}`
	rfcPchar      = `(?:[` + rfcUnreserved + rfcSubDelims + `:@]|` + rfcPct + `)`
	rfcH16        = `[0-9A-Fa-f]{1,4}`
	rfcIPv4       = `(?:[0-9]{1,3}\.){3}[0-9]{1,3}`
)

var (
	rfcSplit  = regexp.MustCompile(`^(?:([a-zA-Z][a-zA-Z0-9+.-]*):)?(?://([^\\/?#]*))?([^?#]*)(?:\?([^#]*))?`)
	rfcScheme = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*$`)
	rfcPath   = regexp.MustCompile(`^(?:(?:/` + rfcPchar + `*)*|/(?:` + rfcPchar + `+(?:/` + rfcPchar + `*)*)?|` + rfcPchar + `+(?:/` + rfcPchar + `*)*)$`)
	rfcQuery  = regexp.MustCompile(`^(?:[/?:@` + rfcUnreserved + rfcSubDelims + `]|` + rfcPct + `)*$`)
	rfcIPv6   = ipv6Pattern()
	// userinfo@host:port, host a reg-name, IPv4 or IP literal.
	rfcSubAuthority = regexp.MustCompile(`^(?:((?:[` + rfcUnreserved + rfcSubDelims + `:]|` + rfcPct + `)+)@)?` +
		`((?:` + rfcPct + `|[` + rfcSubDelims + rfcUnreserved + `])*|` + rfcIPv4 + `|\[(?:` + rfcIPv6 + `(?:(?:%25|%)(?:[` + rfcUnreserved + `]|` + rfcPct + `)+)?|v[0-9A-Fa-f]+\.[` + rfcUnreserved + rfcSubDelims + `:]+)\])` +
		`:?([0-9]{1,5})?$`)
)

// ipv6Pattern is RFC 3986's IPv6address: its nine forms.
func ipv6Pattern() string {
	ls32 := `(?:` + rfcH16 + `:` + rfcH16 + `|` + rfcIPv4 + `)`
	h := rfcH16
	forms := []string{
		fmt.Sprintf(`(?:%s:){6}%s`, h, ls32),
		fmt.Sprintf(`::(?:%s:){5}%s`, h, ls32),
		fmt.Sprintf(`(?:%s)?::(?:%s:){4}%s`, h, h, ls32),
		fmt.Sprintf(`(?:(?:%s:)?%s)?::(?:%s:){3}%s`, h, h, h, ls32),
		fmt.Sprintf(`(?:(?:%s:){0,2}%s)?::(?:%s:){2}%s`, h, h, h, ls32),
		fmt.Sprintf(`(?:(?:%s:){0,3}%s)?::%s:%s`, h, h, h, ls32),
		fmt.Sprintf(`(?:(?:%s:){0,4}%s)?::%s`, h, h, ls32),
		fmt.Sprintf(`(?:(?:%s:){0,5}%s)?::%s`, h, h, h),
		fmt.Sprintf(`(?:(?:%s:){0,6}%s)?::`, h, h),
	}
	return `(?:` + strings.Join(forms, "|") + `)`
}

// ipv4OutOfRange: rfc3986 refuses a dotted-quad host with an octet above
// 255 as an authority, which normalization then drops.
func ipv4OutOfRange(host string) bool {
	parts := strings.Split(host, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil {
			return false
		}
		if n > 255 {
			return true
		}
	}
	return false
}

// percentEncode is rfc3986's encode_component: every byte outside the
// reserved and unreserved sets becomes %XX, and so does '%' unless every
// '%' already starts a valid escape.
func percentEncode(s string) string {
	keepPercent := strings.Count(s, "%") == len(regexp.MustCompile(rfcPct).FindAllStringIndex(s, -1))
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' && keepPercent || c < 0x80 && c != '%' && strings.IndexByte(":/?#[]@"+rfcSubDelims+"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._!-~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// removeDotSegments drops "." segments and ".." with the segment before.
func removeDotSegments(p string) string {
	if p == "" {
		return p
	}
	var out []string
	for seg := range strings.SplitSeq(p, "/") {
		switch seg {
		case ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, seg)
		}
	}
	if strings.HasPrefix(p, "/") && (len(out) == 0 || out[0] != "") {
		out = append([]string{""}, out...)
	}
	if strings.HasSuffix(p, "/.") || strings.HasSuffix(p, "/..") {
		out = append(out, "")
	}
	return strings.Join(out, "/")
}
