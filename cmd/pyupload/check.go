package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"

	"github.com/urfave/cli/v3"
	"golang.org/x/sync/errgroup"

	"github.com/pyupload/pyupload/pkg/dist"
)

// checkFlags are the options of `pyupload check`.
type checkFlags struct {
	strict bool     // warnings fail too, as with twine check --strict
	json   bool     // machine-readable output
	args   []string // paths and glob patterns
}

func checkCommand(_ lookupEnv) *cli.Command {
	return &cli.Command{
		Name:      "check",
		Usage:     "check distributions against the index's rules without uploading",
		ArgsUsage: "DIST...",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "strict", Usage: "fail on warnings as well as errors (like twine check --strict)"},
			&cli.BoolFlag{Name: "json", Usage: "print each file's metadata, digests and problems as JSON"},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			f := checkFlags{strict: cmd.Bool("strict"), json: cmd.Bool("json"), args: cmd.Args().Slice()}
			if len(f.args) == 0 {
				return usageErrorf("check needs at least one distribution, e.g. pyupload check dist/*")
			}
			return runCheck(ctx, f, cmd.Root().Writer)
		},
	}
}

// checked is the outcome of reading and checking one file.
type checked struct {
	Path     string
	Dist     *dist.Dist
	Problems []dist.Problem
	Err      error // the file could not be read at all
}

// failed reports whether the file must not be uploaded.
func (c *checked) failed(strict bool) bool {
	if c.Err != nil {
		return true
	}
	for _, p := range c.Problems {
		if p.Severity == dist.Error || strict && p.Severity == dist.Warning {
			return true
		}
	}
	return false
}

// checkFiles opens and checks every path concurrently, then adds the
// problems that span files. Results are in the order of paths.
func checkFiles(ctx context.Context, paths []string) ([]checked, error) {
	results := make([]checked, len(paths))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, p := range paths {
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			r := checked{Path: p}
			r.Dist, r.Err = dist.Open(p)
			if r.Err == nil {
				r.Problems = dist.Check(r.Dist)
			}
			results[i] = r // each goroutine owns its index
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	var ds []*dist.Dist
	var idx []int
	for i := range results {
		if results[i].Dist != nil {
			ds = append(ds, results[i].Dist)
			idx = append(idx, i)
		}
	}
	for j, probs := range dist.CheckBatch(ds) {
		results[idx[j]].Problems = append(results[idx[j]].Problems, probs...)
	}
	return results, nil
}

func runCheck(ctx context.Context, f checkFlags, stdout io.Writer) error {
	paths, err := expandArgs(f.args)
	if err != nil {
		return err
	}
	results, err := checkFiles(ctx, paths)
	if err != nil {
		return err
	}
	failed := false
	for i := range results {
		failed = failed || results[i].failed(f.strict)
	}
	if f.json {
		err = writeCheckJSON(stdout, results, f.strict)
	} else {
		err = writeCheckText(stdout, results, f.strict)
	}
	if err != nil {
		return err
	}
	if failed {
		return errChecksFailed
	}
	return nil
}

// writeCheckText prints twine check's layout: a status line per file,
// then its findings, each naming the file.
func writeCheckText(w io.Writer, results []checked, strict bool) error {
	var werr error
	printf := func(format string, args ...any) {
		if werr == nil {
			_, werr = fmt.Fprintf(w, format, args...)
		}
	}
	for i := range results {
		r := &results[i]
		status := "PASSED"
		warnings := false
		for _, p := range r.Problems {
			warnings = warnings || p.Severity == dist.Warning
		}
		switch {
		case r.failed(false):
			status = "FAILED"
		case warnings && strict:
			status = "FAILED due to warnings"
		case warnings:
			status = "PASSED with warnings"
		}
		printf("Checking %s: %s\n", r.Path, status)
		if r.Err != nil {
			printf("ERROR    %s\n", r.Err)
		}
		for _, p := range r.Problems {
			printf("%-8s %s: %s\n", levelLabel(p.Severity), r.Path, p.Message)
		}
	}
	return werr
}

func levelLabel(s dist.Severity) string {
	switch s {
	case dist.Error:
		return "ERROR"
	case dist.Warning:
		return "WARNING"
	}
	return "NOTE"
}

type checkJSON struct {
	Path     string         `json:"path"`
	Passed   bool           `json:"passed"`
	Error    string         `json:"error,omitempty"`
	Dist     *dist.Dist     `json:"dist,omitempty"`
	Problems []dist.Problem `json:"problems"`
}

func writeCheckJSON(w io.Writer, results []checked, strict bool) error {
	out := make([]checkJSON, len(results))
	for i := range results {
		r := &results[i]
		out[i] = checkJSON{Path: r.Path, Passed: !r.failed(strict), Dist: r.Dist, Problems: r.Problems}
		if out[i].Problems == nil {
			out[i].Problems = []dist.Problem{}
		}
		if r.Err != nil {
			out[i].Error = r.Err.Error()
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
