package main

import (
	"bytes"
	"fmt"
	"strings"
)

// writeMarkdown writes the whole report: docs/benchmarks.md.
func (rp *report) writeMarkdown(w *bytes.Buffer) {
	m := rp.machine
	fmt.Fprintf(w, "# Benchmarks\n\nWritten by `make bench` (`cmd/bench`) on %s, in %s.\n\n", rp.started.UTC().Format("2006-01-02 15:04 MST"), rp.elapsed.Round(1e9))
	fmt.Fprintf(w, "- Machine: %s, %d cores, %s\n- Go: %s\n- pyupload: %s\n- twine: %s\n", m.cpu, m.cores, m.kernel, m.goVersion, m.pyupload, m.twine)
	if m.digestFlags != nil {
		// Which of the digest's kernels ran (docs/architecture.md, "Both digests at once").
		have := strings.Join(m.digestFlags, ", ")
		if have == "" {
			have = "none"
		}
		fmt.Fprintf(w, "- CPU flags the digest's kernels look for (%s): this machine has %s\n", strings.Join(kernelFlags, ", "), have)
	}
	fmt.Fprintf(w, "- Rounds: %d, interleaved (each round runs every column of a scenario in turn); every figure is the median of the rounds\n", rp.cfg.rounds)
	if rp.cfg.scale != 1 {
		fmt.Fprintf(w, "- **Scale %g**: sizes and counts shrunk from the issue's; the physical limits are computed for the sizes actually sent\n", rp.cfg.scale)
	}
	fmt.Fprintf(w, "\nThe index (`bin/fakeindex -bench -tls`) runs on the same machine and shares its cores with the client; a fresh one serves every upload run. In bench mode it checks the token and the form's small fields, counts the file's bytes and discards them, and lists the file by the client's digest; its CPU is reported per run beside the client's. Each client is started by a small launcher (`bench -launch`), which reports its wall time, CPU and peak RSS: started by the benchmark itself, a client's peak RSS would start at the benchmark's own (Linux counts the parent's memory at the fork).\n\n")
	fmt.Fprintf(w, "## Scenarios\n\n| Scenario | What | Files | Bytes |\n| --- | --- | --- | --- |\n")
	for _, s := range rp.scenarios {
		fmt.Fprintf(w, "| %s | %s | %d | %s |\n", s.id, s.title, len(s.files), showMiB(float64(s.bytes)))
	}
	fmt.Fprintf(w, "\nPhysical limit at `jobs` connections: `max(bytes / (jobs × bandwidth) + (ceil(files / jobs) + 1) × latency, largest / bandwidth + 2 × latency)`, shaped scenarios only (bandwidth is per connection; the one extra latency is the round that asks the index what it already has, before any upload).\n\n")
	fmt.Fprintf(w, "## Results\n\n")
	for _, mt := range metrics {
		rp.writeTable(w, mt)
	}
	fmt.Fprintf(w, "## Acceptance (issue 14), from this run\n\n")
	writeChecks(w, rp.checks())
	if f := rp.failures(); len(f) > 0 {
		fmt.Fprintf(w, "## Failed runs\n\n")
		for _, line := range f {
			fmt.Fprintf(w, "- %s\n", strings.ReplaceAll(line, "\n", " "))
		}
		fmt.Fprintln(w)
	}
	rp.writeCommands(w)
}

// writeCommands says exactly what ran.
func (rp *report) writeCommands(w *bytes.Buffer) {
	fmt.Fprintf(w, "## Commands\n\n```sh\n%s\n```\n\n", strings.Join(rp.cfg.invocation, " "))
	fmt.Fprintf(w, "Every run, in a clean environment (`PATH` only, a fresh `HOME`, `TWINE_USERNAME=__token__`, `TWINE_PASSWORD=<token>`, proxies at 127.0.0.1:9 for every host but loopback), from the corpus directory (`FILES` are the scenario's dists):\n\n```sh\n")
	fmt.Fprintf(w, "# the index, fresh for each upload run (latency and bandwidth as the scenario says, 0 for unshaped)\n%s -bench -tls -tls-ca-file CA -addr 127.0.0.1:0 -token TOKEN -max-file-size %d -latency 100ms -bandwidth %d\n", rp.shown(rp.cfg.fakeindex), int64(4*gib), int64(20*mib))
	up := &scenario{act: actUpload, files: []string{"FILES"}}
	for _, c := range rp.columns {
		if c.twine && rp.cfg.twine == "" {
			continue
		}
		fmt.Fprintf(w, "# %s\n%s\n", rp.columnTitle(c), rp.commandLine(c.argv(rp.cfg, up, "URL", "CA")))
	}
	for _, s := range []*scenario{{act: actCheck, files: []string{"FILES"}}, {act: actVersion}} {
		for _, c := range rp.columns {
			if c.applies(s) && (!c.twine || rp.cfg.twine != "") {
				fmt.Fprintf(w, "%s\n", rp.commandLine(c.argv(rp.cfg, s, "", "")))
			}
		}
	}
	fmt.Fprintf(w, "```\n\n")
	if rp.cfg.digest {
		fmt.Fprintf(w, "The digest figure: `%s %s` (its `ratio` sub-benchmarks, metric `pct-of-blake2b`).\n", rp.cfg.goBin, strings.Join(digestCommand, " "))
	}
}

// shown is a binary's path as its flag gave it (bin/pyupload rather than
// the absolute path the children run).
func (rp *report) shown(path string) string {
	if s, ok := rp.cfg.shown[path]; ok {
		return s
	}
	return path
}

func (rp *report) commandLine(argv []string) string {
	return strings.Join(append([]string{rp.shown(argv[0])}, argv[1:]...), " ")
}
