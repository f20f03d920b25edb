package returns

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"oms/db"
	"oms/db/returns"
	"oms/keymaps"
	"oms/model"
	"oms/tui/ui"
)

// Data is what the desk reads and the commands it gives: db/returns's store.
type Data interface {
	ByScan(ctx context.Context, scan string) (int64, error)
	Find(ctx context.Context, query string) ([]returns.OrderHit, error)
	Order(ctx context.Context, id int64) (returns.Order, error)
	Reasons(ctx context.Context) ([]returns.Reason, error)
	Open(ctx context.Context, key string, req returns.OpenRequest) (returns.RMA, error)
	RMA(ctx context.Context, id int64) (returns.RMA, error)
	ReceiveParcel(ctx context.Context, key string, rma int64, scan string) (returns.Received, error)
	Receive(ctx context.Context, key string, rma int64, scan string, qty int, lot string) (returns.Received, error)
	Inspect(ctx context.Context, key string, g returns.Grading) (returns.Graded, error)
	Quote(ctx context.Context, rma int64) (returns.Quote, error)
	Refund(ctx context.Context, key string, req returns.RefundRequest) (returns.Refunded, error)
	Exchange(ctx context.Context, key string, rma int64) (string, error)
	Count(ctx context.Context, warehouse string) (returns.Counts, error)
	Queue(ctx context.Context, view returns.View, warehouse string, limit int) ([]returns.QueueRow, error)
	OpenUnexpected(ctx context.Context, warehouse string) ([]returns.Unexpected, error)
	RecordUnexpected(ctx context.Context, key, warehouse, scan string, qty int, note string) (int64, error)
	Decide(ctx context.Context, key string, id int64, decision string) error
	Authorize(ctx context.Context, key string, id int64) error
	Cancel(ctx context.Context, key string, id int64, note string) error
	Close(ctx context.Context, key string, id int64, note string) error
}

// Route names the screen.
const Route ui.Route = "returns"

// Jobs are whose work the returns desk is; the database refuses anyone else.
var Jobs = []string{"returns", "supervisor"}

// Def is the screen's entry in the route table.
func Def(data Data) ui.Def {
	return ui.Def{Route: Route, Title: "Returns", Short: "Returns", Jobs: Jobs,
		Key:   func(k *keymaps.KeyMap) key.Binding { return k.Global.Returns },
		Build: func(c *ui.Context, _ any) ui.Component { return New(c, data) }}
}

// queueLimit is how many RMAs of a list the queue shows.
const queueLimit = 50

// Methods are the ways a refund pays, the default first.
var Methods = []string{"original_payment", "store_credit", "cash", "bank_transfer"}

var wishes = []model.RMAWish{model.WishRefund, model.WishExchange, model.WishStoreCredit}

// step is the one prompt the screen waits at.
type step int

const (
	stepQueue         step = iota // the returns queue; the field finds
	stepHits                      // the orders a search found: which one?
	stepOrder                     // an order: its lines and RMAs
	stepForm                      // a new RMA's lines, reasons and wish
	stepFormConfirm               // open it? y
	stepRMA                       // an RMA; the field receives
	stepInspect                   // grade received units
	stepRefund                    // the refund's quote and method
	stepRefundConfirm             // pay it? y
	stepExchange                  // make the replacement order? y
	stepAuthorize                 // authorise the RMA? y (a supervisor)
	stepEnd                       // cancel or close the RMA: its note
	stepEndConfirm                // cancel or close it? y
	stepDecide                    // an unexpected item: which decision?
	stepDecideConfirm             // that decision? y
	stepAside                     // something without an RMA: what, units, note, warehouse
)

// formLine is an order line in the new RMA's form.
type formLine struct {
	line   returns.Line
	qty    int64
	reason int // index in the reasons
}

// Screen is the returns desk.
type Screen struct {
	ctx  *ui.Context
	id   ui.InstanceID
	scan textinput.Model
	step step
	busy bool
	w, h int

	warehouse string

	// The queue.
	view   int // index in returns.Views; len(returns.Views) is the unexpected items
	counts returns.Counts
	rows   []returns.QueueRow
	items  []returns.Unexpected // the undecided unexpected items, on their list
	cur    int                  // the cursor of whichever list the step shows
	stale  bool

	query   string // what was searched
	hits    []returns.OrderHit
	order   *returns.Order
	reasons []returns.Reason
	rma     *returns.RMA

	// The new RMA's form.
	lines []formLine
	wish  int
	cross bool
	row   int // the form's focused row (new RMA, inspection, refund)

	// The inspection's form.
	insLine  int // index in inspectable()
	insQty   string
	grade    int // index in returns.Grades
	disp     int // index in returns.Dispositions
	bin      string
	quote    *returns.Quote
	method   int
	amount   string // a supervisor's amount; empty for the computed
	exchange string // the replacement order made

	note   string
	bad    bool
	misses int
	// After a refusal the field keeps the scan; the next key typed replaces it.
	replace bool

	pendingOpen     openReq
	pendingReceive  receiveReq
	pendingInspect  inspectReq
	pendingRefund   refundReq
	pendingExchange exchangeReq
	pendingDecide   decideReq
	pendingAside    asideReq
	pendingAuth     authReq
	pendingEnd      endReq

	// The unexpected item being decided, and the decisions it may take.
	deciding returns.Unexpected
	choices  []string
	choice   int

	// The put-aside form: what was scanned, units, a note and (without the user's) the warehouse.
	aside asideForm

	endNote string // the note of a cancel or close

	queueF    *ui.Fetcher[returns.View, queued]
	findF     *ui.Fetcher[string, found]
	orderF    *ui.Fetcher[int64, orderRead]
	rmaF      *ui.Fetcher[int64, returns.RMA]
	openF     *ui.Fetcher[openReq, returns.RMA]
	receiveF  *ui.Fetcher[receiveReq, received]
	inspectF  *ui.Fetcher[inspectReq, inspected]
	quoteF    *ui.Fetcher[int64, returns.Quote]
	refundF   *ui.Fetcher[refundReq, refunded]
	exchangeF *ui.Fetcher[exchangeReq, exchanged]
	decideF   *ui.Fetcher[decideReq, struct{}]
	asideF    *ui.Fetcher[asideReq, int64]
	authF     *ui.Fetcher[authReq, returns.RMA]
	endF      *ui.Fetcher[endReq, returns.RMA]
}

