package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
)

// digestFigure is the digest benchmark's one-pass throughput as a share
// of blake2b's alone on the same data (pkg/dist BenchmarkDigest's
// <kind>/ratio, metric pct-of-blake2b).
type digestFigure struct {
	kind string // wheel or sdist
	pct  float64
}

// digestCommand is how the figure is measured.
var digestCommand = []string{"test", "./pkg/dist", "-run=^$", "-bench=BenchmarkDigest", "-benchtime=5x"}

// runDigest runs the digest benchmark in the repository and parses it.
func runDigest(ctx context.Context, cfg *config) ([]digestFigure, error) {
	cmd := exec.CommandContext(ctx, cfg.goBin, digestCommand...) // #nosec G204 G702 -- the go command the caller named
	cmd.Dir = cfg.repo
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go %s: %w: %s", strings.Join(digestCommand, " "), err, tail(out.String()))
	}
	return parseDigest(out.String())
}

// parseDigest reads the pct-of-blake2b figures of go test -bench output,
// lines such as
// "BenchmarkDigest/wheel/ratio-2  5  123 ns/op  93.41 pct-of-blake2b".
func parseDigest(out string) ([]digestFigure, error) {
	var figs []digestFigure
	for line := range strings.SplitSeq(out, "\n") {
		fields := strings.Fields(line)
		if len(fields) < 2 || !strings.HasPrefix(fields[0], "BenchmarkDigest/") || fields[len(fields)-1] != "pct-of-blake2b" {
			continue
		}
		name := strings.TrimPrefix(fields[0], "BenchmarkDigest/")
		kind, rest, ok := strings.Cut(name, "/")
		if !ok || !strings.HasPrefix(rest, "ratio") || kind == "" {
			continue
		}
		pct, err := strconv.ParseFloat(fields[len(fields)-2], 64)
		if err != nil || pct < 0 {
			return nil, fmt.Errorf("reading %q: not a percentage", line)
		}
		figs = append(figs, digestFigure{kind: kind, pct: pct})
	}
	if len(figs) == 0 {
		return nil, errors.New("no pct-of-blake2b figure in the digest benchmark's output")
	}
	return figs, nil
}
