package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"

	"github.com/urfave/cli/v3"

	"github.com/pyupload/pyupload/pkg/mint"
	"github.com/pyupload/pyupload/pkg/oidc"
)

// tpFlags select and configure Trusted Publishing.
type tpFlags struct {
	mode      string // auto, always, never
	tokenFile string // an identity token in a file
	provider  string // force one provider
}

func tpFlagDefs(env lookupEnv) []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "trusted-publishing", Value: "auto", Usage: "auto: use the CI's identity when no password/token is given; always: require it; never", Sources: envVars(env, "PYUPLOAD_TRUSTED_PUBLISHING")},
		&cli.StringFlag{Name: "oidc-token-file", Usage: "read the OIDC identity token from this file (for CI platforms without built-in support)", Sources: envVars(env, "PYUPLOAD_OIDC_TOKEN_FILE")},
		&cli.StringFlag{Name: "provider", Usage: "use this identity provider only: github, gitlab, google, buildkite, circleci"},
	}
}

func readTPFlags(cmd *cli.Command) tpFlags {
	return tpFlags{mode: cmd.String("trusted-publishing"), tokenFile: cmd.String("oidc-token-file"), provider: cmd.String("provider")}
}

func (f tpFlags) validate() error {
	switch f.mode {
	case "auto", "always", "never":
		return nil
	}
	return usageErrorf("--trusted-publishing must be auto, always or never, not %q", f.mode)
}

// requireIdentity is identity() for commands that need one: no identity
// is the explained ErrNoProvider.
func requireIdentity(env lookupEnv, f tpFlags, client *http.Client, endpoint *url.URL) (oidc.Provider, error) {
	p, err := identity(env, f, client)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, &tpError{stage: "finding a CI identity", err: oidc.ErrNoProvider, host: endpoint.Host, web: webBase(endpoint)}
	}
	return p, nil
}

// identity picks where identity tokens come from: an explicit token first,
// then --provider, then the first ambient provider. nil means none.
func identity(env lookupEnv, f tpFlags, client *http.Client) (oidc.Provider, error) {
	if f.tokenFile != "" {
		b, err := os.ReadFile(f.tokenFile)
		if err != nil {
			return nil, fmt.Errorf("reading the OIDC token file: %w", err)
		}
		return &oidc.Static{Source: f.tokenFile, Token: strings.TrimSpace(string(b))}, nil
	}
	if tok, ok := env(oidc.VarExplicitToken.Name); ok && strings.TrimSpace(tok) != "" {
		return &oidc.Static{Source: oidc.VarExplicitToken.Name, Token: strings.TrimSpace(tok)}, nil
	}
	cfg := oidc.Config{Env: oidc.Env(env), HTTP: client, ReadFile: os.ReadFile}
	// Google's client libraries honour GCE_METADATA_HOST; so do we.
	if host, ok := env("GCE_METADATA_HOST"); ok && host != "" {
		cfg.GCPMetadataURL = "http://" + host
	}
	providers := oidc.Providers(cfg)
	if f.provider != "" {
		p, ok := oidc.ByName(providers, f.provider)
		if !ok {
			return nil, usageErrorf("unknown --provider %q: use github, gitlab, google, buildkite or circleci", f.provider)
		}
		return p, nil
	}
	for _, p := range providers {
		if p.Available() {
			return p, nil
		}
	}
	return nil, nil
}

// tpSession is one Trusted Publishing exchange: the token source, and the
// claims of the last identity token for diagnostics (never the token).
type tpSession struct {
	provider oidc.Provider
	audience string
	source   *mint.TokenSource
	mu       sync.Mutex
	claims   oidc.Claims
}

func (s *tpSession) lastClaims() oidc.Claims {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.claims
}

// ghActions speaks GitHub Actions' workflow commands when running there.
type ghActions struct {
	enabled bool
	stderr  io.Writer
	summary string // $GITHUB_STEP_SUMMARY
}

