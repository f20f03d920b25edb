package picking

import (
	"fmt"
	"strings"

	"oms/tui/ui"
)

// bell rings the terminal when the line holding it is written: each refusal's line differs
// from the one before (see Screen.misses), so each rings once.
const bell = "\a"

// View draws the one prompt the screen waits at.
func (s *Screen) View() string {
	w, h := s.w, s.h
	if w < 16 || h < 8 {
		return ui.Clamp("too small", w, h)
	}
	var out []string
	add := func(lines ...string) {
		for _, l := range lines {
			out = append(out, ui.Fit(l, w))
		}
	}
	add(s.header())
	switch s.step {
	case stepBin, stepItem:
		add(s.taskLines()...)
	case stepReason:
		add(s.reasonLines()...)
	case stepDone:
		add(s.wrap(s.doneText(), s.ctx.Styles.Title.Render)...)
	case stepTote:
		add(s.wrap(s.toteText(), func(v ...string) string { return strings.Join(v, "") })...)
	case stepWarehouse:
		add(s.wrap("Which warehouse do you pick in? Type its code.", func(v ...string) string { return strings.Join(v, "") })...)
	}
	if s.step != stepReason {
		if s.where {
			add(" " + s.ctx.Styles.Title.Render("Where is it? Scan a bin, item or tote"))
		} else if label := s.label(); label != "" {
			add(" " + s.ctx.Styles.Title.Render(label) + s.narrowHint(label))
		}
		field := s.scan
		field.Width = max(w-4, 1)
		add(" " + field.View())
	}
	if s.busy {
		add(s.ctx.Styles.Muted.Render(" …"))
	}
	add(s.noteLines()...)
	for _, l := range s.answer {
		add(s.wrap(l, func(v ...string) string { return strings.Join(v, "") })...)
	}
	return ui.Clamp(strings.Join(out, "\n"), w, h)
}

// header is the batch and the progress: "Pick B-000012 3/12".
func (s *Screen) header() string {
	st := s.ctx.Styles
	if s.batch == nil {
		return st.Title.Render(" Picking " + s.warehouse)
	}
	done, total := s.batch.Progress()
	text := fmt.Sprintf(" %s %d/%d", s.batch.Code, done, total)
	if s.w >= 40 {
		text = fmt.Sprintf(" Pick %s  %s  %d/%d", s.batch.Code, s.batch.Warehouse, done, total)
	}
	return st.Title.Render(text)
}

// taskLines are the task: the bin large, then what and how many.
func (s *Screen) taskLines() []string {
	st, t := s.ctx.Styles, s.current()
	var out []string
	out = append(out, s.bigBin(t.Bin)...)
	qty := fmt.Sprintf(" %d × %s", t.Remaining(), t.SKU)
	if t.Picked > 0 && s.w >= 40 {
		qty += fmt.Sprintf("  (%d of %d done)", t.Picked, t.Qty)
	}
	out = append(out, st.Title.Render(qty))
	out = append(out, s.wrap(t.Name, st.Muted.Render)...)
	if t.Lot != "" {
		lot := " lot " + t.Lot
		if t.ExpiresOn != nil {
			lot += " exp " + *t.ExpiresOn
		}
		out = append(out, lot)
	}
	if tote := s.batch.ToteOf(t); tote != "" {
		out = append(out, fmt.Sprintf(" into tote %s · %s", tote, t.Order))
	} else if s.w >= 40 {
		out = append(out, " for "+t.Order)
	}
	return out
}

// bigBin is the bin code, large enough to find at arm's length: a reversed band three lines
// high across the screen with the code in its middle, one line on a short screen.
func (s *Screen) bigBin(code string) []string {
	st := s.ctx.Styles
	inner := max(s.w-2, 1)
	if ui.Width(code)+2 > inner || s.h < 12 {
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

// label is the prompt over the field.
func (s *Screen) label() string {
	switch s.step {
	case stepBin:
		return "Scan bin"
	case stepItem:
		switch {
		case s.lastItem == "":
			return "Scan item"
		case s.w < 40:
			return "Item or count"
		}
		return "Scan item or type a count"
	case stepTote, stepDone:
		if s.w < 40 {
			return "Tote or enter"
		}
		return "Scan a tote or press enter"
	case stepWarehouse:
		return "Warehouse"
	}
	return ""
}

// narrowHint is the short-pick key beside the prompt where the footer is too narrow to show it.
func (s *Screen) narrowHint(label string) string {
	if s.w >= 40 || (s.step != stepBin && s.step != stepItem) {
		return ""
	}
	keys := s.ctx.Keys.Picking.Short.Keys()
	if len(keys) == 0 {
		return ""
	}
	hint := " " + strings.Replace(keys[0], "ctrl+", "^", 1) + " short"
	if 1+ui.Width(label)+ui.Width(hint) > s.w {
		return ""
	}
	return s.ctx.Styles.Muted.Render(hint)
}

func (s *Screen) toteText() string {
	if s.w < 40 {
		return "Claim the next batch."
	}
	return "Scan the tote you pick into, or press enter, to claim the next batch."
}

func (s *Screen) doneText() string {
	b := s.batch
	to := b.ToLocation
	if to == "" {
		to = "packing"
	}
	if b.Tote != "" {
		return fmt.Sprintf("%s picked. Take tote %s to %s.", b.Code, b.Tote, to)
	}
	return fmt.Sprintf("%s picked. Take it to %s.", b.Code, to)
}

// reasonLines is the short pick's question: why does the bin not have the units?
func (s *Screen) reasonLines() []string {
	st, t := s.ctx.Styles, s.current()
	out := s.wrap(fmt.Sprintf("Short %d × %s at %s: why?", t.Remaining(), t.SKU, t.Bin), st.Title.Render)
	for i, r := range s.reasons {
		line := fmt.Sprintf("  %d %s", i+1, r.Description)
		if i == s.reason {
			line = st.Selected.Render(fmt.Sprintf("▸ %d %s", i+1, r.Description))
		}
		out = append(out, line)
	}
	return out
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

// wrap breaks text to the screen's width, one space in.
func (s *Screen) wrap(text string, style func(...string) string) []string {
	var out []string
	for _, l := range ui.Wrap(text, max(s.w-1, 1)) {
		out = append(out, " "+style(l))
	}
	return out
}
