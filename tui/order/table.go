package order

import (
	"slices"
	"strconv"
	"strings"

	"oms/db/orders"
	"oms/tui/ui"
)

// Item names get what the fixed columns leave. Below comfortable the unit price gives way
// (the line total stays); below readable the table gives way to the compact form.
const (
	comfortableName = 14
	readableName    = 8
	maxSKUWidth     = 22
)

// column is one table column with its cells formatted once.
type column struct {
	head  string
	gap   int // spaces before the column
	right bool
	width int
	cells []string
}

func newColumn(head string, gap int, right bool, lines []orders.Line, cell func(l *orders.Line) string) *column {
	c := &column{head: head, gap: gap, right: right, width: ui.Width(head), cells: make([]string, len(lines))}
	for i := range lines {
		c.cells[i] = cell(&lines[i])
		c.width = max(c.width, ui.Width(c.cells[i]))
	}
	return c
}

func (c *column) fit(s string) string {
	if c.right {
		return strings.Repeat(" ", c.gap) + ui.FitRight(s, c.width)
	}
	return strings.Repeat(" ", c.gap) + ui.Fit(s, c.width)
}

// table writes the lines as a table with a column per stage, the item name taking the slack
// so the totals column ends at the right edge. It reports false when even without the unit
// price the names would be unreadable; the caller then uses the compact form.
func (w *writer) table(od *orders.Detail) bool {
	lines, cur := od.Lines, string(od.Header.Total.Currency)
	noW := len(strconv.Itoa(maxLineNo(lines)))
	cols := []*column{
		newColumn("#", 0, true, lines, func(l *orders.Line) string { return strconv.Itoa(l.LineNo) }),
		newColumn("SKU", 1, false, lines, func(l *orders.Line) string { return l.SKU }),
		newColumn("Item", 2, false, lines, func(l *orders.Line) string { return l.Name }),
	}
	cols[0].width = max(noW, 1)
	cols[1].width = min(cols[1].width, maxSKUWidth)
	for i, st := range shownStages(lines, w.class == wide) {
		gap := 1
		if i == 0 {
			gap = 2
		}
		cols = append(cols, newColumn(st.head, gap, true, lines, func(l *orders.Line) string { return qtyCell(st.qty(l)) }))
	}
	unit := newColumn("Unit", 2, true, lines, func(l *orders.Line) string { return money(l.UnitPrice.Minor, cur) })
	total := newColumn("Total", 2, true, lines, func(l *orders.Line) string { return money(lineTotal(l), cur) })
	cols = append(cols, unit, total)
	name := cols[2]
	name.width = w.inner() - fixedWidth(cols, name)
	if w.class < wide || name.width < comfortableName {
		cols = slices.DeleteFunc(cols, func(c *column) bool { return c == unit })
		name.width = w.inner() - fixedWidth(cols, name)
	}
	if name.width < readableName {
		return false
	}
	w.writeTable(cols, len(lines))
	return true
}

// fixedWidth is the width every column but flex takes, with all gaps.
func fixedWidth(cols []*column, flex *column) int {
	n := 0
	for _, c := range cols {
		n += c.gap
		if c != flex {
			n += c.width
		}
	}
	return n
}

func (w *writer) writeTable(cols []*column, rows int) {
	var b strings.Builder
	for _, c := range cols {
		b.WriteString(c.fit(c.head))
	}
	w.add(w.st.TableHeader.Render(b.String()))
	for i := 0; i < rows; i++ {
		b.Reset()
		for _, c := range cols {
			b.WriteString(c.fit(c.cells[i]))
		}
		w.add(b.String())
	}
}

// qtyCell shows zero as a dot, so the stages a line has reached stand out in a column of
// numbers.
func qtyCell(q int64) string {
	if q == 0 {
		return "·"
	}
	return strconv.FormatInt(q, 10)
}
