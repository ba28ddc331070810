package main

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/pyupload/pyupload/internal/ui"
)

// The end-to-end tests below run the built binary in a simulated GitHub
// Actions job against an index that answers with texts built to inject
// workflow commands, terminal escapes and Markdown, and with a minted
// token built to inject variables into $GITHUB_ENV (issue 9).

// hostileText is what a hostile index puts in its messages: workflow
// commands on lines of their own (also after spaces, and the runner's
// legacy ##[ form anywhere), ANSI and OSC sequences, a lone CR, a bidi
// override, and backticks that would close the step summary's block.
const hostileText = "refused\n::error::pwned\n  ::add-mask::x\nsee ##[add-mask]y\x1b]8;;https://evil.example\x07link\x1b]8;;\x07 \x1b[31mred\x1b[2K\r::warning::z \u202eevil\n```\n## injected heading\n````````\n\u009b31m"

// hostileIndex answers uploads with upload(w), Trusted Publishing's
// audience with "pypi" and mints with mint(w); everything else (the read
// API) is 404.
func hostileIndex(t *testing.T, upload, mint func(http.ResponseWriter)) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /legacy/", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		upload(w)
	})
	mux.HandleFunc("GET /_/oidc/audience", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"audience": "pypi"}`)
	})
	mux.HandleFunc("POST /_/oidc/mint-token", func(w http.ResponseWriter, _ *http.Request) { mint(w) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

func answer(status int, contentType, body string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// hostileJWT is an identity token (PYUPLOAD_OIDC_TOKEN) whose claims are
// hostile too: the hints show them.
func hostileJWT() string {
	enc := base64.RawURLEncoding.EncodeToString
	claims, _ := json.Marshal(map[string]any{
		"aud": "pypi", "iss": "https://token.actions.githubusercontent.com",
		"repository": "o/r\n::error::claim\x1b[31m", "repository_owner": "o", "workflow_ref": "o/r/.github/workflows/release.yml@refs/tags/v1\n##[add-mask]w",
		"job_workflow_ref": "o/r/.github/workflows/release.yml@refs/tags/v1", "ref": "refs/tags/v1", "event_name": "push",
	})
	return enc([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc(claims) + ".c2ln"
}

// hostileEnv is a GitHub Actions job with a step summary and an explicit
// identity token.
func hostileEnv(t *testing.T) (env []string, summary string) {
	t.Helper()
	summary = filepath.Join(t.TempDir(), "summary.md")
	return []string{"GITHUB_ACTIONS=true", "GITHUB_STEP_SUMMARY=" + summary, "PYUPLOAD_OIDC_TOKEN=" + hostileJWT()}, summary
}

// ownCommandRE matches the workflow commands pyupload itself writes.
var ownCommandRE = regexp.MustCompile(`^::(add-mask::|error title=pyupload failed::|warning title=pyupload::|group::|endgroup::$)`)

// assertLogSafe fails for output a runner or a terminal would act on: a
// line starting a workflow command that is not pyupload's own, the
// runner's legacy ##[ prefix anywhere, GitLab's section markers, an ESC,
// C1 CSI or lone CR, or a bidi override.
func assertLogSafe(t *testing.T, name, out string) {
	t.Helper()
	if i := strings.IndexAny(out, "\x1b\r\u009b\u009d\u202e"); i >= 0 {
		t.Errorf("%s holds a raw control or bidi character at byte %d: %q", name, i, out)
	}
	for i, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(strings.TrimLeftFunc(line, unicode.IsSpace), "::") && !ownCommandRE.MatchString(line) {
			t.Errorf("%s line %d starts a workflow command: %q", name, i+1, line)
		}
		for _, marker := range []string{"##[", "section_start:", "section_end:"} {
			if strings.Contains(line, marker) {
				t.Errorf("%s line %d holds %q: %q", name, i+1, marker, line)
			}
		}
	}
}

// assertSummaryFenced fails unless each section of the step summary is a
// heading and one code block that nothing in it closes early.
func assertSummaryFenced(t *testing.T, file string) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("reading the step summary: %v", err)
	}
	sections := strings.Split(string(b), "## pyupload ")[1:]
	if len(sections) == 0 {
		t.Fatalf("the step summary has no section:\n%s", b)
	}
	for _, s := range sections {
		lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
		if len(lines) < 4 {
			t.Fatalf("summary section too short: %q", s)
		}
		open, body, closing := lines[2], lines[3:len(lines)-1], lines[len(lines)-1]
		if len(open) < 3 || strings.Trim(open, "`") != "" || closing != open {
			t.Fatalf("summary section's fences are %q and %q:\n%s", open, closing, s)
		}
		for _, l := range body {
			if strings.HasPrefix(strings.TrimLeft(l, " "), open) {
				t.Errorf("summary line %q closes its code block early", l)
			}
		}
	}
	assertLogSafe(t, "step summary", string(b))
}

