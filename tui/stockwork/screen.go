package stockwork

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
	dbinbound "oms/db/inbound"
	dbreplenish "oms/db/replenish"
	"oms/keymaps"
	"oms/model"
	"oms/tui/ui"
)

// Data is what the screen reads and the commands it gives: db/inbound's store for receiving,
// putaway and moves, db/replenish's for replenishment tasks (Stores joins them).
type Data interface {
	PO(ctx context.Context, number string) (dbinbound.PO, error)
	ASN(ctx context.Context, scan string) (dbinbound.ASN, error)
	ReceiveASN(ctx context.Context, key, scan string) (dbinbound.ReceivedASN, error)
	Item(ctx context.Context, scan string) (dbinbound.Item, error)
	Lot(ctx context.Context, product int64, code string) (dbinbound.Lot, error)
	Receive(ctx context.Context, key string, r dbinbound.Receipt) (dbinbound.Received, error)
	Waiting(ctx context.Context, warehouse string) ([]dbinbound.Holding, error)
	Place(ctx context.Context, warehouse, scan string) (dbinbound.Place, error)
	SuggestPutaway(ctx context.Context, warehouse, scan string) (dbinbound.Suggestion, error)
	Putaway(ctx context.Context, key string, m dbinbound.Move) (dbinbound.Moved, error)
	MoveStock(ctx context.Context, key string, m dbinbound.Move) (dbinbound.Moved, error)
	Claim(ctx context.Context, key, warehouse string) (dbreplenish.Task, error)
	Confirm(ctx context.Context, key string, c dbreplenish.Confirm) (dbreplenish.Task, error)
	Cancel(ctx context.Context, key string, task int64) (dbreplenish.Task, error)
}

// Stores joins inbound's and replenishment's stores into the screen's Data.
type Stores struct {
	*dbinbound.Store
	Replenish *dbreplenish.Store
}

// Claim claims the next replenishment task (db/replenish).
func (s Stores) Claim(ctx context.Context, key, warehouse string) (dbreplenish.Task, error) {
	return s.Replenish.Claim(ctx, key, warehouse)
}

// Confirm confirms a replenishment task (db/replenish).
func (s Stores) Confirm(ctx context.Context, key string, c dbreplenish.Confirm) (dbreplenish.Task, error) {
	return s.Replenish.Confirm(ctx, key, c)
}

// Cancel cancels a replenishment task (db/replenish).
func (s Stores) Cancel(ctx context.Context, key string, task int64) (dbreplenish.Task, error) {
	return s.Replenish.Cancel(ctx, key, task)
}

// Route names the screen.
const Route ui.Route = "stockwork"

// Jobs are whose work receiving and moving stock is; the database refuses anyone else.
var Jobs = []string{"stock", "supervisor"}

// Title is the screen's name in the menu and its header.
const Title = "Receiving & moves"

// Def is the screen's entry in the route table: from the menu, no jump key.
func Def(data Data) ui.Def {
	return ui.Def{Route: Route, Title: Title, Short: "Stock", Jobs: Jobs,
		Key:   func(*keymaps.KeyMap) key.Binding { return key.NewBinding() },
		Build: func(c *ui.Context, _ any) ui.Component { return New(c, data) }}
}

// maxUnits is the most one scan ("n*SKU") or typed count may take.
const maxUnits = 100000

// job is one of the four jobs of the first menu.
type job int

const (
	jobReceive job = iota
	jobPutaway
	jobMove
	jobReplenish
)

// jobs are the menu's names, wide and narrow.
var jobs = []struct{ wide, narrow string }{
	{"Receive against a PO", "Receive"},
	{"Put away", "Put away"},
	{"Move stock", "Move"},
	{"Replenish pick bins", "Replenish"},
}

// step is the one prompt the screen waits at.
type step int

const (
	stepWarehouse step = iota // the login has no warehouse: which one?
	stepMenu                  // which job: 1–4
	// Receiving against a PO.
	stepPO          // scan or type the PO's number
	stepRecvItem    // scan each item, n*SKU, or a count
	stepRecvLot     // the lot of a lot-tracked item just scanned
	stepRecvExpiry  // the expiry of a new lot of an expiry-tracked item
	stepRecvConfirm // receive what was scanned? y/n
	stepRecvASN     // receive the supplier's notice as announced? y/n
	// Putaway.
	stepPutItem  // scan an item waiting at receiving
	stepPutLot   // which of its lots waiting
	stepPutBin   // the suggested bin, large: scan it
	stepPutOther // another bin than the suggested one? y/n
	stepPutQty   // how many (enter: all waiting)
	// Moves.
	stepMoveFrom // scan the bin to move from
	stepMoveItem // scan an item it holds
	stepMoveLot  // which of its lots
	stepMoveQty  // how many (enter: all)
	stepMoveTo   // scan the bin to move to
	// Replenishment.
	stepRepClaim   // enter claims the next task
	stepRepFrom    // the reserve bin, large: scan it
	stepRepTo      // the pick bin, large: scan it
	stepRepConfirm // move the task's units? y/n
	stepRepCancel  // cancel the task? y/n
)

// recvLine is units scanned of one product (and lot), good or damaged, not received yet. Its
// key is made when the receipt is asked and kept while the line stays the same, so a receipt
// sent again after a time-out is received once.
type recvLine struct {
	item    dbinbound.Item
	lot     string
	expires time.Time
	damaged bool
	qty     int64
	key     string
	sig     string
}

// receipt is the line as the command takes it.
func (l recvLine) receipt(po string) dbinbound.Receipt {
	return dbinbound.Receipt{PO: po, Scan: l.item.SKU, Qty: int(l.qty), Lot: l.lot, Expires: l.expires, Damaged: l.damaged}
}

// scanned is one scan, kept so it can be taken back or marked damaged.
type scanned struct {
	line int // index in lines
	qty  int64
}