type queued struct {
	counts returns.Counts
	rows   []returns.QueueRow
	items  []returns.Unexpected
}

type found struct {
	rma  int64 // the RMA a scan named, or 0
	hits []returns.OrderHit
}

type orderRead struct {
	o       returns.Order
	reasons []returns.Reason
}

type openReq struct {
	key  string
	sig  string // the request as text: a wish is compared by it
	req  returns.OpenRequest
	rmas int // the order's RMAs before it
}

type receiveReq struct {
	key    string
	rma    int64
	scan   string
	qty    int
	parcel bool
}

type received struct {
	r   returns.Received
	rma returns.RMA
}

type inspectReq struct {
	key string
	g   returns.Grading
	sku string
}

type inspected struct {
	g   returns.Graded
	rma returns.RMA
}

type refundReq struct {
	key string
	r   returns.RefundRequest
}

type refunded struct {
	r   returns.Refunded
	rma returns.RMA
}

type exchangeReq struct {
	key string
	rma int64
}

type exchanged struct {
	number string
	rma    returns.RMA
}

// New builds the desk at its queue.
func New(c *ui.Context, data Data) *Screen {
	ti := textinput.New()
	ti.Prompt = "> "
	ti.CharLimit = 128
	ti.Cursor.SetMode(cursor.CursorStatic)
	ti.Focus()
	s := &Screen{ctx: c, id: ui.NewInstanceID(), scan: ti, warehouse: c.User.Warehouse}
	s.queueF = ui.NewFetcher(c, s.id, "returns queue", func(v returns.View) ui.Query[queued] {
		wh := s.warehouse
		return func(ctx context.Context) (queued, error) {
			counts, err := data.Count(ctx, wh)
			if err != nil {
				return queued{}, err
			}
			if v == viewUnexpected {
				items, err := data.OpenUnexpected(ctx, wh)
				return queued{counts: counts, items: items}, err
			}
			rows, err := data.Queue(ctx, v, wh, queueLimit)
			return queued{counts: counts, rows: rows}, err
		}
	})
	s.findF = ui.NewFetcher(c, s.id, "returns find", func(q string) ui.Query[found] {
		return func(ctx context.Context) (found, error) {
			id, err := data.ByScan(ctx, q)
			if err == nil {
				return found{rma: id}, nil
			}
			if !errors.Is(err, returns.ErrNotFound) {
				return found{}, err
			}
			hits, err := data.Find(ctx, q)
			return found{hits: hits}, err
		}
	})
	s.orderF = ui.NewFetcher(c, s.id, "returns order", func(id int64) ui.Query[orderRead] {
		return func(ctx context.Context) (orderRead, error) {
			o, err := data.Order(ctx, id)
			if err != nil {
				return orderRead{}, err
			}
			reasons, err := data.Reasons(ctx)
			return orderRead{o, reasons}, err
		}
	})
	s.rmaF = ui.NewFetcher(c, s.id, "returns rma", func(id int64) ui.Query[returns.RMA] {
		return func(ctx context.Context) (returns.RMA, error) { return data.RMA(ctx, id) }
	})
	s.openF = ui.NewFetcher(c, s.id, "returns open", func(r openReq) ui.Query[returns.RMA] {
		return func(ctx context.Context) (returns.RMA, error) { return data.Open(ctx, r.key, r.req) }
	})
	s.receiveF = ui.NewFetcher(c, s.id, "returns receive", func(r receiveReq) ui.Query[received] {
		return func(ctx context.Context) (received, error) {
			var got returns.Received
			var err error
			if r.parcel {
				got, err = data.ReceiveParcel(ctx, r.key, r.rma, r.scan)
			} else {
				got, err = data.Receive(ctx, r.key, r.rma, r.scan, r.qty, "")
			}
			if err != nil {
				return received{}, err
			}
			rma, err := data.RMA(ctx, r.rma)
			return received{got, rma}, err
		}
	})
	s.inspectF = ui.NewFetcher(c, s.id, "returns inspect", func(r inspectReq) ui.Query[inspected] {
		rmaID := s.rma.ID
		return func(ctx context.Context) (inspected, error) {
			g, err := data.Inspect(ctx, r.key, r.g)
			if err != nil {
				return inspected{}, err
			}
			rma, err := data.RMA(ctx, rmaID)
			return inspected{g, rma}, err
		}
	})
	s.quoteF = ui.NewFetcher(c, s.id, "returns quote", func(id int64) ui.Query[returns.Quote] {
		return func(ctx context.Context) (returns.Quote, error) { return data.Quote(ctx, id) }
	})
	s.refundF = ui.NewFetcher(c, s.id, "returns refund", func(r refundReq) ui.Query[refunded] {
		return func(ctx context.Context) (refunded, error) {
			out, err := data.Refund(ctx, r.key, r.r)
			if err != nil {
				return refunded{}, err
			}
			rma, err := data.RMA(ctx, r.r.RMA)
			return refunded{out, rma}, err
		}
	})
	s.exchangeF = ui.NewFetcher(c, s.id, "returns exchange", func(r exchangeReq) ui.Query[exchanged] {
		return func(ctx context.Context) (exchanged, error) {
			n, err := data.Exchange(ctx, r.key, r.rma)
			if err != nil {
				return exchanged{}, err
			}
			rma, err := data.RMA(ctx, r.rma)
			return exchanged{n, rma}, err
		}
	})
	s.moreFetchers(data)
	s.prompt()
	return s
}

