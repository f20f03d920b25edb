package returns

import (
	"fmt"
	"slices"
	"strings"

	"oms/db/returns"
	"oms/model"
	"oms/tui/ui"
)

// bell rings the terminal when the line holding it is written: each refusal's line differs
// from the one before (see Screen.misses), so each rings once.
const bell = "\a"

// View draws the one prompt the screen waits at: the header, what the step shows, the prompt
// and its field, and the last outcome. The step's lines give way first, so the prompt and the
// outcome always fit.
func (s *Screen) View() string {
	w, h := s.w, s.h
	if w < 16 || h < 8 {
		return ui.Clamp("too small", w, h)
	}
	var prompt, after []string
	if label := s.label(); label != "" {
		prompt = append(prompt, s.wrap(label, s.ctx.Styles.Title.Render)...)
	}
	if hint := s.narrowHint(); hint != "" {
		prompt = append(prompt, hint)
	}
	if s.hasField() {
		field := s.scan
		field.Width = max(w-4, 1)
		prompt = append(prompt, " "+field.View())
	}
	if s.busy {
		after = append(after, s.ctx.Styles.Muted.Render(" …"))
	}
	after = append(after, s.noteLines()...)
	room := h - 1 - len(prompt) - len(after)
	out := []string{s.header()}
	body := s.body(max(room, 0))
	if len(body) > room {
		body = body[:max(room, 0)]
	}
	out = append(out, body...)
	out = append(out, prompt...)
	out = append(out, after...)
	for i, l := range out {
		out[i] = ui.Fit(l, w)
	}
	return ui.Clamp(strings.Join(out, "\n"), w, h)
}

// hasField says whether the step shows the scan field.
func (s *Screen) hasField() bool {
	switch s.step {
	case stepQueue, stepHits, stepOrder, stepRMA:
		return true
	}
	return false
}

// header names what is shown, and ○ stale when its last read failed.
func (s *Screen) header() string {
	st := s.ctx.Styles
	var text string
	switch {
	case s.onRMA() && s.rma != nil:
		text = " " + s.rma.Number
		if s.w >= 40 {
			text = " Return " + s.rma.Number + " · " + s.rma.Order
		}
	case s.onOrder() && s.order != nil:
		text = " " + s.order.Number
		if s.w >= 40 {
			text = " Returns · order " + s.order.Number
		}
	default:
		text = " Returns desk"
		if s.warehouse != "" {
			text += " " + s.warehouse
		}
	}
	head := st.Title.Render(text)
	if s.stale {
		mark := " ○ stale"
		if s.w < 40 {
			mark = " ○"
		}
		head = ui.Fit(head, max(s.w-ui.Width(mark), 0)) + st.Muted.Render(mark)
	}
	return head
}

// body is what the step shows above its prompt, in at most room lines.
func (s *Screen) body(room int) []string {
	switch s.step {
	case stepQueue:
		return s.queueLines(room)
	case stepHits:
		return s.hitLines(room)
	case stepOrder:
		return s.orderLines(room)
	case stepForm, stepFormConfirm:
		return s.formLines(room)
	case stepRMA, stepExchange:
		return s.rmaLines(room)
	case stepInspect:
		return s.inspectLines()
	case stepRefund, stepRefundConfirm:
		return s.refundLines()
	case stepAuthorize, stepEnd, stepEndConfirm:
		return s.rmaLines(room)
	case stepDecide, stepDecideConfirm:
		return s.decideLines()
	case stepAside:
		return s.asideLines()
	}
	return nil
}

// viewName is a queue list's short name.
func viewName(v returns.View) string {
	switch v {
	case returns.ViewArrived:
		return "Arrived"
	case returns.ViewToRefund:
		return "To refund"
	case returns.ViewExpected:
		return "Expected"
	case returns.ViewRequested:
		return "Requested"
	case viewUnexpected:
		return "Unexpected"
	}
	return "Open"
}

