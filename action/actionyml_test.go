package action_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

type actionInput struct {
	Description string  `yaml:"description"`
	Required    bool    `yaml:"required"`
	Default     *string `yaml:"default"`
}

type actionStep struct {
	ID    string            `yaml:"id"`
	If    string            `yaml:"if"`
	Shell string            `yaml:"shell"`
	Run   string            `yaml:"run"`
	Uses  string            `yaml:"uses"`
	Env   map[string]string `yaml:"env"`
}

// actionFile is action.yml's schema (GitHub's metadata syntax), strict:
// an unknown key is a typo.
type actionFile struct {
	Name        string                 `yaml:"name"`
	Description string                 `yaml:"description"`
	Author      string                 `yaml:"author"`
	Branding    map[string]string      `yaml:"branding"`
	Inputs      map[string]actionInput `yaml:"inputs"`
	Outputs     map[string]struct {
		Description string `yaml:"description"`
		Value       string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string       `yaml:"using"`
		Image string       `yaml:"image"`
		Steps []actionStep `yaml:"steps"`
	} `yaml:"runs"`
}

func readAction(t *testing.T) actionFile {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a actionFile
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	return a
}

// TestActionInputs: the inputs of gh-action-pypi-publish that pyupload
// mirrors, with the same defaults, plus pyupload's own.
func TestActionInputs(t *testing.T) {
	t.Parallel()
	a := readAction(t)
	want := map[string]string{
		"packages-dir": "dist", "repository-url": "", "user": "__token__", "password": "",
		"skip-existing": "false", "verify-metadata": "true", "verbose": "false", "print-hash": "false",
		"attestations": "true", "jobs": "", "version": "", "sha256": "",
		"download-url": "https://github.com/pyupload/pyupload/releases/download", "install-only": "false",
	}
	for name, def := range want {
		in, ok := a.Inputs[name]
		switch {
		case !ok:
			t.Errorf("action.yml has no input %q", name)
		case in.Default == nil || *in.Default != def:
			t.Errorf("input %q default = %v, want %q", name, in.Default, def)
		case in.Required || in.Description == "":
			t.Errorf("input %q: required %v, description %q; want optional and described", name, in.Required, in.Description)
		}
	}
	for name := range a.Inputs {
		if _, ok := want[name]; !ok {
			t.Errorf("input %q is not tested here", name)
		}
	}
}

var (
	expr      = regexp.MustCompile(`\$\{\{\s*([^}]*?)\s*\}\}`)
	inputExpr = regexp.MustCompile(`^inputs\.([a-z0-9-]+)$`)
)

// TestActionSteps: a composite action of bash steps running the scripts in
// action/, with every input passed as an environment variable the script
// reads and never interpolated into shell code.
func TestActionSteps(t *testing.T) {
	t.Parallel()
	a := readAction(t)
	if a.Runs.Using != "composite" || a.Runs.Image != "" {
		t.Fatalf("runs.using = %q, image %q; want a composite action, no Docker", a.Runs.Using, a.Runs.Image)
	}
	used := map[string]bool{}
	for _, s := range a.Runs.Steps {
		if s.Uses != "" || s.Shell != "bash" {
			t.Errorf("step %s: uses %q, shell %q; want a bash run step", s.ID, s.Uses, s.Shell)
		}
		if expr.MatchString(s.Run) {
			t.Errorf("step %s interpolates an expression into shell code: %q", s.ID, s.Run)
		}
		m := regexp.MustCompile(`^bash "\$GITHUB_ACTION_PATH/(action/[a-z]+\.sh)"$`).FindStringSubmatch(s.Run)
		if m == nil {
			t.Errorf("step %s runs %q, want one of action/'s scripts", s.ID, s.Run)
			continue
		}
		body := readFile(t, filepath.Join(repoRoot(t), m[1]))
		for name, value := range s.Env {
			e := expr.FindStringSubmatch(value)
			if e == nil || e[0] != value {
				t.Errorf("step %s: env %s = %q, want one ${{ inputs.x }}", s.ID, name, value)
				continue
			}
			in := inputExpr.FindStringSubmatch(e[1])
			if in == nil {
				t.Errorf("step %s: env %s = %q, want an input", s.ID, name, value)
				continue
			}
			used[in[1]] = true
			if !strings.Contains(body, name) {
				t.Errorf("step %s: %s never reads %s", s.ID, m[1], name)
			}
		}
	}
	for name := range a.Inputs {
		if !used[name] {
			t.Errorf("input %q reaches no step", name)
		}
	}
	for name, o := range a.Outputs {
		if !strings.HasPrefix(o.Value, "${{ steps.install.outputs.") {
			t.Errorf("output %q = %q, want the install step's", name, o.Value)
		}
	}
}
