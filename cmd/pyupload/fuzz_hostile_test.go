package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// ownCommands are the workflow commands pyupload itself writes; any other
// line starting with "::" came from outside.
var ownCommands = []string{"::add-mask::", "::error title=", "::warning title=", "::notice title=", "::group::", "::endgroup::"}

// unsafeOutput returns why out could act on a terminal or a CI runner:
// an escape or other control character, or a line that starts a workflow
// command pyupload did not write.
func unsafeOutput(out string) string {
	for i := 0; i < len(out); i++ {
		if c := out[i]; c < 0x20 && c != '\n' && c != '\t' || c == 0x7f {
			return "a control character " + strings.ToValidUTF8(out[max(i-20, 0):min(i+20, len(out))], "?")
		}
	}
	if strings.Contains(out, "\u009b") || strings.Contains(out, "\u009d") {
		return "a C1 control character"
	}
	for line := range strings.SplitSeq(out, "\n") {
		l := strings.TrimLeft(line, " \t")
		if !strings.HasPrefix(l, "::") && !strings.Contains(l, "##[") {
			continue
		}
		own := false
		for _, c := range ownCommands {
			own = own || strings.HasPrefix(line, c)
		}
		if !own {
			return "a workflow command: " + line
		}
	}
	return ""
}

// FuzzHostileAnswers: whatever status, content type and body an index (or
// its Trusted Publishing endpoints) answers, endless bodies included, an
// in-process run ends in time, never panics, keeps its memory bounded, and
// prints nothing a terminal or a CI runner would act on, in GitHub Actions'
// log and step summary alike. Dripped and hanging answers are the
// end-to-end tests' (TestE2EUploadAnswerDrips and the others): each costs
// seconds of timeout.
func FuzzHostileAnswers(f *testing.F) {
	f.Add(uint16(0), "text/html", []byte("<title>x</title>\n::error::pwned"), false)
	f.Add(uint16(200), "application/json", []byte(`{"code": "400 \u001b[31mred", "message": "::add-mask::x\n::error::y"}`), false)
	f.Add(uint16(222), "application/json", []byte(`{"message": "m", "errors": [{"code": "invalid-publisher", "description": "`+"```"+`\n::error::z"}]}`), true)
	f.Add(uint16(0), "application/json", []byte(`{"success": true, "token": "pypi-a\nBASH_ENV=./evil.sh", "expires": 1}`), true)
	f.Add(uint16(203), "text/plain", []byte("\x1b]0;title\x07section_start:1:x\r\n"), false)
	wheel, err := filepath.Abs(good + "pyupload_mv23-2.3-py3-none-any.whl")
	if err != nil {
		f.Fatal(err)
	}
	jwt := "eyJhbGciOiJSUzI1NiJ9." + base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"https://token.actions.githubusercontent.com","aud":"pypi","repository":"o/r"}`)) + ".c2ln"
	f.Add(uint16(0), "text/html", []byte("a<a href=x>pyupload_mv23-2.3.tar.gz</a>"), false)         // odd first byte: sent forever
	f.Add(uint16(200), "application/json", []byte(`{"code": "400 `+strings.Repeat("x", 100)), true) // endless mint answer
	f.Fuzz(func(t *testing.T, status uint16, ctype string, body []byte, trusted bool) {
		// A body of 3 bytes or more whose first byte is odd is sent again
		// and again until the client leaves: an endless answer.
		endless := len(body) >= 3 && body[0]%2 == 1
		// 2xx to 4xx: 5xx and 429 are printed alike but retried for seconds.
		code := 200 + int(status)%300
		if code == http.StatusTooManyRequests {
			code = http.StatusBadRequest
		}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if trusted && r.URL.Path == "/_/oidc/audience" {
				_, _ = w.Write([]byte(`{"audience": "pypi"}`)) // so that the mint is reached
				return
			}
			w.Header().Set("Content-Type", ctype)
			w.WriteHeader(code)
			for _, err := w.Write(body); endless && err == nil && r.Context().Err() == nil; _, err = w.Write(body) {
			}
		}))
		defer srv.Close()
		summary := filepath.Join(t.TempDir(), "summary.md")
		env := map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": summary, "PYUPLOAD_TRUSTED_PUBLISHING": "never", "TWINE_PASSWORD": "pypi-fuzz-token"}
		if trusted {
			env = map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": summary, "PYUPLOAD_TRUSTED_PUBLISHING": "always", "PYUPLOAD_OIDC_TOKEN": jwt}
		}
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()
		var stdout, stderr bytes.Buffer
		start := time.Now()
		run(ctx, []string{"upload", "--repository-url", srv.URL + "/legacy/", "--disable-progress-bar", "--non-interactive", wheel}, testEnv(t, env), &stdout, &stderr)
		if time.Since(start) > 25*time.Second {
			t.Fatalf("the run took %s", time.Since(start))
		}
		var mem runtime.MemStats
		runtime.ReadMemStats(&mem)
		if mem.HeapInuse > 256<<20 {
			t.Errorf("heap in use %d MiB after the run", mem.HeapInuse>>20)
		}
		written, _ := os.ReadFile(summary)
		for name, out := range map[string]string{"stdout": stdout.String(), "stderr": stderr.String(), "step summary": string(written)} {
			if why := unsafeOutput(out); why != "" {
				t.Errorf("%s carries %s\n%s", name, why, out)
			}
		}
	})
}
