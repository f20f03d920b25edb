package queue

import (
	"strconv"
	"strings"

	"oms/db/orders"
	"oms/model"
	"oms/tui/ui"
)

// wide says whether there is room for the two-line counts bar and a labelled filter line.
func (s *Screen) wide() bool { return s.width >= 60 }

// chromeLines is the number of lines above the rows: counts, filters, column titles.
func (s *Screen) chromeLines() int {
	n := 2 // counts, filters
	if s.wide() {
		n++ // counts wrap onto a second line
	}
	if s.width >= 40 {
		n++ // column titles
	}
	return n
}

// renderLines renders every row of the window (rows are rendered when they arrive, and all of
// them again when the size changes or the minute turns, because ages and due times move), so a
// key press only re-styles the selected row.
func (s *Screen) renderLines() {
	if s.width == 0 {
		return
	}
	s.lines = s.appendLines(s.lines[:0], s.rows)
	s.linesMinute = s.ctx.Clock().Truncate(60e9)
}

// appendLines renders rows onto lines.
func (s *Screen) appendLines(lines []string, rows []orders.QueueRow) []string {
	now := s.ctx.Clock()
	c := cellCtx{now: now, short: s.layout.short}
	st := s.ctx.Styles
	for i := range rows {
		r := &rows[i]
		cells := s.layout.rowCells(r, &c)
		for j, col := range s.layout.cols {
			switch col.title {
			case "Status", "State":
				cells[j] = st.Tone(string(r.Status.Tone())).Render(cells[j])
			case "Due", "":
				switch sla, _ := ui.Due(now, r.PromisedAt, done(statusOf(r))); sla {
				case ui.SLALate:
					cells[j] = st.Late.Render(cells[j])
				case ui.SLADueToday:
					cells[j] = st.DueToday.Render(cells[j])
				}
			}
		}
		lines = append(lines, " "+strings.Join(cells, " "))
	}
	return lines
}

// selectedLine is the cursor's row, unstyled inside so the selection style covers it evenly.
func (s *Screen) selectedLine() string {
	r := &s.rows[s.cursor]
	c := cellCtx{now: s.ctx.Clock(), short: s.layout.short}
	return s.ctx.Styles.Selected.Render(">" + strings.Join(s.layout.rowCells(r, &c), " "))
}

// View draws counts, filters, column titles and the visible rows; it builds no styles and
// queries nothing.
func (s *Screen) View() string {
	if s.picker != nil {
		return s.pickerView()
	}
	var b strings.Builder
	b.Grow((s.width + 32) * s.height)
	s.writeCounts(&b)
	s.writeFilters(&b)
	if s.width >= 40 {
		b.WriteString(s.ctx.Styles.TableHeader.Render(ui.Fit(s.layout.headerLine(), s.width)))
		b.WriteByte('\n')
	}
	s.writeRows(&b)
	return b.String()
}

func (s *Screen) writeRows(b *strings.Builder) {
	vis := s.visibleRows()
	if len(s.rows) == 0 {
		msg := "Loading orders…"
		switch {
		case s.loaded:
			msg = "No orders match."
		case s.stale:
			msg = "Could not load the orders; r tries again."
		}
		b.WriteString(s.ctx.Styles.Muted.Render(ui.Fit(" "+msg, s.width)))
		return
	}
	end := min(s.offset+vis, len(s.rows))
	for i := s.offset; i < end; i++ {
		if i > s.offset {
			b.WriteByte('\n')
		}
		if i == s.cursor {
			b.WriteString(s.selectedLine())
		} else {
			b.WriteString(s.lines[i])
		}
	}
}

// writeCounts is the per-status summary: every status on wide screens (the filtered one in
// brackets, so it shows without colour), just the filtered one on handhelds. A pick-up order's
// statuses (ready for pickup, collected) and delivered show once some order has them or the
// filter is one of them: most businesses collect nothing at a store, a business that imports no
// tracking events has no delivered order, and at a million orders the other twelve already fill
// two lines of 80 columns.
func (s *Screen) writeCounts(b *strings.Builder) {
	st := s.ctx.Styles
	if !s.wide() {
		line := " " + filterLabel(s.status, true) + " " + group(s.count(s.status)) + s.more()
		if s.status != "" {
			line += "/" + group(s.counts.Total()) + s.more()
		}
		b.WriteString(st.Title.Render(ui.Fit(line, s.width)))
		b.WriteByte('\n')
		return
	}
	items := make([]string, 0, len(model.AllStatuses)+2)
	selected := -1
	add := func(label string, n int64, filter string) {
		if s.status == filter {
			selected = len(items)
		}
		items = append(items, countItem(label, n, s.status == filter, s.more()))
	}
	add("Open", s.count(string(orders.StatusOpen)), string(orders.StatusOpen))
	add("All", s.counts.Total(), "")
	for _, status := range model.AllStatuses {
		if (status.PickUp() || status == model.StatusDelivered) && s.counts.Of(status) == 0 && s.status != string(status) {
			continue
		}
		add(status.Short(), s.counts.Of(status), string(status))
	}
	for _, line := range countLines(items, selected, s.width-1) {
		b.WriteString(ui.Fit(" "+line, s.width))
		b.WriteByte('\n')
	}
}

// countLines lays the counts bar's items out on two lines of width: spaced apart when they fit,
// closed up when a million orders make wide figures, and when even that leaves some out, the
// second line ends with "…" so the user sees there is more (the status picker lists them all).
// The filter in force (items[selected]; -1 for none) stays in view whatever is left out.
func countLines(items []string, selected, width int) []string {
	sep := "  "
	rows, n := wrapItems(items, sep, width, 2)
	if n < len(items) {
		sep = " "
		rows, n = wrapItems(items, sep, width, 2)
	}
	if n < len(items) {
		last := len(rows) - 1
		first := n - len(rows[last]) // the last line's first item
		rows[last] = elide(items[first:], selected-first, sep, width)
	}
	lines := make([]string, len(rows))
	for i, r := range rows {
		lines[i] = strings.Join(r, sep)
	}
	return lines
}

