package rst_test

import (
	"encoding/json"
	"math/rand"
	"os"
	"testing"

	"github.com/pyupload/pyupload/pkg/rst"
)

// TestRandomEdits makes one to three random character edits (deleting,
// inserting or replacing markup characters) in the hand-written cases and
// judges each result with readme_renderer and with Validate: Validate may
// miss a rare problem but must never refuse what readme_renderer renders.
// The seed is fixed, so a failure repeats.
func TestRandomEdits(t *testing.T) {
	script := needOracle(t)
	data, err := os.ReadFile("testdata/golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []goldenCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewSource(1)) // a fixed seed: a failure repeats
	texts := make([]string, 4000)
	for i := range texts {
		texts[i] = randomEdit(r, cases[r.Intn(len(cases))].Text)
	}
	verdicts := judge(t, script, texts, false)
	missed := 0
	for i, text := range texts {
		got := rst.Validate(text)
		switch {
		case len(got) > 0 && verdicts[i].OK:
			t.Errorf("false error on %q: %v", text, got)
		case len(got) == 0 && !verdicts[i].OK:
			missed++
			t.Logf("missed %q: readme_renderer %v", text, verdicts[i].Messages)
		}
	}
	t.Logf("random edits: %d texts, %d missed", len(texts), missed)
}

// editAlphabet is what edits insert: markup characters, space and tab,
// newlines, letters and digits.
var editAlphabet = []byte("*`_|:.-=+#[]()<> \n\tabcx12\\")

func randomEdit(r *rand.Rand, text string) string {
	b := []byte(text)
	for range 1 + r.Intn(3) {
		if len(b) == 0 {
			break
		}
		i := r.Intn(len(b))
		switch c := editAlphabet[r.Intn(len(editAlphabet))]; r.Intn(3) {
		case 0:
			b = append(b[:i], b[i+1:]...)
		case 1:
			b = append(b[:i], append([]byte{c}, b[i:]...)...)
		default:
			b[i] = c
		}
	}
	return string(b)
}