// countOf is the count of a list of the queue.
func (s *Screen) countOf(v returns.View) int64 {
	if v == viewUnexpected {
		return s.counts.Unexpected
	}
	return s.counts.Of(v)
}

// queueLines are the lists' counts (the chosen one in brackets) and its RMAs.
func (s *Screen) queueLines(room int) []string {
	st := s.ctx.Styles
	var out []string
	v := s.curView()
	if s.w < 40 {
		out = append(out, st.Title.Render(fmt.Sprintf(" ◂ %s %d ▸", viewName(v), s.countOf(v))))
	} else {
		var tabs []string
		for i, x := range append(slices.Clone(returns.Views), viewUnexpected) {
			t := fmt.Sprintf("%s %d", viewName(x), s.countOf(x))
			if i == s.view {
				t = "[" + t + "]"
			}
			tabs = append(tabs, t)
		}
		line := ""
		for _, t := range tabs {
			switch {
			case line == "":
				line = " " + t
			case ui.Width(line)+3+ui.Width(t) <= s.w:
				line += " · " + t
			default:
				out = append(out, line)
				line = " " + t
			}
		}
		out = append(out, line)
		label := v.Label()
		if v == viewUnexpected {
			label = "Unexpected items to decide"
		}
		out = append(out, st.Muted.Render(" "+label))
	}
	if v == viewUnexpected {
		return append(out, s.itemLines(room-len(out))...)
	}
	if len(s.rows) == 0 {
		return append(out, st.Muted.Render(" Nothing here"))
	}
	per := 1
	if s.w < 40 {
		per = 2 // the number on one line, its status on the next
	}
	first := 0
	if rows := (room - len(out)) / per; rows > 0 && s.cur >= rows {
		first = s.cur - rows + 1
	}
	for i := first; i < len(s.rows); i++ {
		r := s.rows[i]
		var line string
		switch {
		case s.w >= 80:
			line = fmt.Sprintf("%-11s %-11s %-18s %-10s %d/%d back, %d graded", r.Number, r.Order,
				ui.Fit(r.Customer, 18), r.Status.Label(), r.Received, r.Requested, r.Inspected)
		case s.w >= 40:
			line = fmt.Sprintf("%-11s %-10s %d/%d back", r.Number, r.Status.Label(), r.Received, r.Requested)
		default:
			out = append(out, s.item(i == s.cur, r.Number, ""))
			line = fmt.Sprintf("%s %d/%d", r.Status.Label(), r.Received, r.Requested)
			out = append(out, s.ctx.Styles.Tone(string(r.Status.Tone())).Render("   "+line))
			continue
		}
		out = append(out, s.item(i == s.cur, line, string(r.Status.Tone())))
	}
	return out
}

// item is a list's row: "▸ " and the selected style when chosen, the tone otherwise.
func (s *Screen) item(selected bool, text, tone string) string {
	if selected {
		return s.ctx.Styles.Selected.Render(ui.Fit("▸ "+text, s.w))
	}
	style := s.ctx.Styles.Tone(tone)
	if tone == "" {
		return "  " + text
	}
	return style.Render("  " + text)
}

// hitLines are the orders a search found.
func (s *Screen) hitLines(room int) []string {
	out := s.wrap(fmt.Sprintf("%d orders match %q: which one?", len(s.hits), s.query), s.ctx.Styles.Title.Render)
	first := 0
	if rows := room - len(out); rows > 0 && s.cur >= rows {
		first = s.cur - rows + 1
	}
	for i := first; i < len(s.hits); i++ {
		o := s.hits[i]
		var line string
		switch {
		case s.w >= 80:
			line = fmt.Sprintf("%-11s %-22s %-10s %3d shipped  %d RMAs", o.Number, ui.Fit(o.Customer, 22), o.Status, o.Shipped, o.RMAs)
		case s.w >= 40:
			line = fmt.Sprintf("%-11s %-14s %d sh", o.Number, ui.Fit(o.Customer, 14), o.Shipped)
		default:
			line = o.Number
		}
		out = append(out, s.item(i == s.cur, line, ""))
	}
	return out
}