func newGHActions(env lookupEnv, stderr io.Writer) ghActions {
	v, _ := env(oidc.VarGitHubActions.Name)
	s, _ := env("GITHUB_STEP_SUMMARY")
	return ghActions{enabled: v == "true", stderr: stderr, summary: s}
}

// mask hides a secret in every later log line. It goes to stderr, so that
// stdout can be redirected into $GITHUB_ENV or $GITHUB_OUTPUT safely.
func (g ghActions) mask(secret string) {
	if g.enabled && secret != "" {
		_, _ = fmt.Fprintf(g.stderr, "::add-mask::%s\n", secret)
	}
}

// startTrustedPublishing discovers the audience on the upload host, and
// mints the first upload token, so that a misconfiguration is reported
// before any upload starts.
func startTrustedPublishing(ctx context.Context, endpoint *url.URL, p oidc.Provider, client *http.Client, gha ghActions) (*tpSession, error) {
	mc := &mint.Client{HTTP: client, Base: &url.URL{Scheme: endpoint.Scheme, Host: endpoint.Host}}
	aud, err := mc.Audience(ctx)
	if err != nil {
		return nil, &tpError{stage: "discovering the audience", err: err, provider: p.Name(), host: endpoint.Host, web: webBase(endpoint)}
	}
	s := &tpSession{provider: p, audience: aud}
	s.source = &mint.TokenSource{
		Client:   mc,
		Audience: aud,
		IDToken: func(ctx context.Context, audience string) (string, error) {
			tok, err := oidc.Fetch(ctx, p, audience)
			if err != nil {
				return "", err
			}
			if c, err := oidc.ParseClaims(tok); err == nil {
				s.mu.Lock()
				s.claims = c
				s.mu.Unlock()
			}
			gha.mask(tok)
			return tok, nil
		},
		OnMint:         func(t mint.Token) { gha.mask(t.Value) },
		SingleIdentity: oidc.SingleUse(p),
		OnRefreshError: func(err error) {
			_, _ = fmt.Fprintf(gha.stderr, "warning: refreshing the upload token failed (%v); using the current one while it lasts\n", err)
		},
	}
	if _, err := s.source.Token(ctx); err != nil {
		return nil, &tpError{stage: "getting an upload token by Trusted Publishing", err: err, provider: p.Name(), host: endpoint.Host, web: webBase(endpoint), claims: s.lastClaims()}
	}
	_, _ = fmt.Fprintf(gha.stderr, "Trusted Publishing: exchanged the %s identity for an upload token at %s (valid until %s)\n",
		p.Name(), endpoint.Host, s.source.Current().Expires.Local().Format("15:04:05"))
	if s.lastClaims().ReusableWorkflow() {
		gha.warn(reusableWarning)
	}
	return s, nil
}

// tpError is a Trusted Publishing failure with what explain() needs to
// say which claim is wrong and how to fix it.
type tpError struct {
	stage    string
	err      error
	provider string
	host     string      // the upload host, e.g. upload.pypi.org
	web      string      // the index's web pages, e.g. https://pypi.org
	claims   oidc.Claims // of the last identity token; nil if none was obtained
	projects []string    // project names of the distributions, when known
}

func (e *tpError) Error() string { return e.stage + ": " + e.err.Error() }
func (e *tpError) Unwrap() error { return e.err }

// webBase is where the index's web pages live for an upload endpoint:
// PyPI's upload host maps to pypi.org; other indexes serve both.
func webBase(endpoint *url.URL) string {
	switch strings.ToLower(endpoint.Hostname()) {
	case "upload.pypi.org", "pypi.org":
		return "https://pypi.org"
	case "test.pypi.org":
		return "https://test.pypi.org"
	}
	return endpoint.Scheme + "://" + endpoint.Host
}

