package order

import (
	"context"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"oms/db"
	"oms/db/orders"
	"oms/tui/ui"
)

// Data is what the detail reads. *orders.Store implements it.
type Data interface {
	OrderDetail(ctx context.Context, id int64) (orders.Detail, error)
}

// Def is the detail's entry in the shell's route table: opened with a ui.OrderRef.
func Def(data Data) ui.Def {
	return ui.Def{Route: ui.RouteOrder, Title: "Order", Short: "Order",
		Build: func(c *ui.Context, arg any) ui.Component {
			ref, _ := arg.(ui.OrderRef)
			return New(c, data, ref.ID, ref.Number)
		},
		// The customer's e-mail and phone are shown: not for pickers and packers.
		Jobs: []string{"backoffice", "supervisor", "returns", "stock", "admin"}}
}

// Screen is the detail view of one order. It implements ui.Component.
type Screen struct {
	c      *ui.Context
	id     ui.InstanceID
	order  int64
	number string
	fetch  *ui.Fetcher[int64, orders.Detail]

	detail *orders.Detail // the last good answer; nil until the first one
	err    error          // the last fetch's error; cleared by the next good answer

	width, height int
	page          page  // the whole order laid out for width, built outside View
	builtMinute   int64 // ages and SLAs are per minute: rebuild when the clock passes one
	offset        int   // first page line shown
	blank         string
}

// New returns the detail screen of order id; number is shown until the data arrives.
func New(c *ui.Context, data Data, id int64, number string) *Screen {
	s := &Screen{c: c, id: ui.NewInstanceID(), order: id, number: number}
	s.fetch = ui.NewFetcher(c, s.id, "order detail", func(id int64) ui.Query[orders.Detail] {
		return func(ctx context.Context) (orders.Detail, error) { return data.OrderDetail(ctx, id) }
	})
	return s
}

// ID implements ui.Component.
func (s *Screen) ID() ui.InstanceID { return s.id }

// Title implements ui.Component: the order number, as the header's trail shows it.
func (s *Screen) Title() string { return s.number }

// Watches implements ui.Watcher: the order, its lines and its returns.
func (s *Screen) Watches() db.TableSet { return db.SetOf(db.Orders, db.OrderLines, db.RMAs) }

// ShortHelp implements help.KeyMap.
func (s *Screen) ShortHelp() []key.Binding { return s.c.Keys.Order.ShortHelp() }

// FullHelp implements help.KeyMap.
func (s *Screen) FullHelp() [][]key.Binding { return s.c.Keys.Order.FullHelp() }

// Init fetches the order.
func (s *Screen) Init() tea.Cmd { return s.fetch.Want(s.order) }

// Update handles data answers, change notices, the clock and the order keys.
func (s *Screen) Update(msg tea.Msg) tea.Cmd {
	s.keepCurrent()
	switch msg := msg.(type) {
	case ui.Result:
		return s.receive(msg)
	case ui.ChangedMsg, ui.ActivatedMsg:
		return s.fetch.Want(s.order)
	case tea.KeyMsg:
		s.key(msg)
	}
	return nil
}

// receive takes the answer to the latest fetch. An error keeps the last good data: the shell
// has already put the error in the status line, the page only marks itself stale.
func (s *Screen) receive(r ui.Result) tea.Cmd {
	a, mine, ok, next := s.fetch.Take(r)
	if !mine || !ok {
		return next
	}
	if a.Err != nil {
		s.err = a.Err
	} else {
		s.detail, s.err = &a.Value, nil
	}
	s.rebuild()
	return next
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
