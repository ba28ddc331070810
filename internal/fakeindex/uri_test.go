package fakeindex

import (
	"github.com/pyupload/pyupload/internal/pyoracle"
	"testing"
)

// TestValidURIAsRFC3986 compares the index's URL rule with rfc3986 itself
// (Debian's python3-rfc3986, as Warehouse calls it) over generated URLs.
// It skips only outside CI when the module is missing.
func TestValidURIAsRFC3986(t *testing.T) {
	t.Parallel()
	const script = `import json, sys
from rfc3986 import exceptions, uri_reference, validators
def ok(u):
    v = validators.Validator().allow_schemes("http", "https").require_presence_of("scheme")
    v.check_validity_of("scheme", "host", "port", "path", "query")
    try:
        v.validate(uri_reference(u).normalize())
    except exceptions.ValidationError:
        return False
    return True
print(json.dumps([ok(u) for u in json.load(sys.stdin)]))`
	var corpus []string
	for _, s := range []string{"https://", "Http://", "gopher://", "https:", ""} {
		for _, a := range []string{"", "host", "h st", "[::ffff:1.2.3.4]", "[::1%lo]", "[v7.a:b]", "256.0.0.1", "a@b:65536", "b:00080", "b:1234567", "[1::2::3]", "x]", "%41%zz"} {
			for _, p := range []string{"", "/x", "/[", "/]/..", "/./../[a]", "x/[y]/../z", "/%", "/%41%", "/ü", "/a\x00b"} {
				for _, q := range []string{"", "?", "?[", "?x=%5B", "#[", "?a?b/c:d@e"} {
					corpus = append(corpus, s+a+p+q)
				}
			}
		}
	}
	var want []bool
	pyoracle.JSON(t, script, corpus, &want)
	if len(want) != len(corpus) {
		t.Fatalf("rfc3986 answered %d verdicts for %d URLs", len(want), len(corpus))
	}
	bad := 0
	for i, u := range corpus {
		if got := validURI(u); got != want[i] && bad < 30 {
			bad++
			t.Errorf("validURI(%q) = %v, rfc3986 %v", u, got, want[i])
		}
	}
}
