package fakeindex

import (
	"regexp"
	"slices"
	"strings"
)

// publisherKind is one trusted publisher type as Warehouse models it
// (warehouse/oidc/models/*.py): the claims that must be present, how a
// publisher is looked up from the claims, and the checks made on it.
type publisherKind struct {
	name, issuer string
	// required are __required_verifiable_claims__, in Warehouse's order.
	required []claimCheck
	// unverifiable are __required_unverifiable_claims__: present, unchecked.
	unverifiable []string
	// optional are __optional_verifiable_claims__.
	optional []claimCheck
	// lookup picks the publisher among candidates (lookup_by_claims).
	lookup func(candidates []*Publisher, claims map[string]any) (*Publisher, error)
}

// claimCheck compares one claim with a publisher's configuration. It
// returns false for a plain mismatch ("Check failed for ... claim") or a
// *publisherError for a mismatch with its own explanation.
type claimCheck struct {
	claim string
	check func(p *Publisher, claim any, claims map[string]any) (bool, error)
}

// publisherError is Warehouse's InvalidPublisherError: its text is the
// reason in "valid token, but no corresponding publisher (<reason>)".
type publisherError struct{ reason string }

func (e *publisherError) Error() string { return e.reason }

var errNoPublisher = &publisherError{"Publisher with matching claims was not found"}

// kindByIssuer returns the publisher kind for an issuer URL, or nil for an
// issuer the index does not know.
func kindByIssuer(iss string) *publisherKind {
	switch iss {
	case IssuerGitHub:
		return githubKind()
	case IssuerGitLab:
		return gitlabKind()
	case IssuerGoogle:
		return googleKind()
	case IssuerCircleCI:
		return circleciKind()
	}
	return nil
}

// findPublisher is Warehouse's find_publisher: every required claim must be
// present (check_claims_existence), the lookup must find a publisher, and
// its required then optional checks must pass. Warehouse walks the
// required claims as a set, so which missing claim it names first varies;
// here it is always the first in the kind's declared order, then the
// unverifiable ones.
func findPublisher(kind *publisherKind, candidates []*Publisher, claims map[string]any) (*Publisher, error) {
	for _, c := range kind.required {
		if claims[c.claim] == nil {
			return nil, &publisherError{"Missing claim " + pyRepr(c.claim)}
		}
	}
	for _, c := range kind.unverifiable {
		if claims[c] == nil {
			return nil, &publisherError{"Missing claim " + pyRepr(c)}
		}
	}
	p, err := kind.lookup(candidates, claims)
	if err != nil {
		return nil, err
	}
	for _, set := range []struct {
		checks []claimCheck
		what   string
	}{{kind.required, "required"}, {kind.optional, "optional"}} {
		for _, c := range set.checks {
			ok, err := c.check(p, claims[c.claim], claims)
			if err != nil {
				return nil, err
			}
			if !ok {
				return nil, &publisherError{"Check failed for " + set.what + " claim " + pyRepr(c.claim)}
			}
		}
	}
	return p, nil
}

// claimString returns a claim that is a JSON string.
func claimString(claims map[string]any, name string) (string, bool) {
	s, ok := claims[name].(string)
	return s, ok
}

// equalString is check_claim_binary(str.__eq__).
func equalString(field func(*Publisher) string) func(*Publisher, any, map[string]any) (bool, error) {
	return func(p *Publisher, claim any, _ map[string]any) (bool, error) {
		s, ok := claim.(string)
		return ok && s == field(p), nil
	}
}

// optionalString passes when the publisher leaves the field empty, and
// otherwise needs a non-empty claim that equals it (exactly, or
// case-insensitively with fold).
func optionalString(field func(*Publisher) string, fold bool) func(*Publisher, any, map[string]any) (bool, error) {
	return func(p *Publisher, claim any, _ map[string]any) (bool, error) {
		want := field(p)
		if want == "" {
			return true, nil
		}
		s, _ := claim.(string)
		if s == "" {
			return false, nil
		}
		if fold {
			return strings.EqualFold(s, want), nil
		}
		return s == want, nil
	}
}

