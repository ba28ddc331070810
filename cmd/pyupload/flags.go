package main

import (
	"time"

	"github.com/urfave/cli/v3"

	"github.com/pyupload/pyupload/internal/envvars"
	"github.com/pyupload/pyupload/internal/transport"
	"github.com/pyupload/pyupload/internal/ui"
)

// Each flag group is defined once here and reused by every command that
// takes it, so a flag has one meaning and one help text everywhere.

// indexFlags say which index to talk to and how to reach it (upload,
// token, whoami). The repository's variables are read by
// credentials.Resolve, which must tell them from the flags.
func indexFlags(env envvars.Lookup) []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "repository-url", Usage: "upload endpoint (ends in /legacy/ on PyPI-compatible indexes); its host serves the token exchange; overrides --repository" + envNote("repository-url")},
		&cli.StringFlag{Name: "repository", Aliases: []string{"r"}, Usage: "pypi, testpypi, or a section of the config file (default: pypi)" + envNote("repository")},
		&cli.StringFlag{Name: "config-file", Usage: "the .pypirc to read repositories and credentials from (default ~/.pypirc)"},
		&cli.StringFlag{Name: "cert", Usage: "CA bundle (PEM) to verify the index with (default: the config section's ca_cert, then $REQUESTS_CA_BUNDLE, $CURL_CA_BUNDLE, then the system's roots)", Sources: fromEnv(env, "cert")},
		&cli.StringFlag{Name: "client-cert", Usage: "client certificate for the index: one PEM file with the certificate and its private key (default: the config section's client_cert)", Sources: fromEnv(env, "client-cert")},
		&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "log every request (credentials and tokens are never logged)"},
		&cli.IntFlag{Name: "timeout", Value: int(transport.DefaultTimeout / time.Second), Usage: "seconds without data moving either way after which an exchange with the index or the CI is given up on (and retried where that is safe); a call also ends after twice that, an upload attempt after twice that plus its size at 16 KiB/s", Sources: fromEnv(env, "timeout")},
	}
}

// credentialFlags are an API token's username and password (upload).
func credentialFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "username", Aliases: []string{"u"}, Usage: "username; __token__ (implied) for PyPI, TestPyPI and pypi- API tokens, needed for other indexes" + envNote("username")},
		&cli.StringFlag{Name: "password", Aliases: []string{"p"}, Usage: "API token (pypi-...) or password; prefer the environment variable over the flag" + envNote("password")},
	}
}

// trustedFlags select and configure Trusted Publishing (upload, token,
// whoami).
func trustedFlags(env envvars.Lookup) []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "trusted-publishing", Value: "auto", Usage: "auto: use the CI's identity when no password/token is given; always: require it; never", Sources: fromEnv(env, "trusted-publishing")},
		&cli.StringFlag{Name: "oidc-token-file", Usage: "read the OIDC identity token from this file (for CI platforms without built-in support)", Sources: fromEnv(env, "oidc-token-file")},
		&cli.StringFlag{Name: "provider", Usage: "use this identity provider only: github, gitlab, google, buildkite, circleci"},
	}
}

// reportFlags choose how strict the checks are and how results are shown
// (check, upload).
func reportFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "strict", Usage: "fail on warnings as well as errors (like twine check --strict); nothing is uploaded then"},
		&cli.BoolFlag{Name: "json", Usage: "print every file's outcome as JSON on stdout"},
	}
}

// transferFlags shape the upload itself.
func transferFlags() []cli.Flag {
	return []cli.Flag{
		&cli.IntFlag{Name: "jobs", Aliases: []string{"j"}, Value: 4, Usage: "files uploaded at once"},
		&cli.StringFlag{Name: "check-url", Usage: "where to look up existing files by hash: a simple index (e.g. https://pypi.org/simple/, devpi's .../+simple/) or a JSON API base; derived from the upload URL by default (--verbose shows what was tried)"},
		&cli.BoolFlag{Name: "skip-existing", Usage: "skip a file the index already has under its name: unverified when no read API can tell, with a warning when the index holds other bytes (identical files are always skipped, without this flag)"},
		&cli.StringFlag{Name: "comment", Aliases: []string{"c"}, Usage: "comment stored with each file"},
		&cli.BoolFlag{Name: "non-interactive", Usage: "never prompt for a missing username or password (prompts need a terminal, and never happen in CI)" + envNote("non-interactive")},
		&cli.BoolFlag{Name: "disable-progress-bar", Usage: "no progress output"},
	}
}

