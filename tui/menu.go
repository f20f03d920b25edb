package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"oms/keymaps"
	"oms/tui/ui"
)

// menu lists every screen; it reaches them all on keyboards without function keys.
type menu struct{ cursor int }

func newMenu(active int) *menu { return &menu{cursor: active} }

// update moves the cursor or chooses; done with choice -1 means closed without choosing.
func (mn *menu) update(msg tea.KeyMsg, k *keymaps.KeyMap, n int) (choice int, done bool) {
	switch {
	case key.Matches(msg, k.List.Up):
		mn.cursor = (mn.cursor + n - 1) % n
	case key.Matches(msg, k.List.Down):
		mn.cursor = (mn.cursor + 1) % n
	case key.Matches(msg, k.List.Open):
		return mn.cursor, true
	case key.Matches(msg, k.Global.Back, k.Global.Menu):
		return -1, true
	case msg.Type == tea.KeyRunes && len(msg.Runes) == 1 && msg.Runes[0] >= '1' && int(msg.Runes[0]-'0') <= n:
		return int(msg.Runes[0] - '1'), true
	}
	return 0, false
}

func (mn *menu) view(c *ui.Context, slots []*slot, k *keymaps.KeyMap, w, h int) string {
	st := c.Styles
	var b strings.Builder
	b.WriteString(" " + st.Title.Render("Go to") + "\n")
	for i, s := range slots {
		name := s.def.Title
		if w < 30 {
			name = s.def.Short
		}
		jump := ""
		if s.def.Key != nil {
			jump = s.def.Key(k).Help().Key
		}
		num := " " // only 1–9 have a digit key; the rest are reached with the arrows
		if i < 9 {
			num = itoa(i + 1)
		}
		line := " " + num + " " + ui.Fit(name, min(14, w-8)) + " " + jump
		marker := "  "
		if i == mn.cursor {
			marker = "> "
			b.WriteString(st.Selected.Render(ui.Fit(marker+line, w)) + "\n")
			continue
		}
		b.WriteString(ui.Fit(marker+line, w) + "\n")
	}
	return b.String()
}
