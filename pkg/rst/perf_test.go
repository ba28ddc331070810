package rst_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pyupload/pyupload/pkg/rst"
)

// TestLinearTime: a mebibyte of input built to make a naive parser
// quadratic (markup that never ends, long chains of name characters,
// deep nesting, huge tables) is judged quickly, and 16 times the input
// takes about 16 times as long, not 256 (the bound allows for a loaded
// machine: 64 times, plus half a second). Under the race detector the
// inputs are a quarter of that size.
func TestLinearTime(t *testing.T) {
	t.Parallel()
	size, limit := 1<<20, 10*time.Second
	if raceOn {
		size, limit = 1<<18, time.Minute // the ratio still tells linear from quadratic
	}
	small := pathological(size >> 4)
	for _, tt := range pathological(size) {
		var base time.Duration
		for _, s := range small {
			if s.name == tt.name {
				base = timeValidate(s.text)
			}
		}
		d := timeValidate(tt.text)
		if d > 64*base+500*time.Millisecond || d > limit {
			t.Errorf("%s: %v for %d bytes, %v for 64 KiB", tt.name, d, len(tt.text), base)
		}
	}
}

// timeValidate is the best of three runs, so a busy machine's pauses
// count less.
func timeValidate(text string) time.Duration {
	best := time.Duration(1<<63 - 1)
	runs := 3
	if raceOn {
		runs = 1
	}
	for range runs {
		start := time.Now()
		rst.Validate(text)
		best = min(best, time.Since(start))
	}
	return best
}

// pathological makes each hard input at about size bytes.
func pathological(size int) []struct{ name, text string } {
	fill := func(unit string) string { return strings.Repeat(unit, size/len(unit)) }
	tests := []struct{ name, text string }{
		{"asterisks", fill("*a ")},
		{"backquotes", fill("`a ")},
		{"name chains", fill("a-")},
		{"references", fill("a_ ")},
		{"quoted starts", fill("'*' ")},
		{"lines of name chains", fill(strings.Repeat("a-", 200) + "\n")},
		{"staircase", staircase(size)},
		{"nested lists", nestedLists(size)},
		{"block quotes", fill("text\n\n   quote\n\n")},
		{"bullets", fill("- item\n")},
		{"enumerators", fill("#. item\n")},
		{"definition lists", fill("term\n   definition\n")},
		{"grid table", "+---+\n" + fill("| a |\n+---+\n")},
		{"simple table", "=== ===\n" + fill("a   b\n") + "=== ===\n"},
		{"targets", fill(".. _a: b_\n")},
		{"comments", fill("..\n   comment\n")},
		{"field lists", fill(":a: b\n")},
		{"literal blocks", fill("a::\n\n   b\n\n")},
		{"titles", fill("Title\n=====\n\n")},
		{"blank", fill("\n")},
	}
	return tests
}

// nestedLists nests bullet lists as deep as 500 levels, again and again.
func nestedLists(size int) string {
	var b strings.Builder
	for i := 0; b.Len() < size; i++ {
		b.WriteString(strings.Repeat("  ", i%500) + "- a\n\n")
	}
	return b.String()
}

// staircase indents each line one more space than the last.
func staircase(size int) string {
	var b strings.Builder
	for i := 0; b.Len() < size; i++ {
		b.WriteString(strings.Repeat(" ", i%2000) + "a\n")
	}
	return b.String()
}

// BenchmarkValidateReadme: pyupload check's reStructuredText validation
// of a 100 KiB README (real-looking text repeated) must stay far under
// 20 ms.
func BenchmarkValidateReadme(b *testing.B) {
	readme := readme100k()
	b.SetBytes(int64(len(readme)))
	for b.Loop() {
		if got := rst.Validate(readme); len(got) > 0 {
			b.Fatal(got)
		}
	}
}

// TestReadmeValid: the benchmark's README is valid, so the benchmark
// measures a whole validation. Its speed is measured by make bench
// (BenchmarkValidateReadme), not by a timed test on a busy machine.
func TestReadmeValid(t *testing.T) {
	t.Parallel()
	if got := rst.Validate(readme100k()); len(got) > 0 {
		t.Fatal(got)
	}
}

// readmeSection writes backquotes as "´" (a Go raw string cannot hold them).
const readmeSection = `Section %d
================

Some *emphasis*, **strong**, ´´literal´´ and a link_ to ´the docs <https://example.org/%d>´__.

- a bullet with ´interpreted´ text
- another one

  nested paragraph

1. first
2. second

term
   definition

.. note::

   A note with a reference to |sub|.

::

    literal block
    more

+------+-------+
| a    | b     |
+======+=======+
| 1    | 2     |
+------+-------+

`

func readme100k() string {
	var b strings.Builder
	b.WriteString("Project\n#######\n\n.. |sub| replace:: substitution\n.. _link: https://example.org/\n\n")
	for i := 0; b.Len() < 100<<10; i++ {
		b.WriteString(strings.NewReplacer("%d", itoa(i), "´", "`").Replace(readmeSection))
	}
	return b.String()
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
