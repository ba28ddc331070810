package dist

import (
	"github.com/pyupload/pyupload/internal/pyoracle"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// entryPointsScript judges entry_points.txt texts as Warehouse does
// (configparser with '=' as the only delimiter, case-sensitive keys, then
// [\w.-]+ for console and gui script names), with Debian's python3.
const entryPointsScript = `import configparser, json, re, sys
class P(configparser.ConfigParser):
    optionxform = staticmethod(str)
def ok(text):
    p = P(delimiters=("=",))
    try:
        p.read_string(text)
    except configparser.Error:
        return False
    for name in ("console_scripts", "gui_scripts"):
        if name in p:
            for key in p[name]:
                if re.fullmatch(r"[\w.-]+", key) is None:
                    return False
    return True
print(json.dumps([ok(t) for t in json.load(sys.stdin)]))`

// entryPointsCorpus combines section headers, keys and layouts that
// configparser reads in ways a simple INI reader would not.
func entryPointsCorpus() []string {
	heads := []string{"[console_scripts]", "[gui_scripts]", "[console_scripts] ; note", "[ console_scripts ]", "[console_scripts]x]",
		"[]", "[DEFAULT]", "[other]", "\ufeff[console_scripts]", "  [console_scripts]", "[console_scripts"}
	keys := []string{"tool = pkg:main", "tool=pkg:main", "my tool = pkg:main", "tool/x = pkg:main", "tool.x-y_z = a:b",
		"t\u00e9l\u00e9 = a:b", "t\u00bd = a:b", "t\u2163 = a:b", "t\u0301 = a:b", "= a:b", "novalue", "tool : a:b", "a = b = c",
		"  indented = a:b", "\u00a0nbsp = a:b", "k\x1c = v", "# comment", "; comment", "", "\tcontinued line", "tool = pkg:main"}
	var out []string
	for _, h := range heads {
		for _, k1 := range keys {
			for _, k2 := range keys {
				out = append(out, h+"\n"+k1+"\n"+k2+"\n")
				out = append(out, h+"\r\nok = a:b\r\n"+k1+"\n\n"+k2)
			}
		}
	}
	out = append(out, "[DEFAULT]\nbad key = x\n[console_scripts]\nok = a:b\n", "[DEFAULT]\nbad key = x\n[other]\n",
		"[a]\nx = 1\n[a]\n", "[DEFAULT]\nx = 1\n[DEFAULT]\ny = 2\n", "[DEFAULT]\nx = 1\n[DEFAULT]\nx = 2\n",
		"[console_scripts]\nok = a:b\n\n   still the value = x\n", "[console_scripts]\n  ok = a:b\n bad key = x\n",
		"[console_scripts]\n\u3000ok = a:b\n  bad key = x\n", "[console_scripts]\nok = a:b\n# c\n  bad key = x\n",
		"key = before any section\n", "", "\n\n", "[console_scripts]\nok = a:b\r\n  more\r\n", "[a]\nx = 1\n[b]\nx = 1\n")
	return out
}

// TestEntryPointsAsWarehouse is the differential test of validEntryPoints
// against Python's configparser. It skips only outside CI when python3 is
// missing.
func TestEntryPointsAsWarehouse(t *testing.T) {
	t.Parallel()
	corpus := entryPointsCorpus()
	var want []bool
	pyoracle.JSON(t, entryPointsScript, corpus, &want)
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
	if validEntryPoints([]byte("[console_scripts]\nok = a:b\n\xff\n")) {
		t.Error("validEntryPoints accepted a file that is not UTF-8")
	}
}

// TestScriptNameCharsAsPython compares isScriptName with Python's
// [\w.-] for every code point Python's Unicode assigns.
func TestScriptNameCharsAsPython(t *testing.T) {
	t.Parallel()
	const script = `import re, sys, unicodedata
w = re.compile(r"[\w.-]")
print("".join("-" if unicodedata.category(chr(c)) in ("Cn", "Cs") else "01"[w.fullmatch(chr(c)) is not None] for c in range(sys.maxunicode + 1)))`
	out, err := exec.CommandContext(t.Context(), "/usr/bin/python3", "-c", script).Output()
	if err != nil {
		if os.Getenv("CI") == "" { //nolint:forbidigo // a test may: only outside CI may a missing tool skip it
			t.Skipf("no /usr/bin/python3: %v", err)
		}
		t.Fatal(err)
	}
	python := strings.TrimSpace(string(out))
	bad := 0
	for r, want := range []byte(python) {
		if want == '-' || bad >= 20 {
			continue
		}
		if got := map[bool]byte{true: '1', false: '0'}[isScriptName(string(rune(r)))]; got != want {
			bad++
			t.Errorf("U+%04X: a script-name character here: %c, in Python: %c", r, got, want)
		}
	}
}

// TestEntryPointsProblem: a refused entry_points.txt says where and why,
// which the index's own message does not.
func TestEntryPointsProblem(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ text, want string }{
		{"[console_scripts]\nok = m:f\n", ""},
		{"x = 1\n", "line 1: an entry before any [section] header"},
		{"[console_scripts]\nnot a pair\n", "line 2: 'not a pair' is not a 'name = value' line"},
		{"[a]\nk = 1\nk = 2\n", "line 3: 'k' appears twice in [a]"},
		{"[a]\n[b]\n[a]\n", "line 3: section [a] appears twice"},
		{"[gui_scripts]\nmy tool = m:f\n", "'my tool' in [gui_scripts] is not a script name (letters, digits, '_', '.' and '-' only)"},
		{"\xff", "the file is not UTF-8"},
	} {
		if got := entryPointsProblem([]byte(tt.text)); got != tt.want {
			t.Errorf("entryPointsProblem(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}
