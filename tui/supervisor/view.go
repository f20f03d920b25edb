package supervisor

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"oms/db/floor"
	"oms/tui/ui"
)

// levels are a sparkline's cells, nothing to full: block elements every UTF-8 terminal draws.
var levels = []rune(" ▁▂▃▄▅▆▇█")

// sparkline draws each value as one cell, scaled to top.
func sparkline(vals []int64, top int64) string {
	var b strings.Builder
	for _, v := range vals {
		i := 0
		if v > 0 && top > 0 {
			i = int((v*int64(len(levels)-1) + top - 1) / top)
			i = min(max(i, 1), len(levels)-1)
		}
		b.WriteRune(levels[i])
	}
	return b.String()
}

// shortStage names a stage in a few letters for narrow layouts.
var shortStage = map[string]string{"picking": "pick", "packing": "pack", "shipping": "ship", "returns": "rtrn", "counts": "cnt"}

// View draws the pane shown at the size given: the tabs, the pane, then the question or field
// and the last outcome, which always fit.
func (s *Screen) View() string {
	w, h := s.w, s.h
	if w < 20 || h < 8 {
		return ui.Clamp("too small", w, h)
	}
	var foot []string
	switch s.step {
	case stepConfirm:
		foot = append(foot, s.wrap(s.act.question()+" y/n")...)
	case stepInput:
		foot = append(foot, s.wrap(s.act.label())...)
		foot = append(foot, " "+s.field.View())
	}
	if s.busy {
		foot = append(foot, s.ctx.Styles.Muted.Render(" …"))
	}
	if s.note != "" {
		for _, l := range s.wrap(s.note) {
			if s.bad {
				l = s.ctx.Styles.Error.Render(l)
			}
			foot = append(foot, l)
		}
	}
	if len(foot) > h-2 {
		foot = foot[len(foot)-(h-2):]
	}
	room := h - 1 - len(foot)
	out := []string{s.tabs()}
	var body []string
	switch {
	case !s.loaded && s.stale:
		body = s.wrap("The database does not answer; trying again")
	case !s.loaded:
		body = []string{" Reading the floor…"}
	case s.pane == paneNow:
		body = s.nowPane(room)
	case s.pane == panePeople:
		body = s.peoplePane(room)
	default:
		body = s.exceptionsPane(room)
	}
	if len(body) > room {
		body = body[:room]
	}
	for len(body) < room {
		body = append(body, "")
	}
	out = append(out, body...)
	out = append(out, foot...)
	for i, l := range out {
		out[i] = ui.Fit(l, w)
	}
	return ui.Clamp(strings.Join(out, "\n"), w, h)
}

func (s *Screen) wrap(text string) []string {
	lines := ui.Wrap(text, max(s.w-2, 1))
	for i := range lines {
		lines[i] = " " + lines[i]
	}
	return lines
}

// tabs is the first line: the panes (the one shown in brackets), how many exceptions wait, which
// floor it is (a warehouse or all) and the time, or ○ stale after a failed read. On a handheld
// (under 40 columns) the panes' names are short and packed, so that the floor's code still fits
// beside them.
func (s *Screen) tabs() string {
	st := s.ctx.Styles
	names, narrow := paneNames, s.w < 40
	if narrow {
		names = [panes]string{"Now", "Ppl", "Exc"}
	}
	var b strings.Builder
	for p, name := range names {
		if p == paneExceptions && s.loaded {
			name += " " + strconv.Itoa(len(s.board.Exceptions))
		}
		switch {
		case p == s.pane:
			b.WriteString(st.Title.Render("[" + name + "]"))
		case !narrow:
			b.WriteString(st.Muted.Render(" " + name + " "))
		case p > 0 && p-1 != s.pane: // two plain names need a space between them
			b.WriteString(st.Muted.Render(" " + name))
		default:
			b.WriteString(st.Muted.Render(name))
		}
	}
	line := b.String()
	right := ""
	if s.stale {
		right = "○"
		if s.w >= 40 {
			right = "○ stale"
		}
	} else if s.w >= 80 {
		right = s.scopeName() + " · " + s.ctx.Clock().Format("15:04")
	} else {
		right = s.scopeName()
	}
	if right != "" {
		gap := s.w - ui.Width(line) - ui.Width(right)
		if !narrow {
			gap-- // wider screens keep their last column free, as they did before
		}
		if gap >= 1 {
			line += strings.Repeat(" ", gap) + st.Muted.Render(right)
		}
	}
	return line
}

