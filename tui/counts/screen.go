package counts

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"oms/db"
	dbcounts "oms/db/counts"
	"oms/keymaps"
	"oms/tui/ui"
)

// Reason is a count variance reason, as db/counts reads it.
type Reason = struct {
	Code        string `db:"code"`
	Description string `db:"description"`
}

// Data is what the screen reads and the commands it gives: db/counts's store.
type Data interface {
	Claim(ctx context.Context, warehouse string) (dbcounts.Task, error)
	Unclaim(ctx context.Context, task int64) error
	ItemByScan(ctx context.Context, scan string) (dbcounts.Item, error)
	LotOf(ctx context.Context, product int64, code string) (int64, error)
	Record(ctx context.Context, key string, task int64, lines []dbcounts.Line) (dbcounts.Outcome, error)
	Reviews(ctx context.Context, warehouse string) ([]dbcounts.Review, error)
	Reasons(ctx context.Context) ([]Reason, error)
	Decide(ctx context.Context, key string, d dbcounts.Decision) error
	Counts(ctx context.Context, warehouse string) ([]dbcounts.Count, error)
	Plan(ctx context.Context, key string, p dbcounts.PlanRequest) (dbcounts.Count, error)
}

// Route names the screen.
const Route ui.Route = "counts"

// Jobs are whose work counting is; the database refuses anyone else.
var Jobs = []string{"stock", "supervisor"}

// Def is the screen's entry in the route table.
func Def(data Data) ui.Def {
	return ui.Def{Route: Route, Title: "Stock counts", Short: "Counts", Jobs: Jobs,
		Key:   func(k *keymaps.KeyMap) key.Binding { return k.Global.Counts },
		Build: func(c *ui.Context, _ any) ui.Component { return New(c, data) }}
}

// maxUnits is the most one scan ("n*SKU") may count.
const maxUnits = 100000

// step is the one prompt the screen waits at.
type step int

const (
	stepWarehouse     step = iota // the login has no warehouse: which one?
	stepClaim                     // enter (or a bin's scan) claims the next bin
	stepBin                       // scan the claimed bin
	stepItem                      // scan each item, or n*SKU
	stepLot                       // the lot of a lot-tracked item just scanned
	stepRecord                    // record the count? y/n
	stepReviews                   // a supervisor's list of bins beyond tolerance
	stepDecide                    // one of them: approve with which reason, or reject?
	stepDecideConfirm             // that decision? y/n
	stepCounts                    // the warehouse's counts and their progress
	stepPlan                      // plan a count: how and what
	stepPlanConfirm               // plan it? y/n
)

// tallied is what the counter counted of one product (and lot) in the bin.
type tallied struct {
	product int64
	sku     string
	lot     int64
	lotCode string
	qty     int64
}

// scanned is one scan, kept so it can be taken back.
type scanned struct {
	line int // index in tally
	qty  int64
}

// Screen is the stock counts screen.
type Screen struct {
	ctx  *ui.Context
	id   ui.InstanceID
	scan textinput.Model
	step step
	busy bool
	w, h int

	warehouse string

	// The bin being counted and what was counted in it.
	task  *dbcounts.Task
	tally []tallied
	scans []scanned
	// The lot-tracked item waiting for its lot, and how many units its scan counted.
	lotItem dbcounts.Item
	lotQty  int64

	// The supervisor's review list, the reasons, and the decision being made.
	reviews []dbcounts.Review
	reasons []Reason
	choice  int // index in reasons; len(reasons) is reject
	// The counts list.
	counts []dbcounts.Count
	cur    int // the cursor of the list shown
	stale  bool

	plan dbcounts.PlanRequest

	note   string
	bad    bool
	misses int
	// After a refusal the field keeps the scan for the person to read; the next key typed or
	// scanned replaces it rather than adding to it.
	replace bool

	// A command whose answer was lost keeps its key for the same request: answering the same
	// again sends the same key, which the database applies at most once.
	pendingRecord recordReq
	pendingDecide decideReq
	pendingPlan   planReq

	claimF   *ui.Fetcher[string, dbcounts.Task]
	unclaimF *ui.Fetcher[int64, struct{}]
	itemF    *ui.Fetcher[itemReq, dbcounts.Item]
	lotF     *ui.Fetcher[lotReq, int64]
	recordF  *ui.Fetcher[recordReq, dbcounts.Outcome]
	reviewsF *ui.Fetcher[struct{}, reviewed]
	decideF  *ui.Fetcher[decideReq, struct{}]
	countsF  *ui.Fetcher[struct{}, []dbcounts.Count]
	planF    *ui.Fetcher[planReq, dbcounts.Count]
}

