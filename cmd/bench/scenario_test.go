package main

import (
	"slices"
	"testing"
	"time"
)

func TestLimit(t *testing.T) {
	t.Parallel()
	s := &scenario{act: actUpload, latency: 100 * time.Millisecond, bandwidth: 20 * mib, files: make([]string, 40), bytes: 40 * 8 * mib, largest: 8 * mib}
	for _, tc := range []struct {
		jobs int
		want time.Duration
	}{
		{1, 16*time.Second + 4100*time.Millisecond}, // 320 MiB at 20 MiB/s, the lookup and 40 rounds of 100 ms
		{4, 4*time.Second + 1100*time.Millisecond},
		{8, 2*time.Second + 600*time.Millisecond},
		{40, 600 * time.Millisecond}, // the lookup, then the largest file's own time: 8/20 s + 100 ms
	} {
		if got := s.limit(tc.jobs); (got - tc.want).Abs() > time.Millisecond {
			t.Errorf("limit(%d) = %v, want %v", tc.jobs, got, tc.want)
		}
	}
	if got := (&scenario{act: actUpload, files: []string{"a"}, bytes: 1}).limit(4); got != 0 {
		t.Errorf("unshaped limit = %v, want 0", got)
	}
}

func TestScenariosAtFullScale(t *testing.T) {
	t.Parallel()
	scs := scenarios(1)
	count := map[string]int{}
	for _, s := range scs {
		count[s.id] = len(s.dists)
	}
	want := map[string]int{"B1": 40, "B1-mixed": 49, "B2": 1, "B3": 1000, "B4": 0, "B5": 500}
	for id, n := range want {
		if count[id] != n {
			t.Errorf("%s has %d dists, want %d", id, count[id], n)
		}
	}
	mixed := scs[1].dists
	if !mixed[0].sdist || mixed[1].payload != 2*mib || mixed[len(mixed)-1].payload != 40*mib {
		t.Errorf("B1-mixed: sdist %v, smallest wheel %d, largest %d", mixed[0].sdist, mixed[1].payload, mixed[len(mixed)-1].payload)
	}
	seen := map[string]bool{}
	for _, d := range append(append([]distSpec(nil), scs[0].dists...), mixed...) {
		if seen[d.filename()] {
			t.Errorf("two dists named %s", d.filename())
		}
		seen[d.filename()] = true
	}
	if _, err := pick(scs, "b1,B5"); err != nil {
		t.Error(err)
	}
	if _, err := pick(scs, "B9"); err == nil {
		t.Error("pick(B9): no error")
	}
}

func TestPresentFlags(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		flags []string
		want  []string
	}{
		{[]string{"fpu", "avx512vl", "sha_ni", "avx", "avx2", "avx512f"}, []string{"sha_ni", "avx", "avx512f", "avx512vl"}},
		{[]string{"fpu", "avx", "avx2"}, []string{"avx"}},
		{[]string{"avx512vlx", "sha"}, []string{}},
	} {
		if got := presentFlags(c.flags); !slices.Equal(got, c.want) {
			t.Errorf("presentFlags(%q) = %q, want %q", c.flags, got, c.want)
		}
	}
}
