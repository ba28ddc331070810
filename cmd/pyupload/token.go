package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/pyupload/pyupload/internal/transport"
	"github.com/pyupload/pyupload/pkg/mint"
	"github.com/pyupload/pyupload/pkg/oidc"
)

// indexFlags are the flags that say which index to talk to and how.
func indexFlagDefs(env lookupEnv) []cli.Flag {
	return append([]cli.Flag{
		&cli.StringFlag{Name: "repository-url", Usage: "upload endpoint; its host serves the token exchange", Sources: envVars(env, "PYUPLOAD_REPOSITORY_URL", "TWINE_REPOSITORY_URL")},
		&cli.StringFlag{Name: "repository", Aliases: []string{"r"}, Value: "pypi", Usage: "pypi, testpypi, or a section of the config file", Sources: envVars(env, "PYUPLOAD_REPOSITORY", "TWINE_REPOSITORY")},
		&cli.StringFlag{Name: "config-file", Usage: "the .pypirc to read repositories from (default ~/.pypirc)"},
		&cli.StringFlag{Name: "cert", Usage: "CA bundle (PEM) to verify the index with", Sources: envVars(env, "PYUPLOAD_CERT", "TWINE_CERT")},
		&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "log every request (tokens are never logged)"},
	}, tpFlagDefs(env)...)
}

// indexClient builds the endpoint and a retrying client from the flags.
func indexClient(cmd *cli.Command, env lookupEnv, stderr io.Writer) (*url.URL, *http.Client, error) {
	f := uploadFlags{repositoryURL: cmd.String("repository-url"), repository: cmd.String("repository"), configFile: cmd.String("config-file")}
	endpoint, err := f.endpoint(env)
	if err != nil {
		return nil, nil, err
	}
	tlsConfig, err := loadCert(cmd.String("cert"))
	if err != nil {
		return nil, nil, err
	}
	var logger *slog.Logger
	if cmd.Bool("verbose") {
		logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return endpoint, transport.NewClient(transport.Options{UserAgent: "pyupload/" + versionString(), Logger: logger, TLS: tlsConfig, Retry: true}), nil
}

func tokenCommand(env lookupEnv) *cli.Command {
	return &cli.Command{
		Name:  "token",
		Usage: "mint a short-lived upload token by Trusted Publishing and print it (for twine, uv or poetry)",
		Description: "Prints the token raw (default), as NAME=value lines for $GITHUB_ENV or $GITHUB_OUTPUT\n" +
			"(--format env: TWINE_USERNAME and TWINE_PASSWORD, or --name NAME), or as JSON with its expiry.\n" +
			"In GitHub Actions the token is masked (::add-mask:: on stderr) before it is printed.\n\n" +
			"  pyupload token --format env >> \"$GITHUB_ENV\"   # then: twine upload dist/*",
		Flags: append(indexFlagDefs(env),
			&cli.StringFlag{Name: "format", Value: "raw", Usage: "raw, env or json"},
			&cli.StringFlag{Name: "name", Usage: "with --format env: print NAME=<token> only"},
		),
		Action: func(ctx context.Context, cmd *cli.Command) error {
			return runToken(ctx, cmd, env, cmd.Root().Writer, cmd.Root().ErrWriter)
		},
	}
}

func runToken(ctx context.Context, cmd *cli.Command, env lookupEnv, stdout, stderr io.Writer) error {
	format := cmd.String("format")
	if format != "raw" && format != "env" && format != "json" {
		return usageErrorf("--format must be raw, env or json, not %q", format)
	}
	if cmd.Args().Present() {
		return usageErrorf("token takes no arguments")
	}
	tp := readTPFlags(cmd)
	if err := tp.validate(); err != nil {
		return err
	}
	if tp.mode == "never" {
		return usageErrorf("token mints by Trusted Publishing; --trusted-publishing never leaves nothing to do")
	}
	endpoint, client, err := indexClient(cmd, env, stderr)
	if err != nil {
		return err
	}
	p, err := requireIdentity(env, tp, client, endpoint)
	if err != nil {
		return err
	}
	s, err := startTrustedPublishing(ctx, endpoint, p, client, newGHActions(env, stderr))
	if err != nil {
		return err
	}
	t := s.source.Current()
	switch format {
	case "raw":
		_, err = fmt.Fprintln(stdout, t.Value)
	case "env":
		if name := cmd.String("name"); name != "" {
			_, err = fmt.Fprintf(stdout, "%s=%s\n", name, t.Value)
		} else {
			_, err = fmt.Fprintf(stdout, "TWINE_USERNAME=__token__\nTWINE_PASSWORD=%s\n", t.Value)
		}
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(map[string]any{
			"username":       "__token__",
			"token":          t.Value,
			"expires":        t.Expires.UTC().Format("2006-01-02T15:04:05Z"),
			"expires_unix":   t.Expires.Unix(),
			"repository_url": endpoint.String(),
			"provider":       p.Name(),
		})
	}
	return err
}

func whoamiCommand(env lookupEnv) *cli.Command {
	return &cli.Command{
		Name:  "whoami",
		Usage: "show the CI identity Trusted Publishing would use and the claims the index will match, without minting",
		Flags: append(indexFlagDefs(env),
			&cli.StringFlag{Name: "audience", Usage: "audience to request (default: ask the index)"},
		),
		Action: func(ctx context.Context, cmd *cli.Command) error {
			return runWhoami(ctx, cmd, env, cmd.Root().Writer, cmd.Root().ErrWriter)
		},
	}
}

func runWhoami(ctx context.Context, cmd *cli.Command, env lookupEnv, stdout, stderr io.Writer) error {
	tp := readTPFlags(cmd)
	endpoint, client, err := indexClient(cmd, env, stderr)
	if err != nil {
		return err
	}
	p, err := requireIdentity(env, tp, client, endpoint)
	if err != nil {
		return err
	}
	aud := cmd.String("audience")
	if aud == "" {
		mc := &mint.Client{HTTP: client, Base: &url.URL{Scheme: endpoint.Scheme, Host: endpoint.Host}}
		if aud, err = mc.Audience(ctx); err != nil {
			return &tpError{stage: "discovering the audience", err: err, provider: p.Name(), host: endpoint.Host, web: webBase(endpoint)}
		}
	}
	tok, err := oidc.Fetch(ctx, p, aud)
	if err != nil {
		return &tpError{stage: "getting an identity token", err: err, provider: p.Name(), host: endpoint.Host, web: webBase(endpoint)}
	}
	newGHActions(env, stderr).mask(tok)
	claims, err := oidc.ParseClaims(tok)
	if err != nil {
		return err
	}
	var b strings.Builder
	iss, _ := claims.String("iss")
	fmt.Fprintf(&b, "provider:  %s\nissuer:    %s\naudience:  %s\nindex:     %s\n\n", p.Name(), iss, aud, endpoint.Host)
	b.WriteString(strings.Replace(renderClaims(claims), "Claims the index matched (for comparison only)", "Claims the index will match", 1))
	b.WriteString("\n" + publisherShould(claims))
	if claims.ReusableWorkflow() {
		b.WriteString("\n" + reusableWarning)
	}
	_, pending := publisherForms(webBase(endpoint), claims, "")
	fmt.Fprintf(&b, "\nRegister this publisher: %s\n", pending)
	_, err = io.WriteString(stdout, b.String())
	return err
}
