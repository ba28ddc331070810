package fakeindex

import (
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pyupload/pyupload/pkg/dist"
)

// The index's requirement and specifier rules are written independently
// of the client's (pkg/pep508, pkg/pep440), which are checked against
// Python's packaging in their own tests. This test holds the two Go
// implementations to the same verdicts and the same texts on a generated
// corpus, so the end-to-end tests, which trust the index, test the rules
// PyPI has.

var agreementSeeds = []string{
	"requests", "requests >>= 2.0", "requests>=2.0", "requests (>=2.0, <3)", "requests[security,socks]>=2.8",
	"foo>=3.9,", "foo ~= 3", "foo~=3.9", "foo==1.*", "foo>=1.0.*", "foo>=1.0+abc", "foo==1.0+abc", "foo===a,b",
	"foo===x", "foo[a b]", "foo[a,]", "foo[]", "foo[a", "name @ https://e.org/x.whl", "name@https://e.org/x.whl",
	"name @ https://e.org/x.whl ; os_name=='nt'", "name @ x y", "foo ; python_version >= '3.8' and (os_name == 'nt' or extra == 'Dev')",
	"foo ; 'a' in extras", "foo ; 'g' not in dependency_groups", "foo ; os.name == 'posix'", "foo ;", "foo ; python_version",
	"foo ; (os_name=='a'", "foo ; os_name=='a')", "foo ; os_name=='a'and os_name=='b'", "foo\n", "fooé", "foo-é", "foo_",
	">=3.9", ">=3.9,", ",", "~=3", "~=3.9", "===foo", "=== foo bar", ">>=2.0", "=>2.0", "3.9", ">=3.9 <4", "==1.0+l",
	">=1.0+l", "~=1.0poſt1", "Foo_Bar", "a", "a-", "-a", "a..b", "é",
}

var agreementRunes = []rune("<>=!~;,.*+-_@()[]'\" \t\n\\aeinoprstx019Zé\u00a0\u0131\u017f")

func agreementCorpus(n int) []string {
	r := rand.New(rand.NewPCG(10, 508))
	seen := map[string]bool{}
	var out []string
	for _, s := range agreementSeeds {
		seen[s] = true
		out = append(out, s)
	}
	for len(out) < n {
		rs := []rune(agreementSeeds[r.IntN(len(agreementSeeds))])
		for k := 1 + r.IntN(3); k > 0; k-- {
			i := r.IntN(len(rs) + 1)
			switch r.IntN(3) {
			case 0:
				if i < len(rs) {
					rs = append(rs[:i], rs[i+1:]...)
				}
			case 1:
				rs = append(rs[:i], append([]rune{agreementRunes[r.IntN(len(agreementRunes))]}, rs[i:]...)...)
			default:
				if i < len(rs) {
					rs[i] = agreementRunes[r.IntN(len(agreementRunes))]
				}
			}
		}
		if s := string(rs); !seen[s] && utf8.ValidString(s) {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// clientErrors runs the client's check on metadata carrying v in one field.
func clientErrors(v string, set func(m *dist.Metadata)) map[string]string {
	m := &dist.Metadata{MetadataVersion: "2.1", Name: "x", Version: "1.0", DescriptionContentType: "text/plain", Description: "x"}
	set(m)
	d := &dist.Dist{Filename: &dist.Filename{Base: "x-1.0.tar.gz", Kind: dist.Sdist, Name: "x"}, Metadata: m}
	got := map[string]string{}
	for _, p := range dist.Check(d) {
		if p.Severity == dist.Error && got[p.Field] == "" {
			got[p.Field] = p.Message
		}
	}
	return got
}

func TestRequirementRulesAgreeWithClient(t *testing.T) {
	t.Parallel()
	fields := []struct {
		key, header, field string
		set                func(m *dist.Metadata, v string)
	}{
		{"requires_dist", "requires-dist", "Requires-Dist", func(m *dist.Metadata, v string) { m.RequiresDist = []string{v} }},
		{"requires_python", "requires-python", "Requires-Python", func(m *dist.Metadata, v string) { m.RequiresPython = v }},
		{"provides_extra", "provides-extra", "Provides-Extra", func(m *dist.Metadata, v string) { m.ProvidesExtra = []string{v} }},
	}
	failures := 0
	for _, v := range agreementCorpus(5000) {
		if neverSent(v) {
			continue
		}
		for _, f := range fields {
			index := validateField(f.key, f.header, []string{v})
			client := clientErrors(v, func(m *dist.Metadata) { f.set(m, v) })[f.field]
			if strings.HasPrefix(client, "Can't have direct dependency") {
				client = "" // a Warehouse rule, checked after packaging's
			}
			if (index == "") != (client == "") || !strings.HasPrefix(client, index) {
				failures++
				if failures <= 30 {
					t.Errorf("%s %q: index says %q, client says %q", f.field, v, index, client)
				}
			}
		}
	}
	if failures > 30 {
		t.Errorf("... %d disagreements in all", failures)
	}
}

// TestDistFieldRulesAgreeWithClient covers Warehouse's own rules: the
// direct-reference texts, and Provides-Dist/Obsoletes-Dist, which
// Warehouse parses itself ("'<v>' is invalid: <packaging's error>"; the
// index does not reproduce packaging's error text, so only the part
// before it is compared).
func TestDistFieldRulesAgreeWithClient(t *testing.T) {
	t.Parallel()
	fields := []struct {
		key, header, field string
		set                func(m *dist.Metadata, v string)
	}{
		{"requires_dist", "requires-dist", "Requires-Dist", func(m *dist.Metadata, v string) { m.RequiresDist = []string{v} }},
		{"provides_dist", "provides-dist", "Provides-Dist", func(m *dist.Metadata, v string) { m.ProvidesDist = []string{v} }},
		{"obsoletes_dist", "obsoletes-dist", "Obsoletes-Dist", func(m *dist.Metadata, v string) { m.ObsoletesDist = []string{v} }},
	}
	failures := 0
	for _, v := range agreementCorpus(5000) {
		if neverSent(v) {
			continue
		}
		for _, f := range fields {
			if f.key == "requires_dist" && validateField(f.key, f.header, []string{v}) != "" {
				continue // packaging's rule, compared above
			}
			index := ""
			if errs := warehouseRules(&metaInfo{values: url.Values{f.key: {v}}}); len(errs) > 0 {
				index = errs[0].msg
			}
			client := clientErrors(v, func(m *dist.Metadata) { f.set(m, v) })[f.field]
			if cut, ok := strings.CutSuffix(index, ": invalid requirement"); ok {
				index = cut + ":"
			}
			if (index == "") != (client == "") || !strings.HasPrefix(client, index) {
				failures++
				if failures <= 30 {
					t.Errorf("%s %q: index says %q, client says %q", f.field, v, index, client)
				}
			}
		}
	}
	if failures > 30 {
		t.Errorf("... %d disagreements in all", failures)
	}
}

// neverSent: a value that is empty or strips to UNKNOWN never reaches the
// index (the client leaves it out of the form, and Warehouse's sanitize
// deletes it), so neither side judges it.
func neverSent(v string) bool {
	return v == "" || strings.TrimSpace(v) == "UNKNOWN"
}
