package readapi_test

import (
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pyupload/pyupload/internal/readapi"
)

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestCandidates(t *testing.T) {
	tests := []struct {
		name, endpoint, check string
		want                  []string // "json <base>" or "simple <root>"
	}{
		{"PyPI", "https://upload.pypi.org/legacy/", "", []string{"json https://pypi.org", "simple https://pypi.org/simple/"}},
		{"TestPyPI", "https://test.pypi.org/legacy/", "", []string{"json https://test.pypi.org", "simple https://test.pypi.org/simple/"}},
		{"Warehouse-shaped", "http://127.0.0.1:8080/legacy/", "", []string{"json http://127.0.0.1:8080", "simple http://127.0.0.1:8080/simple/"}},
		{"Gitea", "https://git.example/api/packages/owner/pypi", "", []string{
			"simple https://git.example/api/packages/owner/pypi/simple/",
			"simple https://git.example/api/packages/owner/pypi/+simple/",
			"fallback https://git.example/simple/"}},
		{"GitLab", "https://gitlab.example/api/v4/projects/42/packages/pypi", "", []string{
			"simple https://gitlab.example/api/v4/projects/42/packages/pypi/simple/",
			"simple https://gitlab.example/api/v4/projects/42/packages/pypi/+simple/",
			"fallback https://gitlab.example/simple/"}},
		{"devpi", "https://devpi.example/root/dev/", "", []string{
			"simple https://devpi.example/root/dev/simple/",
			"simple https://devpi.example/root/dev/+simple/",
			"fallback https://devpi.example/simple/"}},
		{"pypiserver at the root", "http://localhost:8080/", "", []string{
			"simple http://localhost:8080/simple/",
			"simple http://localhost:8080/+simple/"}},
		{"Azure Artifacts", "https://pkgs.dev.azure.example/org/_packaging/feed/pypi/upload/", "", []string{
			"simple https://pkgs.dev.azure.example/org/_packaging/feed/pypi/upload/simple/",
			"simple https://pkgs.dev.azure.example/org/_packaging/feed/pypi/upload/+simple/",
			"simple https://pkgs.dev.azure.example/org/_packaging/feed/pypi/simple/",
			"fallback https://pkgs.dev.azure.example/simple/"}},
		{"userinfo never reaches a read URL", "https://u:p@nexus.example/repository/pypi-hosted/", "", []string{
			"simple https://nexus.example/repository/pypi-hosted/simple/",
			"simple https://nexus.example/repository/pypi-hosted/+simple/",
			"fallback https://nexus.example/simple/"}},
		{"check URL naming a simple root", "https://upload.pypi.org/legacy/", "https://mirror.example/pypi/simple", []string{"simple https://mirror.example/pypi/simple/"}},
		{"check URL naming devpi's simple root", "https://devpi.example/root/dev/", "https://devpi.example/root/dev/+simple/", []string{"simple https://devpi.example/root/dev/+simple/"}},
		{"check URL naming a Warehouse", "https://upload.pypi.org/legacy/", "https://pypi.org", []string{"json https://pypi.org", "simple https://pypi.org/simple/"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var check *url.URL
			if tt.check != "" {
				check = mustURL(t, tt.check)
			}
			var got []string
			for _, s := range readapi.Candidates(mustURL(t, tt.endpoint), check) {
				kind := "simple"
				if s.Kind == readapi.PyPIJSON {
					kind = "json"
				}
				if s.Fallback {
					kind = "fallback"
				}
				got = append(got, kind+" "+s.Base.String())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Candidates(%s, %q) (-want +got):\n%s", tt.endpoint, tt.check, diff)
			}
		})
	}
}

func TestSourceURL(t *testing.T) {
	json := readapi.Source{Kind: readapi.PyPIJSON, Base: mustURL(t, "https://pypi.org")}
	if got, want := json.URL("My_Pkg", "1.0").String(), "https://pypi.org/pypi/my-pkg/1.0/json"; got != want {
		t.Errorf("JSON URL = %s, want %s", got, want)
	}
	simple := readapi.Source{Kind: readapi.Simple, Base: mustURL(t, "https://git.example/api/packages/o/pypi/simple/")}
	if got, want := simple.URL("My.Pkg", "1.0").String(), "https://git.example/api/packages/o/pypi/simple/my-pkg/"; got != want {
		t.Errorf("simple URL = %s, want %s", got, want)
	}
}

func TestReleasePage(t *testing.T) {
	tests := []struct{ endpoint, want string }{
		{"https://upload.pypi.org/legacy/", "https://pypi.org/project/my-pkg/1.0/"},
		{"https://test.pypi.org/legacy/", "https://test.pypi.org/project/my-pkg/1.0/"},
		{"http://127.0.0.1:8080/legacy/", "http://127.0.0.1:8080/project/my-pkg/1.0/"},
		{"https://git.example/api/packages/owner/pypi", "https://git.example/owner/-/packages/pypi/my-pkg/1.0"},
		{"https://git.example/api/packages/owner/pypi/", "https://git.example/owner/-/packages/pypi/my-pkg/1.0"},
		// No known page: never a made-up link.
		{"https://gitlab.example/api/v4/projects/42/packages/pypi", ""},
		{"https://nexus.example/repository/pypi-hosted/", ""},
		{"https://jfrog.example/artifactory/api/pypi/pypi-local", ""},
		{"http://localhost:8080/", ""},
		{"https://devpi.example/root/dev/", ""},
	}
	for _, tt := range tests {
		if got := readapi.ReleasePage(mustURL(t, tt.endpoint), "My_Pkg", "1.0"); got != tt.want {
			t.Errorf("ReleasePage(%s) = %q, want %q", tt.endpoint, got, tt.want)
		}
	}
}
