package ui

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/pyupload/pyupload/internal/credentials"
	"github.com/pyupload/pyupload/internal/publisher"
	"github.com/pyupload/pyupload/internal/trusted"
	"github.com/pyupload/pyupload/pkg/mint"
	"github.com/pyupload/pyupload/pkg/oidc"
)

// ReusableWarning is shown for a GitHub job running in a reusable
// workflow.
const ReusableWarning = "Warning: workflow_ref and job_workflow_ref differ: this job runs in a reusable workflow, which PyPI's trusted publishers do not support (pypa/gh-action-pypi-publish#166). Call pyupload from the top-level workflow.\n"

// trustedPublishingHint explains a Trusted Publishing failure: what the
// index said, which claim is wrong when it names one, what the publisher
// must say, the claims it matched, and where to fix it.
func trustedPublishingHint(e *trusted.Error) string {
	var b strings.Builder
	b.WriteString(mintAdvice(e))
	b.WriteString(identityAdvice(e.Err))
	if len(e.Claims) > 0 {
		b.WriteString(RenderClaims(e.Claims, "Claims the index matched (for comparison only)"))
		if publisher.ReusableWorkflow(e.Claims) {
			b.WriteString(ReusableWarning)
		}
	}
	b.WriteString("Troubleshooting: https://docs.pypi.org/trusted-publishers/troubleshooting/")
	return b.String()
}

// trustedRefusalHint explains an upload the index refused although
// Trusted Publishing minted its token: no API token is involved, so the
// fix is on the publisher's side (docs/index-server.md §2, row 9): the
// token covers only the projects whose publisher matches this job, and
// lasts 15 minutes. The refused project has no publisher matching this
// job, so a pre-filled form may be offered (see publisherForms).
func trustedRefusalHint(e *trusted.UploadError) string {
	var b strings.Builder
	fmt.Fprintf(&b, "The upload token was minted by Trusted Publishing from this job's %s identity; there is no API token to fix.\n", e.Provider)
	b.WriteString("A minted token may upload only to the projects whose trusted publisher matches this job: the project the index names needs this publisher, or the distributions carry another project's name.\n")
	b.WriteString("It also expires after 15 minutes; pyupload renews it, except from a single-use identity (GitLab's id_tokens, an explicit token).\n")
	b.WriteString(requirementsFor(e.Claims, e.Projects))
	b.WriteString(publisherForms(e.Web, e.Claims, e.Projects, false))
	b.WriteString("Troubleshooting: https://docs.pypi.org/trusted-publishers/troubleshooting/")
	return b.String()
}

// mintAdvice is the advice for the audience and mint endpoints' answers.
func mintAdvice(e *trusted.Error) string {
	me, isMint := errors.AsType[*mint.Error](e.Err)
	switch {
	case errors.Is(e.Err, mint.ErrDisabled):
		return e.Host + " has Trusted Publishing switched off; use an API token (--password / TWINE_PASSWORD) or try again later.\n"
	case errors.Is(e.Err, mint.ErrNotSupported):
		return e.Host + " does not support Trusted Publishing; use an API token (--password / TWINE_PASSWORD), or --trusted-publishing never.\n"
	case !isMint:
		return ""
	// Before any other invalid-publisher case: no publisher can fix this.
	case me.PullRequestTarget():
		return "PyPI refuses identity tokens of workflows triggered by pull_request_target. Publish from a push, release or workflow_dispatch event.\n"
	case me.Has(mint.CodeInvalidPublisher):
		return publisherMismatch(e, me)
	case me.Has(mint.CodeInvalidPendingPublisher):
		return "A pending publisher matched, but its project already exists: register the publisher on the project's own publishing settings instead.\n"
	case me.Has(mint.CodeInvalidReuseToken):
		return "This identity token was already exchanged once; tokens are single-use. With --oidc-token-file or PYUPLOAD_OIDC_TOKEN, supply a fresh token for every run.\n"
	case me.Has(mint.CodeNotEnabled):
		return "The index has Trusted Publishing for this CI switched off; use an API token meanwhile.\n"
	case me.Has(mint.CodeInvalidPayload):
		return "The index could not read the identity token or does not accept its issuer. Trusted Publishing on PyPI works with GitHub Actions, GitLab.com (or an organisation's registered GitLab), Google Cloud and CircleCI identities; Buildkite tokens are not accepted there.\n"
	case me.Has(mint.CodeInvalidToken):
		return "The index could not verify the identity token (signature, expiry or audience). Check the runner's clock, and that the token is fresh and for audience the index announced.\n"
	case me.Temporary():
		return "The index failed; wait a few minutes and retry (https://status.python.org/).\n"
	}
	return ""
}

