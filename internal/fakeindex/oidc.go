package fakeindex

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultTokenTTL is how long an upload token minted by Trusted Publishing
// stays valid on PyPI (warehouse/oidc/views.py: expires_at = now + 900).
const DefaultTokenTTL = 15 * time.Minute

// The issuers the index knows (docs/index-server.md §5, and CircleCI's
// root issuer). A token's unverified "iss" picks the publisher kind.
const (
	IssuerGitHub   = "https://token.actions.githubusercontent.com"
	IssuerGitLab   = "https://gitlab.com"
	IssuerGoogle   = "https://accounts.google.com"
	IssuerCircleCI = "https://oidc.circleci.com"
)

// Publisher kinds, for [Publisher.Kind]. Each is also the service name in
// a not-enabled error ("github trusted publishing functionality not
// enabled").
const (
	KindGitHub   = "github"
	KindGitLab   = "gitlab"
	KindGoogle   = "google"
	KindCircleCI = "circleci"
)

// OIDCConfig configures Trusted Publishing on an [Index] (see [WithOIDC]).
type OIDCConfig struct {
	// Audience is what GET /_/oidc/audience answers and the only "aud" a
	// token may carry. The default is "pypi".
	Audience string
	// Disabled plays Warehouse's DISALLOW_OIDC admin flag: the audience
	// endpoint answers 403 {"message": "Trusted publishing functionality
	// not enabled"}, and every mint with a known issuer fails with
	// not-enabled.
	Disabled bool
	// DisabledKinds plays the per-issuer admin flags (DISALLOW_GITHUB_OIDC
	// and so on): mints for these kinds fail with not-enabled while the
	// others work.
	DisabledKinds []string
	// TokenTTL is the lifetime of minted upload tokens; the mint
	// response's "expires" reports it. The default is [DefaultTokenTTL].
	TokenTTL time.Duration
	// Publishers are the trusted publishers registered on the index.
	Publishers []Publisher
}

// Publisher is a trusted publisher registered on the fake index, checked as
// docs/index-server.md §5 (and Warehouse's models) describe for its Kind.
// Only the fields of its kind matter. String comparisons follow Warehouse: a
// claim compared with a field must be a JSON string.
type Publisher struct {
	// Kind is KindGitHub, KindGitLab, KindGoogle or KindCircleCI. A
	// publisher of another kind never matches.
	Kind string

	// GitHub. Repository is the repository name ("example-pkg"); the form
	// "owner/name" is accepted too, and then fills an empty
	// RepositoryOwner. RepositoryOwner and RepositoryOwnerID are compared
	// exactly (the ID is a string, as in the token), WorkflowFilename is
	// the file name under .github/workflows ("release.yml"), and
	// Environment, when set, must match the token's case-insensitively.
	Repository, RepositoryOwner, RepositoryOwnerID, WorkflowFilename string

	// Environment is the deployment environment a GitHub or GitLab token
	// must carry; empty accepts any. GitHub compares it
	// case-insensitively, GitLab exactly. A token with an environment
	// prefers a publisher with that environment over one without.
	Environment string

	// GitLab (issuer https://gitlab.com only): ProjectPath is "ns/proj"
	// (namespace and project compared case-insensitively) and
	// CIConfigPath the CI file's path in the repository, such as
	// ".gitlab-ci.yml".
	ProjectPath, CIConfigPath string

	// Google: Email must equal the token's, which must also carry
	// email_verified true; Sub, when set, must equal the token's sub (a
	// publisher with the token's sub is preferred over one without).
	Email, Sub string

	// CircleCI: the oidc.circleci.com/org-id, project-id and
	// pipeline-definition-id claims must equal these. ContextID, VCSRef
	// and VCSOrigin are optional constraints on the context-ids,
	// vcs-ref and vcs-origin claims.
	OrgID, ProjectID, PipelineDefinitionID string
	ContextID, VCSRef, VCSOrigin           string

	// Projects are the projects (any spelling) the publisher may upload
	// to; a token it mints is valid for these only, and, like every
	// Trusted Publishing token, cannot create a project that does not
	// exist.
	Projects []string
	// AnyProject makes minted tokens valid for every project that exists,
	// a convenience of the fake (cmd/fakeindex without -project). Such a
	// token still cannot create projects.
	AnyProject bool
	// Pending makes this a pending publisher, looked up before the
	// ordinary ones: the first successful mint creates Projects[0] and
	// turns the publisher into an ordinary one for that project. If the
	// project exists by then, the mint fails with invalid-pending-publisher
	// and the pending publisher is deleted. A pending publisher without a
	// project never matches.
	Pending bool
}