func (s *Screen) ID() ui.InstanceID { return s.id }

// Title is the RMA or order shown, or the desk.
func (s *Screen) Title() string {
	switch {
	case s.rma != nil && s.onRMA():
		return s.rma.Number
	case s.order != nil && s.onOrder():
		return s.order.Number
	}
	return "Returns"
}

func (s *Screen) SetSize(width, height int) {
	s.w, s.h = width, height
	s.prompt()
}

// Init reads the queue.
func (s *Screen) Init() tea.Cmd { return s.refresh() }

// Watches: the desk shows RMAs, their lines and unexpected items.
func (s *Screen) Watches() db.TableSet { return db.SetOf(db.RMAs) }

// Capturing: the field has the keys while it holds text, and so do the forms, lists and
// questions (esc goes back a step there). At an empty field on the queue, an order or an RMA the
// shell's keys come first.
func (s *Screen) Capturing() bool {
	switch s.step {
	case stepHits, stepForm, stepFormConfirm, stepInspect, stepRefund, stepRefundConfirm, stepExchange,
		stepAuthorize, stepEnd, stepEndConfirm, stepDecide, stepDecideConfirm, stepAside:
		return true
	}
	return s.scan.Value() != "" || s.busy
}

// HasUnsavedInput: a scan typed and not submitted, or a form being filled.
func (s *Screen) HasUnsavedInput() bool {
	return strings.TrimSpace(s.scan.Value()) != "" || s.step == stepForm || s.step == stepInspect ||
		s.step == stepAside || s.step == stepEnd && s.endNote != ""
}

func (s *Screen) supervisor() bool { return slices.Contains(s.ctx.Jobs, "supervisor") }

// ShortHelp is the footer: what the step takes, then its keys.
func (s *Screen) ShortHelp() []key.Binding {
	in, rk, l, d := s.ctx.Keys.Input, s.ctx.Keys.Returns, s.ctx.Keys.List, s.ctx.Keys.Dialog
	switch s.step {
	case stepQueue:
		if s.curView() == viewUnexpected {
			return []key.Binding{s.decideHelp(), l.Up, l.Down, rk.Prev, rk.Next, rk.Aside, in.Clear}
		}
		return []key.Binding{in.Submit, l.Up, l.Down, rk.Prev, rk.Next, rk.Aside, in.Clear}
	case stepHits:
		return []key.Binding{in.Submit, l.Up, l.Down, rk.Aside, in.Cancel}
	case stepOrder:
		return []key.Binding{rk.Open, in.Submit, l.Up, l.Down, rk.Queue, rk.Aside, in.Cancel}
	case stepForm, stepInspect, stepRefund:
		return []key.Binding{in.Submit, l.Up, l.Down, rk.Prev, rk.Next, in.Cancel}
	case stepDecide, stepAside, stepEnd:
		return []key.Binding{in.Submit, l.Up, l.Down, in.Cancel}
	case stepFormConfirm, stepRefundConfirm, stepExchange, stepAuthorize, stepEndConfirm, stepDecideConfirm:
		return []key.Binding{d.Confirm, d.Cancel}
	case stepRMA:
		var out []key.Binding
		if s.canInspect() {
			out = append(out, rk.Inspect)
		}
		if s.canRefund() {
			out = append(out, rk.Refund)
		}
		if s.canExchange() {
			out = append(out, rk.Exchange)
		}
		if s.canAuthorize() {
			out = append(out, rk.Authorize)
		}
		out = append(out, in.Submit)
		if s.rma != nil && s.rma.Status.Open() {
			out = append(out, s.endHelp())
		}
		return append(out, rk.Queue, in.Cancel)
	}
	return []key.Binding{in.Submit, in.Clear}
}

// FullHelp is the help page.
func (s *Screen) FullHelp() [][]key.Binding {
	return [][]key.Binding{s.ctx.Keys.Input.ShortHelp(), s.ctx.Keys.Returns.ShortHelp()}
}

// Update takes scans, keys and answers.
func (s *Screen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case ui.Result:
		return s.onResult(msg)
	case tea.KeyMsg:
		return s.onKey(msg)
	case ui.ChangedMsg, ui.ActivatedMsg:
		if s.busy {
			return nil
		}
		return s.refresh()
	}
	return nil
}

// refresh reads again what the step shows: the queue, or the RMA.
func (s *Screen) refresh() tea.Cmd {
	switch s.step {
	case stepQueue:
		return s.queueF.Want(s.curView())
	case stepRMA:
		if s.rma != nil {
			return s.rmaF.Want(s.rma.ID)
		}
	}
	return nil
}

func (s *Screen) onResult(msg ui.Result) tea.Cmd {
	if a, mine, ok, next := s.queueF.Take(msg); mine {
		if ok {
			if a.Err != nil {
				s.stale = true // the rows stay, said to be old
			} else if a.Wish == s.curView() {
				s.stale, s.counts, s.rows, s.items = false, a.Value.counts, a.Value.rows, a.Value.items
				s.cur = min(s.cur, max(s.listLen()-1, 0))
			}
		}
		return next
	}
	if a, mine, ok, next := s.findF.Take(msg); mine {
		if ok {
			return tea.Batch(s.found(a.Value, a.Err), next)
		}
		return next
	}
	if a, mine, ok, next := s.orderF.Take(msg); mine {
		if ok {
			s.orderRead(a.Value, a.Err)
		}
		return next
	}
	if a, mine, ok, next := s.rmaF.Take(msg); mine {
		if ok {
			s.rmaRead(a.Value, a.Err)
		}
		return next
	}
	if a, mine, ok, next := s.openF.Take(msg); mine {
		if ok {
			s.opened(a.Value, a.Err)
		}
		return next
	}
	if a, mine, ok, next := s.receiveF.Take(msg); mine {
		if ok {
			s.received(a.Wish, a.Value, a.Err)
		}
		return next
	}
	if a, mine, ok, next := s.inspectF.Take(msg); mine {
		if ok {
			s.inspected(a.Wish, a.Value, a.Err)
		}
		return next
	}
	if a, mine, ok, next := s.quoteF.Take(msg); mine {
		if ok {
			s.quoted(a.Value, a.Err)
		}
		return next
	}
	if a, mine, ok, next := s.refundF.Take(msg); mine {
		if ok {
			s.refunded(a.Value, a.Err)
		}
		return next
	}
	if a, mine, ok, next := s.exchangeF.Take(msg); mine {
		if ok {
			s.exchanged(a.Value, a.Err)
		}
		return next
	}
	return s.onMoreResult(msg)
}

