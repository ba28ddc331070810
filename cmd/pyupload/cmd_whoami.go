package main

import (
	"context"

	"github.com/urfave/cli/v3"

	"github.com/pyupload/pyupload/internal/envvars"
	"github.com/pyupload/pyupload/internal/publisher"
	"github.com/pyupload/pyupload/internal/trusted"
	"github.com/pyupload/pyupload/internal/ui"
	"github.com/pyupload/pyupload/pkg/oidc"
)

// whoamiOptions are the options of `pyupload whoami`.
type whoamiOptions struct {
	index    indexOptions
	trusted  trustedOptions
	audience string // "" asks the index
}

func whoamiCommand(env envvars.Lookup, pr *ui.Printer) *cli.Command {
	return &cli.Command{
		Name:  "whoami",
		Usage: "show the CI identity Trusted Publishing would use and the claims the index will match, without minting",
		Flags: concat(indexFlags(env), trustedFlags(env), []cli.Flag{
			&cli.StringFlag{Name: "audience", Usage: "audience to request (default: ask the index)"},
			noColorFlag(),
		}),
		Action: func(ctx context.Context, cmd *cli.Command) error {
			return runWhoami(ctx, whoamiOptions{index: readIndexOptions(cmd), trusted: readTrustedOptions(cmd), audience: cmd.String("audience")}, env, pr)
		},
	}
}

func runWhoami(ctx context.Context, o whoamiOptions, env envvars.Lookup, pr *ui.Printer) error {
	target, net, p, err := identityAt(o.index, o.trusted, env, pr)
	if err != nil {
		return err
	}
	aud := o.audience
	if aud == "" {
		if aud, err = trusted.Audience(ctx, target.Endpoint, net.read, net.callLimit(), p.Name()); err != nil {
			return err
		}
	}
	tok, err := oidc.Fetch(ctx, p, aud)
	if err != nil {
		return trusted.NewError("getting an identity token", err, p.Name(), target.Endpoint)
	}
	pr.Mask(tok)
	claims, err := oidc.ParseClaims(tok)
	if err != nil {
		return err
	}
	if err := pr.Whoami(ui.Identity{Provider: p.Name(), Audience: aud, Host: target.Endpoint.Host, Web: publisher.WebBase(target.Endpoint), Claims: claims}); err != nil {
		return err
	}
	if target.Password != "" && !mintedEarlier(env, target.Password) {
		pr.WouldShadowIdentity(target.PasswordOrigin(), p.Name())
	}
	return nil
}