// provenanceFlags are PEP 740 attestations: signed by pyupload, or made
// elsewhere and sent (upload).
func provenanceFlags(env envvars.Lookup) []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "attestations", Usage: "PEP 740 provenance. Not given: under Trusted Publishing from GitHub, GitLab or Google, sign every dist with Sigstore and send the attestation. --attestations: as twine, also send the <dist>.*.attestation files beside each dist or among the arguments (a dist without one is signed, or stops the batch when signing is impossible). --attestations=false: neither sign nor send" + envNote("attestations"), Sources: fromEnv(env, "attestations")},
		sigstoreFlag(env), sigstoreUpdateFlag(env),
		&cli.StringFlag{Name: "attestations-dir", Usage: "also write each attestation pyupload signs as DIR/<dist>.publish.attestation" + envNote("attestations-dir"), Sources: fromEnv(env, "attestations-dir")},
		&cli.StringFlag{Name: "sigstore-trusted-root", Usage: "sign and verify with the Sigstore instance this TrustedRoot JSON describes (with --sigstore-signing-config) instead of Sigstore's public instance, whose root is in the binary" + envNote("sigstore-trusted-root"), Sources: fromEnv(env, "sigstore-trusted-root")},
		&cli.StringFlag{Name: "sigstore-signing-config", Usage: "the SigningConfig JSON (Fulcio and Rekor URLs) of the instance --sigstore-trusted-root describes" + envNote("sigstore-signing-config"), Sources: fromEnv(env, "sigstore-signing-config")},
	}
}

// sigstoreFlag chooses Sigstore's public instance or its staging one.
func sigstoreFlag(env envvars.Lookup) cli.Flag {
	return &cli.StringFlag{Name: "sigstore", Value: instanceProduction, Usage: "the Sigstore instance: production (the only one PyPI accepts) or staging (its trusted root and services come from its TUF repository)" + envNote("sigstore"), Sources: fromEnv(env, "sigstore")}
}

// sigstoreUpdateFlag refreshes the production trusted root.
func sigstoreUpdateFlag(env envvars.Lookup) cli.Flag {
	return &cli.BoolFlag{Name: "sigstore-update", Usage: "first update Sigstore's trusted root from its TUF repository, verified from the TUF root in the binary (when that fails, the trusted root in the binary is used, with a warning)" + envNote("sigstore-update"), Sources: fromEnv(env, "sigstore-update")}
}

// gpgFlags are twine's GPG signing options: accepted, so that a twine
// command line works, and ignored with a note (upload).
func gpgFlags() []cli.Flag {
	const ignored = ": accepted and ignored with a note (PyPI no longer accepts GPG signatures)"
	return []cli.Flag{
		&cli.BoolFlag{Name: "sign", Aliases: []string{"s"}, Usage: "twine's GPG signing" + ignored},
		&cli.StringFlag{Name: "sign-with", Usage: "twine's GPG program" + ignored},
		&cli.StringFlag{Name: "identity", Aliases: []string{"i"}, Usage: "twine's GPG identity" + ignored},
	}
}

// noColorFlag is twine's --no-color (every command). pyupload prints no
// colour, so there is nothing to turn off.
func noColorFlag() cli.Flag {
	return &cli.BoolFlag{Name: "no-color", Usage: "accepted for twine compatibility: pyupload never colours its output"}
}

// uploadFlags are every flag of `pyupload upload` and of plain
// `pyupload DIST...`.
func uploadFlags(env envvars.Lookup) []cli.Flag {
	return concat(indexFlags(env), credentialFlags(), trustedFlags(env), reportFlags(), transferFlags(), provenanceFlags(env), gpgFlags(), []cli.Flag{noColorFlag()})
}

// gpgGiven names the GPG flags given, for the note that they do nothing.
func gpgGiven(cmd *cli.Command) []string {
	var out []string
	for _, f := range gpgFlags() {
		if name := f.Names()[0]; cmd.IsSet(name) {
			out = append(out, "--"+name)
		}
	}
	return out
}

func concat(groups ...[]cli.Flag) []cli.Flag {
	var out []cli.Flag
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// indexOptions are the index flags' values.
type indexOptions struct {
	repositoryURL, repository, configFile, cert string
	clientCert                                  string
	verbose                                     bool
	timeout                                     time.Duration // --timeout; 0 when out of range
	emptyRepo                                   bool          // -r given with an empty name
}

func readIndexOptions(cmd *cli.Command) indexOptions {
	return indexOptions{
		repositoryURL: cmd.String("repository-url"),
		repository:    cmd.String("repository"),
		emptyRepo:     cmd.IsSet("repository") && cmd.String("repository") == "",
		configFile:    cmd.String("config-file"),
		cert:          cmd.String("cert"),
		clientCert:    cmd.String("client-cert"),
		verbose:       cmd.Bool("verbose"),
		timeout:       timeoutSeconds(cmd.Int("timeout")),
	}
}

// maxTimeout bounds --timeout, so that limits computed from it never
// overflow.
const maxTimeout = 1_000_000 // seconds: 11 days

// timeoutSeconds reads --timeout: 0 when out of range.
func timeoutSeconds(s int) time.Duration {
	if s < 1 || s > maxTimeout {
		return 0
	}
	return time.Duration(s) * time.Second
}

// validate refuses a timeout out of range.
func (o indexOptions) validate() error {
	if o.timeout <= 0 {
		return ui.Usagef("--timeout must be a number of seconds from 1 to %d", maxTimeout)
	}
	return nil
}

// trustedOptions are the Trusted Publishing flags' values.
type trustedOptions struct {
	mode, tokenFile, provider string
}

func readTrustedOptions(cmd *cli.Command) trustedOptions {
	return trustedOptions{mode: cmd.String("trusted-publishing"), tokenFile: cmd.String("oidc-token-file"), provider: cmd.String("provider")}
}
