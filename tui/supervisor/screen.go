package supervisor

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"oms/db"
	"oms/db/floor"
	"oms/keymaps"
	"oms/tui/ui"
)

// Route names the screen.
const Route ui.Route = "supervisor"

// Jobs are whose screen this is; the database refuses anyone else's commands.
var Jobs = []string{"supervisor"}

// The routes a row opens besides an order's: the screens of their own areas, by route (screens
// never import one another).
const (
	routeCounts  ui.Route = "counts"
	routeReturns ui.Route = "returns"
	routeIntake  ui.Route = "intake"
)

// Def is the screen's entry in the route table.
func Def(data Data) ui.Def {
	return ui.Def{Route: Route, Title: "Supervisor", Short: "Super", Jobs: Jobs,
		Key:   func(k *keymaps.KeyMap) key.Binding { return k.Global.Supervisor },
		Build: func(c *ui.Context, _ any) ui.Component { return New(c, data) }}
}

// The panes.
const (
	paneNow = iota
	panePeople
	paneExceptions
	panes
)

var paneNames = [panes]string{"Now", "People", "Exceptions"}

// step is what the screen waits for.
type step int

const (
	stepList    step = iota // the panes and their keys
	stepInput               // a login or a priority typed into the field
	stepConfirm             // "… ? y/n"
)

// slowEvery is how often the board is read again without a change notice: parcels, holds and
// adjustments are not in the change feed, and idle times move with the clock anyway.
const slowEvery = 15

// Screen is the supervisor's floor.
type Screen struct {
	ctx  *ui.Context
	id   ui.InstanceID
	w, h int

	pane int
	cur  [panes]int

	// all shows every warehouse; otherwise only the person's own (the screen opens on it).
	all    bool
	board  floor.Board
	loaded bool
	stale  bool
	ticks  int

	step  step
	field textinput.Model
	// act is the command being asked for, with its idempotency key: the same command asked
	// again after a failed answer keeps the key, so it applies once.
	act  action
	busy bool
	note string
	bad  bool

	boardF *ui.Fetcher[boardWish, floor.Board]
	actF   *ui.Fetcher[action, string]
}

// New builds the screen; Init reads the board.
func New(c *ui.Context, data Data) *Screen {
	ti := textinput.New()
	ti.Prompt = "> "
	ti.CharLimit = 64
	ti.Cursor.SetMode(cursor.CursorStatic)
	s := &Screen{ctx: c, id: ui.NewInstanceID(), field: ti, all: c.User.Warehouse == ""}
	s.boardF = ui.NewFetcher(c, s.id, "floor board", func(b boardWish) ui.Query[floor.Board] {
		return func(ctx context.Context) (floor.Board, error) { return data.Board(ctx, b.w, b.seen) }
	})
	s.actF = ui.NewFetcher(c, s.id, "floor act", func(a action) ui.Query[string] {
		return func(ctx context.Context) (string, error) { return a.run(ctx, data) }
	})
	return s
}

func (s *Screen) ID() ui.InstanceID { return s.id }
func (s *Screen) Title() string     { return "Supervisor" }
func (s *Screen) Init() tea.Cmd     { return s.refetch() }

// SetSize takes the new size; View lays out what fits.
func (s *Screen) SetSize(w, h int) {
	s.w, s.h = w, h
	s.field.Width = max(w-4, 4)
}

// Watches is what the board shows that the change feed reports.
func (s *Screen) Watches() db.TableSet {
	return db.SetOf(db.Orders, db.OrderLines, db.PickTasks, db.Stock, db.RMAs, db.Counts, db.Imports)
}

// Capturing: the field and the question have the keys.
func (s *Screen) Capturing() bool { return s.step != stepList }

// window is what the board is read for: today where the supervisor is, the shift, and the
// person's own warehouse or all of them.
func (s *Screen) window() floor.Window {
	now := s.ctx.Clock()
	y, m, d := now.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, now.Location())
	return floor.Window{Day: day, Since: floor.ShiftStart(now, day), Warehouse: s.scope()}
}

// scope is the warehouse the board shows, "" for all.
func (s *Screen) scope() string {
	if s.all {
		return ""
	}
	return s.ctx.User.Warehouse
}

// toggleScope switches between every warehouse and the person's own, and reads the board again.
func (s *Screen) toggleScope() tea.Cmd {
	if s.ctx.User.Warehouse == "" {
		s.say("You have no warehouse of your own: the floor shows every warehouse", true)
		return nil
	}
	s.all = !s.all
	s.loaded, s.cur = false, [panes]int{}
	if s.all {
		s.say("Every warehouse's floor (v: only "+s.ctx.User.Warehouse+")", false)
	} else {
		s.say(s.ctx.User.Warehouse+"'s floor only (v: every warehouse)", false)
	}
	return s.refetch()
}