// orderLines are the order's lines and its RMAs.
func (s *Screen) orderLines(room int) []string {
	st, o := s.ctx.Styles, s.order
	var out []string
	if s.w >= 40 {
		out = append(out, " "+ui.Fit(o.Customer+" · "+o.Channel+" · "+o.Status, s.w-1))
		out = append(out, s.wrap(s.windowSentence(), st.Muted.Render)...)
	}
	if s.w < 40 && !o.InWindow(s.ctx.Clock()) {
		out = append(out, s.wrap("Late: an RMA waits for a supervisor", st.Muted.Render)...)
	}
	skuW := 0
	for _, l := range o.Lines {
		skuW = max(skuW, ui.Width(l.SKU))
	}
	if s.w >= 40 {
		out = append(out, st.Muted.Render(fmt.Sprintf(" %-*s %s", skuW, "SKU", ui.FitRight("shipped  returnable", s.w-skuW-3))))
	}
	for _, l := range o.Lines {
		var line string
		if s.w >= 40 {
			counts := fmt.Sprintf("%7d  %10d", l.Shipped, l.Returnable)
			nameW := max(s.w-skuW-ui.Width(counts)-4, 0)
			line = fmt.Sprintf(" %-*s %-*s %s", skuW, l.SKU, nameW, ui.Fit(l.Name, nameW), counts)
		} else {
			line = fmt.Sprintf(" %-*s %d/%d", skuW, l.SKU, l.Returnable, l.Shipped)
		}
		out = append(out, line)
	}
	if len(o.RMAs) > 0 {
		out = append(out, st.Title.Render(" RMAs"))
		for i, r := range o.RMAs {
			status := model.RMAStatus(r.Status)
			out = append(out, s.item(i == s.cur, r.Number+" "+status.Label(), string(status.Tone())))
		}
	}
	if len(out) > room && room > 0 {
		out = out[len(out)-room:] // the RMAs and lines matter more than the customer
	}
	return out
}

// windowSentence says whether a new RMA is authorised at once.
func (s *Screen) windowSentence() string {
	o := s.order
	if o.InWindow(s.ctx.Clock()) {
		return fmt.Sprintf("Authorised at once: within the %d-day return window", o.ReturnDays)
	}
	if o.ShippedAt.IsZero() {
		return "Never shipped: an RMA waits for a supervisor"
	}
	return fmt.Sprintf("Past the %d-day return window: an RMA waits for a supervisor", o.ReturnDays)
}

// formLines are the new RMA's lines, wish and cross-ship, the focused row marked; then the
// question when it is asked.
func (s *Screen) formLines(room int) []string {
	st := s.ctx.Styles
	out := s.wrap("New RMA for "+s.order.Number, st.Title.Render)
	skuW := 0
	for _, l := range s.lines {
		skuW = max(skuW, ui.Width(l.line.SKU))
	}
	ask := s.step == stepFormConfirm
	for i, l := range s.lines {
		reason := s.reasons[l.reason].Description
		focus := !ask && s.row == i
		if focus {
			reason = "◂ " + reason + " ▸"
		}
		text := fmt.Sprintf("%-*s %d of %d  %s", skuW, l.line.SKU, l.qty, l.line.Returnable, reason)
		if s.w < 40 {
			text = fmt.Sprintf("%-*s %d/%d", skuW, l.line.SKU, l.qty, l.line.Returnable)
		}
		out = append(out, s.item(focus, text, ""))
		if s.w < 40 && focus {
			out = append(out, "  "+reason)
		}
	}
	wish := wishes[s.wish].Label()
	if !ask && s.row == len(s.lines) {
		wish = "◂ " + wish + " ▸"
	}
	out = append(out, s.item(!ask && s.row == len(s.lines), "Wish: "+wish, ""))
	if wishes[s.wish] == model.WishExchange {
		cross := "no: after the return arrives"
		if s.cross {
			cross = "yes: the replacement leaves now"
		}
		if s.w < 40 {
			cross = map[bool]string{false: "no", true: "yes"}[s.cross]
		}
		out = append(out, s.item(!ask && s.row == len(s.lines)+1, "Cross-ship: "+cross, ""))
	}
	out = append(out, s.wrap(s.windowSentence(), st.Muted.Render)...)
	if ask {
		var what []string
		n := int64(0)
		for _, l := range s.lines {
			if l.qty > 0 {
				what = append(what, fmt.Sprintf("%d × %s", l.qty, l.line.SKU))
				n += l.qty
			}
		}
		out = append(out, s.wrap(fmt.Sprintf("Open an RMA of %s (%s) for %s?", units(n), strings.Join(what, ", "), wishes[s.wish].Label()), st.Title.Render)...)
	}
	if len(out) > room && room > 0 {
		out = out[len(out)-room:]
	}
	return out
}

