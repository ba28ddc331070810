package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
)

// generate writes every scenario's dists into the corpus (a file shared
// by two scenarios is written once), fills in their files and sizes, and
// checks them all with pyupload check: a benchmark of uploads the index
// would refuse measures nothing.
func generate(ctx context.Context, cfg *config, scs []*scenario) error {
	done := map[string]int64{}
	for _, s := range scs {
		s.files, s.bytes, s.largest = nil, 0, 0
		for _, d := range s.dists {
			if err := ctx.Err(); err != nil {
				return err
			}
			name := d.filename()
			size, ok := done[name]
			if !ok {
				path, err := d.write(cfg.corpus)
				if err != nil {
					return err
				}
				st, err := os.Stat(path)
				if err != nil {
					return fmt.Errorf("generating the corpus: %w", err)
				}
				size = st.Size()
				done[name] = size
			}
			s.files = append(s.files, name)
			s.bytes += size
			s.largest = max(s.largest, size)
		}
	}
	if len(done) == 0 {
		return nil
	}
	names := make([]string, 0, len(done))
	for n := range done {
		names = append(names, n)
	}
	sort.Strings(names)
	check := &scenario{act: actCheck, files: names}
	if _, err := runClient(ctx, cfg, cfg.corpus, column{jobs: 0}.argv(cfg, check, "", "")); err != nil {
		return fmt.Errorf("the generated corpus fails pyupload check: %w", err)
	}
	return nil
}

// measure runs every scenario's columns, round after round: within a
// round each column runs once, in turn, so that a slow spell of the
// machine touches every column alike.
func (rp *report) measure(ctx context.Context, stderr io.Writer) error {
	for _, s := range rp.scenarios {
		for r := range rp.cfg.rounds {
			for _, c := range rp.columns {
				if !c.applies(s) || c.twine && rp.cfg.twine == "" {
					continue
				}
				if err := ctx.Err(); err != nil {
					return err
				}
				smp, err := runOnce(ctx, rp.cfg, s, c)
				cl := rp.res.cell(s, c)
				if err != nil {
					cl.errs = append(cl.errs, err)
					_, _ = fmt.Fprintf(stderr, "bench: %s round %d/%d %s: FAILED: %v\n", s.id, r+1, rp.cfg.rounds, c.name, err)
					continue
				}
				cl.samples = append(cl.samples, smp)
				_, _ = fmt.Fprintf(stderr, "bench: %s round %d/%d %s: wall %s, cpu %s, rss %s, index cpu %s\n",
					s.id, r+1, rp.cfg.rounds, c.name, showSeconds(smp.wall.Seconds()), showSeconds(smp.cpu.Seconds()), showMiB(float64(smp.rss)), showSeconds(smp.indexCPU.Seconds()))
			}
		}
	}
	return nil
}

// publish prints the report and writes it to -out.
func (rp *report) publish(stdout io.Writer) error {
	var doc bytes.Buffer
	rp.writeMarkdown(&doc)
	if rp.cfg.out != "" {
		if err := os.MkdirAll(filepath.Dir(rp.cfg.out), 0o750); err != nil {
			return fmt.Errorf("writing the report: %w", err)
		}
		if err := os.WriteFile(rp.cfg.out, doc.Bytes(), 0o644); err != nil { // #nosec G306 -- documentation, for everyone to read
			return fmt.Errorf("writing the report: %w", err)
		}
	}
	if _, err := stdout.Write(doc.Bytes()); err != nil {
		return fmt.Errorf("printing the report: %w", err)
	}
	return nil
}
