package rst_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/pyupload/pyupload/pkg/rst"
)

// FuzzValidate: any input is judged without a panic, with at most one
// problem (docutils halts at the first), at a line that exists.
func FuzzValidate(f *testing.F) {
	if data, err := os.ReadFile("testdata/golden.json"); err == nil {
		var cases []goldenCase
		if json.Unmarshal(data, &cases) == nil {
			for _, c := range cases {
				f.Add(c.Text)
			}
		}
	}
	f.Fuzz(func(t *testing.T, text string) {
		got := rst.Validate(text)
		if len(got) > 1 {
			t.Fatalf("%d problems, want at most 1: %v", len(got), got)
		}
		for _, p := range got {
			if p.Line < 0 || p.Message == "" {
				t.Fatalf("bad problem %+v", p)
			}
		}
	})
}