// WithOIDC enables Trusted Publishing: GET /_/oidc/audience and POST
// /_/oidc/mint-token (plus the legacy alias /_/oidc/github/mint-token),
// which exchanges an identity token for an upload token exactly as
// docs/index-server.md §4.2 describes, and makes minted tokens valid on
// /legacy/ for their publisher's projects until they expire.
//
// Real PyPI verifies each token against its issuer's JWKS, fetched through
// <iss>/.well-known/openid-configuration. The fake index trusts only its
// own key ([Index.SignIDToken], [Index.JWKS]) for every known issuer, so
// tests and the CI-provider fakes of internal/fakeci sign tokens with it.
// Without WithOIDC these endpoints answer 404, as on an index without
// Trusted Publishing. The default is no Trusted Publishing.
func WithOIDC(cfg OIDCConfig) Option {
	return func(ix *Index) { ix.oidc = newOIDCState(cfg) }
}

// oidcState is the Trusted Publishing configuration and its mutable
// state: publishers (pending ones turn into ordinary ones), used JWT ids
// and minted tokens.
type oidcState struct {
	audience      string
	disabled      bool
	disabledKinds map[string]bool
	ttl           time.Duration

	mu         sync.Mutex
	publishers []*Publisher
	usedJTI    map[string]int64        // issuer + "\x00" + jti → when the entry may go (unix)
	minted     map[string]*mintedToken // by token
}

// mintedToken is an upload token made by Trusted Publishing: the
// macaroon caveats OIDCPublisher/ProjectID and Expiration.
type mintedToken struct {
	projects   map[string]bool // normalised names
	anyProject bool
	notBefore  int64 // unix seconds
	expires    int64
	publisher  Publisher // the publisher that minted it, as it was then
}

func newOIDCState(cfg OIDCConfig) *oidcState {
	st := &oidcState{
		audience:      cfg.Audience,
		disabled:      cfg.Disabled,
		disabledKinds: map[string]bool{},
		ttl:           cfg.TokenTTL,
		usedJTI:       map[string]int64{},
		minted:        map[string]*mintedToken{},
	}
	if st.audience == "" {
		st.audience = "pypi"
	}
	if st.ttl <= 0 {
		st.ttl = DefaultTokenTTL
	}
	for _, k := range cfg.DisabledKinds {
		st.disabledKinds[k] = true
	}
	for _, p := range cfg.Publishers {
		p.Projects = append([]string(nil), p.Projects...)
		if owner, name, ok := strings.Cut(p.Repository, "/"); ok {
			p.Repository = name
			if p.RepositoryOwner == "" {
				p.RepositoryOwner = owner
			}
		}
		st.publishers = append(st.publishers, &p)
	}
	return st
}

// routeOIDC registers the Trusted Publishing endpoints.
func (ix *Index) routeOIDC(mux *http.ServeMux) {
	mux.HandleFunc("GET /_fake/jwks", ix.handleJWKS)
	if ix.oidc != nil {
		mux.HandleFunc("GET /_/oidc/audience", ix.handleAudience)
		mux.HandleFunc("POST /_/oidc/mint-token", ix.handleMint)
		mux.HandleFunc("POST /_/oidc/github/mint-token", ix.handleMint)
	}
}

// MintAttempts returns how many POSTs the mint endpoints have received,
// whatever their outcome.
func (ix *Index) MintAttempts() int {
	return int(ix.mintAttempts.Load())
}