// Screen is the receiving and moves screen.
type Screen struct {
	ctx  *ui.Context
	id   ui.InstanceID
	scan textinput.Model
	step step
	job  job
	cur  int // the menu's cursor
	busy bool
	w, h int

	warehouse string

	// Receiving: the PO, what was scanned and not received, the item waiting for its lot or
	// expiry and how many units its scan counted.
	po       *dbinbound.PO
	poAsked  string // the number scanned at the PO prompt
	lines    []recvLine
	scans    []scanned
	lotItem  dbinbound.Item
	lotQty   int64
	lotCode  string
	received []string // what the receipt being sent took in so far
	// The supplier's notice the PO scan named (nil for a plain PO number), and the key of its
	// receipt, made when it is asked and kept for the same notice.
	asn     *dbinbound.ASN
	asnKey  string
	asnMine int64 // the notice this screen received

	// Putaway: what waits at receiving, the item chosen, where from, the suggestion and the
	// bin scanned.
	waiting  []dbinbound.Holding
	putItem  dbinbound.Item
	putFrom  dbinbound.Holding
	putLots  []dbinbound.Holding // the lots of the item waiting, when more than one
	suggest  dbinbound.Suggestion
	suggestE string // why there is no suggestion
	putBin   string

	// Moves: the bin moved from (and what it holds), the item, lot and units.
	from     dbinbound.Place
	moveItem dbinbound.Item
	moveLot  string
	moveHas  int64 // what the bin holds of the item (and lot)
	moveQty  int

	// Replenishment: the claimed task.
	task *dbreplenish.Task

	stale  bool
	note   string
	bad    bool
	misses int
	// After a refusal the field keeps the scan for the person to read; the next key typed or
	// scanned replaces it rather than adding to it.
	replace bool

	// A command whose answer was lost keeps its key for the same request: answering the same
	// again sends the same key, which the database applies at most once.
	pendingPut     moveReq
	pendingMove    moveReq
	claimKey       string
	pendingConfirm confirmReq
	pendingCancel  cancelReq

	poF      *ui.Fetcher[string, dbinbound.PO]
	asnF     *ui.Fetcher[string, dbinbound.ASN]
	asnRecvF *ui.Fetcher[asnReq, dbinbound.ReceivedASN]
	itemF    *ui.Fetcher[itemReq, dbinbound.Item]
	lotF     *ui.Fetcher[string, dbinbound.Lot]
	recvF    *ui.Fetcher[recvReq, dbinbound.Received]
	waitF    *ui.Fetcher[struct{}, []dbinbound.Holding]
	placeF   *ui.Fetcher[string, dbinbound.Place]
	suggestF *ui.Fetcher[string, dbinbound.Suggestion]
	putF     *ui.Fetcher[moveReq, dbinbound.Moved]
	moveF    *ui.Fetcher[moveReq, dbinbound.Moved]
	claimF   *ui.Fetcher[string, dbreplenish.Task]
	confirmF *ui.Fetcher[confirmReq, dbreplenish.Task]
	cancelF  *ui.Fetcher[cancelReq, dbreplenish.Task]
}

type itemReq struct {
	scan string
	qty  int64
	// From a GS1 label: the lot and expiry it prints.
	lot     string
	expires time.Time
	// At putaway: the receiving location scanned, whose first item is meant.
	place string
}

type asnReq struct {
	key  string
	scan string
}

type recvReq struct {
	key  string
	line int
	r    dbinbound.Receipt
}

type moveReq struct {
	key string
	sig string
	m   dbinbound.Move
}

type confirmReq struct {
	key string
	sig string
	c   dbreplenish.Confirm
}

type cancelReq struct {
	key  string
	task int64
}

// New builds the screen at its first menu.
func New(c *ui.Context, data Data) *Screen {
	ti := textinput.New()
	ti.Prompt = "> "
	ti.CharLimit = 128
	ti.Cursor.SetMode(cursor.CursorStatic)
	ti.Focus()
	s := &Screen{ctx: c, id: ui.NewInstanceID(), scan: ti, warehouse: c.User.Warehouse, step: stepMenu}
	if s.warehouse == "" {
		s.step = stepWarehouse
	}
	s.poF = ui.NewFetcher(c, s.id, "stock PO", func(number string) ui.Query[dbinbound.PO] {
		return func(ctx context.Context) (dbinbound.PO, error) { return data.PO(ctx, number) }
	})
	s.asnF = ui.NewFetcher(c, s.id, "stock notice", func(scan string) ui.Query[dbinbound.ASN] {
		return func(ctx context.Context) (dbinbound.ASN, error) { return data.ASN(ctx, scan) }
	})
	s.asnRecvF = ui.NewFetcher(c, s.id, "stock receive notice", func(r asnReq) ui.Query[dbinbound.ReceivedASN] {
		return func(ctx context.Context) (dbinbound.ReceivedASN, error) { return data.ReceiveASN(ctx, r.key, r.scan) }
	})
	s.itemF = ui.NewFetcher(c, s.id, "stock item", func(r itemReq) ui.Query[dbinbound.Item] {
		return func(ctx context.Context) (dbinbound.Item, error) { return data.Item(ctx, r.scan) }
	})
	s.lotF = ui.NewFetcher(c, s.id, "stock lot", func(code string) ui.Query[dbinbound.Lot] {
		product := s.lotItem.Product
		return func(ctx context.Context) (dbinbound.Lot, error) { return data.Lot(ctx, product, code) }
	})
	s.recvF = ui.NewFetcher(c, s.id, "stock receive", func(r recvReq) ui.Query[dbinbound.Received] {
		return func(ctx context.Context) (dbinbound.Received, error) { return data.Receive(ctx, r.key, r.r) }
	})
	s.waitF = ui.NewFetcher(c, s.id, "stock waiting", func(struct{}) ui.Query[[]dbinbound.Holding] {
		wh := s.warehouse
		return func(ctx context.Context) ([]dbinbound.Holding, error) { return data.Waiting(ctx, wh) }
	})
	s.placeF = ui.NewFetcher(c, s.id, "stock place", func(scan string) ui.Query[dbinbound.Place] {
		wh := s.warehouse
		return func(ctx context.Context) (dbinbound.Place, error) { return data.Place(ctx, wh, scan) }
	})
	s.suggestF = ui.NewFetcher(c, s.id, "stock putaway suggestion", func(sku string) ui.Query[dbinbound.Suggestion] {
		wh := s.warehouse
		return func(ctx context.Context) (dbinbound.Suggestion, error) { return data.SuggestPutaway(ctx, wh, sku) }
	})
	s.putF = ui.NewFetcher(c, s.id, "stock putaway", func(r moveReq) ui.Query[dbinbound.Moved] {
		return func(ctx context.Context) (dbinbound.Moved, error) { return data.Putaway(ctx, r.key, r.m) }
	})
	s.moveF = ui.NewFetcher(c, s.id, "stock move", func(r moveReq) ui.Query[dbinbound.Moved] {
		return func(ctx context.Context) (dbinbound.Moved, error) { return data.MoveStock(ctx, r.key, r.m) }
	})
	s.claimF = ui.NewFetcher(c, s.id, "replenish claim", func(k string) ui.Query[dbreplenish.Task] {
		wh := s.warehouse
		return func(ctx context.Context) (dbreplenish.Task, error) { return data.Claim(ctx, k, wh) }
	})
	s.confirmF = ui.NewFetcher(c, s.id, "replenish confirm", func(r confirmReq) ui.Query[dbreplenish.Task] {
		return func(ctx context.Context) (dbreplenish.Task, error) { return data.Confirm(ctx, r.key, r.c) }
	})
	s.cancelF = ui.NewFetcher(c, s.id, "replenish cancel", func(r cancelReq) ui.Query[dbreplenish.Task] {
		return func(ctx context.Context) (dbreplenish.Task, error) { return data.Cancel(ctx, r.key, r.task) }
	})
	s.prompt()
	return s
}

func (s *Screen) ID() ui.InstanceID { return s.id }
func (s *Screen) Title() string     { return Title }
func (s *Screen) Init() tea.Cmd     { return nil }

