package ui

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/pyupload/pyupload/internal/publisher"
	"github.com/pyupload/pyupload/internal/trusted"
	"github.com/pyupload/pyupload/pkg/mint"
	"github.com/pyupload/pyupload/pkg/oidc"
)

// ShadowedIdentity notes that a password wins over this job's CI
// identity: a stale API token silently shadowing it ends in a puzzling
// 403. The password may also be a token minted from this identity by
// other means, so the note says what is known, not that it is wrong.
func (p *Printer) ShadowedIdentity(tokenOrigin, provider string) {
	p.Notef("using the token from %s rather than minting one from this job's %s identity (Trusted Publishing). If it is a long-lived API token, remove it, or pass --trusted-publishing always to use the identity.", tokenOrigin, provider)
}

// WouldShadowIdentity is whoami's form of [Printer.ShadowedIdentity]: an
// upload here would use the password, not the identity shown.
func (p *Printer) WouldShadowIdentity(tokenOrigin, provider string) {
	p.Notef("an upload here would use the token from %s rather than mint one from this %s identity. If it is a long-lived API token, remove it, or pass --trusted-publishing always to use the identity.", tokenOrigin, provider)
}

// TrustedPublishing says an upload token was minted, and warns about
// what the claims show.
func (p *Printer) TrustedPublishing(provider, host string, expires time.Time, claims oidc.Claims) {
	p.Infof("Trusted Publishing: exchanged the %s identity for an upload token at %s (valid until %s)", provider, host, expires.Local().Format("15:04:05"))
	if publisher.ReusableWorkflow(claims) {
		p.Warn(ReusableWarning)
	}
}

// RefreshFailed says a re-mint failed while the current token still
// serves.
func (p *Printer) RefreshFailed(err error) {
	p.Infof("warning: refreshing the upload token failed (%v); using the current one while it lasts", err)
}

// TokenFormats are the formats of [Printer.Token].
var TokenFormats = []string{"raw", "env", "json"}

// Token prints a minted upload token on stdout: raw, as NAME=value lines
// for $GITHUB_ENV (TWINE_USERNAME, TWINE_PASSWORD and the token's
// fingerprint, by which a later upload knows where the token came from;
// or name=token), or as JSON with its expiry. Whatever the index sent, it
// prints exactly these lines or fields: a token that is not one line of a
// PyPI token's characters ([mint.CheckToken]) or a name that is not a
// variable name is refused, and the token is masked in the CI log before
// it is printed.
func (p *Printer) Token(tok mint.Token, format, name, repositoryURL, provider string) error {
	if err := mint.CheckToken(tok.Value); err != nil {
		return err
	}
	if err := CheckEnvName(name); err != nil {
		return err
	}
	p.Mask(tok.Value)
	switch format {
	case "env":
		if name != "" {
			return p.Print(fmt.Sprintf("%s=%s\n", name, tok.Value))
		}
		return p.Print("TWINE_USERNAME=__token__\nTWINE_PASSWORD=" + tok.Value + "\n" + trusted.MintedVar + "=" + trusted.Fingerprint(tok.Value) + "\n")
	case "json":
		return p.JSON(map[string]any{
			"username":       "__token__",
			"token":          tok.Value,
			"expires":        tok.Expires.UTC().Format(time.RFC3339),
			"expires_unix":   tok.Expires.Unix(),
			"repository_url": repositoryURL,
			"provider":       provider,
		})
	}
	return p.Print(tok.Value + "\n")
}

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// CheckEnvName refuses a `pyupload token --name` that is not an
// environment variable's name ("" is none): it is printed before '=' on a
// line of $GITHUB_ENV, where '=', a newline or a heredoc marker would
// change what the line sets.
func CheckEnvName(name string) error {
	if name != "" && !envName.MatchString(name) {
		return Usagef("--name must be an environment variable name (letters, digits and '_', not starting with a digit)")
	}
	return nil
}

// Identity is what whoami shows.
type Identity struct {
	Provider, Audience string
	Host               string // the upload host
	Web                string // the index's web pages
	Claims             oidc.Claims
}

// Whoami prints the identity, the claims the index will match, what the
// publisher must say, and the form to register it.
func (p *Printer) Whoami(id Identity) error {
	var b strings.Builder
	iss, _ := id.Claims.String("iss")
	fmt.Fprintf(&b, "provider:  %s\nissuer:    %s\naudience:  %s\nindex:     %s\n\n", id.Provider, iss, id.Audience, id.Host)
	b.WriteString(RenderClaims(id.Claims, "Claims the index will match"))
	b.WriteString("\n" + RenderRequirements(id.Claims))
	if publisher.ReusableWorkflow(id.Claims) {
		b.WriteString("\n" + ReusableWarning)
	}
	_, pending := publisher.Forms(id.Web, id.Claims, "")
	// The form is filled from this run's claims: only a run one trusts
	// may be registered (a fork's run names the same repository).
	fmt.Fprintf(&b, "\nRegister this publisher, if this run comes from the repository your project is published from (check the owner: a fork's run claims the same repository name): %s\n", pending)
	return p.Print(b.String())
}
