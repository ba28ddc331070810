package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pyupload/pyupload/internal/attest"
	"github.com/pyupload/pyupload/internal/preflight"
	"github.com/pyupload/pyupload/internal/publisher"
	"github.com/pyupload/pyupload/internal/ui"
	"github.com/pyupload/pyupload/pkg/dist"
	"github.com/pyupload/pyupload/pkg/oidc"
	"github.com/pyupload/pyupload/pkg/sigstore"
)

// sigstoreAudience is the audience of the identity token Fulcio takes.
const sigstoreAudience = "sigstore"

// attestationsFor returns the attestations sent with each dist (path → the
// JSON array of the attestations field): the files found when
// --attestations asks for them, and those pyupload signs now, under
// Trusted Publishing, for every dist without one. Everything is signed
// and verified before the first upload, so a failure here publishes
// nothing.
func attestationsFor(ctx context.Context, o uploadOptions, report *preflight.Report, a *auth, net *network, pr *ui.Printer) (map[string]string, error) {
	dists := report.Dists()
	found := map[string]string{}
	if o.attest.sendsFiles() {
		var err error
		if found, err = preflight.FoundAttestations(dists, report.Attestations); err != nil {
			return nil, err
		}
	}
	plan := planSigning(o.attest.mode, a.provider != nil, providerName(a.provider), a.claims)
	roots := &runRoot{o: o.attest.sigstore, client: net.read, pr: pr}
	if err := verifyFound(ctx, found, dists, roots, a); err != nil {
		return nil, err
	}
	var unsigned []*dist.Dist
	for _, d := range dists {
		if _, ok := found[d.Path]; !ok {
			unsigned = append(unsigned, d)
		}
	}
	if len(unsigned) == 0 {
		return found, nil
	}
	if !plan.sign {
		if o.attest.sendsFiles() {
			// twine's meaning: every dist needs its attestation.
			if plan.skipped != "" {
				pr.Notef("not signing: %s", plan.skipped)
			}
			_, err := preflight.Attestations(unsigned, report.Attestations)
			return nil, err
		}
		if plan.skipped != "" {
			pr.Notef("no attestations: %s", plan.skipped)
		}
		return found, nil
	}
	signed, err := signBatch(ctx, o, a, unsigned, roots, net, pr)
	if err != nil || signed == nil {
		return found, err
	}
	for path, b := range signed {
		found[path] = "[" + string(b) + "]"
	}
	return found, nil
}

// verifyFound checks attestation files made elsewhere as the index will,
// when this run's identity is a publisher that may attest: one made for
// other bytes or by another workflow stops the batch before any upload,
// rather than after the files before it were published.
func verifyFound(ctx context.Context, found map[string]string, dists []*dist.Dist, roots *runRoot, a *auth) error {
	if len(found) == 0 || a.provider == nil || !attestingKinds[publisher.KindOf(a.claims)] {
		return nil
	}
	policy, err := publisherPolicy(a.claims)
	if err != nil {
		return err
	}
	root, err := roots.get(ctx)
	if err != nil {
		return err
	}
	for _, d := range dists {
		list, ok := found[d.Path]
		if !ok {
			continue
		}
		var objs []json.RawMessage
		if err := json.Unmarshal([]byte(list), &objs); err != nil {
			return &attest.Error{Stage: "reading the attestation files of " + d.Path, Given: true, Err: err}
		}
		for _, obj := range objs {
			if err := verifyMade(obj, filepath.Base(d.Path), d.SHA256, root, policy); err != nil {
				return &attest.Error{Stage: "checking the attestation files given", Given: true, Err: &attest.FileError{Path: d.Path, Stage: "verifying", Err: err}}
			}
		}
	}
	return nil
}

func providerName(p oidc.Provider) string {
	if p == nil {
		return ""
	}
	return p.Name()
}