func (s *Screen) SetSize(width, height int) {
	s.w, s.h = width, height
	s.prompt()
}

// Watches: the screen shows stock (what waits at receiving, what a PO received).
func (s *Screen) Watches() db.TableSet { return db.SetOf(db.Stock) }

// Capturing: inside a job every key is the screen's (esc goes back a step, to the menu at
// last); at the menu (and the empty warehouse prompt) the shell's keys come first, so esc
// leaves the screen.
func (s *Screen) Capturing() bool {
	if s.busy {
		return true
	}
	switch s.step {
	case stepMenu:
		return false
	case stepWarehouse:
		return s.scan.Value() != ""
	}
	return true
}

// HasUnsavedInput: a scan typed and not submitted, or units scanned and not received.
func (s *Screen) HasUnsavedInput() bool {
	return strings.TrimSpace(s.scan.Value()) != "" || len(s.lines) > 0
}

// ShortHelp is the footer: what the step takes, then its keys.
func (s *Screen) ShortHelp() []key.Binding {
	in, sk, l, d := s.ctx.Keys.Input, s.ctx.Keys.Stockwork, s.ctx.Keys.List, s.ctx.Keys.Dialog
	switch s.step {
	case stepMenu:
		return []key.Binding{l.Open, l.Up, l.Down}
	case stepRecvItem:
		if s.asn != nil && s.asn.ReceivedAt == nil {
			return []key.Binding{sk.Notice, sk.Finish, in.Submit, sk.Damaged, sk.Undo, in.Cancel}
		}
		return []key.Binding{sk.Finish, in.Submit, sk.Damaged, sk.Undo, in.Cancel}
	case stepRecvConfirm, stepRecvASN, stepPutOther, stepRepConfirm, stepRepCancel:
		return []key.Binding{d.Confirm, d.Cancel}
	case stepRepFrom, stepRepTo:
		return []key.Binding{in.Submit, sk.Cancel, in.Cancel}
	}
	return []key.Binding{in.Submit, in.Cancel, in.Clear}
}

// FullHelp is the help page.
func (s *Screen) FullHelp() [][]key.Binding {
	return [][]key.Binding{s.ctx.Keys.Input.ShortHelp(), s.ctx.Keys.Stockwork.ShortHelp(), s.ctx.Keys.Dialog.ShortHelp()}
}

// Update takes scans, keys and answers.
func (s *Screen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case ui.Result:
		return s.onResult(msg)
	case tea.KeyMsg:
		return s.onKey(msg)
	case ui.ChangedMsg, ui.ActivatedMsg:
		return s.refresh()
	}
	return nil
}

// refresh reads again what the step shows: the PO, or what waits at receiving.
func (s *Screen) refresh() tea.Cmd {
	switch {
	case s.job == jobReceive && s.po != nil && s.step >= stepRecvItem && s.step <= stepRecvASN:
		return s.poF.Want(s.po.Number)
	case s.step == stepPutItem:
		return s.waitF.Want(struct{}{})
	}
	return nil
}

func (s *Screen) onResult(msg ui.Result) tea.Cmd {
	if a, mine, ok, next := s.poF.Take(msg); mine {
		if ok {
			return tea.Batch(s.poRead(a.Wish, a.Value, a.Err), next)
		}
		return next
	}
	if a, mine, ok, next := s.asnF.Take(msg); mine {
		if ok {
			s.asnRead(a.Value, a.Err)
		}
		return next
	}
	if a, mine, ok, next := s.asnRecvF.Take(msg); mine {
		if ok {
			return tea.Batch(s.asnReceived(a.Value, a.Err), next)
		}
		return next
	}
	if a, mine, ok, next := s.itemF.Take(msg); mine {
		if ok {
			return tea.Batch(s.itemFound(a.Wish, a.Value, a.Err), next)
		}
		return next
	}
	if a, mine, ok, next := s.lotF.Take(msg); mine {
		if ok {
			s.lotRead(a.Wish, a.Value, a.Err)
		}
		return next
	}
	if a, mine, ok, next := s.recvF.Take(msg); mine {
		if ok {
			return tea.Batch(s.receivedLine(a.Wish, a.Value, a.Err), next)
		}
		return next
	}
	if a, mine, ok, next := s.waitF.Take(msg); mine {
		if ok {
			if a.Err != nil {
				s.stale = true // the rows stay, said to be old
			} else {
				s.stale, s.waiting = false, a.Value
			}
		}
		return next
	}
	if a, mine, ok, next := s.placeF.Take(msg); mine {
		if ok {
			return tea.Batch(s.placeRead(a.Wish, a.Value, a.Err), next)
		}
		return next
	}
	if a, mine, ok, next := s.suggestF.Take(msg); mine {
		if ok {
			s.suggested(a.Value, a.Err)
		}
		return next
	}
	if a, mine, ok, next := s.putF.Take(msg); mine {
		if ok {
			return tea.Batch(s.putAway(a.Wish, a.Value, a.Err), next)
		}
		return next
	}
	if a, mine, ok, next := s.moveF.Take(msg); mine {
		if ok {
			s.moved(a.Value, a.Err)
		}
		return next
	}
	if a, mine, ok, next := s.claimF.Take(msg); mine {
		if ok {
			s.claimed(a.Value, a.Err)
		}
		return next
	}
	if a, mine, ok, next := s.confirmF.Take(msg); mine {
		if ok {
			s.confirmed(a.Value, a.Err)
		}
		return next
	}
	if a, mine, ok, next := s.cancelF.Take(msg); mine {
		if ok {
			s.cancelled(a.Value, a.Err)
		}
		return next
	}
	return nil
}

func (s *Screen) onKey(msg tea.KeyMsg) tea.Cmd {
	in, sk := &s.ctx.Keys.Input, &s.ctx.Keys.Stockwork
	if s.busy {
		return nil // one command at a time; the field keeps what was scanned
	}
	switch s.step {
	case stepMenu:
		return s.onMenuKey(msg)
	case stepRecvConfirm, stepRecvASN, stepPutOther, stepRepConfirm, stepRepCancel:
		return s.onConfirmKey(msg)
	}
	switch {
	case key.Matches(msg, in.Submit):
		return s.submit(strings.TrimSpace(s.scan.Value()))
	case key.Matches(msg, in.Clear):
		s.scan.SetValue("")
		return nil
	case key.Matches(msg, in.Cancel):
		return s.cancel()
	case key.Matches(msg, sk.Finish):
		s.startReceive()
		return nil
	case key.Matches(msg, sk.Notice):
		return s.askASN()
	case key.Matches(msg, sk.Undo):
		s.undo()
		return nil
	case key.Matches(msg, sk.Damaged):
		s.markDamaged()
		return nil
	case key.Matches(msg, sk.Cancel):
		s.askCancel()
		return nil
	}
	if s.replace && (msg.Type == tea.KeyRunes || msg.Paste) {
		s.scan.SetValue("")
	}
	s.replace = false
	var cmd tea.Cmd
	s.scan, cmd = s.scan.Update(msg)
	return cmd
}