// rmaLines are the RMA: status in words, its lines, what was graded, paid and put aside.
func (s *Screen) rmaLines(room int) []string {
	st, r := s.ctx.Styles, s.rma
	status := st.Tone(string(r.Status.Tone())).Render(r.Status.Label())
	refund := st.Tone(string(r.Refund.Tone())).Render(r.Refund.Label())
	var head []string
	if s.w >= 40 {
		head = append(head, " "+ui.Fit(r.Customer, s.w-1))
		head = append(head, " Status "+status+" · refund "+refund)
		wish := " Wish " + r.Wish.Label()
		if r.CrossShip {
			wish += ", cross-ship"
		}
		if r.Exchange != "" {
			wish += " → " + r.Exchange
		}
		head = append(head, wish)
		if r.Tracking != "" {
			head = append(head, " Return tracking "+r.Tracking)
		} else {
			head = append(head, st.Muted.Render(" No return label"))
		}
	} else {
		head = append(head, " "+status)
		if r.Refund != model.RefundWaiting && r.Refund != model.RefundNone {
			head = append(head, " refund "+refund)
		}
		if r.Tracking != "" {
			head = append(head, " "+r.Tracking)
		}
	}
	skuW := 0
	for _, l := range r.Lines {
		skuW = max(skuW, ui.Width(l.SKU))
	}
	var lines []string
	if s.w >= 40 {
		counts := "asked back  in  graded  paid"
		if s.w < 60 {
			counts = "ask  in  grd  paid"
		}
		lines = append(lines, st.Muted.Render(fmt.Sprintf(" %-*s %s", skuW, "SKU", ui.FitRight(counts, s.w-skuW-3))))
	}
	for _, l := range r.Lines {
		var line string
		switch {
		case s.w >= 60:
			counts := fmt.Sprintf("%10d  %2d  %6d  %4d", l.Requested, l.Received, l.Inspected, l.Refunded)
			nameW := max(s.w-skuW-ui.Width(counts)-4, 0)
			line = fmt.Sprintf(" %-*s %-*s %s", skuW, l.SKU, nameW, ui.Fit(l.Name+" · "+l.Reason, nameW), counts)
		case s.w >= 40:
			counts := fmt.Sprintf("%3d  %2d  %3d  %4d", l.Requested, l.Received, l.Inspected, l.Refunded)
			line = fmt.Sprintf(" %-*s %s", skuW, l.SKU, ui.FitRight(counts, s.w-skuW-3))
		default:
			line = fmt.Sprintf(" %-*s %d/%d %d", skuW, l.SKU, l.Received, l.Requested, l.Inspected)
		}
		if l.Requested > 0 && l.Inspected >= l.Requested {
			line = st.OK.Render(line)
		}
		lines = append(lines, line)
	}
	var tail []string
	for _, x := range r.Inspections {
		text := fmt.Sprintf(" Graded %d × %s %s (%s) → %s %s", x.Qty, x.SKU, x.Grade, returns.GradeLabel(x.Grade),
			strings.ReplaceAll(x.Disposition, "_", " "), x.Place)
		switch {
		case s.w < 40:
			text = fmt.Sprintf(" %d×%s %s %s", x.Qty, x.SKU, x.Grade, x.Disposition)
		case s.w < 60:
			text = fmt.Sprintf(" %d×%s %s → %s %s", x.Qty, x.SKU, x.Grade, strings.ReplaceAll(x.Disposition, "_", " "), x.Place)
		}
		tail = append(tail, text)
	}
	for _, f := range r.Refunds {
		text := fmt.Sprintf(" Refunded %s, %s", money(f.Amount, r.Currency), strings.ReplaceAll(f.Method, "_", " "))
		if s.w < 60 {
			text = " Refunded " + money(f.Amount, r.Currency)
		}
		if f.CreditNote != "" && s.w >= 40 {
			text += ", " + f.CreditNote
		}
		tail = append(tail, st.OK.Render(ui.Fit(text, s.w)))
	}
	for _, u := range r.Unexpected {
		what := u.SKU
		if what == "" {
			what = u.Scan
		}
		decision := "undecided"
		if u.Decision != "" {
			decision = strings.ReplaceAll(u.Decision, "_", " ")
		}
		text := fmt.Sprintf(" Unexpected %d × %s: %s", u.Qty, what, decision)
		if s.w < 40 {
			text = fmt.Sprintf(" ? %d×%s %s", u.Qty, what, decision)
		}
		tail = append(tail, st.Warning.Render(ui.Fit(text, s.w)))
	}
	if s.step == stepExchange {
		tail = append(tail, s.wrap("Make the replacement order of "+r.Number+" now?", st.Title.Render)...)
	}
	switch s.step {
	case stepAuthorize:
		tail = append(tail, s.wrap("Authorise "+r.Number+" outside the return window?", st.Title.Render)...)
	case stepEnd, stepEndConfirm:
		tail = append(tail, s.wrap(s.endQuestion(), st.Title.Render)...)
		note := s.endNote
		if s.step == stepEnd {
			note += "_"
		} else if note == "" {
			note = "none"
		}
		for i, l := range ui.Wrap("Note: "+note, max(s.w-2, 1)) {
			if i == 0 {
				tail = append(tail, s.item(s.step == stepEnd, l, ""))
			} else {
				tail = append(tail, "  "+l)
			}
		}
	}
	out := append(head, lines...)
	out = append(out, tail...)
	if len(out) > room && room > 0 {
		// The header's detail gives way first, then the oldest of the tail.
		drop := min(len(out)-room, max(len(head)-1, 0))
		out = append(head[:len(head)-drop:len(head)-drop], append(lines, tail...)...)
		if len(out) > room {
			out = out[:room]
		}
	}
	return out
}

