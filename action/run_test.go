package action_test

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// job is a simulated job step running run.sh with a fake pyupload on PATH.
type job struct {
	dir, log string
	env      map[string]string
}

func newJob(t *testing.T) *job {
	t.Helper()
	j := &job{dir: t.TempDir()}
	j.log = filepath.Join(t.TempDir(), "calls")
	fake := t.TempDir()
	if err := os.WriteFile(filepath.Join(fake, "pyupload"), []byte(fakeBinary), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(j.dir, "dist"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(j.dir, "dist", "proj-1.0-py3-none-any.whl"), []byte("not really a wheel"), 0o644); err != nil {
		t.Fatal(err)
	}
	j.env = map[string]string{
		"PATH":     fake + ":" + toolDir(t, append([]string{"sha256sum"}, baseTools...)...),
		"HOME":     t.TempDir(),
		"FAKE_LOG": j.log,
	}
	return j
}

func (j *job) run(t *testing.T, inputs map[string]string) (script, []string) {
	t.Helper()
	maps.Copy(j.env, inputs)
	res := runScript(t, "bash", filepath.Join(repoRoot(t), "action", "run.sh"), j.dir, j.env)
	calls := strings.Split(strings.TrimSuffix(readFile(t, j.log), "\n"), "\n")
	if len(calls) == 1 && calls[0] == "" {
		calls = nil
	}
	return res, calls
}

const noCreds = "env TWINE_USERNAME=<unset> TWINE_PASSWORD=<unset> PYUPLOAD_USERNAME=<unset> PYUPLOAD_PASSWORD=<unset> "

// TestRunInputs checks the pyupload commands (arguments and environment)
// each combination of the action's inputs produces.
func TestRunInputs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		inputs map[string]string
		want   []string
	}{
		{"defaults", nil, []string{
			"argv [check] [--] [dist]", noCreds + "PYUPLOAD_ATTESTATIONS=<unset>",
			"argv [upload] [--] [dist]", noCreds + "PYUPLOAD_ATTESTATIONS=<unset>",
		}},
		{"every input", map[string]string{
			"INPUT_PACKAGES_DIR": "dist/", "INPUT_REPOSITORY_URL": "https://test.pypi.org/legacy/",
			"INPUT_USER": "alice", "INPUT_PASSWORD": "s3cret", "INPUT_SKIP_EXISTING": "true",
			"INPUT_VERIFY_METADATA": "false", "INPUT_VERBOSE": "true", "INPUT_PRINT_HASH": "false",
			"INPUT_ATTESTATIONS": "false", "INPUT_JOBS": "8",
		}, []string{
			"argv [upload] [--repository-url] [https://test.pypi.org/legacy/] [--skip-existing] [--verbose] [--jobs] [8] [--] [dist]",
			"env TWINE_USERNAME=alice TWINE_PASSWORD=s3cret PYUPLOAD_USERNAME=<unset> PYUPLOAD_PASSWORD=<unset> PYUPLOAD_ATTESTATIONS=false",
		}},
		{"password only: __token__", map[string]string{"INPUT_PASSWORD": "pypi-xyz", "INPUT_USER": "", "INPUT_VERIFY_METADATA": "false"}, []string{
			"argv [upload] [--] [dist]",
			"env TWINE_USERNAME=__token__ TWINE_PASSWORD=pypi-xyz PYUPLOAD_USERNAME=<unset> PYUPLOAD_PASSWORD=<unset> PYUPLOAD_ATTESTATIONS=<unset>",
		}},
		{"user without password: Trusted Publishing", map[string]string{"INPUT_USER": "__token__", "INPUT_VERIFY_METADATA": "False"}, []string{
			"argv [upload] [--] [dist]", noCreds + "PYUPLOAD_ATTESTATIONS=<unset>",
		}},
		{"inputs win over the job's PYUPLOAD_ variables", map[string]string{
			"INPUT_PASSWORD": "pypi-new", "PYUPLOAD_PASSWORD": "pypi-old", "PYUPLOAD_USERNAME": "bob",
			"PYUPLOAD_ATTESTATIONS": "true", "INPUT_ATTESTATIONS": "true", "INPUT_VERIFY_METADATA": "no",
		}, []string{
			"argv [upload] [--] [dist]",
			"env TWINE_USERNAME=__token__ TWINE_PASSWORD=pypi-new PYUPLOAD_USERNAME=<unset> PYUPLOAD_PASSWORD=<unset> PYUPLOAD_ATTESTATIONS=<unset>",
		}},
		{"inputs are never shell code", map[string]string{
			"INPUT_REPOSITORY_URL": "$(touch pwned)`touch pwned`; touch pwned", "INPUT_PACKAGES_DIR": "dist", "INPUT_VERIFY_METADATA": "false",
		}, []string{
			"argv [upload] [--repository-url] [$(touch pwned)`touch pwned`; touch pwned] [--] [dist]", noCreds + "PYUPLOAD_ATTESTATIONS=<unset>",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			j := newJob(t)
			res, calls := j.run(t, tc.inputs)
			if res.code != 0 {
				t.Fatalf("run.sh exit %d:\n%s", res.code, res.out)
			}
			if diff := cmp.Diff(tc.want, calls); diff != "" {
				t.Errorf("pyupload calls (-want +got):\n%s", diff)
			}
			for _, c := range calls {
				if strings.HasPrefix(c, "argv") && (strings.Contains(c, "s3cret") || strings.Contains(c, "pypi-")) {
					t.Errorf("a password is on the command line: %s", c)
				}
			}
			if _, err := os.Stat(filepath.Join(j.dir, "pwned")); err == nil {
				t.Error("an input ran as shell code")
			}
		})
	}
}

