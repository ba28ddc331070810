package sigstore_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pyupload/pyupload/internal/transport"
	"github.com/pyupload/pyupload/pkg/sigstore"
)

// faulty answers the first n requests to path with h, then passes them on.
func faulty(path string, n int32, h http.HandlerFunc) (func(http.Handler) http.Handler, *atomic.Int32) {
	var seen atomic.Int32
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == path && seen.Add(1) <= n {
				h(w, r)
				return
			}
			next.ServeHTTP(w, r)
		})
	}, &seen
}

const (
	fulcioPath = "/api/v2/signingCert"
	rekorPath  = "/api/v1/log/entries"
)

func status(code int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(code)
		_, _ = io.WriteString(w, body)
	}
}

func TestClientRetries(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		path     string
		fail     http.HandlerFunc
		failures int32
		wantOK   bool
		wantSeen int32
	}{
		{"Fulcio 503 twice", fulcioPath, status(503, "busy"), 2, true, 3},
		{"Rekor 500 twice", rekorPath, status(500, "oops"), 2, true, 3},
		{"Rekor 429 with Retry-After", rekorPath, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(429)
		}, 1, true, 2},
		{"Fulcio 503 always", fulcioPath, status(503, "busy"), 100, false, 4},
		{"Fulcio 400 not retried", fulcioPath, status(400, `{"message":"bad"}`), 100, false, 1},
		{"Rekor 409 not retried", rekorPath, status(409, `{"message":"exists"}`), 100, false, 1},
		{"Fulcio connection dropped", fulcioPath, func(w http.ResponseWriter, r *http.Request) {
			c, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				_ = c.Close()
			}
		}, 2, true, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			wrap, seen := faulty(tc.path, tc.failures, tc.fail)
			f := newFixture(t, wrap)
			err := signOnce(t, f)
			if (err == nil) != tc.wantOK {
				t.Fatalf("signing = %v, want success %v", err, tc.wantOK)
			}
			if got := seen.Load(); got != tc.wantSeen {
				t.Errorf("%s saw %d requests, want %d", tc.path, got, tc.wantSeen)
			}
			if !tc.wantOK {
				if _, ok := errors.AsType[*sigstore.ServiceError](err); !ok {
					if !strings.Contains(tc.name, "dropped") {
						t.Errorf("error %v is not a *ServiceError", err)
					}
				}
			}
		})
	}
}

// signOnce gets a certificate and attests one file, with fast retries.
func signOnce(t *testing.T, f *fixture, opts ...sigstore.Option) error {
	t.Helper()
	opts = append([]sigstore.Option{sigstore.WithBackoff(fastBackoff)}, opts...)
	s, err := sigstore.NewSigner(t.Context(), f.server.Client(), f.inst, makeToken(githubClaims()), opts...)
	if err != nil {
		return err
	}
	_, err = s.Attest(t.Context(), wheel, sha256.Sum256(nil))
	return err
}

