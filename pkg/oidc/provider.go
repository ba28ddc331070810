package oidc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"time"

	"github.com/pyupload/pyupload/internal/transport"
)

// ErrNoProvider means no CI identity was found: pyupload is not running in
// a supported CI, and no token was given explicitly.
var ErrNoProvider = errors.New("oidc: no supported CI provider detected")

// Provider obtains identity tokens from one CI platform.
type Provider interface {
	// Name identifies the provider: "github", "gitlab", "google",
	// "buildkite", "circleci" or "explicit".
	Name() string
	// Available reports, from the environment alone, whether this
	// provider applies. It does no network I/O.
	Available() bool
	// IDToken fetches a fresh identity token for audience.
	IDToken(ctx context.Context, audience string) (string, error)
}

// Runner runs a command and returns its standard output; stderr goes in the
// error. Tests replace it; the default is [ExecRunner].
type Runner func(ctx context.Context, name string, args ...string) (stdout []byte, err error)

// ExecRunner runs a program found on PATH.
func ExecRunner(ctx context.Context, name string, args ...string) ([]byte, error) {
	path, err := exec.LookPath(name)
	if err != nil {
		return nil, fmt.Errorf("finding %s: %w", name, err)
	}
	cmd := exec.CommandContext(ctx, path, args...) // #nosec G204 -- fixed provider tools, arguments built here
	cmd.WaitDelay = 5 * time.Second                // a tool's children must not hold the pipes open forever
	// A token is a few KiB; a tool that writes more is broken, and must
	// not fill memory.
	stdout, stderr := &capped{max: 1 << 20}, &capped{max: 64 << 10}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	err = cmd.Run()
	if err == nil && stdout.over {
		err = fmt.Errorf("its output passed %d KiB", stdout.max>>10)
	}
	if err != nil {
		return stdout.b.Bytes(), &CommandError{Command: name, Stderr: strings.TrimSpace(stderr.b.String()), Err: err}
	}
	return stdout.b.Bytes(), nil
}

// capped keeps the first max bytes written to it and drops the rest, so a
// command's output is bounded; it never fails a write, so the command is
// not killed by a broken pipe.
type capped struct {
	b    bytes.Buffer
	max  int
	over bool
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.max - c.b.Len(); room < len(p) {
		c.over = true
		c.b.Write(p[:max(room, 0)])
		return len(p), nil
	}
	return c.b.Write(p)
}

// CommandError is a failed provider command (buildkite-agent, circleci).
type CommandError struct {
	Command string
	Stderr  string
	Err     error
}

func (e *CommandError) Error() string {
	if e.Stderr != "" {
		return fmt.Sprintf("%s failed: %v: %s", e.Command, e.Err, e.Stderr)
	}
	return fmt.Sprintf("%s failed: %v", e.Command, e.Err)
}

func (e *CommandError) Unwrap() error { return e.Err }

// Config is what providers need from the outside world. Zero fields get
// defaults: no environment, http.DefaultClient, ExecRunner, and a 30 s
// timeout per token request.
type Config struct {
	Env  Env
	HTTP *http.Client
	Run  Runner
	// Timeout bounds each token request as a whole (its retries, a
	// command's run): past it the request fails with a
	// *transport.TimeoutError naming the endpoint or the command.
	// cmd/pyupload sets twice --timeout.
	Timeout time.Duration
	// ReadFile reads local files (GitHub's event payload, GCE's DMI product
	// name).
	ReadFile func(path string) ([]byte, error)
	// GCPMetadataURL and GCPIAMURL override Google's endpoints (tests).
	GCPMetadataURL string
	GCPIAMURL      string
}

func (c Config) withDefaults() Config {
	if c.Env == nil {
		c.Env = func(string) (string, bool) { return "", false }
	}
	if c.HTTP == nil {
		c.HTTP = http.DefaultClient
	}
	if c.Run == nil {
		c.Run = ExecRunner
	}
	if c.Timeout <= 0 {
		c.Timeout = 30 * time.Second
	}
	if c.ReadFile == nil {
		c.ReadFile = func(string) ([]byte, error) { return nil, errors.New("oidc: no file access configured") }
	}
	if c.GCPMetadataURL == "" {
		c.GCPMetadataURL = "http://metadata.google.internal"
	}
	if c.GCPIAMURL == "" {
		c.GCPIAMURL = "https://iamcredentials.googleapis.com"
	}
	return c
}

// Providers returns the ambient providers in the order they are tried:
// GitHub Actions, Google Cloud, Buildkite, GitLab CI, CircleCI (the order
// of the `id` package, which twine and gh-action-pypi-publish use).
func Providers(cfg Config) []Provider {
	cfg = cfg.withDefaults()
	return []Provider{
		&GitHubActions{cfg: cfg},
		&GoogleCloud{cfg: cfg},
		&Buildkite{cfg: cfg},
		&GitLab{cfg: cfg},
		&CircleCI{cfg: cfg},
	}
}

