package returns

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"oms/db/returns"
	"oms/model"
	"oms/tui/ui"
)

// viewUnexpected is the queue's last list: the undecided unexpected items (not an RMA list of
// db/returns, so the desk names it itself).
const viewUnexpected returns.View = "unexpected"

// noteLimit is how long a short note may be.
const noteLimit = 80

// curView is the queue's chosen list.
func (s *Screen) curView() returns.View {
	if s.view >= len(returns.Views) {
		return viewUnexpected
	}
	return returns.Views[s.view]
}

// onRMA says whether the step shows an RMA (and its header).
func (s *Screen) onRMA() bool {
	switch s.step {
	case stepRMA, stepInspect, stepRefund, stepRefundConfirm, stepExchange, stepAuthorize, stepEnd, stepEndConfirm:
		return true
	}
	return false
}

// onOrder says whether the step shows an order.
func (s *Screen) onOrder() bool {
	return s.step == stepOrder || s.step == stepForm || s.step == stepFormConfirm
}

type decideReq struct {
	key      string
	id       int64
	decision string
}

type asideReq struct {
	key       string
	warehouse string
	scan      string
	qty       int
	note      string
}

type authReq struct {
	key string
	rma int64
}

type endReq struct {
	key    string
	rma    int64
	cancel bool // cancel (nothing came back); otherwise close
	note   string
}

// asideForm is something that came without an RMA, as it is typed.
type asideForm struct {
	scan, qty, note, warehouse string // the rows 0 to 3 (s.row is the focused one)
}

func (s *Screen) moreFetchers(data Data) {
	c := s.ctx
	s.decideF = ui.NewFetcher(c, s.id, "returns decide", func(r decideReq) ui.Query[struct{}] {
		return func(ctx context.Context) (struct{}, error) {
			return struct{}{}, data.Decide(ctx, r.key, r.id, r.decision)
		}
	})
	s.asideF = ui.NewFetcher(c, s.id, "returns put aside", func(r asideReq) ui.Query[int64] {
		return func(ctx context.Context) (int64, error) {
			return data.RecordUnexpected(ctx, r.key, r.warehouse, r.scan, r.qty, r.note)
		}
	})
	s.authF = ui.NewFetcher(c, s.id, "returns authorize", func(r authReq) ui.Query[returns.RMA] {
		return func(ctx context.Context) (returns.RMA, error) {
			if err := data.Authorize(ctx, r.key, r.rma); err != nil {
				return returns.RMA{}, err
			}
			return data.RMA(ctx, r.rma)
		}
	})
	s.endF = ui.NewFetcher(c, s.id, "returns cancel or close", func(r endReq) ui.Query[returns.RMA] {
		return func(ctx context.Context) (returns.RMA, error) {
			var err error
			if r.cancel {
				err = data.Cancel(ctx, r.key, r.rma, r.note)
			} else {
				err = data.Close(ctx, r.key, r.rma, r.note)
			}
			if err != nil {
				return returns.RMA{}, err
			}
			return data.RMA(ctx, r.rma)
		}
	})
}

func (s *Screen) onMoreResult(msg ui.Result) tea.Cmd {
	if a, mine, ok, next := s.decideF.Take(msg); mine {
		if ok {
			return tea.Batch(s.decided(a.Wish, a.Err), next)
		}
		return next
	}
	if a, mine, ok, next := s.asideF.Take(msg); mine {
		if ok {
			return tea.Batch(s.putAside(a.Wish, a.Value, a.Err), next)
		}
		return next
	}
	if a, mine, ok, next := s.authF.Take(msg); mine {
		if ok {
			s.authorized(a.Value, a.Err)
		}
		return next
	}
	if a, mine, ok, next := s.endF.Take(msg); mine {
		if ok {
			s.ended(a.Wish, a.Value, a.Err)
		}
		return next
	}
	return nil
}

// ── Unexpected items: decide ──────────────────────────────────────────────────────────────

// decisionsFor are the decisions an item may take: adding it to its RMA only when it came with
// one and names a product oms knows; keeping it as stock only for a known product.
func decisionsFor(u returns.Unexpected) []string {
	var out []string
	for _, d := range returns.Decisions {
		switch d {
		case "added_to_rma":
			if u.RMA == "" || u.SKU == "" {
				continue
			}
		case "kept":
			if u.SKU == "" {
				continue
			}
		}
		out = append(out, d)
	}
	return out
}

