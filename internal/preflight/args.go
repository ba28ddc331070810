package preflight

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// PatternError is a glob pattern that cannot be parsed: a usage mistake.
type PatternError struct {
	Pattern string
	Err     error
}

func (e *PatternError) Error() string { return fmt.Sprintf("bad pattern %q: %v", e.Pattern, e.Err) }
func (e *PatternError) Unwrap() error { return e.Err }

// Expand turns the command line's distribution arguments into paths the
// way twine does: each argument is a path or a glob pattern ("dist/*"),
// and a pattern that matches nothing is an error. A directory stands for
// the distributions in it. Files a pattern picks up that are not
// distributions (signatures, attestations, READMEs, the .gitignore uv
// writes into dist/) are skipped; a path named explicitly must be a
// distribution. Each path appears once, in the order given.
func Expand(args []string) ([]string, error) {
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
			paths, err := expandPath(arg)
			if err != nil {
				return nil, err
			}
			for _, p := range paths {
				add(p)
			}
			continue
		}
		matches, err := expandPattern(arg)
		if err != nil {
			return nil, err
		}
		for _, m := range matches {
			add(m)
		}
	}
	return out, nil
}

// expandPath is a literal argument: a directory's distributions, or the
// path itself (opening it later reports a missing file with its name).
func expandPath(arg string) ([]string, error) {
	st, err := os.Stat(arg)
	if err != nil || !st.IsDir() {
		return []string{arg}, nil
	}
	paths, err := distsInDir(arg)
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("no distributions (.whl, .tar.gz) in directory %s", arg)
	}
	return paths, nil
}

// expandPattern is a glob argument: the distributions it matches, at least
// one.
func expandPattern(pattern string) ([]string, error) {
	matches, err := filepath.Glob(pattern)
	if err != nil {
		return nil, &PatternError{Pattern: pattern, Err: err}
	}
	var out []string
	for _, m := range matches {
		if !isDistName(m) {
			continue
		}
		if st, err := os.Stat(m); err == nil && st.IsDir() {
			continue
		}
		out = append(out, m)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("cannot find file (or expand pattern): %q", pattern)
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
