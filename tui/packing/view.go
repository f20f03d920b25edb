package packing

import (
	"fmt"
	"strings"

	"oms/db/shipping"
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
		prompt = append(prompt, " "+s.ctx.Styles.Title.Render(label))
	}
	if s.step != stepRates && s.step != stepChoose && s.step != stepRelabel || s.scan.Value() != "" {
		field := s.scan
		field.Width = max(w-4, 1)
		prompt = append(prompt, " "+field.View())
	}
	if hint := s.narrowHint(); hint != "" {
		prompt = append(prompt, hint)
	}
	if s.busy {
		after = append(after, s.ctx.Styles.Muted.Render(" …"))
	}
	after = append(after, s.noteLines()...)
	after = append(after, s.doneLines()...)
	room := h - 1 - len(prompt) - len(after)
	out := []string{s.header()}
	out = append(out, s.body(max(room, 0))...)
	out = append(out, prompt...)
	out = append(out, after...)
	for i, l := range out {
		out[i] = ui.Fit(l, w)
	}
	return ui.Clamp(strings.Join(out, "\n"), w, h)
}

// header is the order and its progress: "Pack SO-0000001  P1  2/3".
func (s *Screen) header() string {
	st := s.ctx.Styles
	if s.p == nil {
		text := " Packing " + s.warehouse
		if s.station != "" {
			text += " · " + s.station
		}
		return st.Title.Render(text)
	}
	done, total := progress(*s.p)
	text := fmt.Sprintf(" %s %d/%d", s.p.Order, done, total)
	if s.w >= 40 {
		station := s.station
		if station == "" {
			station = "no station"
		}
		text = fmt.Sprintf(" Pack %s  %s  %d/%d", s.p.Order, station, done, total)
	}
	if s.step == stepDone || s.step == stepRelabel {
		text = " Shipped " + s.p.Order
	}
	return st.Title.Render(text)
}

// progress is the units verified of the units picked.
func progress(p shipping.Packing) (done, total int) {
	for _, l := range p.Lines {
		done += l.Packed
		total += l.Picked
	}
	return done, total
}

// body is what the step shows above its prompt, in at most room lines.
func (s *Screen) body(room int) []string {
	plain := func(v ...string) string { return strings.Join(v, "") }
	var out []string
	switch s.step {
	case stepWarehouse:
		out = s.wrap("Which warehouse do you pack in? Type its code.", plain)
	case stepStation:
		if s.w < 40 {
			out = s.wrap("Your packing station? Enter: none.", plain)
		} else {
			out = s.wrap("Which packing station are you at? Its printers print the labels. Type its code, or press enter for none.", plain)
		}
	case stepOrder:
		if s.w < 40 {
			out = s.wrap("Scan a tote or an order.", plain)
		} else {
			out = s.wrap("Scan a tote, or an order's number, to pack it.", plain)
		}
	case stepChoose:
		out = s.chooseLines(room)
	case stepVerify:
		out = s.verifyLines(room)
	case stepBox, stepWeight, stepConfirm:
		out = s.parcelLines()
	case stepRates:
		out = s.rateLines(room)
	case stepRelabel:
		n := len(s.shipped.Tracking)
		what := "its label"
		if n != 1 {
			what = fmt.Sprintf("its %d labels", n)
		}
		out = s.wrap(fmt.Sprintf("Void %s (%s) and print new ones with new tracking numbers?", what,
			strings.Join(s.shipped.Tracking, ", ")), s.ctx.Styles.Title.Render)
	}
	if len(out) > room {
		out = out[:room]
	}
	return out
}

// chooseLines are a tote's orders, the chosen one marked.
func (s *Screen) chooseLines(room int) []string {
	st := s.ctx.Styles
	out := s.wrap(fmt.Sprintf("%s holds %d orders: which one?", s.tote, len(s.choices)), st.Title.Render)
	first := 0
	if rows := room - len(out); rows > 0 && s.choice >= rows {
		first = s.choice - rows + 1
	}
	for i := first; i < len(s.choices); i++ {
		line := "  " + s.choices[i].Number
		if i == s.choice {
			line = st.Selected.Render("▸ " + s.choices[i].Number)
		}
		out = append(out, line)
	}
	return out
}