func TestClientHostileAnswers(t *testing.T) {
	t.Parallel()
	huge := func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(bytes.Repeat([]byte(" "), 2<<20))
	}
	hugeCreated := func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write(bytes.Repeat([]byte(" "), 2<<20))
	}
	slow := func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // so that the server notices the client leave
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}
	otherPEM := selfSignedPEM(t)
	otherKey := func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		_ = json.NewEncoder(w).Encode(map[string]any{"signedCertificateEmbeddedSct": map[string]any{"chain": map[string]any{"certificates": []string{otherPEM}}}})
	}
	cases := []struct {
		name string
		path string
		h    http.HandlerFunc
		want func(error) bool
	}{
		{"huge Fulcio answer", fulcioPath, huge, func(err error) bool { return errors.Is(err, sigstore.ErrAnswerTooLarge) }},
		{"huge Rekor answer", rekorPath, hugeCreated, func(err error) bool { return errors.Is(err, sigstore.ErrAnswerTooLarge) }},
		{"slow Fulcio", fulcioPath, slow, func(err error) bool { _, ok := errors.AsType[*transport.TimeoutError](err); return ok }},
		{"slow Rekor", rekorPath, slow, func(err error) bool { _, ok := errors.AsType[*transport.TimeoutError](err); return ok }},
		{"malformed Fulcio answer", fulcioPath, status(200, "{not json"), func(err error) bool { return errors.Is(err, sigstore.ErrMalformed) }},
		{"Fulcio answer without chain", fulcioPath, status(200, `{}`), func(err error) bool { return errors.Is(err, sigstore.ErrMalformed) }},
		{"malformed Rekor answer", rekorPath, status(201, `{"a":{"body":"eyJ9"}}`), func(err error) bool { return errors.Is(err, sigstore.ErrMalformed) }},
		{"Rekor answer with two entries", rekorPath, status(201, `{"a":{},"b":{}}`), func(err error) bool { return errors.Is(err, sigstore.ErrMalformed) }},
		{"Rekor 409 naming another host", rekorPath, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", "http://elsewhere.invalid/api/v1/log/entries/abc")
			w.WriteHeader(http.StatusConflict)
		}, func(err error) bool { return errors.Is(err, sigstore.ErrMalformed) }},
		{"certificate for another key", fulcioPath, otherKey, func(err error) bool { return errors.Is(err, sigstore.ErrMalformed) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			wrap, _ := faulty(tc.path, 100, tc.h)
			f := newFixture(t, wrap)
			start := time.Now()
			err := signOnce(t, f, sigstore.WithTimeout(200*time.Millisecond), sigstore.WithAttempts(2))
			if err == nil || !tc.want(err) {
				t.Fatalf("signing against %s = %v", tc.name, err)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("took %s", d)
			}
		})
	}
}

// selfSignedPEM is a certificate for a key nobody asked for.
func selfSignedPEM(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func TestSignerRefusesPlainHTTPElsewhere(t *testing.T) {
	t.Parallel()
	root, err := sigstore.ProductionRoot()
	if err != nil {
		t.Fatal(err)
	}
	u := &url.URL{Scheme: "http", Host: "fulcio.example"}
	_, err = sigstore.NewSigner(t.Context(), http.DefaultClient, &sigstore.Instance{Fulcio: u, Rekor: u, Root: root}, makeToken(githubClaims()))
	if err == nil || !strings.Contains(err.Error(), "not https") {
		t.Fatalf("NewSigner(plain http to another host) = %v", err)
	}
}

// TestRekorEntryLoggedDespiteFailure: Rekor logs the entry but the answer
// is lost (a 503 after the fact); the retry meets 409 and the client
// fetches the existing entry, which verifies.
func TestRekorEntryLoggedDespiteFailure(t *testing.T) {
	t.Parallel()
	var seen atomic.Int32
	f := newFixture(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && r.URL.Path == rekorPath && seen.Add(1) == 1 {
				next.ServeHTTP(httptest.NewRecorder(), r) // logged, answer lost
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	s, err := sigstore.NewSigner(t.Context(), f.server.Client(), f.inst, makeToken(githubClaims()), sigstore.WithBackoff(fastBackoff))
	if err != nil {
		t.Fatal(err)
	}
	digest := sha256.Sum256([]byte("w"))
	att, err := s.Attest(t.Context(), wheel, digest)
	if err != nil {
		t.Fatalf("Attest = %v", err)
	}
	if seen.Load() != 2 {
		t.Errorf("Rekor saw %d posts, want 2", seen.Load())
	}
	if n := f.services.LogSize(); n != 1 {
		t.Errorf("the log holds %d entries, want 1 (the retry must not log again)", n)
	}
	if _, err := sigstore.Verify(att, f.inst.Root, wheel, digest, sigstore.GitHub{Repository: "octo/hello"}); err != nil {
		t.Fatalf("Verify(the existing entry) = %v", err)
	}
}