func (s *Screen) onMenuKey(msg tea.KeyMsg) tea.Cmd {
	l := &s.ctx.Keys.List
	switch {
	case key.Matches(msg, l.Up):
		s.cur = max(s.cur-1, 0)
	case key.Matches(msg, l.Down):
		s.cur = min(s.cur+1, len(jobs)-1)
	case key.Matches(msg, l.Open):
		return s.start(job(s.cur))
	case msg.Type == tea.KeyRunes && len(msg.Runes) == 1 && msg.Runes[0] >= '1' && int(msg.Runes[0]-'0') <= len(jobs):
		s.cur = int(msg.Runes[0] - '1')
		return s.start(job(s.cur))
	}
	return nil
}

// start begins a job at its first prompt.
func (s *Screen) start(j job) tea.Cmd {
	s.job, s.note, s.bad, s.misses, s.stale = j, "", false, 0, false
	s.scan.SetValue("")
	switch j {
	case jobReceive:
		s.po, s.lines, s.scans, s.asn = nil, nil, nil, nil
		s.step = stepPO
	case jobPutaway:
		s.step = stepPutItem
		s.prompt()
		return s.waitF.Want(struct{}{})
	case jobMove:
		s.step = stepMoveFrom
	case jobReplenish:
		s.task, s.claimKey = nil, ""
		s.step = stepRepClaim
	}
	s.prompt()
	return nil
}

// toMenu goes back to the first menu.
func (s *Screen) toMenu() {
	s.step, s.stale, s.task = stepMenu, false, nil
	s.scan.SetValue("")
	s.prompt()
}

// cancel is esc at a field: it clears the field, or goes back a step.
func (s *Screen) cancel() tea.Cmd {
	if s.scan.Value() != "" {
		s.scan.SetValue("")
		return nil
	}
	s.note, s.bad = "", false
	switch s.step {
	case stepWarehouse:
		return nil
	case stepPO, stepPutItem, stepMoveFrom, stepRepClaim, stepRepFrom:
		s.toMenu()
		return nil
	case stepRecvItem:
		if len(s.lines) > 0 {
			s.refuse("Receive what was scanned first (ctrl+s), or take it back (ctrl+z)")
			return nil
		}
		s.po, s.asn, s.step = nil, nil, stepPO
	case stepRecvLot, stepRecvExpiry:
		s.step = stepRecvItem
	case stepPutLot, stepPutBin, stepPutQty:
		s.step = stepPutItem
		s.prompt()
		return s.waitF.Want(struct{}{})
	case stepMoveItem:
		s.step = stepMoveFrom
	case stepMoveLot, stepMoveQty, stepMoveTo:
		s.step = stepMoveItem
	case stepRepTo:
		s.step = stepRepFrom
	}
	s.prompt()
	return nil
}

func (s *Screen) onConfirmKey(msg tea.KeyMsg) tea.Cmd {
	d := &s.ctx.Keys.Dialog
	switch {
	case key.Matches(msg, d.Confirm):
		switch s.step {
		case stepRecvConfirm:
			return s.sendReceipt()
		case stepRecvASN:
			s.busy = true
			return s.asnRecvF.Want(asnReq{key: s.asnKey, scan: s.asn.Number})
		case stepPutOther:
			s.step, s.note, s.bad = stepPutQty, "", false
			s.toQty()
		case stepRepConfirm:
			s.busy = true
			return s.confirmF.Want(s.pendingConfirm)
		case stepRepCancel:
			s.busy = true
			return s.cancelF.Want(s.pendingCancel)
		}
	case key.Matches(msg, d.Cancel):
		s.note, s.bad = "", false
		switch s.step {
		case stepRecvConfirm, stepRecvASN:
			s.step = stepRecvItem
		case stepPutOther:
			s.step, s.putBin = stepPutBin, ""
		case stepRepConfirm:
			s.step = stepRepTo
		case stepRepCancel:
			s.step = stepRepFrom
		}
		s.prompt()
	}
	return nil
}

// submit acts on the field's text at the current prompt.
func (s *Screen) submit(text string) tea.Cmd {
	switch s.step {
	case stepWarehouse:
		if text == "" {
			return nil
		}
		s.warehouse = strings.ToUpper(text)
		s.scan.SetValue("")
		s.toMenu()
	case stepPO:
		if text == "" {
			return nil
		}
		s.busy, s.note, s.bad, s.poAsked = true, "", false, text
		return s.poF.Want(text) // the number as scanned: db/inbound reads it
	case stepRecvItem:
		return s.scanReceived(text)
	case stepRecvLot:
		if text == "" {
			return nil
		}
		s.busy, s.lotCode = true, text
		return s.lotF.Want(text)
	case stepRecvExpiry:
		return s.expiry(text)
	case stepPutItem, stepMoveItem:
		if text == "" {
			return nil
		}
		req := itemReq{scan: text, qty: 1}
		if s.step == stepPutItem {
			// The receiving location's own scan: the first item waiting there.
			if i := slices.IndexFunc(s.waiting, func(h dbinbound.Holding) bool { return strings.EqualFold(h.Place, text) }); i >= 0 {
				req = itemReq{scan: s.waiting[i].SKU, qty: 1, place: s.waiting[i].Place}
			}
		}
		s.busy = true
		return s.itemF.Want(req)
	case stepPutLot:
		return s.putLot(text)
	case stepPutBin, stepMoveFrom, stepMoveTo:
		if text == "" {
			return nil
		}
		s.busy = true
		return s.placeF.Want(text)
	case stepPutQty:
		return s.askPut(text)
	case stepMoveLot:
		return s.moveLotChosen(text)
	case stepMoveQty:
		return s.moveQtyChosen(text)
	case stepRepClaim:
		if s.claimKey == "" {
			s.claimKey = ui.NewCommandKey("replenish-claim")
		}
		s.busy, s.note, s.bad = true, "", false
		return s.claimF.Want(s.claimKey)
	case stepRepFrom:
		return s.scanRepBin(text, s.task.From, s.task.FromBarcode, stepRepTo)
	case stepRepTo:
		return s.scanRepBin(text, s.task.To, s.task.ToBarcode, stepRepConfirm)
	}
	return nil
}

// explain is the sentence of a refusal: the database's own, without the "nothing found" a
// store puts before a name that names nothing.
func explain(err error) string {
	if errors.Is(err, dbinbound.ErrNotFound) || errors.Is(err, dbreplenish.ErrNotFound) {
		msg := err.Error()
		for _, p := range []string{dbinbound.ErrNotFound.Error() + ": ", dbreplenish.ErrNotFound.Error() + ": "} {
			msg = strings.TrimPrefix(msg, p)
		}
		return msg
	}
	return ui.Explain(err)
}