// boardWish is one board read: its window, and when the change it must show was seen (zero:
// now). Every supervisor screen of a server told of a change by the same poll shares one read.
type boardWish struct {
	w    floor.Window
	seen time.Time
}

func (s *Screen) refetch() tea.Cmd { return s.boardF.Want(boardWish{w: s.window()}) }

// Update takes keys, answers, change notices and the clock.
func (s *Screen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case ui.Result:
		return s.onResult(msg)
	case tea.KeyMsg:
		return s.onKey(msg)
	case ui.ChangedMsg:
		s.ticks = 0
		return s.boardF.Want(boardWish{w: s.window(), seen: msg.Seen})
	case ui.ActivatedMsg:
		s.ticks = 0
		return s.refetch()
	case ui.ClockMsg:
		if s.ticks++; s.ticks >= slowEvery {
			s.ticks = 0
			return s.refetch()
		}
	}
	return nil
}

func (s *Screen) onResult(r ui.Result) tea.Cmd {
	if a, mine, ok, next := s.boardF.Take(r); mine {
		if ok {
			if a.Err != nil {
				s.stale = true // the board stays, said to be old
			} else {
				s.board, s.loaded, s.stale = a.Value, true, false
				for p := range panes {
					s.cur[p] = min(s.cur[p], max(s.rows(p)-1, 0))
				}
			}
		}
		return next
	}
	if a, mine, ok, next := s.actF.Take(r); mine {
		if !ok {
			return next
		}
		s.busy = false
		if a.Err != nil {
			if errors.Is(a.Err, context.DeadlineExceeded) || ui.IsConnectionError(a.Err) {
				s.say("No answer from the database: press y to send the same again (it applies once)", true)
			} else {
				s.say(ui.Explain(a.Err), true)
			}
			return next // still asking: y sends the same key
		}
		s.act, s.step = action{}, stepList
		s.say(a.Value, false)
		return tea.Batch(next, s.refetch())
	}
	return nil
}

func (s *Screen) say(text string, bad bool) { s.note, s.bad = text, bad }

func (s *Screen) onKey(msg tea.KeyMsg) tea.Cmd {
	if s.busy {
		return nil // one command at a time
	}
	switch s.step {
	case stepConfirm:
		return s.onConfirmKey(msg)
	case stepInput:
		return s.onInputKey(msg)
	}
	l, k := &s.ctx.Keys.List, &s.ctx.Keys.Supervisor
	switch {
	case key.Matches(msg, k.NextPane):
		s.pane = (s.pane + 1) % panes
	case key.Matches(msg, k.PrevPane):
		s.pane = (s.pane + panes - 1) % panes
	case key.Matches(msg, l.Up):
		s.cur[s.pane] = max(s.cur[s.pane]-1, 0)
	case key.Matches(msg, l.Down):
		s.cur[s.pane] = min(s.cur[s.pane]+1, max(s.rows(s.pane)-1, 0))
	case key.Matches(msg, l.Top):
		s.cur[s.pane] = 0
	case key.Matches(msg, l.Bottom):
		s.cur[s.pane] = max(s.rows(s.pane)-1, 0)
	case key.Matches(msg, l.Open):
		return s.open()
	case key.Matches(msg, k.Wave):
		s.startWave()
	case key.Matches(msg, k.Reassign):
		s.startBatch(true)
	case key.Matches(msg, k.GiveBack):
		s.startBatch(false)
	case key.Matches(msg, k.Priority):
		s.startPriority()
	case key.Matches(msg, k.Approve):
		s.startApprove()
	case key.Matches(msg, k.Hold):
		s.startHold()
	case key.Matches(msg, k.Scope):
		return s.toggleScope()
	}
	return nil
}

func (s *Screen) onInputKey(msg tea.KeyMsg) tea.Cmd {
	in := &s.ctx.Keys.Input
	switch {
	case key.Matches(msg, in.Cancel):
		s.step, s.act = stepList, action{}
		s.field.Blur()
		s.say("", false)
		return nil
	case key.Matches(msg, in.Clear):
		s.field.SetValue("")
		return nil
	case key.Matches(msg, in.Submit):
		return s.submit(strings.TrimSpace(s.field.Value()))
	}
	var cmd tea.Cmd
	s.field, cmd = s.field.Update(msg)
	return cmd
}