// publisherForms returns PyPI's trusted-publisher forms pre-filled from the
// claims: for an existing project, and for a new one (pending publisher).
func publisherForms(web string, claims oidc.Claims, project string) (existing, pending string) {
	q := url.Values{}
	switch claims.Kind() {
	case "github":
		repo, _ := claims.String("repository")
		owner, name, _ := strings.Cut(repo, "/")
		q.Set("provider", "github")
		q.Set("owner", owner)
		q.Set("repository", name)
		q.Set("workflow_filename", claims.WorkflowFilename())
		if env, ok := claims.String("environment"); ok {
			q.Set("environment", env)
		}
	case "gitlab":
		path, _ := claims.String("project_path")
		ns, name := path, ""
		if i := strings.LastIndex(path, "/"); i >= 0 {
			ns, name = path[:i], path[i+1:]
		}
		ref, _ := claims.String("ci_config_ref_uri")
		q.Set("provider", "gitlab")
		q.Set("namespace", ns)
		q.Set("project", name)
		q.Set("workflow_filepath", ciConfigFile(ref))
		if env, ok := claims.String("environment"); ok {
			q.Set("environment", env)
		}
	case "google":
		email, _ := claims.String("email")
		q.Set("provider", "google")
		q.Set("email", email)
	default:
		return web + "/manage/account/publishing/", web + "/manage/account/publishing/"
	}
	if project != "" {
		existing = web + "/manage/project/" + project + "/settings/publishing/?" + q.Encode()
		q.Set("project_name", project)
	}
	pending = web + "/manage/account/publishing/?" + q.Encode()
	return existing, pending
}

// explainTrustedPublishing renders a Trusted Publishing failure: what the
// index said, which claim is wrong, what the publisher must say, the claims
// it matched, and where to fix it.
func explainTrustedPublishing(e *tpError) (msg, hint string, code int) {
	var b strings.Builder
	msg = e.Error()
	code = exitFailure
	me, isMint := errors.AsType[*mint.Error](e.err)
	web := e.web
	project := ""
	if len(e.projects) > 0 {
		project = e.projects[0]
	}
	switch {
	case errors.Is(e.err, mint.ErrDisabled):
		b.WriteString(e.host + " has Trusted Publishing switched off; use an API token (--password / TWINE_PASSWORD) or try again later.\n")
	case errors.Is(e.err, mint.ErrNotSupported):
		b.WriteString(e.host + " does not support Trusted Publishing; use an API token (--password / TWINE_PASSWORD), or --trusted-publishing never.\n")
	case isMint && me.Has("invalid-publisher"):
		if claim := me.Claim(); claim != "" {
			v, ok := e.claims.String(claim)
			if !ok {
				v = "MISSING"
			}
			fmt.Fprintf(&b, "The claim %q of this run's identity token (%s) does not match the trusted publisher on %s.\n", claim, v, web)
			if advice, ok := claimAdvice[claim]; ok {
				b.WriteString(advice + "\n")
			}
		} else {
			fmt.Fprintf(&b, "No trusted publisher on %s matches this run's identity.\n", web)
		}
		b.WriteString(publisherShould(e.claims))
		existing, pending := publisherForms(web, e.claims, project)
		if existing != "" {
			fmt.Fprintf(&b, "Add or fix the publisher: %s\n", existing)
		}
		fmt.Fprintf(&b, "If the project does not exist yet, register a pending publisher: %s\n", pending)
	case isMint && me.Has("invalid-publisher") && strings.Contains(strings.Join(problemTexts(me), " "), "pull_request_target"):
		b.WriteString("PyPI refuses identity tokens of workflows triggered by pull_request_target. Publish from a push, release or workflow_dispatch event.\n")
	case isMint && me.Has("invalid-pending-publisher"):
		b.WriteString("A pending publisher matched, but its project already exists: register the publisher on the project's own publishing settings instead.\n")
	case isMint && me.Has("invalid-reuse-token"):
		b.WriteString("This identity token was already exchanged once; tokens are single-use. With --oidc-token-file or PYUPLOAD_OIDC_TOKEN, supply a fresh token for every run.\n")
	case isMint && me.Has("not-enabled"):
		b.WriteString("The index has Trusted Publishing for this CI switched off; use an API token meanwhile.\n")
	case isMint && me.Has("invalid-payload"):
		b.WriteString("The index could not read the identity token or does not accept its issuer. Trusted Publishing on PyPI works with GitHub Actions, GitLab.com (or an organisation's registered GitLab), Google Cloud and CircleCI identities; Buildkite tokens are not accepted there.\n")
	case isMint && me.Has("invalid-token"):
		b.WriteString("The index could not verify the identity token (signature, expiry or audience). Check the runner's clock, and that the token is fresh and for audience the index announced.\n")
	case isMint && me.Temporary():
		b.WriteString("The index failed; wait a few minutes and retry (https://status.python.org/).\n")
	}
	if gp, ok := errors.AsType[*oidc.GitHubPermissionError](e.err); ok {
		if gp.ForkPR {
			b.WriteString("Workflows run for pull requests from forks never get an OIDC token. Publish from a tag, release or workflow_dispatch event instead.\n")
		} else {
			b.WriteString("Give the job the permission to request an OIDC token:\n\n  permissions:\n    id-token: write\n\n(at job level; see https://docs.pypi.org/trusted-publishers/using-a-publisher/)\n")
		}
	}
	if errors.Is(e.err, mint.ErrIdentitySpent) {
		b.WriteString("This CI identity token can be exchanged only once (GitLab's id_tokens, or an explicit token), and the batch outlived the 15-minute upload token. Split the upload into several jobs, or fetch a fresh token per job.\n")
	}
	if gl, ok := errors.AsType[*oidc.GitLabTokenMissingError](e.err); ok {
		fmt.Fprintf(&b, "Declare the identity token in the job in .gitlab-ci.yml:\n\n  id_tokens:\n    %s:\n      aud: %s\n", gl.Variable, gl.Audience)
	}
	if ae, ok := errors.AsType[*oidc.AudienceError](e.err); ok {
		fmt.Fprintf(&b, "The identity token must be issued for audience %q (the index's); request it with that audience.\n", ae.Want)
	}
	if len(e.claims) > 0 {
		b.WriteString(renderClaims(e.claims))
		if e.claims.ReusableWorkflow() {
			b.WriteString(reusableWarning)
		}
	}
	b.WriteString("Troubleshooting: https://docs.pypi.org/trusted-publishers/troubleshooting/")
	return msg, b.String(), code
}

