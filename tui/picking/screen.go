package picking

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
	"oms/db/orders"
	"oms/db/picking"
	"oms/keymaps"
	"oms/model"
	"oms/tui/ui"
)

// Data is what the screen reads and the commands it gives (db/picking, and the short-pick
// reasons from the reason codes).
type Data interface {
	Claim(ctx context.Context, picker, warehouse, tote string) (picking.Batch, error)
	Confirm(ctx context.Context, key string, p picking.Pick) (picking.TaskState, error)
	Short(ctx context.Context, key string, taskID int64, reason string) (picking.ShortResult, error)
	ShortReasons(ctx context.Context) ([]orders.Reason, error)
	Where(ctx context.Context, warehouse, scan string) ([]string, error)
	RulesOf(ctx context.Context, warehouse string) (picking.Rules, error)
	Release(ctx context.Context, key string, opts picking.ReleaseOptions) ([]picking.BatchSummary, error)
}

// claimed is a batch and its warehouse's verification rules, read together.
type claimed struct {
	batch picking.Batch
	rules picking.Rules
}

// Route names the screen.
const Route ui.Route = "picking"

// Jobs are whose work picking is; the database refuses anyone else.
var Jobs = []string{"picker", "supervisor"}

// Def is the screen's entry in the route table.
func Def(data Data) ui.Def {
	return ui.Def{Route: Route, Title: "Picking", Short: "Pick", Jobs: Jobs,
		Key:   func(k *keymaps.KeyMap) key.Binding { return k.Global.Picking },
		Build: func(c *ui.Context, _ any) ui.Component { return New(c, data) }}
}

// step is the one prompt the screen waits at.
type step int

const (
	stepWarehouse step = iota // the picker has no home warehouse: which one?
	stepTote                  // scan a tote (or Enter) to claim the next batch
	stepBin                   // scan the task's bin
	stepItem                  // scan the item, once per unit, or type a count
	stepReason                // a short pick's reason
	stepDone                  // the batch is picked: take the tote to packing
)

// Screen is the picking screen.
type Screen struct {
	ctx  *ui.Context
	id   ui.InstanceID
	scan textinput.Model
	step step
	busy bool
	w, h int

	warehouse string
	tote      string
	batch     *picking.Batch
	task      int    // index in batch.Tasks of the task being picked
	lastItem  string // the item scanned for this task (a typed count repeats it)
	binScan   string // the bin scanned for this task, as scanned (the database records it)
	reasons   []orders.Reason
	reason    int  // cursor in reasons
	where     bool // the next scan asks where it is
	answer    []string

	note   string // the last outcome
	bad    bool   // note is a refusal: bell and ✗
	misses int    // wrong scans in a row: the note changes with each one, so each rings
	// After a refusal the field keeps the scan for the person to read; the next key typed or
	// scanned replaces it rather than adding to it.
	replace bool
	// refresh: the batch is being read again after a refusal, not claimed anew.
	refresh bool
	// A confirmation that failed keeps its key for the same scan of the same task: submitting
	// it again (after a time-out, say) retries the same command, which applies at most once.
	pending confirmReq

	rules   picking.Rules
	claim   *ui.Fetcher[string, claimed]
	confirm *ui.Fetcher[confirmReq, picking.TaskState]
	short   *ui.Fetcher[shortReq, picking.ShortResult]
	reasonF *ui.Fetcher[struct{}, []orders.Reason]
	whereF  *ui.Fetcher[string, []string]
	release *ui.Fetcher[string, []picking.BatchSummary]
}

type confirmReq struct {
	key  string
	pick picking.Pick
}

type shortReq struct {
	key    string
	task   int64
	reason string
}

