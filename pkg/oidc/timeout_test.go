package oidc

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pyupload/pyupload/internal/transport"
)

// TestTimeouts: an identity endpoint that does not answer, and a provider
// command that does not finish, fail within the timeout, named as
// timeouts.
func TestTimeouts(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	t.Cleanup(srv.Close)
	slow := func(ctx context.Context, _ string, _ ...string) ([]byte, error) {
		<-ctx.Done()
		return nil, &CommandError{Command: "tool", Err: errors.New("signal: killed")}
	}
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"github", map[string]string{"GITHUB_ACTIONS": "true", "ACTIONS_ID_TOKEN_REQUEST_URL": srv.URL + "/token?api-version=2.0", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "req-token"},
			"the token request timed out: no complete answer from 127.0.0.1:"},
		{"google", map[string]string{"GOOGLE_SERVICE_ACCOUNT_NAME": "sa@example.iam.gserviceaccount.com"}, "the token request timed out: no complete answer from 127.0.0.1:"},
		{"buildkite", map[string]string{"BUILDKITE": "true"}, "buildkite-agent timed out: no complete answer from buildkite-agent within 0.3 s"},
		{"circleci", map[string]string{"CIRCLECI": "true"}, "circleci timed out: no complete answer from circleci within 0.3 s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := Config{Env: mapEnv(tt.env), Run: slow, Timeout: 300 * time.Millisecond, GCPMetadataURL: srv.URL}
			p, err := Select(Providers(cfg), tt.name)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			_, err = Fetch(t.Context(), p, "pypi")
			if _, ok := errors.AsType[*transport.TimeoutError](err); !ok || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Fetch() error = %v, want a timeout saying %q", err, tt.want)
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("took %v", took)
			}
		})
	}
}
