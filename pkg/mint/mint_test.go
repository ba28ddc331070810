package mint

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pyupload/pyupload/internal/transport"
)

func serve(t *testing.T, h http.HandlerFunc) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	return &Client{HTTP: srv.Client(), Base: u}
}

func TestAudience(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		status  int
		body    string
		want    string
		wantErr error
	}{
		{"pypi", 200, `{"audience": "pypi"}`, "pypi", nil},
		{"disabled", 403, `{"message": "Trusted publishing functionality not enabled"}`, "", ErrDisabled},
		{"not supported", 404, "not found", "", ErrNotSupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := serve(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/_/oidc/audience" || r.Method != http.MethodGet {
					http.NotFound(w, r)
					return
				}
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			})
			got, err := c.Audience(t.Context())
			if got != tt.want || !errors.Is(err, tt.wantErr) {
				t.Errorf("Audience() = %q, %v; want %q, %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func errorDoc(code, desc string) string {
	return fmt.Sprintf(`{"message": "Token request failed", "errors": [{"code": %q, "description": %q}]}`, code, desc)
}

func TestMintErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		status    int
		body      string
		code      Code
		claim     string
		temporary bool
	}{
		{"invalid-publisher claim", 422, errorDoc("invalid-publisher", "valid token, but no corresponding publisher (Check failed for required claim 'repository_owner_id')"), "invalid-publisher", "repository_owner_id", false},
		{"invalid-publisher missing claim", 422, errorDoc("invalid-publisher", "valid token, but no corresponding publisher (Missing claim 'ref')"), "invalid-publisher", "ref", false},
		{"invalid-publisher optional", 422, errorDoc("invalid-publisher", "valid token, but no corresponding publisher (Check failed for optional claim 'environment')"), "invalid-publisher", "environment", false},
		{"no publisher", 422, errorDoc("invalid-publisher", "valid token, but no corresponding publisher (Publisher with matching claims was not found)"), "invalid-publisher", "", false},
		{"reuse", 422, errorDoc("invalid-reuse-token", "invalid token: already used"), "invalid-reuse-token", "", false},
		{"pending", 422, errorDoc("invalid-pending-publisher", "valid token, but project already exists"), "invalid-pending-publisher", "", false},
		{"not enabled", 422, errorDoc("not-enabled", "github trusted publishing functionality not enabled"), "not-enabled", "", false},
		{"invalid token", 422, errorDoc("invalid-token", "malformed or invalid token"), "invalid-token", "", false},
		{"pull_request_target", 422, errorDoc("invalid-publisher", "valid token, but no corresponding publisher (Publishing from a workflow invoked via 'pull_request_target' is not supported.)"), "invalid-publisher", "", false},
		{"CDN page", 502, "<html>Bad gateway</html>", "", "", true},
		{"server error json", 500, `{"message": "oops"}`, "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := serve(t, func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			})
			_, err := c.Mint(t.Context(), "a.b.c")
			me, ok := errors.AsType[*Error](err)
			if !ok {
				t.Fatalf("Mint() error = %v, want *Error", err)
			}
			if tt.code != "" && !me.Has(tt.code) {
				t.Errorf("Mint() error %v lacks code %s", me, tt.code)
			}
			if me.Claim() != tt.claim {
				t.Errorf("Claim() = %q, want %q", me.Claim(), tt.claim)
			}
			if me.Temporary() != tt.temporary {
				t.Errorf("Temporary() = %v, want %v", me.Temporary(), tt.temporary)
			}
			if tt.code != "" && !strings.Contains(err.Error(), string(tt.code)) {
				t.Errorf("Error() = %q, want it to list %s", err, tt.code)
			}
		})
	}
}

// TestErrorClassification pins the methods that tell invalid-publisher
// cases apart: the hints depend on them.
func TestErrorClassification(t *testing.T) {
	t.Parallel()
	problem := func(code Code, desc string) *Error {
		return &Error{StatusCode: 422, Problems: []Problem{{Code: code, Description: desc}}}
	}
	tests := []struct {
		name                  string
		err                   *Error
		noPublisher, prTarget bool
		claim                 string
	}{
		{"no publisher", problem(CodeInvalidPublisher, "valid token, but no corresponding publisher (Publisher with matching claims was not found)"), true, false, ""},
		{"pull_request_target", problem(CodeInvalidPublisher, "valid token, but no corresponding publisher (Publishing from a workflow invoked via 'pull_request_target' is not supported.)"), false, true, ""},
		{"claim", problem(CodeInvalidPublisher, "valid token, but no corresponding publisher (Check failed for required claim 'ref')"), false, false, "ref"},
		{"claim text under another code", problem(CodeInvalidToken, "Missing claim 'ref' pull_request_target"), false, false, ""},
		{"missing claim", problem(CodeInvalidPublisher, "valid token, but no corresponding publisher (Missing claim 'repository_owner_id')"), false, false, "repository_owner_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.err.NoPublisher(); got != tt.noPublisher {
				t.Errorf("NoPublisher() = %v, want %v", got, tt.noPublisher)
			}
			if got := tt.err.PullRequestTarget(); got != tt.prTarget {
				t.Errorf("PullRequestTarget() = %v, want %v", got, tt.prTarget)
			}
			if got := tt.err.Claim(); got != tt.claim {
				t.Errorf("Claim() = %q, want %q", got, tt.claim)
			}
			if got, want := tt.err.MissingClaim(), tt.name == "missing claim"; got != want {
				t.Errorf("MissingClaim() = %v, want %v", got, want)
			}
		})
	}
}

