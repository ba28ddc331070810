package trusted

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pyupload/pyupload/pkg/mint"
	"github.com/pyupload/pyupload/pkg/oidc"
)

func jwt(t *testing.T, claims map[string]any) string {
	t.Helper()
	b, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	return "eyJhbGciOiJSUzI1NiJ9." + base64.RawURLEncoding.EncodeToString(b) + ".c2ln"
}

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestIdentity(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(file, []byte(" from-file \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		cfg     IdentityConfig
		want    string // provider name
		wantTok string // for explicit tokens
		wantErr error
	}{
		{"token file first", IdentityConfig{TokenFile: file, Env: env(map[string]string{"PYUPLOAD_OIDC_TOKEN": "from-env", "GITHUB_ACTIONS": "true"})}, "explicit", "from-file", nil},
		{"then the explicit variable", IdentityConfig{Env: env(map[string]string{"PYUPLOAD_OIDC_TOKEN": "from-env", "GITHUB_ACTIONS": "true"})}, "explicit", "from-env", nil},
		{"then a named provider", IdentityConfig{Provider: "gitlab", Env: env(map[string]string{"GITHUB_ACTIONS": "true"})}, "gitlab", "", nil},
		{"then the CI detected", IdentityConfig{Env: env(map[string]string{"CIRCLECI": "true"})}, "circleci", "", nil},
		{"none outside CI", IdentityConfig{Env: env(nil)}, "", "", oidc.ErrNoProvider},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.cfg.ReadFile = os.ReadFile
			p, err := Identity(tt.cfg)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Identity() error = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil || p.Name() != tt.want {
				t.Fatalf("Identity() = %v, %v, want %s", p, err, tt.want)
			}
			if s, ok := p.(*oidc.Static); ok && s.Token != tt.wantTok {
				t.Errorf("Identity() token = %q, want %q", s.Token, tt.wantTok)
			}
		})
	}
	if _, err := Identity(IdentityConfig{TokenFile: filepath.Join(t.TempDir(), "missing"), ReadFile: os.ReadFile, Env: env(nil)}); err == nil || !strings.Contains(err.Error(), "reading the OIDC token file") {
		t.Errorf("Identity(missing file) error = %v", err)
	}
}

// index serves the audience and mint endpoints; mint answers with status
// and body (a token document on 200).
func index(t *testing.T, audienceStatus, mintStatus int, mintBody string) (*url.URL, *atomic.Int32) {
	t.Helper()
	var mints atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/_/oidc/audience":
			w.WriteHeader(audienceStatus)
			_, _ = w.Write([]byte(`{"audience": "pypi"}`))
		case "/_/oidc/mint-token":
			mints.Add(1)
			w.WriteHeader(mintStatus)
			_, _ = w.Write([]byte(mintBody))
		}
	}))
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL + "/legacy/")
	if err != nil {
		t.Fatal(err)
	}
	return u, &mints
}

func TestStart(t *testing.T) {
	t.Parallel()
	endpoint, mints := index(t, 200, 200, `{"success": true, "token": "pypi-minted"}`)
	id := jwt(t, map[string]any{"aud": "pypi", "iss": "https://token.actions.githubusercontent.com", "repository": "o/r"})
	var secrets []string
	s, err := Start(t.Context(), Config{Endpoint: endpoint, Provider: &oidc.Static{Token: id}, Secret: func(v string) { secrets = append(secrets, v) }})
	if err != nil {
		t.Fatal(err)
	}
	user, pass, err := s.Credentials(t.Context())
	if err != nil || user != "__token__" || pass != "pypi-minted" {
		t.Errorf("Credentials() = %q, %q, %v", user, pass, err)
	}
	if mints.Load() != 1 {
		t.Errorf("minted %d times, want 1", mints.Load())
	}
	if len(secrets) != 2 || secrets[0] != id || secrets[1] != "pypi-minted" {
		t.Errorf("secrets told = %d, want the identity token, then the upload token", len(secrets))
	}
	if repo, _ := s.Claims().String("repository"); repo != "o/r" {
		t.Errorf("Claims() repository = %q, want o/r", repo)
	}
}

// TestStartErrors: each failure is an *Error that keeps the stage, the
// index, the claims seen and the projects, for the hints.
func TestStartErrors(t *testing.T) {
	t.Parallel()
	id := jwt(t, map[string]any{"aud": "pypi", "repository": "o/r"})
	tests := []struct {
		name        string
		aud, status int
		stage       string
		wantClaims  bool
		want        error
	}{
		{"audience disabled", 403, 200, "discovering the audience", false, mint.ErrDisabled},
		{"mint refused", 200, 422, "getting an upload token by Trusted Publishing", true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			endpoint, _ := index(t, tt.aud, tt.status, `{"message": "Token request failed", "errors": [{"code": "invalid-publisher", "description": "x"}]}`)
			_, err := Start(t.Context(), Config{Endpoint: endpoint, Provider: &oidc.Static{Token: id}, Projects: []string{"pkg"}})
			e, ok := errors.AsType[*Error](err)
			if !ok {
				t.Fatalf("Start() error = %v, want *Error", err)
			}
			if e.Stage != tt.stage || e.Host != endpoint.Host || e.Web != "http://"+endpoint.Host || len(e.Projects) != 1 || (e.Claims != nil) != tt.wantClaims {
				t.Errorf("Start() error = %+v", e)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("Start() error = %v, want %v", err, tt.want)
			}
			if strings.Contains(err.Error(), id) {
				t.Error("the identity token is in the error")
			}
		})
	}
}
