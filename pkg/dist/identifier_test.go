package dist

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"unicode"
)

// TestIsIdentifierAsPython compares pyIsIdentifier with Debian's python3
// for every code point, as a first and as a later character. Code points
// Python's Unicode version has not assigned are left out: Go's tables may
// be newer. It skips only outside CI when python3 is missing.
func TestIsIdentifierAsPython(t *testing.T) {
	t.Parallel()
	// One character per code point: "-" unassigned in Python's Unicode,
	// else isidentifier as a first and as a later character ("10", ...).
	const script = `import sys, unicodedata
out = []
for c in range(sys.maxunicode + 1):
    ch = chr(c)
    if unicodedata.category(ch) in ("Cn", "Cs"):
        out.append("-")
    else:
        out.append("0123"[ch.isidentifier() * 2 + ("a" + ch).isidentifier()])
print("".join(out))`
	out, err := exec.CommandContext(t.Context(), "/usr/bin/python3", "-c", script).Output()
	if err != nil {
		if os.Getenv("CI") == "" { //nolint:forbidigo // a test may: only outside CI may a missing tool skip it
			t.Skipf("no /usr/bin/python3: %v", err)
		}
		t.Fatal(err)
	}
	python := strings.TrimSpace(string(out))
	if len(python) != unicode.MaxRune+1 {
		t.Fatalf("python3 answered %d code points", len(python))
	}
	bad := 0
	for r := rune(0); r <= unicode.MaxRune && bad < 20; r++ {
		want := python[r]
		if want == '-' {
			continue
		}
		got := byte('0')
		if pyIsIdentifier(string(r)) {
			got += 2
		}
		if pyIsIdentifier("a" + string(r)) {
			got++
		}
		if got != want {
			bad++
			t.Errorf("U+%04X: isidentifier (first, later) = %c here, %c in Python", r, got, want)
		}
	}
}