// TestRunRefusals: bad inputs stop the step before pyupload runs.
func TestRunRefusals(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		inputs map[string]string
		want   string
	}{
		{"bad boolean", map[string]string{"INPUT_SKIP_EXISTING": "maybe"}, "input 'skip-existing' must be true or false, not 'maybe'"},
		{"bad jobs", map[string]string{"INPUT_JOBS": "4; rm -rf /"}, "input 'jobs' must be a positive whole number"},
		{"zero jobs", map[string]string{"INPUT_JOBS": "0"}, "input 'jobs' must be a positive whole number"},
		{"no packages dir", map[string]string{"INPUT_PACKAGES_DIR": "wheelhouse"}, "packages-dir 'wheelhouse' is not a directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, calls := newJob(t).run(t, tc.inputs)
			if res.code == 0 || !strings.Contains(res.out, tc.want) || !strings.Contains(res.out, "::error") {
				t.Errorf("run.sh = exit %d, %q; want a failure with ::error and %q", res.code, res.out, tc.want)
			}
			if len(calls) != 0 {
				t.Errorf("pyupload ran: %q", calls)
			}
		})
	}
}

// TestRunInstallOnly uploads nothing, and needs no packages-dir.
func TestRunInstallOnly(t *testing.T) {
	t.Parallel()
	res, calls := newJob(t).run(t, map[string]string{"INPUT_INSTALL_ONLY": "True", "INPUT_PACKAGES_DIR": "nowhere"})
	if res.code != 0 || len(calls) != 0 {
		t.Errorf("install-only: exit %d, calls %q:\n%s", res.code, calls, res.out)
	}
}

// TestRunCheckFails: verify-metadata's check failing stops before the upload.
func TestRunCheckFails(t *testing.T) {
	t.Parallel()
	res, calls := newJob(t).run(t, map[string]string{"FAKE_CHECK_FAIL": "1"})
	if res.code == 0 {
		t.Fatalf("run.sh exit 0 after a failed check:\n%s", res.out)
	}
	if len(calls) != 2 || !strings.HasPrefix(calls[0], "argv [check]") {
		t.Errorf("pyupload calls = %q, want the check alone", calls)
	}
}

// TestRunPrintHash prints each distribution's digests first.
func TestRunPrintHash(t *testing.T) {
	t.Parallel()
	res, calls := newJob(t).run(t, map[string]string{"INPUT_PRINT_HASH": "true"})
	if res.code != 0 {
		t.Fatalf("run.sh exit %d:\n%s", res.code, res.out)
	}
	for _, want := range []string{"proj-1.0-py3-none-any.whl", "SHA256: " + sha256Hex([]byte("not really a wheel")), "MD5: ", "BLAKE2-256: "} {
		if !strings.Contains(res.out, want) {
			t.Errorf("print-hash output lacks %q:\n%s", want, res.out)
		}
	}
	if len(calls) != 4 {
		t.Errorf("pyupload calls = %q, want check and upload", calls)
	}
}
