package sigstore_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pyupload/pyupload/pkg/sigstore"
)

func TestProduction(t *testing.T) {
	t.Parallel()
	inst, err := sigstore.Production()
	if err != nil {
		t.Fatal(err)
	}
	if inst.Fulcio.String() != "https://fulcio.sigstore.dev" || inst.Rekor.String() != "https://rekor.sigstore.dev" {
		t.Errorf("Production() = %s, %s", inst.Fulcio, inst.Rekor)
	}
	if len(inst.Root.CAs) < 2 || len(inst.Root.TLogs) < 1 || len(inst.Root.CTLogs) < 2 {
		t.Errorf("the production root has %d CAs, %d tlogs, %d ctlogs", len(inst.Root.CAs), len(inst.Root.TLogs), len(inst.Root.CTLogs))
	}
	// The shipped root is the pinned file of sigstore-go.
	shipped, err := os.ReadFile("trusted_root.json")
	if err != nil {
		t.Fatal(err)
	}
	upstream, err := os.ReadFile(filepath.Join(sigstoreGoDir(t), "examples", "trusted-root-public-good.json"))
	if err != nil {
		t.Fatal(err)
	}
	if string(shipped) != string(upstream) {
		t.Error("trusted_root.json differs from sigstore-go's; run scripts/sigstore-root.sh")
	}
}

func TestNewInstance(t *testing.T) {
	t.Parallel()
	root, err := sigstore.ProductionRoot()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name, config          string
		wantFulcio, wantRekor string
		wantErr               error
	}{
		{"v0.2 skips Rekor v2", `{"mediaType":"application/vnd.dev.sigstore.signingconfig.v0.2+json",
			"caUrls":[{"url":"https://fulcio.example","majorApiVersion":1,"validFor":{"start":"2022-01-01T00:00:00Z"}}],
			"rekorTlogUrls":[{"url":"https://log2.example","majorApiVersion":2,"validFor":{"start":"2025-01-01T00:00:00Z"}},
			{"url":"https://rekor.example","majorApiVersion":1,"validFor":{"start":"2021-01-01T00:00:00Z"}}]}`,
			"https://fulcio.example", "https://rekor.example", nil},
		{"v0.2 skips expired", `{"caUrls":[{"url":"https://old.example","majorApiVersion":1,"validFor":{"start":"2020-01-01T00:00:00Z","end":"2021-01-01T00:00:00Z"}},
			{"url":"https://fulcio.example","majorApiVersion":1,"validFor":{"start":"2022-01-01T00:00:00Z"}}],
			"rekorTlogUrls":[{"url":"https://rekor.example","majorApiVersion":1,"validFor":{"start":"2021-01-01T00:00:00Z"}}]}`,
			"https://fulcio.example", "https://rekor.example", nil},
		{"only Rekor v2", `{"caUrls":[{"url":"https://fulcio.example","majorApiVersion":1,"validFor":{"start":"2022-01-01T00:00:00Z"}}],
			"rekorTlogUrls":[{"url":"https://log2.example","majorApiVersion":2,"validFor":{"start":"2025-01-01T00:00:00Z"}}]}`,
			"", "", sigstore.ErrNoService},
		{"v0.1", `{"mediaType":"application/vnd.dev.sigstore.signingconfig+json;version=0.1","caUrl":"https://fulcio.example","tlogUrls":["https://rekor.example"]}`,
			"https://fulcio.example", "https://rekor.example", nil},
		{"bad URL", `{"caUrl":"ftp://x","tlogUrls":["https://rekor.example"]}`, "", "", sigstore.ErrMalformed},
		{"not JSON", `{`, "", "", sigstore.ErrMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := sigstore.ParseSigningConfig([]byte(tc.config))
			var inst *sigstore.Instance
			if err == nil {
				inst, err = sigstore.NewInstance(root, cfg, now)
			}
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("NewInstance = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if inst.Fulcio.String() != tc.wantFulcio || inst.Rekor.String() != tc.wantRekor {
				t.Errorf("NewInstance = %s, %s; want %s, %s", inst.Fulcio, inst.Rekor, tc.wantFulcio, tc.wantRekor)
			}
		})
	}
}