// New builds the screen at its first prompt.
func New(c *ui.Context, data Data) *Screen {
	ti := textinput.New()
	ti.Prompt = "> "
	ti.CharLimit = 128
	ti.Cursor.SetMode(cursor.CursorStatic)
	ti.Focus()
	s := &Screen{ctx: c, id: ui.NewInstanceID(), scan: ti, warehouse: c.User.Warehouse}
	s.step = stepTote
	if s.warehouse == "" {
		s.step = stepWarehouse
	}
	s.claim = ui.NewFetcher(c, s.id, "pick claim", func(tote string) ui.Query[claimed] {
		return func(ctx context.Context) (claimed, error) {
			b, err := data.Claim(ctx, "", s.warehouse, tote)
			if err != nil {
				return claimed{}, err
			}
			r, err := data.RulesOf(ctx, b.Warehouse)
			return claimed{b, r}, err
		}
	})
	s.confirm = ui.NewFetcher(c, s.id, "pick confirm", func(r confirmReq) ui.Query[picking.TaskState] {
		return func(ctx context.Context) (picking.TaskState, error) { return data.Confirm(ctx, r.key, r.pick) }
	})
	s.short = ui.NewFetcher(c, s.id, "pick short", func(r shortReq) ui.Query[picking.ShortResult] {
		return func(ctx context.Context) (picking.ShortResult, error) {
			return data.Short(ctx, r.key, r.task, r.reason)
		}
	})
	s.reasonF = ui.NewFetcher(c, s.id, "short reasons", func(struct{}) ui.Query[[]orders.Reason] {
		return func(ctx context.Context) ([]orders.Reason, error) { return data.ShortReasons(ctx) }
	})
	s.whereF = ui.NewFetcher(c, s.id, "where is it", func(scan string) ui.Query[[]string] {
		return func(ctx context.Context) ([]string, error) { return data.Where(ctx, s.warehouse, scan) }
	})
	s.release = ui.NewFetcher(c, s.id, "pick release", func(key string) ui.Query[[]picking.BatchSummary] {
		return func(ctx context.Context) ([]picking.BatchSummary, error) {
			return data.Release(ctx, key, picking.ReleaseOptions{Warehouse: s.warehouse})
		}
	})
	s.prompt()
	return s
}

// supervises reports whether the person may release work (the database decides in the end).
func (s *Screen) supervises() bool {
	return len(s.ctx.Jobs) == 0 || slices.Contains(s.ctx.Jobs, "supervisor") || slices.Contains(s.ctx.Jobs, "backoffice")
}

func (s *Screen) ID() ui.InstanceID         { return s.id }
func (s *Screen) Title() string             { return "Picking" }
func (s *Screen) SetSize(width, height int) { s.w, s.h = width, height }
func (s *Screen) Init() tea.Cmd             { return nil }

// Capturing: the field has the keys while it holds a scan, a reason is being chosen or the
// next scan asks where something is. With an empty field the shell's keys come first, so esc
// goes back to where the picker came from.
func (s *Screen) Capturing() bool {
	return s.scan.Value() != "" || s.step == stepReason || s.where || s.busy
}

// HasUnsavedInput: a claimed batch is not lost on quit (its lease brings it back), but a scan
// typed and not submitted would be.
func (s *Screen) HasUnsavedInput() bool { return strings.TrimSpace(s.scan.Value()) != "" }

// ShortHelp is the footer: what the prompt takes, then short pick and where-is-it while picking.
func (s *Screen) ShortHelp() []key.Binding {
	in, pk := s.ctx.Keys.Input, s.ctx.Keys.Picking
	switch s.step {
	case stepBin, stepItem:
		return []key.Binding{in.Submit, pk.Short, pk.Where, in.Clear}
	case stepReason:
		return []key.Binding{in.Submit, in.Cancel}
	default:
		if s.supervises() {
			return []key.Binding{in.Submit, pk.Release, pk.Where, in.Clear}
		}
		return []key.Binding{in.Submit, pk.Where, in.Clear}
	}
}

// FullHelp is the help page.
func (s *Screen) FullHelp() [][]key.Binding {
	return [][]key.Binding{s.ctx.Keys.Input.ShortHelp(), s.ctx.Keys.Picking.ShortHelp()}
}

