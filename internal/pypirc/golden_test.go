package pypirc

import (
	"encoding/json"
	"errors"
	"github.com/pyupload/pyupload/internal/pystr"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// outcome is what twine makes of one .pypirc, as scripts/pypirc-golden.py
// writes it from Python: the repositories get_config returns (keys given
// as None are left out), or the exception reading the file raised.
type outcome struct {
	Error        *pyError                     `json:"error,omitempty"`
	Repositories map[string]map[string]string `json:"repositories,omitempty"`
	Sections     []string                     `json:"sections,omitempty"`
	IndexServers []string                     `json:"index_servers,omitempty"`
	Missing      []string                     `json:"missing,omitempty"` // names get_repository_from_config reports missing
}

type pyError struct {
	Class   string `json:"class"`
	Line    int    `json:"line,omitempty"`
	Lines   []int  `json:"lines,omitempty"`
	Section string `json:"section,omitempty"`
	Option  string `json:"option,omitempty"`
	Message string `json:"message,omitempty"` // Python's, for readers; not compared
}

// goOutcome is the same from this package.
func goOutcome(t *testing.T, data []byte) outcome {
	t.Helper()
	c, err := Parse(strings.NewReader(string(data)))
	if err != nil {
		pe, ok := errors.AsType[*ParseError](err)
		if !ok {
			t.Fatalf("Parse error = %v, want a *ParseError", err)
		}
		e := &pyError{Class: string(pe.Kind), Section: pe.Section, Option: pe.Option}
		if pe.Kind == Parsing {
			e.Lines = pe.Lines
		} else {
			e.Line = pe.Line
		}
		return outcome{Error: e}
	}
	o := outcome{Repositories: map[string]map[string]string{}, Sections: c.Sections(), IndexServers: c.Servers()}
	probes := slices.Concat(c.Sections(), c.Servers(), []string{"pypi", "testpypi", "nosuch"})
	slices.Sort(probes)
	for _, name := range slices.Compact(probes) {
		r, ok := c.Repository(name)
		if !ok {
			o.Missing = append(o.Missing, name)
			continue
		}
		m := map[string]string{}
		for k, v := range map[string]string{KeyRepository: r.URL, KeyUsername: r.Username, KeyPassword: r.Password, KeyCACert: r.CACert, KeyClientCert: r.ClientCert} {
			if r.Has(k) {
				m[k] = v
			}
		}
		o.Repositories[name] = m
	}
	return o
}

// TestGolden: for every file of the corpus, Parse and Repository agree
// with what twine's get_config (Python's configparser) made of it. The
// golden files come from Python: `make pypirc-golden` rewrites them, and CI
// fails when they change.
func TestGolden(t *testing.T) {
	t.Parallel()
	corpus, err := filepath.Glob(filepath.Join("testdata", "corpus", "*.pypirc"))
	if err != nil || len(corpus) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	for _, path := range corpus {
		name := strings.TrimSuffix(filepath.Base(path), ".pypirc")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(filepath.Join("testdata", "golden", name+".json"))
			if err != nil {
				t.Fatalf("%v: run make pypirc-golden", err)
			}
			var want outcome
			if err := json.Unmarshal(b, &want); err != nil {
				t.Fatal(err)
			}
			got := goOutcome(t, data)
			if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(pyError{}, "Message"), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s: Go and Python disagree (-python +go):\n%s", path, diff)
			}
		})
	}
}

// TestGoldenHasCorpus: no golden file outlives its corpus file.
func TestGoldenHasCorpus(t *testing.T) {
	t.Parallel()
	goldens, _ := filepath.Glob(filepath.Join("testdata", "golden", "*.json"))
	for _, g := range goldens {
		name := strings.TrimSuffix(filepath.Base(g), ".json")
		if _, err := os.Stat(filepath.Join("testdata", "corpus", name+".pypirc")); err != nil {
			t.Errorf("%s has no corpus file: run make pypirc-golden", g)
		}
	}
}

// TestUnicodeMatchesPython: the str methods of pystr.go behave as Python's
// for every code point (testdata/unicode.json comes from Python).
func TestUnicodeMatchesPython(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join("testdata", "unicode.json"))
	if err != nil {
		t.Fatal(err)
	}
	var py struct {
		Space         [][2]rune `json:"space"`
		Lower         [][2]any  `json:"lower"`
		CaseIgnorable [][2]rune `json:"case_ignorable"`
		Cased         [][2]rune `json:"cased"`
	}
	if err := json.Unmarshal(b, &py); err != nil {
		t.Fatal(err)
	}
	in := func(rs [][2]rune) func(rune) bool {
		return func(r rune) bool {
			i, found := slices.BinarySearchFunc(rs, r, func(rg [2]rune, r rune) int {
				switch {
				case rg[1] < r:
					return -1
				case rg[0] > r:
					return 1
				}
				return 0
			})
			return found && i >= 0
		}
	}
	space, ignorable, isCased := in(py.Space), in(py.CaseIgnorable), in(py.Cased)
	lowered := map[rune]string{}
	for _, l := range py.Lower {
		lowered[rune(l[0].(float64))] = l[1].(string)
	}
	bad := 0
	for r := rune(0); r <= utf8.MaxRune && bad < 20; r++ {
		if r >= 0xd800 && r <= 0xdfff {
			continue
		}
		want, ok := lowered[r]
		if !ok {
			want = string(r)
		}
		if got := lower(string(r)); got != want {
			t.Errorf("lower(%U) = %q, Python %q", r, got, want)
			bad++
		}
		if isSpace(r) != space(r) {
			t.Errorf("isSpace(%U) = %v, Python %v", r, isSpace(r), space(r))
			bad++
		}
		if pystr.CaseIgnorable(r) != ignorable(r) || (!pystr.CaseIgnorable(r) && pystr.Cased(r)) != isCased(r) {
			t.Errorf("%U: case-ignorable %v, cased %v; Python %v, %v", r, pystr.CaseIgnorable(r), pystr.Cased(r), ignorable(r), isCased(r))
			bad++
		}
	}
}