// FailMints makes the next n POSTs to the mint endpoints answer status (such
// as 502 or 503) with a body shaped as docs/index-server.md §2.1 says,
// without looking at the request: the identity token is not consumed, as when
// a proxy in front of the index fails. Nothing happens without [WithOIDC].
func (ix *Index) FailMints(n, status int) {
	ix.mintFaults.add(n, fault{kind: faultStatus, status: status})
}

func (ix *Index) handleJWKS(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(ix.JWKS())
}

// handleAudience is GET /_/oidc/audience.
func (ix *Index) handleAudience(w http.ResponseWriter, _ *http.Request) {
	if ix.oidc.disabled {
		// HTTPForbidden(json=...): WebOb's compact json_body.
		writePyJSON(w, http.StatusForbidden, `{"message":"Trusted publishing functionality not enabled"}`)
		return
	}
	writePyJSON(w, http.StatusOK, `{"audience": `+pyJSONString(ix.oidc.audience)+`}`)
}

// maxMintBody bounds the mint request body; Warehouse has no limit, but a
// JWT is a few KiB.
const maxMintBody = 1 << 20

// handleMint is POST /_/oidc/mint-token and its legacy alias.
func (ix *Index) handleMint(w http.ResponseWriter, r *http.Request) {
	ix.mintAttempts.Add(1)
	if f := ix.mintFaults.take(); f.kind == faultStatus {
		(&reply{status: f.status}).write(w, r)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxMintBody+1))
	if err != nil {
		return // the client is gone
	}
	if len(body) > maxMintBody {
		(&reply{status: http.StatusRequestEntityTooLarge}).write(w, r)
		return
	}
	res := ix.mint(body)
	if res.err != nil {
		w.Header().Set(ReasonHeader, asciiEscape(res.err.Error()))
	}
	writePyJSON(w, res.status, res.body)
}

// asciiEscape escapes what is not printable ASCII Go-style, so any text
// can travel in a header.
func asciiEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 0x20 && r < 0x7f {
			b.WriteRune(r)
			continue
		}
		q := strconv.QuoteRuneToASCII(r)
		b.WriteString(q[1 : len(q)-1])
	}
	return b.String()
}

// writePyJSON sends a JSON document rendered by Pyramid's json renderer.
func writePyJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// ReasonHeader is a response header only the fake index sends: when a mint
// fails for a reason the error document does not give (why a JWT is
// malformed, why verification refused it: bad signature, expired, wrong
// audience, ...), the reason is there, with what is not printable ASCII
// escaped, to help debug a test.
// Real PyPI answers only "malformed or invalid token".
const ReasonHeader = "X-Fakeindex-Reason"

// Error codes of the mint endpoint (docs/index-server.md §4.2).
const (
	codeInvalidPayload          = "invalid-payload"
	codeNotEnabled              = "not-enabled"
	codeInvalidToken            = "invalid-token"
	codeInvalidPendingPublisher = "invalid-pending-publisher"
	codeInvalidPublisher        = "invalid-publisher"
	codeInvalidReuseToken       = "invalid-reuse-token"
)

// mintResult is the mint endpoint's answer; err is the reason behind a
// failure, sent in [ReasonHeader].
type mintResult struct {
	status int
	body   string
	err    error
}

func mintFailure(code, description string, err error) mintResult {
	return mintResult{
		status: http.StatusUnprocessableEntity,
		body: `{"message": "Token request failed", "errors": [{"code": ` + pyJSONString(code) +
			`, "description": ` + pyJSONString(description) + `}]}`,
		err: err,
	}
}