// TestE2EHostileIndexTexts: the index's error texts (a JSON message, a
// text/plain body, a mint error's descriptions) reach stderr, stdout and
// the step summary neutralised, with the verbose log on.
func TestE2EHostileIndexTexts(t *testing.T) {
	t.Parallel()
	refuse := answer(http.StatusUnprocessableEntity, "application/json", `{"message": "mint refused", "errors": [{"code": "invalid-publisher", "description": `+jsonString("valid token, but no corresponding publisher (Check failed for required claim 'repository')\n"+hostileText)+`}]}`)
	tests := []struct {
		name         string
		upload, mint func(http.ResponseWriter)
		args         []string
		want         string // in stderr, neutralised
	}{
		{"JSON message", answer(http.StatusBadRequest, "application/json", `{"code": "400 Bad Request", "message": `+jsonString(hostileText)+`}`), refuse,
			[]string{"--password", "pypi-hostile-test"}, `\::error::pwned`},
		{"text/plain body", answer(http.StatusBadRequest, "text/plain; charset=utf-8", "400 Bad Request\n\n\n"+hostileText+"\n\n"), refuse,
			[]string{"--password", "pypi-hostile-test"}, `\x1b[31mred`},
		{"mint error description", answer(http.StatusOK, "text/plain", "OK"), refuse,
			[]string{"--trusted-publishing", "always"}, `##\[add-mask]y`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u := hostileIndex(t, tt.upload, tt.mint)
			env, summary := hostileEnv(t)
			r := runBinary(t, env, uploadArgs(u, append(tt.args, "--verbose", good+"pyupload_mv22-2.2-py3-none-any.whl")...)...)
			if r.code != ui.ExitFailure || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, want 1 with %q in stderr:\n%s", r.code, tt.want, r.stderr)
			}
			assertLogSafe(t, "stdout", r.stdout)
			assertLogSafe(t, "stderr", r.stderr)
			assertSummaryFenced(t, summary)
		})
	}
}

// TestE2EHostileMintedToken: a minted token with lines in it is refused,
// and never printed: `pyupload token --format env` prints nothing for
// $GITHUB_ENV, and an upload sends nothing.
func TestE2EHostileMintedToken(t *testing.T) {
	t.Parallel()
	const evil = "pypi-SECRET\nBASH_ENV=./evil.sh\nNODE_OPTIONS=--require=./evil.js"
	for _, body := range []string{`{"success": true, "token": ` + jsonString(evil) + `}`, `{"token": "pypi-SECRET\r::add-mask::x"}`} {
		u := hostileIndex(t, answer(http.StatusOK, "text/plain", "OK"), answer(http.StatusOK, "application/json", body))
		env, summary := hostileEnv(t)
		for _, args := range [][]string{
			{"token", "--repository-url", u + "/legacy/", "--format", "env"},
			{"token", "--repository-url", u + "/legacy/", "--format", "json"},
			uploadArgs(u, "--trusted-publishing", "always", good+"pyupload_mv22-2.2-py3-none-any.whl"),
		} {
			r := runBinary(t, env, args...)
			if r.code != ui.ExitFailure || r.stdout != "" || !strings.Contains(r.stderr, "refuses") {
				t.Errorf("%s: exit %d, stdout %q; want 1, nothing on stdout, and the refusal on stderr:\n%s", args[0], r.code, r.stdout, r.stderr)
			}
			for _, part := range []string{"SECRET", "BASH_ENV", "evil", "NODE_OPTIONS"} {
				if strings.Contains(r.stdout+r.stderr, part) {
					t.Errorf("%s: the output shows the token's %q:\n%s", args[0], part, r.stderr)
				}
			}
			assertLogSafe(t, "stderr", r.stderr)
		}
		assertSummaryFenced(t, summary)
	}
}

// TestE2EHostilePassword: a password with lines in it is refused before it
// is sent, and never shown.
func TestE2EHostilePassword(t *testing.T) {
	t.Parallel()
	u := hostileIndex(t, answer(http.StatusOK, "text/plain", "OK"), answer(http.StatusNotFound, "text/plain", ""))
	for _, pw := range []string{"pypi-SECRET\nBASH_ENV=./evil.sh", "SECRET\x1b[2K::error::x"} {
		env, _ := hostileEnv(t)
		r := runBinary(t, append(env, "TWINE_USERNAME=alice", "TWINE_PASSWORD="+pw), uploadArgs(u, good+"pyupload_mv22-2.2-py3-none-any.whl")...)
		if r.code != ui.ExitUsage || !strings.Contains(r.stderr, "from TWINE_PASSWORD") {
			t.Errorf("exit %d, want 2 naming TWINE_PASSWORD:\n%s", r.code, r.stderr)
		}
		if strings.Contains(r.stdout+r.stderr, "SECRET") || strings.Contains(r.stderr, "evil") {
			t.Errorf("the output shows the password:\n%s", r.stderr)
		}
		assertLogSafe(t, "stderr", r.stderr)
	}
}
