package action_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testVersion = "1.2.3"

// runner is a simulated GitHub runner: a copy of action/ whose pins are the
// test's, a release server, and the runner's files and variables.
type runner struct {
	actionDir, temp, githubPath, githubOutput string
	env                                       map[string]string
}

// newRunner pins sums (lines of a SHA256SUMS) and version in a copy of the
// action's scripts, and serves files from a local release server.
func newRunner(t *testing.T, osName, arch, version, sums string, files map[string][]byte, tools ...string) *runner {
	t.Helper()
	root := repoRoot(t)
	r := &runner{actionDir: t.TempDir(), temp: t.TempDir()}
	copyFile(t, filepath.Join(root, "action", "install.sh"), filepath.Join(r.actionDir, "install.sh"))
	if err := os.WriteFile(filepath.Join(r.actionDir, "checksums.txt"), []byte("# test pins\n"+sums), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(r.actionDir, "VERSION"), []byte(version+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	r.githubPath = filepath.Join(home, "github_path")
	r.githubOutput = filepath.Join(home, "github_output")
	if len(tools) == 0 {
		tools = append([]string{"curl", "sha256sum"}, baseTools...)
	}
	r.env = map[string]string{
		"PATH":                  toolDir(t, tools...),
		"HOME":                  home,
		"RUNNER_OS":             osName,
		"RUNNER_ARCH":           arch,
		"RUNNER_TEMP":           r.temp,
		"GITHUB_PATH":           r.githubPath,
		"GITHUB_OUTPUT":         r.githubOutput,
		"PYUPLOAD_DOWNLOAD_URL": releaseServer(t, files),
	}
	return r
}

func (r *runner) install(t *testing.T) script {
	t.Helper()
	return runScript(t, "bash", filepath.Join(r.actionDir, "install.sh"), r.temp, r.env)
}

// installed checks that the binary landed on GITHUB_PATH and runs.
func (r *runner) installed(t *testing.T, res script, exe string) {
	t.Helper()
	if res.code != 0 {
		t.Fatalf("install.sh exit %d, want 0:\n%s", res.code, res.out)
	}
	lines := strings.Fields(readFile(t, r.githubPath))
	if len(lines) != 1 {
		t.Fatalf("GITHUB_PATH = %q, want one directory", lines)
	}
	bin := filepath.Join(lines[0], exe)
	if st, err := os.Stat(bin); err != nil || st.Mode()&0o111 == 0 {
		t.Fatalf("%s on GITHUB_PATH: %v (want an executable)", bin, err)
	}
	if !strings.HasPrefix(bin, r.temp) {
		t.Errorf("installed in %s, want under RUNNER_TEMP %s", bin, r.temp)
	}
	if !strings.Contains(res.out, "pyupload 9.9.9") {
		t.Errorf("install.sh did not run the installed binary's --version:\n%s", res.out)
	}
	if out := readFile(t, r.githubOutput); !strings.Contains(out, "path="+lines[0]+"\n") {
		t.Errorf("GITHUB_OUTPUT = %q, want path=%s", out, lines[0])
	}
}

// refused checks a refusal: non-zero exit, the message, nothing installed.
func (r *runner) refused(t *testing.T, res script, want string) {
	t.Helper()
	if res.code == 0 {
		t.Fatalf("install.sh exit 0, want a refusal:\n%s", res.out)
	}
	if !strings.Contains(res.out, want) {
		t.Errorf("install.sh output lacks %q:\n%s", want, res.out)
	}
	if !strings.Contains(res.out, "::error") {
		t.Errorf("install.sh refusal is not an ::error annotation:\n%s", res.out)
	}
	if p := readFile(t, r.githubPath); p != "" {
		t.Errorf("GITHUB_PATH = %q after a refusal, want nothing", p)
	}
}

// TestInstallNaming installs on each runner platform: the archive name of
// the release contract, its format, and the binary on GITHUB_PATH.
func TestInstallNaming(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		os, arch, goos, goarch, exe string
	}{
		{"Linux", "X64", "linux", "amd64", "pyupload"},
		{"Linux", "ARM64", "linux", "arm64", "pyupload"},
		{"Linux", "X86", "linux", "386", "pyupload"},
		{"Linux", "ARM", "linux", "arm", "pyupload"},
		{"macOS", "X64", "darwin", "amd64", "pyupload"},
		{"macOS", "ARM64", "darwin", "arm64", "pyupload"},
		{"Windows", "X64", "windows", "amd64", "pyupload.exe"},
		{"Windows", "ARM64", "windows", "arm64", "pyupload.exe"},
	} {
		t.Run(tc.os+"-"+tc.arch, func(t *testing.T) {
			t.Parallel()
			name, body := archiveFor(t, testVersion, tc.goos, tc.goarch, []byte(fakeBinary))
			// The other platforms' archives are served and pinned too:
			// the script must pick its own.
			other, otherBody := archiveFor(t, testVersion, "freebsd", "amd64", []byte("#!/bin/sh\necho wrong\n"))
			sums := sha256Hex(body) + "  " + name + "\n" + sha256Hex(otherBody) + "  " + other + "\n"
			r := newRunner(t, tc.os, tc.arch, testVersion, sums, map[string][]byte{
				"v" + testVersion + "/" + name:  body,
				"v" + testVersion + "/" + other: otherBody,
			})
			res := r.install(t)
			r.installed(t, res, tc.exe)
			if !strings.Contains(res.out, "/v"+testVersion+"/"+name) {
				t.Errorf("install.sh did not download %s:\n%s", name, res.out)
			}
		})
	}
}

// TestInstallTampered refuses an archive whose digest is not the pinned one.
func TestInstallTampered(t *testing.T) {
	t.Parallel()
	for _, arch := range []string{"X64", "ARM64"} {
		t.Run(arch, func(t *testing.T) {
			t.Parallel()
			goarch := map[string]string{"X64": "amd64", "ARM64": "arm64"}[arch]
			name, good := archiveFor(t, testVersion, "linux", goarch, []byte(fakeBinary))
			_, evil := archiveFor(t, testVersion, "linux", goarch, []byte("#!/bin/sh\necho pwned\n"))
			r := newRunner(t, "Linux", arch, testVersion, sha256Hex(good)+"  "+name+"\n",
				map[string][]byte{"v" + testVersion + "/" + name: evil})
			res := r.install(t)
			r.refused(t, res, "SHA-256 mismatch for "+name+": got "+sha256Hex(evil)+", want "+sha256Hex(good))
			if strings.Contains(res.out, "pwned") {
				t.Errorf("the tampered binary ran:\n%s", res.out)
			}
			left, err := filepath.Glob(filepath.Join(r.temp, "*", "bin", "*"))
			if err != nil || len(left) != 0 {
				t.Errorf("files left after a refusal: %v %v", left, err)
			}
		})
	}
}
