package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pyupload/pyupload/pkg/dist"
)

// TestMain fails the run when goroutines outlive the tests.
func TestMain(m *testing.M) {
	baseline := runtime.NumGoroutine()
	code := m.Run()
	if code == 0 {
		deadline := time.Now().Add(10 * time.Second)
		for runtime.NumGoroutine() > baseline && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if n := runtime.NumGoroutine(); n > baseline {
			buf := make([]byte, 1<<20)
			fmt.Fprintf(os.Stderr, "goroutine leak: %d goroutines, %d at start\n%s\n", n, baseline, buf[:runtime.Stack(buf, true)])
			code = 1
		}
	}
	os.Exit(code) //nolint:forbidigo // TestMain reports the leak check through the exit code
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// uploadBody builds the multipart form a client sends for path.
func uploadBody(t *testing.T, path string) (body []byte, contentType string) {
	t.Helper()
	content, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := dist.Read(bytes.NewReader(content), int64(len(content)), filepath.Base(path))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fields := [][2]string{{":action", "file_upload"}, {"protocol_version", "1"}, {"filetype", string(d.Filename.Kind)},
		{"pyversion", d.Filename.PythonTag()}, {"sha256_digest", d.SHA256}, {"blake2_256_digest", d.Blake2b256}}
	for _, fv := range d.Metadata.FormFields() {
		fields = append(fields, [2]string{fv.Key, fv.Value})
	}
	for _, f := range fields {
		if err := mw.WriteField(f[0], f[1]); err != nil {
			t.Fatal(err)
		}
	}
	w, err := mw.CreateFormFile("content", filepath.Base(path))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(content); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), mw.FormDataContentType()
}

// runningCommand is run() serving in the background for one test.
type runningCommand struct {
	stdout *bufio.Reader // after the "listening" line
	stderr *syncBuffer
	base   string // the URL the command announced
	cancel context.CancelFunc
	exit   chan int
}

// startRun starts the command and reads its first stdout line, which must
// announce a loopback URL.
func startRun(t *testing.T, args ...string) *runningCommand {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	t.Cleanup(cancel)
	stdoutR, stdoutW := io.Pipe()
	c := &runningCommand{stderr: &syncBuffer{}, cancel: cancel, exit: make(chan int, 1)}
	go func() {
		c.exit <- run(ctx, args, stdoutW, c.stderr)
		_ = stdoutW.Close()
	}()
	c.stdout = bufio.NewReader(stdoutR)
	line, err := c.stdout.ReadString('\n')
	if err != nil {
		t.Fatalf("reading the first stdout line: %v (stderr %q)", err, c.stderr.String())
	}
	base, ok := strings.CutPrefix(strings.TrimSuffix(line, "\n"), "fakeindex listening on ")
	if !ok || !strings.HasPrefix(base, "http://127.0.0.1:") && !strings.HasPrefix(base, "https://127.0.0.1:") {
		t.Fatalf("first stdout line = %q, want fakeindex listening on http(s)://127.0.0.1:PORT", line)
	}
	c.base = base
	return c
}

// stop cancels the command and expects it to exit 0 promptly; it returns
// everything the command logged.
func (c *runningCommand) stop(t *testing.T) string {
	t.Helper()
	c.cancel()
	select {
	case code := <-c.exit:
		if code != 0 {
			t.Errorf("run() = %d, want 0; stderr:\n%s", code, c.stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("run did not return after the context was cancelled")
	}
	return c.stderr.String()
}

func TestRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	urlFile := filepath.Join(dir, "url")
	const token = "pypi-secret-run-test"
	cmd := startRun(t, "-url-file", urlFile, "-token", token, "-storage", dir, "-fail-uploads", "1", "-fail-status", "502")
	base := cmd.base
	if got, err := os.ReadFile(urlFile); err != nil || string(got) != base+"\n" {
		t.Errorf("url file = %q, %v; want %q", got, err, base+"\n")
	}

	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	send := func(method, path string, body []byte, header http.Header) (int, string) {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), method, base+path, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		maps.Copy(req.Header, header)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer func() { _ = resp.Body.Close() }()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}

	if status, page := send(http.MethodGet, "/", nil, nil); status != http.StatusOK || !strings.Contains(page, "fakeindex") {
		t.Errorf("GET / = %d %q", status, page)
	}
	body, ctype := uploadBody(t, "../../testdata/dists/good/pyupload_mv24-2.4-py3-none-any.whl")
	header := http.Header{
		"Content-Type":  {ctype},
		"Accept":        {"application/json"},
		"Authorization": {"Basic " + basicToken(token)},
	}
	for i, want := range []int{502, 200} { // -fail-uploads 1 -fail-status 502
		if status, resp := send(http.MethodPost, "/legacy/", body, header); status != want {
			t.Fatalf("upload #%d = %d %q, want %d", i+1, status, resp, want)
		}
	}
	if status, _ := send(http.MethodGet, "/pypi/pyupload-mv24/json", nil, nil); status != http.StatusOK {
		t.Errorf("GET /pypi/pyupload-mv24/json = %d, want 200", status)
	}

	log := cmd.stop(t)
	for _, want := range []string{"GET / 200", "POST /legacy/ 502", "POST /legacy/ 200 in=", "fakeindex: stopped"} {
		if !strings.Contains(log, want) {
			t.Errorf("stderr lacks %q:\n%s", want, log)
		}
	}
	if strings.Contains(log, token) || strings.Contains(log, basicToken(token)) || strings.Contains(strings.ToLower(log), "authorization") {
		t.Errorf("stderr leaks credentials:\n%s", log)
	}
	if _, err := os.ReadDir(dir); err != nil {
		t.Errorf("storage dir: %v", err)
	}
}