func (s *Screen) onKey(msg tea.KeyMsg) tea.Cmd {
	in, rk, list := &s.ctx.Keys.Input, &s.ctx.Keys.Returns, &s.ctx.Keys.List
	if s.busy {
		return nil // one command at a time; the field keeps what was scanned
	}
	switch s.step {
	case stepFormConfirm, stepRefundConfirm, stepExchange, stepAuthorize, stepEndConfirm, stepDecideConfirm:
		return s.onConfirmKey(msg)
	case stepForm, stepInspect, stepRefund, stepAside, stepEnd:
		return s.onFormKey(msg)
	case stepDecide:
		return s.onDecideKey(msg)
	}
	arrow := msg.Type != tea.KeyRunes // j/k and the like are typed into the field
	switch {
	case key.Matches(msg, in.Submit):
		return s.submit(strings.TrimSpace(s.scan.Value()))
	case key.Matches(msg, in.Clear):
		s.scan.SetValue("")
		return nil
	case key.Matches(msg, in.Cancel):
		return s.cancel()
	case key.Matches(msg, rk.Queue):
		return s.toQueue()
	case key.Matches(msg, rk.Open):
		return s.startForm()
	case key.Matches(msg, rk.Inspect):
		return s.startInspect()
	case key.Matches(msg, rk.Refund):
		return s.startRefund()
	case key.Matches(msg, rk.Exchange):
		return s.startExchange()
	case key.Matches(msg, rk.Authorize):
		return s.startAuthorize()
	case key.Matches(msg, rk.End):
		return s.startEnd()
	case key.Matches(msg, rk.Aside):
		return s.startAside()
	case arrow && key.Matches(msg, list.Up):
		s.cur = max(s.cur-1, 0)
		return nil
	case arrow && key.Matches(msg, list.Down):
		s.cur = min(s.cur+1, max(s.listLen()-1, 0))
		return nil
	case s.step == stepQueue && s.scan.Value() == "" && key.Matches(msg, rk.Prev):
		return s.switchView(-1)
	case s.step == stepQueue && s.scan.Value() == "" && key.Matches(msg, rk.Next):
		return s.switchView(1)
	}
	if s.replace && (msg.Type == tea.KeyRunes || msg.Paste) {
		s.scan.SetValue("")
	}
	s.replace = false
	var cmd tea.Cmd
	s.scan, cmd = s.scan.Update(msg)
	return cmd
}

// listLen is how many rows the step's list has.
func (s *Screen) listLen() int {
	switch s.step {
	case stepQueue:
		if s.curView() == viewUnexpected {
			return len(s.items)
		}
		return len(s.rows)
	case stepHits:
		return len(s.hits)
	case stepOrder:
		if s.order != nil {
			return len(s.order.RMAs)
		}
	}
	return 0
}

func (s *Screen) switchView(by int) tea.Cmd {
	n := len(returns.Views) + 1 // and the unexpected items
	s.view, s.cur = (s.view+by+n)%n, 0
	s.rows, s.items = nil, nil
	return s.queueF.Want(s.curView())
}

// cancel is esc: back a step; on the queue it clears the field.
func (s *Screen) cancel() tea.Cmd {
	if s.scan.Value() != "" {
		s.scan.SetValue("")
		return nil
	}
	s.note, s.bad = "", false
	switch s.step {
	case stepHits:
		return s.toQueue()
	case stepOrder:
		if len(s.hits) > 1 {
			s.step, s.cur = stepHits, 0
			s.prompt()
			return nil
		}
		return s.toQueue()
	case stepRMA:
		if s.order != nil && s.order.ID == s.rma.OrderID {
			s.step, s.cur = stepOrder, 0
			s.prompt()
			return s.orderF.Want(s.order.ID)
		}
		return s.toQueue()
	}
	return nil
}

func (s *Screen) toQueue() tea.Cmd {
	s.step, s.cur, s.hits = stepQueue, 0, nil
	s.clearNote()
	s.scan.SetValue("")
	s.prompt()
	return s.queueF.Want(s.curView())
}

// submit acts on the field's text at the current prompt.
func (s *Screen) submit(text string) tea.Cmd {
	switch s.step {
	case stepQueue:
		if text == "" && s.curView() == viewUnexpected {
			return s.startDecide()
		}
		if text == "" {
			if s.cur < len(s.rows) {
				return s.openRMA(s.rows[s.cur].ID)
			}
			return nil
		}
		return s.find(text)
	case stepHits:
		if text == "" {
			if s.cur < len(s.hits) {
				return s.openOrder(s.hits[s.cur].ID)
			}
			return nil
		}
		return s.find(text)
	case stepOrder:
		if text == "" {
			if s.order != nil && s.cur < len(s.order.RMAs) {
				return s.openRMA(s.order.RMAs[s.cur].ID)
			}
			return nil
		}
		return s.find(text)
	case stepRMA:
		if text == "" {
			return nil
		}
		return s.receive(text)
	}
	return nil
}

func (s *Screen) find(text string) tea.Cmd {
	s.busy, s.query = true, text
	return s.findF.Want(text)
}

