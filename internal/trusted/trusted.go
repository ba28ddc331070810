// Package trusted is Trusted Publishing for one run: it picks where the CI
// identity comes from (an explicit token, a named provider, or the first
// CI detected, through pkg/oidc), asks the index for the audience, mints
// the first upload token before any upload starts (through pkg/mint), and
// then hands pkg/upload a credentials callback that re-mints before the
// token expires. Its failures are [*Error]s carrying what the hints need:
// the stage, the index, and the claims of the identity token (never the
// token).
//
// It prints nothing: secrets to mask and warnings go to callbacks the
// command wires to internal/ui.
package trusted

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/pyupload/pyupload/internal/envvars"
	"github.com/pyupload/pyupload/internal/publisher"
	"github.com/pyupload/pyupload/pkg/mint"
	"github.com/pyupload/pyupload/pkg/oidc"
)

// IdentityConfig says where identity tokens may come from.
type IdentityConfig struct {
	TokenFile string // --oidc-token-file: an explicit token in a file
	Provider  string // --provider: use this provider only
	Env       envvars.Lookup
	HTTP      *http.Client
	ReadFile  func(path string) ([]byte, error)
	// Timeout bounds each identity token request as a whole (oidc.Config);
	// 0: oidc's default.
	Timeout time.Duration
}

// Identity picks where identity tokens come from: an explicit token (a
// file, then PYUPLOAD_OIDC_TOKEN) first, then the named provider, then the
// first CI provider detected. Outside CI the error is [oidc.ErrNoProvider];
// an unknown name is an [*oidc.UnknownProviderError].
func Identity(cfg IdentityConfig) (oidc.Provider, error) {
	if cfg.TokenFile != "" {
		b, err := cfg.ReadFile(cfg.TokenFile)
		if err != nil {
			return nil, fmt.Errorf("reading the OIDC token file: %w", err)
		}
		return &oidc.Static{Source: cfg.TokenFile, Token: strings.TrimSpace(string(b))}, nil
	}
	if tok, ok := cfg.Env(oidc.VarExplicitToken.Name); ok && strings.TrimSpace(tok) != "" {
		return &oidc.Static{Source: oidc.VarExplicitToken.Name, Token: strings.TrimSpace(tok)}, nil
	}
	oc := oidc.Config{Env: oidc.Env(cfg.Env), HTTP: cfg.HTTP, ReadFile: cfg.ReadFile, Timeout: cfg.Timeout}
	// Google's client libraries honour GCE_METADATA_HOST; so do we.
	if host, ok := cfg.Env("GCE_METADATA_HOST"); ok && host != "" {
		oc.GCPMetadataURL = "http://" + host
	}
	return oidc.Select(oidc.Providers(oc), cfg.Provider)
}

// Error is a Trusted Publishing failure with what the hints need to say
// what went wrong and how to fix it: the claims of the last identity token
// and the projects being published (whether the token's repository is
// named after one decides whether a publisher form is pre-filled).
type Error struct {
	Stage    string // what was being done, e.g. "discovering the audience"
	Err      error
	Provider string      // the identity's provider, when known
	Host     string      // the upload host, e.g. upload.pypi.org
	Web      string      // the index's web pages, e.g. https://pypi.org
	Claims   oidc.Claims // of the last identity token; nil if none was obtained
	Projects []string    // project names of the distributions, when known
}

