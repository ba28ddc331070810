package main

import (
	"context"
	"slices"

	"github.com/urfave/cli/v3"

	"github.com/pyupload/pyupload/internal/credentials"
	"github.com/pyupload/pyupload/internal/envvars"
	"github.com/pyupload/pyupload/internal/trusted"
	"github.com/pyupload/pyupload/internal/ui"
	"github.com/pyupload/pyupload/pkg/oidc"
)

// tokenOptions are the options of `pyupload token`.
type tokenOptions struct {
	index   indexOptions
	trusted trustedOptions
	format  string
	name    string
	args    []string
}

func tokenCommand(env envvars.Lookup, pr *ui.Printer) *cli.Command {
	return &cli.Command{
		Name:  "token",
		Usage: "mint a short-lived upload token by Trusted Publishing and print it (for twine, uv or poetry)",
		Description: "Prints the token raw (default), as NAME=value lines for $GITHUB_ENV or $GITHUB_OUTPUT\n" +
			"(--format env: TWINE_USERNAME, TWINE_PASSWORD and PYUPLOAD_MINTED_TOKEN_SHA256, the token's\n" +
			"fingerprint by which a later pyupload upload knows where it came from; or --name NAME),\n" +
			"or as JSON with its expiry.\n" +
			"In GitHub Actions the token is masked (::add-mask:: on stderr) before it is printed.\n\n" +
			"  pyupload token --format env >> \"$GITHUB_ENV\"   # then: twine upload dist/*",
		Flags: concat(indexFlags(env), trustedFlags(env), []cli.Flag{
			&cli.StringFlag{Name: "format", Value: "raw", Usage: "raw, env or json"},
			&cli.StringFlag{Name: "name", Usage: "with --format env: print NAME=<token> only"},
			noColorFlag(),
		}),
		Action: func(ctx context.Context, cmd *cli.Command) error {
			return runToken(ctx, tokenOptions{
				index: readIndexOptions(cmd), trusted: readTrustedOptions(cmd),
				format: cmd.String("format"), name: cmd.String("name"), args: cmd.Args().Slice(),
			}, env, pr)
		},
	}
}

func runToken(ctx context.Context, o tokenOptions, env envvars.Lookup, pr *ui.Printer) error {
	if !slices.Contains(ui.TokenFormats, o.format) {
		return ui.Usagef("--format must be raw, env or json, not %q", o.format)
	}
	if len(o.args) > 0 {
		return ui.Usagef("token takes no arguments")
	}
	if err := ui.CheckEnvName(o.name); err != nil {
		return err
	}
	if o.trusted.mode == string(credentials.Never) {
		return ui.Usagef("token mints by Trusted Publishing; --trusted-publishing never leaves nothing to do")
	}
	target, net, p, err := identityAt(o.index, o.trusted, env, pr)
	if err != nil {
		return err
	}
	s, err := startSession(ctx, target, p, nil, net, pr)
	if err != nil {
		return err
	}
	return pr.Token(s.Token(), o.format, o.name, target.Endpoint.String(), p.Name())
}

// identityAt resolves the index for the commands that only need its
// Trusted Publishing endpoints (token, whoami), the clients to reach it,
// and the CI identity (none is an explained failure). Only the endpoint
// matters: a password set for other tools is not used, and not an error.
func identityAt(idx indexOptions, t trustedOptions, env envvars.Lookup, pr *ui.Printer) (*credentials.Resolved, *network, oidc.Provider, error) {
	if _, err := credentials.ParseMode(t.mode); err != nil {
		return nil, nil, nil, err
	}
	if err := idx.validate(); err != nil {
		return nil, nil, nil, err
	}
	target, err := resolve(idx, credentials.Fields{}, string(credentials.Auto), env)
	if err != nil {
		return nil, nil, nil, err
	}
	net, err := newNetwork(tlsFilesFor(idx, target, env), idx, 1, pr)
	if err != nil {
		return nil, nil, nil, err
	}
	p, err := trusted.Identity(identityConfig(t, env, net))
	if err != nil {
		return nil, nil, nil, trustedError(err, target)
	}
	return target, net, p, nil
}