// checkSubPrefix is the GitHub and GitLab sub check: the first two
// ":"-separated parts, compared case-insensitively.
func checkSubPrefix(want func(*Publisher) string) func(*Publisher, any, map[string]any) (bool, error) {
	return func(p *Publisher, claim any, _ map[string]any) (bool, error) {
		s, _ := claim.(string)
		parts := strings.Split(s, ":")
		if s == "" || len(parts) < 2 || parts[0] == "" || parts[1] == "" {
			return false, nil
		}
		return strings.EqualFold(parts[0]+":"+parts[1], want(p)), nil
	}
}

// checkRefURI is _check_job_workflow_ref (GitHub: ref or sha must be
// non-empty) and _check_ci_config_ref_uri (GitLab: both must be).
func checkRefURI(claimName, refClaim string, want func(*Publisher) string, needBoth bool) func(*Publisher, any, map[string]any) (bool, error) {
	return func(p *Publisher, claim any, claims map[string]any) (bool, error) {
		s, _ := claim.(string)
		if s == "" {
			return false, &publisherError{"The " + claimName + " claim is empty"}
		}
		ref, _ := claimString(claims, refClaim)
		sha, _ := claimString(claims, "sha")
		if needBoth && (ref == "" || sha == "") || !needBoth && ref == "" && sha == "" {
			return false, &publisherError{"The " + refClaim + " and sha claims are empty"}
		}
		var expected []string
		for _, r := range []string{ref, sha} {
			if e := want(p) + "@" + r; r != "" && !slices.Contains(expected, e) {
				expected = append(expected, e)
			}
		}
		if slices.Contains(expected, s) {
			return true, nil
		}
		slices.Sort(expected)
		quoted := make([]string, len(expected))
		for i, e := range expected {
			quoted[i] = pyRepr(e)
		}
		return false, &publisherError{"The " + claimName + " claim does not match, expecting one of [" +
			strings.Join(quoted, ", ") + "], got " + pyRepr(s)}
	}
}

// preferEnvironment is _get_publisher_for_environment: with an
// environment claim, a publisher for that environment first; then one
// without an environment.
func preferEnvironment(matches []*Publisher, env string, fold bool) *Publisher {
	if env != "" {
		for _, p := range matches {
			if p.Environment == env || fold && strings.EqualFold(p.Environment, env) {
				return p
			}
		}
	}
	for _, p := range matches {
		if p.Environment == "" {
			return p
		}
	}
	return nil
}

// githubWorkflowRE finds the workflow file name in a job_workflow_ref
// (Warehouse's _WORKFLOW_FILENAME_RE, its lookahead for "@" consumed
// instead).
var githubWorkflowRE = regexp.MustCompile(`([^/]+\.(?:yml|yaml))@`)

