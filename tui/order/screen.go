package order

import (
	"context"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"oms/db/orders"
	"oms/tui/ui"
)

// Screen is the detail view of one order. It implements ui.Component.
type Screen struct {
	c      *ui.Context
	id     ui.InstanceID
	order  int64
	number string

	req      ui.Requests
	inFlight bool // a fetch is running; never start a second one (tui-style.md, live refresh)
	again    bool // something changed while fetching: fetch once more when the answer comes

	detail *orders.Detail // the last good answer; nil until the first one
	err    error          // the last fetch's error; cleared by the next good answer

	width, height int
	page          page  // the whole order laid out for width, built outside View
	builtMinute   int64 // ages and SLAs are per minute: rebuild when the clock passes one
	offset        int   // first page line shown
	blank         string
}

// New returns the detail screen of order id; number is shown until the data arrives.
func New(c *ui.Context, id int64, number string) *Screen {
	return &Screen{c: c, id: ui.NewInstanceID(), order: id, number: number}
}

// ID implements ui.Component.
func (s *Screen) ID() ui.InstanceID { return s.id }

// Title implements ui.Component: the order number, as the header's trail shows it.
func (s *Screen) Title() string { return s.number }

// ShortHelp implements help.KeyMap.
func (s *Screen) ShortHelp() []key.Binding { return s.c.Keys.Order.ShortHelp() }

// FullHelp implements help.KeyMap.
func (s *Screen) FullHelp() [][]key.Binding { return s.c.Keys.Order.FullHelp() }

// Init fetches the order.
func (s *Screen) Init() tea.Cmd { return s.refresh() }

// Update handles data answers, change notices and the order keys. It returns s itself.
func (s *Screen) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	s.keepCurrent()
	switch msg := msg.(type) {
	case ui.Result:
		return s, s.receive(msg)
	case ui.ChangedMsg, ui.ActivatedMsg:
		return s, s.refresh()
	case tea.KeyMsg:
		s.key(msg)
	}
	return s, nil
}

// refresh starts a fetch, or, if one is running, asks for another once it answers: a fetch
// started now could answer before the running one and then be overwritten by older data.
func (s *Screen) refresh() tea.Cmd {
	if s.inFlight {
		s.again = true
		return nil
	}
	s.inFlight = true
	store, id := s.c.Store, s.order // captured by value: fn runs on another goroutine
	return ui.Fetch(s.id, s.req.Next(), func(ctx context.Context) (any, error) {
		return store.OrderDetail(ctx, id)
	})
}

// receive takes the answer to the latest fetch. An error keeps the last good data: the root
// has already put the error in the status line, the page only marks itself stale.
func (s *Screen) receive(r ui.Result) tea.Cmd {
	if r.To != s.id || !s.req.Latest(r.Req) {
		return nil
	}
	s.inFlight = false
	if r.Err != nil {
		s.err = r.Err
	} else if od, ok := r.Payload.(orders.Detail); ok {
		s.detail, s.err = &od, nil
	}
	s.rebuild()
	if s.again {
		s.again = false
		return s.refresh()
	}
	return nil
}

// SetSize implements ui.Component. Only a new width changes the layout; a new height only
// changes how far one can scroll.
func (s *Screen) SetSize(width, height int) {
	width, height = max(width, 0), max(height, 0)
	changed := width != s.width
	s.width, s.height = width, height
	if changed || s.page.lines == nil {
		s.rebuild()
	}
	s.scrollTo(s.offset, s.ceiling())
}

// keepCurrent rebuilds the page when the minute has changed since it was built, so "late 2h"
// and "3h ago" follow the clock. It runs on every message, never in View.
func (s *Screen) keepCurrent() {
	if s.detail != nil && s.c.Now().Unix()/60 != s.builtMinute {
		s.rebuild()
	}
}

// rebuild lays the order out for the current width.
func (s *Screen) rebuild() {
	now := s.c.Clock()
	s.builtMinute = now.Unix() / 60
	s.blank = strings.Repeat(" ", s.width)
	s.page = layOut(s.c, s.width, now, s.number, s.detail, s.err)
	s.scrollTo(s.offset, s.ceiling())
}

// View shows the part of the page that fits, padded to exactly height lines. It only slices.
func (s *Screen) View() string {
	if s.width == 0 || s.height == 0 {
		return ""
	}
	end := min(s.offset+s.height, len(s.page.lines))
	visible := s.page.lines[min(s.offset, end):end]
	size := (len(s.blank) + 1) * (s.height - len(visible))
	for _, l := range visible {
		size += len(l) + 1
	}
	var b strings.Builder
	b.Grow(size)
	for i := 0; i < s.height; i++ {
		if i > 0 {
			b.WriteByte('\n')
		}
		if i < len(visible) {
			b.WriteString(visible[i])
		} else {
			b.WriteString(s.blank)
		}
	}
	return b.String()
}
