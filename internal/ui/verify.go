package ui

import (
	"errors"
	"fmt"
	"time"

	"github.com/pyupload/pyupload/internal/attest"
	"github.com/pyupload/pyupload/pkg/oidc"
)

// ErrVerifyFailed means a verdict was printed and some file failed its
// verification; there is nothing more to say.
var ErrVerifyFailed = errors.New("some attestations did not verify")

// Verdict is one attestation's outcome in `pyupload verify` (or a file's,
// when it has none to check).
type Verdict struct {
	File          string    `json:"file"`
	Attestation   string    `json:"attestation,omitempty"` // the local file it came from
	OK            bool      `json:"verified"`
	Problem       string    `json:"problem,omitempty"`
	Signer        string    `json:"signer,omitempty"`
	PredicateType string    `json:"predicate_type,omitempty"`
	LogIndex      int64     `json:"log_index,omitempty"`
	Logged        time.Time `json:"logged,omitzero"`
}

// Verdicts prints each verdict on stdout: a line per attestation, or
// JSON.
func (p *Printer) Verdicts(vs []Verdict, asJSON bool) error {
	if asJSON {
		if vs == nil {
			vs = []Verdict{}
		}
		return encodeJSON(p.out, vs)
	}
	w := safeWriter{p.out}
	for _, v := range vs {
		var err error
		if v.OK {
			_, err = fmt.Fprintf(w, "PASSED %s\n  signed by %s\n  logged in Rekor at index %d, %s\n", v.File, v.Signer, v.LogIndex, v.Logged.UTC().Format(time.RFC3339))
		} else {
			_, err = fmt.Fprintf(w, "FAILED %s\n  %s\n", v.File, clip(v.Problem))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// NoSigstoreToken is the warning of a GitLab job that publishes without
// attestations because it declares no identity token for Sigstore.
func NoSigstoreToken(variable, audience string) string {
	return fmt.Sprintf("publishing WITHOUT attestations: this GitLab job declares no identity token for Sigstore (%s is not set), so PyPI will show no provenance for this release. Declare it in the job in .gitlab-ci.yml:\n\n  id_tokens:\n    %s:\n      aud: %s\n\nor pass --attestations=false to publish without them and silence this warning.", variable, variable, audience)
}

// Attested says the batch's attestations were made and verified.
func (p *Printer) Attested(files int, signer, log string, took time.Duration, dir string) {
	p.Infof("Attestations: signed %s as %s, logged in %s, each verified (%.1fs)", plural(files, "file"), signer, log, took.Seconds())
	if dir != "" {
		p.Infof("Attestations: written to %s", dir)
	}
}

// attestHint says how to get past a failure to sign. Nothing was sent.
func attestHint(e *attest.Error) string {
	if gl, ok := errors.AsType[*oidc.GitLabTokenMissingError](e); ok {
		return fmt.Sprintf("nothing was uploaded: --attestations asks for provenance, and signing needs a second identity token. Declare it in the job in .gitlab-ci.yml:\n\n  id_tokens:\n    %s:\n      aud: %s\n", gl.Variable, gl.Audience)
	}
	if e.Given {
		return "nothing was uploaded: PyPI would refuse this attestation. An attestation must be made for these exact bytes, by the workflow that publishes them; remake it, or remove the file (and --attestations) to have pyupload sign"
	}
	if fe, ok := errors.AsType[*attest.FileError](e); ok && fe.Stage == "verifying" {
		return "nothing was uploaded: an attestation pyupload just made does not pass the checks the index will run; with --sigstore-trusted-root, check that the root is the one of the instance --sigstore-signing-config names"
	}
	return "nothing was uploaded: Sigstore's services (Fulcio, Rekor) may be unavailable (https://status.sigstore.dev); run the same command again, or pass --attestations=false to publish without provenance"
}
