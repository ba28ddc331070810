package fakeci_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pyupload/pyupload/internal/fakeci"
)

// ghEndpoint serves a fake GitHub token endpoint signed by a fresh index,
// closing the endpoint's hostile answers before the server.
func ghEndpoint(t *testing.T) (*fakeci.GitHubActions, *httptest.Server, string) {
	t.Helper()
	ix, _ := index(t)
	g := fakeci.NewGitHubActions(ix, requestToken, ghClaims())
	srv := httptest.NewServer(g)
	t.Cleanup(func() {
		g.Close()
		srv.Close()
	})
	return g, srv, withAudience(t, srv.URL+fakeci.GitHubRequestPath, "pypi")
}

func ghRequest(ctx context.Context, rawURL string) *http.Request {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		panic(err)
	}
	req.Header.Set("Authorization", "bearer "+requestToken)
	return req
}

func TestParseHostile(t *testing.T) {
	t.Parallel()
	got, err := fakeci.ParseHostile("hang, token-garbage,")
	if err != nil || !slices.Equal(got, []fakeci.Hostile{fakeci.HostileHang, fakeci.HostileTokenGarbage}) {
		t.Errorf("ParseHostile() = %v, %v", got, err)
	}
	if _, err := fakeci.ParseHostile("drip,nope"); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("ParseHostile(nope) = %v, want an error naming it", err)
	}
}

// TestHostileTokens: the tokens carry what the switch says, on both
// fakes, and nothing changes when it is off again.
func TestHostileTokens(t *testing.T) {
	t.Parallel()
	g, _, u := ghEndpoint(t)
	ix, _ := index(t)
	gcp := fakeci.NewGCPMetadata(ix, "publisher@example.iam.gserviceaccount.com", "111")
	gcpSrv := serve(t, gcp)
	gcpURL := gcpSrv.URL + "/computeMetadata/v1/instance/service-accounts/default/identity?audience=pypi&format=full"
	flavor := http.Header{"Metadata-Flavor": {"Google"}}

	ghToken := func() string {
		t.Helper()
		status, body := call(t, http.MethodGet, u, http.Header{"Authorization": {"bearer " + requestToken}}, "")
		var doc struct{ Value string }
		if err := json.Unmarshal([]byte(body), &doc); status != http.StatusOK || err != nil {
			t.Fatalf("token = %d %q, %v", status, body, err)
		}
		return doc.Value
	}
	gcpToken := func() string {
		t.Helper()
		status, body := call(t, http.MethodGet, gcpURL, flavor, "")
		if status != http.StatusOK {
			t.Fatalf("identity = %d %q", status, body)
		}
		return body
	}

	g.SetHostile(fakeci.HostileTokenNewlines, true)
	gcp.SetHostile(fakeci.HostileTokenNewlines, true)
	for name, tok := range map[string]string{"github": ghToken(), "gcp": gcpToken()} {
		jwt, ok := strings.CutSuffix(tok, fakeci.TokenInjection)
		if !ok || strings.Count(jwt, ".") != 2 || strings.ContainsAny(jwt, "\n\r") {
			t.Errorf("%s token = %q, want a JWT followed by the injection", name, tok)
		}
		claimsOf(t, jwt) // a real token before the injection
	}
	if s := g.HostileStats(fakeci.HostileTokenNewlines); s.Answers != 1 {
		t.Errorf("HostileStats() = %+v, want 1 answer", s)
	}

	g.SetHostile(fakeci.HostileTokenNewlines, false)
	g.SetHostile(fakeci.HostileTokenGarbage, true)
	gcp.SetHostile(fakeci.HostileTokenNewlines, false)
	gcp.SetHostile(fakeci.HostileTokenGarbage, true)
	if tok := ghToken(); tok != fakeci.GarbageToken {
		t.Errorf("github token = %q, want the garbage", tok)
	}
	if tok := gcpToken(); tok != fakeci.GarbageToken {
		t.Errorf("gcp token = %q, want the garbage", tok)
	}

	g.SetHostile(fakeci.HostileTokenGarbage, false)
	if tok := ghToken(); strings.Count(tok, ".") != 2 || strings.ContainsAny(tok, "\n\x1b") {
		t.Errorf("token after switching off = %q, want a plain JWT", tok)
	}
}

// TestHostileHang: no answer until the client gives up; Close drops the
// connection of a hang in progress.
func TestHostileHang(t *testing.T) {
	t.Parallel()
	g, srv, u := ghEndpoint(t)
	g.SetHostile(fakeci.HostileHang, true)
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	resp, err := srv.Client().Do(ghRequest(ctx, u))
	if err == nil {
		_ = resp.Body.Close()
		t.Fatalf("got %d, want no answer", resp.StatusCode)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error = %v, want the client's deadline", err)
	}
	wctx, wcancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer wcancel()
	if s, err := g.WaitHostileDone(wctx, fakeci.HostileHang); err != nil {
		t.Fatalf("WaitHostileDone() = %+v, %v", s, err)
	}

	errc := make(chan error, 1)
	req := ghRequest(t.Context(), u)
	go func() {
		resp, err := srv.Client().Do(req)
		if err == nil {
			_ = resp.Body.Close()
			err = errors.New("answered " + resp.Status)
		}
		errc <- err
	}()
	for g.HostileStats(fakeci.HostileHang).Open == 0 {
		time.Sleep(time.Millisecond)
	}
	g.Close()
	if err := <-errc; err == nil || strings.HasPrefix(err.Error(), "answered") {
		t.Errorf("after Close: %v, want a dropped connection", err)
	}
}

// TestHostileDrip: headers at once, then one byte per interval, until the
// client goes.
func TestHostileDrip(t *testing.T) {
	t.Parallel()
	const interval = 5 * time.Millisecond
	g, srv, u := ghEndpoint(t)
	g.SetHostile(fakeci.HostileDrip, true)
	g.SetDripInterval(interval)
	start := time.Now()
	resp, err := srv.Client().Do(ghRequest(t.Context(), u))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	want := `{"count":1,"value":"eyJ`
	got := make([]byte, len(want))
	if _, err := io.ReadFull(resp.Body, got); err != nil || string(got) != want {
		t.Fatalf("body starts %q, %v, want %q", got, err, want)
	}
	if took, min := time.Since(start), time.Duration(len(want)-1)*interval; took < min {
		t.Errorf("%d bytes took %v, want at least %v", len(want), took, min)
	}
	_ = resp.Body.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	s, err := g.WaitHostileDone(ctx, fakeci.HostileDrip)
	if err != nil || s.Bytes < int64(len(want)) || s.Bytes > int64(len(want))+200 {
		t.Errorf("WaitHostileDone() = %+v, %v, want about %d bytes", s, err, len(want))
	}
}

func TestHostileUnknown(t *testing.T) {
	t.Parallel()
	g, _, u := ghEndpoint(t)
	g.SetHostile("nonsense", true)
	if status, body := call(t, http.MethodGet, u, http.Header{"Authorization": {"bearer " + requestToken}}, ""); status != http.StatusInternalServerError || !strings.Contains(body, "nonsense") {
		t.Errorf("token = %d %q, want 500 naming the behaviour", status, body)
	}
}