func githubKind() *publisherKind {
	repo := func(p *Publisher) string { return p.RepositoryOwner + "/" + p.Repository }
	return &publisherKind{
		name: KindGitHub, issuer: IssuerGitHub,
		required: []claimCheck{
			{"sub", checkSubPrefix(func(p *Publisher) string { return "repo:" + repo(p) })},
			{"repository", func(p *Publisher, claim any, _ map[string]any) (bool, error) {
				s, _ := claim.(string)
				return s != "" && strings.EqualFold(s, repo(p)), nil
			}},
			{"repository_owner", equalString(func(p *Publisher) string { return p.RepositoryOwner })},
			{"repository_owner_id", equalString(func(p *Publisher) string { return p.RepositoryOwnerID })},
			{"job_workflow_ref", checkRefURI("job_workflow_ref", "ref", func(p *Publisher) string {
				return repo(p) + "/.github/workflows/" + p.WorkflowFilename
			}, false)},
			// The replay guard has already run for every token with a jti
			// (see Index.mint); here the claim only has to be present.
			{"jti", func(*Publisher, any, map[string]any) (bool, error) { return true, nil }},
			{"event_name", func(_ *Publisher, claim any, _ map[string]any) (bool, error) {
				if claim == "pull_request_target" {
					return false, &publisherError{"Publishing from a workflow invoked via 'pull_request_target' is not supported."}
				}
				return true, nil
			}},
		},
		unverifiable: []string{"ref", "sha"},
		optional: []claimCheck{
			{"environment", optionalString(func(p *Publisher) string { return p.Environment }, true)},
		},
		lookup: func(candidates []*Publisher, claims map[string]any) (*Publisher, error) {
			repository, _ := claimString(claims, "repository")
			owner, name, ok := strings.Cut(repository, "/")
			ownerID, _ := claimString(claims, "repository_owner_id")
			if !ok {
				return nil, errNoPublisher
			}
			ref, _ := claimString(claims, "job_workflow_ref")
			m := githubWorkflowRE.FindStringSubmatch(ref)
			if m == nil {
				return nil, &publisherError{"Could not job extract workflow filename from OIDC claims"} // sic
			}
			var matches []*Publisher
			for _, p := range candidates {
				if p.Repository == name && p.RepositoryOwner == owner && p.RepositoryOwnerID == ownerID && p.WorkflowFilename == m[1] {
					matches = append(matches, p)
				}
			}
			env, _ := claimString(claims, "environment")
			if p := preferEnvironment(matches, env, true); p != nil {
				return p, nil
			}
			return nil, errNoPublisher
		},
	}
}

// gitlabWorkflowRE finds the CI file's path in a ci_config_ref_uri: after
// "//", ending in .yml or .yaml, before "@" (Warehouse's
// _WORKFLOW_FILEPATH_RE).
var gitlabWorkflowRE = regexp.MustCompile(`//(.*[^/]\.(?:yml|yaml))@`)

func gitlabKind() *publisherKind {
	host := strings.TrimPrefix(IssuerGitLab, "https://")
	return &publisherKind{
		name: KindGitLab, issuer: IssuerGitLab,
		required: []claimCheck{
			{"sub", checkSubPrefix(func(p *Publisher) string { return "project_path:" + p.ProjectPath })},
			{"project_path", func(p *Publisher, claim any, _ map[string]any) (bool, error) {
				s, _ := claim.(string)
				return s != "" && strings.EqualFold(s, p.ProjectPath), nil
			}},
			{"ci_config_ref_uri", checkRefURI("ci_config_ref_uri", "ref_path", func(p *Publisher) string {
				return host + "/" + p.ProjectPath + "//" + p.CIConfigPath
			}, true)},
			{"jti", func(*Publisher, any, map[string]any) (bool, error) { return true, nil }},
		},
		unverifiable: []string{"ref_path", "sha"},
		optional: []claimCheck{
			{"environment", optionalString(func(p *Publisher) string { return p.Environment }, false)},
		},
		lookup: func(candidates []*Publisher, claims map[string]any) (*Publisher, error) {
			path, _ := claimString(claims, "project_path")
			uri, _ := claimString(claims, "ci_config_ref_uri")
			ns, proj, ok := cutLast(path, "/")
			if !ok {
				return nil, errNoPublisher
			}
			m := gitlabWorkflowRE.FindStringSubmatch(uri)
			if m == nil {
				return nil, &publisherError{"Could not extract workflow filename from OIDC claims"}
			}
			var matches []*Publisher
			for _, p := range candidates {
				pns, pproj, _ := cutLast(p.ProjectPath, "/")
				if strings.EqualFold(pns, ns) && strings.EqualFold(pproj, proj) && p.CIConfigPath == m[1] {
					matches = append(matches, p)
				}
			}
			env, _ := claimString(claims, "environment")
			if p := preferEnvironment(matches, env, false); p != nil {
				return p, nil
			}
			return nil, errNoPublisher
		},
	}
}

