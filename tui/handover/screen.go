package handover

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"oms/db"
	"oms/db/orders"
	"oms/keymaps"
	"oms/tui/ui"
)

// Data is what the counter reads and the one command it gives (db/orders).
type Data interface {
	ExactMatch(ctx context.Context, text string) (orders.Match, bool, error)
	Collection(ctx context.Context, id int64) (orders.Collection, error)
	HandOver(ctx context.Context, key string, id int64) (string, error)
}

// Route names the screen.
const Route ui.Route = "handover"

// Jobs are whose work the counter is: store staff, and supervisors (who hold every job). The
// database refuses anyone else (oms_hand_over is the store job's).
var Jobs = []string{"store", "supervisor"}

// Def is the counter's entry in the route table: a top-level screen.
func Def(data Data) ui.Def {
	return ui.Def{Route: Route, Title: "Store hand-over", Short: "Hand-over", Jobs: Jobs,
		Key:   func(k *keymaps.KeyMap) key.Binding { return k.Global.HandOver },
		Build: func(c *ui.Context, _ any) ui.Component { return New(c, data) }}
}

type found struct {
	c      orders.Collection
	reason string // why it cannot be handed over ("" when it can)
}

type handReq struct {
	key string
	id  int64
}

// Screen is the counter: a scan field, then the order to confirm.
type Screen struct {
	ctx    *ui.Context
	id     ui.InstanceID
	scan   textinput.Model
	find   *ui.Fetcher[string, found]
	hand   *ui.Fetcher[handReq, string]
	shown  *orders.Collection // the order waiting for confirmation
	cmdKey string             // its hand-over's command key, made when it was shown
	note   string             // the last outcome: what was handed over, or why not
	bad    bool               // note is a refusal
	busy   bool
	w, h   int
}

// New builds the counter with its scan field focused.
func New(c *ui.Context, data Data) *Screen {
	ti := textinput.New()
	ti.Prompt = "> "
	ti.Placeholder = "scan order"
	ti.CharLimit = 64
	ti.Cursor.SetMode(cursor.CursorStatic)
	ti.Focus()
	s := &Screen{ctx: c, id: ui.NewInstanceID(), scan: ti}
	s.find = ui.NewFetcher(c, s.id, "hand-over find", func(text string) ui.Query[found] {
		return func(ctx context.Context) (found, error) {
			m, ok, err := data.ExactMatch(ctx, text)
			if err != nil {
				return found{}, err
			}
			if !ok {
				return found{reason: fmt.Sprintf("no order %s here", strings.TrimSpace(text))}, nil
			}
			col, err := data.Collection(ctx, m.ID)
			if err != nil {
				return found{}, err
			}
			f := found{c: col}
			switch {
			case col.Store == "" || col.StoreSale:
				f.reason = col.Number + " is not a click-and-collect order"
			case len(col.Lines) == 0:
				f.reason = col.Number + " has nothing left to hand over (" + strings.ReplaceAll(string(col.Status), "_", " ") + ")"
			}
			return f, nil
		}
	})
	s.hand = ui.NewFetcher(c, s.id, "hand over", func(r handReq) ui.Query[string] {
		return func(ctx context.Context) (string, error) { return data.HandOver(ctx, r.key, r.id) }
	})
	return s
}

func (s *Screen) ID() ui.InstanceID         { return s.id }
func (s *Screen) Title() string             { return "Store hand-over" }
func (s *Screen) Watches() db.TableSet      { return db.SetOf(db.OpenOrders) }
func (s *Screen) SetSize(width, height int) { s.w, s.h = width, height }
func (s *Screen) Init() tea.Cmd             { return nil }

// Capturing: the scan field or the confirmation always has the keys.
func (s *Screen) Capturing() bool { return true }

// ShortHelp is the footer: confirm or cancel while an order is shown, else submit the scan.
func (s *Screen) ShortHelp() []key.Binding {
	if s.shown != nil {
		return []key.Binding{s.ctx.Keys.Dialog.Confirm, s.ctx.Keys.Dialog.Cancel}
	}
	return []key.Binding{s.ctx.Keys.Input.Submit, s.ctx.Keys.Input.Clear}
}

// FullHelp is the help page.
func (s *Screen) FullHelp() [][]key.Binding {
	return [][]key.Binding{s.ctx.Keys.Input.ShortHelp(), s.ctx.Keys.Dialog.ShortHelp()}
}

// Update takes the scan, the confirmation and the answers.
func (s *Screen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case ui.Result:
		if a, mine, ok, next := s.find.Take(msg); mine {
			if ok {
				s.found(a)
			}
			return next
		}
		if a, mine, ok, next := s.hand.Take(msg); mine {
			if ok {
				return tea.Batch(s.handed(a), next)
			}
			return next
		}
	case tea.KeyMsg:
		return s.onKey(msg)
	}
	return nil
}

