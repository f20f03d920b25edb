package order

import (
	"context"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"oms/db"
	"oms/db/alloc"
	"oms/db/orders"
	"oms/model"
	"oms/tui/ui"
)

// Data is what the detail reads, and the back office's commands on the order (each one
// transaction with the key the screen made when the action opened). *orders.Store implements it;
// a Data that is also a Router (Stores) re-routes too.
type Data interface {
	OrderDetail(ctx context.Context, id int64) (orders.Detail, error)
	Reasons(ctx context.Context, kind string) ([]orders.Reason, error)
	Hold(ctx context.Context, key string, order int64, reason string) error
	Release(ctx context.Context, key string, order int64) error
	CancelOrder(ctx context.Context, key string, order int64, reason string) error
	CancelLine(ctx context.Context, key string, order, line int64, reason string) error
	EditOrder(ctx context.Context, key string, e orders.OrderEdit) (int, error)
	SplitBackorder(ctx context.Context, key string, order int64) (string, error)
}

// Router is the allocator's part of the actions: re-routing an order by hand to a warehouse
// chosen by its free stock of the order's lines. *alloc.Store implements it. Optional: the
// re-route key is offered only when the screen's Data is a Router.
type Router interface {
	RerouteChoices(ctx context.Context, order int64) ([]alloc.WarehouseStock, error)
	Reroute(ctx context.Context, key string, order, warehouse int64) (alloc.Result, error)
}

// Stores joins the order commands and the allocator into the Data the shell gives the screen.
type Stores struct {
	*orders.Store
	Alloc *alloc.Store
}

// RerouteChoices implements Router.
func (s Stores) RerouteChoices(ctx context.Context, order int64) ([]alloc.WarehouseStock, error) {
	return s.Alloc.RerouteChoices(ctx, order)
}

// Reroute implements Router.
func (s Stores) Reroute(ctx context.Context, key string, order, warehouse int64) (alloc.Result, error) {
	return s.Alloc.Reroute(ctx, key, order, warehouse)
}

// Def is the detail's entry in the shell's route table: opened with a ui.OrderRef.
func Def(data Data) ui.Def {
	return ui.Def{Route: ui.RouteOrder, Title: "Order", Short: "Order",
		Build: func(c *ui.Context, arg any) ui.Component {
			ref, _ := arg.(ui.OrderRef)
			s := New(c, data, ref.ID, ref.Number)
			s.pending = ref.Action
			return s
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

	reasons *ui.Fetcher[string, []orders.Reason]
	stock   *ui.Fetcher[int64, []alloc.WarehouseStock] // the re-route picker's warehouses
	router  Router                                     // nil: the data cannot re-route
	run     *ui.Fetcher[command, answered]
	act     *action  // the action open over the order; nil when none
	pending string   // an action to open once the order is shown (ui.OrderRef.Action)
	panel   []string // the action laid out, above the page; built outside View

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
	s.reasons = ui.NewFetcher(c, s.id, "order reasons", func(kind string) ui.Query[[]orders.Reason] {
		return func(ctx context.Context) ([]orders.Reason, error) { return data.Reasons(ctx, kind) }
	})
	s.run = ui.NewFetcher(c, s.id, "order command", runCommand(data))
	if r, ok := data.(Router); ok {
		s.router = r
		s.stock = ui.NewFetcher(c, s.id, "order reroute stock", func(id int64) ui.Query[[]alloc.WarehouseStock] {
			return func(ctx context.Context) ([]alloc.WarehouseStock, error) { return r.RerouteChoices(ctx, id) }
		})
	}
	return s
}

// Capturing implements ui.Capturer: an open action (picker, dialog or form) takes the keys.
func (s *Screen) Capturing() bool { return s.act != nil }

// HasUnsavedInput implements ui.Unsaved: an open edit form holds typing that quitting loses.
func (s *Screen) HasUnsavedInput() bool { return s.act != nil && s.act.form != nil }

// ID implements ui.Component.
func (s *Screen) ID() ui.InstanceID { return s.id }

// Title implements ui.Component: the order number, as the header's trail shows it.
func (s *Screen) Title() string { return s.number }

// Watches implements ui.Watcher: the order, its lines and its returns.
func (s *Screen) Watches() db.TableSet { return db.SetOf(db.Orders, db.OrderLines, db.RMAs) }

// ShortHelp implements help.KeyMap: the open action's keys, or the order's, most important first.
func (s *Screen) ShortHelp() []key.Binding {
	o, in, d := &s.c.Keys.Order, &s.c.Keys.Input, &s.c.Keys.Dialog
	switch {
	case s.act != nil && s.act.step == stepForm:
		return []key.Binding{withHelp(in.Submit, "save"), withHelp(in.Cancel, "leave"),
			withHelp(o.ToggleSection, "next field"), o.PrevField}
	case s.act != nil && s.act.step == stepConfirm:
		return []key.Binding{d.Confirm, d.Cancel}
	case s.act != nil:
		return []key.Binding{withHelp(in.Submit, "choose"), withHelp(in.Cancel, "leave"), o.ScrollDown, o.ScrollUp}
	case s.mayAct() && s.detail != nil:
		hold := o.Hold
		if s.detail.Header.Status == model.StatusOnHold {
			hold = withHelp(hold, "release")
		}
		keys := []key.Binding{hold, o.Cancel, o.Edit}
		if s.router != nil {
			keys = append(keys, o.Reroute)
		}
		return append(keys, o.Split, o.ToggleSection, o.ScrollUp, o.ScrollDown)
	}
	return o.ShortHelp()
}

func withHelp(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}

// FullHelp implements help.KeyMap.
func (s *Screen) FullHelp() [][]key.Binding { return s.c.Keys.Order.FullHelp() }

// Init fetches the order.
func (s *Screen) Init() tea.Cmd { return s.fetch.Want(s.order) }

// Update handles data answers, change notices, the clock and the order keys.
func (s *Screen) Update(msg tea.Msg) tea.Cmd {
	s.keepCurrent()
	defer s.layoutPanel()
	switch msg := msg.(type) {
	case ui.Result:
		if a, mine, ok, next := s.run.Take(msg); mine {
			if ok {
				return tea.Batch(next, s.ran(a))
			}
			return next
		}
		if a, mine, ok, next := s.reasons.Take(msg); mine {
			if ok {
				s.gotReasons(a)
			}
			return next
		}
		if s.stock != nil {
			if a, mine, ok, next := s.stock.Take(msg); mine {
				if ok {
					s.gotStock(a)
				}
				return next
			}
		}
		return s.receive(msg)
	case ui.ChangedMsg, ui.ActivatedMsg:
		return s.fetch.Want(s.order)
	case tea.KeyMsg:
		if s.act != nil {
			return s.actionKey(msg)
		}
		if cmd, ok := s.start(msg); ok {
			return cmd
		}
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
	if s.detail != nil && s.pending != "" && s.act == nil {
		name := s.pending
		s.pending = ""
		cmd, _ := s.startNamed(name)
		return tea.Batch(next, cmd)
	}
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
	s.layoutPanel()
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

// View shows the open action's panel, then the part of the page that fits, padded to exactly
// height lines. It only slices.
func (s *Screen) View() string {
	if s.width == 0 || s.height == 0 {
		return ""
	}
	end := min(s.offset+s.height-len(s.panel), len(s.page.lines))
	visible := append(s.panel[:len(s.panel):len(s.panel)], s.page.lines[min(s.offset, end):end]...)
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
