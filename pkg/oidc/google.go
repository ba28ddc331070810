package oidc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/pyupload/pyupload/internal/transport"
)

// GoogleCloud gets tokens from the metadata server on Google
// infrastructure, or by impersonating GOOGLE_SERVICE_ACCOUNT_NAME through
// the IAM credentials API.
type GoogleCloud struct{ cfg Config }

// Name implements Provider.
func (g *GoogleCloud) Name() string { return "google" }

// dmiProductName tells Google Compute Engine machines apart.
const dmiProductName = "/sys/class/dmi/id/product_name"

// Available implements Provider: a service account to impersonate is
// named, or the machine says it is Google's.
func (g *GoogleCloud) Available() bool {
	if g.cfg.Env.set(VarGoogleSA) {
		return true
	}
	// GitLab.com's and other CIs' runners are often GCE machines with the
	// metadata server blocked: their own identity comes first there.
	if slices.ContainsFunc([]Var{VarGitHubActions, VarGitLabCI, VarBuildkite, VarCircleCI}, g.cfg.Env.set) {
		return false
	}
	b, err := g.cfg.ReadFile(dmiProductName)
	if err != nil {
		return false
	}
	name := strings.TrimSpace(string(b))
	return name == "Google" || name == "Google Compute Engine"
}

var metadataHeader = http.Header{"Metadata-Flavor": {"Google"}}

// IDToken implements Provider.
func (g *GoogleCloud) IDToken(ctx context.Context, audience string) (string, error) {
	host := g.cfg.GCPMetadataURL
	if u, err := url.Parse(host); err == nil && u.Host != "" {
		host = u.Host
	}
	ctx, cancel := transport.WithLimit(ctx, host, g.cfg.Timeout)
	defer cancel()
	base := strings.TrimSuffix(g.cfg.GCPMetadataURL, "/") + "/computeMetadata/v1/instance/service-accounts/default/"
	if sa := g.cfg.Env.get(VarGoogleSA.Name); sa != "" {
		return g.impersonate(ctx, base, sa, audience)
	}
	q := url.Values{"audience": {audience}, "format": {"full"}}
	body, err := httpGet(ctx, g.cfg.HTTP, base+"identity?"+q.Encode(), metadataHeader.Clone())
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(body)), nil
}

func (g *GoogleCloud) impersonate(ctx context.Context, base, account, audience string) (string, error) {
	q := url.Values{"scopes": {"https://www.googleapis.com/auth/cloud-platform"}}
	body, err := httpGet(ctx, g.cfg.HTTP, base+"token?"+q.Encode(), metadataHeader.Clone())
	if err != nil {
		return "", err
	}
	var access struct {
		AccessToken string `json:"access_token"`
	}
	if json.Unmarshal(body, &access) != nil || access.AccessToken == "" {
		return "", errors.New("access token missing from the metadata server's response")
	}
	reqBody, err := json.Marshal(map[string]any{"audience": audience, "includeEmail": true})
	if err != nil {
		return "", err
	}
	u := strings.TrimSuffix(g.cfg.GCPIAMURL, "/") + "/v1/projects/-/serviceAccounts/" + url.PathEscape(account) + ":generateIdToken"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(reqBody))
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+access.AccessToken)
	req.Header.Set("Content-Type", "application/json")
	body, err = do(g.cfg.HTTP, req)
	if err != nil {
		return "", err
	}
	var id struct {
		Token string `json:"token"`
	}
	if json.Unmarshal(body, &id) != nil || id.Token == "" {
		return "", errors.New("identity token missing from the IAM credentials response")
	}
	return id.Token, nil
}