// lost says whether a command's answer may have been lost on the way (it may have committed).
func lost(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) || ui.IsConnectionError(err)
}

// ───────────────────────────── receiving ─────────────────────────────

func (s *Screen) poRead(number string, po dbinbound.PO, err error) tea.Cmd {
	if s.step != stepPO || !s.busy || number != s.poAsked {
		// A refresh of the PO shown.
		if err != nil {
			s.stale = true
		} else if s.po != nil && s.po.ID == po.ID {
			s.stale, s.po = false, &po
		}
		return nil
	}
	s.busy = false
	if err != nil {
		s.refuse(explain(err))
		return nil
	}
	s.po, s.lines, s.scans, s.stale, s.asn = &po, nil, nil, false, nil
	s.step, s.misses, s.note, s.bad = stepRecvItem, 0, "", false
	if po.Status != "open" && po.Status != "partially_received" {
		s.note = fmt.Sprintf("%s is %s", po.Number, strings.ReplaceAll(po.Status, "_", " "))
	}
	s.scan.SetValue("")
	s.prompt()
	// Was the scan a supplier's notice (its number or pallet label)? Not found: a PO number.
	return s.asnF.Want(number)
}

// asnRead shows the notice the PO scan named; not found means it was the PO's own number.
func (s *Screen) asnRead(a dbinbound.ASN, err error) {
	if err != nil || s.po == nil || a.PO != s.po.Number {
		return // a plain PO number (ErrNotFound), or a read that failed: the PO is received as ever
	}
	if s.asn == nil || s.asn.ID != a.ID {
		s.asnKey = ""
	}
	s.asn = &a
}

// asnReceiver is who received the notice: the store gives their login, shown as the clerk's
// name when it was this clerk.
func (s *Screen) asnReceiver() string {
	if u := s.ctx.User; u.Name != "" && (s.asnMine == s.asn.ID || strings.EqualFold(s.asn.ReceivedBy, u.Login)) {
		return u.Name
	}
	return s.asn.ReceivedBy
}

// asnUnits is what the notice announces in all.
func (s *Screen) asnUnits() (n int64) {
	for _, l := range s.asn.Lines {
		n += l.Qty
	}
	return n
}

// askASN asks to receive the notice whole, as announced; its key is made when first asked and
// kept for the same notice, so a receipt sent again after a time-out is received once.
func (s *Screen) askASN() tea.Cmd {
	if s.step != stepRecvItem {
		return nil
	}
	if s.asn == nil {
		s.refuse("No notice: scan the pallet's label or the notice's number at the PO prompt")
		return nil
	}
	if s.asn.ReceivedAt != nil {
		// Received already: the database refuses a second receipt and says by whom and when.
		s.busy = true
		return s.asnRecvF.Want(asnReq{key: ui.NewCommandKey("asn-receive"), scan: s.asn.Number})
	}
	if s.asnKey == "" {
		s.asnKey = ui.NewCommandKey("asn-receive")
	}
	s.step, s.note, s.bad = stepRecvASN, "", false
	s.prompt()
	return nil
}

func (s *Screen) asnReceived(got dbinbound.ReceivedASN, err error) tea.Cmd {
	s.busy = false
	if err != nil {
		if lost(err) {
			s.refuse("No answer from the database: press y to send the same again (it is received once)")
			return nil // still asking; y sends the same key
		}
		s.refuse(explain(err)) // what was scanned stays
		s.step = stepRecvItem
		s.prompt()
		return tea.Batch(s.poF.Want(s.po.Number), s.asnF.Want(s.asn.Number))
	}
	s.asnKey, s.asnMine = "", s.asn.ID
	s.note, s.bad, s.misses = fmt.Sprintf("✓ %s: %d units received against %s", got.ASN, got.Units, got.PO), false, 0
	s.step = stepRecvItem
	s.prompt()
	return tea.Batch(s.poF.Want(s.po.Number), s.asnF.Want(s.asn.Number))
}

// scanReceived counts a scan against the PO: one unit, n of "n*SKU", or a count typed after a
// scan (n more of what was scanned last).
func (s *Screen) scanReceived(text string) tea.Cmd {
	if text == "" {
		return nil
	}
	if n, err := strconv.Atoi(text); err == nil && len(text) <= 5 {
		if len(s.scans) == 0 {
			s.refuse("Scan the item first; a number typed then counts that many more")
			return nil
		}
		if n < 1 || n > maxUnits {
			s.refuse(fmt.Sprintf("%d is not a number of units", n))
			return nil
		}
		last := s.lines[s.scans[len(s.scans)-1].line]
		s.scan.SetValue("")
		s.add(last.item, last.lot, last.expires, last.damaged, int64(n))
		return nil
	}
	req := itemReq{scan: text, qty: 1}
	if model.LooksLikeGS1(text) {
		// A GS1 label: the item's GTIN, and its lot, expiry and count when it prints them.
		g, err := model.ParseGS1At(text, s.ctx.Clock())
		if err != nil {
			s.refuse(err.Error())
			return nil
		}
		gtin := g.GTIN
		if gtin == "" {
			gtin = g.ContentGTIN
		}
		if gtin == "" {
			s.refuse("The label holds no GTIN: scan the item's own barcode")
			return nil
		}
		req = itemReq{scan: gtin, qty: 1, lot: g.Lot, expires: g.Expiry}
		if g.Count > 0 {
			req.qty = int64(g.Count)
		} else if g.ContentCount > 0 {
			req.qty = int64(g.ContentCount)
		}
		s.busy = true
		return s.itemF.Want(req)
	}
	if n, item, ok := strings.Cut(text, "*"); ok {
		q, err := strconv.ParseInt(strings.TrimSpace(n), 10, 64)
		if err != nil || q < 1 || q > maxUnits || strings.TrimSpace(item) == "" {
			s.refuse(fmt.Sprintf("%q is not a count: scan the item, or type units*item like 5*TEE-1", text))
			return nil
		}
		req = itemReq{scan: strings.TrimSpace(item), qty: q}
	}
	s.busy = true
	return s.itemF.Want(req)
}

func (s *Screen) itemFound(r itemReq, it dbinbound.Item, err error) tea.Cmd {
	s.busy = false
	if err != nil {
		s.refuse(explain(err))
		return nil
	}
	switch s.step {
	case stepRecvItem:
		if !slices.ContainsFunc(s.po.Lines, func(l dbinbound.POLine) bool { return l.SKU == it.SKU }) {
			s.refuse(fmt.Sprintf("%s is not on %s", it.SKU, s.po.Number))
			return nil
		}
		s.scan.SetValue("")
		if it.LotTracked {
			s.lotItem, s.lotQty, s.lotCode, s.step = it, r.qty, r.lot, stepRecvLot
			s.note, s.bad, s.misses = "", false, 0
			s.prompt()
			switch {
			case r.lot != "" && !r.expires.IsZero():
				s.step = stepRecvItem // the label says both
				s.prompt()
				s.add(it, r.lot, r.expires, false, r.qty)
			case r.lot != "":
				s.busy = true // is the label's lot known, with its expiry?
				return s.lotF.Want(r.lot)
			}
			return nil
		}
		s.add(it, "", time.Time{}, false, r.qty)
	case stepPutItem:
		return s.putItemFound(it, r.place)
	case stepMoveItem:
		s.moveItemFound(it)
	}
	return nil
}

