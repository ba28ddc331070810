package envvars

import (
	"os"
	"slices"
	"strings"
	"testing"
)

func TestGuard(t *testing.T) {
	t.Parallel()
	env := map[string]string{"TWINE_PASSWORD": "s", "PYPI_ID_TOKEN": "t", "SECRET_OF_SOMEONE_ELSE": "x"}
	var unlisted []string
	g := Guard(func(k string) (string, bool) { v, ok := env[k]; return v, ok }, func(k string) { unlisted = append(unlisted, k) })
	if v, ok := g("TWINE_PASSWORD"); !ok || v != "s" {
		t.Errorf(`Guard()("TWINE_PASSWORD") = %q, %v, want "s", true`, v, ok)
	}
	if v, ok := g("PYPI_ID_TOKEN"); !ok || v != "t" {
		t.Errorf(`Guard()("PYPI_ID_TOKEN") = %q, %v, want "t", true (the <AUD>_ID_TOKEN family)`, v, ok)
	}
	if v, ok := g("SECRET_OF_SOMEONE_ELSE"); ok || v != "" {
		t.Errorf(`Guard()("SECRET_OF_SOMEONE_ELSE") = %q, %v, want unset`, v, ok)
	}
	if _, ok := g("_ID_TOKEN"); ok {
		t.Error(`Guard()("_ID_TOKEN") is set, want the family to need a prefix`)
	}
	if want := []string{"SECRET_OF_SOMEONE_ELSE", "_ID_TOKEN"}; !slices.Equal(unlisted, want) {
		t.Errorf("unlisted reads = %v, want %v", unlisted, want)
	}
}

func TestRegistry(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, v := range All {
		if v.Name == "" || v.Meaning == "" {
			t.Errorf("registry entry %+v lacks a name or meaning", v)
		}
		if seen[v.Name] {
			t.Errorf("%s is listed twice", v.Name)
		}
		seen[v.Name] = true
	}
	if got, want := ForFlag("password"), []string{"PYUPLOAD_PASSWORD", "TWINE_PASSWORD"}; !slices.Equal(got, want) {
		t.Errorf(`ForFlag("password") = %v, want %v`, got, want)
	}
	for _, name := range []string{"PYUPLOAD_PASSWORD", "TWINE_PASSWORD", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "PYUPLOAD_OIDC_TOKEN", "TESTPYPI_ID_TOKEN"} {
		if v, ok := Find(name); !ok || !v.Sensitive {
			t.Errorf("Find(%s) = %+v, %v, want a sensitive entry", name, v, ok)
		}
	}
}

// TestDocsListEveryVariable keeps the table of variables in
// docs/usage.md and the registry in step.
func TestDocsListEveryVariable(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../docs/usage.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(b), "\n## Environment variables\n")
	if !ok {
		t.Fatal("docs/usage.md has no '## Environment variables' section")
	}
	table, _, _ = strings.Cut(table, "\n#")
	for _, v := range All {
		if !strings.Contains(table, "`"+v.Name+"`") {
			t.Errorf("docs/usage.md's variable table lacks `%s` (%s)", v.Name, v.Meaning)
		}
	}
}
