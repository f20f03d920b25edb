package order

import (
	"strings"
	"time"

	"oms/db/orders"
	"oms/themes"
	"oms/tui/ui"
)

// class is a width class; each has its own layout rather than one layout squeezed.
type class int

const (
	tiny    class = iota // < 30: a 20-column RF gun; no margin, shortest labels
	compact              // < 60: a 40-column handheld; lines as two rows each
	medium               // < 80: the desktop table without the unit price
	wide                 // ≥ 80: everything, lines as a table with every stage
)

func classFor(width int) class {
	switch {
	case width >= 80:
		return wide
	case width >= 60:
		return medium
	case width >= 30:
		return compact
	}
	return tiny
}

// page is the whole order laid out for one width: every line exactly that wide.
type page struct {
	lines     []string
	linesAt   int // index of the Lines section title, -1 when there is none
	historyAt int // index of the History section title, -1 when there is none
}

// writer accumulates a page. Every line goes through add, which fits it to the width, so no
// line can ever be wider than the screen whatever the data holds.
type writer struct {
	st     *themes.Styles
	width  int
	class  class
	margin string // one space of air, except on tiny screens where every cell counts
	labelW int    // width of the header's field labels
	now    time.Time
	stamp  string // time layout for dates: shorter on tiny screens
	lines  []string
}

func newWriter(st *themes.Styles, width int, now time.Time) *writer {
	w := &writer{st: st, width: width, class: classFor(width), now: now,
		margin: " ", labelW: 10, stamp: "2006-01-02 15:04"}
	if w.class == tiny {
		w.margin, w.labelW, w.stamp = "", 5, "Jan 02 15:04"
	}
	return w
}

// inner is the width inside the left margin.
func (w *writer) inner() int { return w.width - len(w.margin) }

func (w *writer) add(line string) { w.lines = append(w.lines, ui.Fit(w.margin+line, w.width)) }

func (w *writer) addAll(lines []string) {
	for _, l := range lines {
		w.add(l)
	}
}

func (w *writer) blankLine() { w.lines = append(w.lines, ui.Fit("", w.width)) }

// date shows an instant in the context's time zone (now carries it).
func (w *writer) date(t time.Time) string { return t.In(w.now.Location()).Format(w.stamp) }

// layOut builds the page for the state the screen is in: loading, failed before any data, or
// showing an order (possibly stale).
func layOut(c *ui.Context, width int, now time.Time, number string, od *orders.Detail, err error) page {
	p := page{linesAt: -1, historyAt: -1}
	if width <= 0 {
		return p
	}
	w := newWriter(c.Styles, width, now)
	switch {
	case od == nil && err != nil:
		w.add(w.st.Title.Render("Could not load " + number))
		w.addAll(wrapParts(strings.Fields(ui.Explain(err)), " ", w.inner()))
	case od == nil:
		w.add(w.st.Muted.Render("Loading " + number + " …"))
	default:
		p.linesAt, p.historyAt = w.orderPage(od, err != nil)
	}
	p.lines = w.lines
	return p
}

// wrapParts packs parts into rows no wider than width, joined by sep, breaking only between
// parts, so an address breaks between street and city rather than inside either. A plain part
// too wide for a row on its own is broken between its words instead; a word still too wide
// gets a row to itself and add cuts it with "…". Empty parts are skipped, so optional fields
// need no special case.
func wrapParts(parts []string, sep string, width int) []string {
	var rows []string
	var b strings.Builder
	used := 0
	put := func(text, sep string) {
		tw := ui.Width(text)
		if used > 0 && used+ui.Width(sep)+tw > width {
			rows = append(rows, b.String())
			b.Reset()
			used = 0
		}
		if used > 0 {
			b.WriteString(sep)
			used += ui.Width(sep)
		}
		b.WriteString(text)
		used += tw
	}
	for _, p := range parts {
		if p == "" {
			continue
		}
		if ui.Width(p) <= width || strings.ContainsRune(p, '\x1b') || !strings.Contains(p, " ") {
			put(p, sep)
			continue
		}
		for i, word := range strings.Fields(p) {
			if i == 0 {
				put(word, sep)
			} else {
				put(word, " ")
			}
		}
	}
	if used > 0 {
		rows = append(rows, b.String())
	}
	return rows
}

// section starts a titled section after a blank line: "Lines 3 lines · 7 units ─────".
// It returns the title's index, where the section key scrolls to.
func (w *writer) section(name, count string) int {
	w.blankLine()
	at := len(w.lines)
	head := w.st.Title.Render(name)
	if count != "" {
		head += " " + w.st.Muted.Render(count)
	}
	if rule := w.inner() - ui.Width(head) - 1; rule > 0 {
		head += " " + w.st.Border.Render(strings.Repeat("─", rule))
	}
	w.add(head)
	return at
}
