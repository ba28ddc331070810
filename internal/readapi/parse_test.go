package readapi_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pyupload/pyupload/internal/readapi"
)

const (
	shaA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	shaB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
)

func TestParseSimpleHTML(t *testing.T) {
	tests := []struct {
		name    string
		page    string
		want    []readapi.File
		notPage bool
	}{
		{
			name: "PEP 503 page with PEP 629 meta",
			page: `<!DOCTYPE html><html><head><meta name="pypi:repository-version" content="1.1"><title>Links for pkg</title></head><body>
<h1>Links for pkg</h1>
<a href="https://files.example/pkg-1.0-py3-none-any.whl#sha256=` + shaA + `" data-requires-python="&gt;=3.9">pkg-1.0-py3-none-any.whl</a><br/>
<a href="../../files/pkg-1.0.tar.gz#sha256=` + strings.ToUpper(shaB) + `">pkg-1.0.tar.gz</a><br/>
</body></html>`,
			want: []readapi.File{{Filename: "pkg-1.0-py3-none-any.whl", SHA256: shaA}, {Filename: "pkg-1.0.tar.gz", SHA256: shaB}},
		},
		{
			name: "Gitea's page: no meta, every link a file",
			page: `<!DOCTYPE html><html><head><title>Links for pkg</title></head><body><h1>Links for pkg</h1>
<a href="/api/packages/o/pypi/files/pkg/1.0/pkg-1.0-py3-none-any.whl#sha256=` + shaA + `" data-requires-python="">pkg-1.0-py3-none-any.whl</a><br/>
</body></html>`,
			want: []readapi.File{{Filename: "pkg-1.0-py3-none-any.whl", SHA256: shaA}},
		},
		{
			name: "legacy formats and other hash algorithms",
			page: `<meta name="pypi:repository-version" content="1.0"><a href="pkg-0.1.win32.exe#md5=abc">pkg-0.1.win32.exe</a><a href="x/pkg-0.2.zip#sha256=nothex">pkg-0.2.zip</a>`,
			want: []readapi.File{{Filename: "pkg-0.1.win32.exe"}, {Filename: "pkg-0.2.zip"}},
		},
		{
			name: "a directory listing's parent link is not a file, nor a web page's",
			page: `<a href="../">..</a><a href="pkg-1.0.tar.gz#sha256=` + shaA + `">pkg-1.0.tar.gz</a>`,
			want: []readapi.File{{Filename: "pkg-1.0.tar.gz", SHA256: shaA}},
		},
		{
			name:    "a user's web page where a simple page was expected",
			page:    `<html><body><nav><a href="/">Home</a><a href="/explore/repos">Explore</a><a href="/user/login">Sign In</a></nav><a href="/simple/pkg-1.0.tar.gz">pkg-1.0.tar.gz</a></body></html>`,
			notPage: true,
		},
		{name: "no links at all", page: `<html><body><p>Nothing here</p></body></html>`, notPage: true},
		{name: "an empty project that declares the API", page: `<meta name="pypi:repository-version" content="1.0"><h1>Links for pkg</h1>`, want: []readapi.File{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readapi.ParseSimpleHTML(strings.NewReader(tt.page))
			if tt.notPage {
				if !errors.Is(err, readapi.ErrNotSimplePage) {
					t.Fatalf("ParseSimpleHTML = %v, %v; want ErrNotSimplePage", got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmpEmpty); diff != "" {
				t.Errorf("files (-want +got):\n%s", diff)
			}
		})
	}
}

// cmpEmpty treats nil and empty slices alike.
var cmpEmpty = cmp.FilterValues(func(a, b []readapi.File) bool { return len(a) == 0 && len(b) == 0 }, cmp.Ignore())

func TestParseSimpleJSON(t *testing.T) {
	got, err := readapi.ParseSimpleJSON(strings.NewReader(`{"meta":{"api-version":"1.1"},"name":"pkg","files":[{"filename":"pkg-1.0.tar.gz","hashes":{"sha256":"` + shaA + `"}},{"filename":"pkg-1.0-py3-none-any.whl","hashes":{}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := []readapi.File{{Filename: "pkg-1.0.tar.gz", SHA256: shaA}, {Filename: "pkg-1.0-py3-none-any.whl"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, doc := range []string{`{"files":[]}`, `{"message":"401 Unauthorized"}`, `[]`} {
		if _, err := readapi.ParseSimpleJSON(strings.NewReader(doc)); err == nil {
			t.Errorf("ParseSimpleJSON(%s) accepted JSON that is not a PEP 691 page", doc)
		}
	}
}

func TestParsePyPIJSON(t *testing.T) {
	got, err := readapi.ParsePyPIJSON(strings.NewReader(`{"info":{"name":"pkg"},"urls":[{"filename":"pkg-1.0.tar.gz","digests":{"sha256":"` + shaA + `","md5":"x"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]readapi.File{{Filename: "pkg-1.0.tar.gz", SHA256: shaA}}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, doc := range []string{`{"urls":[]}`, `{"info":{}}`, `{"message":"Not Found"}`} {
		if _, err := readapi.ParsePyPIJSON(strings.NewReader(doc)); err == nil {
			t.Errorf("ParsePyPIJSON(%s) accepted JSON that is not PyPI's JSON API", doc)
		}
	}
}

func FuzzParseSimpleHTML(f *testing.F) {
	f.Add(`<meta name="pypi:repository-version" content="1.0"><a href="p-1.0.tar.gz#sha256=` + shaA + `">p-1.0.tar.gz</a>`)
	f.Add(`<a href="../">..</a><a href="/x">Home</a>`)
	f.Add(`<a href="%zz">p-1.0.whl</a><a`)
	f.Fuzz(func(t *testing.T, page string) {
		files, err := readapi.ParseSimpleHTML(strings.NewReader(page))
		if err != nil {
			return
		}
		for _, f := range files {
			if f.Filename == "" || strings.ContainsAny(f.Filename, "/\\") {
				t.Errorf("file name %q from a link", f.Filename)
			}
			if f.SHA256 != "" && len(f.SHA256) != 64 {
				t.Errorf("sha256 %q is not 64 hex digits", f.SHA256)
			}
		}
	})
}

func FuzzParseSimpleJSON(f *testing.F) {
	f.Add(`{"meta":{"api-version":"1.0"},"files":[{"filename":"p-1.0.tar.gz","hashes":{"sha256":"` + shaA + `"}}]}`)
	f.Add(`{"info":{},"urls":[{"filename":"p","digests":{"sha256":"` + shaB + `"}}]}`)
	f.Fuzz(func(t *testing.T, doc string) {
		for _, parse := range []func(string) ([]readapi.File, error){
			func(s string) ([]readapi.File, error) { return readapi.ParseSimpleJSON(strings.NewReader(s)) },
			func(s string) ([]readapi.File, error) { return readapi.ParsePyPIJSON(strings.NewReader(s)) },
		} {
			files, err := parse(doc)
			if err != nil {
				continue
			}
			for _, f := range files {
				if f.SHA256 != "" && len(f.SHA256) != 64 {
					t.Errorf("sha256 %q is not 64 hex digits", f.SHA256)
				}
			}
		}
	})
}

// TestParseSimpleHTMLHostilePages: pages that only look like simple pages.
func TestParseSimpleHTMLHostilePages(t *testing.T) {
	for name, page := range map[string]string{
		"an anchor never closed before the next": `<a href="/">Home<a href="pkg-1.0.tar.gz">pkg-1.0.tar.gz</a>`,
		"an anchor never closed at the end":      `<a href="pkg-1.0.tar.gz">pkg-1.0.tar.gz</a><a href="/">Home`,
		"links named after their own path":       `<a href="/explore">explore</a><a href="/help">help</a>`,
		"a control character in a file name":     "<a href=\"x.tar.gz\">pkg-1.0\x1b[31m.tar.gz</a>",
	} {
		if files, err := readapi.ParseSimpleHTML(strings.NewReader(page)); !errors.Is(err, readapi.ErrNotSimplePage) {
			t.Errorf("%s: ParseSimpleHTML = %v, %v; want ErrNotSimplePage", name, files, err)
		}
	}
}
