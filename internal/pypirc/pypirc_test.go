package pypirc

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func parse(t *testing.T, s string) *Config {
	t.Helper()
	c, err := Parse(strings.NewReader(s))
	if err != nil {
		t.Fatalf("Parse(%q) error = %v", s, err)
	}
	return c
}

func TestParse(t *testing.T) {
	t.Parallel()
	const file = `# my uploads
[distutils]
index-servers =
    pypi
    private

[pypi]
username = __token__
password = pypi-AgEIcHlwaS5vcmc#not;a%comment

[private]
repository: https://pypi.example.com/legacy/
username=alice
PASSWORD = s3cret ; still the password
ca_cert = /etc/private-ca.pem
client_cert = /home/alice/client.pem

[server-login]
username = legacy-user
password = legacy-pass
`
	c := parse(t, file)
	if diff := cmp.Diff([]string{"pypi", "private"}, c.Servers()); diff != "" {
		t.Errorf("Servers() (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"distutils", "pypi", "private", "server-login"}, c.Sections()); diff != "" {
		t.Errorf("Sections() (-want +got):\n%s", diff)
	}
	tests := []struct {
		name string
		want Repository
		ok   bool
	}{
		{"pypi", Repository{URL: PyPIURL, Username: "__token__", Password: "pypi-AgEIcHlwaS5vcmc#not;a%comment"}, true},
		{"private", Repository{URL: "https://pypi.example.com/legacy/", Username: "alice", Password: "s3cret ; still the password", CACert: "/etc/private-ca.pem", ClientCert: "/home/alice/client.pem"}, true},
		// Not in index-servers: twine reports a missing section.
		{"testpypi", Repository{}, false},
		{"missing", Repository{}, false},
	}
	for _, tt := range tests {
		got, ok := c.Repository(tt.name)
		got.set = 0
		if ok != tt.ok || got != tt.want {
			t.Errorf("Repository(%q) = %v, %v; want %v, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseDefaults(t *testing.T) {
	t.Parallel()
	for _, c := range []*Config{parse(t, ""), {}} {
		if diff := cmp.Diff([]string{"pypi", "testpypi"}, c.Servers()); diff != "" {
			t.Errorf("Servers() of an empty file (-want +got):\n%s", diff)
		}
		for name, url := range map[string]string{"pypi": PyPIURL, "testpypi": TestPyPIURL} {
			r, ok := c.Repository(name)
			if !ok || r.URL != url || !r.Has(KeyRepository) || r.Has(KeyPassword) {
				t.Errorf("Repository(%q) of an empty file = %v, %v", name, r, ok)
			}
		}
	}
}

// TestHas: an empty value is given, and stops [server-login]'s.
func TestHas(t *testing.T) {
	t.Parallel()
	c := parse(t, "[server-login]\nusername = bob\npassword = bob-secret\n[pypi]\npassword =\n")
	r, _ := c.Repository("pypi")
	if r.Password != "" || !r.Has(KeyPassword) || r.Username != "bob" || !r.Has(KeyUsername) || r.Has(KeyCACert) || r.Has("nonsense") {
		t.Errorf("Repository(pypi) = %v, has password %v", r, r.Has(KeyPassword))
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want ParseError
	}{
		{"key = value\n", ParseError{Kind: MissingSectionHeader, Line: 1}},
		{"[pypi\n", ParseError{Kind: MissingSectionHeader, Line: 1}},
		{"[a]\nx\n[a]\n", ParseError{Kind: DuplicateSection, Line: 3, Section: "a"}},
		{"[a]\nUser = x\nuser: y\n", ParseError{Kind: DuplicateOption, Line: 3, Section: "a", Option: "user"}},
		{"[a]\nno separator\nk = v\n[]\n", ParseError{Kind: Parsing, Line: 2, Lines: []int{2, 4}}},
		{"[a]\n= x\n", ParseError{Kind: Parsing, Line: 2, Lines: []int{2}}},
		{"[a]\n= x\n= y\n", ParseError{Kind: DuplicateOption, Line: 3, Section: "a", Option: ""}},
		{"[DEFAULT]\nk = 1\n[DEFAULT]\nk = 2\n", ParseError{Kind: DuplicateOption, Line: 4, Section: "DEFAULT", Option: "k"}},
		{"[a]\nk = \xe2\x82\n", ParseError{Kind: NotUTF8, Offset: 8}},
	}
	for _, tt := range tests {
		_, err := Parse(strings.NewReader(tt.in))
		pe, ok := errors.AsType[*ParseError](err)
		if !ok {
			t.Errorf("Parse(%q) error = %v, want *ParseError", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, *pe); diff != "" {
			t.Errorf("Parse(%q) error (-want +got):\n%s", tt.in, diff)
		}
	}
	// The error never quotes the line: it may be a password.
	_, err := Parse(strings.NewReader("[pypi]\npypi-SECRETTOKEN\n"))
	if err == nil || strings.Contains(err.Error(), "SECRET") {
		t.Errorf("Parse error = %v, must not quote the line", err)
	}
	if _, err := Parse(strings.NewReader(strings.Repeat("#", maxSize+1))); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Parse(huge) error = %v, want ErrTooLarge", err)
	}
}

// TestRepositoryHidesPassword: printing a repository never shows the
// password (CONTRIBUTING.md C9).
func TestRepositoryHidesPassword(t *testing.T) {
	t.Parallel()
	r, _ := parse(t, "[pypi]\npassword = pypi-SECRET\n").Repository("pypi")
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		if s := fmt.Sprintf(format, r); strings.Contains(s, "SECRET") {
			t.Errorf("Sprintf(%q) = %s, shows the password", format, s)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("[pypi]\nusername = __token__\npassword = pypi-x\n")
	f.Add("[distutils]\nindex-servers =\n  a\n\n # c\n  b\n[a]\nrepository: https://x/legacy/\n[DEFAULT]\nusername = u\n")
	f.Add("[x\n")
	corpus, _ := filepath.Glob(filepath.Join("testdata", "corpus", "*.pypirc"))
	for _, p := range corpus {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(string(b))
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Parse(strings.NewReader(s))
		if err != nil {
			if _, ok := errors.AsType[*ParseError](err); !ok && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("Parse error %v is not a *ParseError", err)
			}
			return
		}
		for _, name := range append(c.Servers(), c.Sections()...) {
			_, _ = c.Repository(name)
		}
	})
}