// publisherMismatch explains an invalid-publisher refusal. The index
// names the claim that failed only when a publisher was found and one of
// its checks failed; then a publisher exists and is fixed by hand, and
// nothing is pre-filled. When it found none ("Publisher with matching
// claims was not found"), it does not say which setting differs, and on
// GitHub that includes the owner's numeric ID.
func publisherMismatch(e *trusted.Error, me *mint.Error) string {
	var b strings.Builder
	claim := me.Claim()
	switch {
	case claim != "" && me.MissingClaim() && publisher.IdentityClaim(claim):
		fmt.Fprintf(&b, "This run's identity token has no %q claim, which the trusted publisher on %s is matched on: a token without it does not come from a normal run of a repository's own CI. Never configure a publisher from the claims of a run you do not trust.\n", claim, e.Web)
		b.WriteString(renderRequirements(e.Claims, compareHeading))
		return b.String()
	case claim != "":
		v, ok := e.Claims.String(claim)
		if !ok {
			v = "MISSING"
		}
		fmt.Fprintf(&b, "The claim %q of this run's identity token (%s) does not match the trusted publisher on %s.\n", claim, v, e.Web)
		if advice := publisher.Advice(claim); advice != "" {
			b.WriteString(advice + "\n")
		}
		if publisher.IdentityClaim(claim) {
			b.WriteString(foreignIdentity)
		}
		b.WriteString(renderRequirements(e.Claims, compareHeading))
		return b.String()
	case !me.NoPublisher():
		fmt.Fprintf(&b, "No trusted publisher on %s accepts this run's identity, for the reason the index gave above.\n", e.Web)
		b.WriteString(renderRequirements(e.Claims, compareHeading))
		return b.String()
	}
	fmt.Fprintf(&b, "No trusted publisher on %s matches this run's identity; the index does not say which setting differs.\n", e.Web)
	if id, ok := publisher.OwnerID(e.Claims); ok {
		repo, _ := publisher.Repository(e.Claims)
		owner, _, _ := strings.Cut(repo, "/")
		fmt.Fprintf(&b, "The index also matches the owner's numeric ID (repository_owner_id %s) without naming it: if the project already has a publisher for %s and this workflow, the account or organisation %s was deleted and re-created since, perhaps by someone else who took its name. Do not re-add that publisher before checking who owns %s now.\n", id, repo, owner, owner)
	}
	b.WriteString(requirementsFor(e.Claims, e.Projects))
	b.WriteString(publisherForms(e.Web, e.Claims, e.Projects, true))
	return b.String()
}

// compareHeading introduces what a publisher would say to match a run
// that nothing shows to be the project's: for comparison, not to copy.
const compareHeading = "For comparison, this run would match a publisher that says"

// requirementsFor lists what a publisher must say to match the claims:
// as what the project's publisher must say when the run's repository is
// named after a project being published, for comparison otherwise.
func requirementsFor(c oidc.Claims, projects []string) string {
	if publisher.PublishedFrom(c, projects) != "" {
		return RenderRequirements(c)
	}
	return renderRequirements(c, compareHeading)
}

// foreignIdentity follows the advice for a claim that says where the run
// comes from.
const foreignIdentity = "A fork, or an owner deleted and re-created by someone else who took its name, are the likely causes. Never configure a publisher from the claims of a run you do not trust.\n"

// publisherForms offers the index's publisher forms for a project that
// has no publisher matching this run. They are pre-filled from the
// claims only when the run's repository is named after a project being
// published (publisher.PublishedFrom): a form filled from any run's
// claims would hand the project to whoever can make such a run, a fork
// or an impostor. Otherwise it gives the blank pages. withPending adds
// the form for a project that does not exist yet.
func publisherForms(web string, c oidc.Claims, projects []string, withPending bool) string {
	var b strings.Builder
	if project := publisher.PublishedFrom(c, projects); project != "" {
		repo, _ := publisher.Repository(c)
		existing, pending := publisher.Forms(web, c, project)
		fmt.Fprintf(&b, "If %s is the repository %s is published from, add this publisher to the project: %s\n", repo, project, existing)
		if withPending {
			fmt.Fprintf(&b, "If the project does not exist yet, register a pending publisher: %s\n", pending)
		}
		b.WriteString("The form is filled from this run's claims, and a fork has the same repository name: check the owner first. Never configure a publisher from the claims of a run you do not trust.\n")
		return b.String()
	}
	repo, _ := publisher.Repository(c)
	if repo != "" && len(projects) > 0 {
		fmt.Fprintf(&b, "No pre-filled form: the repository %s is not named after the project being published (%s), so nothing shows that this run is the project's.\n", repo, strings.Join(projects, ", "))
	} else {
		b.WriteString("No pre-filled form: nothing in this run's identity shows that it is the project's.\n")
	}
	if len(projects) > 0 {
		fmt.Fprintf(&b, "Configure the publisher from the repository the project is published from: %s/manage/project/%s/settings/publishing/", web, projects[0])
		if withPending {
			fmt.Fprintf(&b, " (for a project that does not exist yet, a pending publisher: %s/manage/account/publishing/)", web)
		}
		b.WriteString("\n")
	} else {
		fmt.Fprintf(&b, "Configure the publisher from the repository the project is published from: %s/manage/account/publishing/\n", web)
	}
	return b.String()
}

