package main

import (
	"net/url"
	"strings"
	"testing"

	"github.com/pyupload/pyupload/internal/provenance"
	"github.com/pyupload/pyupload/pkg/dist"
	"github.com/pyupload/pyupload/pkg/oidc"
)

// TestPlanSigning: pyupload signs only where PyPI accepts what it signs.
func TestPlanSigning(t *testing.T) {
	gh := oidc.Claims{"iss": "https://token.actions.githubusercontent.com", "workflow_ref": "o/r/.github/workflows/release.yml@refs/tags/v1", "job_workflow_ref": "o/r/.github/workflows/release.yml@refs/tags/v1"}
	reusable := oidc.Claims{"iss": "https://token.actions.githubusercontent.com", "workflow_ref": "o/r/.github/workflows/release.yml@refs/tags/v1", "job_workflow_ref": "o/r/.github/workflows/publish.yml@refs/tags/v1"}
	for _, tc := range []struct {
		name     string
		mode     attestMode
		trusted  bool
		provider string
		claims   oidc.Claims
		sign     bool
		skipped  string
	}{
		{"github", attestAuto, true, "github", gh, true, ""},
		{"github, --attestations", attestSend, true, "github", gh, true, ""},
		{"github, --attestations=false", attestOff, true, "github", gh, false, ""},
		{"an API token", attestAuto, false, "", nil, false, ""},
		{"a reusable workflow", attestAuto, true, "github", reusable, false, "reusable workflow"},
		{"gitlab.com", attestAuto, true, "gitlab", oidc.Claims{"iss": "https://gitlab.com"}, true, ""},
		{"a self-managed GitLab", attestAuto, true, "gitlab", oidc.Claims{"iss": "https://git.example.org", "ci_config_ref_uri": "git.example.org/g/p//.gitlab-ci.yml@refs/heads/main"}, false, "gitlab.com only"},
		{"google", attestAuto, true, "google", oidc.Claims{"iss": "https://accounts.google.com"}, true, ""},
		{"circleci", attestAuto, true, "circleci", oidc.Claims{"iss": "https://oidc.circleci.com"}, false, "only from GitHub, GitLab and Google"},
		{"an explicit token", attestAuto, true, "explicit", gh, false, "given explicitly"},
	} {
		p := planSigning(tc.mode, tc.trusted, tc.provider, tc.claims)
		if p.sign != tc.sign || (tc.skipped == "") != (p.skipped == "") || !strings.Contains(p.skipped, tc.skipped) {
			t.Errorf("%s: plan = %+v, want sign=%v, skipped containing %q", tc.name, p, tc.sign, tc.skipped)
		}
	}
}

// TestBelongsTo: verify --index takes only the files whose names say they
// are the release asked for, so a listing cannot swap in another
// release's attested files.
func TestBelongsTo(t *testing.T) {
	v, err := dist.ParseVersion("2.2")
	if err != nil {
		t.Fatal(err)
	}
	https := &url.URL{Scheme: "https", Host: "files.example.org", Path: "/f"}
	for _, tc := range []struct {
		file string
		url  *url.URL
		ok   bool
	}{
		{"proj-2.2-py3-none-any.whl", https, true},
		{"Proj-2.2.0.tar.gz", https, true},
		{"proj-2.1-py3-none-any.whl", https, false},
		{"other-2.2-py3-none-any.whl", https, false},
		{"proj-2.2.exe", https, false},
		{"proj-2.2-py3-none-any.whl", &url.URL{Scheme: "http", Host: "files.example.org"}, false},
		{"proj-2.2-py3-none-any.whl", &url.URL{Scheme: "http", Host: "127.0.0.1:8080"}, true},
	} {
		err := belongsTo(provenance.ReleaseFile{Filename: tc.file, URL: tc.url}, "proj", v)
		if (err == nil) != tc.ok {
			t.Errorf("%s at %s: %v, want ok=%v", tc.file, tc.url, err, tc.ok)
		}
	}
}
