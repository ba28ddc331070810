package main

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"time"
)

// cell is every run of one column on one scenario.
type cell struct {
	samples []sample
	errs    []error
}

// results are the cells by scenario id and column name.
type results map[string]map[string]*cell

func (r results) cell(s *scenario, c column) *cell {
	if r[s.id] == nil {
		r[s.id] = map[string]*cell{}
	}
	if r[s.id][c.name] == nil {
		r[s.id][c.name] = &cell{}
	}
	return r[s.id][c.name]
}

// median of a metric over the runs; false when a run failed or none ran.
func (c *cell) median(metric func(sample) float64) (float64, bool) {
	if c == nil || len(c.errs) > 0 || len(c.samples) == 0 {
		return 0, false
	}
	vs := make([]float64, len(c.samples))
	for i, s := range c.samples {
		vs[i] = metric(s)
	}
	slices.Sort(vs)
	if n := len(vs); n%2 == 0 {
		return (vs[n/2-1] + vs[n/2]) / 2, true
	}
	return vs[len(vs)/2], true
}

// metric is one table: how to read a sample and how to show the value.
type metric struct {
	title string
	get   func(sample) float64
	show  func(float64) string
	index bool // only for runs with an index
}

func seconds(d time.Duration) float64 { return d.Seconds() }

func showSeconds(v float64) string {
	if v < 1 {
		return fmt.Sprintf("%.0f ms", v*1000)
	}
	return fmt.Sprintf("%.2f s", v)
}

func showMiB(v float64) string { return fmt.Sprintf("%.1f MiB", v/mib) }

func showCount(v float64) string { return fmt.Sprintf("%g", v) }

var metrics = []metric{
	{title: "Wall time", get: func(s sample) float64 { return seconds(s.wall) }, show: showSeconds},
	{title: "Client CPU (user+sys)", get: func(s sample) float64 { return seconds(s.cpu) }, show: showSeconds},
	{title: "Index CPU per run (user+sys)", get: func(s sample) float64 { return seconds(s.indexCPU) }, show: showSeconds, index: true},
	{title: "Client peak RSS", get: func(s sample) float64 { return float64(s.rss) }, show: showMiB},
	{title: "TLS handshakes per run (full + resumed)", get: func(s sample) float64 {
		return float64(s.stats.FullHandshakes + s.stats.ResumedHandshakes)
	}, show: showCount, index: true},
	{title: "Resumed TLS handshakes per run", get: func(s sample) float64 { return float64(s.stats.ResumedHandshakes) }, show: showCount, index: true},
	{title: "TCP connections per run", get: func(s sample) float64 { return float64(s.stats.Connections) }, show: showCount, index: true},
}

// report is everything the Markdown says.
type report struct {
	cfg       *config
	scenarios []*scenario
	columns   []column
	res       results
	machine   machine
	digest    []digestFigure
	digestErr error
	started   time.Time
	elapsed   time.Duration
}

// writeTable writes one metric's table: a row per scenario, a column per
// client, and for the wall time the physical limits.
func (rp *report) writeTable(w *bytes.Buffer, m metric) {
	head := []string{"Scenario"}
	for _, c := range rp.columns {
		head = append(head, rp.columnTitle(c))
	}
	wall := m.title == "Wall time"
	if wall {
		head = append(head, fmt.Sprintf("limit at default (%d)", rp.cfg.defaultJobs), "limit at -j8")
	}
	fmt.Fprintf(w, "### %s\n\n| %s |\n|%s\n", m.title, strings.Join(head, " | "), strings.Repeat(" --- |", len(head)))
	for _, s := range rp.scenarios {
		row := []string{s.id}
		for _, c := range rp.columns {
			row = append(row, rp.value(s, c, m))
		}
		if wall {
			for _, j := range []int{rp.cfg.defaultJobs, 8} {
				row = append(row, showLimit(s.limit(j)))
			}
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(row, " | "))
	}
	fmt.Fprintln(w)
}

func showLimit(d time.Duration) string {
	if d == 0 {
		return "—"
	}
	return showSeconds(d.Seconds())
}

func (rp *report) columnTitle(c column) string {
	if c.name == "pyupload default" {
		return fmt.Sprintf("pyupload default (%d)", rp.cfg.defaultJobs)
	}
	return c.name
}

// value is one cell of a table.
func (rp *report) value(s *scenario, c column, m metric) string {
	switch {
	case c.twine && rp.cfg.twine == "":
		return "not installed"
	case !c.applies(s) || (m.index && s.act != actUpload):
		return "—"
	}
	cl := rp.res[s.id][c.name]
	if v, ok := cl.median(m.get); ok {
		return m.show(v)
	}
	if cl != nil && len(cl.errs) > 0 {
		return "FAILED"
	}
	return "—"
}

// failures lists every failed run, so a FAILED cell is explained.
func (rp *report) failures() []string {
	var out []string
	for _, s := range rp.scenarios {
		for _, c := range rp.columns {
			if cl := rp.res[s.id][c.name]; cl != nil {
				for _, err := range cl.errs {
					out = append(out, fmt.Sprintf("%s, %s: %v", s.id, c.name, err))
				}
			}
		}
	}
	return out
}
