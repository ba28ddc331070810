package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pyupload/pyupload/internal/credentials"
	"github.com/pyupload/pyupload/internal/preflight"
	"github.com/pyupload/pyupload/internal/transport"
	"github.com/pyupload/pyupload/internal/trusted"
	"github.com/pyupload/pyupload/pkg/dist"
	"github.com/pyupload/pyupload/pkg/mint"
	"github.com/pyupload/pyupload/pkg/oidc"
	"github.com/pyupload/pyupload/pkg/upload"
)

// TestIsTerminal: /dev/null is a character device but not a terminal, and
// a pipe or buffer is neither.
func TestIsTerminal(t *testing.T) {
	t.Parallel()
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = null.Close() }()
	if IsTerminal(null) {
		t.Error("IsTerminal(/dev/null) = true, want false")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = r.Close(); _ = w.Close() }()
	if IsTerminal(w) || IsTerminal(&bytes.Buffer{}) {
		t.Error("IsTerminal(pipe or buffer) = true, want false")
	}
}

func mapEnv(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestDetectCI(t *testing.T) {
	t.Parallel()
	tests := []struct {
		env  map[string]string
		want string
	}{
		{nil, "ui.plainCI"},
		{map[string]string{"GITHUB_ACTIONS": "true"}, "*ui.GitHubActions"},
		{map[string]string{"GITLAB_CI": "true"}, "*ui.GitLab"},
		{map[string]string{"GITHUB_ACTIONS": "false", "GITLAB_CI": "yes"}, "ui.plainCI"},
	}
	for _, tt := range tests {
		if got := fmt.Sprintf("%T", DetectCI(mapEnv(tt.env), &bytes.Buffer{})); got != tt.want {
			t.Errorf("DetectCI(%v) = %s, want %s", tt.env, got, tt.want)
		}
	}
}

// TestGitHubActions pins the workflow commands and the step summary.
func TestGitHubActions(t *testing.T) {
	t.Parallel()
	var log bytes.Buffer
	summary := filepath.Join(t.TempDir(), "summary.md")
	pr := &Printer{out: &bytes.Buffer{}, err: &log, ci: &GitHubActions{Log: &log, Summary: summary}}
	pr.Mask("s3cret")
	pr.Warn("two\nlines at 100%\n")
	code := pr.Fail(errors.New("it broke\r\nbadly"))
	end := pr.ci.Section("Uploading")
	end()
	if code != ExitFailure {
		t.Errorf("Fail() = %d, want %d", code, ExitFailure)
	}
	want := "::add-mask::s3cret\n" +
		"::warning title=pyupload::two%0Alines at 100%25\n" +
		"::error title=pyupload failed::it broke%0Abadly\n" +
		"pyupload: error: it broke\nbadly\n" +
		"::group::Uploading\n::endgroup::\n"
	if got := log.String(); got != want {
		t.Errorf("log =\n%q\nwant\n%q", got, want)
	}
	b, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	if want := "## pyupload warning\n\n```\ntwo\nlines at 100%\n```\n## pyupload failed\n\n```\nit broke\nbadly\n```\n"; string(b) != want {
		t.Errorf("step summary =\n%q\nwant\n%q", b, want)
	}
}

func TestGitLabSections(t *testing.T) {
	t.Parallel()
	var log bytes.Buffer
	g := &GitLab{Log: &log, Now: func() time.Time { return time.Unix(1700000000, 0) }}
	g.Mask("s3cret") // GitLab cannot mask at run time: nothing printed
	if g.Annotate(Error, "t", "x") {
		t.Error("GitLab.Annotate() = true, want false: GitLab has no annotations")
	}
	g.Section("Uploading 2 files")()
	want := "\x1b[0Ksection_start:1700000000:pyupload_1[collapsed=true]\r\x1b[0KUploading 2 files\n\x1b[0Ksection_end:1700000000:pyupload_1\r\x1b[0K\n"
	if got := log.String(); got != want {
		t.Errorf("sections = %q, want %q", got, want)
	}
}

// TestPlainWarn: without a CI, a warning is a plain line.
func TestPlainWarn(t *testing.T) {
	t.Parallel()
	var errOut bytes.Buffer
	pr := &Printer{out: &bytes.Buffer{}, err: &errOut, ci: plainCI{}}
	pr.Warn("careful\n")
	pr.Mask("s3cret")
	pr.Notef("n %d", 1)
	if got, want := errOut.String(), "careful\nnote: n 1\n"; got != want {
		t.Errorf("stderr = %q, want %q", got, want)
	}
}

// TestExplain pins each error's exit code and hint: the one table of them.
func TestExplain(t *testing.T) {
	t.Parallel()
	endpointErr := func(err error) error {
		e := trusted.NewError("getting an upload token by Trusted Publishing", err, "github", mustURL(t, "https://upload.pypi.org/legacy/"))
		e.Claims = oidc.Claims{"iss": "https://token.actions.githubusercontent.com", "repository": "o/pkg", "job_workflow_ref": "o/pkg/.github/workflows/release.yml@refs/tags/v1"}
		e.Projects = []string{"pkg"}
		return e
	}
	mintErr := func(code mint.Code, desc string) error {
		return endpointErr(&mint.Error{StatusCode: 422, Problems: []mint.Problem{{Code: code, Description: desc}}})
	}
	tests := []struct {
		name    string
		err     error
		code    int
		hint    string // a part of the hint; "" for none
		notHint string // must not be in the hint
	}{
		{"usage", Usagef("bad"), ExitUsage, "pyupload --help", ""},
		{"API token refused", &credentials.PasswordError{Origin: "TWINE_PASSWORD", Token: true, Reason: "contains a line break, which API tokens never hold"}, ExitUsage, "pypi- followed by letters, digits", "pyupload --help"},
		{"password refused", &credentials.PasswordError{Origin: "--password", Reason: "contains a control character"}, ExitUsage, "spaces and punctuation are fine", "pyupload --help"},
		{"mode", &credentials.ModeError{Value: "x"}, ExitUsage, "pyupload --help", ""},
		{"repository", &credentials.RepositoryError{Name: "x"}, ExitUsage, "pyupload --help", ""},
		{"url", &credentials.URLError{URL: "x"}, ExitUsage, "pyupload --help", ""},
		{"no username", &credentials.UsernameError{Host: "pypi.example"}, ExitUsage, "pyupload --help", ""},
		{"pattern", &preflight.PatternError{Pattern: "[", Err: errors.New("syntax")}, ExitUsage, "pyupload --help", ""},
		{"password with always", credentials.ErrPasswordWithTrustedPublishing, ExitUsage, "pyupload --help", ""},
		{"unknown provider", &oidc.UnknownProviderError{Name: "jenkins"}, ExitUsage, "pyupload --help", ""},
		{"interrupted", fmt.Errorf("uploading: %w", context.Canceled), ExitInterrupted, "", ""},
		{"checks failed", ErrChecksFailed, ExitFailure, "", ""},
		{"preflight failed", ErrPreflightFailed, ExitFailure, "pyupload check", ""},
		{"no credentials", credentials.ErrNoCredentials, ExitUsage, "Trusted Publishing", ""},
		{"no credentials for PyPI", &credentials.NoCredentialsError{Host: "upload.pypi.org"}, ExitUsage, "https://pypi.org/manage/account/token/", ""},
		{"no credentials for a registry", &credentials.NoCredentialsError{Host: "git.example"}, ExitUsage, "credentials git.example takes", "pypi.org"},
		{"file exists", fmt.Errorf("x: %w", upload.ErrFileExists), ExitFailure, "publish a new version", ""},
		{"insecure", upload.ErrInsecureURL, ExitUsage, "https://", ""},
		{"forbidden by PyPI", &upload.HTTPError{StatusCode: 403, Host: "upload.pypi.org"}, ExitFailure, "API tokens go in --password", ""},
		{"refused by a registry", &upload.HTTPError{StatusCode: 401, Host: "git.example"}, ExitFailure, "credentials for git.example: the username and the password or access token", ""},
		{"a web page for an answer", &upload.NotUploadAnswerError{StatusCode: 200, Host: "h"}, ExitFailure, "it must be the upload endpoint", ""},
		{"a duplicate no read API could check", &upload.ConflictError{Filename: "x.whl", Unverified: true}, ExitFailure, "run the same command with --skip-existing", ""},
		// Under Trusted Publishing there is no API token to fix.
		{"forbidden with a minted token", &trusted.UploadError{Err: fmt.Errorf("uploading x: %w", &upload.HTTPError{StatusCode: 403}), Provider: "github", Web: "https://pypi.org",
			Claims: oidc.Claims{"iss": "https://token.actions.githubusercontent.com", "repository": "o/pkg", "repository_owner": "o", "job_workflow_ref": "o/pkg/.github/workflows/release.yml@refs/tags/v1"}, Projects: []string{"pkg"}},
			ExitFailure, "https://pypi.org/manage/project/pkg/settings/publishing/?", "--password"},
		// A repository not named after the project gets no pre-filled form.
		{"forbidden with a minted token from another repository", &trusted.UploadError{Err: fmt.Errorf("uploading x: %w", &upload.HTTPError{StatusCode: 403}), Provider: "github", Web: "https://pypi.org",
			Claims: oidc.Claims{"iss": "https://token.actions.githubusercontent.com", "repository": "o/r", "repository_owner": "o", "job_workflow_ref": "o/r/.github/workflows/release.yml@refs/tags/v1"}, Projects: []string{"pkg"}},
			ExitFailure, "No pre-filled form", "publishing/?"},
		{"other failure with a minted token", &trusted.UploadError{Err: fmt.Errorf("x: %w", upload.ErrFileExists)}, ExitFailure, "publish a new version", ""},
		{"unknown format", dist.ErrUnknownFormat, ExitFailure, "wheels (.whl)", ""},
		{"missing file", fmt.Errorf("opening: %w", os.ErrNotExist), ExitFailure, "check the path", ""},
		{"no provider", trusted.NewError("finding a CI identity", oidc.ErrNoProvider, "", mustURL(t, "https://upload.pypi.org/legacy/")), ExitUsage, "run inside a supported CI", ""},
		{"invalid publisher", mintErr(mint.CodeInvalidPublisher, "valid token, but no corresponding publisher (Publisher with matching claims was not found)"), ExitFailure, "https://pypi.org/manage/project/pkg/settings/publishing/?", ""},
		// A mismatch of the owner's ID is never fixed from the run's claims.
		{"owner id differs", mintErr(mint.CodeInvalidPublisher, "valid token, but no corresponding publisher (Check failed for required claim 'repository_owner_id')"), ExitFailure, "Never configure a publisher from the claims of a run you do not trust", "publishing/?"},
		// pull_request_target comes as invalid-publisher, but no publisher
		// can fix it: the advice must not be to add one.
		{"pull_request_target", mintErr(mint.CodeInvalidPublisher, "valid token, but no corresponding publisher (Publishing from a workflow invoked via 'pull_request_target' is not supported.)"), ExitFailure, "pull_request_target", "Add or fix the publisher"},
		{"insecure endpoint", credentials.ErrInsecureURL, ExitUsage, "https://", ""},
		{"missing slash", &upload.RedirectError{MissingSlash: true}, ExitFailure, "add the trailing slash", ""},
		{"identity spent", endpointErr(mint.ErrIdentitySpent), ExitFailure, "can be exchanged only once", ""},
		{"refresh failed", endpointErr(&mint.Error{StatusCode: 503}), ExitFailure, "wait a few minutes", ""},
		{"untrusted certificate", fmt.Errorf("x.whl: %w", &transport.TLSError{Err: errors.New("x509: unknown authority"), Untrusted: true}), ExitFailure, "--cert, TWINE_CERT, REQUESTS_CA_BUNDLE", "--client-cert"},
		{"client certificate", &transport.TLSError{Err: errors.New("remote error: tls: certificate required"), ClientCertAsked: true}, ExitFailure, "--client-cert", "REQUESTS_CA_BUNDLE"},
		{"certificate on the audience", endpointErr(&transport.TLSError{Err: errors.New("x509"), Untrusted: true}), ExitFailure, "--cert", ""},
		{"upload timed out", fmt.Errorf("x.whl: giving up after 5 attempts in 10m0s: %w", &transport.TimeoutError{Host: "upload.pypi.org", After: 2 * time.Minute, Idle: true}), ExitFailure, "--timeout SECONDS (PYUPLOAD_TIMEOUT)", ""},
		{"token exchange timed out", endpointErr(fmt.Errorf("the token exchange timed out: %w", &transport.TimeoutError{Host: "upload.pypi.org", After: 4 * time.Minute})), ExitFailure, "--timeout SECONDS", "publisher"},
		{"other", errors.New("boom"), ExitFailure, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, hint, code := Explain(tt.err)
			if code != tt.code {
				t.Errorf("Explain(%v) code = %d, want %d", tt.err, code, tt.code)
			}
			if tt.hint == "" && hint != "" || !strings.Contains(hint, tt.hint) {
				t.Errorf("Explain(%v) hint = %q, want it to contain %q", tt.err, hint, tt.hint)
			}
			if tt.notHint != "" && strings.Contains(hint, tt.notHint) {
				t.Errorf("Explain(%v) hint = %q, want no %q", tt.err, hint, tt.notHint)
			}
		})
	}
}