// what names an unexpected item: its SKU, or what was scanned.
func what(u returns.Unexpected) string {
	if u.SKU != "" {
		return u.SKU
	}
	return u.Scan
}

// decisionLabel is a decision as the chooser offers it.
func decisionLabel(d string, u returns.Unexpected, narrow bool) string {
	switch d {
	case "added_to_rma":
		if narrow {
			return "add to RMA"
		}
		return "Add to " + u.RMA
	case "sent_back":
		if narrow {
			return "send back"
		}
		return "Send back to the customer"
	case "kept":
		if narrow {
			return "keep (quar.)"
		}
		return "Keep as found stock (quarantine)"
	case "scrapped":
		if narrow {
			return "scrap"
		}
		return "Scrap"
	}
	return d
}

// decisionQuestion asks for a decision.
func decisionQuestion(d string, u returns.Unexpected) string {
	n := fmt.Sprintf("%d × %s", u.Qty, what(u))
	switch d {
	case "added_to_rma":
		return fmt.Sprintf("Add %s to %s and receive it?", n, u.RMA)
	case "sent_back":
		return fmt.Sprintf("Send %s back to the customer?", n)
	case "kept":
		return fmt.Sprintf("Keep %s as found stock in quarantine?", n)
	case "scrapped":
		return fmt.Sprintf("Scrap %s?", n)
	}
	return fmt.Sprintf("%s: %s?", n, d)
}

// decisionDone says what a decision did.
func decisionDone(d string, u returns.Unexpected) string {
	n := fmt.Sprintf("%d × %s", u.Qty, what(u))
	switch d {
	case "added_to_rma":
		return fmt.Sprintf("✓ %s added to %s and received", n, u.RMA)
	case "sent_back":
		return fmt.Sprintf("✓ %s to send back to the customer", n)
	case "kept":
		return fmt.Sprintf("✓ %s kept as found stock in quarantine", n)
	case "scrapped":
		return fmt.Sprintf("✓ %s scrapped", n)
	}
	return fmt.Sprintf("✓ %s %s", n, strings.ReplaceAll(d, "_", " "))
}

// decideHelp is enter on the unexpected list: it decides the chosen item.
func (s *Screen) decideHelp() key.Binding {
	k := s.ctx.Keys.Input.Submit
	return key.NewBinding(key.WithKeys(k.Keys()...), key.WithHelp(k.Help().Key, "decide"))
}

func (s *Screen) startDecide() tea.Cmd {
	if s.cur >= len(s.items) {
		return nil
	}
	s.deciding = s.items[s.cur]
	s.choices, s.choice = decisionsFor(s.deciding), 0
	s.step = stepDecide
	s.clearNote()
	s.prompt()
	return nil
}

func (s *Screen) onDecideKey(msg tea.KeyMsg) tea.Cmd {
	in, list := &s.ctx.Keys.Input, &s.ctx.Keys.List
	switch {
	case key.Matches(msg, in.Submit):
		s.step = stepDecideConfirm
		s.clearNote()
		s.prompt()
	case key.Matches(msg, in.Cancel):
		s.step = stepQueue
		s.clearNote()
		s.prompt()
	case key.Matches(msg, list.Up):
		s.choice = max(s.choice-1, 0)
	case key.Matches(msg, list.Down):
		s.choice = min(s.choice+1, len(s.choices)-1)
	}
	return nil
}

func (s *Screen) sendDecide() tea.Cmd {
	req := decideReq{key: ui.NewCommandKey("rma-decide"), id: s.deciding.ID, decision: s.choices[s.choice]}
	if p := s.pendingDecide; p.key != "" && p.id == req.id && p.decision == req.decision {
		req.key = p.key
	}
	s.pendingDecide, s.busy = req, true
	return s.decideF.Want(req)
}

func (s *Screen) decided(req decideReq, err error) tea.Cmd {
	s.busy = false
	if err != nil {
		s.refuse(ui.Explain(err))
		if !ui.IsConnectionError(err) {
			// Refused (decided by someone else meanwhile): the list as it was, the sentence kept.
			s.step, s.pendingDecide = stepQueue, decideReq{}
			s.prompt()
		} // otherwise still at the question: y again sends the same key
		return nil
	}
	s.pendingDecide = decideReq{}
	s.items = withoutItem(s.items, req.id)
	s.counts.Unexpected = max(s.counts.Unexpected-1, 0)
	s.cur = min(s.cur, max(len(s.items)-1, 0))
	s.step, s.misses, s.bad = stepQueue, 0, false
	s.note = decisionDone(req.decision, s.deciding)
	s.prompt()
	return s.queueF.Want(s.curView())
}

