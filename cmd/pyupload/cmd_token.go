package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/pyupload/pyupload/internal/credentials"
	"github.com/pyupload/pyupload/internal/envvars"
	"github.com/pyupload/pyupload/internal/trusted"
	"github.com/pyupload/pyupload/internal/ui"
	"github.com/pyupload/pyupload/pkg/oidc"
)

func tokenCommand(env envvars.Lookup, pr *ui.Printer) *cli.Command {
	return &cli.Command{
		Name:  "token",
		Usage: "mint a short-lived upload token by Trusted Publishing and print it (for twine, uv or poetry)",
		Description: "Prints the token raw (default), as NAME=value lines for $GITHUB_ENV or $GITHUB_OUTPUT\n" +
			"(--format env: TWINE_USERNAME and TWINE_PASSWORD, or --name NAME), or as JSON with its expiry.\n" +
			"In GitHub Actions the token is masked (::add-mask:: on stderr) before it is printed.\n\n" +
			"  pyupload token --format env >> \"$GITHUB_ENV\"   # then: twine upload dist/*",
		Flags: concat(indexFlags(env), trustedFlags(env), []cli.Flag{
			&cli.StringFlag{Name: "format", Value: "raw", Usage: "raw, env or json"},
			&cli.StringFlag{Name: "name", Usage: "with --format env: print NAME=<token> only"},
		}),
		Action: func(ctx context.Context, cmd *cli.Command) error {
			return runToken(ctx, cmd, env, pr)
		},
	}
}

func runToken(ctx context.Context, cmd *cli.Command, env envvars.Lookup, pr *ui.Printer) error {
	format := cmd.String("format")
	if format != "raw" && format != "env" && format != "json" {
		return ui.Usagef("--format must be raw, env or json, not %q", format)
	}
	if cmd.Args().Present() {
		return ui.Usagef("token takes no arguments")
	}
	t := readTrustedOptions(cmd)
	if t.mode == string(credentials.Never) {
		return ui.Usagef("token mints by Trusted Publishing; --trusted-publishing never leaves nothing to do")
	}
	target, net, err := indexForIdentity(cmd, env, pr)
	if err != nil {
		return err
	}
	p, err := requireIdentity(t, target, env, net)
	if err != nil {
		return err
	}
	s, err := startSession(ctx, target, p, nil, net, pr)
	if err != nil {
		return err
	}
	tok := s.Token()
	switch format {
	case "env":
		if name := cmd.String("name"); name != "" {
			return pr.Print(fmt.Sprintf("%s=%s\n", name, tok.Value))
		}
		return pr.Print("TWINE_USERNAME=__token__\nTWINE_PASSWORD=" + tok.Value + "\n")
	case "json":
		return pr.JSON(map[string]any{
			"username":       "__token__",
			"token":          tok.Value,
			"expires":        tok.Expires.UTC().Format(time.RFC3339),
			"expires_unix":   tok.Expires.Unix(),
			"repository_url": target.Endpoint.String(),
			"provider":       p.Name(),
		})
	}
	return pr.Print(tok.Value + "\n")
}

// indexForIdentity resolves the index for the commands that only need its
// Trusted Publishing endpoints (token, whoami), and the clients to reach
// it. Only the endpoint matters: a password set for other tools is not
// used, and not an error.
func indexForIdentity(cmd *cli.Command, env envvars.Lookup, pr *ui.Printer) (*credentials.Resolved, *network, error) {
	if _, err := credentials.ParseMode(cmd.String("trusted-publishing")); err != nil {
		return nil, nil, err
	}
	idx := readIndexOptions(cmd)
	target, err := resolve(idx, credentials.Fields{}, string(credentials.Auto), env)
	if err != nil {
		return nil, nil, err
	}
	net, err := newNetwork(idx.cert, idx.verbose, pr)
	return target, net, err
}

// requireIdentity finds the CI identity; none is an explained failure.
func requireIdentity(t trustedOptions, target *credentials.Resolved, env envvars.Lookup, net *network) (oidc.Provider, error) {
	p, err := trusted.Identity(trusted.IdentityConfig{TokenFile: t.tokenFile, Provider: t.provider, Env: env, HTTP: net.read, ReadFile: os.ReadFile})
	if err != nil {
		return nil, trustedError(err, target)
	}
	return p, nil
}
