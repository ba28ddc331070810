package fakeindex_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	sgsign "github.com/sigstore/sigstore-go/pkg/sign"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/pyupload/pyupload/internal/fakeindex"
	"github.com/pyupload/pyupload/internal/fakesigstore"
)

// subject is one in-toto subject.
type subject struct{ name, sha256 string }

// attest signs a statement about subjects with sigstore-go's signer
// against the index's fake Sigstore, using an identity token with claims
// (audience sigstore), and returns PyPI's attestation object for it.
func attest(t *testing.T, ix *fakeindex.Index, srv *httptest.Server, claims map[string]any, predicateType string, subjects ...subject) map[string]any {
	t.Helper()
	var subs []any
	for _, s := range subjects {
		subs = append(subs, map[string]any{"name": s.name, "digest": map[string]string{"sha256": s.sha256}})
	}
	st, _ := json.Marshal(map[string]any{
		"_type": "https://in-toto.io/Statement/v1", "subject": subs, "predicateType": predicateType, "predicate": nil,
	})
	kp, err := sgsign.NewEphemeralKeypair(nil)
	if err != nil {
		t.Fatal(err)
	}
	token := sign(t, ix, with(claims, map[string]any{"aud": "sigstore", "jti": nil}))
	pb, err := sgsign.Bundle(&sgsign.DSSEData{Data: st, PayloadType: "application/vnd.in-toto+json"}, kp, sgsign.BundleOptions{
		CertificateProvider:        sgsign.NewFulcio(&sgsign.FulcioOptions{BaseURL: srv.URL + fakeindex.FulcioPath}),
		CertificateProviderOptions: &sgsign.CertificateProviderOptions{IDToken: token},
		TransparencyLogs:           []sgsign.Transparency{sgsign.NewRekor(&sgsign.RekorOptions{BaseURL: srv.URL + fakeindex.RekorPath, Version: 1})},
		Context:                    t.Context(),
	})
	if err != nil {
		t.Fatalf("sign.Bundle: %v", err)
	}
	tle, err := protojson.Marshal(pb.GetVerificationMaterial().GetTlogEntries()[0])
	if err != nil {
		t.Fatal(err)
	}
	b64 := base64.StdEncoding.EncodeToString
	return map[string]any{
		"version": 1,
		"verification_material": map[string]any{
			"certificate":          b64(pb.GetVerificationMaterial().GetCertificate().GetRawBytes()),
			"transparency_entries": []json.RawMessage{tle},
		},
		"envelope": map[string]any{
			"statement": b64(pb.GetDsseEnvelope().GetPayload()),
			"signature": b64(pb.GetDsseEnvelope().GetSignatures()[0].GetSig()),
		},
	}
}

