package rst_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/pyupload/pyupload/pkg/rst"
)

// goldenCase is one hand-written case with docutils' verdict, recorded by
// scripts/rst-golden.py (make rst-golden).
type goldenCase struct {
	Name     string  `json:"name"`
	Text     string  `json:"text"`
	OK       bool    `json:"ok"`
	Messages [][]any `json:"messages"`
}

// TestGolden: Validate agrees with readme_renderer on every recorded
// case, and reports the message docutils halted on, at its line.
func TestGolden(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []goldenCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		got := rst.Validate(c.Text)
		if (len(got) == 0) != c.OK {
			t.Errorf("%s: Validate = %v, readme_renderer ok=%v %v", c.Name, got, c.OK, c.Messages)
			continue
		}
		if c.OK || len(c.Messages) == 0 {
			continue
		}
		line, text := int(c.Messages[0][0].(float64)), c.Messages[0][2].(string)
		if !reported(got, line, text) {
			t.Errorf("%s: docutils halts on line %d %q; Validate reports %v", c.Name, line, text, got)
		}
	}
}

func reported(got []rst.Problem, line int, text string) bool {
	for _, p := range got {
		if p.Message == text && (p.Line == line || line == 0) {
			return true
		}
	}
	return false
}
