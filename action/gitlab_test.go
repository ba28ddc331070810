package action_test

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

type componentSpec struct {
	Spec struct {
		Inputs map[string]struct {
			Description string `yaml:"description"`
			Type        string `yaml:"type"`
			Default     any    `yaml:"default"`
		} `yaml:"inputs"`
	} `yaml:"spec"`
}

type gitlabJob struct {
	Stage    string                       `yaml:"stage"`
	Image    string                       `yaml:"image"`
	IDTokens map[string]map[string]string `yaml:"id_tokens"`
	Vars     map[string]any               `yaml:"variables"`
	Script   []string                     `yaml:"script"`
}

// component is the path of the GitLab component.
func component(t *testing.T) string {
	t.Helper()
	return filepath.Join(repoRoot(t), "templates", "pyupload.yml")
}

var inputRef = regexp.MustCompile(`\$\[\[\s*inputs\.([a-z0-9_-]+)\s*\]\]`)

// readComponent parses templates/pyupload.yml as GitLab does: the spec
// header, then the configuration with $[[ inputs.x ]] interpolated from
// inputs or the defaults.
func readComponent(t *testing.T, path string, inputs map[string]string) (componentSpec, map[string]gitlabJob) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	head, body, ok := strings.Cut(string(b), "\n---\n")
	if !ok {
		t.Fatal("templates/pyupload.yml has no spec header ending in ---")
	}
	var spec componentSpec
	dec := yaml.NewDecoder(strings.NewReader(head))
	dec.KnownFields(true)
	if err := dec.Decode(&spec); err != nil {
		t.Fatalf("spec: %v", err)
	}
	var missing []string
	body = inputRef.ReplaceAllStringFunc(body, func(ref string) string {
		name := inputRef.FindStringSubmatch(ref)[1]
		if v, ok := inputs[name]; ok {
			return v
		}
		in, ok := spec.Spec.Inputs[name]
		if !ok {
			missing = append(missing, name)
		}
		return fmt.Sprint(in.Default)
	})
	if len(missing) > 0 {
		t.Fatalf("the template uses undeclared inputs %q", missing)
	}
	var jobs map[string]gitlabJob
	dec = yaml.NewDecoder(strings.NewReader(body))
	dec.KnownFields(true)
	if err := dec.Decode(&jobs); err != nil {
		t.Fatalf("the template's configuration: %v", err)
	}
	return spec, jobs
}

// TestGitLabComponentParses: the spec's inputs and the job's identity
// tokens for PyPI, TestPyPI and Sigstore.
func TestGitLabComponentParses(t *testing.T) {
	t.Parallel()
	spec, jobs := readComponent(t, component(t), nil)
	for _, name := range []string{"job-name", "stage", "image", "packages-dir", "repository-url", "skip-existing", "attestations", "verbose", "version", "sha256", "download-url"} {
		if in, ok := spec.Spec.Inputs[name]; !ok || in.Description == "" {
			t.Errorf("spec input %q missing or undescribed", name)
		}
	}
	job, ok := jobs["pyupload"]
	if !ok || len(jobs) != 1 {
		t.Fatalf("jobs = %v, want one named pyupload", jobs)
	}
	want := map[string]map[string]string{"PYPI_ID_TOKEN": {"aud": "pypi"}, "TESTPYPI_ID_TOKEN": {"aud": "testpypi"}, "SIGSTORE_ID_TOKEN": {"aud": "sigstore"}}
	if diff := cmp.Diff(want, job.IDTokens); diff != "" {
		t.Errorf("id_tokens (-want +got):\n%s", diff)
	}
	if job.Stage != "deploy" || job.Image == "" || len(job.Script) == 0 {
		t.Errorf("job = %+v", job)
	}
	for _, line := range job.Script {
		if strings.Contains(line, "$[[") {
			t.Errorf("an input is interpolated into the script: %q", line)
		}
	}
}

