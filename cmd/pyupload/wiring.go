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

	"github.com/pyupload/pyupload/internal/credentials"
	"github.com/pyupload/pyupload/internal/envvars"
	"github.com/pyupload/pyupload/internal/pypirc"
	"github.com/pyupload/pyupload/internal/transport"
	"github.com/pyupload/pyupload/internal/ui"
)

// resolve gathers every source of the endpoint and credentials (flags,
// variables, the config file) and lets credentials.Resolve decide.
func resolve(idx indexOptions, creds credentials.Fields, mode string, env envvars.Lookup) (*credentials.Resolved, error) {
	m, err := credentials.ParseMode(mode)
	if err != nil {
		return nil, err
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
	fh, err := os.Open(name)
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
// themselves, rebuilding the body) and one that retries idempotent calls
// (lookups, identity, token exchange).
type network struct {
	upload, read *http.Client
	logger       *slog.Logger // nil unless --verbose
}

func newNetwork(certFile string, verbose bool, pr *ui.Printer) (*network, error) {
	tlsConfig, err := loadCert(certFile)
	if err != nil {
		return nil, err
	}
	n := &network{}
	if verbose {
		n.logger = slog.New(slog.NewTextHandler(pr.Stderr(), &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	ua := "pyupload/" + versionString()
	n.upload = transport.NewClient(transport.Options{UserAgent: ua, Logger: n.logger, TLS: tlsConfig})
	n.read = transport.NewClient(transport.Options{UserAgent: ua, Logger: n.logger, TLS: tlsConfig, Retry: true})
	return n, nil
}

func loadCert(path string) (*tls.Config, error) {
	if path == "" {
		return nil, nil
	}
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading CA bundle: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("reading CA bundle %s: no PEM certificates found", path)
	}
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, nil
}