type itemReq struct {
	scan string
	qty  int64
}

type lotReq struct {
	product int64
	code    string
}

type recordReq struct {
	key   string
	sig   string // the task and its lines as text: the same count is the same request
	task  int64
	bin   string
	lines []dbcounts.Line
}

type reviewed struct {
	reviews []dbcounts.Review
	reasons []Reason
}

type decideReq struct {
	key string
	sig string
	bin string
	d   dbcounts.Decision
}

type planReq struct {
	key string
	sig string
	p   dbcounts.PlanRequest
}

// New builds the screen at its first prompt.
func New(c *ui.Context, data Data) *Screen {
	ti := textinput.New()
	ti.Prompt = "> "
	ti.CharLimit = 128
	ti.Cursor.SetMode(cursor.CursorStatic)
	ti.Focus()
	s := &Screen{ctx: c, id: ui.NewInstanceID(), scan: ti, warehouse: c.User.Warehouse}
	s.step = stepClaim
	if s.warehouse == "" {
		s.step = stepWarehouse
	}
	s.claimF = ui.NewFetcher(c, s.id, "count claim", func(string) ui.Query[dbcounts.Task] {
		wh := s.warehouse
		return func(ctx context.Context) (dbcounts.Task, error) { return data.Claim(ctx, wh) }
	})
	s.unclaimF = ui.NewFetcher(c, s.id, "count give back", func(task int64) ui.Query[struct{}] {
		return func(ctx context.Context) (struct{}, error) { return struct{}{}, data.Unclaim(ctx, task) }
	})
	s.itemF = ui.NewFetcher(c, s.id, "count item", func(r itemReq) ui.Query[dbcounts.Item] {
		return func(ctx context.Context) (dbcounts.Item, error) { return data.ItemByScan(ctx, r.scan) }
	})
	s.lotF = ui.NewFetcher(c, s.id, "count lot", func(r lotReq) ui.Query[int64] {
		return func(ctx context.Context) (int64, error) { return data.LotOf(ctx, r.product, r.code) }
	})
	s.recordF = ui.NewFetcher(c, s.id, "count record", func(r recordReq) ui.Query[dbcounts.Outcome] {
		return func(ctx context.Context) (dbcounts.Outcome, error) { return data.Record(ctx, r.key, r.task, r.lines) }
	})
	s.reviewsF = ui.NewFetcher(c, s.id, "count reviews", func(struct{}) ui.Query[reviewed] {
		wh := s.warehouse
		return func(ctx context.Context) (reviewed, error) {
			revs, err := data.Reviews(ctx, wh)
			if err != nil {
				return reviewed{}, err
			}
			reasons, err := data.Reasons(ctx)
			return reviewed{revs, reasons}, err
		}
	})
	s.decideF = ui.NewFetcher(c, s.id, "count decide", func(r decideReq) ui.Query[struct{}] {
		return func(ctx context.Context) (struct{}, error) { return struct{}{}, data.Decide(ctx, r.key, r.d) }
	})
	s.countsF = ui.NewFetcher(c, s.id, "counts", func(struct{}) ui.Query[[]dbcounts.Count] {
		wh := s.warehouse
		return func(ctx context.Context) ([]dbcounts.Count, error) { return data.Counts(ctx, wh) }
	})
	s.planF = ui.NewFetcher(c, s.id, "count plan", func(r planReq) ui.Query[dbcounts.Count] {
		return func(ctx context.Context) (dbcounts.Count, error) { return data.Plan(ctx, r.key, r.p) }
	})
	s.prompt()
	return s
}

