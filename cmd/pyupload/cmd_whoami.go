package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/pyupload/pyupload/internal/envvars"
	"github.com/pyupload/pyupload/internal/publisher"
	"github.com/pyupload/pyupload/internal/trusted"
	"github.com/pyupload/pyupload/internal/ui"
	"github.com/pyupload/pyupload/pkg/oidc"
)

func whoamiCommand(env envvars.Lookup, pr *ui.Printer) *cli.Command {
	return &cli.Command{
		Name:  "whoami",
		Usage: "show the CI identity Trusted Publishing would use and the claims the index will match, without minting",
		Flags: concat(indexFlags(env), trustedFlags(env), []cli.Flag{
			&cli.StringFlag{Name: "audience", Usage: "audience to request (default: ask the index)"},
		}),
		Action: func(ctx context.Context, cmd *cli.Command) error {
			return runWhoami(ctx, cmd, env, pr)
		},
	}
}

func runWhoami(ctx context.Context, cmd *cli.Command, env envvars.Lookup, pr *ui.Printer) error {
	t := readTrustedOptions(cmd)
	target, net, err := indexForIdentity(cmd, env, pr)
	if err != nil {
		return err
	}
	p, err := requireIdentity(t, target, env, net)
	if err != nil {
		return err
	}
	aud := cmd.String("audience")
	if aud == "" {
		if aud, err = trusted.Audience(ctx, target.Endpoint, net.read, p.Name()); err != nil {
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
	return pr.Print(describeIdentity(p.Name(), aud, target.Endpoint.Host, publisher.WebBase(target.Endpoint), claims))
}

// describeIdentity is whoami's report: the identity, the claims the index
// will match, what the publisher must say, and the form to register it.
func describeIdentity(provider, audience, host, web string, claims oidc.Claims) string {
	var b strings.Builder
	iss, _ := claims.String("iss")
	fmt.Fprintf(&b, "provider:  %s\nissuer:    %s\naudience:  %s\nindex:     %s\n\n", provider, iss, audience, host)
	b.WriteString(ui.RenderClaims(claims, "Claims the index will match"))
	b.WriteString("\n" + ui.RenderRequirements(claims))
	if publisher.ReusableWorkflow(claims) {
		b.WriteString("\n" + ui.ReusableWarning)
	}
	_, pending := publisher.Forms(web, claims, "")
	fmt.Fprintf(&b, "\nRegister this publisher: %s\n", pending)
	return b.String()
}