// Update takes scans, keys and answers.
func (s *Screen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case ui.Result:
		return s.onResult(msg)
	case tea.KeyMsg:
		return s.onKey(msg)
	}
	return nil
}

func (s *Screen) onResult(msg ui.Result) tea.Cmd {
	if a, mine, ok, next := s.claim.Take(msg); mine {
		if ok {
			s.claimed(a.Value.batch, a.Value.rules, a.Err)
		}
		return next
	}
	if a, mine, ok, next := s.confirm.Take(msg); mine {
		if ok {
			return tea.Batch(s.confirmed(a.Wish, a.Value, a.Err), next)
		}
		return next
	}
	if a, mine, ok, next := s.short.Take(msg); mine {
		if ok {
			return tea.Batch(s.shorted(a.Value, a.Err), next)
		}
		return next
	}
	if a, mine, ok, next := s.reasonF.Take(msg); mine {
		if ok {
			s.busy = false
			if a.Err != nil {
				s.refuse(ui.Explain(a.Err))
			} else {
				s.reasons, s.reason, s.step = a.Value, 0, stepReason
				s.note, s.bad = "", false
				s.prompt()
			}
		}
		return next
	}
	if a, mine, ok, next := s.release.Take(msg); mine {
		if ok {
			s.busy = false
			if a.Err != nil {
				s.refuse(ui.Explain(a.Err))
			} else {
				s.note, s.bad, s.answer = picking.Released(a.Value), false, nil
				for _, b := range a.Value {
					s.answer = append(s.answer, b.Line())
				}
			}
		}
		return next
	}
	if a, mine, ok, next := s.whereF.Take(msg); mine {
		if ok {
			s.busy = false
			if a.Err != nil {
				s.refuse(ui.Explain(a.Err))
			} else {
				s.answer, s.note, s.bad = a.Value, "", false
				s.scan.SetValue("")
			}
		}
		return next
	}
	return nil
}

func (s *Screen) onKey(msg tea.KeyMsg) tea.Cmd {
	in, pk := &s.ctx.Keys.Input, &s.ctx.Keys.Picking
	if s.busy {
		return nil // one command at a time; the field keeps what was scanned
	}
	if s.step == stepReason {
		return s.onReasonKey(msg)
	}
	switch {
	case key.Matches(msg, in.Submit):
		return s.submit(strings.TrimSpace(s.scan.Value()))
	case key.Matches(msg, in.Clear):
		s.scan.SetValue("")
		return nil
	case key.Matches(msg, in.Cancel):
		if s.where {
			s.where = false
			s.prompt()
			return nil
		}
		s.scan.SetValue("")
		return nil
	case key.Matches(msg, pk.Where):
		s.where, s.answer = !s.where, nil
		s.prompt()
		return nil
	case key.Matches(msg, pk.Short):
		if s.step != stepBin && s.step != stepItem {
			return nil
		}
		s.busy = true
		return s.reasonF.Want(struct{}{})
	case key.Matches(msg, pk.Release):
		if (s.step != stepTote && s.step != stepDone) || !s.supervises() {
			return nil
		}
		s.busy = true
		return s.release.Want(ui.NewCommandKey("waves-release"))
	}
	if s.replace && (msg.Type == tea.KeyRunes || msg.Paste) {
		s.scan.SetValue("")
	}
	s.replace = false
	var cmd tea.Cmd
	s.scan, cmd = s.scan.Update(msg)
	return cmd
}

func (s *Screen) onReasonKey(msg tea.KeyMsg) tea.Cmd {
	in, list := &s.ctx.Keys.Input, &s.ctx.Keys.List
	switch {
	case key.Matches(msg, in.Cancel):
		s.step = stepBin
		if s.lastItem != "" {
			s.step = stepItem
		}
		s.prompt()
	case key.Matches(msg, list.Up):
		s.reason = max(s.reason-1, 0)
	case key.Matches(msg, list.Down):
		s.reason = min(s.reason+1, len(s.reasons)-1)
	case key.Matches(msg, in.Submit):
		if len(s.reasons) == 0 {
			return nil
		}
		t := s.current()
		s.busy = true
		return s.short.Want(shortReq{key: ui.NewCommandKey("pick-short"), task: t.ID, reason: s.reasons[s.reason].Code})
	default:
		// A digit chooses the reason with that number: one key on a handheld.
		if n, err := strconv.Atoi(msg.String()); err == nil && n >= 1 && n <= len(s.reasons) {
			s.reason = n - 1
		}
	}
	return nil
}

