package sigstore

import (
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"strings"
)

// Sigstore's certificate extensions (1.3.6.1.4.1.57264.1.*).
var (
	oidIssuerV1              = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 1}
	oidIssuerV2              = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 8}
	oidBuildSignerURI        = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 9}
	oidBuildSignerDigest     = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 10}
	oidRunnerEnvironment     = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 11}
	oidSourceRepositoryURI   = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 12}
	oidSourceRepositoryDig   = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 13}
	oidSourceRepositoryRef   = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 14}
	oidSourceRepositoryOwner = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 16}
	oidBuildConfigURI        = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 18}
	oidBuildConfigDigest     = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 19}
	oidBuildTrigger          = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 20}
	oidRunInvocationURI      = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 21}
)

// Identity is what a Fulcio certificate says about its signer.
type Identity struct {
	// SAN is the certificate's one subject alternative name: a URI (a CI
	// workflow) or an email (a service account).
	SAN                    string
	Issuer                 string // the OIDC issuer (extension .8, or .1)
	BuildSignerURI         string
	BuildSignerDigest      string
	RunnerEnvironment      string
	SourceRepositoryURI    string
	SourceRepositoryDigest string
	SourceRepositoryRef    string
	SourceRepositoryOwner  string
	BuildConfigURI         string
	BuildConfigDigest      string
	BuildTrigger           string
	RunInvocationURI       string
}

// String is a one-line description for printing.
func (id *Identity) String() string {
	if id.SourceRepositoryURI != "" {
		s := id.BuildConfigURI
		if s == "" {
			s = id.SAN
		}
		return s + " (issuer " + id.Issuer + ")"
	}
	return id.SAN + " (issuer " + id.Issuer + ")"
}

// IdentityOf reads the signer's identity from a Fulcio certificate.
func IdentityOf(cert *x509.Certificate) (*Identity, error) {
	id := &Identity{}
	switch {
	case len(cert.URIs) == 1 && len(cert.EmailAddresses) == 0:
		id.SAN = cert.URIs[0].String()
	case len(cert.EmailAddresses) == 1 && len(cert.URIs) == 0:
		id.SAN = cert.EmailAddresses[0]
	default:
		return nil, fmt.Errorf("%w: the certificate has %d URI and %d email names, want exactly one", ErrMalformed, len(cert.URIs), len(cert.EmailAddresses))
	}
	v2 := map[string]*string{
		oidIssuerV2.String(): &id.Issuer, oidBuildSignerURI.String(): &id.BuildSignerURI,
		oidBuildSignerDigest.String(): &id.BuildSignerDigest, oidRunnerEnvironment.String(): &id.RunnerEnvironment,
		oidSourceRepositoryURI.String(): &id.SourceRepositoryURI, oidSourceRepositoryDig.String(): &id.SourceRepositoryDigest,
		oidSourceRepositoryRef.String(): &id.SourceRepositoryRef, oidSourceRepositoryOwner.String(): &id.SourceRepositoryOwner,
		oidBuildConfigURI.String(): &id.BuildConfigURI, oidBuildConfigDigest.String(): &id.BuildConfigDigest,
		oidBuildTrigger.String(): &id.BuildTrigger, oidRunInvocationURI.String(): &id.RunInvocationURI,
	}
	var issuerV1 string
	for _, ext := range cert.Extensions {
		if ext.Id.Equal(oidIssuerV1) {
			issuerV1 = string(ext.Value)
			continue
		}
		dst, ok := v2[ext.Id.String()]
		if !ok {
			continue
		}
		var s string
		if rest, err := asn1.UnmarshalWithParams(ext.Value, &s, "utf8"); err != nil || len(rest) != 0 {
			return nil, fmt.Errorf("%w: certificate extension %s is not a UTF8String", ErrMalformed, ext.Id)
		}
		*dst = s
	}
	if id.Issuer == "" {
		id.Issuer = issuerV1
	}
	if id.Issuer == "" {
		return nil, fmt.Errorf("%w: the certificate names no OIDC issuer", ErrMalformed)
	}
	return id, nil
}

// Policy decides whether an [Identity] is the expected publisher. Check
// returns nil or an [*IdentityError].
type Policy interface {
	Check(id *Identity) error
}

// Issuers of the publishers that may attest on PyPI.
const (
	GitHubIssuer = "https://token.actions.githubusercontent.com"
	GitLabIssuer = "https://gitlab.com"
	GoogleIssuer = "https://accounts.google.com"
)

