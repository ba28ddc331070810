package dist

import (
	"github.com/pyupload/pyupload/internal/pyoracle"
	"testing"
)

// warehouseURIScript is Warehouse's is_valid_uri(require_authority=False)
// over rfc3986 (Debian's python3-rfc3986 1.5.0; Warehouse pins 2.0.0,
// whose parsing and validation did not change): a JSON list of strings in,
// a JSON list of verdicts out.
const warehouseURIScript = `import json, sys
from rfc3986 import exceptions, uri_reference, validators
def ok(u):
    ref = uri_reference(u).normalize()
    v = validators.Validator().allow_schemes("http", "https").require_presence_of("scheme")
    v.check_validity_of("scheme", "host", "port", "path", "query")
    try:
        v.validate(ref)
    except exceptions.ValidationError:
        return False
    return True
print(json.dumps([ok(u) for u in json.load(sys.stdin)]))`

// uriCorpus is hand-picked URLs and their combinations: schemes,
// authorities, paths and queries PyPI treats differently.
func uriCorpus() []string {
	out := []string{"", "x.org", "//x.org", " https://x.org", "https:", "https://", "mailto:a@b", "javascript:alert(1)", "file:///etc"}
	schemes := []string{"http://", "HTTPS://", "ftp://", "http:", "h-t+t.p://"}
	auths := []string{"x.org", "", "exa mple.com", "u:p@x.org", "x.org:80", "x.org:65535", "x.org:65536", "x.org:99999", "x.org:123456",
		"x.org:abc", "x.org:", "999.1.1.1", "1.2.3.4:8080", "[::1]", "[::1]:99999", "[fe80::1%25eth0]", "[fe80::1%eth0]", "[v1.x]", "[zz]",
		"[1.2.3.4]:70000", "é.org", "x.org%41", "@x.org", "x@y@z"}
	paths := []string{"", "/", "/a/b", "/a[1]", "/a b", "/%zz", "/é", "/../a", "\\y", "/a]", "//x", "/a:b", "/./[x]/..", "/[x]/./..", "/[x]/../..", "/..", "a[/../b", "/a/[b]/./c/../..", "/[x]/"}
	queries := []string{"", "?a=1", "?a[1]=2", "?é", "?%", "#frag[1]", "?a#b[", "?]"}
	for _, s := range schemes {
		for _, a := range auths {
			for _, p := range paths {
				for _, q := range queries {
					out = append(out, s+a+p+q)
				}
			}
		}
	}
	return out
}

// TestValidIndexURIAsRFC3986 is the differential test for URL fields.
// It skips only outside CI when python3-rfc3986 is missing (CI installs
// it).
func TestValidIndexURIAsRFC3986(t *testing.T) {
	t.Parallel()
	corpus := uriCorpus()
	var want []bool
	pyoracle.JSON(t, warehouseURIScript, corpus, &want)
	if len(want) != len(corpus) {
		t.Fatalf("rfc3986 answered %d verdicts for %d URLs", len(want), len(corpus))
	}
	bad := 0
	for i, u := range corpus {
		if got := validIndexURI(u); got != want[i] && bad < 30 {
			bad++
			t.Errorf("validIndexURI(%q) = %v, rfc3986 %v", u, got, want[i])
		}
	}
}