// verifyLines are where the order goes, its lines (✓ when every picked unit is verified), the
// parcels closed so far and any customs problem; the lines give way to the rest on a small
// screen, showing those still to verify first.
func (s *Screen) verifyLines(room int) []string {
	st, p := s.ctx.Styles, s.p
	var head, tail []string
	if s.w >= 40 && s.h >= 16 {
		to := p.ShipTo.Name
		if p.ShipTo.City != "" {
			to += ", " + p.ShipTo.City
		}
		head = append(head, st.Muted.Render(" To "+to+" "+p.ShipTo.Country))
	}
	for i, pc := range p.Parcels {
		text := fmt.Sprintf(" Parcel %d: box %s, %s, %s", i+1, pc.Box, Grams(pc.WeightG), units(pc.Units))
		if s.w < 40 {
			text = fmt.Sprintf(" #%d %s %s", i+1, pc.Box, Grams(pc.WeightG))
		}
		tail = append(tail, text)
	}
	if len(s.customs) > 0 {
		tail = append(tail, s.wrap("! Customs data missing for "+p.ShipTo.Country+":", st.Warning.Render)...)
		for _, c := range s.customs {
			tail = append(tail, s.wrap("· "+c, st.Warning.Render)...)
		}
	}
	rows := room - len(head) - len(tail)
	if rows < 1 && len(head) > 0 {
		rows, head = rows+len(head), nil
	}
	lines := s.itemLines()
	if rows < len(lines) {
		// Those still to verify first, then the rest, with a count of what is not shown.
		var open, done []string
		for i, l := range p.Lines {
			if l.ToVerify() > 0 {
				open = append(open, lines[i])
			} else {
				done = append(done, lines[i])
			}
		}
		lines = append(open, done...)
		if rows >= 1 {
			more := len(lines) - (rows - 1)
			lines = append(lines[:rows-1:rows-1], st.Muted.Render(fmt.Sprintf("   +%d more", more)))
		} else {
			lines = nil
		}
	}
	out := append(head, lines...)
	return append(out, tail...)
}

// itemLines are the order's lines: "✓ TEE-1  Tee  2/2", the name left out on a narrow screen.
func (s *Screen) itemLines() []string {
	st, p := s.ctx.Styles, s.p
	skuW := 0
	for _, l := range p.Lines {
		skuW = max(skuW, ui.Width(l.SKU))
	}
	var out []string
	for _, l := range p.Lines {
		mark := " "
		if l.ToVerify() == 0 {
			mark = "✓"
		}
		count := fmt.Sprintf("%d/%d", l.Packed, l.Picked)
		left := fmt.Sprintf(" %s %-*s", mark, skuW, l.SKU)
		if s.w >= 40 {
			nameW := s.w - ui.Width(left) - ui.Width(count) - 3
			if s.w >= 60 && l.Boxed > 0 {
				count = fmt.Sprintf("%s  %d in parcels", count, l.Boxed)
				nameW = s.w - ui.Width(left) - ui.Width(count) - 3
			}
			left += " " + ui.Fit(l.Name, max(nameW, 0))
		}
		pad := max(s.w-ui.Width(left)-ui.Width(count)-1, 1)
		line := left + strings.Repeat(" ", pad) + count
		if l.ToVerify() == 0 {
			line = st.OK.Render(line)
		}
		out = append(out, line)
	}
	return out
}

// parcelLines are what goes into the parcel being closed.
func (s *Screen) parcelLines() []string {
	st, p := s.ctx.Styles, s.p
	n := len(p.Parcels) + 1
	head := fmt.Sprintf("Parcel %d: %s", n, units(p.Unboxed()))
	if s.box != "" && s.step != stepBox {
		head = fmt.Sprintf("Parcel %d in box %s: %s", n, s.box, units(p.Unboxed()))
	}
	out := s.wrap(head, st.Title.Render)
	for _, l := range p.Lines {
		if u := l.Unboxed(); u > 0 {
			line := fmt.Sprintf("  %d × %s", u, l.SKU)
			if s.w >= 40 {
				line += "  " + l.Name
			}
			out = append(out, line)
		}
	}
	if s.step == stepBox && s.noBox {
		out = append(out, s.wrap("No box of this warehouse holds them all: scan the box you use.", st.Muted.Render)...)
	}
	return out
}

