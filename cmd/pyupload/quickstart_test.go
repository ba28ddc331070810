package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestReadmeQuickStart runs the README's quick start literally, as a new
// user would paste it, from the repository's root: it must build, check
// and publish within five minutes.
func TestReadmeQuickStart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binaries with make")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "### Quick start")
	if !ok {
		t.Fatal("README has no Quick start section")
	}
	_, block, ok := strings.Cut(rest, "```sh\n")
	if !ok {
		t.Fatal("the Quick start has no sh block")
	}
	script, _, _ := strings.Cut(block, "```")
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-e", "-c", script)
	cmd.Dir = root // the environment is inherited: the quick start needs make and go on PATH
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil || ctx.Err() != nil {
		t.Fatalf("the quick start failed after %v: %v\n%s", time.Since(start), err, out)
	}
	for _, want := range []string{"Checking testdata/dists/good/pyupload_mv22-2.2-py3-none-any.whl: PASSED", "2 uploaded of 2 files", "uploaded        pyupload_mv22-2.2.tar.gz"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the quick start's output lacks %q:\n%s", want, out)
		}
	}
	t.Logf("quick start took %v", time.Since(start))
}