const reusableWarning = "Warning: workflow_ref and job_workflow_ref differ: this job runs in a reusable workflow, which PyPI's trusted publishers do not support (pypa/gh-action-pypi-publish#166). Call pyupload from the top-level workflow.\n"

func problemTexts(e *mint.Error) []string {
	var out []string
	for _, p := range e.Problems {
		out = append(out, p.Description)
	}
	return out
}

// environmentLine says which environment the publisher may name.
func environmentLine(c oidc.Claims) string {
	if env, ok := c.String("environment"); ok {
		return fmt.Sprintf("  environment:  %s (or none)\n", env)
	}
	return "  environment:  (none: this job has no environment)\n"
}

// ciConfigFile is the pipeline file of a GitLab ci_config_ref_uri
// ("gitlab.com/ns/proj//.gitlab-ci.yml@refs/tags/v1" → ".gitlab-ci.yml").
func ciConfigFile(ref string) string {
	if _, after, ok := strings.Cut(ref, "//"); ok {
		file, _, _ := strings.Cut(after, "@")
		return file
	}
	return ref
}

// publisherShould lists what the trusted publisher on the index must say
// for this token to match.
func publisherShould(c oidc.Claims) string {
	var b strings.Builder
	switch c.Kind() {
	case "github":
		repo, _ := c.String("repository")
		owner, name, _ := strings.Cut(repo, "/")
		b.WriteString("The publisher on the index must say:\n")
		fmt.Fprintf(&b, "  owner:        %s\n  repository:   %s\n  workflow:     %s\n", owner, name, c.WorkflowFilename())
		b.WriteString(environmentLine(c))
	case "gitlab":
		path, _ := c.String("project_path")
		ref, _ := c.String("ci_config_ref_uri")
		fmt.Fprintf(&b, "The publisher on the index must say:\n  project:      %s\n  CI file:      %s\n", path, ciConfigFile(ref))
		b.WriteString(environmentLine(c))
	case "circleci":
		org, _ := c.String("oidc.circleci.com/org-id")
		project, _ := c.String("oidc.circleci.com/project-id")
		pipeline, _ := c.String("oidc.circleci.com/pipeline-definition-id")
		fmt.Fprintf(&b, "The publisher on the index must say:\n  organization ID:         %s\n  project ID:              %s\n  pipeline definition ID:  %s\n", org, project, pipeline)
	case "google":
		email, _ := c.String("email")
		fmt.Fprintf(&b, "The publisher on the index must say:\n  email:        %s\n", email)
	}
	return b.String()
}

