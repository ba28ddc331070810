package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// apiToken is the API token every fresh index accepts.
const apiToken = "pypi-bench-token"

// indexStats is what fakeindex -bench prints at exit
// ("fakeindex: bench stats {...}").
type indexStats struct {
	Uploads           int64 `json:"uploads"`
	Refused           int64 `json:"refused"`
	Bytes             int64 `json:"bytes"`
	Connections       int64 `json:"connections"`
	FullHandshakes    int64 `json:"full_handshakes"`
	ResumedHandshakes int64 `json:"resumed_handshakes"`
}

// sample is one run of one column.
type sample struct {
	wall, cpu time.Duration
	rss       int64         // the client's peak RSS in bytes
	indexCPU  time.Duration // 0 without an index
	stats     *indexStats   // nil without an index
}

// env is the children's whole environment: nothing of the caller's but
// PATH, a fresh HOME (no ~/.pypirc, no keyring), no CI variables (so no
// Trusted Publishing), the token, and proxies that go nowhere for any
// host but loopback.
func env(path, home string) []string {
	const nowhere = "http://127.0.0.1:9"
	return []string{
		"PATH=" + path, "HOME=" + home, "LANG=C.UTF-8",
		"TWINE_USERNAME=__token__", "TWINE_PASSWORD=" + apiToken,
		"HTTPS_PROXY=" + nowhere, "HTTP_PROXY=" + nowhere, "https_proxy=" + nowhere, "http_proxy=" + nowhere,
		"NO_PROXY=127.0.0.1,localhost", "no_proxy=127.0.0.1,localhost",
	}
}

// index is a running fakeindex.
type index struct {
	cmd       *exec.Cmd
	stderr    *lockedBuffer
	drained   chan struct{}
	uploadURL string
	ca        string
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startIndex starts a fresh `fakeindex -bench -tls` shaped as s says and
// waits for its upload URL.
func startIndex(ctx context.Context, cfg *config, s *scenario, dir string) (*index, error) {
	ix := &index{stderr: &lockedBuffer{}, drained: make(chan struct{}), ca: filepath.Join(dir, "ca.pem")}
	args := []string{"-bench", "-tls", "-tls-ca-file", ix.ca, "-addr", "127.0.0.1:0", "-token", apiToken,
		"-max-file-size", strconv.FormatInt(4*gib, 10), "-latency", s.latency.String(), "-bandwidth", strconv.FormatInt(s.bandwidth, 10)}
	ix.cmd = exec.CommandContext(ctx, cfg.fakeindex, args...) // #nosec G204 -- the binary the caller named
	ix.cmd.Env = cfg.env
	ix.cmd.Stderr = ix.stderr
	out, err := ix.cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("starting fakeindex: %w", err)
	}
	if err := ix.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting fakeindex: %w", err)
	}
	found := make(chan string, 1)
	go func() {
		defer close(ix.drained)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "fakeindex upload-url "); ok {
				found <- u
			}
		}
	}()
	select {
	case ix.uploadURL = <-found:
		return ix, nil
	case <-ix.drained:
	case <-time.After(20 * time.Second):
	}
	_ = ix.cmd.Process.Kill()
	<-ix.drained
	_ = ix.cmd.Wait()
	return nil, fmt.Errorf("fakeindex did not announce its upload URL: %s", tail(ix.stderr.String()))
}

// stop interrupts the index, waits for it, and returns its CPU time and
// the counts it printed.
func (ix *index) stop() (time.Duration, *indexStats, error) {
	if err := ix.cmd.Process.Signal(os.Interrupt); err != nil {
		return 0, nil, fmt.Errorf("stopping fakeindex: %w", err)
	}
	<-ix.drained
	if err := ix.cmd.Wait(); err != nil {
		return 0, nil, fmt.Errorf("fakeindex: %w: %s", err, tail(ix.stderr.String()))
	}
	cpu := ix.cmd.ProcessState.UserTime() + ix.cmd.ProcessState.SystemTime()
	st, err := parseStats(ix.stderr.String())
	return cpu, st, err
}

// parseStats finds the bench stats line in fakeindex's stderr.
func parseStats(log string) (*indexStats, error) {
	const prefix = "fakeindex: bench stats "
	i := strings.LastIndex(log, prefix)
	if i < 0 {
		return nil, errors.New("fakeindex printed no bench stats")
	}
	line, _, _ := strings.Cut(log[i+len(prefix):], "\n")
	var st indexStats
	if err := json.Unmarshal([]byte(line), &st); err != nil {
		return nil, fmt.Errorf("reading fakeindex's bench stats %q: %w", line, err)
	}
	return &st, nil
}

// runClient runs argv in dir, through the launcher (launch.go), and
// measures it.
func runClient(ctx context.Context, cfg *config, dir string, argv []string) (sample, error) {
	self, err := os.Executable()
	if err != nil {
		return sample{}, fmt.Errorf("finding bench's own executable for the launcher: %w", err)
	}
	reportR, reportW, err := os.Pipe()
	if err != nil {
		return sample{}, fmt.Errorf("creating the launcher's pipe: %w", err)
	}
	defer func() { _ = reportR.Close() }()
	cmd := exec.CommandContext(ctx, self, append([]string{launchArg, "--"}, argv...)...) // #nosec G204 -- bench itself, launching the clients under test
	cmd.Dir = dir
	cmd.Env = cfg.env
	cmd.ExtraFiles = []*os.File{reportW} // file descriptor 3
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		_ = reportW.Close()
		return sample{}, fmt.Errorf("starting the launcher: %w", err)
	}
	_ = reportW.Close()
	var res launchResult
	decodeErr := json.NewDecoder(reportR).Decode(&res)
	runErr := cmd.Wait()
	switch {
	case decodeErr != nil:
		return sample{}, fmt.Errorf("%s: the launcher reported nothing (%w): %s", filepath.Base(argv[0]), errors.Join(decodeErr, runErr), tail(out.String()))
	case res.Failed != "":
		return sample{}, fmt.Errorf("%s: %s", filepath.Base(argv[0]), res.Failed)
	case res.Exit != 0:
		return sample{wall: res.Wall}, fmt.Errorf("%s: %s: %s", filepath.Base(argv[0]), res.Status, tail(out.String()))
	}
	return sample{wall: res.Wall, cpu: res.CPU, rss: res.RSS}, nil
}

// tail is the end of a child's output, for an error message.
func tail(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 600 {
		s = "…" + s[len(s)-600:]
	}
	return s
}

// runOnce is one run of one column on s: a fresh index for an upload.
func runOnce(ctx context.Context, cfg *config, s *scenario, c column) (sample, error) {
	if s.act != actUpload {
		return runClient(ctx, cfg, cfg.corpus, c.argv(cfg, s, "", ""))
	}
	dir, err := os.MkdirTemp(cfg.work, "index-*")
	if err != nil {
		return sample{}, fmt.Errorf("creating the index's directory: %w", err)
	}
	defer func() { _ = os.RemoveAll(dir) }()
	ix, err := startIndex(ctx, cfg, s, dir)
	if err != nil {
		return sample{}, err
	}
	smp, runErr := runClient(ctx, cfg, cfg.corpus, c.argv(cfg, s, ix.uploadURL, ix.ca))
	cpu, st, err := ix.stop()
	if runErr != nil {
		return smp, runErr
	}
	if err != nil {
		return smp, err
	}
	if st.Uploads != int64(len(s.files)) {
		return smp, fmt.Errorf("the index stored %d of %d files (%d refused)", st.Uploads, len(s.files), st.Refused)
	}
	smp.indexCPU, smp.stats = cpu, st
	return smp, nil
}
