package mint

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/pyupload/pyupload/internal/secret"
	"github.com/pyupload/pyupload/internal/transport"
)

// Sentinel errors of the audience endpoint.
var (
	// ErrDisabled: the index has Trusted Publishing switched off (403).
	ErrDisabled = errors.New("mint: trusted publishing is disabled on this index")
	// ErrNotSupported: the index has no Trusted Publishing endpoints (404).
	ErrNotSupported = errors.New("mint: this index does not support trusted publishing")
)

// Client talks to an index's token-exchange endpoints. The zero value uses
// http.DefaultClient and PyPI's upload host.
type Client struct {
	HTTP *http.Client
	// Base is the index's scheme and host; the endpoints live under
	// /_/oidc/ on the upload host. The default is https://upload.pypi.org.
	Base *url.URL
	// Timeout bounds each call as a whole, its answer included: past it
	// the call fails with a *transport.TimeoutError naming the index, as
	// it does when HTTP's own timeouts give up on it. The default is 30
	// seconds (exchanges for identities with hundreds of projects take
	// longer than twine's 5); cmd/pyupload sets twice --timeout.
	Timeout time.Duration
}

func (c *Client) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return 30 * time.Second
}

func (c *Client) client() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return http.DefaultClient
}

func (c *Client) base() *url.URL {
	if c.Base == nil {
		return &url.URL{Scheme: "https", Host: "upload.pypi.org"}
	}
	return c.Base
}

func (c *Client) endpoint(path string) string {
	base := c.base()
	return (&url.URL{Scheme: base.Scheme, Host: base.Host, Path: path}).String()
}

// timedOut names a timeout as what timed out ("the token exchange timed
// out: no data from upload.pypi.org for 120 s"); other errors pass
// unchanged.
func timedOut(what string, err error) error {
	if te, ok := errors.AsType[*transport.TimeoutError](err); ok {
		return fmt.Errorf("%s timed out: %w", what, te)
	}
	return err
}

// maxBody bounds every response read.
const maxBody = 64 << 10