// submit acts on the field's text at the current prompt.
func (s *Screen) submit(text string) tea.Cmd {
	if s.where {
		if text == "" {
			return nil
		}
		s.busy = true
		return s.whereF.Want(text)
	}
	s.answer = nil
	switch s.step {
	case stepWarehouse:
		if text == "" {
			return nil
		}
		s.warehouse, s.step = strings.ToUpper(text), stepTote
		s.scan.SetValue("")
		s.prompt()
	case stepTote, stepDone:
		s.busy, s.tote, s.batch = true, text, nil
		return s.claim.Want(text)
	case stepBin:
		return s.scanBin(text)
	case stepItem:
		return s.scanItem(text)
	}
	return nil
}

// scanBin checks the scanned bin against the task's, its code or its barcode, as the
// warehouse's rule for bins says: refuse, warn, or not check.
func (s *Screen) scanBin(text string) tea.Cmd {
	if text == "" {
		return nil
	}
	t := s.current()
	s.note, s.bad = "", false
	if !strings.EqualFold(text, t.Bin) && (t.BinBarcode == "" || text != t.BinBarcode) {
		switch s.rules.Bin {
		case "none":
		case "warn":
			s.note = fmt.Sprintf("! %s is not %s: picking from %s as told", text, t.Bin, t.Bin)
		default:
			s.refuse(fmt.Sprintf("Wrong bin: %s, go to %s", text, t.Bin))
			return nil
		}
	}
	s.step, s.misses, s.binScan = stepItem, 0, text
	s.scan.SetValue("")
	s.prompt()
	return nil
}

