package main

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRunTrustedPublishing runs the whole exchange against the command:
// the fake GitHub endpoint's token is minted into an upload token, which
// uploads; no secret reaches the log.
func TestRunTrustedPublishing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ghFile := filepath.Join(dir, "gh-url")
	const requestToken = "gha-secret-request-token"
	cmd := startRun(t,
		"-storage", dir, "-github-publisher", "example-org/example-pkg:release.yml:pypi",
		"-project", "pyupload-mv24", "-github-actions-request-token", requestToken,
		"-github-url-file", ghFile, "-token-ttl", "1m", "-oidc-audience", "testpypi")
	base := cmd.base
	second, err := cmd.stdout.ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	ghURL, ok := strings.CutPrefix(strings.TrimSpace(second), "fakeindex github-actions-token-url ")
	if want := base + "/_fake/github-actions/token?api-version=2.0"; !ok || ghURL != want {
		t.Fatalf("second line = %q, want the URL %s", second, want)
	}
	if got, err := os.ReadFile(ghFile); err != nil || string(got) != ghURL+"\n" {
		t.Errorf("-github-url-file holds %q, %v; want %q", got, err, ghURL+"\n")
	}

	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	send := func(method, rawURL string, body []byte, header http.Header) (int, string) {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), method, rawURL, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		maps.Copy(req.Header, header)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, rawURL, err)
		}
		defer func() { _ = resp.Body.Close() }()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}

	if status, body := send(http.MethodGet, base+"/_/oidc/audience", nil, nil); status != 200 || body != `{"audience": "testpypi"}` {
		t.Fatalf("audience = %d %s", status, body)
	}
	u, _ := url.Parse(ghURL)
	q := u.Query()
	q.Set("audience", "testpypi")
	u.RawQuery = q.Encode()
	status, body := send(http.MethodGet, u.String(), nil, http.Header{"Authorization": {"bearer " + requestToken}})
	var idTok struct{ Value string }
	if err := json.Unmarshal([]byte(body), &idTok); status != 200 || err != nil {
		t.Fatalf("GitHub token = %d %s", status, body)
	}
	mintBody, _ := json.Marshal(map[string]string{"token": idTok.Value})
	status, body = send(http.MethodPost, base+"/_/oidc/mint-token", mintBody, nil)
	var minted struct {
		Token   string
		Expires int64
	}
	if err := json.Unmarshal([]byte(body), &minted); status != 200 || err != nil || minted.Token == "" {
		t.Fatalf("mint = %d %s", status, body)
	}
	if d := time.Until(time.Unix(minted.Expires, 0)); d < 50*time.Second || d > 70*time.Second {
		t.Errorf("expires in %v, want about -token-ttl 1m", d)
	}
	up, ctype := uploadBody(t, "../../testdata/dists/good/pyupload_mv24-2.4-py3-none-any.whl")
	if status, body := send(http.MethodPost, base+"/legacy/", up, http.Header{
		"Content-Type": {ctype}, "Accept": {"application/json"}, "Authorization": {"Basic " + basicToken(minted.Token)},
	}); status != 200 {
		t.Errorf("upload with the minted token = %d %s", status, body)
	}

	log := cmd.stop(t)
	for _, want := range []string{"GET /_fake/github-actions/token 200", "POST /_/oidc/mint-token 200", "POST /legacy/ 200"} {
		if !strings.Contains(log, want) {
			t.Errorf("stderr lacks %q:\n%s", want, log)
		}
	}
	for name, secret := range map[string]string{"request token": requestToken, "identity token": idTok.Value, "minted token": minted.Token} {
		if strings.Contains(log, secret) {
			t.Errorf("stderr leaks the %s:\n%s", name, log)
		}
	}
}