func (s *Screen) lotRead(code string, l dbinbound.Lot, err error) {
	s.busy = false
	switch {
	case errors.Is(err, dbinbound.ErrNotFound) && s.lotItem.ExpiryTracked:
		// A new lot: its expiry is asked once, and the receipt makes it.
		s.scan.SetValue("")
		s.step, s.note, s.bad, s.misses = stepRecvExpiry, "", false, 0
		s.prompt()
		return
	case errors.Is(err, dbinbound.ErrNotFound):
	case err != nil:
		s.refuse(explain(err))
		return
	}
	s.scan.SetValue("")
	s.step = stepRecvItem
	s.prompt()
	var expires time.Time
	if l.Expires != nil {
		expires = *l.Expires
	}
	s.add(s.lotItem, code, expires, false, s.lotQty)
}

// expiry takes the expiry of a new lot: a day, YYYY-MM-DD.
func (s *Screen) expiry(text string) tea.Cmd {
	if text == "" {
		return nil
	}
	day, err := time.Parse(time.DateOnly, text)
	if err != nil {
		s.refuse(fmt.Sprintf("%q is not a day: type it as YYYY-MM-DD", text))
		return nil
	}
	s.scan.SetValue("")
	s.step = stepRecvItem
	s.prompt()
	s.add(s.lotItem, s.lotCode, day, false, s.lotQty)
	return nil
}

// add counts qty units of an item (lot, damaged or not) as scanned.
func (s *Screen) add(it dbinbound.Item, lot string, expires time.Time, damaged bool, qty int64) {
	i := s.lineOf(it, lot, damaged, expires)
	s.lines[i].qty += qty
	s.scans = append(s.scans, scanned{line: i, qty: qty})
	s.note, s.bad, s.misses = fmt.Sprintf("✓ +%d %s (%d)", qty, it.SKU, s.lines[i].qty), false, 0
	if damaged {
		s.note += " damaged"
	}
}

// lineOf is the index of the line of an item, lot and state, made when new.
func (s *Screen) lineOf(it dbinbound.Item, lot string, damaged bool, expires time.Time) int {
	i := slices.IndexFunc(s.lines, func(l recvLine) bool {
		return l.item.Product == it.Product && l.lot == lot && l.damaged == damaged
	})
	if i < 0 {
		s.lines = append(s.lines, recvLine{item: it, lot: lot, expires: expires, damaged: damaged})
		i = len(s.lines) - 1
	}
	return i
}

// take takes qty units off a line, dropping it when none are left.
func (s *Screen) take(line int, qty int64) {
	s.lines[line].qty -= qty
	if s.lines[line].qty > 0 {
		return
	}
	s.lines = slices.Delete(s.lines, line, line+1)
	for i := range s.scans {
		if s.scans[i].line > line {
			s.scans[i].line--
		}
	}
}

// undo takes back the last scan.
func (s *Screen) undo() {
	if s.step != stepRecvItem {
		return
	}
	if len(s.scans) == 0 {
		s.refuse("Nothing to undo: nothing scanned")
		return
	}
	last := s.scans[len(s.scans)-1]
	s.scans = s.scans[:len(s.scans)-1]
	l := s.lines[last.line]
	s.take(last.line, last.qty)
	s.note, s.bad, s.misses = fmt.Sprintf("Undone: %d × %s (%d left)", last.qty, l.item.SKU, l.qty-last.qty), false, 0
}

// markDamaged marks the last scan's units damaged (they go to quarantine), or good again.
func (s *Screen) markDamaged() {
	if s.step != stepRecvItem {
		return
	}
	if len(s.scans) == 0 {
		s.refuse("Scan the damaged units first, then mark them")
		return
	}
	last := &s.scans[len(s.scans)-1]
	l := s.lines[last.line]
	s.take(last.line, last.qty)
	last = &s.scans[len(s.scans)-1]
	last.line = s.lineOf(l.item, l.lot, !l.damaged, l.expires)
	s.lines[last.line].qty += last.qty
	if l.damaged {
		s.note = fmt.Sprintf("✓ %d × %s good again", last.qty, l.item.SKU)
	} else {
		s.note = fmt.Sprintf("✓ %d × %s damaged: to quarantine", last.qty, l.item.SKU)
	}
	s.bad, s.misses = false, 0
}

// startReceive asks to receive what was scanned; each line keeps its key while it stays the
// same.
func (s *Screen) startReceive() {
	if s.step != stepRecvItem {
		return
	}
	if len(s.lines) == 0 {
		s.refuse("Nothing scanned to receive")
		return
	}
	for i := range s.lines {
		l := &s.lines[i]
		sig := fmt.Sprintf("%+v", l.receipt(s.po.Number))
		if l.key == "" || l.sig != sig {
			l.key, l.sig = ui.NewCommandKey("po-receive"), sig
		}
	}
	s.step, s.note, s.bad, s.received = stepRecvConfirm, "", false, nil
	s.prompt()
}

// sendReceipt sends the first line not received yet; each answer sends the next.
func (s *Screen) sendReceipt() tea.Cmd {
	if len(s.lines) == 0 {
		return nil
	}
	s.busy = true
	l := s.lines[0]
	return s.recvF.Want(recvReq{key: l.key, line: 0, r: l.receipt(s.po.Number)})
}

func (s *Screen) receivedLine(r recvReq, got dbinbound.Received, err error) tea.Cmd {
	s.busy = false
	if err != nil {
		if lost(err) {
			s.refuse("No answer from the database: press y to send the same receipt again (it is received once)")
			return nil // still asking; y sends the same keys
		}
		why := explain(err) // the database's sentence; what was scanned and not received stays
		if len(s.received) > 0 {
			why += "; received before it: " + strings.Join(s.received, ", ")
		}
		s.refuse(why)
		s.received = nil
		s.step = stepRecvItem
		s.prompt()
		return s.poF.Want(s.po.Number)
	}
	l := s.lines[r.line]
	what := fmt.Sprintf("%d × %s", got.Received, got.SKU)
	if l.damaged {
		what += " damaged"
	}
	s.received = append(s.received, what)
	// The line is received: its scans go with it.
	s.scans = slices.DeleteFunc(s.scans, func(sc scanned) bool { return sc.line == r.line })
	s.take(r.line, l.qty)
	if len(s.lines) > 0 {
		return s.sendReceipt()
	}
	s.note, s.bad, s.misses = fmt.Sprintf("✓ Received %s on %s", strings.Join(s.received, ", "), s.po.Number), false, 0
	s.received = nil
	s.step = stepRecvItem
	s.prompt()
	return s.poF.Want(s.po.Number)
}