// rateLines are the carriers' offers for every parcel: service, price, delivery day and
// whether it meets the promise, in words as well as colour.
func (s *Screen) rateLines(room int) []string {
	st, p := s.ctx.Styles, s.p
	weight := 0
	for _, pc := range p.Parcels {
		weight += pc.WeightG
	}
	head := fmt.Sprintf("Ship %d parcels, %s, to %s %s:", len(p.Parcels), Grams(weight), p.ShipTo.Country, p.ShipTo.PostalCode)
	if len(p.Parcels) == 1 {
		head = fmt.Sprintf("Ship 1 parcel, %s, to %s %s:", Grams(weight), p.ShipTo.Country, p.ShipTo.PostalCode)
	}
	if s.w < 40 {
		head = fmt.Sprintf("Ship %d × %s:", len(p.Parcels), Grams(weight))
	}
	out := s.wrap(head, st.Title.Render)
	if !p.Promised.IsZero() && s.w >= 40 {
		out = append(out, st.Muted.Render(" promised "+p.Promised.In(s.ctx.Location).Format("Mon 2 Jan")))
	}
	per := 1
	if s.w < 40 {
		per = 2 // the service on one line, price, day and promise on the next
	}
	first := 0
	if rows := (room - len(out)) / per; rows > 0 && s.offer >= rows {
		first = s.offer - rows + 1
	}
	for i := first; i < len(s.offers); i++ {
		out = append(out, s.offerLines(i)...)
	}
	return out
}

func (s *Screen) offerLines(i int) []string {
	st, o := s.ctx.Styles, s.offers[i]
	price := model.Money{Minor: o.TotalMinor, Currency: model.Currency(o.Currency)}.FormatGrouped() + " " + o.Currency
	promise, tone := "late", st.Late
	if o.MeetsPromise {
		promise, tone = "✓ on time", st.OK
	}
	mark := "  "
	if i == s.offer {
		mark = "▸ "
	}
	name := o.Carrier + " " + o.ServiceName
	if s.w < 40 {
		first := fmt.Sprintf("%s%d %s", mark, i+1, o.ServiceName)
		second := fmt.Sprintf(" %s %s", price, promise)
		if ui.Width(second) > s.w {
			second = fmt.Sprintf(" %s %s", model.Money{Minor: o.TotalMinor, Currency: model.Currency(o.Currency)}.FormatGrouped(), promise)
		}
		if i == s.offer {
			return []string{st.Selected.Render(ui.Fit(first, s.w)), second}
		}
		return []string{first, tone.Render(second)}
	}
	day := o.Delivery.Format("Mon 2 Jan")
	if s.w < 60 {
		day = o.Delivery.Format("2 Jan")
		name = o.ServiceName
	}
	nameW, priceW := 0, 0
	for _, o := range s.offers {
		n := o.Carrier + " " + o.ServiceName
		if s.w < 60 {
			n = o.ServiceName
		}
		nameW = max(nameW, ui.Width(n))
		priceW = max(priceW, ui.Width(model.Money{Minor: o.TotalMinor, Currency: model.Currency(o.Currency)}.FormatGrouped()+" "+o.Currency))
	}
	gap := "  "
	if s.w < 60 {
		gap = " "
	}
	line := fmt.Sprintf("%s%d %-*s%s%*s%s%s%s%s", mark, i+1, nameW, name, gap, priceW, price, gap, day, gap, promise)
	if i == s.offer {
		return []string{st.Selected.Render(line)}
	}
	return []string{tone.Render(line)}
}

