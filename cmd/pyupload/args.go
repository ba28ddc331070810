package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// expandArgs turns the command line's distribution arguments into paths the
// way twine does: each argument is a path or a glob pattern ("dist/*"),
// and a pattern that matches nothing is an error. A directory stands for
// the distributions in it. Files a pattern picks up that are not
// distributions (signatures, attestations, READMEs, the .gitignore uv
// writes into dist/) are skipped; a path named explicitly must be a
// distribution.
func expandArgs(args []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	for _, arg := range args {
		if !strings.ContainsAny(arg, "*?[") {
			st, err := os.Stat(arg)
			if err == nil && st.IsDir() {
				paths, err := distsInDir(arg)
				if err != nil {
					return nil, err
				}
				if len(paths) == 0 {
					return nil, fmt.Errorf("no distributions (.whl, .tar.gz) in directory %s", arg)
				}
				for _, p := range paths {
					add(p)
				}
				continue
			}
			add(arg) // opening it reports a missing file with its name
			continue
		}
		matches, err := filepath.Glob(arg)
		if err != nil {
			return nil, usageErrorf("bad pattern %q: %v", arg, err)
		}
		n := 0
		for _, m := range matches {
			if !isDistName(m) {
				continue
			}
			if st, err := os.Stat(m); err == nil && st.IsDir() {
				continue
			}
			add(m)
			n++
		}
		if n == 0 {
			return nil, fmt.Errorf("cannot find file (or expand pattern): %q", arg)
		}
	}
	return out, nil
}

// isDistName reports names with a distribution's extension (.zip too, so
// a legacy sdist is refused with its reason rather than ignored).
func isDistName(p string) bool {
	return strings.HasSuffix(p, ".whl") || strings.HasSuffix(p, ".tar.gz") || strings.HasSuffix(p, ".zip")
}

func distsInDir(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading directory: %w", err)
	}
	var paths []string
	for _, e := range entries {
		n := e.Name()
		if e.Type().IsRegular() && isDistName(n) {
			paths = append(paths, filepath.Join(dir, n))
		}
	}
	sort.Strings(paths)
	return paths, nil
}
