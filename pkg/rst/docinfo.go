package rst

// docinfo is a field list docutils may turn into bibliographic fields.
type docinfo struct{}

func (p *parser) noteFieldList(b block, i int)      {}
func (p *parser) noteField(name string, body block) {}
func (p *parser) checkDocinfo(b block)              {}
