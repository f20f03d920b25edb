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
		right = strings.Join(nonEmpty(m.who(), m.ctx.User.Warehouse, clock, conn), " · ") + " "
	case w >= 30:
		left = " " + m.trail()
		right = clock + " ● "
		if !m.live.online {
			right = "○ stale since " + stale + " "
		}
	default:
		left = m.slots[m.active].def.short
		right = clock
		if !m.live.online {
			left, right = "", "STALE "+stale
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
			parts = append(parts, s.def.title)
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
	default:
		return st.StatusLine.Render(ui.Fit(" "+m.status.Text, m.width))
	}
}

// footer is the short help of the showing component and the global keys that matter most.
func (m *Model) footer() string {
	bindings := append([]key.Binding(nil), m.current().ShortHelp()...)
	bindings = append(bindings, m.keys.Global.ShortHelp()...)
	if len(m.slots[m.active].stack) > 1 {
		bindings = append(bindings, m.keys.Global.Back)
	}
	return ui.Fit(" "+m.help.ShortHelpView(bindings), m.width)
}

// fullHelp lists every key the showing component and the shell answer to.
func (m *Model) fullHelp(w, h int) string {
	groups := append([][]key.Binding(nil), m.current().FullHelp()...)
	groups = append(groups, m.keys.Global.FullHelp()...)
	if w >= 60 {
		m.help.ShowAll = true
		defer func() { m.help.ShowAll = false }()
		return "\n" + m.help.FullHelpView(groups)
	}
	var b strings.Builder
	keyWidth := min(12, w/2)
	for _, g := range groups {
		for _, k := range g {
			if !k.Enabled() || k.Help().Key == "" {
				continue
			}
			b.WriteString(ui.Fit(" "+k.Help().Key, keyWidth) + " " + k.Help().Desc + "\n")
		}
	}
	return b.String()
}
