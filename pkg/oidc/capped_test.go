package oidc

import (
	"strings"
	"testing"
)

// TestCapped: a provider tool's output is kept up to the cap, the rest is
// dropped, and no write fails (the tool must not die of a broken pipe).
func TestCapped(t *testing.T) {
	c := &capped{max: 10}
	for _, chunk := range []string{"12345", "67890", "abc"} {
		if n, err := c.Write([]byte(chunk)); err != nil || n != len(chunk) {
			t.Fatalf("Write(%q) = %d, %v", chunk, n, err)
		}
	}
	if got := c.b.String(); got != "1234567890" || !c.over {
		t.Errorf("kept %q (over %v), want the first 10 bytes and over", got, c.over)
	}
	small := &capped{max: 10}
	_, _ = small.Write([]byte(strings.Repeat("x", 10)))
	if small.over {
		t.Error("exactly the cap is not over it")
	}
}