// identityAdvice is the advice for failures to get an identity token.
func identityAdvice(err error) string {
	var b strings.Builder
	if gp, ok := errors.AsType[*oidc.GitHubPermissionError](err); ok {
		if gp.ForkPR {
			b.WriteString("Workflows run for pull requests from forks never get an OIDC token. Publish from a tag, release or workflow_dispatch event instead.\n")
		} else {
			b.WriteString("Give the job the permission to request an OIDC token:\n\n  permissions:\n    id-token: write\n\n(at job level; see https://docs.pypi.org/trusted-publishers/using-a-publisher/)\n")
		}
	}
	if errors.Is(err, mint.ErrIdentitySpent) {
		b.WriteString("This CI identity token can be exchanged only once (GitLab's id_tokens, or an explicit token), and the batch outlived the 15-minute upload token. Split the upload into several jobs, or fetch a fresh token per job.\n")
	}
	if gl, ok := errors.AsType[*oidc.GitLabTokenMissingError](err); ok {
		fmt.Fprintf(&b, "Declare the identity token in the job in .gitlab-ci.yml:\n\n  id_tokens:\n    %s:\n      aud: %s\n", gl.Variable, gl.Audience)
	}
	if ae, ok := errors.AsType[*oidc.AudienceError](err); ok {
		fmt.Fprintf(&b, "The identity token must be issued for audience %q (the index's); request it with that audience.\n", ae.Want)
	}
	return b.String()
}

// RenderRequirements lists what the publisher on the index must say for
// the claims to match.
func RenderRequirements(c oidc.Claims) string {
	return renderRequirements(c, "The publisher on the index must say")
}

// renderRequirements is RenderRequirements under another heading.
func renderRequirements(c oidc.Claims, heading string) string {
	fields := publisher.Requirements(c)
	if fields == nil {
		return ""
	}
	width := 14 // the labels line up, and short lists keep one layout
	for _, f := range fields {
		width = max(width, len(f.Label)+3)
	}
	var b strings.Builder
	b.WriteString(heading + ":\n")
	for _, f := range fields {
		fmt.Fprintf(&b, "  %-*s%s\n", width, f.Label+":", f.Value)
	}
	return b.String()
}

// RenderClaims shows the claims the index matches, MISSING for absent
// ones, under a heading. They are for comparison only: a publisher is
// configured from what the project should publish from, not from a
// failing run.
func RenderClaims(c oidc.Claims, heading string) string {
	var b strings.Builder
	b.WriteString(heading + ":\n")
	for _, cl := range publisher.Matched(c) {
		fmt.Fprintf(&b, "  %-22s %s\n", cl.Name+":", cl.Value)
	}
	return b.String()
}

// credentialsHint names what to check when an index refuses the upload's
// credentials: PyPI's API tokens on PyPI, the registry's own tokens and
// their scope anywhere else.
func credentialsHint(host string) string {
	if isPyPI(host) {
		return "check the credentials: API tokens go in --password / TWINE_PASSWORD with the username __token__, and must be allowed to upload to this project"
	}
	return fmt.Sprintf("check the credentials for %s: the username and the password or access token (--username/--password, TWINE_USERNAME/TWINE_PASSWORD, or .pypirc); the token may lack upload (write) scope for this repository or package", host)
}

// noCredentialsHint is for an index other than PyPI: its own tokens, never
// pypi.org's token page.
func noCredentialsHint(host string) string {
	return fmt.Sprintf("give the credentials %s takes: --username and --password (TWINE_USERNAME and TWINE_PASSWORD), a .pypirc repository section, or the system keyring (on a terminal, pyupload asks); Trusted Publishing works only where the index offers it and the CI job has its identity", host)
}

// isPyPI reports whether host is PyPI's or TestPyPI's upload host (the
// HTTP errors and credential errors carry the host that answered).
func isPyPI(host string) bool {
	return credentials.IsPyPI(&url.URL{Scheme: "https", Host: host})
}