// gitlabRun runs the job's script lines in one sh session, as GitLab's
// runner does, with its variables and simulated GitLab ones.
func gitlabRun(t *testing.T, path string, inputs map[string]string) (script, string) {
	t.Helper()
	_, jobs := readComponent(t, path, inputs)
	job := jobs["pyupload"]
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "dist"), 0o755); err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(t.TempDir(), "calls")
	env := map[string]string{
		"PATH": toolDir(t, append([]string{"curl", "sha256sum"}, baseTools...)...), "HOME": t.TempDir(), "TMPDIR": t.TempDir(),
		"GITLAB_CI": "true", "CI": "true", "CI_JOB_TOKEN": "job-token", "CI_PROJECT_DIR": dir,
		"PYPI_ID_TOKEN": "eyJ.pypi.token", "SIGSTORE_ID_TOKEN": "eyJ.sigstore.token", "FAKE_LOG": log,
	}
	for k, v := range job.Vars {
		s, ok := v.(string)
		if !ok { // GitLab takes strings; an empty input left unquoted is null
			t.Fatalf("variable %s = %#v, want a string", k, v)
		}
		env[k] = s
	}
	sh := filepath.Join(t.TempDir(), "job.sh")
	if err := os.WriteFile(sh, []byte("set -e\n"+strings.Join(job.Script, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	return runScript(t, "sh", sh, dir, env), readFile(t, log)
}

// TestGitLabComponentRuns installs from a local release server and checks
// the command the job runs.
func TestGitLabComponentRuns(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" || (runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64") {
		t.Skip("the served archive is for linux amd64/arm64")
	}
	name, body := archiveFor(t, testVersion, "linux", runtime.GOARCH, []byte(fakeBinary))
	files := map[string][]byte{"v" + testVersion + "/" + name: body}
	base := func(extra map[string]string) map[string]string {
		in := map[string]string{"version": testVersion, "sha256": sha256Hex(body), "download-url": releaseServer(t, files)}
		maps.Copy(in, extra)
		return in
	}
	for _, tc := range []struct {
		name   string
		inputs map[string]string
		want   string
	}{
		{"defaults", nil, "argv [upload] [--non-interactive] [--] [dist]\n" + noCreds + "PYUPLOAD_ATTESTATIONS=<unset>\n"},
		{"every input", map[string]string{"repository-url": "https://test.pypi.org/legacy/", "skip-existing": "true", "verbose": "true", "attestations": "false", "packages-dir": "out dir"},
			"argv [upload] [--non-interactive] [--repository-url] [https://test.pypi.org/legacy/] [--skip-existing] [--verbose] [--] [out dir]\n" + noCreds + "PYUPLOAD_ATTESTATIONS=false\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, calls := gitlabRun(t, component(t), base(tc.inputs))
			if res.code != 0 {
				t.Fatalf("job exit %d:\n%s", res.code, res.out)
			}
			if !strings.Contains(res.out, "pyupload 9.9.9") {
				t.Errorf("the job did not run pyupload --version:\n%s", res.out)
			}
			if diff := cmp.Diff(tc.want, calls); diff != "" {
				t.Errorf("pyupload calls (-want +got):\n%s", diff)
			}
		})
	}
}

// TestGitLabComponentRefuses: a tampered archive, and no pinned release.
func TestGitLabComponentRefuses(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" || (runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64") {
		t.Skip("the served archive is for linux amd64/arm64")
	}
	name, good := archiveFor(t, testVersion, "linux", runtime.GOARCH, []byte(fakeBinary))
	_, evil := archiveFor(t, testVersion, "linux", runtime.GOARCH, []byte("#!/bin/sh\necho pwned\n"))
	files := map[string][]byte{"v" + testVersion + "/" + name: evil}
	for _, tc := range []struct {
		name   string
		inputs map[string]string
		want   string
	}{
		{"tampered", map[string]string{"version": testVersion, "sha256": sha256Hex(good), "download-url": releaseServer(t, files)}, "SHA-256 mismatch for " + name},
		{"unpinned", map[string]string{"version": testVersion, "download-url": releaseServer(t, files)}, "no SHA-256 pinned for " + name},
		{"no version", nil, "set the version and sha256 inputs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, calls := gitlabRun(t, component(t), tc.inputs)
			if res.code == 0 || !strings.Contains(res.out, tc.want) || strings.Contains(res.out, "pwned") {
				t.Errorf("job = exit %d, %q; want a refusal saying %q", res.code, res.out, tc.want)
			}
			if calls != "" {
				t.Errorf("pyupload ran: %q", calls)
			}
		})
	}
}