func TestRunOIDCUsage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-github-publisher", "example-pkg:release.yml"}, "is not owner/repo"},
		{[]string{"-github-publisher", "o/r"}, "want owner/repo:workflow.yml[:environment]"},
		{[]string{"-github-publisher", "o/r:release"}, "is not a file name ending in .yml or .yaml"},
		{[]string{"-github-publisher", "o/r:.github/workflows/release.yml"}, "is not a file name"},
		{[]string{"-github-publisher", "o/r:release.yml:"}, "empty environment"},
		{[]string{"-project", "-bad-"}, "invalid project name"},
		{[]string{"-token-ttl", "0s"}, "-token-ttl must be positive"},
		{[]string{"-oidc-audience", ""}, "-oidc-audience cannot be empty"},
		{[]string{"-github-actions-request-token", "sekrit"}, "needs a -github-publisher"},
		{[]string{"-github-url-file", "x"}, "-github-url-file needs -github-actions-request-token"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			if code := run(t.Context(), tt.args, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("run(%q) = %d, stderr %q; want 2 and %q", tt.args, code, stderr.String(), tt.want)
			}
			if strings.Contains(stderr.String(), "sekrit") {
				t.Errorf("stderr shows the request token: %q", stderr.String())
			}
		})
	}
}

// TestGitHubEndpointNeedsRequestToken: without -github-actions-request-token
// the command serves the index alone, and the GitHub path is unknown.
func TestGitHubEndpointNeedsRequestToken(t *testing.T) {
	t.Parallel()
	cmd := startRun(t, "-storage", t.TempDir(), "-github-publisher", "example-org/example-pkg:release.yml")
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, cmd.base+"/_fake/github-actions/token?api-version=2.0&audience=pypi", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "bearer anything")
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET the GitHub token path = %d, want 404", resp.StatusCode)
	}
	cmd.stop(t)
}

// TestRunHostile: -hostile switches the index's behaviours on, -ci-hostile
// the GitHub endpoint's, and the log says which are on.
func TestRunHostile(t *testing.T) {
	t.Parallel()
	cmd := startRun(t, "-storage", t.TempDir(), "-hostile", "upload-login", "-hostile", "read-endless,audience-injection",
		"-drip-interval", "5ms", "-github-publisher", "example-org/example-pkg:release.yml",
		"-github-actions-request-token", "sekrit", "-ci-hostile", "token-newlines")
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	get := func(path string, header http.Header, limit int64) (int, string) {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, cmd.base+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		maps.Copy(req.Header, header)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = resp.Body.Close() }()
		b, _ := io.ReadAll(io.LimitReader(resp.Body, limit))
		return resp.StatusCode, string(b)
	}

	body, ctype := uploadBody(t, "../../testdata/dists/good/pyupload_mv24-2.4-py3-none-any.whl")
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, cmd.base+"/legacy/", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Authorization", "Basic "+basicToken("pypi-fake-token"))
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), "<title>Sign in</title>") {
		t.Errorf("upload = %d %q, want the login page", resp.StatusCode, page)
	}
	if status, doc := get("/pypi/pyupload-mv24/json", nil, 64<<10); status != http.StatusOK || len(doc) != 64<<10 {
		t.Errorf("JSON API = %d with %d bytes read, want an endless 200", status, len(doc))
	}
	if _, doc := get("/_/oidc/audience", nil, 1<<20); !strings.Contains(doc, `::error::pwned`) {
		t.Errorf("audience = %q, want the injection", doc)
	}
	if _, doc := get("/_fake/github-actions/token?api-version=2.0&audience=pypi", http.Header{"Authorization": {"bearer sekrit"}}, 1<<20); !strings.Contains(doc, `\nBASH_ENV=./evil.sh`) {
		t.Errorf("identity token = %q, want the injection", doc)
	}
	if log := cmd.stop(t); !strings.Contains(log, "fakeindex: hostile: upload-login, read-endless, audience-injection, ci:token-newlines (drip interval 5ms)") {
		t.Errorf("stderr lacks the hostile switches:\n%s", log)
	}
}
