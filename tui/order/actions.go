package order

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"oms/db/alloc"
	"oms/db/orders"
	"oms/keymaps"
	"oms/model"
	"oms/tui/ui"
)

// ActJobs may act on an order (hold, release, cancel, edit, re-route, split): migration 00009
// grants the writes to the back office, and the supervisor holds every operational job. The screen offers the
// keys only to them; the database refuses anyone else whatever the screen shows.
var ActJobs = []string{"backoffice", "supervisor"}

// kind is what the person set out to do.
type kind int

const (
	actHold kind = iota + 1
	actRelease
	actCancel
	actEdit
	actReroute
	actSplit
)

// step is where the action is: choosing what to cancel, choosing a reason, confirming, or
// typing the edit.
type step int

const (
	stepTarget step = iota + 1
	stepReason
	stepConfirm
	stepForm
)

// choice is one row of a picker: a line to cancel (id 0: the whole order), a reason, or a
// warehouse to re-route to (code, and what it has of the order in stock).
type choice struct {
	id    int64
	code  string
	label string
	stock string
}

// action is the one action open over the order. Its key is made when it opens and kept until
// it succeeds, so Enter twice, or a retry after a lost answer, applies it once.
type action struct {
	kind    kind
	key     string
	step    step
	choices []choice
	cursor  int
	loading bool // the reasons are on their way
	target  choice
	reason  choice
	prompt  string // the confirmation's question
	form    *form
	running bool
	problem string // the last refusal or error; what was chosen or typed is kept
}

// command is one back-office command as the runner sends it.
type command struct {
	kind      kind
	key       string
	order     int64
	line      int64 // cancel: 0 for the whole order
	warehouse int64 // re-route: where to
	reason    string
	edit      orders.OrderEdit
}

// answered is a command's answer: the order's version after an edit, the new order's number
// after a split.
type answered struct {
	version int
	number  string
}

func newKey() string { return ui.NewCommandKey("order") }

// mayAct says whether the user's jobs include one that may act on orders.
func (s *Screen) mayAct() bool {
	return (ui.Def{Jobs: ActJobs}).For(s.c.Jobs)
}

// start opens an action on a key press, when the order is loaded and the user may act.
func (s *Screen) start(msg tea.KeyMsg) (tea.Cmd, bool) {
	o := &s.c.Keys.Order
	for _, a := range []struct {
		name string
		key  key.Binding
	}{{"hold", o.Hold}, {"cancel", o.Cancel}, {"edit", o.Edit}, {"reroute", o.Reroute}, {"split", o.Split}} {
		if key.Matches(msg, a.key) {
			return s.startNamed(a.name)
		}
	}
	return nil, false
}

// startNamed opens the action of that name (ui.OrderActions), when the order is loaded and the
// user may act; hold on a held order releases it.
func (s *Screen) startNamed(name string) (tea.Cmd, bool) {
	if s.detail == nil || !s.mayAct() {
		return nil, false
	}
	h := &s.detail.Header
	switch {
	case name == "hold" && h.Status == model.StatusOnHold:
		s.act = &action{kind: actRelease, key: newKey(), step: stepConfirm,
			prompt: fmt.Sprintf("Release the hold on %s (%s)?", h.Number, h.HoldReason)}
	case name == "hold":
		s.act = &action{kind: actHold, key: newKey(), step: stepReason, loading: true}
		return s.reasons.Want("hold"), true
	case name == "cancel":
		s.act = &action{kind: actCancel, key: newKey(), step: stepTarget, choices: s.cancelTargets()}
	case name == "edit":
		s.act = &action{kind: actEdit, key: newKey(), step: stepForm, form: newForm(s.detail)}
	case name == "reroute" && s.router != nil:
		s.act = &action{kind: actReroute, key: newKey(), step: stepTarget, loading: true}
		return s.stock.Want(s.order), true
	case name == "split":
		s.act = &action{kind: actSplit, key: newKey(), step: stepConfirm, prompt: s.splitPrompt()}
	default:
		return nil, false
	}
	return nil, true
}

// splitPrompt asks whether to split off what waits: "Split 1 × MUG-1 waiting off SO-1 into a
// new order? The rest ships now."
func (s *Screen) splitPrompt() string {
	var waiting []string
	for _, l := range s.detail.Lines {
		if n := l.Ordered - l.Cancelled - l.Allocated; n > 0 {
			waiting = append(waiting, fmt.Sprintf("%d × %s", n, l.SKU))
		}
	}
	if len(waiting) == 0 {
		return fmt.Sprintf("Split the backorder off %s? Nothing of it is waiting now.", s.detail.Header.Number)
	}
	return fmt.Sprintf("Split %s waiting off %s into a new order? What is allocated ships now.",
		strings.Join(waiting, ", "), s.detail.Header.Number)
}

