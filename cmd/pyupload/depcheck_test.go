package main

import (
	"os/exec"
	"strings"
	"testing"
)

// forbiddenDeps is the import graph of STYLE.md C1, checked on the full
// transitive dependency set (depguard in .golangci.yml checks direct
// imports). Rules for packages that do not exist yet apply when they do.
var forbiddenDeps = map[string][]string{
	// Reading archives needs no network and no other pipeline stage.
	"github.com/pyupload/pyupload/pkg/dist": {
		"net/http", "github.com/pyupload/pyupload/pkg/upload", "github.com/pyupload/pyupload/pkg/oidc",
		"github.com/pyupload/pyupload/pkg/mint", "github.com/urfave/cli/v3",
	},
	// Identity tokens and token exchange are leaves.
	"github.com/pyupload/pyupload/pkg/oidc": {
		"github.com/pyupload/pyupload/pkg/dist", "github.com/pyupload/pyupload/pkg/upload",
		"github.com/pyupload/pyupload/pkg/mint", "github.com/urfave/cli/v3",
	},
	"github.com/pyupload/pyupload/pkg/mint": {
		"github.com/pyupload/pyupload/pkg/dist", "github.com/pyupload/pyupload/pkg/upload",
		"github.com/pyupload/pyupload/pkg/oidc", "github.com/urfave/cli/v3",
	},
	// Upload receives a credentials callback, never a token source.
	"github.com/pyupload/pyupload/pkg/upload": {
		"github.com/pyupload/pyupload/pkg/oidc", "github.com/pyupload/pyupload/pkg/mint", "github.com/urfave/cli/v3",
	},
}

func TestDependencyGraph(t *testing.T) {
	t.Parallel()
	list, err := exec.CommandContext(t.Context(), "go", "list", "github.com/pyupload/pyupload/pkg/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for pkg := range strings.FieldsSeq(string(list)) {
		banned, ok := forbiddenDeps[pkg]
		if !ok {
			t.Errorf("package %s has no rule in forbiddenDeps; add one", pkg)
			continue
		}
		out, err := exec.CommandContext(t.Context(), "go", "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		deps := map[string]bool{}
		for d := range strings.FieldsSeq(string(out)) {
			deps[d] = true
		}
		for _, b := range banned {
			if deps[b] {
				t.Errorf("%s depends on %s, which the architecture forbids", pkg, b)
			}
		}
	}
}