func jsonText(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const (
	attPrefix = "Invalid attestations supplied during upload: "
	attVerify = attPrefix + "Could not verify the uploaded artifact using the included attestation: Verification failed: "
)

// TestAttestationRefusals uploads pyupload_mv24 with a minted GitHub
// token and attestations made by sigstore-go against the fake Sigstore,
// each wrong in one way, and checks PyPI's text.
func TestAttestationRefusals(t *testing.T) {
	t.Parallel()
	f24, content := distForm(t, mv24)
	sum := sha256Hex(content)
	good := subject{mv24Name, sum}
	publish := fakeindex.PredicatePublishV1
	tests := []struct {
		name    string
		opts    []fakeindex.Option
		field   func(ix *fakeindex.Index, srv *httptest.Server) string
		message string // the whole text, or a prefix when it ends in "…"
	}{
		{"not JSON", nil, func(*fakeindex.Index, *httptest.Server) string { return "{" }, attPrefix + "Malformed attestations: …"},
		{"not a list", nil, func(*fakeindex.Index, *httptest.Server) string { return `{"version": 1}` }, attPrefix + "Malformed attestations: …"},
		{"version 2", nil, func(*fakeindex.Index, *httptest.Server) string {
			return `[{"version": 2, "verification_material": {"certificate": "eA==", "transparency_entries": []}, "envelope": {"statement": "eA==", "signature": "eA=="}}]`
		}, attPrefix + "Malformed attestations: attestation 0: version 2 is not 1"},
		{"empty", nil, func(*fakeindex.Index, *httptest.Server) string { return "[]" }, attPrefix + "Malformed attestations: an empty attestation set is not permitted"},
		{"three", nil, func(ix *fakeindex.Index, srv *httptest.Server) string {
			a := attest(t, ix, srv, ghClaims(), publish, good)
			return jsonText(t, []any{a, a, a})
		}, attPrefix + "A maximum of 2 attestations per file are supported"},
		{"duplicate predicate type", nil, func(ix *fakeindex.Index, srv *httptest.Server) string {
			return jsonText(t, []any{attest(t, ix, srv, ghClaims(), publish, good), attest(t, ix, srv, ghClaims(), publish, good)})
		}, attPrefix + "Multiple attestations for the same file with the same predicate type (" + publish + ") are not supported"},
		{"unknown predicate type", nil, func(ix *fakeindex.Index, srv *httptest.Server) string {
			return jsonText(t, []any{attest(t, ix, srv, ghClaims(), "https://example.com/p/v1", good)})
		}, attPrefix + "Attestation with unsupported predicate type: https://example.com/p/v1"},
		{"wrong subject digest", nil, func(ix *fakeindex.Index, srv *httptest.Server) string {
			return jsonText(t, []any{attest(t, ix, srv, ghClaims(), publish, subject{mv24Name, strings.Repeat("0", 64)})})
		}, attVerify + "subject does not match distribution digest: " + strings.Repeat("0", 64) + " != " + sum},
		{"another file", nil, func(ix *fakeindex.Index, srv *httptest.Server) string {
			return jsonText(t, []any{attest(t, ix, srv, ghClaims(), publish, subject{"pyupload_mv24-2.5-py3-none-any.whl", sum})})
		}, attVerify + "subject does not match distribution name: pyupload_mv24-2.5-py3-none-any.whl != " + mv24Name},
		{"two subjects", nil, func(ix *fakeindex.Index, srv *httptest.Server) string {
			return jsonText(t, []any{attest(t, ix, srv, ghClaims(), publish, good, good)})
		}, attVerify + "too many subjects in statement (must be exactly one)"},
		{"another workflow", nil, func(ix *fakeindex.Index, srv *httptest.Server) string {
			c := with(ghClaims(), map[string]any{"workflow_ref": ghRepo + "/.github/workflows/other.yml@refs/tags/v1.4.0"})
			return jsonText(t, []any{attest(t, ix, srv, c, publish, good)})
		}, attVerify + "Certificate's Build Config URI (https://github.com/" + ghRepo + "/.github/workflows/other.yml@refs/tags/v1.4.0) does not match expected Trusted Publisher (release.yml @ " + ghRepo + ")"},
		{"another repository", nil, func(ix *fakeindex.Index, srv *httptest.Server) string {
			c := with(ghClaims(), map[string]any{"repository": "evil/pkg"})
			return jsonText(t, []any{attest(t, ix, srv, c, publish, good)})
		}, attVerify + "Certificate's Source Repository URI (https://github.com/evil/pkg) does not match expected Trusted Publisher (https://github.com/" + ghRepo + ")"},
		{"no source ref or digest", nil, func(ix *fakeindex.Index, srv *httptest.Server) string {
			c := with(ghClaims(), map[string]any{"ref": nil, "sha": nil})
			return jsonText(t, []any{attest(t, ix, srv, c, publish, good)})
		}, attVerify + "The certificate has neither a Source Repository Ref nor a Source Repository Digest"},
		{"another trust root", []fakeindex.Option{fakeindex.WithAttestationTrustedRoot(fakesigstore.New().TrustedRootJSON())}, func(ix *fakeindex.Index, srv *httptest.Server) string {
			return jsonText(t, []any{attest(t, ix, srv, ghClaims(), publish, good)})
		}, attVerify + "…"},
		{"tampered signature", nil, func(ix *fakeindex.Index, srv *httptest.Server) string {
			a := attest(t, ix, srv, ghClaims(), publish, good)
			env := a["envelope"].(map[string]any)
			sig, _ := base64.StdEncoding.DecodeString(env["signature"].(string))
			sig[12] ^= 1
			env["signature"] = base64.StdEncoding.EncodeToString(sig)
			return jsonText(t, []any{a})
		}, attVerify + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ix, srv, _ := oidcIndex(t, ghConfig(), tt.opts...)
			if err := ix.CreateProject("pyupload-mv24"); err != nil {
				t.Fatal(err)
			}
			field := tt.field(ix, srv)
			tok := mintOK(t, srv, sign(t, ix, ghClaims()))
			res := upload(t, srv, f24.set("attestations", field), withHeader("Authorization", basicAuth("__token__", tok)))
			msg := res.message(t)
			ok := msg == tt.message
			if prefix, cut := strings.CutSuffix(tt.message, "…"); cut {
				ok = strings.HasPrefix(msg, prefix) && len(msg) > len(prefix)
			}
			if res.status != 400 || !ok {
				t.Errorf("upload = %d %q, want 400 %q", res.status, msg, tt.message)
			}
			if n := len(ix.Files()); n != 0 {
				t.Errorf("%d files stored after a refusal", n)
			}
		})
	}
}

