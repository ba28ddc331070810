package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyupload/pyupload/internal/fakeindex"
)

// TestRunBenchTLS serves -bench -tls: the URLs are https, the CA file
// verifies the server, an upload is counted, and the counts are printed
// at exit.
func TestRunBenchTLS(t *testing.T) {
	t.Parallel()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	cmd := startRun(t, "-bench", "-tls", "-tls-ca-file", ca, "-bandwidth", "10000000")
	if !strings.HasPrefix(cmd.base, "https://") {
		t.Fatalf("base URL %s, want https", cmd.base)
	}
	pem, err := os.ReadFile(ca)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		t.Fatalf("-tls-ca-file holds no certificate: %q", pem)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}}}
	defer client.CloseIdleConnections()
	body, ctype := uploadBody(t, "../../testdata/dists/good/pyupload_mv24-2.4-py3-none-any.whl")
	do := func(method, path string, body []byte, header http.Header) (int, string) {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), method, cmd.base+path, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header = header
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer func() { _ = resp.Body.Close() }()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	header := http.Header{"Content-Type": {ctype}, "Authorization": {"Basic " + basicToken(fakeindex.DefaultToken)}}
	if status, resp := do(http.MethodPost, "/legacy/", body, header); status != http.StatusOK {
		t.Fatalf("upload = %d %q", status, resp)
	}
	status, resp := do(http.MethodGet, "/_bench/stats", nil, http.Header{})
	var st fakeindex.BenchStats
	if err := json.Unmarshal([]byte(resp), &st); status != http.StatusOK || err != nil {
		t.Fatalf("GET /_bench/stats = %d %q (%v)", status, resp, err)
	}
	if st.Uploads != 1 || st.Connections != 1 || st.FullHandshakes != 1 || st.Bytes == 0 {
		t.Errorf("stats %+v, want 1 upload on 1 connection with 1 full handshake", st)
	}
	if log := cmd.stop(t); !strings.Contains(log, `fakeindex: bench stats {"uploads":1,`) {
		t.Errorf("stderr lacks the bench stats line:\n%s", log)
	}
}