func (s *Screen) onConfirmKey(msg tea.KeyMsg) tea.Cmd {
	d := &s.ctx.Keys.Dialog
	switch {
	case key.Matches(msg, d.Confirm):
		s.busy = true
		s.say("", false)
		return s.actF.Want(s.act)
	case key.Matches(msg, d.Cancel):
		s.step, s.act = stepList, action{}
		s.say("", false)
	}
	return nil
}

// ask puts a command to the question, keeping the key of the same command asked before.
func (s *Screen) ask(a action) {
	a.sig = a.signature()
	if s.act.key != "" && s.act.sig == a.sig {
		a.key = s.act.key
	} else {
		a.key = ui.NewCommandKey("floor-" + a.kind)
	}
	s.act, s.step = a, stepConfirm
	s.field.Blur()
	s.say("", false)
}

// prompt asks for a value typed into the field first.
func (s *Screen) prompt(a action, placeholder string) {
	s.act, s.step = a, stepInput
	s.field.SetValue("")
	s.field.Placeholder = placeholder
	s.field.Focus()
	s.say("", false)
}

// submit reads the field for the command being prepared and asks.
func (s *Screen) submit(text string) tea.Cmd {
	a := s.act
	switch a.kind {
	case actReassign:
		if text == "" {
			return nil
		}
		a.picker = strings.ToLower(text)
	case actPriority:
		n, err := strconv.Atoi(text)
		if err != nil || n < -9 || n > 9 {
			s.say(fmt.Sprintf("%q is not a priority: type a number from -9 to 9", text), true)
			return nil
		}
		a.priority = n
	case actHold:
		if text == "" {
			s.say("Say why, so the floor and the back office know: a carrier strike, a pricing error…", true)
			return nil
		}
		a.note = text
	}
	s.ask(a)
	return nil
}

func (s *Screen) startWave() {
	wh := s.ctx.User.Warehouse
	if wh == "" {
		if d, ok := s.dueRow(); ok && d.Warehouse != "" {
			wh = d.Warehouse
		}
	}
	if wh == "" {
		s.say("Which warehouse? Put the cursor on one of its rows in Now", true)
		return
	}
	s.ask(action{kind: actWave, warehouse: wh})
}

// batchUnder is the batch the cursor names: a person's, or an expired lease's.
func (s *Screen) batchUnder() (id int64, code, who string, ok bool) {
	switch s.pane {
	case panePeople:
		if p, ok := s.person(); ok && p.BatchID != 0 {
			return p.BatchID, p.Batch, p.Name, true
		}
	case paneExceptions:
		if e, ok := s.exception(); ok && e.BatchID != 0 {
			return e.BatchID, e.Batch, "", true
		}
	}
	return 0, "", "", false
}

func (s *Screen) startBatch(reassign bool) {
	id, code, who, ok := s.batchUnder()
	if !ok {
		s.say("Put the cursor on a person holding a batch (People) or an expired lease (Exceptions)", true)
		return
	}
	a := action{kind: actRelease, batch: id, batchCode: code, holder: who}
	if reassign {
		a.kind = actReassign
		s.prompt(a, "picker's login")
		return
	}
	s.ask(a)
}

func (s *Screen) startPriority() {
	var id int64
	var number string
	switch s.pane {
	case paneExceptions:
		if e, ok := s.exception(); ok {
			id, number = e.OrderID, e.Order
		}
	case paneNow:
		if st, ok := s.stageRow(); ok && (st.Name == "packing" || st.Name == "shipping") {
			id, number = st.OldestID, st.OldestRef
		}
	}
	if id == 0 {
		s.say("Put the cursor on a row naming an order", true)
		return
	}
	s.prompt(action{kind: actPriority, order: id, number: number}, "priority -9…9")
}

func (s *Screen) startApprove() {
	e, ok := s.exception()
	if s.pane != paneExceptions || !ok {
		s.say("Put the cursor on a count, an adjustment, an RMA to authorise or a refund due (Exceptions)", true)
		return
	}
	switch e.Kind {
	case floor.CountReview:
		reason := "CNT_MISCOUNT"
		switch {
		case e.Variance < 0:
			reason = "CNT_LOST"
		case e.Variance > 0:
			reason = "CNT_FOUND"
		}
		s.ask(action{kind: actCount, task: e.CountTask, what: e.Count, reason: reason})
	case floor.Adjustment:
		s.ask(action{kind: actAdjust, adjust: e.AdjustID, what: e.Text})
	case floor.Authorise:
		s.ask(action{kind: actAuthorise, rma: e.RMAID, what: e.RMA})
	case floor.RefundDue:
		s.ask(action{kind: actRefund, rma: e.RMAID, what: e.RMA})
	default:
		s.say("Nothing to approve on this row", true)
	}
}