// scannedText is what was scanned and not received, in words.
func (s *Screen) scannedText() string {
	parts := make([]string, len(s.lines))
	for i, l := range s.lines {
		parts[i] = lineText(l)
	}
	return strings.Join(parts, ", ")
}

func lineText(l recvLine) string {
	t := fmt.Sprintf("%d × %s", l.qty, l.item.SKU)
	if l.lot != "" {
		t += " lot " + l.lot
	}
	if l.damaged {
		t += " damaged"
	}
	return t
}

// ───────────────────────────── putaway ─────────────────────────────

// putItemFound chooses what of the item waits at receiving: one lot, or asks which.
func (s *Screen) putItemFound(it dbinbound.Item, place string) tea.Cmd {
	var here []dbinbound.Holding
	for _, h := range s.waiting {
		if h.SKU == it.SKU && (place == "" || h.Place == place) {
			here = append(here, h)
		}
	}
	if len(here) == 0 {
		s.refuse(fmt.Sprintf("No %s waits to be put away at %s", it.SKU, s.warehouse))
		return nil
	}
	s.putItem, s.scan.Placeholder = it, ""
	s.scan.SetValue("")
	s.note, s.bad, s.misses = "", false, 0
	if it.LotTracked && len(here) > 1 {
		s.putLots, s.step = here, stepPutLot
		s.prompt()
		return nil
	}
	return s.putFromChosen(here[0])
}

func (s *Screen) putLot(text string) tea.Cmd {
	if text == "" {
		return nil
	}
	i := slices.IndexFunc(s.putLots, func(h dbinbound.Holding) bool { return strings.EqualFold(h.Lot, text) })
	if i < 0 {
		s.refuse(fmt.Sprintf("No lot %s of %s waits here", text, s.putItem.SKU))
		return nil
	}
	s.scan.SetValue("")
	return s.putFromChosen(s.putLots[i])
}

// putFromChosen asks where the units should go.
func (s *Screen) putFromChosen(h dbinbound.Holding) tea.Cmd {
	s.putFrom, s.suggest, s.suggestE, s.putBin = h, dbinbound.Suggestion{}, "", ""
	s.step, s.busy = stepPutBin, true
	s.prompt()
	return s.suggestF.Want(s.putItem.SKU)
}

func (s *Screen) suggested(sg dbinbound.Suggestion, err error) {
	s.busy = false
	if err != nil {
		s.suggestE = explain(err)
		s.note, s.bad = s.suggestE, false
	} else {
		s.suggest = sg
	}
	s.prompt()
}

// placeRead answers a bin's scan: at putaway, moves from and to.
func (s *Screen) placeRead(scan string, pl dbinbound.Place, err error) tea.Cmd {
	s.busy = false
	if err != nil {
		s.refuse(explain(err))
		return nil
	}
	if pl.Kind != "bin" {
		s.refuse(fmt.Sprintf("%s is a %s location, not a bin", pl.Code, pl.Kind))
		return nil
	}
	switch s.step {
	case stepPutBin:
		s.putBin = pl.Code
		s.scan.SetValue("")
		s.note, s.bad, s.misses = "", false, 0
		if s.suggest.Bin != "" && pl.Code != s.suggest.Bin {
			s.step = stepPutOther
			s.prompt()
			return nil
		}
		s.step = stepPutQty
		s.toQty()
	case stepMoveFrom:
		s.from = pl
		s.scan.SetValue("")
		s.note, s.bad, s.misses = "", false, 0
		if len(pl.Holds) == 0 {
			s.note = pl.Code + " is empty"
		}
		s.step = stepMoveItem
		s.prompt()
	case stepMoveTo:
		if pl.Code == s.from.Code {
			s.refuse(fmt.Sprintf("%s is where the units are: scan the bin to move them to", pl.Code))
			return nil
		}
		return s.sendMove(pl.Code)
	}
	return nil
}

// toQty asks how many; the putaway's key is made with its first answer and kept for the same.
func (s *Screen) toQty() {
	s.pendingPut = moveReq{}
	s.scan.SetValue("")
	s.prompt()
}

// askPut puts the units away: enter puts all that wait.
func (s *Screen) askPut(text string) tea.Cmd {
	qty := s.putFrom.Qty
	if text != "" {
		n, err := strconv.Atoi(text)
		if err != nil || n < 1 || n > maxUnits {
			s.refuse(fmt.Sprintf("%q is not a number of units", text))
			return nil
		}
		qty = int64(n)
	}
	m := dbinbound.Move{Warehouse: s.warehouse, From: s.putFrom.Place, To: s.putBin, Scan: s.putItem.SKU, Qty: int(qty), Lot: s.putFrom.Lot}
	sig := fmt.Sprintf("%+v", m)
	if s.pendingPut.key == "" || s.pendingPut.sig != sig {
		s.pendingPut = moveReq{key: ui.NewCommandKey("putaway"), sig: sig, m: m}
	}
	s.busy = true
	return s.putF.Want(s.pendingPut)
}

func (s *Screen) putAway(r moveReq, got dbinbound.Moved, err error) tea.Cmd {
	s.busy = false
	if err != nil {
		if lost(err) {
			s.refuse("No answer from the database: press enter to send the same again (it is put away once)")
		} else {
			s.refuse(explain(err))
		}
		if s.scan.Value() == "" {
			s.scan.SetValue(strconv.Itoa(r.m.Qty))
		}
		return nil
	}
	s.pendingPut = moveReq{}
	s.note, s.bad, s.misses = fmt.Sprintf("✓ %d × %s put away in %s", got.Qty, got.SKU, got.To), false, 0
	s.scan.SetValue("")
	s.step = stepPutItem
	s.prompt()
	return s.waitF.Want(struct{}{})
}

// ───────────────────────────── moves ─────────────────────────────

func (s *Screen) moveItemFound(it dbinbound.Item) {
	var here []dbinbound.Holding
	for _, h := range s.from.Holds {
		if h.SKU == it.SKU {
			here = append(here, h)
		}
	}
	if len(here) == 0 {
		s.refuse(fmt.Sprintf("%s holds no %s", s.from.Code, it.SKU))
		return
	}
	s.moveItem, s.moveLot, s.moveHas = it, here[0].Lot, here[0].Qty
	s.scan.SetValue("")
	s.note, s.bad, s.misses = "", false, 0
	s.step = stepMoveQty
	if it.LotTracked && len(here) > 1 {
		s.moveLot, s.moveHas, s.step = "", 0, stepMoveLot
	}
	s.prompt()
}

func (s *Screen) moveLotChosen(text string) tea.Cmd {
	if text == "" {
		return nil
	}
	i := slices.IndexFunc(s.from.Holds, func(h dbinbound.Holding) bool {
		return h.SKU == s.moveItem.SKU && strings.EqualFold(h.Lot, text)
	})
	if i < 0 {
		s.refuse(fmt.Sprintf("%s holds no lot %s of %s", s.from.Code, text, s.moveItem.SKU))
		return nil
	}
	s.moveLot, s.moveHas = s.from.Holds[i].Lot, s.from.Holds[i].Qty
	s.scan.SetValue("")
	s.step = stepMoveQty
	s.prompt()
	return nil
}