// scopeName is which floor the board shows: a warehouse's code, or "all".
func (s *Screen) scopeName() string {
	if w := s.scope(); w != "" {
		return w
	}
	return "all"
}

// mark is the cursor's column: ">" on the row under it, so it shows without colour.
func (s *Screen) mark(p, i int) string {
	if s.cur[p] == i {
		return ">"
	}
	return " "
}

// age is how long ago t was on the screen's clock ("—" for none).
func (s *Screen) age(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return ui.Age(s.ctx.Clock().Sub(*t))
}

// promise says how an earliest promise stands: "late 2h", "today 16:00".
func (s *Screen) promise(t *time.Time) string {
	if t == nil {
		return "—"
	}
	_, text := ui.Due(s.ctx.Clock(), *t, false)
	return text
}

func (s *Screen) nowPane(room int) []string {
	st := s.ctx.Styles
	var out []string
	b := s.board
	switch {
	case s.w >= 80:
		out = append(out, st.TableHeader.Render("  Warehouse Channel           Due today   Late  Past SLA  Earliest promise"))
		if len(b.Due) == 0 {
			out = append(out, "  nothing due today or late")
		}
		for i, d := range b.Due {
			ch := d.Channel
			if d.Held {
				ch += " HELD"
			}
			late := fmt.Sprintf("%6d", d.Late)
			if d.Late > 0 {
				late = st.Late.Render(late)
			}
			out = append(out, fmt.Sprintf("%s %s %s %9d %s %9d  %s", s.mark(paneNow, i), ui.Fit(orDash(d.Warehouse), 9),
				ui.Fit(ch, 18), d.DueToday, late, d.SLABreached, s.promise(d.Oldest)))
		}
		out = append(out, st.TableHeader.Render("  Stage      Waiting  Working  Done today  Oldest waiting"))
		for i, g := range b.Stages {
			oldest := "—"
			if g.Oldest != nil {
				oldest = g.OldestRef + " " + s.age(g.Oldest)
			}
			out = append(out, fmt.Sprintf("%s %s %7d  %7d  %10d  %s", s.mark(paneNow, len(b.Due)+i), ui.Fit(g.Name, 9),
				g.Released, g.Claimed, g.Done, oldest))
		}
		out = append(out, s.hourly(19)...)
		for _, hd := range b.Held {
			out = append(out, fmt.Sprintf(" Held: %s for %s by %s%s", hd.Channel, s.age(&hd.At), hd.By, parens(hd.Note)))
		}
	case s.w >= 40:
		for i, d := range b.Due {
			ch := d.Channel
			if d.Held {
				ch += " HELD"
			}
			out = append(out, fmt.Sprintf("%s%s %s due %d late %d", s.mark(paneNow, i), ui.Fit(orDash(d.Warehouse), 5), ui.Fit(ch, 11),
				d.DueToday, d.Late))
		}
		out = append(out, st.TableHeader.Render("       wait work done oldest"))
		for i, g := range b.Stages {
			oldest := "—"
			if g.Oldest != nil {
				oldest = s.age(g.Oldest)
			}
			out = append(out, fmt.Sprintf("%s%s %4d %4d %4d %s", s.mark(paneNow, len(b.Due)+i), ui.Fit(shortStage[g.Name], 5),
				g.Released, g.Claimed, g.Done, oldest))
		}
		out = append(out, s.hourly(6)...)
	default:
		var due, late int64
		for _, d := range b.Due {
			due, late = due+d.DueToday, late+d.Late
		}
		out = append(out, fmt.Sprintf(" due %d late %d", due, late))
		for i, g := range b.Stages {
			out = append(out, fmt.Sprintf("%s%s %d/%d/%d", s.mark(paneNow, len(b.Due)+i), ui.Fit(shortStage[g.Name], 4),
				g.Released, g.Claimed, g.Done))
		}
	}
	return out
}