// inspectLines are the inspection's form: the line, units, grade, disposition and bin.
func (s *Screen) inspectLines() []string {
	st := s.ctx.Styles
	lines := s.inspectable()
	out := s.wrap("Inspect "+s.rma.Number, st.Title.Render)
	if len(lines) == 0 {
		return out
	}
	l := lines[min(s.insLine, len(lines)-1)]
	narrow := s.w < 40
	field := func(i int, name, value string, choice bool) {
		focus := s.row == i
		if focus && choice && !narrow && (i > 0 || len(lines) > 1) {
			value = "◂ " + value + " ▸"
		}
		if focus && !choice {
			value += "_"
		}
		if narrow {
			name = map[string]string{"Units": "Qty ", "Bin": "Bin "}[name]
		} else {
			name += ": "
		}
		out = append(out, s.item(focus, name+value, ""))
	}
	what := fmt.Sprintf("%s, %d to grade", l.SKU, l.Received-l.Inspected)
	if narrow {
		what = fmt.Sprintf("%s (%d)", l.SKU, l.Received-l.Inspected)
	}
	field(0, "Line", what, true)
	field(1, "Units", s.insQty, false)
	g := returns.Grades[s.grade]
	field(2, "Grade", g+" "+returns.GradeLabel(g), true)
	d := returns.Dispositions[s.disp]
	field(3, "Then", strings.ReplaceAll(d, "_", " "), true)
	if d == "restock" {
		bin := s.bin
		if bin == "" && s.row != 4 {
			bin = "its usual bin"
			if narrow {
				bin = "usual"
			}
		}
		field(4, "Bin", bin, false)
	}
	return out
}

