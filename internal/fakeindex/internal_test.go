package fakeindex

import (
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestNegotiate(t *testing.T) {
	t.Parallel()
	offers := []string{formatHTML, formatJSON}
	tests := []struct{ accept, want string }{
		{"", ""},
		{"application/json", formatJSON},
		{"*/*", formatHTML},
		{"text/*", formatHTML},
		{"application/*", formatJSON},
		{"text/plain", ""},
		{"application/json;q=0.9, text/html", formatHTML},
		{"text/html;q=0.1, application/json;q=0.2", formatJSON},
		{"*/*;q=0.5, application/json", formatJSON},
		{"text/html;q=0, */*", formatJSON},
		{"APPLICATION/JSON", formatJSON},
		{"garbage", ""},
	}
	for _, tt := range tests {
		if got := negotiate(tt.accept, offers...); got != tt.want {
			t.Errorf("negotiate(%q) = %q, want %q", tt.accept, got, tt.want)
		}
	}
}

func TestPyRepr(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"abc", "'abc'"},
		{"", "''"},
		{"it's", `"it's"`},
		{`it's "x"`, `'it\'s "x"'`},
		{"a\\b", `'a\\b'`},
		{"tab\tnl\n\x00\x7f", `'tab\tnl\n\x00\x7f'`},
		{"é ü 漢", "'é ü 漢'"},
		{"\u00a0\u200b", `'\xa0\u200b'`},
	}
	for _, tt := range tests {
		if got := pyRepr(tt.in); got != tt.want {
			t.Errorf("pyRepr(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestPyJSONString(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{`a"b\c`, `"a\"b\\c"`},
		{"\n\r\t\b\f\x01\x7f", `"\n\r\t\b\f\u0001\u007f"`},
		{"é<>&/", `"\u00e9<>&/"`},
		{"😀", `"\ud83d\ude00"`},
	}
	for _, tt := range tests {
		if got := pyJSONString(tt.in); got != tt.want {
			t.Errorf("pyJSONString(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestHTMLEscape(t *testing.T) {
	t.Parallel()
	if got, want := htmlEscape(`<a href="x">'é'&</a>`), "&lt;a href=&quot;x&quot;&gt;&#x27;&#233;&#x27;&amp;&lt;/a&gt;"; got != want {
		t.Errorf("htmlEscape = %s, want %s", got, want)
	}
}

func TestRetryAfterSeconds(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{0: "0", time.Second: "1", 1500 * time.Millisecond: "2", time.Millisecond: "1", time.Minute: "60"} {
		if got := retryAfterSeconds(d); got != want {
			t.Errorf("retryAfterSeconds(%v) = %s, want %s", d, got, want)
		}
	}
}

func TestStatusLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		rp   reply
		want string
	}{
		{reply{status: 200}, "200 OK"},
		{reply{status: 503}, "503 Service Unavailable"},
		{reply{status: 400, message: "Bad 'x'"}, "400 Bad 'x'"},
		{reply{status: 400, message: "naïve 漢"}, "400 naïve ?"}, // ISO-8859-1 with '?' replacement
		{reply{status: 418}, "418 I'm a teapot"},
	}
	for _, tt := range tests {
		if got := tt.rp.statusLine(); got != tt.want {
			t.Errorf("statusLine(%+v) = %q, want %q", tt.rp, got, tt.want)
		}
	}
}

func TestSanitize(t *testing.T) {
	t.Parallel()
	in := url.Values{
		"summary":     {"UNKNOWN"},
		"classifiers": {"A", " UNKNOWN\n"}, // the last value decides, and deletes all
		"platform":    {"UNKNOWN", "linux"},
		"description": {"a\x00b"},
		"keywords":    {"x\x00", "y\x00z"}, // rewritten to the last value only
	}
	got, deleted := sanitize(in)
	want := url.Values{"platform": {"UNKNOWN", "linux"}, "description": {`a\x00b`}, "keywords": {`y\x00z`}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sanitize mismatch (-want +got):\n%s", diff)
	}
	if !deleted["summary"] || !deleted["classifiers"] || deleted["platform"] {
		t.Errorf("deleted = %v, want summary and classifiers", deleted)
	}
	if in.Get("summary") != "UNKNOWN" {
		t.Error("sanitize modified its input")
	}
}

func TestParseRequirement(t *testing.T) {
	t.Parallel()
	valid := map[string]string{
		"attrs":                                    "attrs",
		"attrs (>=22)":                             "attrs>=22",
		"rich (>=12) ; extra == 'pretty'":          `rich>=12; extra == "pretty"`,
		"pkg[b,a]>=1.0,<2":                         "pkg[a,b]>=1.0,<2",
		"pkg @ https://example.com/p.whl":          "pkg @ https://example.com/p.whl",
		"pkg@https://x/p.whl ; python_version<'3'": `pkg @ https://x/p.whl ; python_version < "3"`,
		"pkg; (os_name == 'nt' or sys_platform == 'win32') and python_version >= '3.8'": `pkg; (os_name == "nt" or sys_platform == "win32") and python_version >= "3.8"`,
		"pkg ; 'linux' not in sys_platform":                                             `pkg; "linux" not in sys_platform`,
		"pkg~=1.4.2":                                                                    "pkg~=1.4.2",
		"pkg==1.*":                                                                      "pkg==1.*",
		"pkg===weird":                                                                   "pkg===weird",
		"pkg>=1,":                                                                       "pkg>=1,",
		"pkg (>=1, <2, )":                                                               "pkg>=1, <2,",
	}
	for in, want := range valid {
		r, err := parseRequirement(in)
		if err != nil {
			t.Errorf("parseRequirement(%q) = %v, want ok", in, err)
			continue
		}
		if got := r.String(); got != want {
			t.Errorf("parseRequirement(%q).String() = %q, want %q", in, got, want)
		}
	}
	for _, in := range []string{"", "-pkg", "pkg >>= 1", "pkg ==", "pkg (>=1", "pkg[a", "pkg; ", "pkg; os_name", "pkg; unknown_var == 'x'",
		"pkg; os_name == 'x", "pkg ~=1", "pkg >=1.*", "pkg <1.0+local", "pkg @ ", "pkg extra",
		"pkg ,", "pkg >=1,,<2", "pkg >=1,,", "pkg (,)"} {
		if _, err := parseRequirement(in); err == nil {
			t.Errorf("parseRequirement(%q) = ok, want an error", in)
		}
	}
}

func TestValidSpecifierSet(t *testing.T) {
	t.Parallel()
	for _, s := range []string{">=3.8", ">=3.8,<4.0", ">= 3.8, != 3.9.*", "~=3.10", ">=3.8,", ",", " , ", ">=3.8,,<4", "==3.*", "!=1.0+local"} {
		if !validSpecifierSet(s) {
			t.Errorf("validSpecifierSet(%q) = false, want true", s)
		}
	}
	for _, s := range []string{"3.8", ">=3.8 <4", "=>3.8", ">=x", "~=3", "<=3.*"} {
		if validSpecifierSet(s) {
			t.Errorf("validSpecifierSet(%q) = true, want false", s)
		}
	}
}

func TestLicenseFileProblem(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"LICENSE":           "",
		"licenses/MIT.txt":  "",
		"../LICENSE":        "parent directory indicators are not allowed",
		"LICENSE*":          "paths must be resolved",
		"/etc/LICENSE":      "paths must be relative",
		`C:\LICENSE`:        "paths must be relative",
		`licenses\MIT.txt`:  "paths must use '/' delimiter",
		"licenses//MIT.txt": "paths must use '/' delimiter",
		"./LICENSE":         "paths must use '/' delimiter",
	}
	for in, want := range tests {
		if got := licenseFileProblem(in); got != want {
			t.Errorf("licenseFileProblem(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestValidEntryPoints(t *testing.T) {
	t.Parallel()
	good := []string{
		"",
		"[console_scripts]\nfoo = pkg:main\nfoo-bar.baz = pkg:main\n",
		"# comment\n[other]\nsome thing = pkg:x\n  continued\n",
	}
	bad := []string{
		"foo = pkg:main\n",                      // no section
		"[console_scripts]\nbad name! = x:y\n",  // script name
		"[console_scripts]\nfoo\n",              // no '='
		"[a]\nx = 1\n[a]\ny = 2\n",              // duplicate section
		"[a]\nx = 1\nx = 2\n",                   // duplicate key
		"[console_scripts]\n\xff = x:y\n",       // not UTF-8
		"[gui_scripts]\n../evil = pkg:main\n",   // path in a name
		"[console_scripts]\n = pkg:main\n",      // empty name
		"[console_scripts]\nfoo/bar = pkg:x\n",  // slash
		"[console_scripts]\nfoo bar = pkg:x\n",  // space
		"[console_scripts]\nfoo:bar = pkg:x\n",  // colon
		"[console_scripts]\nfoo = a\n[x\n",      // broken header
		"[console_scripts]\n[another]\n= x\n",   // empty key
		"[console_scripts]\nfoo = a\nfoo = b\n", // duplicate script
	}
	for _, s := range good {
		if !validEntryPoints([]byte(s)) {
			t.Errorf("validEntryPoints(%q) = false, want true", s)
		}
	}
	for _, s := range bad {
		if validEntryPoints([]byte(s)) {
			t.Errorf("validEntryPoints(%q) = true, want false", s)
		}
	}
}

func TestCommonPath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"p-1.0/PKG-INFO", "p-1.0/", "p-1.0/src/x.py"}, "p-1.0"},
		{[]string{"./p-1.0/PKG-INFO", "p-1.0"}, "p-1.0"},
		{[]string{"a/x", "b/y"}, ""},
		{[]string{"PKG-INFO"}, "PKG-INFO"},
	}
	for _, tt := range tests {
		if got := commonPath(tt.in); got != tt.want {
			t.Errorf("commonPath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestEmailProblem(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"a@example.com":                      "",
		"Jane Doe <jane@example.com>":        "",
		"a@example.com, b@example.com":       "",
		"not-an-email":                       "'not-an-email' is not a valid email address: An email address must have an @-sign.",
		"@example.com":                       "'@example.com' is not a valid email address: There must be something before the @-sign.",
		"Jane <jane@localhost>":              "'jane@localhost' is not a valid email address: The part after the @-sign is not valid. It should have a period.",
		"jane@":                              "'jane@' is not a valid email address: There must be something after the @-sign.",
		"Pyupload Tests <tests@example.com>": "",
	}
	for in, want := range tests {
		if got := emailProblem(in); got != want {
			t.Errorf("emailProblem(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestContentTypeProblem(t *testing.T) {
	t.Parallel()
	f := "'description-content-type'"
	tests := map[string]string{
		"text/markdown": "",
		"text/markdown; charset=UTF-8; variant=GFM": "",
		"Text/X-RST":                        "",
		"text/plain; charset=\"UTF-8\"":     "",
		"text/html":                         f + " must be one of ['text/plain', 'text/x-rst', 'text/markdown'], not 'text/html'",
		"markdown":                          f + " must be one of ['text/plain', 'text/x-rst', 'text/markdown'], not 'markdown'",
		"text/plain; charset=utf-8":         f + " can only specify the UTF-8 charset, not 'utf-8'",
		"text/markdown; variant=commonmark": "valid Markdown variants for " + f + " are ['GFM', 'CommonMark'], not 'commonmark'",
	}
	for in, want := range tests {
		if got := contentTypeProblem(in, f); got != want {
			t.Errorf("contentTypeProblem(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDistIdentity(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		same bool
	}{
		{"pkg-1.0-py3-none-any.whl", "pkg-1.0-py3-none-any.whl", true},
		{"pkg-1.0-py2.py3-none-any.whl", "pkg-1.0-py3.py2-none-any.whl", true},
		{"Pkg_Name-1.0-py3-none-any.whl", "pkg.name-1.0.0-py3-none-any.whl", true},
		{"pkg-1.0-1-py3-none-any.whl", "pkg-1.0-py3-none-any.whl", false},
		{"pkg-1.0-py3-none-any.whl", "pkg-1.1-py3-none-any.whl", false},
		{"pkg-1.0.tar.gz", "pkg-1.0-py3-none-any.whl", false},
		{"pkg-1.0.tar.gz", "PKG-1.0.0.tar.gz", true},
		{"pkg-1.0.tar.gz", "pkg-1.0.zip", true},
		{"pkg-1.0-py3-none.whl", "pkg-1.0-py3-none.whl", false}, // not a wheel name
		{"pkg.tar.gz", "pkg.tar.gz", false},
	}
	for _, tt := range tests {
		a, errA := distIdentity(tt.a)
		b, errB := distIdentity(tt.b)
		if same := errA == nil && errB == nil && a.same(b); same != tt.same {
			t.Errorf("distIdentity(%q) == distIdentity(%q): %v, want %v (%v, %v)", tt.a, tt.b, same, tt.same, errA, errB)
		}
	}
}

func FuzzParseAttestations(f *testing.F) {
	f.Add([]byte(`[{"version": 1, "verification_material": {"certificate": "eA==", "transparency_entries": [{}]}, "envelope": {"statement": "eA==", "signature": "eA=="}}]`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{`))
	f.Fuzz(func(t *testing.T, field []byte) {
		atts, err := ParseAttestations(field)
		if err != nil {
			return
		}
		for _, a := range atts {
			if a.Version != 1 || len(a.VerificationMaterial.Certificate) == 0 || len(a.Envelope.Statement) == 0 {
				t.Errorf("ParseAttestations accepted %+v", a)
			}
			if _, err := a.bundle(); err != nil && err.Error() == "" {
				t.Error("an empty error")
			}
		}
	})
}