// label is the prompt over the field.
func (s *Screen) label() string {
	narrow := s.w < 40
	switch s.step {
	case stepWarehouse:
		return "Warehouse"
	case stepStation:
		return "Station"
	case stepOrder, stepDone:
		if narrow {
			return "Tote or order"
		}
		if s.step == stepDone {
			return "Scan the next tote or order"
		}
		return "Scan tote or order"
	case stepChoose:
		if narrow {
			return "↑/↓ enter, or scan"
		}
		return "↑/↓ and enter, or scan its number"
	case stepVerify:
		switch {
		case s.packed():
			if narrow {
				return "All packed"
			}
			return "All packed: enter or " + keyName(s.ctx.Keys.Packing.Ship) + " for the offers"
		case s.lastItem == "":
			return "Scan item"
		case narrow:
			return "Item or count"
		}
		return "Scan item or type a count"
	case stepBox:
		switch {
		case s.busy:
			return "Box?"
		case s.suggest == "":
			return "Scan the box"
		case narrow:
			return "Box " + s.suggest + "? enter/scan"
		}
		return "Box " + s.suggest + "? Enter or scan another"
	case stepWeight:
		if narrow {
			return "Weight"
		}
		return "Weight (grams, or 1.25kg)"
	case stepConfirm:
		if narrow {
			return "y, or new weight"
		}
		return "y, or the weight again"
	case stepRates:
		if narrow {
			return "↑/↓, enter ships"
		}
		return "↑/↓ to choose, enter ships"
	case stepRelabel:
		if narrow {
			return "y voids, n keeps"
		}
		return "y voids them, n keeps them"
	}
	return ""
}

// narrowHint is the step's keys where the footer is too narrow to show them (under 40
// columns): close parcel and ship while verifying, reprint when shipped.
func (s *Screen) narrowHint() string {
	if s.w >= 40 {
		return ""
	}
	pk := s.ctx.Keys.Packing
	var hint string
	switch {
	case s.step == stepVerify && s.packed():
		hint = " " + keyName(pk.Ship) + " ship"
	case s.step == stepVerify:
		hint = " " + keyName(pk.Parcel) + " parcel"
	case s.step == stepDone && !s.printOK && s.printed != "":
		hint = " " + keyName(pk.Reprint) + " reprint"
	default:
		return ""
	}
	if ui.Width(hint) > s.w {
		return ""
	}
	return s.ctx.Styles.Muted.Render(hint)
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
	text := "✗ " + s.note
	if s.misses > 1 {
		text += fmt.Sprintf(" (×%d)", s.misses)
	}
	lines := s.wrap(text, st.Error.Render)
	lines[0] = bell + lines[0]
	return lines
}

// doneLines say what shipped and where its labels went.
func (s *Screen) doneLines() []string {
	if s.step != stepDone && s.step != stepRelabel || s.shipped == nil {
		return nil
	}
	st, out := s.ctx.Styles, s.shipped
	parcels := "1 parcel"
	if len(out.Tracking) != 1 {
		parcels = fmt.Sprintf("%d parcels", len(out.Tracking))
	}
	text := fmt.Sprintf("✓ Shipped: %s, %s", parcels, strings.Join(out.Tracking, ", "))
	switch {
	case s.printed != "" && s.printOK:
		text += " — " + s.printed
	case s.busy:
		text += " — printing the labels"
	}
	lines := s.wrap(text, st.OK.Render)
	price := model.Money{Minor: out.CostMinor, Currency: model.Currency(out.Currency)}.FormatGrouped() + " " + out.Currency
	more := fmt.Sprintf("%s %s, %s", out.Carrier, out.Service, price)
	if out.Invoice != "" {
		more += ", invoice " + out.Invoice
	}
	lines = append(lines, s.wrap(more, st.Muted.Render)...)
	if s.printed != "" && !s.printOK {
		text := fmt.Sprintf("✗ %s: %s prints again", s.printed, keyName(s.ctx.Keys.Packing.Reprint))
		if s.fails > 1 {
			text += fmt.Sprintf(" (×%d)", s.fails)
		}
		fail := s.wrap(text, st.Error.Render)
		fail[0] = bell + fail[0]
		lines = append(lines, fail...)
	}
	return lines
}

// wrap breaks text to the screen's width, one space in.
func (s *Screen) wrap(text string, style func(...string) string) []string {
	var out []string
	for _, l := range ui.Wrap(text, max(s.w-1, 1)) {
		out = append(out, " "+style(l))
	}
	return out
}