// ProviderError wraps a failure of a provider that was detected: the CI is
// there but misconfigured. It is never downgraded to "no provider".
type ProviderError struct {
	Provider string
	Err      error
}

func (e *ProviderError) Error() string {
	return fmt.Sprintf("getting an identity token from %s: %v", e.Provider, e.Err)
}

func (e *ProviderError) Unwrap() error { return e.Err }

// AudienceError reports a token whose aud claim is not the audience asked
// for.
type AudienceError struct {
	Want, Got string
}

func (e *AudienceError) Error() string {
	if e.Got == "" {
		return fmt.Sprintf("oidc: the identity token has no single audience claim (want %q)", e.Want)
	}
	return fmt.Sprintf("oidc: the identity token is for audience %q, want %q", e.Got, e.Want)
}

// Select picks the provider identity tokens come from: the one called
// name when name is not empty (a [*UnknownProviderError] if there is no
// such provider), else the first available one in the order given. When
// none is available the error is [ErrNoProvider]. It does no I/O: the
// token is fetched later by [Fetch], once the audience is known.
func Select(providers []Provider, name string) (Provider, error) {
	for _, p := range providers {
		if name != "" && p.Name() == name || name == "" && p.Available() {
			return p, nil
		}
	}
	if name != "" {
		names := make([]string, len(providers))
		for i, p := range providers {
			names[i] = p.Name()
		}
		return nil, &UnknownProviderError{Name: name, Known: names}
	}
	return nil, ErrNoProvider
}

// UnknownProviderError is a provider name that none of the providers has.
type UnknownProviderError struct {
	Name  string
	Known []string
}

func (e *UnknownProviderError) Error() string {
	return fmt.Sprintf("oidc: unknown provider %q: use %s", e.Name, strings.Join(e.Known, ", "))
}

// Fetch gets a token from p and checks its audience.
func Fetch(ctx context.Context, p Provider, audience string) (string, error) {
	tok, err := p.IDToken(ctx, audience)
	if err != nil {
		return "", &ProviderError{Provider: p.Name(), Err: err}
	}
	tok = strings.TrimSpace(tok)
	claims, err := ParseClaims(tok)
	if err != nil {
		return "", &ProviderError{Provider: p.Name(), Err: err}
	}
	if aud, _ := claims.Audience(); aud != audience {
		return "", &ProviderError{Provider: p.Name(), Err: &AudienceError{Want: audience, Got: aud}}
	}
	return tok, nil
}

// SingleUse reports providers whose identity token cannot be renewed: every
// call returns the same token (GitLab's id_tokens variable, an explicit
// token). PyPI exchanges a token once, so such a provider mints once.
func SingleUse(p Provider) bool {
	switch p.(type) {
	case *GitLab, *Static:
		return true
	}
	return false
}

// Static is an explicitly given token (--oidc-token-file,
// PYUPLOAD_OIDC_TOKEN), for platforms without a provider here. It is
// always available and returns the same token every time, so it can be
// minted only once.
type Static struct {
	Source string // where it came from, for messages
	Token  string
}

// Name implements Provider.
func (s *Static) Name() string { return "explicit" }

// Available implements Provider.
func (s *Static) Available() bool { return s.Token != "" }

// IDToken implements Provider; the audience is checked by Fetch.
func (s *Static) IDToken(context.Context, string) (string, error) { return s.Token, nil }

// httpGet performs one GET with headers and returns the body of a 200.
func httpGet(ctx context.Context, client *http.Client, url string, header http.Header) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header = header
	return do(client, req)
}

func do(client *http.Client, req *http.Request) ([]byte, error) {
	resp, err := client.Do(req)
	if err != nil {
		return nil, timedOut(err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, timedOut(err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, &HTTPError{StatusCode: resp.StatusCode, Body: snippet(body)}
	}
	return body, nil
}

// timedOut names a timeout ("the token request timed out: no data from
// … for 120 s"); other errors pass unchanged.
func timedOut(err error) error {
	if te, ok := errors.AsType[*transport.TimeoutError](err); ok {
		return fmt.Errorf("the token request timed out: %w", te)
	}
	return err
}

// HTTPError is a provider endpoint's failure answer.
type HTTPError struct {
	StatusCode int
	Body       string // the start of the body; token endpoints never echo secrets
}

func (e *HTTPError) Error() string {
	if e.Body == "" {
		return fmt.Sprintf("token request failed with HTTP %d", e.StatusCode)
	}
	return fmt.Sprintf("token request failed with HTTP %d: %s", e.StatusCode, e.Body)
}

func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	return s
}
