package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyupload/pyupload/internal/envvars"
	goldenfile "github.com/pyupload/pyupload/internal/golden"
	"github.com/pyupload/pyupload/internal/ui"
)

const (
	good = "../../testdata/dists/good/"
	bad  = "../../testdata/dists/bad/"
)

// testEnv is the environment of an in-process run: the map, behind a
// guard that fails the test when pyupload reads a variable the registry
// (internal/envvars) does not list.
func testEnv(t *testing.T, m map[string]string) envvars.Lookup {
	t.Helper()
	return envvars.Guard(func(k string) (string, bool) { v, ok := m[k]; return v, ok }, func(name string) {
		t.Errorf("pyupload read $%s, which internal/envvars does not list", name)
	})
}

// runCLI runs pyupload in-process and returns its exit code and output.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(t.Context(), args, testEnv(t, nil), &out, &errOut)
	return code, out.String(), errOut.String()
}

// golden compares got with testdata/golden/name (go test -update rewrites it).
func golden(t *testing.T, name, got string) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", "golden", name), got)
}

func TestCheckCLI(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		wantCode int
	}{
		{"good-dir", []string{"check", good}, ui.ExitOK},
		{"good-glob-strict", []string{"check", "--strict", good + "pyupload_mv1*"}, ui.ExitFailure},
		{"good-sample-strict", []string{"check", "--strict", good + "pyupload_sample_hatch*"}, ui.ExitOK},
		{"bad-mixed", []string{"check", good + "pyupload_mv24-2.4.tar.gz", bad + "name_mismatch-1.0-py3-none-any.whl", bad + "not_a_zip-1.0-py3-none-any.whl", bad + "two_top_dirs-1.0.tar.gz"}, ui.ExitFailure},
		{"same-path-twice-is-one-file", []string{"check", good + "pyupload_mv22-2.2.tar.gz", good + "pyupload_mv22-2.2.tar.gz", good + "pyupload_mv22-2.2-py3-none-any.whl"}, ui.ExitOK},
		{"json", []string{"check", "--json", good + "pyupload_mv24-2.4-py3-none-any.whl", bad + "local_version-1.0+local-py3-none-any.whl", bad + "empty_file-1.0-py3-none-any.whl"}, ui.ExitFailure},
		{"missing-file", []string{"check", good + "nope-1.0-py3-none-any.whl"}, ui.ExitFailure},
		{"pattern-matches-nothing", []string{"check", good + "*.nothing"}, ui.ExitFailure},
		{"no-args", []string{"check"}, ui.ExitUsage},
		{"unknown-flag", []string{"check", "--bogus", good}, ui.ExitUsage},
		{"unknown-command", []string{"chekc"}, ui.ExitUsage},
		{"unknown-format", []string{"check", bad + "bz2_sdist-1.0.tar.bz2"}, ui.ExitFailure},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != tt.wantCode {
				t.Errorf("pyupload %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(tt.args, " "), code, tt.wantCode, stdout, stderr)
			}
			golden(t, tt.name+".golden", "-- stdout --\n"+stdout+"-- stderr --\n"+stderr)
		})
	}
}

// TestCheckJSONShape decodes --json output: one entry per file, with the
// parsed metadata and problems, and passed matching the exit status.
func TestCheckJSONShape(t *testing.T) {
	t.Parallel()
	code, stdout, _ := runCLI(t, "check", "--json", good+"pyupload_mv25-2.5-py3-none-any.whl", bad+"version_mismatch-1.0-py3-none-any.whl")
	if code != ui.ExitFailure {
		t.Errorf("exit %d, want %d", code, ui.ExitFailure)
	}
	var got []struct {
		Path   string `json:"path"`
		Passed bool   `json:"passed"`
		Dist   struct {
			Metadata struct {
				Name        string   `json:"name"`
				ImportNames []string `json:"import_name"`
			} `json:"metadata"`
			SHA256 string `json:"sha256"`
		} `json:"dist"`
		Problems []struct {
			Severity string `json:"severity"`
			Message  string `json:"message"`
		} `json:"problems"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("decoding --json output: %v\n%s", err, stdout)
	}
	if len(got) != 2 || !got[0].Passed || got[1].Passed {
		t.Fatalf("--json = %+v, want the first file passed and the second failed", got)
	}
	if got[0].Dist.Metadata.Name != "pyupload-mv25" || len(got[0].Dist.Metadata.ImportNames) == 0 || len(got[0].Dist.SHA256) != 64 {
		t.Errorf("--json first entry = %+v, want name, import names and sha256", got[0])
	}
	if len(got[1].Problems) == 0 || got[1].Problems[0].Severity != "error" {
		t.Errorf("--json second entry problems = %+v, want an error", got[1].Problems)
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	code, stdout, _ := runCLI(t, "--version")
	if code != ui.ExitOK || !strings.HasPrefix(stdout, "pyupload ") {
		t.Errorf("pyupload --version = %d %q, want 0 and \"pyupload <version>\"", code, stdout)
	}
}

// TestCheckSameFileTwice gives the same file name from two directories: the
// index would refuse the second, so check fails it before any upload.
func TestCheckSameFileTwice(t *testing.T) {
	t.Parallel()
	const name = "pyupload_mv22-2.2.tar.gz"
	data, err := os.ReadFile(good + name)
	if err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(other, data, 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ := runCLI(t, "check", good+name, other)
	if code != ui.ExitFailure || !strings.Contains(stdout, "the same file name is also given as "+good+name) {
		t.Errorf("check of one file name twice: exit %d, output:\n%s\nwant exit 1 and a duplicate-name error", code, stdout)
	}
}