func (s *Screen) onKey(msg tea.KeyMsg) tea.Cmd {
	in, dlg := &s.ctx.Keys.Input, &s.ctx.Keys.Dialog
	if s.shown != nil {
		switch {
		case key.Matches(msg, dlg.Confirm):
			if s.busy {
				return nil
			}
			s.busy = true
			return s.hand.Want(handReq{key: s.cmdKey, id: s.shown.ID})
		case key.Matches(msg, dlg.Cancel):
			if !s.busy {
				s.shown, s.note, s.bad = nil, "", false
			}
		}
		return nil
	}
	switch {
	case key.Matches(msg, in.Submit):
		text := strings.TrimSpace(s.scan.Value())
		if text == "" || s.busy {
			return nil
		}
		s.busy, s.note, s.bad = true, "", false
		return s.find.Want(text)
	case key.Matches(msg, in.Clear), key.Matches(msg, in.Cancel):
		s.scan.SetValue("")
		s.note, s.bad = "", false
		return nil
	}
	var cmd tea.Cmd
	s.scan, cmd = s.scan.Update(msg)
	return cmd
}

func (s *Screen) found(a ui.Answer[string, found]) {
	s.busy = false
	switch {
	case a.Err != nil:
		s.note, s.bad = ui.Explain(a.Err), true
	case a.Value.reason != "":
		s.note, s.bad = a.Value.reason, true
	default:
		c := a.Value.c
		s.shown, s.cmdKey = &c, ui.NewCommandKey("handover")
	}
}

func (s *Screen) handed(a ui.Answer[handReq, string]) tea.Cmd {
	s.busy = false
	if a.Err != nil {
		// The order stays shown with its key: confirming again retries the same hand-over.
		s.note, s.bad = ui.Explain(a.Err), true
		return nil
	}
	number := s.shown.Number
	s.shown, s.cmdKey = nil, ""
	s.scan.SetValue("")
	s.note, s.bad = number+" collected: "+a.Value, false
	return func() tea.Msg { return ui.StatusMsg{Text: number + " collected"} }
}

// View draws the scan field, the order to confirm and the last outcome.
func (s *Screen) View() string {
	st, w := s.ctx.Styles, s.w
	var out []string
	add := func(line string) { out = append(out, ui.Fit(line, w)) }
	wrap := func(text string, style func(...string) string) {
		for _, l := range ui.Wrap(text, max(w-1, 1)) {
			add(" " + style(l))
		}
	}
	if w < 12 || s.h < 6 {
		return ui.Clamp("too small", w, s.h)
	}
	if w >= 40 {
		add(st.Title.Render(" Hand over a click-and-collect order"))
	} else {
		add(st.Title.Render(" Hand-over"))
	}
	field := s.scan
	field.Width = max(w-4, 1)
	add(" " + field.View())
	add("")
	if c := s.shown; c != nil {
		head := c.Number
		if c.External != "" && w >= 40 {
			head += "  " + c.External
		}
		add(" " + st.Title.Render(head))
		wrap(c.Customer, st.Selected.Render)
		room := s.h - len(out) - 3
		for i, l := range c.Lines {
			if i >= room-1 && i < len(c.Lines)-1 {
				add(fmt.Sprintf(" … %d more lines", len(c.Lines)-i))
				break
			}
			line := fmt.Sprintf(" %d × %s", l.Open, l.SKU)
			if w >= 40 {
				line += "  " + l.Name
			}
			add(line)
		}
		units := fmt.Sprintf(" %d unit%s at %s", c.Units(), plural(c.Units()), c.Store)
		add(st.Muted.Render(units))
		switch {
		case s.busy:
			add(st.Muted.Render(" handing over…"))
		case w >= 40:
			add(" Hand over to this person? " + keyHint(s.ctx.Keys.Dialog.Confirm) + "/" + keyHint(s.ctx.Keys.Dialog.Cancel))
		default:
			add(" Hand over? " + keyHint(s.ctx.Keys.Dialog.Confirm) + "/" + keyHint(s.ctx.Keys.Dialog.Cancel))
		}
	} else if s.busy {
		add(st.Muted.Render(" looking…"))
	}
	if s.note != "" {
		style := st.OK.Render
		if s.bad {
			style = st.Error.Render
		}
		wrap(s.note, style)
	}
	return ui.Clamp(strings.Join(out, "\n"), w, s.h)
}

// keyHint is a binding's first key: "y", "n".
func keyHint(b key.Binding) string {
	if k := b.Keys(); len(k) > 0 {
		return k[0]
	}
	return b.Help().Key
}

func plural(n int64) string {
	if n == 1 {
		return ""
	}
	return "s"
}
