package rst

// grid is docutils' GridTableParser state for one table.
type grid struct {
	rows        [][]rune
	bottom      int
	right       int
	done        []int
	cells       [][4]int
	rowseps     map[int]bool
	colseps     map[int]bool
	headBodySep int
}

// parseGrid finds the cells of a grid table (rows are its lines, off the
// document offset of the first) and parses their text; it returns the
// parser's complaint, or "".
func (p *parser) parseGrid(rows [][]rune, off int) string {
	g := &grid{rows: make([][]rune, len(rows)), bottom: len(rows) - 1, right: len(rows[0]) - 1,
		rowseps: map[int]bool{0: true}, colseps: map[int]bool{0: true}, headBodySep: -1}
	for k, r := range rows {
		g.rows[k] = append([]rune(nil), r...)
		if gridHeadSepRe.MatchString(string(r)) {
			if g.headBodySep >= 0 {
				return "Multiple head/body row separators (table lines " + itoa(g.headBodySep+1) + " and " + itoa(k+1) + "); only one allowed."
			}
			g.headBodySep = k
			for c := range g.rows[k] {
				if g.rows[k][c] == '=' {
					g.rows[k][c] = '-'
				}
			}
		}
	}
	if g.headBodySep == 0 || g.headBodySep == len(rows)-1 {
		return "The head/body row separator may not be the first or last line of the table."
	}
	g.done = make([]int, len(rows[0]))
	for c := range g.done {
		g.done[c] = -1
	}
	if !g.scanAll() {
		return "Malformed table; parse incomplete."
	}
	p.cellShift++
	for _, c := range g.cells {
		p.parseBody(g.cellBlock(c, off), false)
	}
	p.cellShift--
	return ""
}

// scanAll is parse_table: cells are found from their top-left corners,
// in order, until none is left.
func (g *grid) scanAll() bool {
	corners := [][2]int{{0, 0}}
	for len(corners) > 0 {
		top, left := corners[0][0], corners[0][1]
		corners = corners[1:]
		if top == g.bottom || left == g.right || top <= g.done[left] {
			continue
		}
		bottom, right, ok := g.scanRight(top, left)
		if !ok {
			continue
		}
		for c := left; c < right; c++ {
			if g.done[c] != top-1 {
				return false // docutils' assertion fails; it would crash
			}
			g.done[c] = bottom - 1
		}
		g.cells = append(g.cells, [4]int{top, left, bottom, right})
		corners = insertCorner(insertCorner(corners, [2]int{top, right}), [2]int{bottom, left})
	}
	for c := 0; c < g.right; c++ {
		if g.done[c] != g.bottom-1 {
			return false
		}
	}
	return true
}

// insertCorner keeps the corner list sorted, as corners.sort() does.
func insertCorner(cs [][2]int, c [2]int) [][2]int {
	i := 0
	for i < len(cs) && (cs[i][0] < c[0] || cs[i][0] == c[0] && cs[i][1] <= c[1]) {
		i++
	}
	cs = append(cs, [2]int{})
	copy(cs[i+1:], cs[i:])
	cs[i] = c
	return cs
}

func (g *grid) at(r, c int) rune {
	if r < 0 || r >= len(g.rows) || c < 0 || c >= len(g.rows[r]) {
		return 0
	}
	return g.rows[r][c]
}

func (g *grid) scanRight(top, left int) (int, int, bool) {
	for c := left + 1; c <= g.right; c++ {
		switch g.at(top, c) {
		case '+':
			g.colseps[c] = true
			if bottom, ok := g.scanDown(top, left, c); ok {
				return bottom, c, true
			}
		case '-':
		default:
			return 0, 0, false
		}
	}
	return 0, 0, false
}

func (g *grid) scanDown(top, left, right int) (int, bool) {
	for r := top + 1; r <= g.bottom; r++ {
		switch g.at(r, right) {
		case '+':
			g.rowseps[r] = true
			if g.scanLeft(top, left, r, right) {
				return r, true
			}
		case '|':
		default:
			return 0, false
		}
	}
	return 0, false
}

func (g *grid) scanLeft(top, left, bottom, right int) bool {
	for c := right - 1; c > left; c-- {
		switch g.at(bottom, c) {
		case '+':
			g.colseps[c] = true
		case '-':
		default:
			return false
		}
	}
	if g.at(bottom, left) != '+' {
		return false
	}
	for r := bottom - 1; r > top; r-- {
		switch g.at(r, left) {
		case '+':
			g.rowseps[r] = true
		case '|':
		default:
			return false
		}
	}
	return true
}

// cellBlock is the cell's text (get_2D_block), placed at its document
// lines.
func (g *grid) cellBlock(c [4]int, off int) block {
	top, left, bottom, right := c[0], c[1], c[2], c[3]
	lines := block2D(g.rows[top+1:bottom], left+1, right)
	// docutils adds the table's 1-based line to the cell's 0-based offset,
	// so its messages from cells name the line below; so do these.
	return block{lines, off + top + 2}
}
