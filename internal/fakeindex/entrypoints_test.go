package fakeindex

import (
	"github.com/pyupload/pyupload/internal/pyoracle"
	"testing"
)

// TestEntryPointsAsConfigparser judges generated entry_points.txt texts
// with Python's configparser, configured as Warehouse configures it, and
// with the index's reader. It skips only outside CI without python3.
func TestEntryPointsAsConfigparser(t *testing.T) {
	t.Parallel()
	const script = `import configparser, json, re, sys
def judge(text):
    p = configparser.ConfigParser(delimiters=("=",))
    p.optionxform = str
    try:
        p.read_string(text)
    except configparser.Error:
        return False
    return all(re.fullmatch(r"[\w.-]+", k) for s in ("console_scripts", "gui_scripts") if s in p for k in p[s])
print(json.dumps([judge(t) for t in json.load(sys.stdin)]))`
	var corpus []string
	lines := []string{"[console_scripts]", "[gui_scripts]", "[DEFAULT]", "[x] ]", "[]", " [gui_scripts] #", "a = b", "a=b", "a b = c",
		"\u2003a = b", "  b = c", "\u00bd = x", "=x", "x", "#c", "", "\x1f"}
	for _, a := range lines {
		for _, b := range lines {
			for _, c := range lines {
				corpus = append(corpus, a+"\n"+b+"\n"+c+"\n")
			}
		}
	}
	var want []bool
	pyoracle.JSON(t, script, corpus, &want)
	if len(want) != len(corpus) {
		t.Fatalf("python answered %d verdicts for %d texts", len(want), len(corpus))
	}
	bad := 0
	for i, text := range corpus {
		if got := validEntryPoints([]byte(text)); got != want[i] && bad < 20 {
			bad++
			t.Errorf("validEntryPoints(%q) = %v, configparser %v", text, got, want[i])
		}
	}
}
