package main

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// action is what a scenario asks of the clients.
type action int

const (
	actUpload  action = iota // upload every file to a fresh index
	actCheck                 // check every file (no index)
	actVersion               // print the version (no index, no files)
)

// scenario is one row of the table.
type scenario struct {
	id, title string
	act       action
	latency   time.Duration // added by the index to every request
	bandwidth int64         // bytes/s per connection; 0 is unshaped
	dists     []distSpec
	files     []string // the dists' file names, in the corpus directory
	bytes     int64    // the files' total size
	largest   int64    // the largest file's size
}

const (
	kib = 1 << 10
	mib = 1 << 20
	gib = 1 << 30
)

// scaled shrinks a size for a quick run, keeping at least floor bytes.
func scaled(n int64, scale float64, floor int64) int64 {
	return max(floor, int64(math.Round(float64(n)*scale)))
}

// scaledCount shrinks a file count, keeping at least floor files.
func scaledCount(n int, scale float64, floor int) int {
	return max(floor, int(math.Round(float64(n)*scale)))
}

// wheels are n wheels of one release of project, each with its own
// platform tag (manylinux_2_<i>_x86_64) so that they may share it.
func wheels(project string, sizes []int64, seed uint64) []distSpec {
	out := make([]distSpec, len(sizes))
	for i, size := range sizes {
		out[i] = distSpec{project: project, version: "1.0", platform: fmt.Sprintf("manylinux_2_%d_x86_64", i), payload: size, seed: seed + uint64(i)}
	}
	return out
}

func repeat(n int, size int64) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = size
	}
	return out
}

// mixedSizes spreads n sizes geometrically from lo to hi, as a release's
// wheels are: many small ones, a few large ones.
func mixedSizes(n int, lo, hi int64) []int64 {
	out := make([]int64, n)
	for i := range out {
		f := 0.0
		if n > 1 {
			f = float64(i) / float64(n-1)
		}
		out[i] = int64(float64(lo) * math.Pow(float64(hi)/float64(lo), f))
	}
	return out
}

// scenarios are the B1–B5 at scale (1 is the sizes).
func scenarios(scale float64) []*scenario {
	const floor = 16 * kib
	b1 := wheels("bench-b1", repeat(scaledCount(40, scale, 4), scaled(8*mib, scale, floor)), 1000)
	mixed := wheels("bench-mixed", mixedSizes(scaledCount(48, scale, 4), scaled(2*mib, scale, floor), scaled(40*mib, scale, floor)), 2000)
	mixed = append([]distSpec{{project: "bench-mixed", version: "1.0", payload: scaled(4*mib, scale, floor), seed: 2999, sdist: true}}, mixed...)
	small := wheels("bench-small", repeat(scaledCount(1000, scale, 4), scaled(20*kib, scale, floor)), 3000)
	return []*scenario{
		{id: "B1", title: "40 × 8 MiB wheels, 100 ms, 20 MiB/s per connection", act: actUpload, latency: 100 * time.Millisecond, bandwidth: 20 * mib, dists: b1},
		{id: "B1-mixed", title: "a release: 1 sdist + 48 wheels of 2–40 MiB, 100 ms, 20 MiB/s per connection", act: actUpload, latency: 100 * time.Millisecond, bandwidth: 20 * mib, dists: mixed},
		{id: "B2", title: "one 1 GiB wheel, unshaped", act: actUpload, dists: wheels("bench-huge", []int64{scaled(gib, scale, floor)}, 4000)},
		{id: "B3", title: "1,000 wheels of 20 KiB, unshaped", act: actUpload, dists: small},
		{id: "B4", title: "--version", act: actVersion},
		{id: "B5", title: "check of 500 dists", act: actCheck, dists: small[:scaledCount(500, scale, 4)]},
	}
}

// pick keeps the scenarios only names (comma-separated ids; "" keeps all).
func pick(all []*scenario, only string) ([]*scenario, error) {
	if only == "" {
		return all, nil
	}
	var out []*scenario
	for id := range strings.SplitSeq(only, ",") {
		found := false
		for _, s := range all {
			if strings.EqualFold(s.id, strings.TrimSpace(id)) {
				out, found = append(out, s), true
			}
		}
		if !found {
			return nil, fmt.Errorf("-only: no scenario %q", id)
		}
	}
	return out, nil
}

// limit is the physical limit of an upload at jobs connections: every
// byte through jobs connections of the per-connection bandwidth plus one
// latency per round of jobs files, or the largest file's own time when
// that is longer, and one more latency for the round that asks the index
// what it already has (a publish that decides "already uploaded" by hash
// cannot skip it; the issue's own figure counted the lookups too). Zero
// when the scenario is not shaped.
func (s *scenario) limit(jobs int) time.Duration {
	if s.act != actUpload || s.bandwidth <= 0 || jobs <= 0 {
		return 0
	}
	n := len(s.files)
	rounds := (n+jobs-1)/jobs + 1 // the lookup, then the uploads
	secs := float64(s.bytes)/float64(int64(jobs)*s.bandwidth) + float64(rounds)*s.latency.Seconds()
	largest := float64(s.largest)/float64(s.bandwidth) + 2*s.latency.Seconds()
	return time.Duration(max(secs, largest) * float64(time.Second))
}
