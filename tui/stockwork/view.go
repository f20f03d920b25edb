package stockwork

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"

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
		prompt = append(prompt, s.labelLines(label)...)
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
	return ui.OnePrompt(w, h, s.header(), s.body, prompt, after)
}

// hasField says whether the step shows the scan field.
func (s *Screen) hasField() bool {
	switch s.step {
	case stepMenu, stepRecvConfirm, stepRecvASN, stepPutOther, stepRepConfirm, stepRepCancel:
		return false
	}
	return true
}

// header is the job and its warehouse, or the PO being received; ○ stale when the last read
// of what it shows failed.
func (s *Screen) header() string {
	st := s.ctx.Styles
	wide := s.w >= 40
	var text string
	switch {
	case s.step == stepWarehouse || s.step == stepMenu:
		text = " Stock " + s.warehouse
		if wide {
			text = " " + Title + " · " + s.warehouse
		}
	case s.job == jobReceive && s.po != nil && s.step != stepPO:
		text = " " + s.po.Number + " " + s.po.Supplier
		if wide {
			text = " Receive " + s.po.Number + " · " + s.po.Supplier + " → " + s.po.Warehouse
		}
	default:
		text = " " + jobs[s.job].narrow + " " + s.warehouse
		if wide {
			text = " " + jobs[s.job].wide + " · " + s.warehouse
		}
	}
	head := st.Title.Render(text)
	if s.stale {
		mark := " ○ stale"
		if !wide {
			mark = " ○"
		}
		head = ui.Fit(head, max(s.w-ui.Width(mark), 0)) + st.Muted.Render(mark)
	}
	return head
}

// label is the prompt over the field, or the question asked.
func (s *Screen) label() string {
	narrow := s.w < 40
	switch s.step {
	case stepWarehouse:
		return "Which warehouse do you work in? Type its code."
	case stepMenu:
		if narrow {
			return "Which job? 1–4"
		}
		return "Which job? Press 1–4, or enter on one"
	case stepPO:
		if narrow {
			return "Scan the PO"
		}
		return "Scan or type the PO's number"
	case stepRecvItem:
		if narrow {
			return "Scan items"
		}
		return "Scan each item, or a count after it"
	case stepRecvLot:
		return "Lot of " + s.lotItem.SKU + "?"
	case stepRecvExpiry:
		return fmt.Sprintf("Lot %s is new: when does it expire?", s.lotCode)
	case stepRecvConfirm:
		return fmt.Sprintf("Receive %s on %s? y/n", s.scannedText(), s.po.Number)
	case stepRecvASN:
		return fmt.Sprintf("Receive %s as announced: %d units? y/n", s.asn.Number, s.asnUnits())
	case stepPutItem:
		if narrow {
			return "Scan an item"
		}
		return "Scan an item to put away"
	case stepPutLot, stepMoveLot:
		return "Which lot?"
	case stepPutBin:
		if s.suggest.Bin == "" {
			return "Scan a bin"
		}
		return "Scan bin " + s.suggest.Bin
	case stepPutOther:
		return fmt.Sprintf("Put away in %s, not %s? y/n", s.putBin, s.suggest.Bin)
	case stepPutQty:
		return fmt.Sprintf("How many %s into %s?", s.putItem.SKU, s.putBin)
	case stepMoveFrom:
		if narrow {
			return "Scan bin from"
		}
		return "Scan the bin to move from"
	case stepMoveItem:
		return "Scan an item"
	case stepMoveQty:
		return fmt.Sprintf("How many %s?", s.moveItem.SKU)
	case stepMoveTo:
		if narrow {
			return "Scan bin to"
		}
		return "Scan the bin to move to"
	case stepRepClaim:
		if narrow {
			return "Enter: next task"
		}
		return "Press enter for the next task"
	case stepRepFrom:
		return "Scan bin " + s.task.From
	case stepRepTo:
		return "Scan bin " + s.task.To
	case stepRepConfirm:
		return fmt.Sprintf("Move %d × %s %s → %s? y/n", s.task.Qty, s.task.SKU, s.task.From, s.task.To)
	case stepRepCancel:
		return fmt.Sprintf("Cancel the task %d × %s %s → %s? y/n", s.task.Qty, s.task.SKU, s.task.From, s.task.To)
	}
	return ""
}