// scanItem confirms units: a scan is one unit (or a GS1 count); a number of at most four digits
// typed after the item was scanned once is a count of that item.
func (s *Screen) scanItem(text string) tea.Cmd {
	if text == "" {
		return nil
	}
	t := s.current()
	pick := picking.Pick{Task: t.ID, Bin: s.binScan, Item: text, Qty: 1}
	if n, err := strconv.Atoi(text); err == nil && len(text) <= 4 && s.lastItem != "" {
		if n <= 0 {
			s.refuse("a count is at least 1")
			return nil
		}
		pick.Item, pick.Qty = s.lastItem, n
	} else if model.LooksLikeGS1(text) {
		g, err := model.ParseGS1At(text, s.ctx.Clock())
		if err != nil {
			s.refuse(err.Error())
			return nil
		}
		pick.Item, pick.Lot = firstOf(g.GTIN, g.ContentGTIN), g.Lot
		if g.Count > 0 {
			pick.Qty = g.Count
		}
	}
	if pick.Qty > t.Remaining() {
		s.refuse(fmt.Sprintf("Too many: %d × %s left to pick here, not %d", t.Remaining(), t.SKU, pick.Qty))
		return nil
	}
	req := confirmReq{key: ui.NewCommandKey("pick"), pick: pick}
	if s.pending.key != "" && s.pending.pick == pick {
		req.key = s.pending.key
	}
	s.pending, s.busy = req, true
	return s.confirm.Want(req)
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

func (s *Screen) claimed(b picking.Batch, rules picking.Rules, err error) {
	s.busy = false
	refresh := s.refresh
	s.refresh = false
	switch {
	case errors.Is(err, picking.ErrNoWork) && refresh:
		// The batch went away under the picker (its orders cancelled): the refusal says why.
		s.note += ". Nothing else is ready to pick in " + s.warehouse
		s.batch, s.step = nil, stepTote
		s.scan.SetValue("")
		s.prompt()
		return
	case errors.Is(err, picking.ErrNoWork):
		s.refuse("No pick work is ready in " + s.warehouse)
		s.step = stepTote
		return
	case err != nil:
		s.refuse(ui.Explain(err))
		if s.batch == nil {
			s.step = stepTote
		}
		return
	}
	fresh := s.batch == nil || s.batch.ID != b.ID
	if refresh && !fresh {
		// Read again after a refusal: stay at the task while it is still to pick, keeping the
		// scan and the refusal; go on to the next when it is not.
		task := s.current().ID
		s.batch, s.rules = &b, rules
		for i, t := range b.Tasks {
			if t.ID == task && t.Open() {
				s.task = i
				return
			}
		}
		s.next()
		return
	}
	s.batch, s.rules, s.misses = &b, rules, 0
	if fresh {
		s.note, s.bad = "", false
	}
	s.scan.SetValue("")
	s.next()
	if fresh && s.step == stepBin {
		done, total := b.Progress()
		s.note = fmt.Sprintf("%s: %d of %d tasks to pick", b.Code, total-done, total)
	}
}

func (s *Screen) confirmed(req confirmReq, st picking.TaskState, err error) tea.Cmd {
	s.busy = false
	if err != nil {
		// The field keeps the scan; submitting it again retries the same command (s.pending),
		// which the database applies at most once. A refusal may mean the batch changed under
		// the picker (the order cancelled or re-routed, the lease taken over): read it again.
		s.refuse(ui.Explain(err))
		var ce *db.ConstraintError
		if errors.As(err, &ce) {
			s.refresh = true
			return s.claim.Want(s.tote)
		}
		return nil
	}
	s.scan.SetValue("")
	s.misses, s.bad, s.pending = 0, false, confirmReq{}
	t := &s.batch.Tasks[s.task]
	t.Picked, t.Status = st.Picked, st.Status
	s.lastItem = req.pick.Item
	s.note = fmt.Sprintf("✓ %d × %s picked (%d/%d)", req.pick.Qty, t.SKU, t.Picked, t.Qty)
	if len(st.Warnings) > 0 {
		s.note += " — " + strings.Join(st.Warnings, "; ")
	}
	if st.BatchDone() {
		s.finish()
		return nil
	}
	if !t.Open() {
		s.next()
	}
	return nil
}

func (s *Screen) shorted(r picking.ShortResult, err error) tea.Cmd {
	s.busy = false
	if err != nil {
		s.refuse(ui.Explain(err))
		return nil
	}
	s.note, s.bad, s.misses = r.Sentence, false, 0
	if r.BatchDone() {
		s.finish()
		return nil
	}
	// Re-tasked units are new tasks of this batch: read it again (a claim returns the picker's
	// own batch and renews its lease).
	s.busy = true
	return s.claim.Want(s.tote)
}

// next moves to the first open task, or finishes the batch.
func (s *Screen) next() {
	s.lastItem = ""
	for i, t := range s.batch.Tasks {
		if t.Open() {
			s.task, s.step = i, stepBin
			s.prompt()
			return
		}
	}
	s.finish()
}

func (s *Screen) finish() {
	s.step, s.lastItem = stepDone, ""
	s.prompt()
}

func (s *Screen) current() picking.Task { return s.batch.Tasks[s.task] }

// refuse shows why a scan or command was refused: the field keeps the scan.
func (s *Screen) refuse(why string) {
	s.note, s.bad, s.replace = why, true, true
	s.misses++
}

// prompt sets the field's placeholder for the current step.
func (s *Screen) prompt() {
	p := map[step]string{stepWarehouse: "warehouse code", stepTote: "scan tote or enter", stepBin: "scan bin",
		stepItem: "scan item", stepReason: "", stepDone: "scan tote or enter"}[s.step]
	if s.step == stepItem && s.lastItem != "" {
		p = "scan item or type a count"
	}
	if s.where {
		p = "scan to find"
	}
	s.scan.Placeholder = p
}
