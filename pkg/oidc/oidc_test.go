package oidc

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeJWT builds an unsigned token with the given claims; clients never
// verify signatures, the index does.
func fakeJWT(t *testing.T, claims map[string]any) string {
	t.Helper()
	head := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`))
	body, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	return head + "." + base64.RawURLEncoding.EncodeToString(body) + ".sig"
}

func mapEnv(m map[string]string) Env {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestGitLabVariable(t *testing.T) {
	t.Parallel()
	for aud, want := range map[string]string{
		"pypi": "PYPI_ID_TOKEN", "testpypi": "TESTPYPI_ID_TOKEN",
		"http://test.audience": "HTTP___TEST_AUDIENCE_ID_TOKEN", "1abc": "_ABC_ID_TOKEN",
	} {
		if got := GitLabVariable(aud); got != want {
			t.Errorf("GitLabVariable(%q) = %q, want %q", aud, got, want)
		}
	}
}

func TestParseClaims(t *testing.T) {
	t.Parallel()
	tok := fakeJWT(t, map[string]any{"aud": "pypi", "n": 42, "b": true, "arr": []string{"x"}})
	parts := strings.Split(tok, ".")
	padded := parts[0] + "." + parts[1] + strings.Repeat("=", (4-len(parts[1])%4)%4) + "." + parts[2]
	for _, in := range []string{tok, padded} {
		c, err := ParseClaims(in)
		if err != nil {
			t.Fatalf("ParseClaims(%q) error = %v", in, err)
		}
		if aud, _ := c.Audience(); aud != "pypi" {
			t.Errorf("aud = %q", aud)
		}
		for name, want := range map[string]string{"n": "42", "b": "true", "arr": `["x"]`} {
			if got, _ := c.String(name); got != want {
				t.Errorf("String(%q) = %q, want %q", name, got, want)
			}
		}
	}
	for _, bad := range []string{"", "a.b", "a.!!!.c", "a." + base64.RawURLEncoding.EncodeToString([]byte("[1]")) + ".c"} {
		if _, err := ParseClaims(bad); err == nil {
			t.Errorf("ParseClaims(%q) succeeded, want an error", bad)
		}
	}
}

// TestCheckToken: identity tokens are three base64url parts, one line;
// anything else is refused, before it is masked or sent, without quoting
// it.
func TestCheckToken(t *testing.T) {
	t.Parallel()
	good := fakeJWT(t, map[string]any{"aud": "pypi"})
	for _, ok := range []string{good, "a.b.c", "a=.b==.c", "A-_z.0-9.x_-"} {
		if err := CheckToken(ok); err != nil {
			t.Errorf("CheckToken(%q) = %v, want nil", ok, err)
		}
	}
	for bad, reason := range map[string]string{
		"":                    "want 3 dot-separated parts, got 1",
		"a.b":                 "want 3 dot-separated parts, got 2",
		"a.b.c.d":             "want 3 dot-separated parts, got 4",
		"a..c":                "part 2 is empty",
		"a.b.":                "part 3 is empty",
		"a.b===.c":            "part 2 ends in more than two '=' of padding",
		good + "\nBASH_ENV=x": "part 3 contains a line break",
		"a.b.c\r::error::x":   "part 3 contains a line break",
		"a.b c.d":             "part 2 contains whitespace",
		"a\x1b[2K.b.c":        "part 1 contains a control character",
		"a.b+/.c":             "part 2 contains punctuation other than '-' and '_'",
		"a.b.c\u202e":         "part 3 contains a non-ASCII character",
	} {
		err := CheckToken(bad)
		if ce, ok := errors.AsType[*ClaimsError](err); !ok || ce.Reason != reason {
			t.Errorf("CheckToken(%q) = %v, want a ClaimsError: %s", bad, err, reason)
		}
	}
	// Fetch is the gate every identity token passes (providers, files,
	// PYUPLOAD_OIDC_TOKEN): surrounding whitespace is trimmed, inner lines
	// are refused.
	for tok, wantErr := range map[string]bool{good + "\n": false, " " + good: false, good + "\n::add-mask::x": true, good + "\nx.y.z": true} {
		got, err := Fetch(t.Context(), &Static{Token: tok}, "pypi")
		if (err != nil) != wantErr || err == nil && got != good {
			t.Errorf("Fetch(%q) = %q, %v; want error %v", tok, got, err, wantErr)
		}
		if err != nil && strings.Contains(err.Error(), good[:10]) {
			t.Errorf("Fetch error %q quotes the token", err)
		}
	}
}

func TestSelect(t *testing.T) {
	t.Parallel()
	ps := Providers(Config{Env: mapEnv(map[string]string{"GITLAB_CI": "true", "CIRCLECI": "true"})})
	tests := []struct {
		name, want string
		wantErr    string
	}{
		{"", "gitlab", ""},
		{"circleci", "circleci", ""},
		{"github", "github", ""}, // forced even when not detected: its error then explains
		{"jenkins", "", `unknown provider "jenkins": use github, google, buildkite, gitlab, circleci`},
	}
	for _, tt := range tests {
		p, err := Select(ps, tt.name)
		if tt.wantErr != "" {
			if err == nil || err.Error() != "oidc: "+tt.wantErr {
				t.Errorf("Select(%q) error = %v, want %q", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil || p.Name() != tt.want {
			t.Errorf("Select(%q) = %v, %v, want %s", tt.name, p, err, tt.want)
		}
	}
	if _, err := Select(Providers(Config{}), ""); !errors.Is(err, ErrNoProvider) {
		t.Errorf("Select outside CI error = %v, want ErrNoProvider", err)
	}
}

// detect is what the CLI does: select the ambient provider, then fetch.
func detect(ctx context.Context, ps []Provider, audience string) (string, Provider, error) {
	p, err := Select(ps, "")
	if err != nil {
		return "", nil, err
	}
	tok, err := Fetch(ctx, p, audience)
	return tok, p, err
}

func TestGitHubActions(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("api-version") != "2.0" || q.Get("audience") == "" || strings.Contains(r.URL.RawQuery, "?") {
			http.Error(w, "query not merged: "+r.URL.RawQuery, http.StatusBadRequest)
			return
		}
		if r.Header.Get("Authorization") != "bearer req-token" {
			http.Error(w, "denied", http.StatusForbidden)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"value": fakeJWT(t, map[string]any{"aud": r.URL.Query().Get("audience")})})
	}))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	forkEvent := filepath.Join(dir, "fork.json")
	if err := os.WriteFile(forkEvent, []byte(`{"pull_request":{"head":{"repo":{"fork":true}}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		env      map[string]string
		wantErr  string
		wantFork bool
	}{
		{"token", map[string]string{"GITHUB_ACTIONS": "true", "ACTIONS_ID_TOKEN_REQUEST_URL": srv.URL + "/token?api-version=2.0", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "req-token"}, "", false},
		{"missing permission", map[string]string{"GITHUB_ACTIONS": "true"}, "ACTIONS_ID_TOKEN_REQUEST_TOKEN is not set", false},
		{"fork pull request", map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": forkEvent}, "pull requests from forks", true},
		{"endpoint refuses", map[string]string{"GITHUB_ACTIONS": "true", "ACTIONS_ID_TOKEN_REQUEST_URL": srv.URL + "/token?api-version=2.0", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "wrong"}, "HTTP 403", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ps := Providers(Config{Env: mapEnv(tt.env), HTTP: srv.Client(), ReadFile: os.ReadFile})
			tok, p, err := detect(t.Context(), ps, "pypi")
			if p == nil || p.Name() != "github" {
				t.Fatalf("detect() provider = %v, want github", p)
			}
			if tt.wantErr == "" {
				if err != nil || tok == "" {
					t.Fatalf("detect() = %q, %v", tok, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("detect() error = %v, want %q", err, tt.wantErr)
			}
			if gp, ok := errors.AsType[*GitHubPermissionError](err); ok && gp.ForkPR != tt.wantFork {
				t.Errorf("ForkPR = %v, want %v", gp.ForkPR, tt.wantFork)
			}
		})
	}
}

func TestGitLab(t *testing.T) {
	t.Parallel()
	tok := fakeJWT(t, map[string]any{"aud": "pypi", "iss": "https://gitlab.com"})
	ps := Providers(Config{Env: mapEnv(map[string]string{"GITLAB_CI": "true", "PYPI_ID_TOKEN": tok})})
	got, p, err := detect(t.Context(), ps, "pypi")
	if err != nil || got != tok || p.Name() != "gitlab" {
		t.Errorf("detect() = %v, %v, %v", got != "", p, err)
	}
	_, _, err = detect(t.Context(), ps, "testpypi")
	if gl, ok := errors.AsType[*GitLabTokenMissingError](err); !ok || gl.Variable != "TESTPYPI_ID_TOKEN" {
		t.Errorf("detect(testpypi) error = %v, want GitLabTokenMissingError for TESTPYPI_ID_TOKEN", err)
	}
	// A token for another audience is refused after fetching.
	ps = Providers(Config{Env: mapEnv(map[string]string{"GITLAB_CI": "true", "PYPI_ID_TOKEN": fakeJWT(t, map[string]any{"aud": "other"})})})
	if _, _, err := detect(t.Context(), ps, "pypi"); !isAudienceError(err) {
		t.Errorf("detect(wrong aud) error = %v, want AudienceError", err)
	}
}

func isAudienceError(err error) bool {
	_, ok := errors.AsType[*AudienceError](err)
	return ok
}

func TestCommandProviders(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		env      map[string]string
		wantArgs string
	}{
		{"buildkite", map[string]string{"BUILDKITE": "true"}, "buildkite-agent oidc request-token --audience pypi"},
		{"circleci", map[string]string{"CIRCLECI": "true"}, `circleci run oidc get --claims {"aud":"pypi"} --root-issuer`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var ran string
			run := func(_ context.Context, name string, args ...string) ([]byte, error) {
				ran = strings.Join(append([]string{name}, args...), " ")
				return []byte(fakeJWT(t, map[string]any{"aud": "pypi"}) + "\n"), nil
			}
			ps := Providers(Config{Env: mapEnv(tt.env), Run: run})
			tok, p, err := detect(t.Context(), ps, "pypi")
			if err != nil || tok == "" || p.Name() != tt.name {
				t.Fatalf("detect() = %v, %v, %v", tok != "", p, err)
			}
			if ran != tt.wantArgs {
				t.Errorf("ran %q, want %q", ran, tt.wantArgs)
			}
			failing := func(context.Context, string, ...string) ([]byte, error) {
				return nil, &CommandError{Command: tt.name, Stderr: "agent says no", Err: errors.New("exit status 1")}
			}
			ps = Providers(Config{Env: mapEnv(tt.env), Run: failing})
			if _, _, err := detect(t.Context(), ps, "pypi"); err == nil || !strings.Contains(err.Error(), "agent says no") {
				t.Errorf("detect() with a failing tool error = %v, want its stderr", err)
			}
		})
	}
}

func TestGoogleCloud(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc("/computeMetadata/v1/instance/service-accounts/default/identity", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Metadata-Flavor") != "Google" || r.URL.Query().Get("format") != "full" {
			http.Error(w, "bad", http.StatusBadRequest)
			return
		}
		_, _ = w.Write([]byte(fakeJWT(t, map[string]any{"aud": r.URL.Query().Get("audience"), "email": "vm@p.iam.gserviceaccount.com"})))
	})
	mux.HandleFunc("/computeMetadata/v1/instance/service-accounts/default/token", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"access_token":"ya29.x"}`))
	})
	mux.HandleFunc("/v1/projects/-/serviceAccounts/", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Audience string `json:"audience"`
		}
		_ = json.NewDecoder(r.Body).Decode(&req)
		if r.Header.Get("Authorization") != "Bearer ya29.x" || !strings.HasSuffix(r.URL.Path, ":generateIdToken") {
			http.Error(w, "denied", http.StatusForbidden)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"token": fakeJWT(t, map[string]any{"aud": req.Audience, "email": "sa@p.iam.gserviceaccount.com"})})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	onGCE := func(string) ([]byte, error) { return []byte("Google Compute Engine\n"), nil }
	tests := []struct {
		name      string
		env       map[string]string
		readFile  func(string) ([]byte, error)
		wantEmail string
	}{
		{"metadata server", nil, onGCE, "vm@p.iam.gserviceaccount.com"},
		{"impersonation", map[string]string{"GOOGLE_SERVICE_ACCOUNT_NAME": "sa@p.iam.gserviceaccount.com"}, nil, "sa@p.iam.gserviceaccount.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ps := Providers(Config{Env: mapEnv(tt.env), HTTP: srv.Client(), ReadFile: tt.readFile, GCPMetadataURL: srv.URL, GCPIAMURL: srv.URL})
			tok, p, err := detect(t.Context(), ps, "pypi")
			if err != nil || p.Name() != "google" {
				t.Fatalf("detect() = %v, %v", p, err)
			}
			c, _ := ParseClaims(tok)
			if email, _ := c.String("email"); email != tt.wantEmail {
				t.Errorf("email = %q, want %q", email, tt.wantEmail)
			}
		})
	}
}

func TestNoProvider(t *testing.T) {
	t.Parallel()
	_, p, err := detect(t.Context(), Providers(Config{}), "pypi")
	if !errors.Is(err, ErrNoProvider) || p != nil {
		t.Errorf("detect() outside CI = %v, %v; want ErrNoProvider", p, err)
	}
}

// TestOrder: GitHub wins over GitLab when both look present, as in id.
func TestOrder(t *testing.T) {
	t.Parallel()
	ps := Providers(Config{Env: mapEnv(map[string]string{"GITHUB_ACTIONS": "true", "GITLAB_CI": "true"})})
	_, p, _ := detect(t.Context(), ps, "pypi")
	if p == nil || p.Name() != "github" {
		t.Errorf("provider = %v, want github first", p)
	}
	var names []string
	for _, p := range ps {
		names = append(names, p.Name())
	}
	if got := strings.Join(names, ","); got != "github,google,buildkite,gitlab,circleci" {
		t.Errorf("order = %s", got)
	}
}

func FuzzParseClaims(f *testing.F) {
	f.Add("a.eyJhdWQiOiJweXBpIn0.c")
	f.Add("a.eyJhdWQiOiJweXBpIn0=.c")
	f.Add("..")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseClaims(s)
		if err != nil {
			if _, ok := errors.AsType[*ClaimsError](err); !ok {
				t.Fatalf("ParseClaims error %T is not a *ClaimsError", err)
			}
			return
		}
		_, _ = c.String("sub")
		_, _ = c.Audience()
	})
}