// renderClaims shows the claims the index matches, MISSING for absent
// ones. These are for comparison only: configure a publisher from what the
// project should publish from, not from a failing run.
func renderClaims(c oidc.Claims) string {
	var b strings.Builder
	b.WriteString("Claims the index matched (for comparison only):\n")
	for _, cl := range c.Matched() {
		fmt.Fprintf(&b, "  %-22s %s\n", cl.Name+":", cl.Value)
	}
	return b.String()
}

// warn prints a warning, as an annotation in GitHub Actions.
func (g ghActions) warn(msg string) {
	msg = strings.TrimSpace(msg)
	if g.enabled {
		_, _ = fmt.Fprintf(g.stderr, "::warning title=pyupload::%s\n", strings.NewReplacer("%", "%25", "\n", "%0A").Replace(msg))
		g.summarize("## pyupload warning\n\n" + msg + "\n")
		return
	}
	_, _ = fmt.Fprintln(g.stderr, msg)
}

// fail raises an error annotation (newlines encoded as %0A, the only way
// to get a multi-line annotation) and appends a section to the step
// summary.
func (g ghActions) fail(msg, hint string) {
	text := msg
	if hint != "" {
		text += "\n\n" + hint
	}
	enc := strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(text)
	_, _ = fmt.Fprintf(g.stderr, "::error title=pyupload failed::%s\n", enc)
	g.summarize(fmt.Sprintf("## pyupload failed\n\n```\n%s\n```\n", text))
}

// summarize appends markdown to the job's step summary, if there is one.
func (g ghActions) summarize(markdown string) {
	if g.summary == "" {
		return
	}
	f, err := os.OpenFile(g.summary, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return
	}
	_, _ = f.WriteString(markdown)
	_ = f.Close()
}

// claimAdvice says, per claim the index can name, what usually causes the
// mismatch and how to fix it.
var claimAdvice = map[string]string{
	"repository_owner_id": "The publisher stores the owner's numeric ID. It changes when the owning account or organisation was deleted and re-created, or the repository moved to another owner: delete the publisher and add it again.",
	"repository_owner":    "The repository's owner differs from the publisher's (renamed or transferred?): update the publisher.",
	"repository":          "This run is from another repository than the publisher's: update the publisher, or publish from the repository it names.",
	"sub":                 "This repository or organisation customises its OIDC subject claim; PyPI needs the default form repo:<owner>/<repo>:... Reset the customisation (GitHub API: PUT /repos/{owner}/{repo}/actions/oidc/customization/sub with use_default true).",
	"job_workflow_ref":    "The publisher names another workflow file than the one running this job. The workflow filename must match exactly (e.g. release.yml, not a reusable workflow it calls).",
	"environment":         "The publisher's environment must be the job's `environment:` (shown above; MISSING means the job has none). Change the job's environment, or the publisher's, so they agree.",
	"ref":                 "The token has no ref: it was not issued to a normal workflow run.",
	"sha":                 "The token has no sha: it was not issued to a normal workflow run.",
	"ci_config_ref_uri":   "The publisher's top-level pipeline file or project differs from this pipeline's (the file that defines the job, e.g. .gitlab-ci.yml): update the publisher.",
	"project_path":        "This pipeline runs in another GitLab project than the publisher's: update the publisher.",
	"email":               "The service account's email differs from the publisher's: update the publisher or run as that account.",
	"email_verified":      "The Google identity token must carry email_verified true.",
}