// refundLines are the quote line by line, the method, a supervisor's amount, and the question.
func (s *Screen) refundLines() []string {
	st, q := s.ctx.Styles, s.quote
	cur := string(q.Currency)
	m := func(minor int64) string { return model.Money{Minor: minor, Currency: q.Currency}.FormatGrouped() }
	out := s.wrap("Refund "+s.rma.Number, st.Title.Render)
	if s.w >= 60 {
		out = append(out, st.Muted.Render(fmt.Sprintf(" %-14s %9s %8s %8s %9s", "Units", "Goods", "Tax", "Fee", "Total")))
	}
	for _, l := range q.Lines {
		what := fmt.Sprintf("%d × %s", l.Qty, l.SKU)
		switch {
		case s.w >= 60:
			out = append(out, fmt.Sprintf(" %-14s %9s %8s %8s %9s", ui.Fit(what, 14), m(l.GoodsMinor), m(l.TaxMinor), m(l.FeeMinor), m(l.TotalMinor)))
		default:
			out = append(out, " "+what+" "+ui.FitRight(m(l.TotalMinor), max(s.w-ui.Width(what)-3, 1)))
			if l.FeeMinor != 0 && s.w >= 40 {
				out = append(out, st.Muted.Render("   less a fee of "+m(l.FeeMinor)))
			}
		}
	}
	if s.w >= 40 {
		out = append(out, fmt.Sprintf(" Shipping %s", m(q.ShippingMinor)))
	}
	total := fmt.Sprintf(" Total %s %s", m(q.TotalMinor), cur)
	if q.Capped {
		total += " (capped)"
	}
	out = append(out, st.Title.Render(total))
	out = append(out, s.wrap(fmt.Sprintf("at most %s still unrefunded", money(q.MaxMinor, cur)), st.Muted.Render)...)
	method := strings.ReplaceAll(Methods[s.method], "_", " ")
	ask := s.step == stepRefundConfirm
	to := "To: "
	if s.w < 40 {
		to = ""
	} else if !ask && s.row == 0 {
		method = "◂ " + method + " ▸"
	}
	out = append(out, s.item(!ask && s.row == 0, to+method, ""))
	if s.supervisor() {
		amount := s.amount
		if !ask && s.row == 1 {
			amount += "_"
		}
		if s.amount == "" && (ask || s.row != 1) {
			amount = "as computed"
		}
		out = append(out, s.item(!ask && s.row == 1, "Amount: "+amount, ""))
	}
	if ask {
		amount := q.TotalMinor
		if r := s.refundRequest(); r.Amount != 0 {
			amount = r.Amount
		}
		out = append(out, s.wrap(fmt.Sprintf("Pay %s back to %s?", money(amount, cur), strings.ReplaceAll(Methods[s.method], "_", " ")), st.Title.Render)...)
	}
	return out
}