func withoutItem(items []returns.Unexpected, id int64) []returns.Unexpected {
	var out []returns.Unexpected
	for _, u := range items {
		if u.ID != id {
			out = append(out, u)
		}
	}
	return out
}

// ── Something without an RMA: put it aside ────────────────────────────────────────────────

func (s *Screen) asideRows() int {
	if s.warehouse == "" {
		return 4
	}
	return 3
}

func (s *Screen) startAside() tea.Cmd {
	switch s.step {
	case stepQueue, stepHits, stepOrder:
	default:
		return nil
	}
	text := strings.TrimSpace(s.scan.Value())
	s.aside, s.row = asideForm{scan: text, qty: "1"}, 0
	if text != "" {
		s.row = 1 // what was scanned is known: how many
	}
	s.scan.SetValue("")
	s.step = stepAside
	s.clearNote()
	s.prompt()
	return nil
}

func (s *Screen) asideTyped(text string) {
	a := &s.aside
	switch s.row {
	case 0:
		if len(a.scan) < 64 {
			a.scan += strings.TrimSpace(text)
		}
	case 1:
		for _, r := range text {
			if r >= '0' && r <= '9' && len(a.qty) < 5 {
				if a.qty == "0" {
					a.qty = ""
				}
				a.qty += string(r)
			}
		}
	case 2:
		if ui.Width(a.note) < noteLimit {
			a.note += text
		}
	case 3:
		if len(a.warehouse) < 16 {
			a.warehouse += strings.ToUpper(strings.TrimSpace(text))
		}
	}
}

func (s *Screen) asideBackspace() {
	a := &s.aside
	switch s.row {
	case 0:
		a.scan = cut(a.scan)
	case 1:
		a.qty = cut(a.qty)
	case 2:
		a.note = cut(a.note)
	case 3:
		a.warehouse = cut(a.warehouse)
	}
}

func (s *Screen) sendAside() tea.Cmd {
	a := s.aside
	wh := s.warehouse
	if wh == "" {
		wh = strings.TrimSpace(a.warehouse)
	}
	qty, err := strconv.Atoi(a.qty)
	switch {
	case strings.TrimSpace(a.scan) == "":
		s.row = 0
		s.refuse("Scan or type what came: its barcode, SKU or what it is")
		return nil
	case err != nil || qty < 1 || qty > 10000:
		s.row = 1
		s.refuse("Type how many units came: 1 to 10000")
		return nil
	case wh == "":
		s.row = 3
		s.refuse("Type the warehouse it is put aside in")
		return nil
	}
	req := asideReq{key: ui.NewCommandKey("rma-aside"), warehouse: wh, scan: strings.TrimSpace(a.scan), qty: qty, note: strings.TrimSpace(a.note)}
	if p := s.pendingAside; p.key != "" && p.warehouse == req.warehouse && p.scan == req.scan && p.qty == req.qty && p.note == req.note {
		req.key = p.key
	}
	s.pendingAside, s.busy = req, true
	return s.asideF.Want(req)
}

func (s *Screen) putAside(req asideReq, id int64, err error) tea.Cmd {
	s.busy = false
	if err != nil {
		s.refuse(ui.Explain(err)) // the form stays as typed; enter again sends the same key
		return nil
	}
	s.pendingAside = asideReq{}
	s.step, s.view, s.cur = stepQueue, len(returns.Views), 0
	s.misses, s.bad = 0, false
	s.note = fmt.Sprintf("✓ %d × %s put aside as unexpected at %s", req.qty, strings.ToUpper(req.scan), strings.ToUpper(req.warehouse))
	s.prompt()
	return s.queueF.Want(s.curView())
}

// ── An RMA: authorise, cancel or close ────────────────────────────────────────────────────

func (s *Screen) canAuthorize() bool {
	return s.supervisor() && s.rma != nil && s.rma.Status == model.RMARequested
}

