package mint

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/pyupload/pyupload/internal/transport"
)

// ErrIdentitySpent means the upload token expired and the CI identity,
// which can be exchanged only once, cannot mint another.
var ErrIdentitySpent = errors.New("mint: the upload token expired and this CI identity token was already exchanged; it cannot be renewed")

// IDTokenFunc returns a fresh identity token for the audience.
type IDTokenFunc func(ctx context.Context, audience string) (string, error)

// TokenSource hands out an upload token, minting a new one (with a fresh
// identity token) when fewer than RefreshBefore remain. It is safe for
// concurrent use: concurrent uploads share one mint.
type TokenSource struct {
	Client   *Client
	Audience string
	IDToken  IDTokenFunc
	// RefreshBefore: re-mint when less than this remains. Default 5 min.
	RefreshBefore time.Duration
	// Attempts bounds tries per mint for transient failures. Default 3.
	Attempts int
	// Backoff is the wait before retry n. Default: exponential from 1 s
	// with jitter.
	Backoff func(attempt int) time.Duration
	// OnMint is called with each new token before it is used (cmd masks it
	// in GitHub Actions logs there). Optional.
	OnMint func(Token)
	// OnRefreshError is told when a re-mint failed but the current token,
	// still valid, is used on. Optional.
	OnRefreshError func(error)
	// SingleIdentity: the identity token cannot be renewed (GitLab's
	// id_tokens variable, an explicit token), so it is exchanged once: no
	// retry, no refresh. A batch outliving the upload token then fails
	// with [ErrIdentitySpent].
	SingleIdentity bool
	// Now is the clock. Default time.Now.
	Now func() time.Time

	mu      sync.Mutex
	current Token
	mints   int
}

// Token returns a valid upload token, minting when needed.
func (s *TokenSource) Token(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	refresh := s.RefreshBefore
	if refresh <= 0 {
		refresh = 5 * time.Minute
	}
	left := s.current.Expires.Sub(now)
	if s.current.Value != "" && left > refresh {
		return s.current.Value, nil
	}
	// A still-valid token outlives a refresh that cannot happen or fails.
	const usable = 30 * time.Second
	if s.current.Value != "" && s.SingleIdentity {
		if left > usable {
			return s.current.Value, nil
		}
		return "", ErrIdentitySpent
	}
	t, err := s.mint(ctx)
	if err != nil {
		if s.current.Value != "" && left > usable && ctx.Err() == nil {
			if s.OnRefreshError != nil {
				s.OnRefreshError(err)
			}
			return s.current.Value, nil
		}
		return "", err
	}
	s.current = t
	s.mints++
	if s.OnMint != nil {
		s.OnMint(t)
	}
	return t.Value, nil
}

// Current returns the last minted token (for `pyupload token`).
func (s *TokenSource) Current() Token {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.current
}

// Mints counts the tokens minted so far.
func (s *TokenSource) Mints() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mints
}

func (s *TokenSource) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *TokenSource) mint(ctx context.Context) (Token, error) {
	attempts := s.Attempts
	if attempts <= 0 {
		attempts = 3
	}
	if s.SingleIdentity {
		attempts = 1 // a retry would replay a spent identity token
	}
	for attempt := 1; ; attempt++ {
		// A JWT is single-use: every attempt needs a fresh one.
		id, err := s.IDToken(ctx, s.Audience)
		if err != nil {
			return Token{}, err
		}
		t, err := s.Client.Mint(ctx, id)
		if err == nil {
			return t, nil
		}
		var me *Error
		if errors.As(err, &me) && !me.Temporary() || ctx.Err() != nil || attempt >= attempts {
			return Token{}, err
		}
		if !errors.As(err, &me) && !isNetwork(err) {
			return Token{}, err
		}
		wait := s.backoff(attempt)
		t2 := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t2.Stop()
			return Token{}, fmt.Errorf("minting an upload token: %w", ctx.Err())
		case <-t2.C:
		}
	}
}

func (s *TokenSource) backoff(attempt int) time.Duration {
	if s.Backoff != nil {
		return s.Backoff(attempt)
	}
	return mintBackoff(attempt)
}

var mintBackoff = transport.Exponential(time.Second, 20*time.Second)

// isNetwork: transport failures (not a refusal, nor a TLS failure) are
// worth a retry.
func isNetwork(err error) bool {
	return err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) && !transport.IsTLSError(err)
}