// GitHub is the policy of a GitHub Actions trusted publisher, as PyPI
// (pypi-attestations) checks it: the issuer, the source repository
// https://github.com/<Repository>, and a build config URI that is exactly
// https://github.com/<Repository>/.github/workflows/<Workflow>@<ref>, where
// <ref> is the certificate's own source repository ref or digest (so a
// workflow file named "release.yml@x.yml" is not release.yml). Owner and
// repository compare without regard to ASCII case, as GitHub's names do.
type GitHub struct {
	Repository string // "owner/repo"
	Workflow   string // "release.yml"; empty accepts any workflow of the repository
}

// Check implements [Policy].
func (p GitHub) Check(id *Identity) error {
	if id.Issuer != GitHubIssuer {
		return &IdentityError{Field: "issuer", Got: id.Issuer, Want: GitHubIssuer}
	}
	repoURI := "https://github.com/" + p.Repository
	if !asciiEqualFold(id.SourceRepositoryURI, repoURI) {
		return &IdentityError{Field: "source repository", Got: id.SourceRepositoryURI, Want: repoURI}
	}
	file, ok := buildConfigFile(id, repoURI+"/.github/workflows/")
	if !ok || strings.Contains(file, "/") {
		return &IdentityError{Field: "build config URI", Got: id.BuildConfigURI, Want: repoURI + "/.github/workflows/<workflow>@<the source ref or digest>"}
	}
	if p.Workflow != "" && file != p.Workflow {
		return &IdentityError{Field: "workflow", Got: file, Want: p.Workflow}
	}
	return nil
}

// buildConfigFile returns the file of a build config URI that is exactly
// prefix + file + "@" + (the certificate's source ref or digest).
func buildConfigFile(id *Identity, prefix string) (string, bool) {
	cfg := id.BuildConfigURI
	if len(cfg) < len(prefix) || !asciiEqualFold(cfg[:len(prefix)], prefix) {
		return "", false
	}
	rest := cfg[len(prefix):]
	for _, ref := range []string{id.SourceRepositoryRef, id.SourceRepositoryDigest} {
		if file, ok := strings.CutSuffix(rest, "@"+ref); ok && ref != "" && file != "" {
			return file, true
		}
	}
	return "", false
}

// asciiEqualFold is strings.EqualFold for ASCII letters only: no Unicode
// folding ("ſ" is not "s", the Kelvin sign is not "k").
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range len(a) {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// GitLab is the policy of a GitLab CI/CD trusted publisher on gitlab.com,
// as PyPI (pypi-attestations) checks it: the issuer, the source repository
// https://gitlab.com/<Project>, and a build config URI that is exactly
// https://gitlab.com/<Project>//<CIFile>@<ref>, <ref> being the
// certificate's own source repository ref or digest.
type GitLab struct {
	Project string // "namespace/project" (namespaces may nest)
	CIFile  string // ".gitlab-ci.yml"; empty accepts any
}

// Check implements [Policy].
func (p GitLab) Check(id *Identity) error {
	if id.Issuer != GitLabIssuer {
		return &IdentityError{Field: "issuer", Got: id.Issuer, Want: GitLabIssuer}
	}
	repoURI := GitLabIssuer + "/" + p.Project
	if !asciiEqualFold(id.SourceRepositoryURI, repoURI) {
		return &IdentityError{Field: "source repository", Got: id.SourceRepositoryURI, Want: repoURI}
	}
	file, ok := buildConfigFile(id, repoURI+"//")
	if !ok {
		return &IdentityError{Field: "build config URI", Got: id.BuildConfigURI, Want: repoURI + "//<ci file>@<the source ref or digest>"}
	}
	if p.CIFile != "" && file != p.CIFile {
		return &IdentityError{Field: "CI file", Got: file, Want: p.CIFile}
	}
	return nil
}

// Google is the policy of a Google Cloud trusted publisher: the service
// account's email as the certificate's SAN, and Google's issuer.
type Google struct {
	Email string
}

// Check implements [Policy].
func (p Google) Check(id *Identity) error {
	if id.Issuer != GoogleIssuer {
		return &IdentityError{Field: "issuer", Got: id.Issuer, Want: GoogleIssuer}
	}
	if id.SAN != p.Email {
		return &IdentityError{Field: "email", Got: id.SAN, Want: p.Email}
	}
	return nil
}