// TestRunProfile serves another registry: the start-up lines give its
// upload and simple URLs, and an upload there is answered as it would.
func TestRunProfile(t *testing.T) {
	t.Parallel()
	const token = "gitea-run-test-token"
	cmd := startRun(t, "-profile", "gitea", "-token", token, "-storage", t.TempDir())
	var urls []string
	for range 2 {
		line, err := cmd.stdout.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		urls = append(urls, strings.TrimSpace(line))
	}
	want := []string{"fakeindex upload-url " + cmd.base + "/api/packages/owner/pypi", "fakeindex simple-url " + cmd.base + "/api/packages/owner/pypi/simple/"}
	if !slices.Equal(urls, want) {
		t.Fatalf("stdout lines after the first = %q, want %q", urls, want)
	}
	body, ctype := uploadBody(t, "../../testdata/dists/good/pyupload_mv24-2.4-py3-none-any.whl")
	upload := strings.TrimPrefix(urls[0], "fakeindex upload-url ")
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, upload, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ctype)
	req.SetBasicAuth("anyone", token)
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("upload to %s = %d, want 201", upload, resp.StatusCode)
	}
	if log := cmd.stop(t); !strings.Contains(log, "POST /api/packages/owner/pypi 201") {
		t.Errorf("stderr lacks the upload:\n%s", log)
	}
}

func basicToken(token string) string {
	req, _ := http.NewRequest(http.MethodGet, "http://x/", nil) //nolint:noctx // only builds a header
	req.SetBasicAuth("__token__", token)
	return strings.TrimPrefix(req.Header.Get("Authorization"), "Basic ")
}

func TestRunUsage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-h"}, 0, "usage: fakeindex"},
		{[]string{"-bogus"}, 2, "flag provided but not defined"},
		{[]string{"extra"}, 2, `unexpected argument "extra"`},
		{[]string{"-addr", "0.0.0.0:0"}, 2, "is not a loopback address"},
		{[]string{"-addr", "nonsense"}, 2, "-addr"},
		{[]string{"-fail-status", "42"}, 2, "is not an HTTP status"},
		{[]string{"-max-file-size", "0"}, 2, "must be positive"},
		{[]string{"-token", ""}, 2, "empty token"},
		{[]string{"-profile", "warehouse"}, 2, `unknown profile "warehouse" (known: artifactory, devpi, gitea, gitlab, nexus, pypi, pypiserver)`},
		{[]string{"-hostile", "upload-html,nope"}, 2, `unknown hostile behaviour "nope" (known: upload-html, `},
		{[]string{"-drip-interval", "0s"}, 2, "-drip-interval must be positive"},
		{[]string{"-tls-ca-file", "ca.pem"}, 2, "-tls-ca-file needs -tls"},
		{[]string{"-ci-hostile", "hang"}, 2, "-ci-hostile needs -github-actions-request-token"},
		{[]string{"-ci-hostile", "upload-html"}, 2, `unknown hostile behaviour "upload-html" (known: hang, drip, token-newlines, token-garbage)`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			if code := run(t.Context(), tt.args, &stdout, &stderr); code != tt.code || !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("run(%q) = %d, stderr %q; want %d and %q", tt.args, code, stderr.String(), tt.code, tt.want)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout = %q, want nothing", stdout.String())
			}
		})
	}
}

func TestRunListenError(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	if code := run(t.Context(), []string{"-addr", "127.0.0.1:99999"}, &stdout, &stderr); code != 1 {
		t.Errorf("run on a bad port = %d, want 1 (stderr %q)", code, stderr.String())
	}
}