func (s *Screen) openOrder(id int64) tea.Cmd {
	s.busy = true
	return s.orderF.Want(id)
}

func (s *Screen) openRMA(id int64) tea.Cmd {
	s.busy = true
	s.rma = nil
	return s.rmaF.Want(id)
}

func (s *Screen) found(f found, err error) tea.Cmd {
	s.busy = false
	switch {
	case err != nil:
		s.refuse(ui.Explain(err))
		return nil
	case f.rma != 0:
		return s.openRMA(f.rma)
	case len(f.hits) == 1:
		s.hits = f.hits
		return s.openOrder(f.hits[0].ID)
	}
	s.hits, s.cur, s.step = f.hits, 0, stepHits
	s.clearNote()
	s.scan.SetValue("")
	s.prompt()
	return nil
}

func (s *Screen) orderRead(o orderRead, err error) {
	s.busy = false
	if err != nil {
		if s.step == stepOrder && s.order != nil {
			s.stale = true
		}
		s.refuse(ui.Explain(err))
		return
	}
	if s.step != stepOrder {
		s.cur = 0
	}
	s.order, s.reasons, s.step, s.stale = &o.o, o.reasons, stepOrder, false
	s.cur = min(s.cur, max(len(o.o.RMAs)-1, 0))
	if s.note == "" || s.bad {
		s.clearNote()
	}
	s.scan.SetValue("")
	s.prompt()
}

func (s *Screen) rmaRead(r returns.RMA, err error) {
	s.busy = false
	if err != nil {
		if s.step == stepRMA && s.rma != nil {
			s.stale = true // what is shown stays, said to be old
			return
		}
		s.refuse(ui.Explain(err))
		return
	}
	same := s.step == stepRMA && s.rma != nil && s.rma.ID == r.ID
	s.rma, s.step, s.stale = &r, stepRMA, false
	if !same {
		s.clearNote()
		s.scan.SetValue("")
		s.pendingReceive = receiveReq{}
	}
	s.prompt()
}

// startForm opens the new RMA's form on the order shown.
func (s *Screen) startForm() tea.Cmd {
	if s.step != stepOrder || s.order == nil {
		return nil
	}
	s.lines = nil
	for _, l := range s.order.Lines {
		if l.Returnable > 0 {
			s.lines = append(s.lines, formLine{line: l})
		}
	}
	if len(s.lines) == 0 {
		s.refuse(s.order.Number + " has nothing left to return")
		return nil
	}
	if len(s.reasons) == 0 {
		s.refuse("No return reasons are set up")
		return nil
	}
	s.wish, s.cross, s.row, s.step = 0, false, 0, stepForm
	s.clearNote()
	s.prompt()
	return nil
}

func (s *Screen) formRows() int {
	n := len(s.lines) + 1
	if wishes[s.wish] == model.WishExchange {
		n++
	}
	return n
}

// onFormKey edits the form of the step: ↑/↓ rows, ←/→ values, digits and text into the row's
// field, enter goes on, esc back.
func (s *Screen) onFormKey(msg tea.KeyMsg) tea.Cmd {
	in, rk, list := &s.ctx.Keys.Input, &s.ctx.Keys.Returns, &s.ctx.Keys.List
	arrow := msg.Type != tea.KeyRunes
	rows := map[step]int{stepForm: s.formRows(), stepInspect: s.inspectRows(), stepRefund: s.refundRows(),
		stepAside: s.asideRows(), stepEnd: 1}[s.step]
	switch {
	case key.Matches(msg, in.Submit):
		return s.formSubmit()
	case key.Matches(msg, in.Cancel):
		if s.step == stepAside {
			return s.toQueue()
		}
		back := stepOrder
		if s.step != stepForm {
			back = stepRMA
		}
		s.step = back
		s.clearNote()
		s.prompt()
		return nil
	case arrow && key.Matches(msg, list.Up):
		s.row = max(s.row-1, 0)
		return nil
	case arrow && key.Matches(msg, list.Down):
		s.row = min(s.row+1, rows-1)
		return nil
	case key.Matches(msg, rk.Prev):
		s.cycle(-1)
		return nil
	case key.Matches(msg, rk.Next):
		s.cycle(1)
		return nil
	case msg.Type == tea.KeyBackspace:
		s.backspace()
		return nil
	case msg.Type == tea.KeySpace:
		s.typed(" ")
		return nil
	case msg.Type == tea.KeyRunes:
		s.typed(string(msg.Runes))
		return nil
	}
	return nil
}

// cycle moves the focused row's value.
func (s *Screen) cycle(by int) {
	wrap := func(i, n int) int { return (i + by + n) % n }
	switch s.step {
	case stepForm:
		switch {
		case s.row < len(s.lines):
			s.lines[s.row].reason = wrap(s.lines[s.row].reason, len(s.reasons))
		case s.row == len(s.lines):
			s.wish = wrap(s.wish, len(wishes))
			if wishes[s.wish] != model.WishExchange {
				s.cross = false
			}
		default:
			s.cross = !s.cross
		}
	case stepInspect:
		switch s.row {
		case 0:
			if n := len(s.inspectable()); n > 0 {
				s.insLine = wrap(s.insLine, n)
				s.insQty = "1"
			}
		case 2:
			s.grade = wrap(s.grade, len(returns.Grades))
		case 3:
			s.disp = wrap(s.disp, len(returns.Dispositions))
		}
	case stepRefund:
		if s.row == 0 {
			s.method = wrap(s.method, len(Methods))
		}
	}
}

func (s *Screen) backspace() {
	switch s.step {
	case stepAside:
		s.asideBackspace()
	case stepEnd:
		s.endNote = cut(s.endNote)
	case stepForm:
		if s.row < len(s.lines) {
			s.lines[s.row].qty /= 10
		}
	case stepInspect:
		switch s.row {
		case 1:
			s.insQty = cut(s.insQty)
		case 4:
			s.bin = cut(s.bin)
		}
	case stepRefund:
		if s.row == 1 {
			s.amount = cut(s.amount)
		}
	}
}

