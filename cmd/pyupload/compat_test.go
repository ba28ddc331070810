package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyupload/pyupload/internal/ui"
)

// copyDist copies a good dist into dir and returns its path.
func copyDist(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(good + name)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func writeFile(t *testing.T, p, content string) string {
	t.Helper()
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCompanionArguments: `pyupload dist/*` as the shell expands it, with
// signatures and attestations beside the dists, uploads the dists; the
// signatures and twine's signing flags get one note; a companion whose
// dist is not given is a usage error.
func TestCompanionArguments(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	whl := copyDist(t, dir, "pyupload_mv22-2.2-py3-none-any.whl")
	sdist := copyDist(t, dir, "pyupload_mv22-2.2.tar.gz")
	whlSig := writeFile(t, whl+".asc", "sig")
	sdistSig := writeFile(t, sdist+".asc", "sig")
	att := writeFile(t, whl+".publish.attestation", `{"version": 1}`)
	orphan := writeFile(t, filepath.Join(dir, "gone-1.0-py3-none-any.whl.publish.attestation"), "{}")
	shell := []string{whl, whlSig, att, sdist, sdistSig} // dist/* without the orphan
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     []string // in stderr
		notWant  []string
	}{
		{"signatures and an attestation beside the dists", shell, ui.ExitOK,
			[]string{"note: ignoring 2 signature files (pyupload_mv22-2.2-py3-none-any.whl.asc, pyupload_mv22-2.2.tar.gz.asc): pyupload neither makes nor sends GPG signatures"}, nil},
		{"twine's signing flags", append([]string{"-s", "--sign-with", "gpg2", "-ime@example.org"}, whl), ui.ExitOK,
			[]string{"note: ignoring --sign, --sign-with, --identity: pyupload neither makes nor sends GPG signatures"}, nil},
		{"signing flags and a signature, one note", append([]string{"--sign"}, whl, whlSig), ui.ExitOK,
			[]string{"note: ignoring --sign and pyupload_mv22-2.2-py3-none-any.whl.asc: "}, nil},
		{"no signature, no note", []string{whl, att}, ui.ExitOK, nil, []string{"GPG"}},
		{"an attestation whose dist is not given", append(shell, orphan), ui.ExitUsage,
			[]string{orphan + " belongs to gone-1.0-py3-none-any.whl, which is not among the files given"}, nil},
		{"a signature whose dist is not given", []string{whl, sdistSig}, ui.ExitUsage,
			[]string{sdistSig + " belongs to pyupload_mv22-2.2.tar.gz, which is not among the files given"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ix, u := startIndex(t)
			var out, errOut bytes.Buffer
			code := run(t.Context(), uploadArgs(u, tt.args...), testEnv(t, map[string]string{"TWINE_PASSWORD": testToken}), &out, &errOut)
			stderr := errOut.String()
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstderr:\n%s", code, tt.wantCode, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(stderr, w) {
					t.Errorf("stderr has %q:\n%s", w, stderr)
				}
			}
			if n := strings.Count(stderr, "GPG"); n > 1 {
				t.Errorf("stderr mentions GPG %d times, want one note", n)
			}
			for _, f := range ix.Files() {
				if f.Fields.Get("gpg_signature") != "" || f.Fields.Get("attestations") != "" {
					t.Errorf("%s was sent with a signature or attestation without --attestations", f.Filename)
				}
			}
		})
	}
}

// TestTwineCompatGolden pins what a twine user sees (golden files): the
// GPG note, a companion without its dist, a missing username for another
// index, and pyupload token outside CI.
func TestTwineCompatGolden(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	whl := copyDist(t, dir, "pyupload_mv22-2.2-py3-none-any.whl")
	sig := writeFile(t, whl+".asc", "sig")
	orphan := writeFile(t, filepath.Join(dir, "pyupload_mv22-2.2.tar.gz.publish.attestation"), "{}")
	tests := []struct {
		name     string
		args     []string
		env      map[string]string
		wantCode int
	}{
		{"twine-gpg-note", []string{"-s", "--identity", "me@example.org", whl, sig}, map[string]string{"TWINE_PASSWORD": testToken}, ui.ExitOK},
		{"twine-companion-without-dist", []string{whl, orphan}, map[string]string{"TWINE_PASSWORD": testToken}, ui.ExitUsage},
		{"twine-no-username", []string{whl}, map[string]string{"TWINE_PASSWORD": privateToken}, ui.ExitUsage},
		{"twine-token-outside-ci", nil, nil, ui.ExitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, u := startIndex(t)
			args := uploadArgs(u, tt.args...)
			if tt.args == nil {
				args = []string{"token", "--repository-url", u + "/legacy/"}
			}
			var out, errOut bytes.Buffer
			code := run(t.Context(), args, testEnv(t, tt.env), &out, &errOut)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d\n%s", code, tt.wantCode, errOut.String())
			}
			got := strings.NewReplacer(strings.TrimPrefix(u, "http://"), "INDEX", dir, "DIR").Replace("-- stdout --\n" + out.String() + "-- stderr --\n" + errOut.String())
			golden(t, tt.name+".golden", got)
		})
	}
}