// signBatch gets the Sigstore identity token, a certificate for a key of
// this run, and an attestation per dist. A GitLab job that declares no
// Sigstore token publishes without attestations, loudly, unless
// --attestations asked for them.
func signBatch(ctx context.Context, o uploadOptions, a *auth, dists []*dist.Dist, roots *runRoot, net *network, pr *ui.Printer) (map[string][]byte, error) {
	policy, err := publisherPolicy(a.claims)
	if err != nil {
		return nil, err
	}
	root, err := roots.get(ctx)
	if err != nil {
		return nil, err
	}
	inst, err := loadInstance(ctx, o.attest.sigstore, root, net.read)
	if err != nil {
		return nil, err
	}
	tok, err := oidc.Fetch(ctx, a.provider, sigstoreAudience)
	if gl, ok := errors.AsType[*oidc.GitLabTokenMissingError](err); ok && o.attest.mode == attestAuto {
		pr.Warn(ui.NoSigstoreToken(gl.Variable, gl.Audience))
		return nil, nil
	}
	if err != nil {
		return nil, &attest.Error{Stage: "getting the identity token for Sigstore (audience sigstore)", Err: err}
	}
	pr.Mask(tok)
	signer, err := sigstore.NewSigner(ctx, net.read, inst, tok, sigstore.WithTimeout(net.callLimit()))
	if err != nil {
		return nil, &attest.Error{Stage: "getting a signing certificate from Fulcio", Err: err}
	}
	cfg := attest.Config{
		Jobs: o.jobs, Dir: o.attest.dir, WriteFile: writeAttestation,
		Sign: func(ctx context.Context, name, sum string) ([]byte, error) {
			digest, err := digestOf(sum)
			if err != nil {
				return nil, err
			}
			att, err := signer.Attest(ctx, name, digest)
			if err != nil {
				return nil, err
			}
			return att.Marshal()
		},
		Verify: func(b []byte, name, sum string) error {
			return verifyMade(b, name, sum, inst.Root, policy)
		},
	}
	start := time.Now()
	signed, err := attest.Sign(ctx, cfg, dists)
	if err != nil {
		return nil, &attest.Error{Stage: "attesting the distributions", Err: err}
	}
	signedBy := "the certificate's identity"
	if id, err := sigstore.IdentityOf(signer.Certificate()); err == nil {
		signedBy = id.String()
	}
	pr.Attested(len(dists), signedBy, inst.Rekor.Host, time.Since(start), o.attest.dir)
	return signed, nil
}

// verifyMade checks a fresh attestation as the index will.
func verifyMade(b []byte, name, sum string, root *sigstore.TrustedRoot, policy sigstore.Policy) error {
	digest, err := digestOf(sum)
	if err != nil {
		return err
	}
	att, err := sigstore.ParseAttestation(b)
	if err != nil {
		return err
	}
	_, err = sigstore.Verify(att, root, name, digest, policy)
	return err
}

func digestOf(sum string) ([32]byte, error) {
	b, err := hex.DecodeString(sum)
	if err != nil || len(b) != 32 {
		return [32]byte{}, fmt.Errorf("not a sha256: %q", sum)
	}
	return [32]byte(b), nil
}

// writeAttestation writes one --attestations-dir file, readable by all
// (an attestation is public).
func writeAttestation(path string, data []byte) error {
	return os.WriteFile(path, data, 0o644) // #nosec G306 -- attestations are public
}

// publisherPolicy is the identity every attestation must carry: the
// trusted publisher that minted the upload token, as PyPI checks it.
func publisherPolicy(c oidc.Claims) (sigstore.Policy, error) {
	switch publisher.KindOf(c) {
	case publisher.GitHub:
		repo, _ := c.String("repository")
		// The workflow the index matched the publisher on (planSigning
		// signs no reusable workflow's run, so it is also workflow_ref's).
		file := publisher.WorkflowFilename(c)
		if repo == "" || file == "" {
			return nil, errors.New("the GitHub identity token has no repository or workflow_ref claim to attest for")
		}
		return sigstore.GitHub{Repository: repo, Workflow: file}, nil
	case publisher.GitLab:
		project, _ := c.String("project_path")
		cfg, _ := c.String("ci_config_ref_uri") // gitlab.com/ns/proj//.gitlab-ci.yml@ref
		file := ""
		if _, rest, ok := strings.Cut(cfg, "//"); ok {
			file, _, _ = strings.Cut(rest, "@")
		}
		if project == "" {
			return nil, errors.New("the GitLab identity token has no project_path claim to attest for")
		}
		return sigstore.GitLab{Project: project, CIFile: file}, nil
	case publisher.Google:
		email, _ := c.String("email")
		if email == "" {
			return nil, errors.New("the Google identity token has no email claim to attest for")
		}
		return sigstore.Google{Email: email}, nil
	}
	return nil, errors.New("this identity's publisher kind cannot attest")
}