// labelLines are the label, wrapped, with the receive key beside the item prompt where the
// footer is too narrow to show it.
func (s *Screen) labelLines(label string) []string {
	st := s.ctx.Styles
	lines := s.wrap(label, st.Title.Render)
	hint := ""
	switch {
	case s.step == stepRecvItem && s.w < 40:
		if keys := s.ctx.Keys.Stockwork.Finish.Keys(); len(keys) > 0 {
			hint = " " + strings.Replace(keys[0], "ctrl+", "^", 1) + " done"
		}
	}
	if hint != "" && len(lines) == 1 && 1+ui.Width(label)+ui.Width(hint) <= s.w {
		lines[0] += st.Muted.Render(hint)
	}
	return lines
}

// body is what the step shows above its prompt, in at most room lines.
func (s *Screen) body(room int) []string {
	st := s.ctx.Styles
	switch s.step {
	case stepMenu:
		return s.menuLines()
	case stepPO:
		if s.w >= 40 {
			return s.wrap("Receive a delivery against its purchase order: scan the number on the paperwork.", st.Muted.Render)
		}
	case stepRecvItem, stepRecvLot, stepRecvExpiry, stepRecvConfirm, stepRecvASN:
		return s.poLines(room)
	case stepPutItem:
		return s.waitingLines()
	case stepPutLot:
		out := []string{st.Muted.Render(" " + s.putItem.SKU + " waits in lots:")}
		for _, h := range s.putLots {
			out = append(out, fmt.Sprintf("  %s %d", h.Lot, h.Qty))
		}
		return out
	case stepPutBin, stepPutOther, stepPutQty:
		return s.putLines(room)
	case stepMoveItem, stepMoveLot:
		return s.holdLines()
	case stepMoveQty, stepMoveTo:
		line := fmt.Sprintf(" %s: %d × %s", s.from.Code, s.moveHas, s.moveItem.SKU)
		if s.moveLot != "" {
			line += " lot " + s.moveLot
		}
		out := []string{st.Text.Render(line)}
		if s.step == stepMoveTo {
			out = append(out, st.Title.Render(fmt.Sprintf(" Moving %d", s.moveQty)))
		}
		return out
	case stepRepClaim:
		text := "Claim the next replenishment task."
		if s.w >= 40 {
			text = "Claim the next task that refills a pick bin at " + s.warehouse + " from a reserve bin."
		}
		return s.wrap(text, st.Text.Render)
	case stepRepFrom, stepRepTo, stepRepConfirm, stepRepCancel:
		return s.taskLines(room)
	}
	return nil
}

// menuLines are the four jobs, the chosen one marked.
func (s *Screen) menuLines() []string {
	st := s.ctx.Styles
	var out []string
	for i, j := range jobs {
		name := j.wide
		if s.w < 40 {
			name = j.narrow
		}
		line := fmt.Sprintf("  %d %s", i+1, name)
		if i == s.cur {
			line = st.Selected.Render(ui.Fit(fmt.Sprintf("▸ %d %s", i+1, name), s.w))
		}
		out = append(out, line)
	}
	return out
}

