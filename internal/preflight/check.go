package preflight

import (
	"context"
	"runtime"

	"golang.org/x/sync/errgroup"

	"github.com/pyupload/pyupload/pkg/dist"
)

// Checked is the outcome of reading and checking one file.
type Checked struct {
	Path     string
	Dist     *dist.Dist // nil when the file could not be read
	Problems []dist.Problem
	Err      error // the file could not be read at all
}

// Failed reports whether the file must not be uploaded: it could not be
// read, or has an error (or, when strict, a warning).
func (c *Checked) Failed(strict bool) bool {
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

// Report is the outcome of checking a batch, in the order of the paths.
type Report struct {
	Results []Checked
	Strict  bool // warnings fail too
	// Signatures and Attestations are the companion files among the
	// inputs ([Inputs]).
	Signatures   []string
	Attestations map[string][]string
}

// Failed reports whether any file failed.
func (r *Report) Failed() bool {
	for i := range r.Results {
		if r.Results[i].Failed(r.Strict) {
			return true
		}
	}
	return false
}

// Failing returns the files that failed.
func (r *Report) Failing() []Checked {
	var out []Checked
	for _, c := range r.Results {
		if c.Failed(r.Strict) {
			out = append(out, c)
		}
	}
	return out
}

// Dists returns the files that could be read.
func (r *Report) Dists() []*dist.Dist {
	var out []*dist.Dist
	for _, c := range r.Results {
		if c.Dist != nil {
			out = append(out, c.Dist)
		}
	}
	return out
}

// Check sorts out args ([Split]), then opens and checks every file concurrently and
// adds the problems that span files. The error is for what stops the whole
// check (a bad argument, cancellation); a file's own failure is in the
// report.
func Check(ctx context.Context, args []string, strict bool) (*Report, error) {
	in, err := Split(args)
	if err != nil {
		return nil, err
	}
	return CheckInputs(ctx, in, strict)
}

// CheckInputs is [Check] of arguments already sorted out, for a caller
// that needed the paths before the checks.
func CheckInputs(ctx context.Context, in *Inputs, strict bool) (*Report, error) {
	results, err := checkFiles(ctx, in.Dists)
	if err != nil {
		return nil, err
	}
	return &Report{Results: results, Strict: strict, Signatures: in.Signatures, Attestations: in.Attestations}, nil
}

// checkFiles opens and checks every path, on as many goroutines as there
// are CPUs (reading is CPU-bound hashing).
func checkFiles(ctx context.Context, paths []string) ([]Checked, error) {
	results := make([]Checked, len(paths))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, p := range paths {
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			r := Checked{Path: p}
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

// ProjectNames lists the distinct (normalised) project names of dists, in
// order.
func ProjectNames(dists []*dist.Dist) []string {
	var out []string
	seen := map[string]bool{}
	for _, d := range dists {
		n := dist.NormalizeName(d.Metadata.Name)
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}