// hourly is orders per hour today and on the same weekday a week ago, two sparklines on one
// scale, labelled in a column of labelWidth.
func (s *Screen) hourly(labelWidth int) []string {
	hr := s.board.Hourly
	now := s.ctx.Clock()
	y, m, d := now.Date()
	hour := min(max(int(now.Sub(time.Date(y, m, d, 0, 0, 0, 0, now.Location())).Hours()), 0), 23)
	var top, today, week, weekSoFar int64
	for i := range 24 {
		top = max(top, hr.Today[i], hr.LastWeek[i])
		week += hr.LastWeek[i]
		if i <= hour {
			today += hr.Today[i]
			weekSoFar += hr.LastWeek[i]
		}
	}
	t := sparkline(hr.Today[:hour+1], top)
	lw := sparkline(hr.LastWeek[:], top)
	if labelWidth >= 18 {
		return []string{
			" " + ui.Fit("Orders/hour today", labelWidth) + ui.Fit(t, 24) + fmt.Sprintf("  %d so far (a week ago %d)", today, weekSoFar),
			" " + ui.Fit("same day last week", labelWidth) + ui.Fit(lw, 24) + fmt.Sprintf("  %d all day", week),
		}
	}
	return []string{
		" " + ui.Fit("today", labelWidth) + ui.Fit(t, 24) + fmt.Sprintf(" %d", today),
		" " + ui.Fit("-7d", labelWidth) + ui.Fit(lw, 24) + fmt.Sprintf(" %d", weekSoFar),
	}
}

func (s *Screen) peoplePane(room int) []string {
	st := s.ctx.Styles
	b := s.board
	now := s.ctx.Clock()
	since := s.window().Since
	var out []string
	if len(b.People) == 0 {
		return append(out, " nobody has worked this shift")
	}
	switch {
	case s.w >= 80:
		// Picks and parcels in the last hour, and per hour over the shift.
		out = append(out, st.TableHeader.Render("  Person           Picks 1h  /h  Packs 1h  /h  Idle Short Wrong Holds"))
		for i, p := range b.People {
			holds := ""
			switch {
			case p.Batch != "":
				holds = p.Batch + " " + s.age(p.BatchSince)
				if p.LeaseExpires != nil && p.LeaseExpires.Before(b.At) {
					holds = p.Batch + " (out)" // the lease ran out: an exception too
				}
			case p.Packing != "":
				holds = "packs " + p.Packing
			}
			out = append(out, fmt.Sprintf("%s %s %8d %4.1f %8d %4.1f %5s %5s %5s %s", s.mark(panePeople, i), ui.Fit(p.Name, 16),
				p.PicksHour, floor.PerHour(p.Picks, since, now), p.PacksHour, floor.PerHour(p.Packs, since, now),
				s.age(p.Last), pct(p.ShortRate()), pct(p.WrongRate()), holds))
		}
	case s.w >= 40:
		out = append(out, st.TableHeader.Render("  Person     pick/h pack/h idle holds"))
		for i, p := range b.People {
			out = append(out, fmt.Sprintf("%s %s %6d %6d %4s %s", s.mark(panePeople, i), ui.Fit(p.Name, 10), p.PicksHour,
				p.PacksHour, s.age(p.Last), p.Batch))
		}
	default:
		for i, p := range b.People {
			out = append(out, fmt.Sprintf("%s%s %d/h", s.mark(panePeople, i), ui.Fit(p.Name, 12), p.PicksHour+p.PacksHour))
		}
	}
	return out
}

func (s *Screen) exceptionsPane(room int) []string {
	st := s.ctx.Styles
	b := s.board
	var out []string
	if len(b.Exceptions) == 0 {
		return append(out, " nothing wants anyone")
	}
	// The window of rows around the cursor that fits.
	rows := room
	if s.w >= 80 {
		rows--
		out = append(out, st.TableHeader.Render("  Kind        Since  Where  What"))
	}
	first := max(min(s.cur[paneExceptions]-rows/2, len(b.Exceptions)-rows), 0)
	for i := first; i < len(b.Exceptions) && i < first+max(rows, 1); i++ {
		e := b.Exceptions[i]
		what := e.Text
		if e.Order != "" && !strings.Contains(what, e.Order) {
			what += " · " + e.Order
		}
		switch {
		case s.w >= 80:
			out = append(out, fmt.Sprintf("%s %s %5s  %s  %s", s.mark(paneExceptions, i), ui.Fit(e.Kind, 10),
				ui.Age(s.ctx.Clock().Sub(e.At)), ui.Fit(orDash(e.Warehouse), 5), what))
		case s.w >= 40:
			out = append(out, fmt.Sprintf("%s%s %s", s.mark(paneExceptions, i), ui.Fit(e.Kind, 10), what))
		default:
			ref := firstOf(e.Order, e.Batch, e.RMA, e.Count, e.Kind)
			out = append(out, fmt.Sprintf("%s%s %s", s.mark(paneExceptions, i), ui.Fit(e.Kind, 5), ref))
		}
	}
	return out
}

func pct(f float64) string { return strconv.Itoa(int(f*100+0.5)) + "%" }

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func parens(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
