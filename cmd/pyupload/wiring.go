package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/pyupload/pyupload/internal/credentials"
	"github.com/pyupload/pyupload/internal/envvars"
	"github.com/pyupload/pyupload/internal/localfile"
	"github.com/pyupload/pyupload/internal/pypirc"
	"github.com/pyupload/pyupload/internal/transport"
	"github.com/pyupload/pyupload/internal/ui"
	"github.com/pyupload/pyupload/pkg/upload"
)

// resolve gathers every source of the endpoint and credentials (flags,
// variables, the config file) and lets credentials.Resolve decide.
func resolve(idx indexOptions, creds credentials.Fields, mode string, env envvars.Lookup) (*credentials.Resolved, error) {
	m, err := credentials.ParseMode(mode)
	if err != nil {
		return nil, err
	}
	if idx.emptyRepo {
		// -r "$REPO" with REPO unset: twine refuses it too, rather than
		// falling back to PyPI.
		return nil, ui.Usagef("-r/--repository was given an empty name")
	}
	repositoryURL, _ := flagEnv(env, "repository-url")
	repository, _ := flagEnv(env, "repository")
	username, _ := flagEnv(env, "username")
	password, passwordVar := flagEnv(env, "password")
	in := credentials.Input{
		Flags:       credentials.Fields{RepositoryURL: idx.repositoryURL, Repository: idx.repository, Username: creds.Username, Password: creds.Password},
		Env:         credentials.Fields{RepositoryURL: repositoryURL, Repository: repository, Username: username, Password: password},
		PasswordVar: passwordVar,
		ConfigName:  configFileName(idx.configFile, env),
		Mode:        m,
	}
	in.Config, in.ConfigErr = loadConfig(idx.configFile, in.ConfigName)
	return credentials.Resolve(in)
}

// configFileName is the .pypirc in use: --config-file, or ~/.pypirc ("" when
// there is no home).
func configFileName(explicit string, env envvars.Lookup) string {
	if explicit != "" {
		return explicit
	}
	if home, ok := env("HOME"); ok && home != "" {
		return filepath.Join(home, ".pypirc")
	}
	return ""
}

// loadConfig reads the config file. A missing default file is no config; a
// missing --config-file is an error (reported only if the config is
// needed).
func loadConfig(explicit, name string) (*pypirc.Config, error) {
	if name == "" {
		return nil, nil
	}
	fh, _, err := localfile.Open(name)
	if err != nil {
		if explicit == "" && errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("reading the config file: %w", err)
	}
	defer func() { _ = fh.Close() }()
	cfg, err := pypirc.Parse(fh)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return cfg, nil
}

// network is the run's HTTP clients: one for uploads (which retry
// themselves, rebuilding the body, and are bounded by pkg/upload with a
// limit by size) and one that retries idempotent calls and bounds every
// call (lookups, identity, token exchange).
type network struct {
	upload, read *http.Client
	logger       *slog.Logger  // nil unless --verbose
	timeout      time.Duration // --timeout: no data moved either way for this long ends an exchange
}

func newNetwork(files tlsFiles, idx indexOptions, jobs int, pr *ui.Printer) (*network, error) {
	roots, cert, err := files.load()
	if err != nil {
		return nil, err
	}
	n := &network{timeout: idx.timeout}
	if idx.verbose {
		// pr.Stderr neutralises each record as it neutralises messages
		// (CONTRIBUTING.md C21): values from the index are untrusted, and
		// slog leaves "##[" or "::" inside unquoted values.
		n.logger = slog.New(slog.NewTextHandler(pr.Stderr(), &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	o := transport.Options{UserAgent: "pyupload/" + versionString(), Logger: n.logger, RootCAs: roots, ClientCert: cert}
	// One pool for both clients: each upload worker keeps a connection,
	// and so do the lookups that run before the uploads.
	o.Pool = transport.NewPool(o, upload.IdleConnections(jobs))
	n.upload = transport.NewClient(o)
	o.Retry, o.Timeout, o.Limit = true, n.timeout, transport.CallLimit(n.timeout)
	n.read = transport.NewClient(o)
	return n, nil
}

// callLimit is the limit of one small call as a whole, its retries
// included.
func (n *network) callLimit() time.Duration { return transport.CallLimit(n.timeout) }

// tlsFiles are the files TLS uses: a CA bundle to verify the index with,
// and a client certificate (one PEM file with the certificate and its
// private key, as requests takes it). "" uses the system roots, and sends
// no certificate.
type tlsFiles struct{ caBundle, clientCert string }

// tlsFilesFor takes each file from the first source that names one: the
// flag (or its variables, PYUPLOAD_* then TWINE_*), then the config
// section of a repository name (ca_cert, client_cert), as twine does; a CA
// bundle then from REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE, as requests reads
// them (requests would let them win over --cert; here the more specific
// setting wins).
func tlsFilesFor(idx indexOptions, target *credentials.Resolved, env envvars.Lookup) tlsFiles {
	f := tlsFiles{caBundle: idx.cert, clientCert: idx.clientCert}
	if f.caBundle == "" {
		f.caBundle = target.CACert
	}
	if f.caBundle == "" {
		f.caBundle, _, _ = firstSet(env, "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
	}
	if f.clientCert == "" {
		f.clientCert = target.ClientCert
	}
	return f
}

// load reads the CA bundle (a PEM file, or a directory of them as requests
// allows) and the client certificate.
func (f tlsFiles) load() (*x509.CertPool, *tls.Certificate, error) {
	var roots *x509.CertPool
	if f.caBundle != "" {
		roots = x509.NewCertPool()
		files := []string{f.caBundle}
		if entries, err := os.ReadDir(f.caBundle); err == nil {
			files = files[:0]
			for _, e := range entries {
				if e.Type().IsRegular() {
					files = append(files, filepath.Join(f.caBundle, e.Name()))
				}
			}
		}
		found := false
		for _, name := range files {
			pem, err := localfile.ReadFile(name)
			if err != nil {
				return nil, nil, fmt.Errorf("reading CA bundle: %w", err)
			}
			found = roots.AppendCertsFromPEM(pem) || found
		}
		if !found {
			return nil, nil, fmt.Errorf("reading CA bundle %s: no PEM certificates found", f.caBundle)
		}
	}
	if f.clientCert == "" {
		return roots, nil, nil
	}
	pem, err := localfile.ReadFile(f.clientCert)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the client certificate: %w", err)
	}
	cert, err := tls.X509KeyPair(pem, pem)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the client certificate %s (one PEM file with the certificate and its unencrypted private key): %w", f.clientCert, err)
	}
	return roots, &cert, nil
}
