package hello

import (
	"context"
	"strconv"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"oms/db"
	"oms/db/orders"
	"oms/keymaps"
	"oms/model"
	"oms/tui/ui"
)

// Data is what the screen reads: the one method it needs, not a catch-all store.
type Data interface {
	QueueCounts(ctx context.Context, f orders.QueueFilter) (orders.StatusCounts, error)
}

// Route names the screen in the route table.
const Route ui.Route = "hello"

// Def is the screen's entry in the route table; jumpKey reaches it.
func Def(data Data, jumpKey func(*keymaps.KeyMap) key.Binding) ui.Def {
	return ui.Def{Route: Route, Title: "Hello", Short: "Hello", Key: jumpKey,
		Build: func(c *ui.Context, _ any) ui.Component { return New(c, data) }}
}

// Screen greets the user and counts the open orders.
type Screen struct {
	ctx    *ui.Context
	id     ui.InstanceID
	counts *ui.Fetcher[struct{}, orders.StatusCounts]
	open   int64
	loaded bool
	stale  bool
	w, h   int
}

// New builds the screen; Init fetches the count.
func New(c *ui.Context, data Data) *Screen {
	s := &Screen{ctx: c, id: ui.NewInstanceID()}
	s.counts = ui.NewFetcher(c, s.id, "hello counts", func(struct{}) ui.Query[orders.StatusCounts] {
		return func(ctx context.Context) (orders.StatusCounts, error) {
			return data.QueueCounts(ctx, orders.QueueFilter{Status: orders.StatusOpen})
		}
	})
	return s
}

func (s *Screen) ID() ui.InstanceID         { return s.id }
func (s *Screen) Title() string             { return "Hello" }
func (s *Screen) Watches() db.TableSet      { return db.SetOf(db.OpenOrders) }
func (s *Screen) ShortHelp() []key.Binding  { return nil }
func (s *Screen) FullHelp() [][]key.Binding { return nil }
func (s *Screen) SetSize(width, height int) { s.w, s.h = width, height }
func (s *Screen) Init() tea.Cmd             { return s.counts.Want(struct{}{}) }

// Update refetches on a change notice or when shown again, and takes the answers.
func (s *Screen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case ui.ChangedMsg, ui.ActivatedMsg:
		return s.counts.Want(struct{}{})
	case ui.Result:
		a, mine, ok, next := s.counts.Take(msg)
		if mine && ok {
			s.stale = a.Err != nil
			if a.Err == nil {
				s.loaded = true
				s.open = 0 // counts come for every status; the open ones are summed
				for _, st := range model.OpenStatuses() {
					s.open += a.Value.Of(st)
				}
			}
		}
		return next
	}
	return nil
}

// View draws the greeting; it only reads.
func (s *Screen) View() string {
	who := s.ctx.User.Name
	if who == "" {
		who = s.ctx.User.Login // a database role that is not a staff member
	}
	text := " Hello, " + who + "\n "
	switch {
	case !s.loaded:
		text += "Counting…"
	default:
		text += strconv.FormatInt(s.open, 10) + " orders are open"
	}
	if s.stale {
		text += " (stale)"
	}
	return ui.Clamp(text, s.w, s.h)
}
