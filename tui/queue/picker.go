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

// pickerKind is which filter a picker chooses.
type pickerKind int

const (
	pickStatus pickerKind = iota
	pickChannel
	pickWarehouse
)

// picker chooses one filter value from a list, over the table, until Enter or Esc.
type picker struct {
	kind   pickerKind
	cursor int
}

// choice is one line of a picker.
type choice struct {
	label string
	count string // the status picker shows how many orders each status has
	apply func(s *Screen)
}

func (s *Screen) newPicker(kind pickerKind) *picker {
	p := &picker{kind: kind}
	for i, c := range s.choices(kind) {
		if c.label == s.currentLabel(kind) {
			p.cursor = i
		}
	}
	return p
}

// choices lists a picker's lines, built from the filters and the lookups as they are now.
func (s *Screen) choices(kind pickerKind) []choice {
	var out []choice
	switch kind {
	case pickStatus:
		short := s.width < 30
		for _, st := range statusChoices() {
			st := st
			out = append(out, choice{label: statusChoiceLabel(st, short),
				count: group(s.count(st)) + s.more(),
				apply: func(s *Screen) { s.status = st }})
		}
	case pickChannel:
		out = append(out, choice{label: "All channels", apply: func(s *Screen) { s.channelID = 0 }})
		for _, l := range s.lookups.Channels {
			l := l
			out = append(out, choice{label: l.Code + " " + l.Name, apply: func(s *Screen) { s.channelID = l.ID }})
		}
	case pickWarehouse:
		out = append(out,
			choice{label: "All warehouses", apply: func(s *Screen) { s.warehouseID, s.unassigned = 0, false }},
			choice{label: "Unassigned (no warehouse yet)", apply: func(s *Screen) { s.warehouseID, s.unassigned = 0, true }})
		for _, l := range s.lookups.Warehouses {
			l := l
			out = append(out, choice{label: l.Code + " " + l.Name, apply: func(s *Screen) { s.warehouseID, s.unassigned = l.ID, false }})
		}
	}
	return out
}

// currentLabel is the label of the choice the filter has now, to start the cursor on.
func (s *Screen) currentLabel(kind pickerKind) string {
	switch kind {
	case pickStatus:
		return statusChoiceLabel(s.status, s.width < 30)
	case pickChannel:
		if l, ok := find(s.lookups.Channels, s.channelID); ok {
			return l.Code + " " + l.Name
		}
		return "All channels"
	}
	if s.unassigned {
		return "Unassigned (no warehouse yet)"
	}
	if l, ok := find(s.lookups.Warehouses, s.warehouseID); ok {
		return l.Code + " " + l.Name
	}
	return "All warehouses"
}

func find(list []orders.Lookup, id int64) (orders.Lookup, bool) {
	for _, l := range list {
		if l.ID == id && id != 0 {
			return l, true
		}
	}
	return orders.Lookup{}, false
}

// statusChoiceLabel names a status filter in the picker: the glyph and label, or on a
// 20-column handheld the five-letter code the table shows.
func statusChoiceLabel(filter string, short bool) string {
	if filter == "" || filter == string(orders.StatusOpen) {
		return filterLabel(filter, false)
	}
	st := model.OrderStatus(filter)
	if short {
		return st.Short()
	}
	return string(st.Glyph()) + " " + st.Label()
}

func (s *Screen) pickerKey(msg tea.KeyMsg) tea.Cmd {
	l, q := &s.ctx.Keys.List, &s.ctx.Keys.Queue
	n := len(s.choices(s.picker.kind))
	switch {
	case key.Matches(msg, l.Down):
		s.picker.cursor = (s.picker.cursor + 1) % max(n, 1)
	case key.Matches(msg, l.Up):
		s.picker.cursor = (s.picker.cursor + n - 1) % max(n, 1)
	case key.Matches(msg, l.Open):
		if s.picker.cursor < n {
			s.choices(s.picker.kind)[s.picker.cursor].apply(s)
		}
		s.picker = nil
		return s.reload(fetchFirst)
	case key.Matches(msg, s.ctx.Keys.Global.Back, q.FilterStatus, q.FilterChannel, q.FilterWarehouse):
		s.picker = nil
	}
	return nil
}

var (
	pickerTitles      = [...]string{pickStatus: "Show orders that are", pickChannel: "Channel", pickWarehouse: "Warehouse"}
	shortPickerTitles = [...]string{pickStatus: "Status", pickChannel: "Channel", pickWarehouse: "Warehouse"}
)

func (s *Screen) pickerView() string {
	st := s.ctx.Styles
	var b strings.Builder
	choices := s.choices(s.picker.kind)
	visible := max(s.height-1, 1)
	first := max(s.picker.cursor-visible+1, 0)
	title := pickerTitles[s.picker.kind]
	if s.width < 30 {
		title = shortPickerTitles[s.picker.kind]
	}
	// Lines above or below the visible ones are said in the title, as "3/14", so a list
	// longer than a handheld's screen does not look complete.
	if len(choices) > visible {
		title += " " + strconv.Itoa(s.picker.cursor+1) + "/" + strconv.Itoa(len(choices))
	}
	b.WriteString(" " + st.Title.Render(ui.Fit(title, s.width-1)))
	countWidth := 0
	if s.picker.kind == pickStatus {
		countWidth = min(8, max(s.width-12, 0))
	}
	labelWidth := min(s.width-countWidth, 40)
	for i := first; i < min(first+visible, len(choices)); i++ {
		c := choices[i]
		line := ui.Fit("  "+c.label, labelWidth) + ui.FitRight(c.count, countWidth)
		b.WriteByte('\n') // between lines, never after the last: the view is height lines
		if i == s.picker.cursor {
			b.WriteString(st.Selected.Render(ui.Fit(">"+line[1:], s.width)))
		} else {
			b.WriteString(ui.Fit(line, s.width))
		}
	}
	return b.String()
}
