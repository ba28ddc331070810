package transport

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func response(status int, h http.Header) *http.Response {
	if h == nil {
		h = http.Header{}
	}
	return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(strings.NewReader(""))}
}

func noWait(int) time.Duration { return 0 }

func TestRetry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		method    string
		script    []int // status per try; 0 = network error
		wantTries int
		want      int
	}{
		{"GET 503 then 200", http.MethodGet, []int{503, 200}, 2, 200},
		{"GET network error then 200", http.MethodGet, []int{0, 200}, 2, 200},
		{"GET 404 is final", http.MethodGet, []int{404}, 1, 404},
		{"GET gives up", http.MethodGet, []int{500, 500, 500}, 3, 500},
		{"POST is never retried", http.MethodPost, []int{503, 200}, 1, 503},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var tries atomic.Int32
			inner := RoundTripperFunc(func(*http.Request) (*http.Response, error) {
				i := int(tries.Add(1)) - 1
				if tt.script[i] == 0 {
					return nil, errors.New("connection reset")
				}
				return response(tt.script[i], nil), nil
			})
			req, _ := http.NewRequestWithContext(t.Context(), tt.method, "https://index.example/x", nil)
			resp, err := NewRetry(inner, noWait, 3).RoundTrip(req)
			if err != nil {
				t.Fatalf("RoundTrip error = %v", err)
			}
			_ = resp.Body.Close()
			if resp.StatusCode != tt.want || int(tries.Load()) != tt.wantTries {
				t.Errorf("status %d after %d tries, want %d after %d", resp.StatusCode, tries.Load(), tt.want, tt.wantTries)
			}
		})
	}
}

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"": 0, "3": 3 * time.Second, "-1": 0, "soon": 0,
		now.Add(10 * time.Second).Format(http.TimeFormat): 10 * time.Second,
	} {
		if got := RetryAfter(http.Header{"Retry-After": {v}}, now); got != want {
			t.Errorf("RetryAfter(%q) = %v, want %v", v, got, want)
		}
	}
}

// TestUserAgentClones: the RoundTripper must not modify the caller's request.
func TestUserAgentClones(t *testing.T) {
	t.Parallel()
	var seen string
	inner := RoundTripperFunc(func(r *http.Request) (*http.Response, error) {
		seen = r.Header.Get("User-Agent")
		return response(200, nil), nil
	})
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "https://x/", nil)
	resp, err := NewUserAgent(inner, "pyupload/1.0").RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if seen != "pyupload/1.0" || req.Header.Get("User-Agent") != "" {
		t.Errorf("sent %q; caller's request now has %q (must stay untouched)", seen, req.Header.Get("User-Agent"))
	}
}

// TestLoggerRedacts: credentials in headers, userinfo and queries never
// reach the log.
func TestLoggerRedacts(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	inner := RoundTripperFunc(func(*http.Request) (*http.Response, error) { return response(200, nil), nil })
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "https://__token__:pypi-secret@index.example/token?audience=pypi&sig=pypi-secret2", nil)
	req.Header.Set("Authorization", "Basic cHlwaS1zZWNyZXQz")
	resp, err := NewLogger(inner, log).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	out := buf.String()
	for _, secret := range []string{"pypi-secret", "cHlwaS1zZWNyZXQz", "pypi-secret2"} {
		if strings.Contains(out, secret) {
			t.Errorf("log contains %q:\n%s", secret, out)
		}
	}
	if !strings.Contains(out, "index.example/token") {
		t.Errorf("log lacks the request:\n%s", out)
	}
}

func TestSecure(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]bool{
		"https://upload.pypi.org/legacy/": true,
		"http://127.0.0.1:8080/legacy/":   true,
		"http://[::1]/legacy/":            true,
		"http://localhost/legacy/":        true,
		"http://upload.example/legacy/":   false,
		"http://10.0.0.1/legacy/":         false,
		"ftp://127.0.0.1/legacy/":         false,
	} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := Secure(u); got != want {
			t.Errorf("Secure(%s) = %v, want %v", raw, got, want)
		}
	}
}
