package pep508

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyupload/pyupload/pkg/pep440"
)

// judge is the Python side: one process reads every case as a JSON line
// and answers whether packaging accepts it. Any exception counts as a
// refusal: packaging lets SyntaxError from a marker's string literal and
// InvalidSpecifier from an "===" item escape Requirement(), and PyPI
// refuses those uploads too (with a server error).
const judge = `
import json, sys, warnings
warnings.simplefilter("ignore")
import packaging
from packaging.requirements import Requirement
from packaging.specifiers import Specifier, SpecifierSet
from packaging.version import Version
kinds = {"req": Requirement, "set": SpecifierSet, "spec": Specifier, "ver": Version}
out = [json.dumps(packaging.__version__)]
for line in sys.stdin:
    case = json.loads(line)
    try:
        kinds[case["k"]](case["s"])
        out.append("true")
    except Exception:
        out.append("false")
sys.stdout.write("\n".join(out) + "\n")
`

type diffCase struct {
	Kind string `json:"k"`
	S    string `json:"s"`
}

// goValid is pyupload's verdict on a case.
func goValid(c diffCase) bool {
	var err error
	switch c.Kind {
	case "req":
		_, err = ParseRequirement(c.S)
	case "set":
		_, err = pep440.ParseSpecifierSet(c.S)
	case "spec":
		_, err = pep440.ParseSpecifier(c.S)
	default:
		_, err = pep440.ParseVersion(c.S)
	}
	return err == nil
}

// differentialCorpus is the whole corpus, from a fixed seed.
func differentialCorpus() []diffCase {
	r := rand.New(rand.NewPCG(508, 440))
	var cases []diffCase
	add := func(kind string, ss []string) {
		for _, s := range ss {
			cases = append(cases, diffCase{kind, s})
		}
	}
	installedReqs, installedPython := installedMetadata()
	add("ver", corpus(r, versionSeeds, nil, 3000))
	add("spec", corpus(r, specifierSeeds, nil, 3000))
	add("set", corpus(r, append(installedPython, specifierSeeds...), genSpecifierSet, 4000))
	add("req", corpus(r, append(installedReqs, requirementSeeds...), genRequirement, 10000))
	return cases
}

// installedMetadata returns the Requires-Dist and Requires-Python values
// of the Python distributions installed on this machine, as real-world
// seeds (nothing when there are none).
func installedMetadata() (reqs, pythons []string) {
	paths, _ := filepath.Glob("/usr/lib/python3/dist-packages/*.dist-info/METADATA")
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		for line := range strings.SplitSeq(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "Requires-Dist: "); ok {
				reqs = append(reqs, v)
			} else if v, ok := strings.CutPrefix(line, "Requires-Python: "); ok {
				pythons = append(pythons, v)
			}
		}
	}
	return reqs, pythons
}

// runJudge sends every case to Debian's python3 and returns the packaging
// version and one verdict per case. Without python3 and packaging the
// test is skipped on a developer's machine but fails in CI, where
// .ci/run installs python3-packaging.
func runJudge(t *testing.T, cases []diffCase) (string, []bool) {
	t.Helper()
	python := "/usr/bin/python3"
	var in bytes.Buffer
	enc := json.NewEncoder(&in)
	for _, c := range cases {
		if err := enc.Encode(c); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.CommandContext(t.Context(), python, "-c", judge)
	cmd.Stdin = &in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := "python3 with packaging is needed for the differential test: " + err.Error() + " " + stderr.String()
		if os.Getenv("CI") == "" { //nolint:forbidigo // a test may read the environment (C11 is about libraries); CI must not skip
			t.Skip(msg)
		}
		t.Fatal(msg)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	var version string
	var verdicts []bool
	for sc.Scan() {
		if version == "" {
			version = strings.Trim(sc.Text(), `"`)
			continue
		}
		verdicts = append(verdicts, sc.Text() == "true")
	}
	if len(verdicts) != len(cases) {
		t.Fatalf("python answered %d verdicts for %d cases", len(verdicts), len(cases))
	}
	return version, verdicts
}

// TestDifferentialPackaging judges thousands of generated versions,
// specifiers, specifier sets and requirements with pyupload and with
// Python's packaging, and fails on any disagreement that knownDifferences
// does not explain.
func TestDifferentialPackaging(t *testing.T) {
	t.Parallel()
	cases := differentialCorpus()
	version, verdicts := runJudge(t, cases)
	counts := map[string]int{}
	explained := map[string]int{}
	failures := 0
	for i, c := range cases {
		counts[c.Kind]++
		mine := goValid(c)
		if verdicts[i] {
			counts[c.Kind+" valid"]++
		}
		if mine == verdicts[i] {
			continue
		}
		if d := explain(version, c, mine); d != "" {
			explained[d]++
			continue
		}
		failures++
		if failures <= 40 {
			t.Errorf("%s %q: pyupload valid=%v, packaging %s valid=%v", c.Kind, c.S, mine, version, verdicts[i])
		}
	}
	t.Logf("packaging %s judged %d cases %v; explained differences %v", version, len(cases), counts, explained)
	if failures > 40 {
		t.Errorf("... %d unexplained disagreements in all", failures)
	}
}