// label is the prompt over the field, or the keys of a form.
func (s *Screen) label() string {
	narrow := s.w < 40
	switch s.step {
	case stepQueue, stepHits, stepOrder:
		if narrow {
			return "Scan or type order/name"
		}
		return "Scan a packing slip, RMA label or parcel, or type an order number, e-mail or name"
	case stepRMA:
		if narrow {
			return "Scan parcel or item"
		}
		return "Scan the parcel's label or each item (3*SKU receives 3)"
	case stepForm:
		if narrow {
			return "↑/↓ digits ←/→ enter"
		}
		return "↑/↓ line, digits: units, ←/→: reason or wish, enter"
	case stepInspect:
		if narrow {
			return "↑/↓ ←/→ type, enter"
		}
		return "↑/↓ field, ←/→ choose, type units, grade or bin; enter grades"
	case stepRefund:
		if narrow {
			return "←/→ method, enter"
		}
		if s.supervisor() {
			return "←/→ method, ↓ type another amount; enter"
		}
		return "←/→ method, enter"
	case stepFormConfirm, stepExchange, stepAuthorize, stepEndConfirm, stepDecideConfirm:
		return "y yes, n no"
	case stepDecide:
		if narrow {
			return "↑/↓ enter, esc"
		}
		return "↑/↓ choose what becomes of it, enter; esc back"
	case stepAside:
		if narrow {
			return "↑/↓ type, enter"
		}
		return "↑/↓ field, type what came, units and a note; enter puts it aside"
	case stepEnd:
		if narrow {
			return "note?, enter"
		}
		return "Type a note (optional), enter; esc back"
	case stepRefundConfirm:
		if narrow {
			return "y pays, n no"
		}
		return "y pays it, n goes back"
	}
	return ""
}

// noteLines are the last outcome; a refusal starts with ✗ and rings the bell.
func (s *Screen) noteLines() []string {
	if s.note == "" {
		return nil
	}
	st := s.ctx.Styles
	if !s.bad {
		return s.wrap(s.note, st.OK.Render)
	}
	text := s.note
	if !strings.HasPrefix(text, "✗") && !strings.HasPrefix(text, "✓") {
		text = "✗ " + text
	}
	if s.misses > 1 {
		text += fmt.Sprintf(" (×%d)", s.misses)
	}
	lines := s.wrap(text, st.Error.Render)
	lines[0] = bell + lines[0]
	return lines
}

// narrowHint is the step's ctrl keys where the footer is too narrow to show them (under 40
// columns): open an RMA on an order; inspect, refund or exchange on an RMA.
func (s *Screen) narrowHint() string {
	if s.w >= 40 {
		return ""
	}
	rk := s.ctx.Keys.Returns
	var hints []string
	switch s.step {
	case stepOrder:
		hints = append(hints, keyName(rk.Open)+" open RMA")
	case stepRMA:
		if s.canInspect() {
			hints = append(hints, keyName(rk.Inspect)+" inspect")
		}
		if s.canRefund() {
			hints = append(hints, keyName(rk.Refund)+" refund")
		}
		if s.canExchange() {
			hints = append(hints, keyName(rk.Exchange)+" exch")
		}
		if s.canAuthorize() {
			hints = append(hints, keyName(rk.Authorize)+" auth")
		}
		if s.rma != nil && s.rma.Status.Open() && s.step == stepRMA {
			hints = append(hints, keyName(rk.End)+" "+map[bool]string{true: "cancel", false: "close"}[unitsBack(s.rma) == 0])
		}
	case stepQueue:
		if s.curView() == viewUnexpected && len(s.items) > 0 {
			hints = append(hints, "enter decides")
		}
	}
	if len(hints) == 0 {
		return ""
	}
	hint := " " + strings.Join(hints, " ")
	if ui.Width(hint) > s.w {
		hint = " " + hints[0]
	}
	return s.ctx.Styles.Muted.Render(hint)
}

// wrap breaks text to the screen's width, one space in.
func (s *Screen) wrap(text string, style func(...string) string) []string {
	var out []string
	for _, l := range ui.Wrap(text, max(s.w-1, 1)) {
		out = append(out, " "+style(l))
	}
	return out
}
