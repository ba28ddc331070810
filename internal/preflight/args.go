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

// CompanionError is a signature or attestation named on the command line
// whose distribution is not among the files to upload (Dist names it), or
// whose name does not say which distribution it belongs to (Dist is "").
// twine ignores such a file; here it is a usage mistake, since a file
// named explicitly that does nothing is most likely a distribution left
// out of the command.
type CompanionError struct {
	Path string
	Dist string // the base name of its distribution
}

func (e *CompanionError) Error() string {
	if e.Dist == "" {
		return fmt.Sprintf("%s: a signature is named <dist>.asc and an attestation <dist>.<kind>.attestation; this name says no distribution", e.Path)
	}
	return fmt.Sprintf("%s belongs to %s, which is not among the files given: name that distribution too, or leave %s out", e.Path, e.Dist, filepath.Base(e.Path))
}

// Inputs are the distribution arguments sorted out as twine sorts them:
// the distributions, and their companion files.
type Inputs struct {
	// Dists are the distributions' paths, each once, in the order given.
	Dists []string
	// Signatures are the GPG signatures (<dist>.asc) among the arguments,
	// the files a pattern matched and a directory's files, for the
	// distributions in Dists. Indexes no longer accept them; they are
	// gathered so that the user can be told they are not sent.
	Signatures []string
	// Attestations are the attestation files (<dist>.<kind>.attestation)
	// among the inputs, by the base name of their distribution.
	// [Attestations] adds those beside each distribution.
	Attestations map[string][]string
}

// companion is a signature or attestation found among the inputs.
type companion struct {
	path, dist string // dist: the base name of its distribution, or ""
	explicit   bool   // named as an argument, not matched by a pattern or found in a directory
	signature  bool
}

// Split turns the command line's distribution arguments into files the
// way twine does: each argument is a path or a glob pattern ("dist/*"),
// and a pattern that matches nothing is an error. A directory stands for
// the distributions in it. A signature or attestation is the companion of
// its distribution, whether named or matched (twine's _split_inputs); one
// named explicitly must belong to a distribution among the inputs
// ([*CompanionError]). Other files a pattern picks up that are not
// distributions (READMEs, the .gitignore uv writes into dist/) are
// skipped; any other path named explicitly is taken as a distribution, so
// that opening it says what is wrong.
func Split(args []string) (*Inputs, error) {
	in := &Inputs{Attestations: map[string][]string{}}
	var comps []companion
	seen := map[string]bool{}
	for _, arg := range args {
		dists, cs, err := expandArg(arg)
		if err != nil {
			return nil, err
		}
		for _, p := range dists {
			if !seen[p] {
				seen[p] = true
				in.Dists = append(in.Dists, p)
			}
		}
		comps = append(comps, cs...)
	}
	given := map[string]bool{}
	for _, p := range in.Dists {
		given[filepath.Base(p)] = true
	}
	for _, c := range comps {
		switch {
		case !given[c.dist] && c.explicit:
			return nil, &CompanionError{Path: c.path, Dist: c.dist}
		case !given[c.dist] || seen[c.path]: // another release's file, or twice
		case c.signature:
			in.Signatures = append(in.Signatures, c.path)
		default:
			in.Attestations[c.dist] = append(in.Attestations[c.dist], c.path)
		}
		seen[c.path] = true
	}
	return in, nil
}

// Expand is [Split]'s distributions alone.
func Expand(args []string) ([]string, error) {
	in, err := Split(args)
	if err != nil {
		return nil, err
	}
	return in.Dists, nil
}

// expandArg is one argument's distributions and companions.
func expandArg(arg string) (dists []string, comps []companion, err error) {
	if strings.ContainsAny(arg, "*?[") {
		return expandPattern(arg)
	}
	if c, ok := asCompanion(arg); ok {
		if _, err := os.Stat(arg); err != nil {
			return nil, nil, fmt.Errorf("cannot find file: %w", err)
		}
		c.explicit = true
		return nil, []companion{c}, nil
	}
	st, err := os.Stat(arg)
	if err != nil || !st.IsDir() {
		return []string{arg}, nil, nil // opening it later reports a missing file with its name
	}
	dists, comps, err = filesInDir(arg)
	if err == nil && len(dists) == 0 {
		err = fmt.Errorf("no distributions (.whl, .tar.gz) in directory %s", arg)
	}
	return dists, comps, err
}

// expandPattern is a glob argument: the distributions it matches, at least
// one, and the companions it matches.
func expandPattern(pattern string) (dists []string, comps []companion, err error) {
	matches, err := filepath.Glob(pattern)
	if err != nil {
		return nil, nil, &PatternError{Pattern: pattern, Err: err}
	}
	for _, m := range matches {
		if st, err := os.Stat(m); err == nil && st.IsDir() {
			continue
		}
		if c, ok := asCompanion(m); ok {
			comps = append(comps, c)
		} else if isDistName(m) {
			dists = append(dists, m)
		}
	}
	if len(dists) == 0 {
		return nil, nil, fmt.Errorf("cannot find file (or expand pattern): %q", pattern)
	}
	return dists, comps, nil
}

// asCompanion reads a signature's or attestation's name: which
// distribution it belongs to ("" when the name says none).
func asCompanion(p string) (companion, bool) {
	base := filepath.Base(p)
	if d, ok := strings.CutSuffix(base, ".asc"); ok {
		if !isDistName(d) {
			d = ""
		}
		return companion{path: p, dist: d, signature: true}, true
	}
	d, ok := strings.CutSuffix(base, ".attestation")
	if !ok {
		return companion{}, false
	}
	if !isDistName(d) { // <dist>.<kind>.attestation; twine also takes <dist>.attestation
		if i := strings.LastIndexByte(d, '.'); i > 0 && isDistName(d[:i]) {
			d = d[:i]
		} else {
			d = ""
		}
	}
	return companion{path: p, dist: d}, true
}

// isDistName reports names with a distribution's extension (.zip too, so
// a legacy sdist is refused with its reason rather than ignored).
func isDistName(p string) bool {
	return strings.HasSuffix(p, ".whl") || strings.HasSuffix(p, ".tar.gz") || strings.HasSuffix(p, ".zip")
}

// filesInDir is a directory's distributions, sorted, and its companions:
// the entries named like them that are not directories.
func filesInDir(dir string) (dists []string, comps []companion, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("reading directory: %w", err)
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if e.IsDir() {
			continue
		}
		if !e.Type().IsRegular() {
			// A symbolic link counts as what it names. A named pipe, a
			// device or a socket with a distribution's name is kept, so
			// that opening it refuses it by name (never waiting on it)
			// rather than leaving it out unsaid.
			if st, err := os.Stat(p); err == nil && st.IsDir() {
				continue
			}
		}
		if c, ok := asCompanion(p); ok {
			comps = append(comps, c)
		} else if isDistName(p) {
			dists = append(dists, p)
		}
	}
	sort.Strings(dists)
	return dists, comps, nil
}