// mint is Warehouse's mint_token_from_oidc and mint_token on a request
// body.
func (ix *Index) mint(body []byte) mintResult {
	st := ix.oidc
	raw, desc := parseTokenPayload(body)
	if desc != "" {
		return mintFailure(codeInvalidPayload, desc, nil)
	}
	tok, err := decodeJWT(raw)
	if err != nil {
		return mintFailure(codeInvalidPayload, "malformed JWT", err)
	}
	if _, ok := tok.claims["iss"]; !ok {
		return mintFailure(codeInvalidPayload, "malformed JWT", errors.New("no iss claim"))
	}
	iss, _ := tok.claims["iss"].(string)
	kind := kindByIssuer(iss)
	if kind == nil {
		return mintFailure(codeInvalidPayload, "unknown trusted publishing issuer", fmt.Errorf("issuer %v is none of the known issuers", tok.claims["iss"]))
	}
	if st.disabled || st.disabledKinds[kind.name] {
		return mintFailure(codeNotEnabled, kind.name+" trusted publishing functionality not enabled", nil)
	}
	now := ix.now()
	if err := tok.verify(ix.signer(), kind.issuer, st.audience, now); err != nil {
		return mintFailure(codeInvalidToken, "malformed or invalid token", err)
	}

	st.mu.Lock()
	defer st.mu.Unlock()
	// The replay guard: a JWT id is stored before anything else can fail,
	// so a token is single-use even when this mint fails.
	if jti, ok := tok.claims["jti"].(string); ok && jti != "" {
		st.forgetExpiredLocked(now)
		key := kind.issuer + "\x00" + jti
		if _, used := st.usedJTI[key]; used {
			return mintFailure(codeInvalidReuseToken, "invalid token: already used", nil)
		}
		exp, _ := tok.claims["exp"].(float64) // verified to be a number
		st.usedJTI[key] = int64(exp) + int64(jwtLeeway/time.Second) + 5
	}

	// Pending publishers first; any failure there falls through to the
	// ordinary ones.
	if pending, err := findPublisher(kind, st.candidatesLocked(kind.name, true), tok.claims); err == nil {
		if rp := ix.reifyLocked(pending); rp.status != 0 {
			return rp
		}
	}
	pub, err := findPublisher(kind, st.candidatesLocked(kind.name, false), tok.claims)
	if err != nil {
		return mintFailure(codeInvalidPublisher, "valid token, but no corresponding publisher ("+err.Error()+")", nil)
	}

	mt := &mintedToken{projects: map[string]bool{}, anyProject: pub.AnyProject, notBefore: now.Unix(), publisher: *pub}
	mt.publisher.Projects = slices.Clone(pub.Projects)
	mt.expires = now.Add(st.ttl).Unix()
	for _, p := range pub.Projects {
		mt.projects[canonicalName(p)] = true
	}
	token := ix.mintedTokenText("pypi-" + rand.Text() + rand.Text())
	st.minted[token] = mt
	return mintResult{
		status: http.StatusOK,
		body:   `{"success": true, "token": ` + pyJSONString(token) + `, "expires": ` + strconv.FormatInt(mt.expires, 10) + `}`,
	}
}

// forgetExpiredLocked drops JWT ids whose tokens can no longer verify.
func (st *oidcState) forgetExpiredLocked(now time.Time) {
	for k, until := range st.usedJTI {
		if until < now.Unix() {
			delete(st.usedJTI, k)
		}
	}
}

// candidatesLocked returns the publishers of a kind, pending or not, in
// registration order.
func (st *oidcState) candidatesLocked(kind string, pending bool) []*Publisher {
	var out []*Publisher
	for _, p := range st.publishers {
		if p.Kind == kind && p.Pending == pending && (!pending || len(p.Projects) > 0) {
			out = append(out, p)
		}
	}
	return out
}

// reifyLocked turns a matched pending publisher into an ordinary one,
// creating its project. A zero result means success; otherwise it is the
// mint's failure. st.mu is held.
func (ix *Index) reifyLocked(pending *Publisher) mintResult {
	st := ix.oidc
	name := pending.Projects[0]
	if !projectNameRE.MatchString(name) {
		return mintFailure(codeInvalidPayload, fmt.Sprintf("The name %s is invalid.", pyRepr(name)), nil)
	}
	norm := canonicalName(name)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.projects[norm] != nil {
		st.removeLocked(pending)
		return mintFailure(codeInvalidPendingPublisher, "valid token, but project already exists", nil)
	}
	ix.projects[norm] = &project{name: name, normalized: norm}
	ix.serial++ // as CreateProject, under the same lock as the check
	// An ordinary publisher with the same configuration gains the project;
	// otherwise the pending one becomes ordinary.
	for _, p := range st.publishers {
		if !p.Pending && p.Kind == pending.Kind && identityKey(p) == identityKey(pending) {
			p.Projects = append(p.Projects, name)
			st.removeLocked(pending)
			return mintResult{}
		}
	}
	pending.Pending = false
	pending.Projects = []string{name}
	return mintResult{}
}

