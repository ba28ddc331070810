package main

import (
	"github.com/urfave/cli/v3"

	"github.com/pyupload/pyupload/internal/publisher"
	"github.com/pyupload/pyupload/pkg/oidc"
)

// attestMode is --attestations, a tri-state: twine's flag means "send the
// attestation files made elsewhere"; pyupload also signs, by default,
// whenever the index can accept what it signs.
type attestMode int

const (
	// attestAuto (flag unset): sign under Trusted Publishing from a
	// publisher kind PyPI accepts attestations from; nothing otherwise.
	attestAuto attestMode = iota
	// attestSend (--attestations): send the <dist>.*.attestation files
	// found, as twine does, and sign the dists that have none when
	// signing is possible; a dist left with neither stops the batch.
	attestSend
	// attestOff (--attestations=false): neither sign nor send.
	attestOff
)

// attestOptions are the provenance flags of `pyupload upload`.
type attestOptions struct {
	mode attestMode
	// dir: also write each signed attestation there as
	// <dist>.publish.attestation.
	dir string
	// sigstore selects the Sigstore instance that signs.
	sigstore sigstoreOptions
}

// sigstoreOptions choose a Sigstore instance: production (the trusted root
// shipped in the binary), or one described by Sigstore's own TrustedRoot
// and SigningConfig JSON files (a private deployment, staging, a test).
type sigstoreOptions struct {
	instance                   string // production or staging
	update                     bool   // refresh production's root by TUF
	trustedRoot, signingConfig string
}

func readAttestOptions(cmd *cli.Command) attestOptions {
	mode := attestAuto
	if cmd.IsSet("attestations") {
		mode = attestOff
		if cmd.Bool("attestations") {
			mode = attestSend
		}
	}
	return attestOptions{mode: mode, dir: cmd.String("attestations-dir"), sigstore: readSigstoreOptions(cmd)}
}

func readSigstoreOptions(cmd *cli.Command) sigstoreOptions {
	return sigstoreOptions{
		instance: cmd.String("sigstore"), update: cmd.Bool("sigstore-update"),
		trustedRoot: cmd.String("sigstore-trusted-root"), signingConfig: cmd.String("sigstore-signing-config"),
	}
}

// sendsFiles reports whether attestation files made elsewhere go with the
// dists.
func (o attestOptions) sendsFiles() bool { return o.mode == attestSend }

// signPlan is what the run does about signing, decided once the upload's
// credentials are known.
type signPlan struct {
	sign bool
	// skipped says why an upload that could have carried provenance does
	// not (empty when signing, or when nothing could be signed anyway).
	skipped string
}

// attestingKinds are the publisher kinds whose attestations PyPI verifies
// (Warehouse's code: GitHub, GitLab on gitlab.com, Google).
var attestingKinds = map[publisher.Kind]bool{publisher.GitHub: true, publisher.GitLab: true, publisher.Google: true}

// planSigning decides whether to sign: only under Trusted Publishing (PyPI
// refuses attestations otherwise), from a provider that can give a second
// identity token for Sigstore, of a kind PyPI accepts attestations from.
func planSigning(mode attestMode, trustedSession bool, provider string, claims oidc.Claims) signPlan {
	switch {
	case mode == attestOff:
		return signPlan{}
	case !trustedSession:
		return signPlan{} // PyPI takes attestations only with Trusted Publishing
	}
	kind := publisher.KindOf(claims)
	if !attestingKinds[kind] {
		return signPlan{skipped: "PyPI accepts attestations only from GitHub, GitLab and Google trusted publishers, not " + kindName(kind)}
	}
	if kind == publisher.GitHub && publisher.ReusableWorkflow(claims) {
		// Fulcio names the calling workflow (workflow_ref) in the
		// certificate; PyPI matched the publisher on the called one
		// (job_workflow_ref), and refuses the mismatch.
		return signPlan{skipped: "this job runs in a reusable workflow, and PyPI refuses attestations whose certificate names the calling workflow rather than the trusted publisher's; call pyupload from the top-level workflow to attest"}
	}
	if kind == publisher.GitLab {
		if iss, _ := claims.String("iss"); iss != publisher.IssuerGitLab {
			return signPlan{skipped: "PyPI accepts attestations from gitlab.com only, not a self-managed GitLab (" + iss + ")"}
		}
	}
	switch provider {
	case "github", "gitlab", "google":
		return signPlan{sign: true}
	}
	// An identity token given as a file or variable cannot be asked for a
	// second audience.
	return signPlan{skipped: "the identity token was given explicitly, so there is no way to ask the CI for the second token (audience sigstore) that signing needs"}
}

func kindName(k publisher.Kind) string {
	if k == publisher.Unknown {
		return "this identity's issuer"
	}
	return string(k)
}