func cutLast(s, sep string) (before, after string, found bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

func googleKind() *publisherKind {
	return &publisherKind{
		name: KindGoogle, issuer: IssuerGoogle,
		required: []claimCheck{
			{"email", equalString(func(p *Publisher) string { return p.Email })},
			{"email_verified", func(_ *Publisher, claim any, _ map[string]any) (bool, error) {
				return claim == true, nil
			}},
		},
		optional: []claimCheck{
			{"sub", optionalString(func(p *Publisher) string { return p.Sub }, false)},
		},
		lookup: func(candidates []*Publisher, claims map[string]any) (*Publisher, error) {
			email, _ := claimString(claims, "email")
			sub, hasSub := claimString(claims, "sub")
			if hasSub {
				for _, p := range candidates {
					if p.Email == email && p.Sub == sub {
						return p, nil
					}
				}
			}
			for _, p := range candidates {
				if p.Email == email && p.Sub == "" {
					return p, nil
				}
			}
			return nil, errNoPublisher
		},
	}
}

// CircleCI's namespaced claims (warehouse/oidc/models/circleci.py).
const (
	circleOrgID      = "oidc.circleci.com/org-id"
	circleProjectID  = "oidc.circleci.com/project-id"
	circlePipelineID = "oidc.circleci.com/pipeline-definition-id"
	circleSSHRerun   = "oidc.circleci.com/ssh-rerun"
	circleContextIDs = "oidc.circleci.com/context-ids"
	circleVCSRef     = "oidc.circleci.com/vcs-ref"
	circleVCSOrigin  = "oidc.circleci.com/vcs-origin"
)

func circleciKind() *publisherKind {
	return &publisherKind{
		name: KindCircleCI, issuer: IssuerCircleCI,
		required: []claimCheck{
			{circleOrgID, equalString(func(p *Publisher) string { return p.OrgID })},
			{circleProjectID, equalString(func(p *Publisher) string { return p.ProjectID })},
			{circlePipelineID, equalString(func(p *Publisher) string { return p.PipelineDefinitionID })},
			// Tokens of SSH re-runs (a human in the build) are refused.
			{circleSSHRerun, func(_ *Publisher, claim any, _ map[string]any) (bool, error) {
				return claim == false, nil
			}},
		},
		optional: []claimCheck{
			{circleContextIDs, func(p *Publisher, claim any, _ map[string]any) (bool, error) {
				if p.ContextID == "" {
					return true, nil
				}
				return slices.Contains(contextIDs(claim), p.ContextID), nil
			}},
			{circleVCSRef, optionalString(func(p *Publisher) string { return p.VCSRef }, false)},
			{circleVCSOrigin, optionalString(func(p *Publisher) string { return p.VCSOrigin }, false)},
		},
		lookup: func(candidates []*Publisher, claims map[string]any) (*Publisher, error) {
			org, _ := claimString(claims, circleOrgID)
			proj, _ := claimString(claims, circleProjectID)
			pipe, _ := claimString(claims, circlePipelineID)
			var matches []*Publisher
			for _, p := range candidates {
				if p.OrgID == org && p.ProjectID == proj && p.PipelineDefinitionID == pipe {
					matches = append(matches, p)
				}
			}
			ids := contextIDs(claims[circleContextIDs])
			for _, p := range matches {
				if p.ContextID != "" && slices.Contains(ids, p.ContextID) {
					return p, nil
				}
			}
			for _, p := range matches {
				if p.ContextID == "" {
					return p, nil
				}
			}
			return nil, errNoPublisher
		},
	}
}

// contextIDs returns the strings of a context-ids claim (a JSON array).
func contextIDs(claim any) []string {
	list, _ := claim.([]any)
	var out []string
	for _, v := range list {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