// cancelTargets are the whole order and each line with units left to cancel.
func (s *Screen) cancelTargets() []choice {
	var open int64
	var lines []choice
	for _, l := range s.detail.Lines {
		if n := l.Ordered - l.Cancelled; n > 0 {
			open += n
			lines = append(lines, choice{id: l.ID, label: fmt.Sprintf("line %d (%s), %s", l.LineNo, l.SKU, units(n))})
		}
	}
	all := choice{label: fmt.Sprintf("the whole order, %s", units(open))}
	return append([]choice{all}, lines...)
}

func units(n int64) string {
	if n == 1 {
		return "1 unit"
	}
	return fmt.Sprintf("%d units", n)
}

// actionKey handles a key while an action is open. Esc leaves at any step.
func (s *Screen) actionKey(msg tea.KeyMsg) tea.Cmd {
	a, in, d, o := s.act, &s.c.Keys.Input, &s.c.Keys.Dialog, &s.c.Keys.Order
	if a.step == stepForm {
		return s.formKey(msg)
	}
	if a.step == stepConfirm {
		switch {
		case key.Matches(msg, d.Confirm):
			return s.send()
		case key.Matches(msg, d.Cancel):
			s.act = nil
		}
		return nil
	}
	switch {
	case key.Matches(msg, in.Cancel):
		s.act = nil
	case key.Matches(msg, o.ScrollDown):
		a.cursor = min(a.cursor+1, max(len(a.choices)-1, 0))
	case key.Matches(msg, o.ScrollUp):
		a.cursor = max(a.cursor-1, 0)
	case key.Matches(msg, in.Submit):
		if a.loading || a.cursor >= len(a.choices) {
			return nil
		}
		picked := a.choices[a.cursor]
		if a.kind == actReroute {
			a.target, a.step = picked, stepConfirm
			a.prompt = fmt.Sprintf("Re-route %s to %s? Its reservations are given back and %s reserves what it has: %s.",
				s.detail.Header.Number, picked.code, picked.code, picked.stock)
			return nil
		}
		if a.step == stepTarget {
			a.target, a.step, a.choices, a.cursor, a.loading = picked, stepReason, nil, 0, true
			return s.reasons.Want("cancel")
		}
		a.reason = picked
		if a.kind == actHold {
			return s.send()
		}
		a.step = stepConfirm
		a.prompt = fmt.Sprintf("Cancel %s of %s: %s?", a.target.label, s.detail.Header.Number, picked.label)
	}
	return nil
}

// send runs the action's command, once at a time.
func (s *Screen) send() tea.Cmd {
	a := s.act
	if a.running {
		return nil
	}
	c := command{kind: a.kind, key: a.key, order: s.order, line: a.target.id, reason: a.reason.code}
	if a.kind == actReroute {
		c.line, c.warehouse = 0, a.target.id
	}
	if a.kind == actEdit {
		e, problem := a.form.edit(s.order)
		a.form.problem = problem
		if problem != "" {
			return nil
		}
		c.edit = e
	}
	a.running, a.problem = true, ""
	if a.form != nil {
		a.form.problem = ""
	}
	return s.run.Want(c)
}

// runCommand is the runner's query: the one db command of the action.
func runCommand(data Data) func(c command) ui.Query[answered] {
	return func(c command) ui.Query[answered] {
		return func(ctx context.Context) (answered, error) {
			switch c.kind {
			case actHold:
				return answered{}, data.Hold(ctx, c.key, c.order, c.reason)
			case actRelease:
				return answered{}, data.Release(ctx, c.key, c.order)
			case actCancel:
				if c.line == 0 {
					return answered{}, data.CancelOrder(ctx, c.key, c.order, c.reason)
				}
				return answered{}, data.CancelLine(ctx, c.key, c.order, c.line, c.reason)
			case actEdit:
				v, err := data.EditOrder(ctx, c.key, c.edit)
				return answered{version: v}, err
			case actReroute:
				if r, ok := data.(Router); ok {
					_, err := r.Reroute(ctx, c.key, c.order, c.warehouse)
					return answered{}, err
				}
			case actSplit:
				n, err := data.SplitBackorder(ctx, c.key, c.order)
				return answered{number: n}, err
			}
			return answered{}, errors.New("unknown command")
		}
	}
}

// ran takes a command's answer: on success the action closes and the order reloads (its new
// history line shows); on a refusal the action stays with what was chosen or typed, and says
// why. An edit that met someone else's change is told who and when, adopts the version it met
// (Enter then saves the typing over it; Esc drops it), and the page behind reloads.
func (s *Screen) ran(a ui.Answer[command, answered]) tea.Cmd {
	act := s.act
	if act == nil || a.Wish.key != act.key {
		return nil
	}
	act.running = false
	if a.Err == nil {
		s.act = nil
		return tea.Batch(s.fetch.Want(s.order),
			func() tea.Msg { return ui.StatusMsg{Text: s.number + ": " + doneText(act, a.Value)} })
	}
	problem := ui.Explain(a.Err)
	var changed *orders.ChangedError
	if errors.As(a.Err, &changed) && act.form != nil {
		act.form.version = changed.Version
		problem = changed.Sentence(s.c.Location) + ". Enter saves yours over it, esc drops it."
	}
	if act.form != nil {
		act.form.problem = problem
	} else {
		act.problem = problem
	}
	return s.fetch.Want(s.order)
}

