package rst

import (
	"math"
	"regexp"
	"strings"
)

var (
	simpleSpanRe    = regexp.MustCompile(`^-[ -]*$`)
	simpleHeadSepRe = regexp.MustCompile(`^=[ =]*$`)
)

// simpleTable is Body.simple_table_top and isolate_simple_table, then the
// simple table parser.
func (p *parser) simpleTable(b block, i int) int {
	p.content = true
	top := strings.TrimSpace(b.lines[i])
	found, foundAt, end := 0, -1, -1
	last := b.len() - 1
	for k := i + 1; k <= last; k++ {
		if !simpleBorderRe.MatchString(b.lines[k]) {
			continue
		}
		if len(strings.TrimSpace(b.lines[k])) != len(top) {
			p.report(b.lineNo(i), Error, "Malformed table.\nBottom/header table border does not match top border.")
			return p.afterTable(b, k+1, k == last || isBlank(b.lines[k+1]))
		}
		found++
		foundAt = k
		if found == 2 || k == last || isBlank(b.lines[k+1]) {
			end = k
			break
		}
	}
	if end < 0 {
		if found > 0 {
			p.report(b.lineNo(i), Error, "Malformed table.\nNo bottom table border found or no blank line after table bottom.")
			return p.afterTable(b, foundAt+1, false)
		}
		p.report(b.lineNo(i), Error, "Malformed table.\nNo bottom table border found.")
		return b.len()
	}
	rows := make([][]rune, 0, end-i+1)
	for k := i; k <= end; k++ {
		rows = append(rows, padWide(b.lines[k]))
	}
	st := &simple{rows: rows, off: b.off + i, p: p}
	if msg, at := st.parse(); msg != "" {
		p.report(b.lineNo(i)+at, Error, "Malformed table.\n"+msg)
	}
	return p.afterTable(b, end+1, end == last || isBlank(b.lines[end+1]))
}

// simple is docutils' SimpleTableParser state for one table.
type simple struct {
	rows      [][]rune
	off       int
	p         *parser
	columns   [][2]int
	borderEnd int
}

func dashes(r []rune) []rune {
	out := append([]rune(nil), r...)
	for k, c := range out {
		if c == '=' {
			out[k] = '-'
		}
	}
	return out
}

// parse is setup, find_head_body_sep and parse_table; it returns the
// complaint and the table line it is about.
func (t *simple) parse() (string, int) {
	t.rows[0] = dashes(t.rows[0])
	t.rows[len(t.rows)-1] = dashes(t.rows[len(t.rows)-1])
	sep := -1
	for k, r := range t.rows {
		if simpleHeadSepRe.MatchString(string(r)) {
			if sep >= 0 {
				return "Multiple head/body row separators (table lines " + itoa(sep+1) + " and " + itoa(k+1) + "); only one allowed.", 0
			}
			sep = k
			t.rows[k] = dashes(r)
		}
	}
	if sep == len(t.rows)-1 {
		return "The head/body row separator may not be the first or last line of the table.", 0
	}
	cols, msg := t.parseColumns(t.rows[0], 0)
	if msg != "" {
		return msg, 0
	}
	t.columns = cols
	t.borderEnd = cols[len(cols)-1][1]
	first := cols[0]
	start, textFound := 1, false
	for k := 1; k < len(t.rows); k++ {
		line := t.rows[k]
		switch {
		case simpleSpanRe.MatchString(strings.TrimRight(string(line), " ")) || simpleSpanRe.MatchString(string(line)):
			if msg, at := t.parseRow(start, k, k); msg != "" {
				return msg, at
			}
			start, textFound = k+1, false
		case strings.TrimSpace(runeSlice(line, first[0], first[1])) != "":
			if textFound && k != start {
				if msg, at := t.parseRow(start, k, -1); msg != "" {
					return msg, at
				}
			}
			start, textFound = k, true
		case !textFound:
			start = k + 1
		}
	}
	return "", 0
}

func runeSlice(r []rune, a, b int) string {
	a, b = min(max(a, 0), len(r)), min(max(b, 0), len(r))
	if a >= b {
		return ""
	}
	return string(r[a:b])
}

// parseColumns reads the column extents from a border or span line.
func (t *simple) parseColumns(line []rune, offset int) ([][2]int, string) {
	var cols [][2]int
	end := 0
	for {
		begin := indexRune(line, '-', end)
		if begin < 0 {
			break
		}
		end = indexRune(line, ' ', begin)
		if end < 0 {
			end = len(line)
		}
		cols = append(cols, [2]int{begin, end})
	}
	if t.columns != nil {
		if len(cols) == 0 || cols[len(cols)-1][1] != t.borderEnd {
			return nil, "Column span incomplete in table line " + itoa(offset+1) + "."
		}
		cols[len(cols)-1][1] = t.columns[len(t.columns)-1][1]
	}
	return cols, ""
}

