package tui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"

	"oms/tui/ui"
)

func itoa(n int) string { return strconv.Itoa(n) }

// header: where you are on the left; who, where, when and whether the data is live on the right.
// Narrower terminals drop the least useful parts first; being offline is never dropped.
func (m *Model) header() string {
	st := m.ctx.Styles
	w := m.width
	clock := m.ctx.Clock().Format("15:04:05")
	stale := m.live.lastGood.In(m.ctx.Location).Format("15:04:05")
	var left, right string
	switch {
	case w >= 60:
		left = " oms · " + m.trail()
		conn := "● live"
		if !m.live.online {
			conn = "○ OFFLINE · stale since " + stale
		}
		// Where there is not room beside the trail, the job goes first, then the warehouse, the
		// clock and the name; whether the data is live never goes.
		u := m.ctx.User
		name := u.Name
		if name == "" {
			name = u.Login
		}
		for _, parts := range [][]string{
			{m.who(), u.Warehouse, clock}, {name, u.Warehouse, clock}, {name, clock}, {name}, nil,
		} {
			right = strings.Join(append(nonEmpty(parts...), conn), " · ") + " "
			if ui.Width(left)+1+ui.Width(right) <= w {
				break
			}
		}
	case w >= 30:
		left = " " + m.trail()
		right = clock + " ● "
		if !m.live.online {
			right = "○ stale since " + stale + " "
		}
	default: // a 20-column handheld: the screen and the clock with the live dot, or the time
		// the data is from with an open dot
		left = m.slots[m.active].def.Short
		if len(m.slots[m.active].stack) > 1 {
			left = m.current().Title()
		}
		right = clock[:5] + " ●" // minutes: an order number and the clock share 20 columns
		if !m.live.online {
			right = "○ " + stale[:5]
		}
	}
	gap := w - ui.Width(left) - ui.Width(right)
	if gap < 1 {
		left = ui.Fit(left, max(w-ui.Width(right)-1, 0))
		gap = 1
	}
	line := ui.Fit(left+strings.Repeat(" ", gap)+right, w)
	if !m.live.online {
		return st.StatusError.Render(line)
	}
	return st.Header.Render(line)
}

// trail is the screen and the views opened over it: "Queue › SO-0001234".
func (m *Model) trail() string {
	s := m.slots[m.active]
	parts := make([]string, 0, len(s.stack))
	for i, c := range s.stack {
		if i == 0 {
			parts = append(parts, s.def.Title)
			continue
		}
		parts = append(parts, c.Title())
	}
	return strings.Join(parts, " › ")
}

func (m *Model) who() string {
	u := m.ctx.User
	switch {
	case u.Name != "" && u.Job != "":
		return u.Name + " (" + u.Job + ")"
	case u.Name != "":
		return u.Name
	}
	return u.Login
}

