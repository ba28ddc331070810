package rst

type doc struct{ text string }

func newDoc(text string) *doc { return &doc{text} }

func (d *doc) run() []Problem { return nil }