func (s *Screen) ID() ui.InstanceID { return s.id }
func (s *Screen) Title() string     { return "Stock counts" }
func (s *Screen) Init() tea.Cmd     { return nil }

func (s *Screen) SetSize(width, height int) {
	s.w, s.h = width, height
	s.prompt()
}

// Watches: the screen shows counts, their bins and reviews.
func (s *Screen) Watches() db.TableSet { return db.SetOf(db.Counts) }

// Capturing: the field has the keys while it holds a scan; the lists, questions and forms have
// them too (esc goes back a step there). At an empty field at the claim, bin or item prompt the
// shell's keys come first, so esc goes back to where the counter came from (a claimed bin stays
// theirs under its lease).
func (s *Screen) Capturing() bool {
	switch s.step {
	case stepLot, stepRecord, stepReviews, stepDecide, stepDecideConfirm, stepCounts, stepPlan, stepPlanConfirm:
		return true
	}
	return s.scan.Value() != "" || s.busy
}

// HasUnsavedInput: a scan typed and not submitted, or units counted and not recorded.
func (s *Screen) HasUnsavedInput() bool {
	return strings.TrimSpace(s.scan.Value()) != "" || len(s.scans) > 0
}

// supervises says whether the person may decide reviews (the database decides in the end).
func (s *Screen) supervises() bool {
	return len(s.ctx.Jobs) == 0 || slices.Contains(s.ctx.Jobs, "supervisor")
}

// ShortHelp is the footer: what the step takes, then its keys.
func (s *Screen) ShortHelp() []key.Binding {
	in, ck, l, d := s.ctx.Keys.Input, s.ctx.Keys.Counts, s.ctx.Keys.List, s.ctx.Keys.Dialog
	switch s.step {
	case stepClaim:
		out := []key.Binding{in.Submit, ck.Counts}
		if s.supervises() {
			out = append(out, ck.Review)
		}
		return append(out, ck.Plan, in.Clear)
	case stepBin:
		return []key.Binding{in.Submit, ck.GiveBack, in.Clear}
	case stepItem:
		return []key.Binding{in.Submit, ck.Finish, ck.Undo, ck.GiveBack, in.Clear}
	case stepLot, stepPlan, stepWarehouse:
		return []key.Binding{in.Submit, in.Cancel}
	case stepRecord, stepDecideConfirm, stepPlanConfirm:
		return []key.Binding{d.Confirm, d.Cancel}
	case stepReviews:
		return []key.Binding{l.Open, l.Up, l.Down, ck.Counts, ck.Plan, in.Cancel}
	case stepCounts:
		out := []key.Binding{l.Up, l.Down}
		if s.supervises() {
			out = append(out, ck.Review)
		}
		return append(out, ck.Plan, in.Cancel)
	case stepDecide:
		return []key.Binding{in.Submit, l.Up, l.Down, in.Cancel}
	}
	return []key.Binding{in.Submit, in.Clear}
}

