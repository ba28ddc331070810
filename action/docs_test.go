package action_test

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestDocsListEveryInput: each input of action.yml has a row in
// docs/github-actions.md, and each of the component's one in docs/gitlab.md.
func TestDocsListEveryInput(t *testing.T) {
	t.Parallel()
	root := repoRoot(t)
	gh := readFile(t, filepath.Join(root, "docs", "github-actions.md"))
	for name := range readAction(t).Inputs {
		if !strings.Contains(gh, "\n| `"+name+"` |") {
			t.Errorf("docs/github-actions.md has no row for input %q", name)
		}
	}
	gl := readFile(t, filepath.Join(root, "docs", "gitlab.md"))
	spec, _ := readComponent(t, component(t), nil)
	for name := range spec.Spec.Inputs {
		if !strings.Contains(gl, "\n| `"+name+"` |") {
			t.Errorf("docs/gitlab.md has no row for input %q", name)
		}
	}
}
