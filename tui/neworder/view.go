package neworder

import (
	"fmt"
	"strings"

	"oms/db/orders"
	"oms/model"
	"oms/tui/ui"
)

// wide is the width from which fields share rows (three ship-to fields a row, a line on one
// row); from 40 to here every field has its own row.
const wide = 72

// labelWidth is the width of a field's label.
const labelWidth = 8

// vline is one drawn row of the form and the fields on it (to scroll the focused one into view).
type vline struct {
	text string
	ids  []int
}

// cell draws field id in width cells: a focus mark, its label and its text.
func (s *Screen) cell(id, width int, label string) string {
	mark := " "
	if s.active && s.done == nil && s.focus == id {
		mark = ">"
	}
	head := mark
	if label != "" {
		head += ui.Fit(label, labelWidth) + " "
	}
	return head + s.field(id, width-ui.Width(head))
}

// field draws field id's text in exactly width cells.
func (s *Screen) field(id, width int) string {
	if width <= 0 {
		return ""
	}
	if id == fChannel {
		return ui.Fit(s.channelText(width), width)
	}
	f := *s.input(id)
	f.Width = max(width-1, 1) // the field draws one more cell for its cursor
	return ui.Fit(f.View(), width)
}

func (s *Screen) channelText(width int) string {
	if len(s.channels) == 0 {
		return s.ctx.Styles.Muted.Render("loading…")
	}
	c := s.channels[s.channel]
	text := ""
	for _, t := range []string{fmt.Sprintf("%s (%s) · %s · SLA %d h", c.Name, c.Code, c.Currency, c.SLAHours),
		fmt.Sprintf("%s · %s · SLA %d h", c.Code, c.Currency, c.SLAHours), c.Code + " · " + c.Currency} {
		if text = t; ui.Width(t)+4 <= width {
			break
		}
	}
	if len(s.channels) > 1 {
		text = "‹ " + text + " ›"
	}
	return text
}

// body is every row of the form, top to bottom.
func (s *Screen) body() []vline {
	st, w := s.ctx.Styles, s.w
	var out []vline
	add := func(text string, ids ...int) { out = append(out, vline{ui.Fit(text, w), ids}) }
	row := func(ids ...int) { // fields sharing a row equally
		cw := w / len(ids)
		var b strings.Builder
		for i, id := range ids {
			width := cw
			if i == len(ids)-1 {
				width = w - cw*(len(ids)-1)
			}
			b.WriteString(s.cell(id, width, labels[id]))
		}
		add(b.String(), ids...)
	}
	rows := func(groups ...[]int) {
		for _, g := range groups {
			if w >= wide {
				row(g...)
				continue
			}
			for _, id := range g {
				row(id)
			}
		}
	}
	row(fChannel)
	row(fSearch)
	if s.active && s.focus == fSearch && s.done == nil {
		text := strings.TrimSpace(s.in[fSearch].Value())
		switch {
		case len(s.results) > 0:
			for i, c := range s.results {
				mark, style := "  ", st.Text.Render
				if i == s.sel {
					mark, style = "▸ ", st.Selected.Render
				}
				add("  " + style(ui.Fit(mark+customerText(c, w >= wide), w-2)))
			}
		case s.findF.InFlight():
			add("  " + st.Muted.Render("searching…"))
		case text != "":
			add("  " + st.Muted.Render("no customer found: type the new one below"))
		}
	}
	if c := s.picked; c != nil {
		add(" "+ui.Fit("Customer", labelWidth)+" "+st.Selected.Render(customerText(*c, w >= wide)), fSearch)
	} else {
		rows([]int{fCustName, fCustEmail, fCustPhone})
	}
	rows([]int{fShipName, fLine1, fLine2}, []int{fPostcode, fCity, fCountry})
	if len(s.lines) > 0 && w >= wide {
		add(st.TableHeader.Render(ui.Fit(ui.Fit("  # SKU", 17)+"Product", w-41) + ui.Fit("  Qty", 9) + ui.Fit("  Unit price", 15) +
			ui.FitRight("Amount", 16) + " "))
	}
	for i := range s.lines {
		out = append(out, s.lineRows(i)...)
	}
	row(fItem)
	for i, p := range s.cands {
		mark, style := "  ", st.Text.Render
		if i == s.candSel {
			mark, style = "▸ ", st.Selected.Render
		}
		add("  " + style(ui.Fit(mark+p.SKU+"  "+p.Name, w-2)))
	}
	promised := s.cell(fPromised, labelWidth+13, labels[fPromised]) + ui.Fit(st.Muted.Render(s.slaText()), 11)
	if w >= wide {
		add(promised+s.cell(fNotes, w-labelWidth-24, labels[fNotes]), fPromised, fNotes)
	} else {
		add(promised, fPromised)
		row(fNotes)
	}
	return out
}

// slaText says where the promised date comes from: the channel's SLA, or typed over.
func (s *Screen) slaText() string {
	if len(s.channels) == 0 {
		return ""
	}
	if v := s.val(fPromised); v == s.promisedDefault || v == "" {
		return fmt.Sprintf("SLA %d h", s.channels[s.channel].SLAHours)
	}
	return "(SLA " + s.promisedDefault[5:] + ")"
}