// FullHelp is the help page.
func (s *Screen) FullHelp() [][]key.Binding {
	return [][]key.Binding{s.ctx.Keys.Input.ShortHelp(), s.ctx.Keys.Counts.ShortHelp(), s.ctx.Keys.Dialog.ShortHelp()}
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

// refresh reads again the list shown.
func (s *Screen) refresh() tea.Cmd {
	switch s.step {
	case stepReviews:
		return s.reviewsF.Want(struct{}{})
	case stepCounts:
		return s.countsF.Want(struct{}{})
	}
	return nil
}

func (s *Screen) onResult(msg ui.Result) tea.Cmd {
	if a, mine, ok, next := s.claimF.Take(msg); mine {
		if ok {
			s.claimed(a.Wish, a.Value, a.Err)
		}
		return next
	}
	if a, mine, ok, next := s.unclaimF.Take(msg); mine {
		if ok {
			s.givenBack(a.Err)
		}
		return next
	}
	if a, mine, ok, next := s.itemF.Take(msg); mine {
		if ok {
			s.itemFound(a.Wish, a.Value, a.Err)
		}
		return next
	}
	if a, mine, ok, next := s.lotF.Take(msg); mine {
		if ok {
			s.lotFound(a.Wish, a.Value, a.Err)
		}
		return next
	}
	if a, mine, ok, next := s.recordF.Take(msg); mine {
		if ok {
			s.recorded(a.Wish, a.Value, a.Err)
		}
		return next
	}
	if a, mine, ok, next := s.reviewsF.Take(msg); mine {
		if ok {
			s.busy = false
			if a.Err != nil {
				s.stale = true // the rows stay, said to be old
			} else {
				s.stale, s.reviews, s.reasons = false, a.Value.reviews, a.Value.reasons
				if s.step == stepReviews {
					s.cur = min(s.cur, max(len(s.reviews)-1, 0))
				}
			}
		}
		return next
	}
	if a, mine, ok, next := s.decideF.Take(msg); mine {
		if ok {
			return tea.Batch(s.decided(a.Wish, a.Err), next)
		}
		return next
	}
	if a, mine, ok, next := s.countsF.Take(msg); mine {
		if ok {
			s.busy = false
			if a.Err != nil {
				s.stale = true
			} else {
				s.stale, s.counts = false, a.Value
				if s.step == stepCounts {
					s.cur = min(s.cur, max(len(s.counts)-1, 0))
				}
			}
		}
		return next
	}
	if a, mine, ok, next := s.planF.Take(msg); mine {
		if ok {
			return tea.Batch(s.planned(a.Wish, a.Value, a.Err), next)
		}
		return next
	}
	return nil
}

func (s *Screen) onKey(msg tea.KeyMsg) tea.Cmd {
	in, ck := &s.ctx.Keys.Input, &s.ctx.Keys.Counts
	if s.busy {
		return nil // one command at a time; the field keeps what was scanned
	}
	switch s.step {
	case stepRecord, stepDecideConfirm, stepPlanConfirm:
		return s.onConfirmKey(msg)
	case stepDecide:
		return s.onDecideKey(msg)
	case stepReviews, stepCounts:
		return s.onListKey(msg)
	}
	switch {
	case key.Matches(msg, in.Submit):
		return s.submit(strings.TrimSpace(s.scan.Value()))
	case key.Matches(msg, in.Clear):
		s.scan.SetValue("")
		return nil
	case key.Matches(msg, in.Cancel):
		return s.cancel()
	case key.Matches(msg, ck.Finish):
		return s.startRecord()
	case key.Matches(msg, ck.Undo):
		s.undo()
		return nil
	case key.Matches(msg, ck.GiveBack):
		return s.giveBack()
	case key.Matches(msg, ck.Review):
		return s.toReviews()
	case key.Matches(msg, ck.Counts):
		return s.toCounts()
	case key.Matches(msg, ck.Plan):
		return s.startPlan()
	}
	if s.replace && (msg.Type == tea.KeyRunes || msg.Paste) {
		s.scan.SetValue("")
	}
	s.replace = false
	var cmd tea.Cmd
	s.scan, cmd = s.scan.Update(msg)
	return cmd
}

// cancel is esc at a field: it clears the field, or goes back a step.
func (s *Screen) cancel() tea.Cmd {
	if s.scan.Value() != "" {
		s.scan.SetValue("")
		return nil
	}
	switch s.step {
	case stepLot:
		s.step, s.note, s.bad = stepItem, "", false
		s.prompt()
	case stepPlan:
		s.toClaim()
	}
	return nil
}

func (s *Screen) onListKey(msg tea.KeyMsg) tea.Cmd {
	in, ck, list := &s.ctx.Keys.Input, &s.ctx.Keys.Counts, &s.ctx.Keys.List
	switch {
	case key.Matches(msg, in.Cancel):
		s.toClaim()
	case key.Matches(msg, list.Up):
		s.cur = max(s.cur-1, 0)
	case key.Matches(msg, list.Down):
		s.cur = min(s.cur+1, max(s.listLen()-1, 0))
	case key.Matches(msg, ck.Review):
		return s.toReviews()
	case key.Matches(msg, ck.Counts):
		return s.toCounts()
	case key.Matches(msg, ck.Plan):
		return s.startPlan()
	case s.step == stepReviews && (key.Matches(msg, list.Open) || key.Matches(msg, in.Submit)):
		if s.cur < len(s.reviews) {
			s.step, s.choice, s.note, s.bad = stepDecide, 0, "", false
			if i := slices.IndexFunc(s.reasons, func(r Reason) bool { return r.Code == "CNT_LOST" }); i >= 0 && s.variance(s.reviews[s.cur]) < 0 {
				s.choice = i
			} else if i := slices.IndexFunc(s.reasons, func(r Reason) bool { return r.Code == "CNT_FOUND" }); i >= 0 && s.variance(s.reviews[s.cur]) > 0 {
				s.choice = i
			}
			s.prompt()
		}
	}
	return nil
}

func (s *Screen) listLen() int {
	if s.step == stepReviews {
		return len(s.reviews)
	}
	return len(s.counts)
}

// variance is a review's net variance in units: which way its reason most likely goes.
func (s *Screen) variance(r dbcounts.Review) int64 {
	var v int64
	for _, l := range r.Lines {
		v += l.Variance
	}
	return v
}

func (s *Screen) onDecideKey(msg tea.KeyMsg) tea.Cmd {
	in, list := &s.ctx.Keys.Input, &s.ctx.Keys.List
	switch {
	case key.Matches(msg, in.Cancel):
		s.step = stepReviews
		s.prompt()
		return s.reviewsF.Want(struct{}{})
	case key.Matches(msg, list.Up):
		s.choice = max(s.choice-1, 0)
	case key.Matches(msg, list.Down):
		s.choice = min(s.choice+1, len(s.reasons))
	case key.Matches(msg, in.Submit):
		s.step = stepDecideConfirm
		s.prompt()
	default:
		// A digit chooses the choice with that number: one key on a handheld.
		if n, err := strconv.Atoi(msg.String()); err == nil && n >= 1 && n <= len(s.reasons)+1 {
			s.choice = n - 1
		}
	}
	return nil
}

func (s *Screen) onConfirmKey(msg tea.KeyMsg) tea.Cmd {
	d := &s.ctx.Keys.Dialog
	switch {
	case key.Matches(msg, d.Confirm):
		s.busy = true
		switch s.step {
		case stepRecord:
			return s.recordF.Want(s.pendingRecord)
		case stepDecideConfirm:
			return s.decideF.Want(s.decideRequest())
		case stepPlanConfirm:
			return s.planF.Want(s.pendingPlan)
		}
		s.busy = false
	case key.Matches(msg, d.Cancel):
		s.note, s.bad = "", false
		switch s.step {
		case stepRecord:
			s.step = stepItem
		case stepDecideConfirm:
			s.step = stepDecide
		case stepPlanConfirm:
			s.step = stepPlan
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
		s.toClaim()
	case stepClaim:
		s.busy, s.note, s.bad = true, "", false
		return s.claimF.Want(text)
	case stepBin:
		return s.scanBin(text)
	case stepItem:
		return s.scanItem(text)
	case stepLot:
		if text == "" {
			return nil
		}
		s.busy = true
		return s.lotF.Want(lotReq{product: s.lotItem.Product, code: text})
	case stepPlan:
		return s.askPlan(text)
	}
	return nil
}

// scanBin checks the scanned bin against the claimed one's code.
func (s *Screen) scanBin(text string) tea.Cmd {
	if text == "" {
		return nil
	}
	if !strings.EqualFold(text, s.task.Bin) {
		s.refuse(fmt.Sprintf("Wrong bin: %s, go to %s", text, s.task.Bin))
		return nil
	}
	s.step, s.misses, s.note, s.bad = stepItem, 0, "", false
	s.scan.SetValue("")
	s.prompt()
	return nil
}

// scanItem counts a scan: one unit, or n of "n*SKU".
func (s *Screen) scanItem(text string) tea.Cmd {
	if text == "" {
		return nil
	}
	req := itemReq{scan: text, qty: 1}
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

func (s *Screen) itemFound(r itemReq, it dbcounts.Item, err error) {
	s.busy = false
	if err != nil {
		s.refuse(ui.Explain(err))
		return
	}
	s.scan.SetValue("")
	if it.LotTracked {
		s.lotItem, s.lotQty, s.step = it, r.qty, stepLot
		s.note, s.bad, s.misses = "", false, 0
		s.prompt()
		return
	}
	s.add(it, 0, "", r.qty)
}

func (s *Screen) lotFound(r lotReq, lot int64, err error) {
	s.busy = false
	if err != nil {
		s.refuse(ui.Explain(err))
		return
	}
	s.scan.SetValue("")
	s.step = stepItem
	s.prompt()
	s.add(s.lotItem, lot, r.code, s.lotQty)
}

// add counts qty units of an item (and lot) in the bin.
func (s *Screen) add(it dbcounts.Item, lot int64, lotCode string, qty int64) {
	i := slices.IndexFunc(s.tally, func(t tallied) bool { return t.product == it.Product && t.lot == lot })
	if i < 0 {
		s.tally = append(s.tally, tallied{product: it.Product, sku: it.SKU, lot: lot, lotCode: lotCode})
		i = len(s.tally) - 1
	}
	s.tally[i].qty += qty
	s.scans = append(s.scans, scanned{line: i, qty: qty})
	s.note, s.bad, s.misses = fmt.Sprintf("✓ +%d %s (%d)", qty, it.SKU, s.tally[i].qty), false, 0
}

// undo takes back the last scan of the bin being counted.
func (s *Screen) undo() {
	if s.step != stepItem {
		return
	}
	if len(s.scans) == 0 {
		s.refuse("Nothing to undo: nothing counted in " + s.task.Bin + " yet")
		return
	}
	last := s.scans[len(s.scans)-1]
	s.scans = s.scans[:len(s.scans)-1]
	t := &s.tally[last.line]
	t.qty -= last.qty
	s.note, s.bad, s.misses = fmt.Sprintf("Undone: %d × %s (%d left)", last.qty, t.sku, t.qty), false, 0
	if t.qty == 0 {
		s.tally = slices.Delete(s.tally, last.line, last.line+1)
		for i := range s.scans {
			if s.scans[i].line > last.line {
				s.scans[i].line--
			}
		}
	}
}

// startRecord asks to record what was counted; the same count keeps its key.
func (s *Screen) startRecord() tea.Cmd {
	if s.step != stepItem {
		return nil
	}
	lines := make([]dbcounts.Line, 0, len(s.tally))
	for _, t := range s.tally {
		lines = append(lines, dbcounts.Line{Product: t.product, Lot: t.lot, Qty: t.qty})
	}
	sig := fmt.Sprintf("%d %v", s.task.ID, lines)
	if s.pendingRecord.key == "" || s.pendingRecord.sig != sig {
		s.pendingRecord = recordReq{key: ui.NewCommandKey("count-record"), sig: sig, task: s.task.ID, bin: s.task.Bin, lines: lines}
	}
	s.step, s.note, s.bad = stepRecord, "", false
	s.prompt()
	return nil
}

// counted is what the counter counted, in words: "37 × TEE-1, 2 × MUG-1", or "nothing".
func (s *Screen) counted() string {
	if len(s.tally) == 0 {
		return "nothing"
	}
	parts := make([]string, len(s.tally))
	for i, t := range s.tally {
		parts[i] = fmt.Sprintf("%d × %s", t.qty, t.sku)
		if t.lotCode != "" {
			parts[i] += " lot " + t.lotCode
		}
	}
	return strings.Join(parts, ", ")
}

func (s *Screen) recorded(r recordReq, out dbcounts.Outcome, err error) {
	s.busy = false
	if err != nil {
		var ce *db.ConstraintError
		if errors.As(err, &ce) {
			// The bin is not the counter's any more (the lease ran out and someone took it).
			s.refuse(ui.Explain(err))
			s.dropTask()
			s.step = stepClaim
			s.prompt()
			return
		}
		if errors.Is(err, context.DeadlineExceeded) || ui.IsConnectionError(err) {
			s.refuse("No answer from the database: press y to send the same count again (it is recorded once)")
		} else {
			s.refuse(ui.Explain(err))
		}
		return // still asking; y sends the same key
	}
	bin := firstOf(out.Bin, r.bin)
	switch out.Outcome {
	case "posted":
		s.note = fmt.Sprintf("✓ %s counted: posted", bin)
	case "recount":
		s.note = bin + " beyond tolerance: someone else will recount it"
	case "review":
		s.note = bin + " beyond tolerance again: a supervisor decides"
	default:
		s.note = fmt.Sprintf("%s counted: %s", bin, out.Outcome)
	}
	if out.FlagsResolved > 0 && s.w >= 40 {
		s.note += fmt.Sprintf(" (%d short-pick flags answered)", out.FlagsResolved)
	}
	s.bad, s.misses = false, 0
	s.dropTask()
	s.step = stepClaim
	s.scan.SetValue("")
	s.prompt()
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// dropTask forgets the bin and what was counted in it.
func (s *Screen) dropTask() {
	s.task, s.tally, s.scans, s.pendingRecord = nil, nil, nil, recordReq{}
}

// giveBack gives the claimed bin back to the queue.
func (s *Screen) giveBack() tea.Cmd {
	if s.task == nil || (s.step != stepBin && s.step != stepItem && s.step != stepLot) {
		return nil
	}
	s.busy = true
	return s.unclaimF.Want(s.task.ID)
}

func (s *Screen) givenBack(err error) {
	s.busy = false
	if err != nil {
		s.refuse(ui.Explain(err))
		return
	}
	s.note, s.bad, s.misses = s.task.Bin+" given back: it waits for a counter", false, 0
	s.dropTask()
	s.scan.SetValue("")
	s.step = stepClaim
	s.prompt()
}

func (s *Screen) claimed(scan string, t dbcounts.Task, err error) {
	s.busy = false
	switch {
	case errors.Is(err, dbcounts.ErrNoWork):
		s.note, s.bad, s.misses = "Nothing to count at "+s.warehouse, false, 0
		s.scan.SetValue("")
		return
	case err != nil:
		s.refuse(ui.Explain(err))
		return
	}
	if s.task == nil || s.task.ID != t.ID {
		s.dropTask()
	}
	s.task, s.misses, s.note, s.bad = &t, 0, "", false
	s.scan.SetValue("")
	s.step = stepBin
	switch {
	case scan == "":
	case strings.EqualFold(scan, t.Bin):
		s.step = stepItem // the bin scanned is the one to count
	default:
		s.scan.SetValue(scan)
		s.refuse(fmt.Sprintf("Wrong bin: %s, go to %s", scan, t.Bin))
	}
	s.prompt()
}

// toClaim goes back to the claim prompt, or to the bin being counted.
func (s *Screen) toClaim() {
	s.step, s.cur, s.stale = stepClaim, 0, false
	if s.warehouse == "" {
		s.step = stepWarehouse
	}
	if s.task != nil {
		s.step = stepItem
	}
	s.prompt()
}

// between says whether the counter is between bins, where the lists and planning are.
func (s *Screen) between() bool {
	if s.task != nil {
		s.refuse("Finish or give back " + s.task.Bin + " first")
		return false
	}
	return s.warehouse != ""
}

func (s *Screen) toReviews() tea.Cmd {
	if !s.supervises() {
		s.refuse("Only a supervisor reviews counts")
		return nil
	}
	if !s.between() {
		return nil
	}
	s.step, s.cur, s.stale, s.note, s.bad = stepReviews, 0, false, "", false
	s.scan.SetValue("")
	s.prompt()
	return s.reviewsF.Want(struct{}{})
}

func (s *Screen) toCounts() tea.Cmd {
	if !s.between() {
		return nil
	}
	s.step, s.cur, s.stale, s.note, s.bad = stepCounts, 0, false, "", false
	s.scan.SetValue("")
	s.prompt()
	return s.countsF.Want(struct{}{})
}

func (s *Screen) startPlan() tea.Cmd {
	if !s.between() {
		return nil
	}
	s.step, s.note, s.bad = stepPlan, "", false
	s.scan.SetValue("")
	s.prompt()
	return nil
}

// askPlan reads "how what" (bins A-01 A-02, zone A, aisle 3, abc A, flags) and asks first.
func (s *Screen) askPlan(text string) tea.Cmd {
	if text == "" {
		return nil
	}
	how, arg, _ := strings.Cut(text, " ")
	how, arg = strings.ToLower(how), strings.TrimSpace(arg)
	if !slices.Contains(dbcounts.Plans, how) {
		s.refuse(fmt.Sprintf("A count is planned by %s, not %q", strings.Join(dbcounts.Plans, ", "), how))
		return nil
	}
	if arg == "" && how != "flags" {
		s.refuse(fmt.Sprintf("Which %s? Type it after the word: %s", how, planExample(how)))
		return nil
	}
	p := dbcounts.PlanRequest{Warehouse: s.warehouse, How: how, Arg: arg}
	sig := fmt.Sprintf("%+v", p)
	if s.pendingPlan.key == "" || s.pendingPlan.sig != sig {
		s.pendingPlan = planReq{key: ui.NewCommandKey("count-plan"), sig: sig, p: p}
	}
	s.plan, s.step, s.note, s.bad = p, stepPlanConfirm, "", false
	s.prompt()
	return nil
}

func planExample(how string) string {
	return map[string]string{"zone": "zone A", "aisle": "aisle 3", "bins": "bins A-01 A-02", "abc": "abc A"}[how]
}

func (s *Screen) planned(r planReq, c dbcounts.Count, err error) tea.Cmd {
	s.busy = false
	if err != nil {
		s.step = stepPlan
		s.prompt()
		s.scan.SetValue(strings.TrimSpace(r.p.How + " " + r.p.Arg))
		s.refuse(ui.Explain(err))
		return nil
	}
	s.pendingPlan = planReq{}
	s.scan.SetValue("")
	cmd := s.toCounts()
	s.note = fmt.Sprintf("✓ %s planned: %d bins", c.Number, c.Bins)
	if c.Bins == 1 {
		s.note = fmt.Sprintf("✓ %s planned: 1 bin", c.Number)
	}
	return cmd
}

// decideRequest is the decision chosen on the review shown; the same decision keeps its key.
func (s *Screen) decideRequest() decideReq {
	r := s.reviews[s.cur]
	d := dbcounts.Decision{Task: r.Task}
	if s.choice < len(s.reasons) {
		d.Approve, d.Reasons = true, map[string]string{"*": s.reasons[s.choice].Code}
	}
	sig := fmt.Sprintf("%d %v %v", d.Task, d.Approve, d.Reasons)
	if s.pendingDecide.key == "" || s.pendingDecide.sig != sig {
		s.pendingDecide = decideReq{key: ui.NewCommandKey("count-decide"), sig: sig, bin: r.Bin, d: d}
	}
	return s.pendingDecide
}

func (s *Screen) decided(r decideReq, err error) tea.Cmd {
	s.busy = false
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || ui.IsConnectionError(err) {
			s.refuse("No answer from the database: press y to send the same decision again (it applies once)")
		} else {
			s.refuse(ui.Explain(err))
		}
		return nil
	}
	s.pendingDecide = decideReq{}
	s.step = stepReviews
	s.prompt()
	if r.d.Approve {
		s.note = fmt.Sprintf("✓ %s approved and posted (%s)", r.bin, r.d.Reasons["*"])
	} else {
		s.note = fmt.Sprintf("✓ %s rejected: nothing posted", r.bin)
	}
	s.bad, s.misses = false, 0
	return s.reviewsF.Want(struct{}{})
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
	case stepClaim:
		p = "scan bin or enter"
		if narrow {
			p = "bin or enter"
		}
	case stepBin:
		p = "scan bin"
	case stepItem:
		p = "scan item or 5*SKU"
		if narrow {
			p = "item or 5*SKU"
		}
	case stepLot:
		p = "lot code"
	case stepPlan:
		p = "how and what"
	}
	s.scan.Placeholder = p
}