func (s *Screen) moveQtyChosen(text string) tea.Cmd {
	qty := s.moveHas
	if text != "" {
		n, err := strconv.Atoi(text)
		if err != nil || n < 1 || n > maxUnits {
			s.refuse(fmt.Sprintf("%q is not a number of units", text))
			return nil
		}
		qty = int64(n)
	}
	s.moveQty = int(qty)
	s.pendingMove = moveReq{}
	s.scan.SetValue("")
	s.note, s.bad, s.misses = "", false, 0
	s.step = stepMoveTo
	s.prompt()
	return nil
}

// sendMove moves the units to the bin scanned; the same move keeps its key.
func (s *Screen) sendMove(to string) tea.Cmd {
	m := dbinbound.Move{Warehouse: s.warehouse, From: s.from.Code, To: to, Scan: s.moveItem.SKU, Qty: s.moveQty, Lot: s.moveLot}
	sig := fmt.Sprintf("%+v", m)
	if s.pendingMove.key == "" || s.pendingMove.sig != sig {
		s.pendingMove = moveReq{key: ui.NewCommandKey("move"), sig: sig, m: m}
	}
	s.busy = true
	return s.moveF.Want(s.pendingMove)
}

func (s *Screen) moved(got dbinbound.Moved, err error) {
	s.busy = false
	if err != nil {
		if lost(err) {
			s.refuse("No answer from the database: scan the bin again to send the same move (it moves once)")
		} else {
			s.refuse(explain(err))
		}
		return
	}
	s.pendingMove = moveReq{}
	s.note, s.bad, s.misses = fmt.Sprintf("✓ %d × %s moved %s → %s", got.Qty, got.SKU, got.From, got.To), false, 0
	s.scan.SetValue("")
	s.from = dbinbound.Place{}
	s.step = stepMoveFrom
	s.prompt()
}

// ───────────────────────────── replenishment ─────────────────────────────

func (s *Screen) claimed(t dbreplenish.Task, err error) {
	s.busy = false
	switch {
	case errors.Is(err, dbreplenish.ErrNoWork):
		s.claimKey = "" // the answer is final for this key: the next enter asks again
		s.note, s.bad, s.misses = "No replenishment task at "+s.warehouse, false, 0
		s.scan.SetValue("")
		return
	case err != nil && lost(err):
		s.refuse("No answer from the database: press enter to ask again")
		return
	case err != nil:
		s.claimKey = ""
		s.refuse(explain(err))
		return
	}
	s.claimKey = ""
	s.task, s.pendingConfirm, s.pendingCancel = &t, confirmReq{}, cancelReq{}
	s.note, s.bad, s.misses = "", false, 0
	s.scan.SetValue("")
	s.step = stepRepFrom
	s.prompt()
}

// scanRepBin checks a scanned bin against the task's (code or barcode).
func (s *Screen) scanRepBin(text, bin, barcode string, next step) tea.Cmd {
	if text == "" {
		return nil
	}
	if !strings.EqualFold(text, bin) && (barcode == "" || text != barcode) {
		s.refuse(fmt.Sprintf("Wrong bin: %s, go to %s", text, bin))
		return nil
	}
	s.scan.SetValue("")
	s.step, s.note, s.bad, s.misses = next, "", false, 0
	if next == stepRepConfirm {
		c := dbreplenish.Confirm{Task: s.task.ID, From: s.task.From, To: s.task.To, Qty: int(s.task.Qty)}
		sig := fmt.Sprintf("%+v", c)
		if s.pendingConfirm.key == "" || s.pendingConfirm.sig != sig {
			s.pendingConfirm = confirmReq{key: ui.NewCommandKey("replenish-confirm"), sig: sig, c: c}
		}
	}
	s.prompt()
	return nil
}

func (s *Screen) confirmed(t dbreplenish.Task, err error) {
	s.busy = false
	if err != nil {
		if lost(err) {
			s.refuse("No answer from the database: press y to send the same again (it moves once)")
			return // still asking; y sends the same key
		}
		s.refuse(explain(err))
		s.task, s.step = nil, stepRepClaim
		s.prompt()
		return
	}
	s.note = fmt.Sprintf("✓ %d × %s to %s: it holds %d", t.QtyMoved, t.SKU, t.To, t.OnHand)
	s.bad, s.misses = false, 0
	s.task, s.pendingConfirm, s.step = nil, confirmReq{}, stepRepClaim
	s.prompt()
}

// askCancel asks to cancel the claimed task (its reserve is empty, say).
func (s *Screen) askCancel() {
	if s.task == nil || (s.step != stepRepFrom && s.step != stepRepTo) {
		return
	}
	if s.pendingCancel.key == "" || s.pendingCancel.task != s.task.ID {
		s.pendingCancel = cancelReq{key: ui.NewCommandKey("replenish-cancel"), task: s.task.ID}
	}
	s.step, s.note, s.bad = stepRepCancel, "", false
	s.prompt()
}

func (s *Screen) cancelled(t dbreplenish.Task, err error) {
	s.busy = false
	if err != nil {
		if lost(err) {
			s.refuse("No answer from the database: press y to send the same again (it is cancelled once)")
		} else {
			s.refuse(explain(err))
		}
		return
	}
	s.note, s.bad, s.misses = fmt.Sprintf("Task %s → %s cancelled", t.From, t.To), false, 0
	s.task, s.pendingCancel, s.step = nil, cancelReq{}, stepRepClaim
	s.prompt()
}

// refuse shows why a scan or command was refused: the field keeps the scan.
func (s *Screen) refuse(why string) {
	s.note, s.bad, s.replace = why, true, true
	s.misses++
}

// prompt sets the field's placeholder for the current step.
func (s *Screen) prompt() {
	p, narrow := "", s.w > 0 && s.w < 40
	switch s.step {
	case stepWarehouse:
		p = "warehouse code"
	case stepPO:
		p = "PO number"
	case stepRecvItem:
		p = "scan item or 5*SKU"
		if narrow {
			p = "item or 5*SKU"
		}
	case stepRecvLot, stepPutLot, stepMoveLot:
		p = "lot code"
	case stepRecvExpiry:
		p = "YYYY-MM-DD"
	case stepPutItem, stepMoveItem:
		p = "scan item"
	case stepPutBin, stepMoveFrom, stepMoveTo, stepRepFrom, stepRepTo:
		p = "scan bin"
	case stepPutQty:
		p = fmt.Sprintf("enter: all %d", s.putFrom.Qty)
	case stepMoveQty:
		p = fmt.Sprintf("enter: all %d", s.moveHas)
	case stepRepClaim:
		p = "enter"
	}
	s.scan.Placeholder = p
}