// customerText is a found customer as one row: name, e-mail, phone, and where they last had
// an order sent.
func customerText(c orders.CustomerMatch, wide bool) string {
	parts := []string{c.Name}
	for _, p := range []string{c.Email, c.Phone} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	if wide && c.LastTo.City != "" {
		parts = append(parts, c.LastTo.City+" "+c.LastTo.Country)
	}
	return strings.Join(parts, " · ")
}

// lineRows draws line i: on one row when wide, else the product above its quantity and price.
func (s *Screen) lineRows(i int) []vline {
	l, w := s.lines[i], s.w
	qid, pid := lineBase+2*i, lineBase+2*i+1
	amount := "?"
	if q, u, p := s.lineValues(i); p == "" {
		amount = model.Money{Minor: q * u, Currency: model.Currency(s.currency())}.Format()
	}
	head := fmt.Sprintf("%3d %s", i+1, l.sku)
	if w >= wide {
		text := ui.Fit(ui.Fit(head, 16)+" "+l.name, w-41) + " " + s.cell(qid, 8, "") + " " + s.cell(pid, 14, "") +
			ui.FitRight(amount, 16) + " "
		return []vline{{ui.Fit(text, w), []int{qid, pid}}}
	}
	second := "    qty" + s.cell(qid, 7, "") + " ×" + s.cell(pid, 11, "")
	second += ui.FitRight(amount, w-ui.Width(second)-1) + " "
	return []vline{{ui.Fit(head+"  "+l.name, w), []int{qid, pid}}, {ui.Fit(second, w), []int{qid, pid}}}
}

// foot is what stays at the bottom whatever the scroll: the total, then the outcome.
func (s *Screen) foot() []string {
	st, w := s.ctx.Styles, s.w
	var out []string
	wrap := func(text string, style func(...string) string) {
		for _, l := range ui.Wrap(text, max(w-1, 1)) {
			out = append(out, ui.Fit(" "+style(l), w))
		}
	}
	t, bad := s.total()
	var units int64
	for i := range s.lines {
		if q, _, p := s.lineValues(i); p == "" {
			units += q
		}
	}
	sum := fmt.Sprintf("%d line%s · %d unit%s · total %s", len(s.lines), plural(int64(len(s.lines))), units, plural(units), t)
	if bad > 0 {
		sum += fmt.Sprintf(" (%d line%s not counted)", bad, plural(int64(bad)))
	}
	out = append(out, ui.FitRight(st.Title.Render(sum)+" ", w))
	switch {
	case s.done != nil && s.done.id != 0:
		wrap(s.done.number+" saved. enter opens it; esc goes back.", st.OK.Render)
	case s.done != nil:
		wrap(s.done.number+" saved.", st.OK.Render)
	case s.saving:
		wrap("saving…", st.Muted.Render)
	case s.looking:
		wrap("looking…", st.Muted.Render)
	}
	if s.problem != "" {
		wrap(s.problem, st.Error.Render)
	}
	if s.note != "" {
		wrap(s.note, st.Muted.Render)
	}
	return out
}

// View draws the title, the form scrolled so the focused field shows, and the foot.
func (s *Screen) View() string {
	st, w := s.ctx.Styles, s.w
	if w < 40 || s.h < 10 {
		var out []string
		for _, l := range ui.Wrap("New order: widen the terminal to 40 columns or more (it is a desk form).", max(w-1, 1)) {
			out = append(out, " "+l)
		}
		return ui.Clamp(strings.Join(out, "\n"), w, s.h)
	}
	title := " New order by hand"
	if !s.active && s.done == nil {
		title += st.Muted.Render(" · tab edits, ctrl+s saves")
	}
	foot := s.foot()
	room := max(s.h-1-len(foot), 1)
	body := s.body()
	at := 0
	for i, l := range body {
		for _, id := range l.ids {
			if id == s.focus {
				at = i
				if id == fSearch || id == fItem {
					at = i + len(s.results) // keep the results or candidates below it in view
					if id == fItem {
						at = i + len(s.cands)
					}
				}
			}
		}
	}
	if len(body) > room {
		room = max(room-1, 1) // a row says how many more are below
	}
	top := 0
	if at >= room {
		top = at - room + 1
	}
	top = min(top, max(len(body)-room, 0))
	out := []string{ui.Fit(st.Title.Render(title), w)}
	if top > 0 {
		out[0] = ui.Fit(st.Title.Render(title), w-12) + st.Muted.Render(ui.FitRight(fmt.Sprintf("↑ %d more ", top), 12))
	}
	end := min(top+room, len(body))
	for _, l := range body[top:end] {
		out = append(out, l.text)
	}
	if end < len(body) {
		out = append(out, ui.Fit(st.Muted.Render(fmt.Sprintf(" ↓ %d more", len(body)-end)), w))
	}
	for len(out) < s.h-len(foot) {
		out = append(out, "")
	}
	out = append(out, foot...)
	return ui.Clamp(strings.Join(out, "\n"), w, s.h)
}

func plural(n int64) string {
	if n == 1 {
		return ""
	}
	return "s"
}
