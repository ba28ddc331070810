package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// buildBinaries builds pyupload and fakeindex for the smoke test.
func buildBinaries(t *testing.T) (pyupload, fakeindex string) {
	t.Helper()
	dir := t.TempDir()
	for _, b := range []struct{ pkg, out string }{{"../pyupload", "pyupload"}, {"../fakeindex", "fakeindex"}} {
		out, err := exec.CommandContext(t.Context(), "go", "build", "-o", filepath.Join(dir, b.out), b.pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go build %s: %v\n%s", b.pkg, err, out)
		}
	}
	return filepath.Join(dir, "pyupload"), filepath.Join(dir, "fakeindex")
}

// durationRE is a time as the tables show it.
var durationRE = regexp.MustCompile(`^\d+(\.\d+)? (ms|s)$`)

// TestSmallRun runs the whole benchmark at a tiny scale (4 wheels of
// 66 KiB for B1, one round, twine too when installed) and checks that the
// report has every scenario's row with sane figures.
func TestSmallRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds pyupload and fakeindex and runs them")
	}
	t.Parallel()
	pyupload, fakeindex := buildBinaries(t)
	md := filepath.Join(t.TempDir(), "benchmarks.md")
	twine := "/usr/bin/twine"
	if _, err := os.Stat(twine); err != nil {
		twine = ""
	}
	args := []string{"-pyupload", pyupload, "-fakeindex", fakeindex, "-twine", twine, "-scale", "0.008", "-rounds", "1", "-out", md, "-digest=false", "-tmp", t.TempDir()}
	var stdout, stderr bytes.Buffer
	if code := run(t.Context(), args, &stdout, &stderr, "/usr/bin:/bin"); code != 0 {
		t.Fatalf("exit code %d\n%s", code, stderr.String())
	}
	b, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	if !strings.Contains(stdout.String(), "### Wall time") {
		t.Error("the table was not printed")
	}
	if strings.Contains(doc, "FAILED") {
		t.Fatalf("a run failed:\n%s\n%s", doc, stderr.String())
	}
	checkWallTable(t, doc, twine != "")
	for _, want := range []string{"### Client CPU (user+sys)", "### Client peak RSS", "### Index CPU per run", "### TLS handshakes per run", "### TCP connections per run", "## Acceptance", "B2: peak RSS at default jobs", "## Commands", "Machine: "} {
		if !strings.Contains(doc, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
}

// checkWallTable checks the wall time table's rows: every scenario, a
// time in every pyupload default cell, limits for the shaped ones.
func checkWallTable(t *testing.T, doc string, withTwine bool) {
	t.Helper()
	_, table, _ := strings.Cut(doc, "### Wall time\n")
	table, _, _ = strings.Cut(table, "\n\n###")
	rows := map[string][]string{}
	for line := range strings.SplitSeq(table, "\n") {
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		if len(cells) > 1 {
			rows[cells[0]] = cells[1:]
		}
	}
	// twine, -j1, default, -j8, limit at default, limit at -j8
	for _, id := range []string{"B1", "B1-mixed", "B2", "B3", "B4", "B5"} {
		cells := rows[id]
		if len(cells) != 6 {
			t.Errorf("row %s: %q, want 6 cells", id, cells)
			continue
		}
		if !durationRE.MatchString(cells[2]) {
			t.Errorf("row %s: default cell %q is not a time", id, cells[2])
		}
		if withTwine && !durationRE.MatchString(cells[0]) {
			t.Errorf("row %s: twine cell %q is not a time", id, cells[0])
		}
		if !withTwine && cells[0] != "not installed" {
			t.Errorf("row %s: twine cell %q, want \"not installed\"", id, cells[0])
		}
		shaped := id == "B1" || id == "B1-mixed"
		if shaped != durationRE.MatchString(cells[4]) {
			t.Errorf("row %s: limit %q", id, cells[4])
		}
	}
}