func TestSameDistribution(t *testing.T) {
	t.Parallel()
	cases := []struct {
		a, b string
		want bool
	}{
		{"foo-1.0-py3-none-any.whl", "foo-1.0-py3-none-any.whl", true},
		{"Foo_Bar-1.0-py3-none-any.whl", "foo_bar-1.0-py3-none-any.whl", true},
		{"foo-1.0-py2.py3-none-any.whl", "foo-1.0-py3.py2-none-any.whl", true},
		{"foo-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", "foo-1.0-cp312-cp312-manylinux2014_x86_64.manylinux_2_17_x86_64.whl", true},
		{"foo-1.0-py3-none-any.whl", "foo-1.0.0-py3-none-any.whl", true},
		{"foo-1.0-1-py3-none-any.whl", "foo-1.0-py3-none-any.whl", false},
		{"foo-1.0-py3-none-any.whl", "foo-1.1-py3-none-any.whl", false},
		{"foo-1.0-py3-none-any.whl", "bar-1.0-py3-none-any.whl", false},
		{"foo-1.0-py3-none-any.whl", "foo-1.0-py2-none-any.whl", false},
		{"foo-1.0.tar.gz", "foo-1.0.tar.gz", true},
		{"foo_bar-1.0.tar.gz", "foo-bar-1.0.tar.gz", true},
		{"foo-1.0.tar.gz", "foo-1.0.zip", false},
		{"foo-1.0.tar.gz", "foo-1.0-py3-none-any.whl", false},
		{"pkg:npm/x@1", "x-1.tar.gz", false},
	}
	for _, tc := range cases {
		if got := sigstore.SameDistribution(tc.a, tc.b); got != tc.want {
			t.Errorf("SameDistribution(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestParseAttestationStrict(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"unknown field": `{"version":1,"verification_material":{"certificate":"AA==","transparency_entries":[{}]},"envelope":{"statement":"AA==","signature":"AA=="},"extra":1}`,
		"version 2":     `{"version":2,"verification_material":{"certificate":"AA==","transparency_entries":[{}]},"envelope":{"statement":"AA==","signature":"AA=="}}`,
		"no entries":    `{"version":1,"verification_material":{"certificate":"AA==","transparency_entries":[]},"envelope":{"statement":"AA==","signature":"AA=="}}`,
		"trailing data": `{"version":1,"verification_material":{"certificate":"AA==","transparency_entries":[{}]},"envelope":{"statement":"AA==","signature":"AA=="}} {}`,
		"int64 number":  `{"version":1,"verification_material":{"certificate":"AA==","transparency_entries":[{"logIndex":5}]},"envelope":{"statement":"AA==","signature":"AA=="}}`,
	}
	for name, doc := range cases {
		if _, err := sigstore.ParseAttestation([]byte(doc)); !errors.Is(err, sigstore.ErrMalformed) {
			t.Errorf("ParseAttestation(%s) = %v, want ErrMalformed", name, err)
		}
	}
	if _, err := sigstore.ParseAttestation(make([]byte, sigstore.MaxAttestationSize+1)); !errors.Is(err, sigstore.ErrMalformed) {
		t.Errorf("ParseAttestation(too large) = %v", err)
	}
}

func TestParseProvenance(t *testing.T) {
	t.Parallel()
	att := `{"version":1,"verification_material":{"certificate":"AA==","transparency_entries":[{"logIndex":"1"}]},"envelope":{"statement":"AA==","signature":"AA=="}}`
	doc := `{"version":1,"attestation_bundles":[{"publisher":{"kind":"GitHub","repository":"o/r","workflow":"release.yml","environment":null,"claims":null},"attestations":[` + att + `]}]}`
	p, err := sigstore.ParseProvenance([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	b := p.AttestationBundles[0]
	if b.Publisher.Kind != "GitHub" || b.Publisher.Repository != "o/r" || b.Publisher.Workflow != "release.yml" || len(b.Attestations) != 1 {
		t.Errorf("ParseProvenance = %+v", p)
	}
	pol, err := b.Publisher.Policy()
	if err != nil || pol != (sigstore.GitHub{Repository: "o/r", Workflow: "release.yml"}) {
		t.Errorf("Policy() = %#v, %v", pol, err)
	}
	gl := sigstore.Publisher{Kind: "GitLab", Repository: "g/p", WorkflowFilepath: "ci/release.yml"}
	if pol, err := gl.Policy(); err != nil || pol != (sigstore.GitLab{Project: "g/p", CIFile: "ci/release.yml"}) {
		t.Errorf("GitLab Policy() = %#v, %v", pol, err)
	}
	if _, err := (&sigstore.Publisher{Kind: "ActiveState"}).Policy(); err == nil {
		t.Error("an ActiveState publisher got a policy")
	}
	if _, err := sigstore.ParseProvenance([]byte(`{"version":1,"attestation_bundles":[{"publisher":{},"attestations":[]}]}`)); !errors.Is(err, sigstore.ErrMalformed) {
		t.Errorf("ParseProvenance(no kind) = %v", err)
	}
}
