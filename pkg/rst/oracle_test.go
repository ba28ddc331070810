package rst_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// python is Debian's interpreter, the one python3-readme-renderer serves.
const python = "/usr/bin/python3"

// verdict is what scripts/rst-oracle.py says of one description.
type verdict struct {
	OK       bool    `json:"ok"`
	Messages [][]any `json:"messages"`
	All      [][]any `json:"all"`
}

// needOracle skips the test when readme_renderer is not installed, except
// in CI, where a missing oracle must fail the run rather than hide it.
func needOracle(t *testing.T) string {
	t.Helper()
	script, err := filepath.Abs("../../scripts/rst-oracle.py")
	if err != nil {
		t.Fatal(err)
	}
	err = exec.CommandContext(t.Context(), python, "-c", "import readme_renderer.rst").Run()
	if err == nil {
		return script
	}
	if !inCI() {
		t.Skipf("no readme_renderer for %s (%v): apt-get install python3-readme-renderer", python, err)
	}
	t.Fatalf("CI needs %s with readme_renderer: %v", python, err)
	return ""
}

// inCI is the one place these tests read the environment: in CI a
// missing oracle or corpus is a failure, elsewhere a reason to skip.
func inCI() bool {
	return os.Getenv("CI") != "" //nolint:forbidigo // a test, not a library: it decides skip or fail
}

// judge runs the oracle once per worker over texts, split in even shares,
// and returns the verdicts in the order of texts. The oracle runs under
// nice: `make test` runs every package at once, and timing-bound tests
// elsewhere must not starve while Python renders thousands of documents.
func judge(t *testing.T, script string, texts []string, all bool) []verdict {
	t.Helper()
	const workers = 2
	out := make([]verdict, len(texts))
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		wg.Go(func() {
			var idx []int
			for i := w; i < len(texts); i += workers {
				idx = append(idx, i)
			}
			errs[w] = judgeShare(t, script, texts, idx, out, all)
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func judgeShare(t *testing.T, script string, texts []string, idx []int, out []verdict, all bool) error {
	t.Helper()
	var in bytes.Buffer
	enc := json.NewEncoder(&in)
	for _, i := range idx {
		if err := enc.Encode(map[string]string{"text": texts[i]}); err != nil {
			return err
		}
	}
	args := []string{"-n", "19", python, script}
	if all {
		args = append(args, "--all")
	}
	cmd := exec.CommandContext(t.Context(), "nice", args...)
	cmd.Stdin = &in
	cmd.Stderr = os.Stderr
	stdout, err := cmd.Output()
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(bytes.NewReader(stdout))
	sc.Buffer(nil, 64<<20)
	n := 0
	for sc.Scan() {
		if n >= len(idx) {
			break
		}
		if err := json.Unmarshal(sc.Bytes(), &out[idx[n]]); err != nil {
			return err
		}
		n++
	}
	if n != len(idx) {
		return errShort
	}
	return sc.Err()
}

var errShort = &oracleError{"the oracle answered fewer lines than it was given"}

type oracleError struct{ s string }

func (e *oracleError) Error() string { return e.s }