// poLines are the PO's lines (received of ordered, and damaged), then what was scanned and not
// received yet.
func (s *Screen) poLines(room int) []string {
	st := s.ctx.Styles
	var out []string
	if s.po == nil {
		return nil
	}
	out = append(out, s.asnLines()...)
	wide := s.w >= 60
	if wide {
		out = append(out, st.TableHeader.Render(ui.Fit(fmt.Sprintf("   %-14s %8s %8s %7s", "SKU", "received", "ordered", "damaged"), s.w)))
	}
	for _, l := range s.po.Lines {
		var line string
		if wide {
			dmg := ""
			if l.Damaged > 0 {
				dmg = fmt.Sprint(l.Damaged)
			}
			line = fmt.Sprintf("   %-14s %8d %8d %7s", ui.Fit(l.SKU, 14), l.Received, l.Ordered, dmg)
		} else if s.w >= 40 {
			line = fmt.Sprintf(" %-10s %d of %d received", ui.Fit(l.SKU, 10), l.Received, l.Ordered)
			if l.Damaged > 0 {
				line += fmt.Sprintf(", %d damaged", l.Damaged)
			}
		} else {
			line = fmt.Sprintf(" %s %d/%d", l.SKU, l.Received, l.Ordered)
			if l.Damaged > 0 {
				line += fmt.Sprintf(" %d dmg", l.Damaged)
			}
		}
		if l.Received >= l.Ordered {
			line = st.Muted.Render(line)
		}
		out = append(out, line)
	}
	if len(s.lines) == 0 {
		out = append(out, st.Muted.Render(" Nothing scanned yet"))
		return out
	}
	out = append(out, st.Title.Render(" Scanned, not received:"))

	if s.w < 40 {
		out[len(out)-1] = st.Title.Render(" Scanned:")
	}
	for _, l := range s.lines {
		out = append(out, s.wrap(" "+lineText(l), st.Title.Render)...)
	}
	// The keys the footer has no room for at 20 columns, under the scans.
	if s.w < 40 && s.step == stepRecvItem {
		if hint := s.keyHint(s.ctx.Keys.Stockwork.Damaged, "dmg") + s.keyHint(s.ctx.Keys.Stockwork.Undo, "undo"); hint != "" {
			out = append(out, st.Muted.Render(hint))
		}
	}
	// The scanned lines matter most: the PO's give way.
	if len(out) > room {
		out = out[len(out)-room:]
	}
	return out
}

// asnLines are the supplier's notice the PO was opened by: its number and pallet, what it
// announces per SKU (and lot), or who received it and when; nothing for a plain PO number.
func (s *Screen) asnLines() []string {
	a := s.asn
	if a == nil {
		return nil
	}
	st := s.ctx.Styles
	head := " Notice " + a.Number
	if s.w < 40 {
		head = " " + a.Number
	}
	out := []string{st.Title.Render(ui.Fit(head, s.w))}
	if a.SSCC != "" {
		if s.w >= 40 {
			out = append(out, st.Muted.Render(" SSCC "+a.SSCC))
		} else {
			out = append(out, st.Muted.Render(" "+a.SSCC))
		}
	}
	if a.ReceivedAt != nil {
		return append(out, s.wrap(fmt.Sprintf("received by %s at %s", s.asnReceiver(), a.ReceivedAt.Local().Format("15:04")), st.Muted.Render)...)
	}
	for _, l := range a.Lines {
		line := fmt.Sprintf("  %d × %s", l.Qty, l.SKU)
		if s.w < 40 {
			line = fmt.Sprintf("  %d %s", l.Qty, l.SKU)
		}
		if l.Lot != "" {
			line += " " + l.Lot
		}
		out = append(out, line)
	}
	if s.w < 40 && s.step == stepRecvItem {
		out = append(out, st.Muted.Render(s.keyHint(s.ctx.Keys.Stockwork.Notice, "receive all")))
	}
	return out
}

// keyHint is a key's first binding shortened for 20 columns ("^r dmg"), or nothing.
func (s *Screen) keyHint(b key.Binding, what string) string {
	keys := b.Keys()
	if len(keys) == 0 {
		return ""
	}
	return " " + strings.Replace(keys[0], "ctrl+", "^", 1) + " " + what
}

// waitingLines are what waits at receiving to be put away.
func (s *Screen) waitingLines() []string {
	st := s.ctx.Styles
	if len(s.waiting) == 0 {
		if s.waitF.InFlight() {
			return []string{st.Muted.Render(" Reading…")}
		}
		return s.wrap("Nothing waits to be put away at "+s.warehouse, st.Muted.Render)
	}
	out := []string{st.Muted.Render(" Waiting:")}
	for _, h := range s.waiting {
		line := fmt.Sprintf("  %d × %s", h.Qty, h.SKU)
		if h.Lot != "" {
			line += " " + h.Lot
		}
		if s.w >= 40 {
			line += " at " + h.Place
		}
		out = append(out, line)
	}
	return out
}