// cut is v without its last character.
func cut(v string) string {
	if v == "" {
		return v
	}
	r := []rune(v)
	return string(r[:len(r)-1])
}

// typed takes text typed into the focused row: digits for a count, a grade's letter, a bin, an
// amount, a note.
func (s *Screen) typed(text string) {
	switch s.step {
	case stepAside:
		s.asideTyped(text)
	case stepEnd:
		if ui.Width(s.endNote) < noteLimit {
			s.endNote += text
		}
	case stepForm:
		if s.row < len(s.lines) {
			l := &s.lines[s.row]
			for _, r := range text {
				if r < '0' || r > '9' {
					continue
				}
				d := int64(r - '0')
				switch {
				case l.qty*10+d <= l.line.Returnable:
					l.qty = l.qty*10 + d
				case d <= l.line.Returnable:
					l.qty = d
				default:
					s.refuse(fmt.Sprintf("%s: at most %d may come back", l.line.SKU, l.line.Returnable))
					return
				}
			}
			s.clearNote()
		} else if s.row > len(s.lines) && strings.TrimSpace(text) == "" {
			s.cross = !s.cross
		}
	case stepInspect:
		switch s.row {
		case 1:
			for _, r := range text {
				if r >= '0' && r <= '9' && len(s.insQty) < 5 {
					if s.insQty == "0" {
						s.insQty = ""
					}
					s.insQty += string(r)
				}
			}
		case 2:
			if i := slices.Index(returns.Grades, strings.ToUpper(strings.TrimSpace(text))); i >= 0 {
				s.grade = i
			}
		case 4:
			if len(s.bin) < 32 {
				s.bin += strings.ToUpper(text)
			}
		}
	case stepRefund:
		if s.row == 1 && len(s.amount) < 16 {
			s.amount += strings.TrimSpace(text)
		}
	}
}

// formSubmit is enter in a form: the question before the command, or the command.
func (s *Screen) formSubmit() tea.Cmd {
	switch s.step {
	case stepForm:
		n := int64(0)
		for _, l := range s.lines {
			n += l.qty
		}
		if n == 0 {
			s.refuse("Type how many units of a line come back")
			return nil
		}
		s.step = stepFormConfirm
		s.clearNote()
		s.prompt()
	case stepInspect:
		return s.sendInspect()
	case stepAside:
		return s.sendAside()
	case stepEnd:
		s.step = stepEndConfirm
		s.clearNote()
		s.prompt()
	case stepRefund:
		if s.amount != "" {
			if _, err := model.ParseMoney(s.amount, s.quote.Currency); err != nil {
				s.refuse(err.Error())
				return nil
			}
		}
		s.step = stepRefundConfirm
		s.clearNote()
		s.prompt()
	}
	return nil
}

// onConfirmKey answers the step's question.
func (s *Screen) onConfirmKey(msg tea.KeyMsg) tea.Cmd {
	d := &s.ctx.Keys.Dialog
	switch {
	case key.Matches(msg, d.Confirm):
		switch s.step {
		case stepFormConfirm:
			return s.sendOpen()
		case stepRefundConfirm:
			return s.sendRefund()
		case stepExchange:
			return s.sendExchange()
		case stepAuthorize:
			return s.sendAuthorize()
		case stepEndConfirm:
			return s.sendEnd()
		case stepDecideConfirm:
			return s.sendDecide()
		}
	case key.Matches(msg, d.Cancel), key.Matches(msg, s.ctx.Keys.Input.Cancel):
		switch s.step {
		case stepFormConfirm:
			s.step = stepForm
		case stepRefundConfirm:
			s.step = stepRefund
		case stepEndConfirm:
			s.step = stepEnd
		case stepDecideConfirm:
			s.step = stepDecide
		default:
			s.step = stepRMA
		}
		s.clearNote()
		s.prompt()
	}
	return nil
}

// openRequest is the form as a request.
func (s *Screen) openRequest() returns.OpenRequest {
	req := returns.OpenRequest{Order: s.order.ID, Wish: wishes[s.wish], CrossShip: s.cross, Day: s.day()}
	for _, l := range s.lines {
		if l.qty > 0 {
			req.Lines = append(req.Lines, returns.OpenLine{Line: l.line.ID, Qty: l.qty, Reason: s.reasons[l.reason].Code})
		}
	}
	return req
}

func (s *Screen) sendOpen() tea.Cmd {
	req := openReq{key: ui.NewCommandKey("rma-open"), req: s.openRequest(), rmas: len(s.order.RMAs)}
	req.sig = fmt.Sprintf("%+v", req.req)
	if s.pendingOpen.key != "" && s.pendingOpen.sig == req.sig {
		req.key = s.pendingOpen.key
	}
	s.pendingOpen, s.busy = req, true
	return s.openF.Want(req)
}

func (s *Screen) opened(r returns.RMA, err error) {
	s.busy = false
	if err != nil {
		// Still at the question: y again sends the same key.
		s.refuse(ui.Explain(err))
		return
	}
	s.pendingOpen = openReq{}
	s.rma, s.step, s.stale = &r, stepRMA, false
	s.note, s.bad, s.misses = fmt.Sprintf("✓ %s opened: %s", r.Number, r.Status.Label()), false, 0
	if r.Status == model.RMARequested {
		s.note = fmt.Sprintf("✓ %s opened: waits for a supervisor", r.Number)
	}
	s.scan.SetValue("")
	s.prompt()
}

