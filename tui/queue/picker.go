package queue

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"oms/db/orders"
	"oms/model"
	"oms/tui/ui"
)

// statusPicker chooses the status filter from a list that shows each status's count.
type statusPicker struct{ cursor int }

func pickerChoices() []string { return statusChoices() }

func newStatusPicker(current string) *statusPicker {
	p := &statusPicker{}
	for i, st := range pickerChoices() {
		if st == current {
			p.cursor = i
		}
	}
	return p
}

func (s *Screen) pickerKey(msg tea.KeyMsg) tea.Cmd {
	l := &s.ctx.Keys.List
	n := len(pickerChoices())
	switch {
	case key.Matches(msg, l.Down):
		s.picker.cursor = (s.picker.cursor + 1) % n
	case key.Matches(msg, l.Up):
		s.picker.cursor = (s.picker.cursor + n - 1) % n
	case key.Matches(msg, l.Open):
		choice := pickerChoices()[s.picker.cursor]
		s.picker = nil
		return s.setStatus(choice)
	case key.Matches(msg, s.ctx.Keys.Global.Back, s.ctx.Keys.Queue.FilterStatus):
		s.picker = nil
	}
	return nil
}

func (s *Screen) pickerView() string {
	st := s.ctx.Styles
	var b strings.Builder
	b.WriteString(" " + st.Title.Render("Show orders that are") + "\n")
	choices := pickerChoices()
	visible := max(s.height-1, 1)
	first := max(s.picker.cursor-visible+1, 0)
	for i := first; i < min(first+visible, len(choices)); i++ {
		choice := choices[i]
		label, count := filterLabel(choice, false), s.count(choice)
		if choice != "" && choice != string(orders.StatusOpen) {
			status := model.OrderStatus(choice)
			label = string(status.Glyph()) + " " + status.Label()
		}
		line := ui.Fit("  "+label, min(s.width-10, 20)) + ui.FitRight(strconv.FormatInt(count, 10)+s.more(), 8)
		if i == s.picker.cursor {
			b.WriteString(st.Selected.Render(ui.Fit(">"+line[1:], s.width)) + "\n")
		} else {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}
