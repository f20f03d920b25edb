package queue

import (
	"strconv"
	"strings"
	"time"

	"oms/db/orders"
	"oms/model"
	"oms/tui/ui"
)

// column is one table column. Columns are hidden in priority order (highest number first) until
// the rest fit; the grow column takes what is left.
type column struct {
	title    string
	width    int
	priority int
	right    bool
	grow     bool
	cell     func(r *orders.QueueRow, c *cellCtx) string
}

// cellCtx is what cells need besides the row: the clock and whether labels are short.
type cellCtx struct {
	now   time.Time
	short bool
}

func statusOf(r *orders.QueueRow) model.OrderStatus { return r.Status }

// done says whether the promise no longer matters: the goods left or never will, or they wait
// at the store for their customer (the promise was to have them ready).
func done(s model.OrderStatus) bool {
	switch s {
	case model.StatusReadyForPickup, model.StatusShipped, model.StatusDelivered, model.StatusCollected, model.StatusPartiallyReturned, model.StatusReturned, model.StatusCancelled:
		return true
	}
	return false
}

var allColumns = []column{
	{title: "Order", width: 10, priority: 0, cell: func(r *orders.QueueRow, _ *cellCtx) string { return r.Number }},
	{title: "State", width: 5, priority: 0, cell: func(r *orders.QueueRow, c *cellCtx) string {
		st := statusOf(r)
		if c.short {
			return st.Short()
		}
		return string(st.Glyph()) + " " + st.Label()
	}},
	{title: "", width: 1, priority: 1, cell: func(r *orders.QueueRow, c *cellCtx) string {
		switch sla, _ := ui.Due(c.now, r.PromisedAt, done(statusOf(r))); sla {
		case ui.SLALate:
			return "!"
		case ui.SLADueToday:
			return "~"
		}
		return " "
	}},
	{title: "Customer", width: growMin, priority: 3, grow: true, cell: func(r *orders.QueueRow, _ *cellCtx) string { return r.CustomerName }},
	{title: "Due", width: 11, priority: 2, cell: func(r *orders.QueueRow, c *cellCtx) string {
		_, text := ui.Due(c.now, r.PromisedAt, done(statusOf(r)))
		return text
	}},
	{title: "Age", width: 5, priority: 4, right: true, cell: func(r *orders.QueueRow, c *cellCtx) string {
		return ui.Age(c.now.Sub(r.OrderedAt))
	}},
	{title: "Total", width: 14, priority: 5, right: true, cell: func(r *orders.QueueRow, _ *cellCtx) string {
		return r.Total.FormatGrouped() + " " + string(r.Total.Currency)
	}},
	{title: "WH", width: 4, priority: 6, cell: func(r *orders.QueueRow, _ *cellCtx) string { return r.Warehouse }},
	{title: "Items", width: 5, priority: 8, right: true, cell: func(r *orders.QueueRow, _ *cellCtx) string {
		return strconv.Itoa(r.Units)
	}},
	{title: "Channel", width: 10, priority: 7, cell: func(r *orders.QueueRow, _ *cellCtx) string { return r.Channel }},
}

// layout is the columns that fit a width, with their final widths.
type layout struct {
	cols   []column
	widths []int
	short  bool // short status labels
	flag   bool // the one-character SLA flag column is shown (instead of Due)
}

// layoutFor hides columns by priority until the minimum widths fit, then gives the rest to the
// grow column. Full status labels need room; below 100 columns the five-letter codes are used.
func layoutFor(width int) layout {
	short := width < 100
	cols := make([]column, 0, len(allColumns))
	for _, c := range allColumns {
		if c.title == "State" && !short {
			c.title = "Status"
			c.width = 15
		}
		cols = append(cols, c)
	}
	for !fits(cols, width) {
		cols = dropLowest(cols)
	}
	// The customer's name is worth more than the least important columns: give it room to be
	// read before showing them.
	for width-used(cols) < comfortableGrow-growMin && hasLessImportantThanGrow(cols) {
		cols = dropLowest(cols)
	}
	hasDue := false
	for _, c := range cols {
		hasDue = hasDue || c.title == "Due"
	}
	if hasDue { // the flag only stands in for Due on narrow screens
		cols = removeTitled(cols, "")
	}
	l := layout{cols: cols, short: short, flag: !hasDue}
	spare := width - used(cols)
	for _, c := range cols {
		w := c.width
		if c.grow {
			w += spare
		}
		l.widths = append(l.widths, w)
	}
	if !hasGrow(cols) && len(l.widths) > 0 {
		l.widths[len(l.widths)-1] += spare
	}
	return l
}

// comfortableGrow is the width at which most customer names fit; growMin is its minimum.
const comfortableGrow, growMin = 18, 8

func hasLessImportantThanGrow(cols []column) bool {
	grow := -1
	for _, c := range cols {
		if c.grow {
			grow = c.priority
		}
	}
	for _, c := range cols {
		if grow >= 0 && c.priority > grow {
			return true
		}
	}
	return false
}

func used(cols []column) int {
	n := 1 // leading space (the cursor mark)
	for i, c := range cols {
		n += c.width
		if i > 0 {
			n++
		}
	}
	return n
}

func fits(cols []column, width int) bool { return len(cols) <= 1 || used(cols) <= width }

func dropLowest(cols []column) []column {
	worst := 0
	for i, c := range cols {
		if c.priority > cols[worst].priority {
			worst = i
		}
	}
	return append(cols[:worst:worst], cols[worst+1:]...)
}

func removeTitled(cols []column, title string) []column {
	out := cols[:0:0]
	for _, c := range cols {
		if c.title != title {
			out = append(out, c)
		}
	}
	return out
}

func hasGrow(cols []column) bool {
	for _, c := range cols {
		if c.grow {
			return true
		}
	}
	return false
}

// headerLine is the column titles.
func (l layout) headerLine() string {
	var b strings.Builder
	b.WriteByte(' ')
	for i, c := range l.cols {
		if i > 0 {
			b.WriteByte(' ')
		}
		if c.right {
			b.WriteString(ui.FitRight(c.title, l.widths[i]))
		} else {
			b.WriteString(ui.Fit(c.title, l.widths[i]))
		}
	}
	return b.String()
}

// rowCells renders a row's cells, unstyled, fitted to their widths.
func (l layout) rowCells(r *orders.QueueRow, c *cellCtx) []string {
	cells := make([]string, len(l.cols))
	for i, col := range l.cols {
		text := col.cell(r, c)
		if col.right {
			cells[i] = ui.FitRight(text, l.widths[i])
		} else {
			cells[i] = ui.Fit(text, l.widths[i])
		}
	}
	return cells
}