func indexRune(r []rune, c rune, from int) int {
	for k := max(from, 0); k < len(r); k++ {
		if r[k] == c {
			return k
		}
	}
	return -1
}

// parseRow is parse_row: lines [start, stop) form a row; span is the
// index of its span line or -1.
func (t *simple) parseRow(start, stop, span int) (string, int) {
	if start >= stop && span < 0 {
		return "", 0
	}
	columns := append([][2]int(nil), t.columns...)
	if span >= 0 {
		cols, msg := t.parseColumns([]rune(strings.TrimRight(string(t.rows[span]), " ")), span)
		if msg != "" {
			return msg, span
		}
		columns = cols
	}
	if msg, at := t.checkColumns(start, stop, columns); msg != "" {
		return msg, at
	}
	if msg, at := t.initRow(columns, start); msg != "" {
		return msg, at
	}
	for _, c := range columns {
		lines := block2D(t.rows[start:stop], c[0], c[1])
		// One line low, as docutils counts cell lines (see grid.go).
		t.p.cellShift++
		t.p.parseBody(block{lines, t.off + start + 1}, false)
		t.p.cellShift--
	}
	return "", 0
}

// checkColumns is check_columns: text between columns is an error; text
// past the last column widens it.
func (t *simple) checkColumns(start, stop int, columns [][2]int) (string, int) {
	last := len(columns) - 1
	for c := range columns {
		next := math.MaxInt
		if c < last {
			next = columns[c+1][0]
		}
		for k := start; k < stop; k++ {
			line := stripCombining(t.rows[k])
			if c == last && strings.TrimSpace(runeSlice(line, columns[c][1], len(line))) != "" {
				text := strings.TrimRightFunc(runeSlice(line, columns[c][0], len(line)), isPySpace)
				newEnd := columns[c][0] + len([]rune(text))
				columns[c][1] = max(t.columns[len(t.columns)-1][1], newEnd)
				if newEnd > t.columns[len(t.columns)-1][1] {
					t.columns[len(t.columns)-1][1] = newEnd
				}
			} else if strings.TrimSpace(runeSlice(line, columns[c][1], next)) != "" {
				return "Text in column margin in table line " + itoa(k+1) + ".", k
			}
		}
	}
	return "", 0
}

// initRow is init_row: each span must start and end on column bounds.
func (t *simple) initRow(columns [][2]int, offset int) (string, int) {
	i := 0
	for _, c := range columns {
		if i >= len(t.columns) || c[0] != t.columns[i][0] {
			return "Column span alignment problem in table line " + itoa(offset+2) + ".", offset + 1
		}
		for c[1] != t.columns[i][1] {
			i++
			if i >= len(t.columns) {
				return "Column span alignment problem in table line " + itoa(offset+2) + ".", offset + 1
			}
		}
		i++
	}
	return "", 0
}

func stripCombining(r []rune) []rune {
	out := make([]rune, 0, len(r))
	for _, c := range r {
		if !isCombining(c) {
			out = append(out, c)
		}
	}
	return out
}

// block2D is StringList.get_2D_block, a table cell's text: columns
// [left, right) of each row, right-stripped, less their common indent,
// with the wide characters' padding removed. Columns are counted without
// combining characters, and, as in docutils, each row's left and right
// become the previous row's string indices (a combining character shifts
// the cell of every later row to the right).
func block2D(rows [][]rune, left, right int) []string {
	lines := make([]string, len(rows))
	indent := right
	for k, row := range rows {
		ci := columnIndices(row)
		left = columnIndex(ci, left, len(row))
		right = columnIndex(ci, right, len(row))
		a, z := min(left, len(row)), min(right, len(row))
		line := ""
		if a < z {
			line = strings.TrimRightFunc(string(row[a:z]), isPySpace)
		}
		lines[k] = line
		if line != "" {
			indent = min(indent, indentOf(line))
		}
	}
	for k, l := range lines {
		if indent > 0 && indent < right {
			l = cut(l, indent)
		}
		lines[k] = strings.ReplaceAll(l, string(padRune), "")
	}
	return lines
}

// columnIndices is docutils' column_indices: the string index of each
// character that is not a combining one.
func columnIndices(row []rune) []int {
	ci := make([]int, 0, len(row))
	for k, r := range row {
		if !isCombining(r) {
			ci = append(ci, k)
		}
	}
	return ci
}

// columnIndex is get_2D_block's ci[c], or past the end c shifted by the
// row's combining characters.
func columnIndex(ci []int, c, n int) int {
	if c < len(ci) {
		return ci[c]
	}
	return c + n - len(ci)
}