// receive takes a scan on the RMA: its number or return tracking receives the parcel; an
// item, or "3*TEE-1", receives units.
func (s *Screen) receive(text string) tea.Cmd {
	r := s.rma
	req := receiveReq{rma: r.ID, scan: text, qty: 1}
	switch {
	case strings.EqualFold(text, r.Number) || r.Tracking != "" && strings.EqualFold(text, r.Tracking):
		req.parcel = true
	default:
		if n, item, ok := strings.Cut(text, "*"); ok {
			q, err := strconv.Atoi(strings.TrimSpace(n))
			if err != nil || q < 1 || strings.TrimSpace(item) == "" {
				s.refuse("A count is typed as 3*SKU: at least 1, then the item")
				return nil
			}
			req.qty, req.scan = q, strings.TrimSpace(item)
		}
	}
	req.key = ui.NewCommandKey("rma-receive")
	if p := s.pendingReceive; p.key != "" && p.rma == req.rma && p.scan == req.scan && p.qty == req.qty && p.parcel == req.parcel {
		req.key = p.key
	}
	s.pendingReceive, s.busy = req, true
	return s.receiveF.Want(req)
}

func (s *Screen) received(req receiveReq, got received, err error) {
	s.busy = false
	if err != nil {
		s.refuse(ui.Explain(err))
		return
	}
	s.pendingReceive = receiveReq{}
	s.rma, s.stale = &got.rma, false
	s.scan.SetValue("")
	r := got.r
	sku := r.SKU
	if sku == "" {
		sku = strings.ToUpper(req.scan)
	}
	var said []string
	if req.parcel {
		said = append(said, fmt.Sprintf("✓ Parcel received: %s", units(r.Received)))
	} else if r.Received > 0 {
		said = append(said, fmt.Sprintf("✓ %d × %s received", r.Received, sku))
	}
	note := strings.Join(said, "")
	if r.Unexpected == 0 {
		s.note, s.bad = note, false
	}
	if r.Unexpected > 0 {
		onRMA := false
		for _, l := range got.rma.Lines {
			onRMA = onRMA || l.SKU == sku
		}
		why := fmt.Sprintf("%s is not on %s: put aside as unexpected", sku, got.rma.Number)
		if onRMA {
			why = fmt.Sprintf("%d × %s more than %s expects: put aside as unexpected", r.Unexpected, sku, got.rma.Number)
		}
		if note != "" {
			why = note + "; ✗ " + why
		}
		s.warn(why)
		return
	}
	s.misses = 0
}

// inspectable are the RMA's lines with units received and not graded.
func (s *Screen) inspectable() []returns.RMALine {
	if s.rma == nil {
		return nil
	}
	var out []returns.RMALine
	for _, l := range s.rma.Lines {
		if l.Received > l.Inspected {
			out = append(out, l)
		}
	}
	return out
}

func (s *Screen) canInspect() bool { return len(s.inspectable()) > 0 }
func (s *Screen) canRefund() bool  { return s.rma != nil && s.rma.Refund == model.RefundDue }
func (s *Screen) canExchange() bool {
	return s.rma != nil && s.rma.Wish == model.WishExchange && s.rma.Exchange == "" && s.rma.Status.Open()
}

func (s *Screen) inspectRows() int {
	if returns.Dispositions[s.disp] == "restock" {
		return 5
	}
	return 4
}

func (s *Screen) startInspect() tea.Cmd {
	if s.step != stepRMA || s.rma == nil {
		return nil
	}
	if !s.canInspect() {
		s.refuse("Nothing received to inspect: receive the parcel or its items first")
		return nil
	}
	s.step, s.row, s.insLine, s.insQty, s.grade, s.disp, s.bin = stepInspect, 0, 0, "1", 0, 0, ""
	s.clearNote()
	s.prompt()
	return nil
}

func (s *Screen) sendInspect() tea.Cmd {
	lines := s.inspectable()
	if len(lines) == 0 {
		return nil
	}
	l := lines[min(s.insLine, len(lines)-1)]
	qty, err := strconv.Atoi(s.insQty)
	if err != nil || qty < 1 {
		s.refuse("Type how many units are graded alike: at least 1")
		return nil
	}
	if int64(qty) > l.Received-l.Inspected {
		s.refuse(fmt.Sprintf("%s: %d received and not graded", l.SKU, l.Received-l.Inspected))
		return nil
	}
	g := returns.Grading{Line: l.ID, Qty: qty, Grade: returns.Grades[s.grade], Disposition: returns.Dispositions[s.disp]}
	if g.Disposition == "restock" {
		g.Bin = strings.TrimSpace(s.bin)
	}
	req := inspectReq{key: ui.NewCommandKey("rma-inspect"), g: g, sku: l.SKU}
	if s.pendingInspect.key != "" && s.pendingInspect.g == g {
		req.key = s.pendingInspect.key
	}
	s.pendingInspect, s.busy = req, true
	return s.inspectF.Want(req)
}

func (s *Screen) inspected(req inspectReq, got inspected, err error) {
	s.busy = false
	if err != nil {
		s.refuse(ui.Explain(err)) // the form stays as it was
		return
	}
	s.pendingInspect = inspectReq{}
	s.rma, s.stale, s.misses, s.bad = &got.rma, false, 0, false
	s.note = fmt.Sprintf("✓ %d × %s graded %s, %s %s", req.g.Qty, req.sku, req.g.Grade, dispositionDone(req.g.Disposition), got.g.Place)
	s.step = stepRMA
	if s.canInspect() {
		// More to grade: the form again, on the next line.
		s.step, s.row, s.insLine, s.insQty, s.bin = stepInspect, 0, 0, "1", ""
	}
	s.prompt()
}

// dispositionDone says where a disposition sent units: "restocked to".
func dispositionDone(d string) string {
	switch d {
	case "restock":
		return "restocked to"
	case "quarantine":
		return "quarantined at"
	case "refurbish":
		return "to refurbish at"
	case "scrap":
		return "scrapped at"
	case "return_to_vendor":
		return "to return to the vendor at"
	}
	return strings.ReplaceAll(d, "_", " ") + " at"
}

