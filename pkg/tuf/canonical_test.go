package tuf_test

import (
	"strings"
	"testing"

	"github.com/pyupload/pyupload/pkg/tuf"
)

func TestCanonical(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string // want "" means an error
	}{
		{"sorted keys, no whitespace", "{ \"b\" : 1,\n \"a\" : [ true , false , null ] }", `{"a":[true,false,null],"b":1}`},
		{"nested objects sorted", `{"z":{"y":1,"x":2},"a":{}}`, `{"a":{},"z":{"x":2,"y":1}}`},
		{"only quote and backslash escaped", `"a\"b\\c\/d"`, `"a\"b\\c/d"`},
		{"control characters raw", `"line\nfeed\ttab\u0001"`, "\"line\nfeed\ttab\x01\""},
		{"non-ASCII as UTF-8", `"\u00e9\ud83d\ude00é"`, "\"é😀é\""},
		{"keys in code point order", `{"é":1,"z":2,"Z":3,"a":4}`, `{"Z":3,"a":4,"z":2,"é":1}`},
		{"integers", `[0,-1,12345678901234567890]`, `[0,-1,12345678901234567890]`},
		{"minus zero is zero", `-0`, `0`},
		{"empty containers", `[{},[]]`, `[{},[]]`},
		{"fraction refused", `{"a":1.0}`, ""},
		{"exponent refused", `[1e3]`, ""},
		{"duplicate keys refused", `{"a":1,"a":1}`, ""},
		{"trailing data refused", `{} {}`, ""},
		{"invalid UTF-8 refused", "\"\xff\"", ""},
		{"not JSON", `{"a":}`, ""},
		{"empty", ``, ""},
		{"too deep", strings.Repeat("[", 100) + strings.Repeat("]", 100), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := tuf.Canonical([]byte(tc.in))
			switch {
			case tc.want == "" && err == nil:
				t.Errorf("Canonical(%q) = %q, want an error", tc.in, got)
			case tc.want != "" && (err != nil || string(got) != tc.want):
				t.Errorf("Canonical(%q) = %q, %v, want %q", tc.in, got, err, tc.want)
			}
		})
	}
}
