package action_test

import (
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// linuxX64 is a runner pinning and serving the linux/amd64 archive of
// testVersion.
func linuxX64(t *testing.T, tools ...string) (*runner, string, []byte) {
	t.Helper()
	name, body := archiveFor(t, testVersion, "linux", "amd64", []byte(fakeBinary))
	r := newRunner(t, "Linux", "X64", testVersion, sha256Hex(body)+"  "+name+"\n",
		map[string][]byte{"v" + testVersion + "/" + name: body, "v2.0.0/pyupload_2.0.0_linux_amd64.tar.gz": body}, tools...)
	return r, name, body
}

// TestInstallRefusals: every way install.sh refuses, each with its message.
func TestInstallRefusals(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"unknown arch", map[string]string{"RUNNER_ARCH": "MIPS64"}, "unsupported runner architecture 'MIPS64'"},
		{"no arch", map[string]string{"RUNNER_ARCH": ""}, "unsupported runner architecture ''"},
		{"unknown os", map[string]string{"RUNNER_OS": "Plan9"}, "unsupported runner OS 'Plan9'"},
		{"unpinned version", map[string]string{"PYUPLOAD_VERSION": "2.0.0"}, "no SHA-256 pinned in this action for pyupload_2.0.0_linux_amd64.tar.gz"},
		{"unpinned platform", map[string]string{"RUNNER_OS": "macOS", "RUNNER_ARCH": "X86"}, "no SHA-256 pinned in this action for pyupload_1.2.3_darwin_386.tar.gz"},
		{"wrong digest given", map[string]string{"PYUPLOAD_VERSION": "2.0.0", "PYUPLOAD_SHA256": strings.Repeat("ab", 32)}, "SHA-256 mismatch"},
		{"malformed digest", map[string]string{"PYUPLOAD_SHA256": "abc"}, "is not 64 hexadecimal digits"},
		{"digest with shell", map[string]string{"PYUPLOAD_SHA256": "$(touch pwned)"}, "is not 64 hexadecimal digits"},
		{"version with shell", map[string]string{"PYUPLOAD_VERSION": "1;touch pwned"}, "is not a release version"},
		{"missing archive", map[string]string{"PYUPLOAD_VERSION": "3.0.0", "PYUPLOAD_SHA256": strings.Repeat("ab", 32)}, "downloading"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, _, _ := linuxX64(t)
			maps.Copy(r.env, tc.env)
			r.refused(t, r.install(t), tc.want)
			if _, err := os.Stat(filepath.Join(r.temp, "pwned")); err == nil {
				t.Error("an input ran as shell code")
			}
		})
	}
}

// TestInstallNoPinnedVersion: an action that pins no release needs the
// version input.
func TestInstallNoPinnedVersion(t *testing.T) {
	t.Parallel()
	r, _, _ := linuxX64(t)
	if err := os.WriteFile(filepath.Join(r.actionDir, "VERSION"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	r.refused(t, r.install(t), "no version given and none pinned")
}

// TestInstallGivenDigest installs a version the action does not pin when
// the caller gives its digest (in capitals, as some tools print it).
func TestInstallGivenDigest(t *testing.T) {
	t.Parallel()
	r, _, body := linuxX64(t)
	r.env["PYUPLOAD_VERSION"] = "v2.0.0"
	r.env["PYUPLOAD_SHA256"] = strings.ToUpper(sha256Hex(body))
	res := r.install(t)
	r.installed(t, res, "pyupload")
	if !strings.Contains(res.out, "/v2.0.0/pyupload_2.0.0_linux_amd64.tar.gz") {
		t.Errorf("install.sh did not download 2.0.0:\n%s", res.out)
	}
}

// TestInstallWgetShasum uses the other tools: wget and shasum (macOS has
// shasum, not sha256sum; some images have wget, not curl).
func TestInstallWgetShasum(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"wget", "shasum", "perl"} {
		if _, err := exec.LookPath(name); err != nil {
			t.Skipf("%s not installed", name)
		}
	}
	r, _, _ := linuxX64(t, append([]string{"wget", "shasum", "perl"}, baseTools...)...)
	r.installed(t, r.install(t), "pyupload")
}

// TestInstallRealBinary installs a real build of cmd/pyupload, as the
// release makes it, and runs it from GITHUB_PATH.
func TestInstallRealBinary(t *testing.T) {
	t.Parallel()
	bin := buildPyupload(t)
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	arch := map[string]string{"amd64": "X64", "arm64": "ARM64"}[runtime.GOARCH]
	if arch == "" {
		t.Skipf("no runner architecture for %s", runtime.GOARCH)
	}
	name, body := archiveFor(t, testVersion, "linux", runtime.GOARCH, b)
	r := newRunner(t, "Linux", arch, testVersion, sha256Hex(body)+"  "+name+"\n", map[string][]byte{"v" + testVersion + "/" + name: body})
	res := r.install(t)
	if res.code != 0 {
		t.Fatalf("install.sh exit %d:\n%s", res.code, res.out)
	}
	dir := strings.TrimSpace(readFile(t, r.githubPath))
	out, err := exec.CommandContext(t.Context(), filepath.Join(dir, "pyupload"), "--version").CombinedOutput()
	if err != nil || !strings.Contains(string(out), testVersion) {
		t.Errorf("installed pyupload --version = %q, %v; want %s", out, err, testVersion)
	}
}
