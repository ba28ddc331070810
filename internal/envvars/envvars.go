// Package envvars is the one registry of the environment variables
// pyupload reads: each one's name, meaning, the flag it feeds (if any), and
// whether it holds a secret. cmd/pyupload binds flags to variables from
// here, docs/usage.md's table is checked against it, and [Guard] makes the
// registry binding: a variable it does not list reads as unset, and tests
// fail on any such read.
//
// It sits beside the pipeline: only cmd/pyupload reads the environment,
// through the lookup main passes down, wrapped by [Guard].
package envvars

import (
	"strings"

	"github.com/pyupload/pyupload/pkg/oidc"
)

// Var is one environment variable pyupload reads.
type Var struct {
	// Name is the variable's name. A name starting with "<" is a family
	// matched by the suffix after ">" (GitLab's "<AUD>_ID_TOKEN").
	Name    string
	Meaning string
	// Flag is the command-line flag this variable is the default of, or "".
	// Several variables may feed one flag; the first set one wins, in the
	// order of [All].
	Flag      string
	Sensitive bool // holds a secret: never printed
}

// own lists the variables cmd/pyupload reads itself, in precedence order
// for each flag: pyupload's own name before twine's, so a job can override
// a TWINE_* variable set for other tools.
var own = []Var{
	{Name: "PYUPLOAD_REPOSITORY_URL", Flag: "repository-url", Meaning: "the index's upload URL"},
	{Name: "TWINE_REPOSITORY_URL", Flag: "repository-url", Meaning: "the index's upload URL (twine's name)"},
	{Name: "PYUPLOAD_REPOSITORY", Flag: "repository", Meaning: "pypi, testpypi, or a section of the config file"},
	{Name: "TWINE_REPOSITORY", Flag: "repository", Meaning: "pypi, testpypi, or a section of the config file (twine's name)"},
	{Name: "PYUPLOAD_USERNAME", Flag: "username", Meaning: "the username; __token__ for API tokens"},
	{Name: "TWINE_USERNAME", Flag: "username", Meaning: "the username (twine's name)"},
	{Name: "PYUPLOAD_PASSWORD", Flag: "password", Meaning: "the password or API token", Sensitive: true},
	{Name: "TWINE_PASSWORD", Flag: "password", Meaning: "the password or API token (twine's name)", Sensitive: true},
	{Name: "PYUPLOAD_CERT", Flag: "cert", Meaning: "CA bundle (PEM) to verify the index with"},
	{Name: "TWINE_CERT", Flag: "cert", Meaning: "CA bundle (PEM) to verify the index with (twine's name)"},
	{Name: "PYUPLOAD_CLIENT_CERT", Flag: "client-cert", Meaning: "client certificate for the index: one PEM file with the certificate and its private key"},
	{Name: "TWINE_CLIENT_CERT", Flag: "client-cert", Meaning: "client certificate for the index (twine's name)"},
	{Name: "REQUESTS_CA_BUNDLE", Meaning: "CA bundle (PEM file or directory) when --cert, its variables and the config section's ca_cert name none, as requests reads it"},
	{Name: "CURL_CA_BUNDLE", Meaning: "CA bundle when REQUESTS_CA_BUNDLE is unset too, as requests reads it"},
	{Name: "SSL_CERT_FILE", Meaning: "the system roots' CA file, used when no CA bundle is named; read by Go's TLS stack itself"},
	{Name: "SSL_CERT_DIR", Meaning: "the system roots' CA directories (colon-separated), used when no CA bundle is named; read by Go's TLS stack itself"},
	{Name: "PYUPLOAD_NON_INTERACTIVE", Flag: "non-interactive", Meaning: "never prompt for a missing username or password (any value but 0, false or no)"},
	{Name: "TWINE_NON_INTERACTIVE", Flag: "non-interactive", Meaning: "never prompt for a missing username or password (twine's name)"},
	{Name: "PYUPLOAD_TRUSTED_PUBLISHING", Flag: "trusted-publishing", Meaning: "auto, always or never"},
	{Name: "PYUPLOAD_OIDC_TOKEN_FILE", Flag: "oidc-token-file", Meaning: "a file holding an OIDC identity token"},
	{Name: "PYUPLOAD_TIMEOUT", Flag: "timeout", Meaning: "seconds without data moving either way after which an exchange with the index or the CI is given up on (default 120)"},
	{Name: "PYUPLOAD_ATTESTATIONS", Flag: "attestations", Meaning: "true: send the attestation files found and sign the rest; false: neither sign nor send (unset: sign under Trusted Publishing)"},
	{Name: "PYUPLOAD_ATTESTATIONS_DIR", Flag: "attestations-dir", Meaning: "also write each attestation pyupload signs in this directory"},
	{Name: "PYUPLOAD_SIGSTORE", Flag: "sigstore", Meaning: "the Sigstore instance: production (default) or staging"},
	{Name: "PYUPLOAD_SIGSTORE_UPDATE", Flag: "sigstore-update", Meaning: "update Sigstore's trusted root from its TUF repository first (true/false)"},
	{Name: "PYUPLOAD_SIGSTORE_TRUSTED_ROOT", Flag: "sigstore-trusted-root", Meaning: "the TrustedRoot JSON of the Sigstore instance to sign and verify with (default: the public instance, whose root is in the binary)"},
	{Name: "PYUPLOAD_SIGSTORE_SIGNING_CONFIG", Flag: "sigstore-signing-config", Meaning: "the SigningConfig JSON (Fulcio and Rekor URLs) of that instance"},
	{Name: "PYUPLOAD_MINTED_TOKEN_SHA256", Meaning: "written by pyupload token --format env beside the token: its sha256, by which a later upload knows the token came from Trusted Publishing"},
	{Name: "HOME", Meaning: "where the default ~/.pypirc is"},
	{Name: "CI", Meaning: "set by CI systems: never prompt, and do not ask the system keyring"},
	{Name: "DBUS_SESSION_BUS_ADDRESS", Meaning: "the desktop session's D-Bus, where the system keyring (Secret Service) is asked on Linux and the BSDs; unset: no keyring is asked"},
	{Name: "PYTHON_KEYRING_BACKEND", Meaning: "keyring.backends.null.Keyring (or fail.Keyring) turns the system keyring off, as for twine"},
	{Name: "GITHUB_STEP_SUMMARY", Meaning: "GitHub Actions' step summary file, where failures and warnings are appended"},
	{Name: "GCE_METADATA_HOST", Meaning: "Google Cloud's metadata server host (as Google's client libraries honour it)"},
}

