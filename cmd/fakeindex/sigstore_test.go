package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/sign"
)

// TestRunSigstore checks what the command tells a client about the fake
// Sigstore, and that sigstore-go signs with it through the command using
// an identity token from the fake GitHub endpoint.
func TestRunSigstore(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sigDir := filepath.Join(dir, "sigstore")
	const requestToken = "gha-request-token"
	cmd := startRun(t, "-storage", dir, "-sigstore-dir", sigDir,
		"-github-publisher", "example-org/example-pkg:release.yml", "-github-actions-request-token", requestToken)
	lines := map[string]string{}
	for range 8 {
		line, err := cmd.stdout.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		k, v, _ := strings.Cut(strings.TrimPrefix(strings.TrimSpace(line), "fakeindex "), " ")
		lines[k] = v
	}
	want := map[string]string{
		"github-actions-token-url":    cmd.base + "/_fake/github-actions/token?api-version=2.0",
		"upload-url":                  cmd.base + "/legacy/",
		"simple-url":                  cmd.base + "/simple/",
		"sigstore-fulcio-url":         cmd.base + "/_sigstore/fulcio",
		"sigstore-rekor-url":          cmd.base + "/_sigstore/rekor",
		"sigstore-trusted-root-url":   cmd.base + "/_sigstore/trusted_root.json",
		"sigstore-signing-config-url": cmd.base + "/_sigstore/signing_config.json",
		"sigstore-trusted-root":       filepath.Join(sigDir, "trusted_root.json"),
	}
	for k, v := range want {
		if lines[k] != v {
			t.Errorf("stdout line %s = %q, want %q", k, lines[k], v)
		}
	}
	trJSON, err := os.ReadFile(filepath.Join(sigDir, "trusted_root.json"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := root.NewTrustedRootFromJSON(trJSON); err != nil {
		t.Errorf("trusted_root.json: %v", err)
	}
	scJSON, err := os.ReadFile(filepath.Join(sigDir, "signing_config.json"))
	if err != nil {
		t.Fatal(err)
	}
	sc, err := root.NewSigningConfigFromJSON(scJSON)
	if err != nil {
		t.Fatalf("signing_config.json: %v", err)
	}

	u, _ := url.Parse(lines["github-actions-token-url"])
	q := u.Query()
	q.Set("audience", "sigstore")
	u.RawQuery = q.Encode()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, u.String(), nil)
	req.Header.Set("Authorization", "bearer "+requestToken)
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	var idTok struct{ Value string }
	if err := json.Unmarshal(body, &idTok); err != nil {
		t.Fatalf("GitHub token: %s", body)
	}
	kp, _ := sign.NewEphemeralKeypair(nil)
	_, err = sign.Bundle(&sign.DSSEData{Data: []byte(`{"_type":"https://in-toto.io/Statement/v1"}`), PayloadType: "application/vnd.in-toto+json"}, kp, sign.BundleOptions{
		CertificateProvider:        sign.NewFulcio(&sign.FulcioOptions{BaseURL: sc.FulcioCertificateAuthorityURLs()[0].URL}),
		CertificateProviderOptions: &sign.CertificateProviderOptions{IDToken: idTok.Value},
		TransparencyLogs:           []sign.Transparency{sign.NewRekor(&sign.RekorOptions{BaseURL: sc.RekorLogURLs()[0].URL, Version: 1})},
		Context:                    t.Context(),
	})
	if err != nil {
		t.Errorf("signing with the command's Sigstore: %v", err)
	}
	cmd.stop(t)
}
