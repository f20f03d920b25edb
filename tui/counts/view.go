package counts

import (
	"fmt"
	"strings"

	dbcounts "oms/db/counts"
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
	case stepWarehouse, stepClaim, stepBin, stepItem, stepLot, stepPlan:
		return true
	}
	return false
}

// header is the count being counted (and "recount" on a second round), or the screen and its
// warehouse; ○ stale when a list's last read failed.
func (s *Screen) header() string {
	st := s.ctx.Styles
	var text string
	switch {
	case s.task != nil && s.counting():
		text = " " + s.task.Count
		if s.w >= 40 {
			text = " Count " + s.task.Count + " · " + s.task.Warehouse
		}
		if s.task.Round == 2 && s.w >= 40 {
			text += " · recount"
		} else if s.task.Round == 2 {
			text += " recount"
		}
	case s.step == stepReviews || s.step == stepDecide || s.step == stepDecideConfirm:
		text = " Review " + s.warehouse
		if s.w >= 40 {
			text = " Counts to review · " + s.warehouse
		}
	default:
		text = " Counts " + s.warehouse
		if s.w >= 40 && s.warehouse != "" {
			text = " Stock counts · " + s.warehouse
		} else if s.w >= 40 {
			text = " Stock counts"
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

// counting says whether the step is at a claimed bin.
func (s *Screen) counting() bool {
	switch s.step {
	case stepBin, stepItem, stepLot, stepRecord:
		return true
	}
	return false
}

// label is the prompt over the field, or the question asked.
func (s *Screen) label() string {
	narrow := s.w < 40
	switch s.step {
	case stepWarehouse:
		return "Which warehouse do you count in? Type its code."
	case stepClaim:
		if narrow {
			return "Scan a bin or enter"
		}
		return "Scan a bin or press Enter for the next"
	case stepBin:
		return "Scan bin " + s.task.Bin
	case stepItem:
		if narrow {
			return "Scan items"
		}
		return "Scan each item"
	case stepLot:
		return "Lot of " + s.lotItem.SKU + "?"
	case stepRecord:
		return fmt.Sprintf("Record the count of %s: %s? y/n", s.task.Bin, s.counted())
	case stepPlan:
		return "Plan a count: zone, aisle, bins, abc or flags, and what"
	case stepPlanConfirm:
		what := s.plan.How
		if s.plan.Arg != "" {
			what += " " + s.plan.Arg
		}
		return fmt.Sprintf("Plan a count at %s: %s? y/n", s.plan.Warehouse, what)
	case stepDecideConfirm:
		return s.decideQuestion()
	}
	return ""
}

// labelLines are the label, wrapped, with the finish key beside the item prompt where the
// footer is too narrow to show it.
func (s *Screen) labelLines(label string) []string {
	st := s.ctx.Styles
	lines := s.wrap(label, st.Title.Render)
	if s.step == stepItem && s.w < 40 && len(lines) == 1 {
		if keys := s.ctx.Keys.Counts.Finish.Keys(); len(keys) > 0 {
			hint := " " + strings.Replace(keys[0], "ctrl+", "^", 1) + " done"
			if 1+ui.Width(label)+ui.Width(hint) <= s.w {
				lines[0] += st.Muted.Render(hint)
			}
		}
	}
	return lines
}

// body is what the step shows above its prompt, in at most room lines.
func (s *Screen) body(room int) []string {
	switch s.step {
	case stepClaim:
		return s.wrap(s.claimText(), s.ctx.Styles.Text.Render)
	case stepBin, stepItem, stepLot, stepRecord:
		return s.taskLines(room)
	case stepReviews:
		return s.reviewList(room)
	case stepDecide:
		return s.decideLines(room)
	case stepDecideConfirm:
		if s.cur < len(s.reviews) {
			return s.reviewLines(s.reviews[s.cur], false)
		}
	case stepCounts:
		return s.countList(room)
	case stepPlan, stepPlanConfirm:
		if s.w >= 40 {
			return s.wrap("For example: zone A, aisle 3, bins A-01 A-02, abc A (its bins due a cycle count) or flags (the bins short picks flagged).", s.ctx.Styles.Muted.Render)
		}
	}
	return nil
}

func (s *Screen) claimText() string {
	if s.w < 40 {
		return "Claim the next bin to count."
	}
	return "Claim the next bin to count at " + s.warehouse + ", or scan the bin you stand at."
}

// taskLines are the bin, large, and what was counted in it (never what the books say, unless
// the warehouse shows it).
func (s *Screen) taskLines(room int) []string {
	st := s.ctx.Styles
	var out []string
	if s.w >= 40 {
		out = append(out, st.Muted.Render(" "+s.task.Plan))
	}
	out = append(out, s.bigBin(s.task.Bin, room)...)
	if len(s.tally) == 0 {
		out = append(out, st.Muted.Render(" Nothing counted yet"))
	}
	for _, t := range s.tally {
		line := fmt.Sprintf(" %d × %s", t.qty, t.sku)
		if t.lotCode != "" {
			line += " lot " + t.lotCode
		}
		out = append(out, st.Title.Render(line))
	}
	if !s.task.Blind() {
		books := "nothing"
		if len(s.task.Expected) > 0 {
			var parts []string
			for _, e := range s.task.Expected {
				p := fmt.Sprintf("%d × %s", e.Qty, e.SKU)
				if e.Lot != "" {
					p += " lot " + e.Lot
				}
				parts = append(parts, p)
			}
			books = strings.Join(parts, ", ")
		}
		out = append(out, s.wrap("Books: "+books, st.Muted.Render)...)
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

// money is a value in the company's currency.
func money(minor int64, currency string) string {
	if currency == "" {
		return fmt.Sprintf("%d", minor)
	}
	return model.Money{Minor: minor, Currency: model.Currency(currency)}.String()
}

// value is a review's variance value in all.
func value(r dbcounts.Review) int64 {
	var v int64
	for _, l := range r.Lines {
		v += l.Value
	}
	return v
}

// reviewLines are a review: its bin and count, then per product both counts, the books, the
// variance and its value. selected marks the bin's line.
func (s *Screen) reviewLines(r dbcounts.Review, selected bool) []string {
	st := s.ctx.Styles
	head := fmt.Sprintf(" %s  %s  %s", r.Bin, r.Count, money(value(r), r.Currency))
	if s.w < 40 {
		head = fmt.Sprintf(" %s %s", r.Bin, money(value(r), r.Currency))
	}
	if selected {
		head = st.Selected.Render(ui.Fit("▸"+head[1:], s.w))
	} else {
		head = st.Title.Render(head)
	}
	out := []string{head}
	for _, l := range r.Lines {
		sku := l.SKU
		if l.LotCode != "" {
			sku += " " + l.LotCode
		}
		switch {
		case s.w >= 60:
			out = append(out, fmt.Sprintf("   %-14s %5d %5d %5d %+6d %12s", ui.Fit(sku, 14), l.First, l.Counted, l.Expected, l.Variance,
				money(l.Value, r.Currency)))
		case s.w >= 40:
			out = append(out, fmt.Sprintf("   %s %d, %d of %d: %+d", sku, l.First, l.Counted, l.Expected, l.Variance))
		default:
			out = append(out, fmt.Sprintf("  %s %+d", sku, l.Variance), fmt.Sprintf("   %d, %d of %d", l.First, l.Counted, l.Expected))
		}
	}
	return out
}

// reviewHead is the review list's column heads.
func (s *Screen) reviewHead() string {
	switch {
	case s.w >= 60:
		return fmt.Sprintf("   %-14s %5s %5s %5s %6s %12s", "SKU", "1st", "2nd", "books", "var", "value")
	case s.w >= 40:
		return "   SKU 1st, 2nd of books: variance"
	}
	return "  1st, 2nd of books"
}

// reviewList is the bins waiting for a supervisor, the chosen one marked.
func (s *Screen) reviewList(room int) []string {
	st := s.ctx.Styles
	if len(s.reviews) == 0 {
		if s.busy || s.reviewsF.InFlight() {
			return []string{st.Muted.Render(" Reading…")}
		}
		return s.wrap("No bin waits for a supervisor", st.Muted.Render)
	}
	head := []string{st.TableHeader.Render(s.reviewHead())}
	var blocks [][]string
	for i, r := range s.reviews {
		blocks = append(blocks, s.reviewLines(r, i == s.cur))
	}
	return append(head, window(blocks, s.cur, room-len(head))...)
}

// window is the lines of blocks that fit room, starting early enough to show the block at cur.
func window(blocks [][]string, cur, room int) []string {
	first := 0
	for {
		n := 0
		for i := first; i <= cur && i < len(blocks); i++ {
			n += len(blocks[i])
		}
		if n <= room || first >= cur {
			break
		}
		first++
	}
	var out []string
	for i := first; i < len(blocks); i++ {
		out = append(out, blocks[i]...)
	}
	return out
}

// decideLines are the review and its choices: a reason to approve with, or reject. The choices
// stay when the screen is short; the review's lines give way.
func (s *Screen) decideLines(room int) []string {
	st := s.ctx.Styles
	if s.cur >= len(s.reviews) {
		return nil
	}
	r := s.reviews[s.cur]
	head := s.reviewLines(r, false)
	if s.w >= 40 {
		head = append(head, s.wrap(fmt.Sprintf("Counted by %s, recounted by %s", firstOf(r.FirstBy, "?"), firstOf(r.CountedBy, "?")), st.Muted.Render)...)
	}
	tail := s.wrap("Approve with a reason, or reject:", st.Title.Render)
	if s.w < 40 {
		tail = s.wrap("Approve why, or reject?", st.Title.Render)
	}
	for i := 0; i <= len(s.reasons); i++ {
		text := "Reject: post nothing"
		if s.w < 40 {
			text = "Reject"
		}
		if i < len(s.reasons) {
			text = s.reasons[i].Description
			if s.w >= 40 {
				text += " (" + s.reasons[i].Code + ")"
			}
		}
		line := fmt.Sprintf("  %d %s", i+1, text)
		if i == s.choice {
			line = st.Selected.Render(ui.Fit(fmt.Sprintf("▸ %d %s", i+1, text), s.w))
		}
		tail = append(tail, line)
	}
	if len(head)+len(tail) > room {
		head = head[:max(room-len(tail), 0)]
	}
	return append(head, tail...)
}

// decideQuestion is the confirmation of the decision chosen.
func (s *Screen) decideQuestion() string {
	if s.cur >= len(s.reviews) {
		return ""
	}
	r := s.reviews[s.cur]
	if s.choice >= len(s.reasons) {
		return fmt.Sprintf("Reject the count of %s: post nothing? y/n", r.Bin)
	}
	var parts []string
	for _, l := range r.Lines {
		if l.Variance != 0 {
			parts = append(parts, fmt.Sprintf("%+d × %s", l.Variance, l.SKU))
		}
	}
	what := "nothing to adjust"
	if len(parts) > 0 {
		what = strings.Join(parts, ", ")
	}
	return fmt.Sprintf("Approve %s, %s: post %s? y/n", r.Bin, s.reasons[s.choice].Description, what)
}

// countList is the warehouse's counts and their progress, the chosen one marked.
func (s *Screen) countList(room int) []string {
	st := s.ctx.Styles
	if len(s.counts) == 0 {
		if s.busy || s.countsF.InFlight() {
			return []string{st.Muted.Render(" Reading…")}
		}
		return s.wrap("No count at "+s.warehouse, st.Muted.Render)
	}
	var blocks [][]string
	for i, c := range s.counts {
		progress := fmt.Sprintf("%d/%d posted", c.Posted, c.Bins)
		if c.Review > 0 {
			progress += fmt.Sprintf(", %d to review", c.Review)
		}
		if c.Open > 0 {
			progress += fmt.Sprintf(", %d open", c.Open)
		}
		var lines []string
		if s.w >= 60 {
			lines = []string{fmt.Sprintf(" %s %-9s %-22s %s", c.Number, c.Status, ui.Fit(c.Plan, 22), progress)}
		} else {
			lines = []string{fmt.Sprintf(" %s %s", c.Number, c.Status), "   " + c.Plan, "   " + progress}
			if s.w >= 40 {
				lines = []string{fmt.Sprintf(" %s %s · %s", c.Number, c.Status, c.Plan), "   " + progress}
			}
		}
		if i == s.cur {
			lines[0] = st.Selected.Render(ui.Fit("▸"+lines[0][1:], s.w))
		}
		blocks = append(blocks, lines)
	}
	return window(blocks, s.cur, room)
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
