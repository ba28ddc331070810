package rst

// gridTable: for now the table's lines are skipped, unchecked.
func (p *parser) gridTable(b block, i int) int {
	p.content = true
	_, end := b.textBlock(i)
	return end
}

func (p *parser) simpleTable(b block, i int) int {
	p.content = true
	_, end := b.textBlock(i)
	return end
}
