package returns

import (
	"fmt"

	"oms/db/returns"
	"oms/tui/ui"
)

// who says who put an item aside: "you", or their login.
func (s *Screen) who(u returns.Unexpected) string {
	if u.By == s.ctx.User.Login && u.By != "" {
		return "you"
	}
	return u.By
}

// about is who put an item aside, then its note: the note gives way first.
func (s *Screen) about(u returns.Unexpected) string {
	if u.Note == "" {
		return s.who(u)
	}
	return s.who(u) + ": " + u.Note
}

// cameWith names the RMA and order an item came with.
func cameWith(u returns.Unexpected) string {
	switch {
	case u.RMA != "":
		return u.RMA
	case u.Order != "":
		return u.Order
	}
	return "no RMA"
}

// itemLines are the undecided unexpected items, in at most room lines: what, units, the RMA it
// came with, the note and who put it aside (no times: they are the database's, not the desk's
// clock).
func (s *Screen) itemLines(room int) []string {
	st := s.ctx.Styles
	if len(s.items) == 0 {
		return []string{st.Muted.Render(" Nothing undecided")}
	}
	per := 2
	if s.w >= 80 {
		per = 1
	}
	first := 0
	if rows := room / per; rows > 0 && s.cur >= rows {
		first = s.cur - rows + 1
	}
	var out []string
	for i := first; i < len(s.items); i++ {
		u := s.items[i]
		sel := i == s.cur
		switch {
		case s.w >= 80:
			line := fmt.Sprintf("%-12s %4d  %-10s %-10s ", ui.Fit(what(u), 12), u.Qty, cameWith(u), u.Order)
			line += ui.Fit(s.about(u), max(s.w-ui.Width(line)-2, 0))
			out = append(out, s.item(sel, line, ""))
		case s.w >= 40:
			out = append(out, s.item(sel, fmt.Sprintf("%-16s ×%-3d %s", ui.Fit(what(u), 16), u.Qty, cameWith(u)), ""))
			out = append(out, st.Muted.Render(ui.Fit("   "+s.about(u), s.w)))
		default:
			out = append(out, s.item(sel, fmt.Sprintf("%s ×%d", what(u), u.Qty), ""))
			out = append(out, st.Muted.Render(ui.Fit("   "+cameWith(u), s.w)))
		}
	}
	return out
}

// decideLines are the item being decided, the decisions it may take and the question.
func (s *Screen) decideLines() []string {
	st, u := s.ctx.Styles, s.deciding
	narrow := s.w < 40
	title := fmt.Sprintf("Unexpected %d × %s", u.Qty, what(u))
	if narrow {
		title = fmt.Sprintf("%d × %s", u.Qty, what(u))
	}
	out := s.wrap(title, st.Title.Render)
	if !narrow {
		came := "Came without an RMA"
		switch {
		case u.RMA != "":
			came = "Came with " + u.RMA + " of order " + u.Order
		case u.Order != "":
			came = "Came with order " + u.Order
		}
		out = append(out, s.wrap(came, st.Muted.Render)...)
		if u.SKU == "" {
			out = append(out, s.wrap("Not a product oms knows (scanned "+u.Scan+")", st.Muted.Render)...)
		}
		if u.Note != "" {
			out = append(out, s.wrap("Note: "+u.Note, st.Muted.Render)...)
		}
		out = append(out, s.wrap("Put aside by "+s.who(u)+" at "+u.Warehouse, st.Muted.Render)...)
	} else {
		out = append(out, " "+cameWith(u))
	}
	ask := s.step == stepDecideConfirm
	for i, d := range s.choices {
		out = append(out, s.item(!ask && i == s.choice, decisionLabel(d, u, narrow), ""))
	}
	if ask {
		out = append(out, s.wrap(decisionQuestion(s.choices[s.choice], u), st.Title.Render)...)
	}
	return out
}

// asideLines are the put-aside form: what came, units, a note and the warehouse.
func (s *Screen) asideLines() []string {
	st, a := s.ctx.Styles, s.aside
	narrow := s.w < 40
	title := "Put aside as unexpected (no RMA)"
	if narrow {
		title = "Put aside"
	}
	out := s.wrap(title, st.Title.Render)
	field := func(i int, name, short, value string) {
		focus := s.row == i
		if focus {
			value += "_"
		}
		if narrow {
			name = short
		}
		out = append(out, s.item(focus, name+value, ""))
	}
	field(0, "Item: ", "", a.scan)
	if a.scan == "" && s.row != 0 {
		out[len(out)-1] = s.item(false, "Item: (scan or type it)", "")
	}
	field(1, "Units: ", "Qty ", a.qty)
	field(2, "Note: ", "", a.note)
	if s.warehouse == "" {
		field(3, "Warehouse: ", "Wh ", a.warehouse)
	} else if !narrow {
		out = append(out, st.Muted.Render(" Warehouse: "+s.warehouse))
	}
	return out
}