func (st *oidcState) removeLocked(p *Publisher) {
	for i, q := range st.publishers {
		if q == p {
			st.publishers = append(st.publishers[:i], st.publishers[i+1:]...)
			return
		}
	}
}

// identityKey is what makes two publishers the same configuration
// (Warehouse's unique constraints).
func identityKey(p *Publisher) string {
	return strings.Join([]string{
		p.Kind, p.Repository, p.RepositoryOwner, p.RepositoryOwnerID, p.WorkflowFilename, p.Environment,
		p.ProjectPath, p.CIConfigPath, p.Email, p.Sub,
		p.OrgID, p.ProjectID, p.PipelineDefinitionID, p.ContextID, p.VCSRef, p.VCSOrigin,
	}, "\x00")
}

// Publishers returns the publishers registered on the index, in order,
// as they are now: a pending publisher that minted has become an ordinary
// one (Pending false, Projects the created project). It returns nil
// without [WithOIDC].
func (ix *Index) Publishers() []Publisher {
	if ix.oidc == nil {
		return nil
	}
	st := ix.oidc
	st.mu.Lock()
	defer st.mu.Unlock()
	out := make([]Publisher, len(st.publishers))
	for i, p := range st.publishers {
		out[i] = *p
		out[i].Projects = append([]string(nil), p.Projects...)
	}
	return out
}

// lookupMinted returns the minted token tok, or nil.
func (ix *Index) lookupMinted(tok string) *mintedToken {
	if ix.oidc == nil {
		return nil
	}
	ix.oidc.mu.Lock()
	defer ix.oidc.mu.Unlock()
	return ix.oidc.minted[tok]
}

// Messages for uploads with a Trusted Publishing token
// (docs/index-server.md §2 rows 8 and 9).
const msgNonUserCreate = "Non-user identities cannot create new projects. This was probably caused by successfully using a pending publisher but specifying the project name incorrectly (either in the publisher or in your project's metadata). Please ensure that both match. See: https://docs.pypi.org/trusted-publishers/troubleshooting/"

// checkMinted applies rows 8 and 9 to an upload of project name with a
// minted token: the project must exist, then the macaroon's caveats are
// verified in order (publisher's projects, then expiry), the first failure
// reported.
func (ix *Index) checkMinted(mt *mintedToken, name string) *reply {
	ix.mu.Lock()
	p := ix.projects[canonicalName(name)]
	ix.mu.Unlock()
	if p == nil {
		return badRequest("%s", msgNonUserCreate)
	}
	if !mt.anyProject && !mt.projects[p.normalized] {
		return &reply{status: http.StatusForbidden, message: "Invalid API Token: OIDC scoped token is not valid for project " + pyRepr(p.name)}
	}
	if now := ix.now().Unix(); now < mt.notBefore || now >= mt.expires {
		return &reply{status: http.StatusForbidden, message: "Invalid API Token: token is expired"}
	}
	return nil
}

// ErrProjectExists is returned (wrapped) by [Index.CreateProject] for a
// project the index already holds.
var ErrProjectExists = errors.New("fakeindex: project already exists")

// CreateProject registers an empty project named name, as its owner
// creating it on the index would, so that Trusted Publishing tokens (which
// cannot create projects) can upload to it. It returns an error wrapping
// [ErrProjectExists] when the project exists under any spelling.
func (ix *Index) CreateProject(name string) error {
	if !projectNameRE.MatchString(name) {
		return fmt.Errorf("creating project: invalid project name %q", name)
	}
	norm := canonicalName(name)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.projects[norm] != nil {
		return fmt.Errorf("creating project %s: %w", name, ErrProjectExists)
	}
	ix.projects[norm] = &project{name: name, normalized: norm}
	ix.serial++
	return nil
}
