package order

import (
	"strconv"
	"strings"

	"oms/db/orders"
	"oms/model"
	"oms/tui/ui"
)

// stage is one quantity of a line, with its labels for each width class.
type stage struct {
	head, label, short string // table heading, compact label, tiny label
	qty                func(l *orders.Line) int64
	optional           bool // only shown when some line has a non-zero quantity
}

// stages in the order goods move. Cancelled and returned are exceptions: they take room only
// on orders that have them (except in the wide table, which always shows returns).
var stages = []stage{
	{"Ord", "ord", "o", func(l *orders.Line) int64 { return l.Ordered }, false},
	{"Cxl", "cxl", "c", func(l *orders.Line) int64 { return l.Cancelled }, true},
	{"Alc", "alc", "a", func(l *orders.Line) int64 { return l.Allocated }, false},
	{"Pick", "pick", "p", func(l *orders.Line) int64 { return l.Picked }, false},
	{"Pack", "pack", "k", func(l *orders.Line) int64 { return l.Packed }, false},
	{"Ship", "ship", "s", func(l *orders.Line) int64 { return l.Shipped }, false},
	{"Ret", "ret", "r", func(l *orders.Line) int64 { return l.Returned }, true},
}

const returnedStage = 6 // index of Ret in stages

// shownStages are the stages this order's lines need.
func shownStages(lines []orders.Line, alwaysReturns bool) []stage {
	out := make([]stage, 0, len(stages))
	for i, st := range stages {
		if !st.optional || (alwaysReturns && i == returnedStage) || anyQty(lines, st) {
			out = append(out, st)
		}
	}
	return out
}

func anyQty(lines []orders.Line, st stage) bool {
	for i := range lines {
		if st.qty(&lines[i]) != 0 {
			return true
		}
	}
	return false
}

func money(minor int64, currency string) string {
	return model.Money{Minor: minor, Currency: model.Currency(currency)}.FormatGrouped()
}

// lineTotal is unit price × units ordered: the order's subtotal is the sum of these, and its
// discount and tax (summed from the lines) come below it in the totals, as on an invoice, so
// the column adds up to the subtotal a clerk checks it against.
func lineTotal(l *orders.Line) int64 {
	return l.UnitPrice.Minor * l.Ordered
}

// linesSection writes the lines and the totals and returns the section's index.
func (w *writer) linesSection(od *orders.Detail) int {
	var units, cancelled int64
	for i := range od.Lines {
		units += od.Lines[i].Ordered
		cancelled += od.Lines[i].Cancelled
	}
	count := plural(len(od.Lines), "line") + " · " + plural64(units, "unit")
	if cancelled > 0 {
		count += " · " + strconv.FormatInt(cancelled, 10) + " cancelled"
	}
	if w.class == tiny {
		count = strconv.Itoa(len(od.Lines))
	}
	at := w.section("Lines", count)
	if w.class < medium || !w.table(od) {
		w.compactLines(od)
	}
	w.totals(&od.Header)
	return at
}

func plural(n int, word string) string { return plural64(int64(n), word) }

func plural64(n int64, word string) string {
	s := strconv.FormatInt(n, 10) + " " + word
	if n != 1 {
		s += "s"
	}
	return s
}

// compactLines writes each line as "1 SKU  name  amount" over its stage quantities, wrapped
// when they do not fit. Tiny screens drop the amount (a picker needs the units) and explain
// their one-letter labels once.
func (w *writer) compactLines(od *orders.Detail) {
	shown := shownStages(od.Lines, false)
	if w.class == tiny {
		w.legend(shown)
	}
	noW := len(strconv.Itoa(maxLineNo(od.Lines)))
	indent := strings.Repeat(" ", noW+1)
	for i := range od.Lines {
		l := &od.Lines[i]
		w.compactHead(l, noW, indent, string(od.Header.Total.Currency))
		for _, row := range wrapParts(w.stageTokens(l, shown), " ", w.inner()-len(indent)) {
			w.add(indent + row)
		}
	}
}

// minNameRoom is the least room for an item name beside its SKU; with less the name gets a
// row of its own rather than two letters and "…".
const minNameRoom = 10

// compactHead writes "1 SKU  name  amount", or the name on a row of its own under the SKU
// when a long SKU leaves it too little room. Tiny screens show no amount.
func (w *writer) compactHead(l *orders.Line, noW int, indent, currency string) {
	var amount string
	if w.class != tiny {
		amount = " " + money(lineTotal(l), currency)
	}
	room := w.inner() - ui.Width(amount)
	head := ui.FitRight(strconv.Itoa(l.LineNo), noW) + " " + l.SKU
	if nameRoom := room - ui.Width(head) - 2; nameRoom >= min(ui.Width(l.Name), minNameRoom) {
		w.add(ui.Fit(head+"  "+l.Name, room) + amount)
		return
	}
	w.add(ui.Fit(head, room) + amount)
	w.add(indent + l.Name)
}

// stageTokens are a line's quantities as "ord 2" (compact) or "o2" (tiny). Quantities of
// optional stages show only where non-zero, so a line without returns does not say "ret 0".
func (w *writer) stageTokens(l *orders.Line, shown []stage) []string {
	tokens := make([]string, 0, len(shown))
	for _, st := range shown {
		q := st.qty(l)
		if st.optional && q == 0 {
			continue
		}
		if w.class == tiny {
			tokens = append(tokens, st.short+strconv.FormatInt(q, 10))
		} else {
			tokens = append(tokens, st.label+" "+strconv.FormatInt(q, 10))
		}
	}
	return tokens
}

// legend explains the one-letter stage labels of tiny screens.
func (w *writer) legend(shown []stage) {
	parts := make([]string, 0, len(shown))
	for _, st := range shown {
		parts = append(parts, st.short+"="+st.label)
	}
	for _, row := range wrapParts(parts, " ", w.inner()) {
		w.add(w.st.Muted.Render(row))
	}
}

func maxLineNo(lines []orders.Line) int {
	n := 1
	for i := range lines {
		n = max(n, lines[i].LineNo)
	}
	return n
}

// totals writes subtotal, shipping, discount (if any), tax and the total with its currency,
// the amounts right-aligned at the right edge, where the line totals above end too.
func (w *writer) totals(h *orders.Header) {
	type row struct {
		label  string
		amount int64
	}
	rows := []row{{"Subtotal", h.Subtotal.Minor}, {"Shipping", h.Shipping.Minor}}
	if h.Discount.Minor != 0 {
		rows = append(rows, row{"Discount", -h.Discount.Minor})
	}
	rows = append(rows, row{"Tax", h.Tax.Minor}, row{"Total " + string(h.Total.Currency), h.Total.Minor})
	amountW := 0
	for _, r := range rows {
		amountW = max(amountW, ui.Width(money(r.amount, string(h.Total.Currency))))
	}
	right, labelW := w.inner(), 10 // desktops: a block under the table's money columns
	if w.class < medium {
		labelW = max(right-amountW, 1) // handhelds: label at the left, amount at the right
	}
	lead := strings.Repeat(" ", max(right-labelW-amountW, 0))
	for i, r := range rows {
		text := ui.Fit(r.label, labelW) + ui.FitRight(money(r.amount, string(h.Total.Currency)), amountW)
		if i == len(rows)-1 {
			text = w.st.Title.Render(text)
		}
		w.add(lead + text)
	}
}