func (s *Screen) startAuthorize() tea.Cmd {
	if s.step != stepRMA || s.rma == nil {
		return nil
	}
	switch {
	case s.rma.Status != model.RMARequested:
		s.refuse(fmt.Sprintf("%s waits for nobody: it is %s", s.rma.Number, s.rma.Status.Label()))
		return nil
	case !s.supervisor():
		s.refuse(fmt.Sprintf("Only a supervisor authorises %s (outside the return window): ask one", s.rma.Number))
		return nil
	}
	s.step = stepAuthorize
	s.clearNote()
	s.prompt()
	return nil
}

func (s *Screen) sendAuthorize() tea.Cmd {
	req := authReq{key: ui.NewCommandKey("rma-authorize"), rma: s.rma.ID}
	if p := s.pendingAuth; p.key != "" && p.rma == req.rma {
		req.key = p.key
	}
	s.pendingAuth, s.busy = req, true
	return s.authF.Want(req)
}

func (s *Screen) authorized(r returns.RMA, err error) {
	s.busy = false
	if err != nil {
		s.refuse(ui.Explain(err))
		if !ui.IsConnectionError(err) {
			s.step, s.pendingAuth = stepRMA, authReq{}
			s.prompt()
		}
		return
	}
	s.pendingAuth = authReq{}
	s.rma, s.step, s.stale, s.misses, s.bad = &r, stepRMA, false, 0, false
	s.note = fmt.Sprintf("✓ %s %s: the customer may send it back", r.Number, r.Status.Label())
	s.prompt()
}

// received is how many units of the RMA came back.
func unitsBack(r *returns.RMA) int64 {
	n := int64(0)
	for _, l := range r.Lines {
		n += l.Received
	}
	return n
}

// endHelp is the end key's help: cancel when nothing came back, close otherwise.
func (s *Screen) endHelp() key.Binding {
	k := s.ctx.Keys.Returns.End
	what := "close"
	if s.rma != nil && unitsBack(s.rma) == 0 {
		what = "cancel RMA"
	}
	return key.NewBinding(key.WithKeys(k.Keys()...), key.WithHelp(k.Help().Key, what))
}

func (s *Screen) startEnd() tea.Cmd {
	if s.step != stepRMA || s.rma == nil {
		return nil
	}
	if !s.rma.Status.Open() {
		s.refuse(fmt.Sprintf("%s is %s already", s.rma.Number, s.rma.Status.Label()))
		return nil
	}
	s.step, s.endNote, s.row = stepEnd, "", 0
	s.clearNote()
	s.prompt()
	return nil
}

func (s *Screen) sendEnd() tea.Cmd {
	req := endReq{key: ui.NewCommandKey("rma-end"), rma: s.rma.ID, cancel: unitsBack(s.rma) == 0, note: strings.TrimSpace(s.endNote)}
	if p := s.pendingEnd; p.key != "" && p.rma == req.rma && p.cancel == req.cancel && p.note == req.note {
		req.key = p.key
	}
	s.pendingEnd, s.busy = req, true
	return s.endF.Want(req)
}

func (s *Screen) ended(req endReq, r returns.RMA, err error) {
	s.busy = false
	if err != nil {
		s.refuse(ui.Explain(err))
		if !ui.IsConnectionError(err) {
			// Refused (units not graded, a refund due): the RMA as it was, with the sentence.
			s.step, s.pendingEnd = stepRMA, endReq{}
			s.prompt()
		}
		return
	}
	s.pendingEnd = endReq{}
	s.rma, s.step, s.stale, s.misses, s.bad = &r, stepRMA, false, 0, false
	s.note = fmt.Sprintf("✓ %s %s", r.Number, r.Status.Label())
	s.prompt()
}

// endQuestion asks to cancel or close the RMA shown.
func (s *Screen) endQuestion() string {
	r := s.rma
	if unitsBack(r) == 0 {
		return fmt.Sprintf("Cancel %s? Nothing of it came back.", r.Number)
	}
	missing := int64(0)
	for _, l := range r.Lines {
		missing += max(l.Requested-l.Received, 0)
	}
	if missing == 0 {
		return fmt.Sprintf("Close %s?", r.Number)
	}
	verb := "are"
	if missing == 1 {
		verb = "is"
	}
	return fmt.Sprintf("Close %s? The %s not back %s not coming.", r.Number, units(missing), verb)
}
