package rst_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/pyupload/pyupload/pkg/rst"
)

// minInstalled is the floor for the installed-package corpus.
const minInstalled = 500

// TestInstalledDescriptions judges every reStructuredText description of
// the Python distributions installed here with readme_renderer and with
// Validate: they must agree on every one.
func TestInstalledDescriptions(t *testing.T) {
	script := needOracle(t)
	texts := installedDescriptions(t)
	if len(texts) < minInstalled && inCI() {
		t.Fatalf("only %d reStructuredText descriptions installed, want at least %d: .ci/run installs the python3 packages", len(texts), minInstalled)
	}
	raw := make([]string, len(texts))
	for i, d := range texts {
		raw[i] = d.text
	}
	verdicts := judge(t, script, raw, false)
	failing, disagree := 0, 0
	for i, d := range texts {
		if !verdicts[i].OK {
			failing++
		}
		if got := rst.Validate(d.text); (len(got) == 0) != verdicts[i].OK {
			disagree++
			t.Errorf("%s: readme_renderer ok=%v %v; Validate: %v", d.source, verdicts[i].OK, verdicts[i].Messages, got)
		}
	}
	t.Logf("installed corpus: %d reStructuredText descriptions, %d refused by readme_renderer, %d disagreements", len(texts), failing, disagree)
}

// sameFirst: Validate's problem is the message docutils halted on.
func sameFirst(p rst.Problem, v verdict) bool {
	if len(v.Messages) == 0 {
		return false
	}
	line, _ := v.Messages[0][0].(float64)
	text, _ := v.Messages[0][2].(string)
	return p.Message == text && p.Line == int(line)
}

// TestMutatedDescriptions makes typical mistakes in the installed
// descriptions and judges each mutant with both: at least 99% must agree,
// and Validate must never refuse one that readme_renderer renders.
func TestMutatedDescriptions(t *testing.T) {
	script := needOracle(t)
	ms := mutants(installedDescriptions(t))
	raw := make([]string, len(ms))
	for i, m := range ms {
		raw[i] = m.text
	}
	verdicts := judge(t, script, raw, false)
	sameMsg, bothRefuse := 0, 0
	type tally struct{ n, refused, missed, falseErr int }
	byCat := map[string]*tally{}
	var lines []string
	for i, m := range ms {
		c := byCat[m.category]
		if c == nil {
			c = &tally{}
			byCat[m.category] = c
		}
		c.n++
		got := rst.Validate(m.text)
		if !verdicts[i].OK {
			c.refused++
			if len(got) > 0 {
				bothRefuse++
				if sameFirst(got[0], verdicts[i]) {
					sameMsg++
				}
			}
		}
		switch {
		case len(got) == 0 && !verdicts[i].OK:
			c.missed++
			lines = append(lines, fmt.Sprintf("missed   %-20s %s: readme_renderer %v", m.category, m.source, verdicts[i].Messages))
		case len(got) > 0 && verdicts[i].OK:
			c.falseErr++
			lines = append(lines, fmt.Sprintf("FALSE    %-20s %s: Validate %v", m.category, m.source, got))
		}
	}
	total, missed, falseErr := 0, 0, 0
	cats := make([]string, 0, len(byCat))
	for k := range byCat {
		cats = append(cats, k)
	}
	sort.Strings(cats)
	for _, k := range cats {
		c := byCat[k]
		total += c.n
		missed += c.missed
		falseErr += c.falseErr
		t.Logf("%-20s %5d mutants, %5d refused by readme_renderer, %3d missed, %3d false errors", k, c.n, c.refused, c.missed, c.falseErr)
	}
	sort.Strings(lines)
	t.Logf("disagreements:\n%s", strings.Join(lines, "\n"))
	agree := 100 * float64(total-missed-falseErr) / float64(max(total, 1))
	t.Logf("mutation corpus: %d mutants, %.2f%% agreement, %d missed, %d false errors", total, agree, missed, falseErr)
	t.Logf("of %d mutants both refuse, %d get docutils' first message (text and line)", bothRefuse, sameMsg)
	if falseErr > 0 || agree < 99 {
		t.Errorf("want no false errors and at least 99%% agreement")
	}
}
