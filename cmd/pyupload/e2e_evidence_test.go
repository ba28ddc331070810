package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pyupload/pyupload/internal/ui"
)

// TestE2EWebPageIsNotSuccess: a 200 web page from the upload URL (what a
// wrong URL often gives) is no upload: exit 1, the hint about the URL, and
// --json never says the file is on the index.
func TestE2EWebPageIsNotSuccess(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte("<!DOCTYPE html><html><head><title>Example Domain</title></head><body><h1>Example Domain</h1></body></html>"))
	}))
	t.Cleanup(srv.Close)
	r := runBinary(t, tokenEnv, "--repository-url", srv.URL+"/", "--disable-progress-bar", "--json", good+"pyupload_mv22-2.2-py3-none-any.whl")
	var got []struct {
		Status  string `json:"status"`
		OnIndex bool   `json:"on_index"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("--json: %v\n%s", err, r.stdout)
	}
	if r.code != ui.ExitFailure || len(got) != 1 || got[0].Status != "failed" || got[0].OnIndex {
		t.Errorf("exit %d, %+v; want 1 and a failed file not on the index", r.code, got)
	}
	for _, want := range []string{`a web page titled "Example Domain"`, "probably not the index's upload endpoint", "hint: check --repository-url"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
}