func nonEmpty(parts ...string) []string {
	out := parts[:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// statusLine shows the last message or error (kept until the next key), or the quit question.
func (m *Model) statusLine() string {
	st := m.ctx.Styles
	switch {
	case m.askQuit:
		d := m.keys.Dialog
		return st.StatusError.Render(ui.Fit(" Quit and lose what you typed? "+
			d.Confirm.Help().Key+" yes · "+d.Cancel.Help().Key+" no", m.width))
	case m.status.Text == "":
		return ui.Fit("", m.width)
	case m.status.Error:
		return st.StatusError.Render(ui.Fit(" ! "+m.status.Text, m.width))
	case m.notice != "" && m.status.Text == m.noticeStatus() && ui.Width(m.status.Text)+1 > m.width:
		// A notice is for reading whole (a join command to copy): where it would be cut, say
		// where it is whole instead.
		return st.StatusLine.Render(ui.Fit(" "+firstKey(m.keys.Global.Help)+" shows a notice", m.width))
	default:
		return st.StatusLine.Render(ui.Fit(" "+m.status.Text, m.width))
	}
}

// footer says what the keys do in the focused context (the menu, the help page, a search
// field, a picker, the screen), most important first, and always how to get help: what does
// not fit is elided with "…" rather than cut mid-word, and "? help" is never dropped.
func (m *Model) footer() string {
	g := &m.keys.Global
	var hints []key.Binding
	switch {
	case m.askQuit:
		hints = []key.Binding{withDesc(m.keys.Dialog.Confirm, "quit"), withDesc(m.keys.Dialog.Cancel, "stay")}
	case m.menu != nil:
		hints = []key.Binding{withDesc(m.keys.List.Open, "go"), withDesc(g.Back, "close"), m.keys.List.Down, m.keys.List.Up}
	case m.showHelp:
		hints = []key.Binding{withDesc(m.keys.List.Down, "scroll"), g.Quit}
	default:
		// A view opened over a screen (an order's detail) is left first of all; a field or
		// picker says itself how it is left.
		if !capturing(m.current()) && m.canGoBack() {
			hints = append(hints, g.Back)
		}
		hints = append(hints, m.current().ShortHelp()...)
		if !capturing(m.current()) {
			hints = append(hints, g.Menu)
		}
	}
	last := g.Help
	switch {
	case m.showHelp:
		last = withDesc(g.Back, "close")
	case m.askQuit:
		last = g.Quit
	}
	return ui.Fit(m.hintLine(hints, last, m.width), m.width)
}

// hintLine renders "key desc · key desc … last" within width: hints in order while they fit,
// "…" for the rest, and last always. Below 40 columns hints are separated by a space only.
func (m *Model) hintLine(hints []key.Binding, last key.Binding, width int) string {
	st := m.help.Styles
	render := func(b key.Binding) (string, int) {
		k, desc := firstKey(b), b.Help().Desc
		return st.ShortKey.Render(k) + " " + st.ShortDesc.Render(desc), ui.Width(k + " " + desc)
	}
	sep, sepWidth := st.ShortSeparator.Render(" · "), 3
	if width < 40 {
		sep, sepWidth = " ", 1
	}
	const ellipsis = 2 // "… "
	lastText, lastWidth := render(last)
	room := width - lastWidth
	var b strings.Builder
	b.WriteByte(' ')
	used := 1
	var shown []key.Binding
	for _, h := range hints {
		if h.Enabled() && h.Help().Key != "" {
			shown = append(shown, h)
		}
	}
	for i, h := range shown {
		text, w := render(h)
		need := used + w + sepWidth
		if i < len(shown)-1 {
			need += ellipsis // room for "… " should a later hint not fit
		}
		if need > room {
			b.WriteString(st.Ellipsis.Render("… "))
			used += ellipsis
			break
		}
		b.WriteString(text + sep)
		used += w + sepWidth
	}
	if used+lastWidth > width {
		return " " + lastText
	}
	b.WriteString(lastText)
	return b.String()
}

// firstKey is the binding's first key, which is what the footer shows ("?" of "?/f1"); the
// help page lists them all.
func firstKey(b key.Binding) string {
	if keys := b.Keys(); len(keys) > 0 {
		return keys[0]
	}
	return b.Help().Key
}

func withDesc(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}

// helpLines lists every key the showing component and the shell answer to, as lines of
// "key  what it does" under a heading per group, flowed into as many columns as the width takes.
func (m *Model) helpLines(w int) []string {
	type entry struct{ key, desc string }
	var entries []entry
	add := func(heading string, groups [][]key.Binding) {
		entries = append(entries, entry{desc: heading})
		for _, g := range groups {
			for _, k := range g {
				if k.Enabled() && k.Help().Key != "" {
					entries = append(entries, entry{k.Help().Key, k.Help().Desc})
				}
			}
		}
	}
	add(m.trail(), m.current().FullHelp())
	add("Everywhere", m.keys.Global.FullHelp())
	entries = append(entries, entry{desc: "Header"}, entry{"●", "live: data is current"},
		entry{"○ 14:05", "offline: data as of then"})
	const colWidth = 38
	cols := max(1, w/colWidth)
	keyWidth := min(14, max(w/cols/2-2, 6))
	rows := (len(entries) + cols - 1) / cols
	lines := make([]string, rows)
	st := m.ctx.Styles
	for i, e := range entries {
		cell := " " + ui.Fit(e.key, keyWidth) + " " + e.desc
		if e.key == "" {
			cell = " " + st.Title.Render(e.desc)
		}
		lines[i%rows] += ui.Fit(cell, w/cols)
	}
	return lines
}

// fullHelp is the help page, scrolled by the list keys when it is longer than the screen.
func (m *Model) fullHelp(w, h int) string {
	lines := m.helpLines(w)
	if m.notice != "" {
		wrapped := ui.Wrap(m.notice, max(w-2, 1))
		for i := range wrapped {
			wrapped[i] = " " + wrapped[i]
		}
		lines = append(append(wrapped, ""), lines...)
	}
	m.helpOffset = max(min(m.helpOffset, len(lines)-h), 0)
	return strings.Join(lines[m.helpOffset:min(m.helpOffset+h, len(lines))], "\n")
}