// Audience asks the index which audience identity tokens must carry
// ("pypi", "testpypi").
func (c *Client) Audience(ctx context.Context) (string, error) {
	ctx, cancel := transport.WithLimit(ctx, c.base().Host, c.timeout())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.endpoint("/_/oidc/audience"), nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.client().Do(req)
	if err != nil {
		return "", timedOut("asking for the audience", err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		// A cut answer is not the index's word: never read it as one.
		return "", timedOut("asking for the audience", fmt.Errorf("reading the index's answer (%d): %w", resp.StatusCode, err))
	}
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusForbidden:
		return "", ErrDisabled
	case http.StatusNotFound:
		return "", ErrNotSupported
	default:
		return "", &Error{StatusCode: resp.StatusCode, Body: snippet(body), op: "audience"}
	}
	var doc struct {
		Audience string `json:"audience"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || doc.Audience == "" {
		return "", &Error{StatusCode: resp.StatusCode, Body: snippet(body), op: "audience"}
	}
	return doc.Audience, nil
}

// Token is a minted upload token.
type Token struct {
	Value   string    // "pypi-…": a secret
	Expires time.Time // from the index's `expires`, or mint time + 15 minutes
}

// String never reveals the token.
func (t Token) String() string {
	return "<upload token, expires " + t.Expires.UTC().Format(time.RFC3339) + ">"
}

// Mint exchanges one identity token for an upload token. The identity
// token is spent even if minting fails: retry with a fresh one.
func (c *Client) Mint(ctx context.Context, idToken string) (Token, error) {
	ctx, cancel := transport.WithLimit(ctx, c.base().Host, c.timeout())
	defer cancel()
	payload, err := json.Marshal(map[string]string{"token": idToken})
	if err != nil {
		return Token{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint("/_/oidc/mint-token"), bytes.NewReader(payload))
	if err != nil {
		return Token{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	start := time.Now()
	resp, err := c.client().Do(req)
	if err != nil {
		return Token{}, timedOut("the token exchange", err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		// A cut answer is not the index's word: never read it as one.
		return Token{}, timedOut("the token exchange", fmt.Errorf("reading the index's answer (%d): %w", resp.StatusCode, err))
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		t, err := parseToken(body, start)
		// `expires` is the index's clock; a runner whose clock is off would
		// refresh too early or too late, so shift it by the Date header.
		if d, derr := http.ParseTime(resp.Header.Get("Date")); err == nil && derr == nil {
			if skew := d.Sub(start); skew > time.Minute || skew < -time.Minute {
				t.Expires = t.Expires.Add(-skew)
			}
		}
		return t, err
	}
	var doc struct {
		Message string `json:"message"`
		Errors  []struct {
			Code        string `json:"code"`
			Description string `json:"description"`
		} `json:"errors"`
	}
	e := &Error{StatusCode: resp.StatusCode, op: "mint"}
	if err := json.Unmarshal(body, &doc); err != nil {
		e.Body = snippet(body) // a CDN page, say
	}
	e.Message = doc.Message
	for _, p := range doc.Errors {
		e.Problems = append(e.Problems, Problem{Code: Code(p.Code), Description: p.Description})
	}
	return Token{}, e
}

// parseToken reads a success answer. Its body holds the token, so it is
// never kept in an error; `expires` is read leniently (a float or a string
// still gives an expiry), falling back to 15 minutes from the request.
func parseToken(body []byte, start time.Time) (Token, error) {
	var doc struct {
		Token   string          `json:"token"`
		Expires json.RawMessage `json:"expires"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || doc.Token == "" {
		return Token{}, &Error{StatusCode: http.StatusOK, Message: "the index's answer holds no readable token", op: "mint"}
	}
	if err := CheckToken(doc.Token); err != nil {
		return Token{}, &Error{StatusCode: http.StatusOK, Message: "the index's answer holds a token pyupload refuses: " + err.Error(), op: "mint"}
	}
	t := Token{Value: doc.Token, Expires: start.Add(15 * time.Minute)}
	if f, err := strconv.ParseFloat(strings.Trim(string(doc.Expires), `"`), 64); err == nil && f > 0 {
		t.Expires = time.Unix(int64(f), 0)
	}
	return t, nil
}

// Code is an error code of the index's token exchange.
type Code string

// The codes the index's mint endpoint answers with.
const (
	// CodeInvalidPublisher: the token is valid but no trusted publisher
	// matches its claims (or the workflow's trigger is refused).
	CodeInvalidPublisher Code = "invalid-publisher"
	// CodeInvalidPendingPublisher: a pending publisher matched, but its
	// project already exists.
	CodeInvalidPendingPublisher Code = "invalid-pending-publisher"
	// CodeInvalidReuseToken: the identity token was already exchanged.
	CodeInvalidReuseToken Code = "invalid-reuse-token"
	// CodeNotEnabled: Trusted Publishing for this issuer is switched off.
	CodeNotEnabled Code = "not-enabled"
	// CodeInvalidPayload: the request or the token's issuer is unreadable
	// or unknown to the index.
	CodeInvalidPayload Code = "invalid-payload"
	// CodeInvalidToken: the signature, expiry or audience did not verify.
	CodeInvalidToken Code = "invalid-token"
)

// Problem is one entry of the index's error list.
type Problem struct {
	Code        Code
	Description string
}

// Error is a failed exchange: the status, every problem the index listed,
// and, for non-JSON answers, the start of the body.
type Error struct {
	StatusCode int
	Message    string
	Problems   []Problem
	Body       string
	op         string
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.op == "audience" {
		fmt.Fprintf(&b, "the index answered %d", e.StatusCode)
	} else {
		fmt.Fprintf(&b, "the index refused the token exchange (%d)", e.StatusCode)
	}
	for _, p := range e.Problems {
		fmt.Fprintf(&b, "\n  * %s: %s", p.Code, p.Description)
	}
	if len(e.Problems) == 0 && e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.Body != "" {
		fmt.Fprintf(&b, ": unexpected response: %s", e.Body)
	}
	return b.String()
}

// Has reports whether the index gave the error code.
func (e *Error) Has(code Code) bool {
	for _, p := range e.Problems {
		if p.Code == code {
			return true
		}
	}
	return false
}

// Temporary reports failures worth retrying with a fresh identity token:
// 5xx and 429. Refusals (422) and other answers are final.
func (e *Error) Temporary() bool { return transport.Temporary(e.StatusCode) }

var claimRE = regexp.MustCompile(`(?:Missing claim|Check failed for (?:required|optional) claim) '([^']+)'|The (\w+) claim does not match`)

// Claim returns the claim an invalid-publisher error names ("Check failed
// for required claim 'repository_owner_id'"), or "".
func (e *Error) Claim() string {
	for _, p := range e.Problems {
		if p.Code != CodeInvalidPublisher {
			continue
		}
		if m := claimRE.FindStringSubmatch(p.Description); m != nil {
			return m[1] + m[2]
		}
	}
	return ""
}

// NoPublisher reports the index found no publisher at all for the claims
// (as opposed to one whose check failed): the project may have none yet.
func (e *Error) NoPublisher() bool {
	return e.describes(CodeInvalidPublisher, "Publisher with matching claims was not found")
}

// MissingClaim reports that the claim [Error.Claim] names is absent from
// the identity token ("Missing claim 'repository_owner_id'"), rather than
// present with a value the publisher does not have.
func (e *Error) MissingClaim() bool {
	return e.describes(CodeInvalidPublisher, "Missing claim '")
}

// PullRequestTarget reports the index's refusal of identity tokens from
// workflows triggered by pull_request_target. The index sends it as an
// invalid-publisher error, but no publisher can fix it: the trigger must
// change.
func (e *Error) PullRequestTarget() bool {
	return e.describes(CodeInvalidPublisher, "pull_request_target")
}

// describes reports a problem with code whose description contains text.
// The index sends no finer code for these cases; the texts are its own.
func (e *Error) describes(code Code, text string) bool {
	for _, p := range e.Problems {
		if p.Code == code && strings.Contains(p.Description, text) {
			return true
		}
	}
	return false
}

func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

// ErrMalformedToken means an upload token is not one line of the
// characters PyPI's tokens are made of.
var ErrMalformedToken = errors.New("mint: malformed upload token")

// CheckToken reports whether token has the shape of a PyPI upload token,
// as Trusted Publishing mints them: "pypi-" then base64url characters
// (A-Z, a-z, 0-9, '-', '_'), with at most two '=' of padding at the end.
// A token is printed as a NAME=value line for $GITHUB_ENV, masked with
// ::add-mask:: and sent in a header, so a line break, a space or a
// control character in it is an attack or a broken index, never a
// token. The error says what is wrong without quoting the token.
func CheckToken(token string) error {
	if problem := secret.PyPITokenProblem(token); problem != "" {
		return fmt.Errorf("%w: it %s", ErrMalformedToken, problem)
	}
	return nil
}