// elide is as many of items as fit width in order, then "…" for the rest. The selected item
// (an index into items, or out of range for none) is kept when it would be left out: after a
// "…" for the items dropped before it.
func elide(items []string, selected int, sep string, width int) []string {
	for k := len(items) - 1; ; k-- {
		shown := append(make([]string, 0, k+3), items[:k]...)
		pinned := selected >= k && selected < len(items)
		if pinned {
			if selected > k {
				shown = append(shown, "…")
			}
			shown = append(shown, items[selected])
		}
		if !pinned || selected < len(items)-1 {
			shown = append(shown, "…")
		}
		if k == 0 || ui.Width(strings.Join(shown, sep)) <= width {
			return shown
		}
	}
}

// count is the number of orders a status filter shows.
func (s *Screen) count(filter string) int64 {
	switch filter {
	case "":
		return s.counts.Total()
	case string(orders.StatusOpen):
		var n int64
		for _, st := range model.OpenStatuses() {
			n += s.counts.Of(st)
		}
		return n
	}
	return s.counts.Of(model.OrderStatus(filter))
}

// filterLabel names a status filter; short for handheld screens.
func filterLabel(filter string, short bool) string {
	switch {
	case filter == "":
		return "All"
	case filter == string(orders.StatusOpen):
		return "Open"
	case short:
		return model.OrderStatus(filter).Short()
	}
	return model.OrderStatus(filter).Label()
}

// more marks counts that stopped at a search's cap: each is "at least".
func (s *Screen) more() string {
	if s.counts.Capped {
		return "+"
	}
	return ""
}

func countItem(label string, n int64, selected bool, more string) string {
	item := label + " " + compact(n) + more
	if selected {
		return "[" + item + "]"
	}
	return item
}

// wrapItems packs items, separated by sep, into maxLines lines of width (missing lines are
// empty); n is how many items fitted, fewer than len(items) when the rest did not.
func wrapItems(items []string, sep string, width, maxLines int) (lines [][]string, n int) {
	lines = make([][]string, 0, maxLines)
	var cur []string
	curWidth := 0
	for _, it := range items {
		w := ui.Width(it)
		if len(cur) > 0 && curWidth+len(sep)+w > width {
			if len(lines) == maxLines-1 {
				return append(lines, cur), n
			}
			lines = append(lines, cur)
			cur, curWidth = nil, 0
		}
		if len(cur) > 0 {
			curWidth += len(sep)
		}
		cur, curWidth, n = append(cur, it), curWidth+w, n+1
	}
	lines = append(lines, cur)
	for len(lines) < maxLines {
		lines = append(lines, nil)
	}
	return lines, n
}

// writeFilters shows the channel, warehouse, sort and search, or the search field when typing.
func (s *Screen) writeFilters(b *strings.Builder) {
	st := s.ctx.Styles
	sortLabel := "oldest first"
	if s.sort == orders.ByPromised {
		sortLabel = "promised first"
	}
	var line string
	switch {
	case s.search.Focused() || (!s.wide() && s.search.Value() != ""):
		line = " " + s.search.View()
	case s.wide():
		line = " channel " + s.channelCode() + " · warehouse " + s.warehouseCode()
		if s.warehouseID != 0 {
			line += " (unrouted hidden)"
		}
		line += " · " + sortLabel
		if q := s.search.Value(); q != "" {
			line += " · search \"" + q + "\""
		}
	default:
		short := "by age"
		if s.sort == orders.ByPromised {
			short = "by due"
		}
		if s.width < 30 {
			short = short[3:]
		}
		line = " ch:" + s.channelCode() + " wh:" + s.warehouseCode() + " " + short
	}
	if s.stale {
		line = ui.Fit(line, s.width-8) + st.Muted.Render(" (stale)")
	}
	b.WriteString(st.Muted.Render(ui.Fit(line, s.width)))
	b.WriteByte('\n')
}

func (s *Screen) channelCode() string {
	if s.channelID == 0 {
		return "all"
	}
	if l, ok := find(s.lookups.Channels, s.channelID); ok {
		return l.Code
	}
	return "#" + strconv.FormatInt(s.channelID, 10)
}

// warehouseCode names the warehouse filter. A warehouse's orders never include those not yet
// routed to any warehouse; "none" is the filter that shows them.
func (s *Screen) warehouseCode() string {
	switch {
	case s.unassigned:
		return "none"
	case s.warehouseID == 0:
		return "all"
	}
	if l, ok := find(s.lookups.Warehouses, s.warehouseID); ok {
		return l.Code
	}
	return "#" + strconv.FormatInt(s.warehouseID, 10)
}

// compact shortens large counts so the twelve statuses of shipped orders fit two lines of 80 columns:
// 9,999 then 21.6k then 795k then 1.00M.
func compact(n int64) string {
	switch {
	case n < 10_000:
		return group(n)
	case n < 100_000:
		return strconv.FormatFloat(float64(n)/1e3, 'f', 1, 64) + "k"
	case n < 1_000_000:
		return strconv.FormatInt(n/1000, 10) + "k"
	}
	return strconv.FormatFloat(float64(n)/1e6, 'f', 2, 64) + "M"
}

// group formats a count with thousands separators: 1,000,000.
func group(n int64) string {
	digits := strconv.FormatInt(n, 10)
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	pre := len(digits) % 3
	if pre > 0 {
		b.WriteString(digits[:pre])
	}
	for i := pre; i < len(digits); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}