// All lists every variable pyupload reads: its own, then those the CI
// providers of pkg/oidc read.
var All = append(append([]Var(nil), own...), providerVars()...)

// providerVars are pkg/oidc's variables, which it declares itself.
func providerVars() []Var {
	out := make([]Var, len(oidc.Vars))
	for i, v := range oidc.Vars {
		out[i] = Var{Name: v.Name, Meaning: v.Description, Sensitive: v.Sensitive}
	}
	return out
}

// Find returns the registry entry that covers name.
func Find(name string) (Var, bool) {
	for _, v := range All {
		if v.Name == name {
			return v, true
		}
		if strings.HasPrefix(v.Name, "<") {
			if _, suffix, ok := strings.Cut(v.Name, ">"); ok && strings.HasSuffix(name, suffix) && len(name) > len(suffix) {
				return v, true
			}
		}
	}
	return Var{}, false
}

// ForFlag returns the variables that feed a flag, in precedence order.
func ForFlag(flag string) []string {
	var out []string
	for _, v := range All {
		if v.Flag == flag {
			out = append(out, v.Name)
		}
	}
	return out
}

// Lookup reads one environment variable.
type Lookup func(name string) (string, bool)

// Guard returns a lookup that reads only the variables the registry lists.
// Any other name reads as unset and is reported to unlisted (tests fail
// there; nil ignores it), so no code can come to depend on a variable the
// registry and docs/usage.md do not document.
func Guard(lookup Lookup, unlisted func(name string)) Lookup {
	return func(name string) (string, bool) {
		if _, ok := Find(name); !ok {
			if unlisted != nil {
				unlisted(name)
			}
			return "", false
		}
		return lookup(name)
	}
}