// TestTokenSource: a fresh identity token per mint, a transient failure
// retried with another fresh token, and a re-mint when under 5 minutes
// remain.
func TestTokenSource(t *testing.T) {
	t.Parallel()
	var mints atomic.Int32
	seen := sync.Map{}
	now := time.Unix(1_800_000_000, 0)
	var clock atomic.Int64
	clock.Store(now.Unix())
	c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		body := make([]byte, 256)
		n, _ := r.Body.Read(body)
		if _, dup := seen.LoadOrStore(string(body[:n]), true); dup {
			w.WriteHeader(422)
			_, _ = w.Write([]byte(errorDoc("invalid-reuse-token", "invalid token: already used")))
			return
		}
		if mints.Add(1) == 1 {
			w.WriteHeader(503) // the first try fails transiently
			return
		}
		_, _ = fmt.Fprintf(w, `{"success": true, "token": "pypi-minted-%d", "expires": %d}`, mints.Load(), clock.Load()+900)
	})
	var ids atomic.Int32
	var masked []string
	s := &TokenSource{
		Client:   c,
		Audience: "pypi",
		IDToken: func(context.Context, string) (string, error) {
			return fmt.Sprintf("jwt-%d", ids.Add(1)), nil
		},
		Backoff: func(int) time.Duration { return 0 },
		Now:     func() time.Time { return time.Unix(clock.Load(), 0) },
		OnMint:  func(t Token) { masked = append(masked, t.Value) },
	}
	tok, err := s.Token(t.Context())
	if err != nil || tok != "pypi-minted-2" {
		t.Fatalf("Token() = %q, %v; want the token of the retry", tok, err)
	}
	if ids.Load() != 2 {
		t.Errorf("identity tokens fetched = %d, want 2 (fresh one for the retry)", ids.Load())
	}
	clock.Add(9 * 60) // 6 minutes left: still valid
	if tok2, _ := s.Token(t.Context()); tok2 != tok {
		t.Errorf("Token() re-minted with 6 minutes left")
	}
	clock.Add(2 * 60) // 4 minutes left: re-mint
	tok3, err := s.Token(t.Context())
	if err != nil || tok3 == tok {
		t.Errorf("Token() with 4 minutes left = %q, %v; want a new token", tok3, err)
	}
	if s.Mints() != 2 || len(masked) != 2 {
		t.Errorf("mints = %d, OnMint calls = %d; want 2 and 2", s.Mints(), len(masked))
	}
}

func TestTokenSourceRefusalIsFinal(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	c := serve(t, func(w http.ResponseWriter, _ *http.Request) {
		calls.Add(1)
		w.WriteHeader(422)
		_, _ = w.Write([]byte(errorDoc("invalid-publisher", "valid token, but no corresponding publisher (Publisher with matching claims was not found)")))
	})
	s := &TokenSource{Client: c, Audience: "pypi", IDToken: func(context.Context, string) (string, error) { return "jwt", nil }}
	if _, err := s.Token(t.Context()); err == nil || calls.Load() != 1 {
		t.Errorf("Token() = %v after %d calls; want one refused call", err, calls.Load())
	}
}

// TestTokenSourceTLSFailureIsFinal: a server whose certificate is not
// trusted gets one try, not one per fresh identity token.
func TestTokenSourceTLSFailureIsFinal(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	var ids atomic.Int32
	s := &TokenSource{
		Client: &Client{HTTP: &http.Client{}, Base: u}, Audience: "pypi", Backoff: func(int) time.Duration { return 0 },
		IDToken: func(context.Context, string) (string, error) { ids.Add(1); return "jwt", nil },
	}
	if _, err := s.Token(t.Context()); !transport.IsTLSError(err) || ids.Load() != 1 {
		t.Errorf("Token() = %v after %d identity tokens; want one try failing on the certificate", err, ids.Load())
	}
}

func TestTokenStringHidesValue(t *testing.T) {
	t.Parallel()
	tok := Token{Value: "pypi-secret", Expires: time.Unix(0, 0)}
	if s := fmt.Sprint(tok); strings.Contains(s, "pypi-secret") {
		t.Errorf("Token prints its value: %s", s)
	}
}