func doneText(a *action, v answered) string {
	switch a.kind {
	case actReroute:
		return "re-routed to " + a.target.code
	case actSplit:
		return "split off " + v.number
	case actHold:
		return "held: " + a.reason.label
	case actRelease:
		return "released"
	case actCancel:
		return "cancelled " + a.target.label
	}
	return "saved"
}

// gotReasons fills the reason picker.
func (s *Screen) gotReasons(a ui.Answer[string, []orders.Reason]) {
	act := s.act
	if act == nil || act.step != stepReason {
		return
	}
	act.loading = false
	if a.Err != nil {
		act.problem = ui.Explain(a.Err)
		return
	}
	act.choices = act.choices[:0]
	for _, r := range a.Value {
		act.choices = append(act.choices, choice{code: r.Code, label: r.Description})
	}
	if len(act.choices) == 0 {
		act.problem = "there are no " + a.Wish + " reasons: an administrator adds them (reason_codes)"
	}
}

// gotStock fills the warehouse picker of a re-route.
func (s *Screen) gotStock(a ui.Answer[int64, []alloc.WarehouseStock]) {
	act := s.act
	if act == nil || act.kind != actReroute || act.step != stepTarget {
		return
	}
	act.loading = false
	if a.Err != nil {
		act.problem = ui.Explain(a.Err)
		return
	}
	act.choices = act.choices[:0]
	for _, w := range a.Value {
		act.choices = append(act.choices, choice{id: w.ID, code: w.Code, label: w.Label(), stock: w.Stock()})
	}
	if len(act.choices) == 0 {
		act.problem = "there are no active warehouses"
	}
}

// layoutPanel lays the open action out above the page, in at most the screen's height less
// two page lines (all of it on a screen too short for that), every line fitted to the width.
func (s *Screen) layoutPanel() {
	s.panel = s.panel[:0]
	a, w := s.act, s.width
	if a == nil || w <= 0 || s.height <= 0 {
		return
	}
	room := s.height
	if room > 8 {
		room -= 2
	}
	var lines []string
	if a.step == stepForm {
		lines = s.formLines(w, room)
	} else {
		lines = s.pickerLines(w, room)
	}
	for _, l := range lines[:min(len(lines), room)] {
		s.panel = append(s.panel, ui.Fit(l, w))
	}
	s.offset = 0
}

// pickerLines lays out a picker (what to cancel, a reason) or a confirmation: a title, the
// choices around the cursor or the question, and the last refusal.
func (s *Screen) pickerLines(w, height int) []string {
	st, a := s.c.Styles, s.act
	number := s.number
	var title string
	switch {
	case a.step == stepConfirm:
		title = "Are you sure?"
	case a.kind == actHold:
		title = "Hold " + number + ": why?"
	case a.kind == actReroute:
		title = "Re-route " + number + " to:"
	case a.step == stepTarget:
		title = "Cancel what of " + number + "?"
	default:
		title = "Cancel " + a.target.label + ": why?"
	}
	out := []string{st.Title.Render(" " + title)}
	var tail []string
	if a.running {
		tail = append(tail, " "+st.Muted.Render("working…"))
	}
	if a.problem != "" {
		for _, l := range ui.Wrap(a.problem, max(w-2, 1)) {
			tail = append(tail, " "+st.Error.Render(l))
		}
	}
	tail = append(tail, "")
	switch {
	case a.step == stepConfirm:
		for _, l := range ui.Wrap(a.prompt, max(w-2, 1)) {
			out = append(out, " "+l)
		}
		d := &s.c.Keys.Dialog
		first := func(b key.Binding) string { return keymaps.DisplayName(b.Keys()[0]) }
		out = append(out, " "+st.Muted.Render(first(d.Confirm)+" yes · "+first(d.Cancel)+" no"))
	case a.loading:
		out = append(out, " "+st.Muted.Render("loading…"))
	default:
		fit := max(height-1-len(tail), 1)
		first := min(max(a.cursor-fit/2, 0), max(len(a.choices)-fit, 0))
		for i := first; i < min(first+fit, len(a.choices)); i++ {
			line := "  " + a.choices[i].label
			if i == a.cursor {
				line = st.Selected.Render(ui.Fit("> "+a.choices[i].label, w))
			}
			out = append(out, line)
		}
	}
	return append(out, tail...)
}
