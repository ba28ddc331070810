package pypirc

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

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

[server-login]
username = legacy-user
password = legacy-pass
`
	c, err := Parse(strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"pypi", "private"}, c.Servers()); diff != "" {
		t.Errorf("Servers() (-want +got):\n%s", diff)
	}
	tests := []struct {
		name string
		want Repository
		ok   bool
	}{
		{"pypi", Repository{URL: PyPIURL, Username: "__token__", Password: "pypi-AgEIcHlwaS5vcmc#not;a%comment"}, true},
		{"private", Repository{URL: "https://pypi.example.com/legacy/", Username: "alice", Password: "s3cret ; still the password"}, true},
		{"testpypi", Repository{URL: TestPyPIURL, Username: "legacy-user", Password: "legacy-pass"}, true},
		{"missing", Repository{}, false},
	}
	for _, tt := range tests {
		got, ok := c.Repository(tt.name)
		if ok != tt.ok || got != tt.want {
			t.Errorf("Repository(%q) = %+v, %v; want %+v, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseDefaults(t *testing.T) {
	t.Parallel()
	c, err := Parse(strings.NewReader(""))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"pypi", "testpypi"}, c.Servers()); diff != "" {
		t.Errorf("Servers() of an empty file (-want +got):\n%s", diff)
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"key = value\n", "[pypi\n", "[pypi]\nno separator here\n"} {
		_, err := Parse(strings.NewReader(in))
		if _, ok := errors.AsType[*ParseError](err); !ok {
			t.Errorf("Parse(%q) error = %v, want *ParseError", in, err)
		}
	}
	// The error never quotes the line: it may be a password.
	_, err := Parse(strings.NewReader("[pypi]\npypi-SECRETTOKEN\n"))
	if err == nil || strings.Contains(err.Error(), "SECRET") {
		t.Errorf("Parse error = %v, must not quote the line", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add("[pypi]\nusername = __token__\npassword = pypi-x\n")
	f.Add("[distutils]\nindex-servers =\n  a\n  b\n[a]\nrepository: https://x/legacy/\n")
	f.Add("[x\n")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Parse(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, name := range c.Servers() {
			_, _ = c.Repository(name)
		}
	})
}