func (e *Error) Error() string { return e.Stage + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// NewError is an [*Error] for a stage at the endpoint's index.
func NewError(stage string, err error, provider string, endpoint *url.URL) *Error {
	return &Error{Stage: stage, Err: err, Provider: provider, Host: endpoint.Host, Web: publisher.WebBase(endpoint)}
}

// UploadError is an upload that failed while Trusted Publishing supplied
// its token: the upload's own error, unchanged (its message is that
// error's), with what the session knows. An index's refusal then needs
// other advice than an API token's: there is no token to fix, only the
// publisher.
type UploadError struct {
	Err      error
	Provider string      // the identity's provider
	Web      string      // the index's web pages, e.g. https://pypi.org
	Claims   oidc.Claims // of the last identity token
	Projects []string    // project names of the distributions
}

func (e *UploadError) Error() string { return e.Err.Error() }
func (e *UploadError) Unwrap() error { return e.Err }

// MintedVar names the variable `pyupload token --format env` writes beside
// the token: its [Fingerprint]. A later upload whose password has that
// fingerprint knows the token came from Trusted Publishing, which the
// token's text does not say (an index's tokens are opaque to clients).
const MintedVar = "PYUPLOAD_MINTED_TOKEN_SHA256"

// Fingerprint is the hex sha256 of a token: it identifies the token
// without revealing it.
func Fingerprint(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Config is what a session needs.
type Config struct {
	Endpoint *url.URL // the upload endpoint; its host serves the exchange
	Provider oidc.Provider
	HTTP     *http.Client // a client that retries (the exchange is idempotent)
	// Timeout bounds each call to the audience and exchange endpoints as
	// a whole (mint.Client); 0: mint's default.
	Timeout  time.Duration
	Projects []string // the projects being published, for hints
	// Secret is told every identity and upload token before it is used,
	// so that CI logs can mask it. Optional.
	Secret func(string)
	// RefreshFailed is told when a re-mint failed but the current token,
	// still valid, is used on. Optional.
	RefreshFailed func(error)
}

// Session is one run's Trusted Publishing exchange.
type Session struct {
	cfg      Config
	audience string
	source   *mint.TokenSource
	mu       sync.Mutex
	claims   oidc.Claims
}

// Audience asks the index for the audience identity tokens must carry,
// within timeout (0: mint's default).
func Audience(ctx context.Context, endpoint *url.URL, client *http.Client, timeout time.Duration, provider string) (string, error) {
	aud, err := mintClient(endpoint, client, timeout).Audience(ctx)
	if err != nil {
		return "", NewError("discovering the audience", err, provider, endpoint)
	}
	return aud, nil
}

// mintClient talks to the token exchange on the upload endpoint's host.
func mintClient(endpoint *url.URL, client *http.Client, timeout time.Duration) *mint.Client {
	return &mint.Client{HTTP: client, Base: &url.URL{Scheme: endpoint.Scheme, Host: endpoint.Host}, Timeout: timeout}
}

// Start discovers the audience and mints the first upload token, so that a
// misconfiguration is reported before any upload starts.
func Start(ctx context.Context, cfg Config) (*Session, error) {
	s := &Session{cfg: cfg}
	mc := mintClient(cfg.Endpoint, cfg.HTTP, cfg.Timeout)
	aud, err := mc.Audience(ctx)
	if err != nil {
		return nil, s.fail("discovering the audience", err)
	}
	s.audience = aud
	s.source = &mint.TokenSource{
		Client:         mc,
		Audience:       aud,
		IDToken:        s.identityToken,
		OnMint:         func(t mint.Token) { s.secret(t.Value) },
		SingleIdentity: oidc.SingleUse(cfg.Provider),
		OnRefreshError: cfg.RefreshFailed,
	}
	if _, err := s.source.Token(ctx); err != nil {
		return nil, s.fail("getting an upload token by Trusted Publishing", err)
	}
	return s, nil
}

// identityToken fetches a fresh identity token, keeping its claims for
// diagnostics.
func (s *Session) identityToken(ctx context.Context, audience string) (string, error) {
	tok, err := oidc.Fetch(ctx, s.cfg.Provider, audience)
	if err != nil {
		return "", err
	}
	if c, err := oidc.ParseClaims(tok); err == nil {
		s.mu.Lock()
		s.claims = c
		s.mu.Unlock()
	}
	s.secret(tok)
	return tok, nil
}

func (s *Session) secret(v string) {
	if s.cfg.Secret != nil && v != "" {
		s.cfg.Secret(v)
	}
}

func (s *Session) fail(stage string, err error) *Error {
	e := NewError(stage, err, s.cfg.Provider.Name(), s.cfg.Endpoint)
	e.Claims, e.Projects = s.Claims(), s.cfg.Projects
	return e
}

// UploadError wraps an error of the upload this session's tokens served
// in an [*UploadError]; nil stays nil.
func (s *Session) UploadError(err error) error {
	if err == nil {
		return nil
	}
	return &UploadError{Err: err, Provider: s.cfg.Provider.Name(), Web: publisher.WebBase(s.cfg.Endpoint), Claims: s.Claims(), Projects: s.cfg.Projects}
}

// Claims are those of the last identity token (nil before the first).
func (s *Session) Claims() oidc.Claims {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.claims
}

// Token is the current upload token.
func (s *Session) Token() mint.Token { return s.source.Current() }

// Expires is when the current upload token expires.
func (s *Session) Expires() time.Time { return s.source.Current().Expires }

// Credentials is the upload's credentials callback: __token__ and a valid
// upload token, re-minted when it runs low. A failed re-mint keeps the
// diagnostics of the session.
func (s *Session) Credentials(ctx context.Context) (username, password string, err error) {
	tok, err := s.source.Token(ctx)
	if err != nil {
		return "", "", s.fail("refreshing the upload token", err)
	}
	return "__token__", tok, nil
}