// putLines are the suggested bin, large, what is put away and why the bin.
func (s *Screen) putLines(room int) []string {
	st := s.ctx.Styles
	var out []string
	what := fmt.Sprintf(" %d × %s", s.putFrom.Qty, s.putItem.SKU)
	if s.putFrom.Lot != "" {
		what += " lot " + s.putFrom.Lot
	}
	if s.w >= 40 {
		what += " from " + s.putFrom.Place
	}
	out = append(out, st.Text.Render(what))
	switch {
	case s.suggest.Bin != "":
		out = append(out, s.bigBin(s.suggest.Bin, room)...)
		if s.w >= 40 {
			out = append(out, st.Muted.Render(" "+s.suggest.Why))
		}
	case s.busy:
		out = append(out, st.Muted.Render(" Finding a bin…"))
	}
	if s.putBin != "" && s.putBin != s.suggest.Bin {
		out = append(out, st.Title.Render(" Into "+s.putBin))
	}
	return out
}

// holdLines are what the bin moved from holds.
func (s *Screen) holdLines() []string {
	st := s.ctx.Styles
	out := []string{st.Muted.Render(" " + s.from.Code + " holds:")}
	for _, h := range s.from.Holds {
		line := fmt.Sprintf("  %d × %s", h.Qty, h.SKU)
		if h.Lot != "" {
			line += " " + h.Lot
		}
		out = append(out, line)
	}
	if len(s.from.Holds) == 0 {
		out = append(out, st.Muted.Render("  nothing"))
	}
	return out
}

// taskLines are the bin to go to, large, and the task's units.
func (s *Screen) taskLines(room int) []string {
	st := s.ctx.Styles
	t := s.task
	if t == nil {
		return nil
	}
	bin, what := t.From, fmt.Sprintf(" %d × %s → %s", t.Qty, t.SKU, t.To)
	if s.step != stepRepFrom {
		bin, what = t.To, fmt.Sprintf(" %d × %s from %s", t.Qty, t.SKU, t.From)
	}
	if t.Lot != "" {
		what += " lot " + t.Lot
	}
	out := s.bigBin(bin, room)
	out = append(out, st.Title.Render(what))
	if s.w >= 40 && t.Name != "" {
		out = append(out, st.Muted.Render(" "+t.Name))
	}
	if s.w < 40 && (s.step == stepRepFrom || s.step == stepRepTo) {
		out = append(out, st.Muted.Render(s.keyHint(s.ctx.Keys.Stockwork.Cancel, "cancels it")))
	}
	return out
}

// bigBin is the bin code, large enough to find at arm's length: a reversed band three lines
// high across the screen with the code in its middle, one line where there is no room.
func (s *Screen) bigBin(code string, room int) []string {
	st := s.ctx.Styles
	inner := max(s.w-2, 1)
	if ui.Width(code)+2 > inner || s.h < 12 || room < 6 {
		return []string{" " + st.Selected.Render(" "+code+" ")}
	}
	pad := (inner - ui.Width(code)) / 2
	band := func(text string) string {
		line := strings.Repeat(" ", pad) + text
		line += strings.Repeat(" ", max(inner-ui.Width(line), 0))
		return " " + st.Selected.Render(line)
	}
	return []string{band(""), band(code), band("")}
}

// noteLines are the last outcome; a refusal starts with ✗ and rings the bell.
func (s *Screen) noteLines() []string {
	if s.note == "" {
		return nil
	}
	st := s.ctx.Styles
	if !s.bad {
		if strings.HasPrefix(s.note, "✓") {
			return s.wrap(s.note, st.OK.Render)
		}
		return s.wrap(s.note, st.Warning.Render)
	}
	text := "✗ " + s.note
	if s.misses > 1 {
		text += fmt.Sprintf(" (×%d)", s.misses)
	}
	lines := s.wrap(text, st.Error.Render)
	lines[0] = bell + lines[0]
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
