package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"time"
)

// config is the flags and what run derives from them.
type config struct {
	pyupload, fakeindex, twine string // twine is "" when not installed
	goBin, repo                string
	rounds                     int
	scale                      float64
	only, out, tmp             string
	digest                     bool
	defaultJobs                int

	invocation   []string          // the command line, for the report
	shown        map[string]string // absolute binary paths as the flags gave them, for the report
	work, corpus string            // the temporary directory and its corpus
	env          []string          // every child's environment
}

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	cfg := &config{invocation: append([]string{"go run ./cmd/bench"}, args...)}
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.pyupload, "pyupload", "bin/pyupload", "the pyupload `binary` to measure")
	fs.StringVar(&cfg.fakeindex, "fakeindex", "bin/fakeindex", "the fakeindex `binary` to serve with")
	fs.StringVar(&cfg.twine, "twine", "/usr/bin/twine", "twine's `path`; its column says \"not installed\" when absent (\"\" skips it)")
	fs.StringVar(&cfg.goBin, "go", "go", "the go `command`, for the digest benchmark")
	fs.StringVar(&cfg.repo, "repo", ".", "the repository's root `directory`, for the digest benchmark")
	fs.IntVar(&cfg.rounds, "rounds", 3, "interleaved `rounds`; figures are their medians")
	fs.Float64Var(&cfg.scale, "scale", 1, "shrink the scenarios' sizes and counts by this `factor` for a quick run")
	fs.StringVar(&cfg.only, "only", "", "run only these scenarios (comma-separated `ids`, e.g. B1,B5)")
	fs.StringVar(&cfg.out, "out", "docs/benchmarks.md", "write the Markdown report to `path` (\"\" only prints it)")
	fs.StringVar(&cfg.tmp, "tmp", "", "`directory` for the corpora (default /dev/shm when present, else the system's)")
	fs.BoolVar(&cfg.digest, "digest", true, "also run the digest benchmark (go test ./pkg/dist -bench=BenchmarkDigest)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	switch {
	case fs.NArg() > 0:
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case cfg.rounds < 1:
		return nil, errors.New("-rounds must be at least 1")
	case cfg.scale <= 0 || cfg.scale > 1:
		return nil, errors.New("-scale must be in (0, 1]")
	}
	if cfg.twine != "" {
		if _, err := os.Stat(cfg.twine); err != nil {
			cfg.twine = ""
		}
	}
	if cfg.tmp == "" {
		cfg.tmp = os.TempDir()
		if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
			cfg.tmp = "/dev/shm"
		}
	}
	return cfg, nil
}

// run is the whole command; it returns the exit code: 0, 1 when the
// benchmark could not run, 2 for a usage error. A failed run of a client
// is reported in the table and does not fail the command.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, path string) int {
	cfg, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		_, _ = fmt.Fprintf(stderr, "bench: %v\n", err)
		return 2
	}
	scs, err := pick(scenarios(cfg.scale), cfg.only)
	if err != nil {
		_, _ = fmt.Fprintf(stderr, "bench: %v\n", err)
		return 2
	}
	if err := benchmark(ctx, cfg, scs, stdout, stderr, path); err != nil {
		_, _ = fmt.Fprintf(stderr, "bench: %v\n", err)
		return 1
	}
	return 0
}

func benchmark(ctx context.Context, cfg *config, scs []*scenario, stdout, stderr io.Writer, path string) error {
	work, err := os.MkdirTemp(cfg.tmp, "pyupload-bench-*")
	if err != nil {
		return fmt.Errorf("creating the work directory: %w", err)
	}
	defer func() { _ = os.RemoveAll(work) }() // #nosec G703 -- the directory MkdirTemp made
	cfg.work, cfg.corpus = work, filepath.Join(work, "corpus")
	home := filepath.Join(work, "home")
	for _, d := range []string{cfg.corpus, home} {
		if err := os.Mkdir(d, 0o700); err != nil { // #nosec G703 -- under the directory MkdirTemp made
			return fmt.Errorf("creating %s: %w", d, err)
		}
	}
	cfg.env = env(path, home)
	cfg.shown = map[string]string{}
	for _, bin := range []*string{&cfg.pyupload, &cfg.fakeindex} {
		given := *bin
		if *bin, err = filepath.Abs(*bin); err != nil {
			return fmt.Errorf("finding %s: %w", given, err)
		}
		cfg.shown[*bin] = given
	}
	cfg.defaultJobs = defaultJobs(ctx, cfg)
	rp := &report{cfg: cfg, scenarios: scs, columns: columns(), res: results{}, started: time.Now()}
	rp.machine = describe(ctx, cfg)
	_, _ = fmt.Fprintf(stderr, "bench: generating the corpora in %s\n", cfg.corpus)
	if err := generate(ctx, cfg, scs); err != nil {
		return err
	}
	if err := rp.measure(ctx, stderr); err != nil {
		return err
	}
	if cfg.digest {
		_, _ = fmt.Fprintf(stderr, "bench: the digest benchmark\n")
		rp.digest, rp.digestErr = runDigest(ctx, cfg)
	}
	rp.elapsed = time.Since(rp.started)
	return rp.publish(stdout)
}

// jobsDefaultRE finds --jobs' default in pyupload upload --help.
var jobsDefaultRE = regexp.MustCompile(`--jobs[^\n]*\(default: (\d+)\)`)

// defaultJobs is pyupload's default --jobs, for the physical limit of the
// default column: read from its help so that the limit follows a change
// of default; 4 when the help does not say.
func defaultJobs(ctx context.Context, cfg *config) int {
	cmd := exec.CommandContext(ctx, cfg.pyupload, "upload", "--help") // #nosec G204 G702 -- the client under test
	cmd.Env = cfg.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	_ = cmd.Run() // the help's exit status does not matter
	if m := jobsDefaultRE.FindSubmatch(out.Bytes()); m != nil {
		if n, err := strconv.Atoi(string(m[1])); err == nil && n > 0 {
			return n
		}
	}
	return 4
}