// TestAttestationsAccepted uploads with attestations from each publisher
// kind that may attest and reads them back from the integrity API.
func TestAttestationsAccepted(t *testing.T) {
	t.Parallel()
	f24, content := distForm(t, mv24)
	sum := sha256Hex(content)
	good := subject{mv24Name, sum}
	gitlab := fakeindex.Publisher{Kind: fakeindex.KindGitLab, ProjectPath: "example-group/example-pkg", CIConfigPath: ".gitlab-ci.yml", Environment: "pypi", Projects: []string{"pyupload-mv24"}}
	google := fakeindex.Publisher{Kind: fakeindex.KindGoogle, Email: "ci@p.iam.gserviceaccount.com", Projects: []string{"pyupload-mv24"}}
	tests := []struct {
		name       string
		cfg        fakeindex.OIDCConfig
		claims     map[string]any
		predicates []string
		publisher  string
	}{
		{"github", ghConfig(), ghClaims(), []string{fakeindex.PredicatePublishV1},
			`{"environment":null,"kind":"GitHub","repository":"` + ghRepo + `","workflow":"release.yml"}`},
		{"github, publish and SLSA", ghConfig(func(p *fakeindex.Publisher) { p.Environment = "release" }), with(ghClaims(), map[string]any{"environment": "release"}),
			[]string{fakeindex.PredicatePublishV1, fakeindex.PredicateSLSAV1},
			`{"environment":"release","kind":"GitHub","repository":"` + ghRepo + `","workflow":"release.yml"}`},
		{"gitlab", fakeindex.OIDCConfig{Publishers: []fakeindex.Publisher{gitlab}}, gitlabClaims(), []string{fakeindex.PredicatePublishV1},
			`{"environment":"pypi","kind":"GitLab","repository":"example-group/example-pkg","workflow_filepath":".gitlab-ci.yml"}`},
		{"google", fakeindex.OIDCConfig{Publishers: []fakeindex.Publisher{google}}, googleClaims(), []string{fakeindex.PredicatePublishV1},
			`{"email":"ci@p.iam.gserviceaccount.com","kind":"Google"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ix, srv, _ := oidcIndex(t, tt.cfg)
			if err := ix.CreateProject("pyupload-mv24"); err != nil {
				t.Fatal(err)
			}
			var atts []any
			for _, p := range tt.predicates {
				atts = append(atts, attest(t, ix, srv, tt.claims, p, good))
			}
			tok := mintOK(t, srv, sign(t, ix, tt.claims))
			res := upload(t, srv, f24.set("attestations", jsonText(t, atts)), withHeader("Authorization", basicAuth("__token__", tok)))
			if res.status != 200 {
				t.Fatalf("upload = %d %q, want 200", res.status, res.message(t))
			}
			status, body := getURL(t, srv.URL+"/integrity/PyUpload-MV24/2.4/"+mv24Name+"/provenance")
			want := `{"attestation_bundles":[{"attestations":` + jsonText(t, atts) + `,"publisher":` + tt.publisher + `}],"version":1}`
			if status != 200 || body != want {
				t.Errorf("provenance = %d %s\nwant 200 %s", status, body, want)
			}
			simple := simpleJSONDoc(t, srv.URL+"/simple/pyupload-mv24/")
			if want := srv.URL + "/integrity/pyupload-mv24/2.4/" + mv24Name + "/provenance"; !strings.Contains(simple, `"provenance":"`+want+`"`) {
				t.Errorf("the simple API does not link %s:\n%s", want, simple)
			}
			if got := string(ix.Provenance(mv24Name)); got != want {
				t.Errorf("Provenance() = %s, want %s", got, want)
			}
		})
	}
}

func getURL(t *testing.T, url string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestAttestationsNeedAnAttestingPublisher checks the refusals that come
// before any attestation is read.
func TestAttestationsNeedAnAttestingPublisher(t *testing.T) {
	t.Parallel()
	f24, _ := distForm(t, mv24)
	withField := f24.set("attestations", "[]")
	t.Run("API token", func(t *testing.T) {
		t.Parallel()
		_, srv := newIndex(t)
		res := upload(t, srv, withField)
		if want := attPrefix + "Attestations are only supported when using Trusted Publishing"; res.status != 400 || res.message(t) != want {
			t.Errorf("upload = %d %q, want 400 %q", res.status, res.message(t), want)
		}
	})
	t.Run("CircleCI", func(t *testing.T) {
		t.Parallel()
		circle := fakeindex.Publisher{Kind: fakeindex.KindCircleCI, OrgID: "o1", ProjectID: "p1", PipelineDefinitionID: "d1", Projects: []string{"pyupload-mv24"}}
		ix, srv, _ := oidcIndex(t, fakeindex.OIDCConfig{Publishers: []fakeindex.Publisher{circle}})
		if err := ix.CreateProject("pyupload-mv24"); err != nil {
			t.Fatal(err)
		}
		tok := mintOK(t, srv, sign(t, ix, circleClaims()))
		res := upload(t, srv, withField, withHeader("Authorization", basicAuth("__token__", tok)))
		if want := attPrefix + "Attestations are not currently supported with CircleCI publishers"; res.status != 400 || res.message(t) != want {
			t.Errorf("upload = %d %q, want 400 %q", res.status, res.message(t), want)
		}
	})
	t.Run("PEP 740 disabled", func(t *testing.T) {
		t.Parallel()
		ix, srv, _ := oidcIndex(t, ghConfig(), fakeindex.WithoutAttestationChecks())
		if err := ix.CreateProject("pyupload-mv24"); err != nil {
			t.Fatal(err)
		}
		tok := mintOK(t, srv, sign(t, ix, ghClaims()))
		if res := upload(t, srv, f24.set("attestations", "not even JSON"), withHeader("Authorization", basicAuth("__token__", tok))); res.status != 200 {
			t.Errorf("upload = %d %q, want 200", res.status, res.message(t))
		}
		if ix.Provenance(mv24Name) != nil {
			t.Error("provenance stored with the checks off")
		}
	})
	t.Run("no provenance", func(t *testing.T) {
		t.Parallel()
		_, srv := newIndex(t)
		if res := upload(t, srv, f24); res.status != 200 {
			t.Fatalf("upload = %d", res.status)
		}
		for url, want := range map[string]string{
			"/integrity/pyupload-mv24/2.4/" + mv24Name + "/provenance": `{"message":"No provenance available for ` + mv24Name + `"}`,
			"/integrity/pyupload-mv24/2.5/" + mv24Name + "/provenance": `{"message":"Release or file not found"}`,
			"/integrity/other/2.4/" + mv24Name + "/provenance":         `{"message":"Release or file not found"}`,
		} {
			if status, body := getURL(t, srv.URL+url); status != 404 || strings.TrimSpace(body) != want {
				t.Errorf("GET %s = %d %s, want 404 %s", url, status, body, want)
			}
		}
	})
}

// TestFulcioTrustsTheIndexTokens checks the index's Fulcio: its own
// tokens with audience sigstore only.
func TestFulcioTrustsTheIndexTokens(t *testing.T) {
	t.Parallel()
	ix, srv, _ := oidcIndex(t, ghConfig())
	for name, tc := range map[string]struct {
		claims map[string]any
		ok     bool
	}{
		"sigstore audience": {with(ghClaims(), map[string]any{"aud": "sigstore"}), true},
		"pypi audience":     {ghClaims(), false},
		"unknown issuer":    {with(ghClaims(), map[string]any{"aud": "sigstore", "iss": "https://example.com"}), false},
	} {
		kp, _ := sgsign.NewEphemeralKeypair(nil)
		f := sgsign.NewFulcio(&sgsign.FulcioOptions{BaseURL: srv.URL + fakeindex.FulcioPath})
		_, err := f.GetCertificate(t.Context(), kp, &sgsign.CertificateProviderOptions{IDToken: sign(t, ix, tc.claims)})
		if (err == nil) != tc.ok {
			t.Errorf("%s: GetCertificate() = %v, want success %v", name, err, tc.ok)
		}
	}
	status, body := getURL(t, srv.URL+fakeindex.SigningConfigPath)
	if status != 200 || !strings.Contains(body, srv.URL+fakeindex.RekorPath) {
		t.Errorf("GET %s = %d %s", fakeindex.SigningConfigPath, status, body)
	}
	if status, body := getURL(t, srv.URL+fakeindex.TrustedRootPath); status != 200 || body != string(ix.Sigstore().TrustedRootJSON()) {
		t.Errorf("GET %s = %d %s", fakeindex.TrustedRootPath, status, body)
	}
}

// simpleJSONDoc reads a PEP 691 page, compacted.
func simpleJSONDoc(t *testing.T, url string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/vnd.pypi.simple.v1+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var v any
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		t.Fatal(err)
	}
	return jsonText(t, v)
}