func TestCheckReport(t *testing.T) {
	t.Parallel()
	r := &preflight.Report{Strict: true, Results: []preflight.Checked{
		{Path: "a.whl", Problems: []dist.Problem{{Severity: dist.Warning, Message: "w"}, {Severity: dist.Note, Message: "n"}}},
		{Path: "b.whl", Err: errors.New("unreadable")},
		{Path: "c.whl"},
	}}
	var out, errOut bytes.Buffer
	pr := &Printer{out: &out, err: &errOut, ci: plainCI{}}
	if err := pr.CheckReport(r, false); err != nil {
		t.Fatal(err)
	}
	want := "Checking a.whl: FAILED due to warnings\nWARNING  a.whl: w\nNOTE     a.whl: n\nChecking b.whl: FAILED\nERROR    unreadable\nChecking c.whl: PASSED\n"
	if out.String() != want {
		t.Errorf("CheckReport() =\n%s\nwant\n%s", out.String(), want)
	}
	if err := pr.CheckFailures(r); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(errOut.String(), "c.whl") || !strings.Contains(errOut.String(), "b.whl") {
		t.Errorf("CheckFailures() = %q, want the failing files only", errOut.String())
	}
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestExplainMessages pins the messages Explain rewrites.
func TestExplainMessages(t *testing.T) {
	t.Parallel()
	msg, _, _ := Explain(&oidc.UnknownProviderError{Name: "jenkins", Known: []string{"github", "gitlab"}})
	if want := `unknown --provider "jenkins": use github, gitlab`; msg != want {
		t.Errorf("Explain(unknown provider) = %q, want %q", msg, want)
	}
	if msg, hint, _ := Explain(ErrChecksFailed); msg != "" || hint != "" {
		t.Errorf("Explain(ErrChecksFailed) = %q, %q, want silence: the report was printed", msg, hint)
	}
	if msg, _, _ := Explain(fmt.Errorf("uploading: %w", context.Canceled)); msg != "interrupted" {
		t.Errorf("Explain(canceled) = %q, want interrupted", msg)
	}
}
