package dist

import (
	"encoding/json"
	"github.com/pyupload/pyupload/internal/pyoracle"
	"strings"
	"testing"
)

// TestPyStrAsPython compares pyRepr, pyList, pyLower (on what can become
// ASCII), pyFields and pyStrip with Python's own answers.
func TestPyStrAsPython(t *testing.T) {
	t.Parallel()
	inputs := []string{"plain", "it's", `say "hi"`, `both ' and "`, "back\\slash", "tab\tnew\nline\r", "\x00\x1f\x7f",
		"caf\u00e9", "\u00a0nbsp", "\u200b\u2028", "\U0001F600", "\U000E0001", "\ufeff", "M\u0130T \u212aelvin",
		"a\x1cb\x1dc\x1ed\x1fe f\u3000g\u0085h", "  \t  ", ""}
	const script = `import json, sys
inputs = json.load(sys.stdin)
print(json.dumps([[repr(s), repr(inputs[:3]), s.lower() if s.lower().isascii() else None, s.split(), s.strip()] for s in inputs]))`
	var want [][]json.RawMessage
	pyoracle.JSON(t, script, inputs, &want)
	for i, s := range inputs {
		var repr, list, stripped string
		var lower *string // nil when Python lowers s to something not ASCII
		var fields []string
		for j, dst := range []any{&repr, &list, &lower, &fields, &stripped} {
			if err := json.Unmarshal(want[i][j], dst); err != nil {
				t.Fatal(err)
			}
		}
		if got := pyRepr(s); got != repr {
			t.Errorf("pyRepr(%q) = %s, Python %s", s, got, repr)
		}
		if got := pyList(inputs[:3]); got != list {
			t.Errorf("pyList = %s, Python %s", got, list)
		}
		if got := pyLower(s); lower == nil && isASCII(got) || lower != nil && got != *lower {
			t.Errorf("pyLower(%q) = %q, Python %v", s, got, lower)
		}
		if got := pyFields(s); strings.Join(got, "|") != strings.Join(fields, "|") || len(got) != len(fields) {
			t.Errorf("pyFields(%q) = %q, Python %q", s, got, fields)
		}
		if got := pyStrip(s); got != stripped {
			t.Errorf("pyStrip(%q) = %q, Python %q", s, got, stripped)
		}
	}
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