func (s *Screen) refundRows() int {
	if s.supervisor() {
		return 2
	}
	return 1
}

func (s *Screen) startRefund() tea.Cmd {
	if s.step != stepRMA || s.rma == nil {
		return nil
	}
	if !s.canRefund() {
		s.refuse(fmt.Sprintf("%s has nothing to refund: its refund is %s", s.rma.Number, s.rma.Refund.Label()))
		return nil
	}
	s.busy = true
	return s.quoteF.Want(s.rma.ID)
}

func (s *Screen) quoted(q returns.Quote, err error) {
	s.busy = false
	if err != nil {
		s.refuse(ui.Explain(err))
		return
	}
	s.quote, s.step, s.row, s.amount, s.method = &q, stepRefund, 0, "", 0
	if s.rma.Wish == model.WishStoreCredit {
		s.method = slices.Index(Methods, "store_credit")
	}
	s.clearNote()
	s.prompt()
}

func (s *Screen) refundRequest() returns.RefundRequest {
	r := returns.RefundRequest{RMA: s.rma.ID, Method: Methods[s.method]}
	if s.amount != "" && s.supervisor() {
		if m, err := model.ParseMoney(s.amount, s.quote.Currency); err == nil {
			r.Amount = m.Minor
		}
	}
	return r
}

func (s *Screen) sendRefund() tea.Cmd {
	req := refundReq{key: ui.NewCommandKey("rma-refund"), r: s.refundRequest()}
	if s.pendingRefund.key != "" && s.pendingRefund.r == req.r {
		req.key = s.pendingRefund.key
	}
	s.pendingRefund, s.busy = req, true
	return s.refundF.Want(req)
}

func (s *Screen) refunded(got refunded, err error) {
	s.busy = false
	if err != nil {
		s.refuse(ui.Explain(err))
		if !ui.IsConnectionError(err) {
			// Refused (an amount beyond the raise): back to the form as it was typed.
			s.step, s.pendingRefund = stepRefund, refundReq{}
			if s.amount != "" {
				s.row = 1
			}
			s.prompt()
		} // otherwise still at the question: y again sends the same key
		return
	}
	s.pendingRefund = refundReq{}
	s.rma, s.step, s.quote, s.stale, s.misses, s.bad = &got.rma, stepRMA, nil, false, 0, false
	s.note = "✓ Refunded " + money(got.r.Amount, got.r.Currency)
	switch len(got.r.CreditNotes) {
	case 0:
		s.note += ", no invoice to credit"
	case 1:
		s.note += ", credit note " + got.r.CreditNotes[0]
	default:
		s.note += ", credit notes " + strings.Join(got.r.CreditNotes, ", ")
	}
	s.prompt()
}

func (s *Screen) startExchange() tea.Cmd {
	if s.step != stepRMA || s.rma == nil {
		return nil
	}
	if !s.canExchange() {
		s.refuse(fmt.Sprintf("%s is not an open exchange without a replacement", s.rma.Number))
		return nil
	}
	s.step = stepExchange
	s.clearNote()
	s.prompt()
	return nil
}

func (s *Screen) sendExchange() tea.Cmd {
	req := exchangeReq{key: ui.NewCommandKey("rma-exchange"), rma: s.rma.ID}
	if s.pendingExchange.key != "" && s.pendingExchange.rma == req.rma {
		req.key = s.pendingExchange.key
	}
	s.pendingExchange, s.busy = req, true
	return s.exchangeF.Want(req)
}

func (s *Screen) exchanged(got exchanged, err error) {
	s.busy = false
	if err != nil {
		s.refuse(ui.Explain(err))
		return
	}
	s.pendingExchange = exchangeReq{}
	s.rma, s.step, s.stale, s.misses, s.bad = &got.rma, stepRMA, false, 0, false
	s.note = "✓ Replacement order " + got.number + " made"
	s.prompt()
}

// refuse shows why a scan or command was refused: the field keeps the scan.
func (s *Screen) refuse(why string) {
	s.replace = true
	s.warn(why)
}

// warn shows a refusal or a unit put aside: ✗ and the bell. The same sentence again counts
// (×2), so its line differs and rings again.
func (s *Screen) warn(why string) {
	if why != s.note || !s.bad {
		s.misses = 0
	}
	s.note, s.bad = why, true
	s.misses++
}

func (s *Screen) clearNote() { s.note, s.bad, s.misses = "", false, 0 }

// prompt sets the field's placeholder for the current step.
func (s *Screen) prompt() {
	narrow := s.w > 0 && s.w < 40
	switch s.step {
	case stepQueue, stepHits, stepOrder:
		s.scan.Placeholder = "slip, RMA, parcel, order, e-mail, name"
		if s.w > 0 && s.w < 80 {
			s.scan.Placeholder = "scan, order, e-mail or name"
		}
		if narrow {
			s.scan.Placeholder = "scan or name"
		}
	case stepRMA:
		s.scan.Placeholder = "parcel label, or item (3*SKU)"
		if narrow {
			s.scan.Placeholder = "parcel or item"
		}
	default:
		s.scan.Placeholder = ""
	}
}

// day is today at midnight, as return labels are dated.
func (s *Screen) day() time.Time {
	y, m, d := s.ctx.Clock().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func units(n int64) string {
	if n == 1 {
		return "1 unit"
	}
	return strconv.FormatInt(n, 10) + " units"
}

func money(minor int64, currency string) string {
	return model.Money{Minor: minor, Currency: model.Currency(currency)}.FormatGrouped() + " " + currency
}

// keyName is a binding's first key as a short hint says it: "^o".
func keyName(b key.Binding) string {
	keys := b.Keys()
	if len(keys) == 0 {
		return ""
	}
	return strings.Replace(keys[0], "ctrl+", "^", 1)
}