func (s *Screen) startHold() {
	if s.pane != paneNow {
		s.say("Put the cursor on a channel in Now", true)
		return
	}
	d, ok := s.dueRow()
	if !ok {
		s.say("Put the cursor on a channel in Now", true)
		return
	}
	a := action{kind: actHold, channel: d.Channel, hold: !d.Held}
	if a.hold {
		s.prompt(a, "why: carrier strike, pricing error…")
		return
	}
	s.ask(a)
}

// open opens what the row under the cursor names.
func (s *Screen) open() tea.Cmd {
	var o ui.Open
	switch s.pane {
	case paneNow:
		st, ok := s.stageRow()
		if !ok {
			return nil
		}
		switch st.Name {
		case "packing", "shipping":
			if st.OldestID != 0 {
				o = ui.Open{Route: ui.RouteOrder, Arg: ui.OrderRef{ID: st.OldestID, Number: st.OldestRef}}
			}
		case "returns":
			o = ui.Open{Route: routeReturns}
		case "counts":
			o = ui.Open{Route: routeCounts}
		}
	case paneExceptions:
		e, ok := s.exception()
		if !ok {
			return nil
		}
		switch {
		case e.Kind == floor.CountReview || e.CountTask != 0:
			o = ui.Open{Route: routeCounts}
		case e.OrderID != 0:
			o = ui.Open{Route: ui.RouteOrder, Arg: ui.OrderRef{ID: e.OrderID, Number: e.Order}}
		case e.RMAID != 0 || e.Kind == floor.Unexpected:
			o = ui.Open{Route: routeReturns}
		case e.RunID != 0:
			o = ui.Open{Route: routeIntake}
		case e.BatchID != 0:
			s.say(fmt.Sprintf("%s: r gives it to another picker, b back to the queue", e.Batch), false)
			return nil
		}
	}
	if o.Route == "" {
		return nil
	}
	return func() tea.Msg { return o }
}

// rows is how many rows the cursor moves over in a pane: in Now, the channels then the stages.
func (s *Screen) rows(p int) int {
	switch p {
	case paneNow:
		return len(s.board.Due) + len(s.board.Stages)
	case panePeople:
		return len(s.board.People)
	}
	return len(s.board.Exceptions)
}

func (s *Screen) dueRow() (floor.Due, bool) {
	if i := s.cur[paneNow]; i < len(s.board.Due) {
		return s.board.Due[i], true
	}
	return floor.Due{}, false
}

func (s *Screen) stageRow() (floor.Stage, bool) {
	if i := s.cur[paneNow] - len(s.board.Due); i >= 0 && i < len(s.board.Stages) {
		return s.board.Stages[i], true
	}
	return floor.Stage{}, false
}

func (s *Screen) person() (floor.Person, bool) {
	if i := s.cur[panePeople]; i < len(s.board.People) {
		return s.board.People[i], true
	}
	return floor.Person{}, false
}

func (s *Screen) exception() (floor.Exception, bool) {
	if i := s.cur[paneExceptions]; i < len(s.board.Exceptions) {
		return s.board.Exceptions[i], true
	}
	return floor.Exception{}, false
}

// ShortHelp is the footer: what the pane's row takes, most important first.
func (s *Screen) ShortHelp() []key.Binding {
	in, d, l, k := s.ctx.Keys.Input, s.ctx.Keys.Dialog, s.ctx.Keys.List, s.ctx.Keys.Supervisor
	switch s.step {
	case stepConfirm:
		return []key.Binding{d.Confirm, d.Cancel}
	case stepInput:
		return []key.Binding{in.Submit, in.Cancel}
	}
	switch s.pane {
	case paneNow:
		return []key.Binding{k.NextPane, k.Wave, k.Hold, k.Priority, l.Open, l.Down, l.Up}
	case panePeople:
		return []key.Binding{k.NextPane, k.Reassign, k.GiveBack, k.Wave, l.Down, l.Up}
	}
	return []key.Binding{k.NextPane, l.Open, k.Approve, k.Reassign, k.GiveBack, k.Priority, l.Down, l.Up}
}

// FullHelp is the help page.
func (s *Screen) FullHelp() [][]key.Binding {
	return [][]key.Binding{s.ctx.Keys.Supervisor.ShortHelp(), s.ctx.Keys.List.ShortHelp(), s.ctx.Keys.Dialog.ShortHelp()}
}