// TestSuccessBodyNeverInErrors: a 200 answer carries a token; whatever its
// shape, the body never reaches an error message.
func TestSuccessBodyNeverInErrors(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`not json pypi-SECRETSECRETSECRET`, `{"token": 5, "x": "pypi-SECRETSECRETSECRET"}`, `{"success": true}`} {
		c := serve(t, func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(body)) })
		_, err := c.Mint(t.Context(), "a.b.c")
		if err == nil || strings.Contains(err.Error(), "SECRET") {
			t.Errorf("Mint(%q) error = %v; want an error without the body", body, err)
		}
		if me, ok := errors.AsType[*Error](err); !ok || me.Temporary() {
			t.Errorf("Mint(%q) error = %v; want a final *Error", body, err)
		}
	}
	// A float or string expiry is still a token.
	c := serve(t, func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"success": true, "token": "pypi-ok", "expires": "1999999999.5"}`))
	})
	tok, err := c.Mint(t.Context(), "a.b.c")
	if err != nil || tok.Value != "pypi-ok" || tok.Expires.Unix() != 1999999999 {
		t.Errorf("Mint() = %v %v, %v", tok.Value, tok.Expires.Unix(), err)
	}
}

// TestTokenSourceConcurrent: concurrent uploads share one mint.
func TestTokenSourceConcurrent(t *testing.T) {
	t.Parallel()
	var mints atomic.Int32
	c := serve(t, func(w http.ResponseWriter, _ *http.Request) {
		mints.Add(1)
		time.Sleep(20 * time.Millisecond)
		_, _ = fmt.Fprintf(w, `{"success": true, "token": "pypi-t", "expires": %d}`, time.Now().Add(15*time.Minute).Unix())
	})
	s := &TokenSource{Client: c, Audience: "pypi", IDToken: func(context.Context, string) (string, error) { return "jwt", nil }}
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := s.Token(t.Context()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if mints.Load() != 1 {
		t.Errorf("mints = %d, want 1 shared by all callers", mints.Load())
	}
}

// TestTokenSourceSingleIdentity: a token that cannot be renewed is minted
// once, used to its end, then reported as spent.
func TestTokenSourceSingleIdentity(t *testing.T) {
	t.Parallel()
	var mints atomic.Int32
	var clock atomic.Int64
	clock.Store(1_800_000_000)
	c := serve(t, func(w http.ResponseWriter, _ *http.Request) {
		mints.Add(1)
		_, _ = fmt.Fprintf(w, `{"success": true, "token": "pypi-t", "expires": %d}`, clock.Load()+900)
	})
	s := &TokenSource{Client: c, Audience: "pypi", SingleIdentity: true,
		IDToken: func(context.Context, string) (string, error) { return "jwt", nil },
		Now:     func() time.Time { return time.Unix(clock.Load(), 0) }}
	if _, err := s.Token(t.Context()); err != nil {
		t.Fatal(err)
	}
	clock.Add(12 * 60) // 3 minutes left: no refresh possible, keep using it
	if tok, err := s.Token(t.Context()); err != nil || tok != "pypi-t" || mints.Load() != 1 {
		t.Errorf("Token() = %q, %v after %d mints; want the same token, one mint", tok, err, mints.Load())
	}
	clock.Add(3 * 60) // expired
	if _, err := s.Token(t.Context()); !errors.Is(err, ErrIdentitySpent) {
		t.Errorf("Token() after expiry error = %v, want ErrIdentitySpent", err)
	}
}

// TestTokenSourceRefreshFailureKeepsToken: a failed re-mint does not fail
// the batch while the current token is still valid.
func TestTokenSourceRefreshFailureKeepsToken(t *testing.T) {
	t.Parallel()
	var clock atomic.Int64
	clock.Store(1_800_000_000)
	var calls atomic.Int32
	c := serve(t, func(w http.ResponseWriter, _ *http.Request) {
		if calls.Add(1) > 1 {
			w.WriteHeader(422)
			_, _ = w.Write([]byte(errorDoc("invalid-token", "malformed or invalid token")))
			return
		}
		_, _ = fmt.Fprintf(w, `{"success": true, "token": "pypi-t", "expires": %d}`, clock.Load()+900)
	})
	var warned atomic.Bool
	s := &TokenSource{Client: c, Audience: "pypi", IDToken: func(context.Context, string) (string, error) { return "jwt", nil },
		Now: func() time.Time { return time.Unix(clock.Load(), 0) }, OnRefreshError: func(error) { warned.Store(true) }}
	if _, err := s.Token(t.Context()); err != nil {
		t.Fatal(err)
	}
	clock.Add(11 * 60)
	if tok, err := s.Token(t.Context()); err != nil || tok != "pypi-t" || !warned.Load() {
		t.Errorf("Token() = %q, %v, warned %v; want the current token and a warning", tok, err, warned.Load())
	}
}
