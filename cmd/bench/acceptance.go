package main

import (
	"bytes"
	"fmt"
	"strings"
)

// check is one line of the acceptance table.
type check struct {
	what, target, measured string
	pass                   string // "pass", "FAIL", or "—" for a figure without target
}

func ratio(a, b float64) string { return fmt.Sprintf("%.2f×", a/b) }

func verdict(ok bool) string {
	if ok {
		return "pass"
	}
	return "FAIL"
}

// medianOf is the median of metric for column name on scenario id.
func (rp *report) medianOf(id, name string, get func(sample) float64) (float64, bool) {
	return rp.res[id][name].median(get)
}

func (rp *report) scenario(id string) *scenario {
	for _, s := range rp.scenarios {
		if s.id == id {
			return s
		}
	}
	return nil
}

var (
	wallOf = func(s sample) float64 { return s.wall.Seconds() }
	cpuOf  = func(s sample) float64 { return s.cpu.Seconds() }
	rssOf  = func(s sample) float64 { return float64(s.rss) }
)

// checks are the acceptance ratios, each from this run only.
func (rp *report) checks() []check {
	var out []check
	for _, id := range []string{"B1", "B1-mixed"} {
		s := rp.scenario(id)
		if s == nil {
			continue
		}
		c := check{what: id + ": wall at default jobs / physical limit", target: "≤ 1.15×", measured: "not measured", pass: "FAIL"}
		if v, ok := rp.medianOf(id, "pyupload default", wallOf); ok {
			lim := s.limit(rp.cfg.defaultJobs).Seconds()
			c.measured, c.pass = ratio(v, lim), verdict(v <= 1.15*lim)
		}
		out = append(out, c)
		for _, col := range []string{"pyupload default", "pyupload -j8"} {
			out = append(out, rp.twineRatio(id, col, wallOf, "wall", "", 0))
		}
	}
	out = append(out, rp.rssCheck())
	out = append(out, rp.twineRatio("B2", "pyupload default", cpuOf, "CPU", "≤ 0.30×", 0.3))
	out = append(out, rp.twineRatio("B3", "pyupload default", cpuOf, "CPU", "≤ 0.40×", 0.4))
	out = append(out, rp.twineRatio("B5", "pyupload default", cpuOf, "CPU", "≤ 0.30×", 0.3))
	return append(out, rp.digestChecks()...)
}

// twineRatio is pyupload's figure over twine's (or twine's over
// pyupload's for a wall time, "how many times faster"); limit 0 means a
// figure reported without a target.
func (rp *report) twineRatio(id, col string, get func(sample) float64, what, target string, limit float64) check {
	c := check{what: fmt.Sprintf("%s: %s of %s / twine's", id, what, col), target: target, pass: "—"}
	if limit == 0 {
		c.what, c.target = fmt.Sprintf("%s: twine's wall / %s's", id, col), "reported"
	}
	if rp.scenario(id) == nil {
		c.measured = "not run"
		return c
	}
	if rp.cfg.twine == "" {
		c.measured = "twine not installed"
		return c
	}
	p, ok1 := rp.medianOf(id, col, get)
	t, ok2 := rp.medianOf(id, "twine", get)
	switch {
	case !ok1 || !ok2:
		c.measured = "a run failed"
		if limit > 0 {
			c.pass = "FAIL"
		}
	case limit == 0:
		c.measured = ratio(t, p)
	default:
		c.measured, c.pass = ratio(p, t), verdict(p <= limit*t)
	}
	return c
}

func (rp *report) rssCheck() check {
	c := check{what: "B2: peak RSS at default jobs", target: "≤ 32 MiB", measured: "not run", pass: "—"}
	if rp.scenario("B2") == nil {
		return c
	}
	c.measured, c.pass = "a run failed", "FAIL"
	if v, ok := rp.medianOf("B2", "pyupload default", rssOf); ok {
		c.measured, c.pass = showMiB(v), verdict(v <= 32*mib)
	}
	return c
}

func (rp *report) digestChecks() []check {
	if !rp.cfg.digest {
		return nil
	}
	if rp.digestErr != nil || len(rp.digest) == 0 {
		return []check{{what: "digest: one pass / blake2b alone", target: "≥ 85%", measured: fmt.Sprintf("not measured (%v)", rp.digestErr), pass: "FAIL"}}
	}
	// The target is the wheel's (BenchmarkDigest's comment): an sdist's
	// one pass gunzips too, which blake2b alone does not.
	var out []check
	for _, d := range rp.digest {
		c := check{what: "digest (" + d.kind + "): one pass / blake2b alone", target: "reported", measured: fmt.Sprintf("%.1f%%", d.pct), pass: "—"}
		if d.kind == "wheel" {
			c.target, c.pass = "≥ 85%", verdict(d.pct >= 85)
		}
		out = append(out, c)
	}
	return out
}

func writeChecks(w *bytes.Buffer, cs []check) {
	fmt.Fprintf(w, "| Figure | Target | Measured | Verdict |\n| --- | --- | --- | --- |\n")
	for _, c := range cs {
		fmt.Fprintf(w, "| %s |\n", strings.Join([]string{c.what, c.target, c.measured, c.pass}, " | "))
	}
	fmt.Fprintln(w)
}
