package order

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"oms/db"
	"oms/db/orders"
	"oms/keymaps"
	"oms/tui/tuitest"
	"oms/tui/ui"
)

// whEditable is an order nothing has been picked of, with two lines or more.
const whEditable = `o.status IN ('pending', 'backordered', 'allocated') AND o.cancelled_at IS NULL
	AND (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id) >= 2
	AND NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND l.qty_picked > 0)`

// screenSizes are the sizes the actions are drawn at: the terminals the brief names.
var screenSizes = []struct{ w, h int }{{80, 24}, {40, 16}, {20, 16}}

// clockTimes hides the wall-clock time a conflict names, so golden frames stay put.
var clockTimes = regexp.MustCompile(`at \d\d:\d\d`)

func events(t *testing.T, d *db.DB, id int64, kind string) []string {
	t.Helper()
	var msgs []string
	if err := d.Select(&msgs, `SELECT message FROM events WHERE order_id = $1 AND kind = $2 ORDER BY id`, id, kind); err != nil {
		t.Fatal(err)
	}
	return msgs
}

// retype clears the focused field and types text into it.
func retype(drv *tuitest.Driver, text string) {
	drv.Press(keymaps.ScopeInput, "clear")
	drv.Type(text)
}

func golden(t *testing.T, drv *tuitest.Driver, name string, w, h int) {
	t.Helper()
	frame := drv.Frame()
	tuitest.Exactly(t, frame, w, h)
	if w >= 40 {
		tuitest.Golden(t, fmt.Sprintf("%s_%dx%d", name, w, h), frame)
	}
}

// Hold: the key offers the hold reasons, Enter holds with the chosen one and the page reloads
// with the new history line; Enter pressed again while the hold is on its way does nothing
// more. The same key then offers to release, asking first.
func TestHoldWithAReasonThenRelease(t *testing.T) {
	t.Parallel()
	d := seeded(t)
	id, number := pick(t, d, whEditable)
	for _, sz := range screenSizes {
		drv, s := open(t, orders.New(d), id, number, sz.w, sz.h)
		drv.Press(keymaps.ScopeOrder, "hold")
		if !s.Capturing() || !strings.Contains(drv.Frame(), "Fraud review") {
			t.Fatalf("%d×%d: the hold key shows no reasons:\n%s", sz.w, sz.h, drv.Frame())
		}
		golden(t, drv, "hold-reasons", sz.w, sz.h)
	}
	drv, s := open(t, orders.New(d), id, number, 80, 24)
	if help := fmt.Sprint(s.ShortHelp()); !strings.Contains(help, "hold") || !strings.Contains(help, "cancel") || !strings.Contains(help, "edit") {
		t.Errorf("the footer does not offer the actions: %s", help)
	}
	drv.Press(keymaps.ScopeOrder, "hold")
	drv.Press(keymaps.ScopeOrder, "scrollDown")
	drv.Press(keymaps.ScopeOrder, "scrollDown") // Address…, Customer…, Fraud review
	drv.Hold = func(m tea.Msg) bool { r, ok := m.(ui.Result); _, cmd := r.Wish.(command); return ok && cmd }
	drv.Press(keymaps.ScopeInput, "submit")
	drv.Press(keymaps.ScopeInput, "submit") // Enter twice
	drv.Release()
	if s.act != nil {
		t.Fatalf("the hold did not close:\n%s", drv.Frame())
	}
	if got := events(t, d, id, "order.held"); len(got) != 1 || got[0] != "held: Fraud review" {
		t.Fatalf("held events %q, want one", got)
	}
	drv.Press(keymaps.ScopeOrder, "toggleSection")
	drv.Press(keymaps.ScopeOrder, "toggleSection") // History
	if !strings.Contains(drv.Frame(), "held: Fraud review") {
		t.Fatalf("the history does not show the hold:\n%s", drv.Frame())
	}
	if help := fmt.Sprint(s.ShortHelp()); !strings.Contains(help, "release") {
		t.Errorf("a held order's footer offers no release: %s", help)
	}
	drv.Press(keymaps.ScopeOrder, "hold")
	if !strings.Contains(drv.Frame(), "Release the hold on "+number+" (Fraud review)?") {
		t.Fatalf("no release question:\n%s", drv.Frame())
	}
	drv.Press(keymaps.ScopeDialog, "confirm")
	if got := events(t, d, id, "order.released"); len(got) != 1 || s.detail.Header.Status == "on_hold" {
		t.Fatalf("released events %q, status %s", got, s.detail.Header.Status)
	}
}

// Cancel asks what (the whole order or a line), why, and then whether: "n" changes nothing,
// "y" cancels the line, frees its stock and the history says so.
func TestCancelALineAsksFirst(t *testing.T) {
	t.Parallel()
	d := seeded(t)
	id, number := pick(t, d, whEditable)
	for _, sz := range screenSizes {
		drv, _ := open(t, orders.New(d), id, number, sz.w, sz.h)
		drv.Press(keymaps.ScopeOrder, "cancel")
		golden(t, drv, "cancel-what", sz.w, sz.h)
		drv.Press(keymaps.ScopeOrder, "scrollDown") // line 1
		drv.Press(keymaps.ScopeInput, "submit")
		drv.Press(keymaps.ScopeInput, "submit") // the first reason
		if !strings.Contains(drv.Frame(), "Are you sure?") {
			t.Fatalf("%d×%d: no confirmation:\n%s", sz.w, sz.h, drv.Frame())
		}
		golden(t, drv, "cancel-confirm", sz.w, sz.h)
		drv.Press(keymaps.ScopeDialog, "cancel")
	}
	if got := events(t, d, id, "order.line_cancelled"); len(got) != 0 {
		t.Fatalf("answering no cancelled: %q", got)
	}
	drv, s := open(t, orders.New(d), id, number, 80, 24)
	line := s.detail.Lines[0]
	drv.Press(keymaps.ScopeOrder, "cancel")
	drv.Press(keymaps.ScopeOrder, "scrollDown")
	drv.Press(keymaps.ScopeInput, "submit")
	drv.Press(keymaps.ScopeInput, "submit")
	drv.Press(keymaps.ScopeDialog, "confirm")
	if s.act != nil {
		t.Fatalf("the cancel did not close:\n%s", drv.Frame())
	}
	want := fmt.Sprintf("line %d (%s) cancelled: %s", line.LineNo, line.SKU, units(line.Ordered-line.Cancelled))
	if got := events(t, d, id, "order.line_cancelled"); len(got) != 1 || !strings.HasPrefix(got[0], want) {
		t.Fatalf("events %q, want %q…", got, want)
	}
	if l := s.detail.Lines[0]; l.Cancelled != l.Ordered || l.Allocated != 0 {
		t.Fatalf("line after the cancel: %+v", l)
	}
	rep, err := d.Check(t.Context(), 0)
	if err != nil || !rep.OK() {
		t.Fatalf("oms check: %v %v", err, rep.Violations)
	}
}

// The edit form: Tab between fields, a value that does not parse is refused before anything is
// sent with the typing kept, and Enter saves; the page reloads with the change and its history.
func TestEditTheOrder(t *testing.T) {
	t.Parallel()
	d := seeded(t)
	id, number := pick(t, d, whEditable)
	for _, sz := range screenSizes {
		drv, _ := open(t, orders.New(d), id, number, sz.w, sz.h)
		drv.Press(keymaps.ScopeOrder, "edit")
		retype(drv, "5")
		drv.Press(keymaps.ScopeOrder, "toggleSection")
		retype(drv, "ring twice")
		golden(t, drv, "edit-form", sz.w, sz.h)
	}
	drv, s := open(t, orders.New(d), id, number, 80, 24)
	drv.Press(keymaps.ScopeOrder, "edit")
	if !s.HasUnsavedInput() {
		t.Fatal("an open form holds unsaved input")
	}
	retype(drv, "high")
	drv.Press(keymaps.ScopeInput, "submit")
	if s.act == nil || s.act.form.fields[fPriority].in.Value() != "high" || !strings.Contains(drv.Frame(), "the priority is a whole number") {
		t.Fatalf("a priority that is no number:\n%s", drv.Frame())
	}
	retype(drv, "5")
	drv.Press(keymaps.ScopeOrder, "toggleSection")
	retype(drv, "ring twice")
	for s.act.form.focus != fixedFields {
		drv.Press(keymaps.ScopeOrder, "toggleSection")
	}
	line := s.detail.Lines[0]
	retype(drv, "0")
	drv.Press(keymaps.ScopeOrder, "prevField")
	drv.Press(keymaps.ScopeOrder, "toggleSection")
	drv.Press(keymaps.ScopeInput, "submit")
	if s.act != nil {
		t.Fatalf("the edit did not save:\n%s", drv.Frame())
	}
	h := s.detail.Header
	if h.Priority != 5 || h.Notes != "ring twice" || s.detail.Lines[0].Cancelled != s.detail.Lines[0].Ordered {
		t.Fatalf("after saving: priority %d, notes %q, line 1 %+v", h.Priority, h.Notes, s.detail.Lines[0])
	}
	got := events(t, d, id, "order.edited")
	want := fmt.Sprintf("edited: line %d (%s) %d → 0 (cancelled); priority", line.LineNo, line.SKU, line.Ordered-line.Cancelled)
	if len(got) != 1 || !strings.HasPrefix(got[0], want) || !strings.HasSuffix(got[0], "; notes") {
		t.Fatalf("events %q, want %q … notes", got, want)
	}
}

// Two people edit the same order; the first saves; the second is told who changed it and when,
// keeps what they typed, and Enter then saves it over the first.
func TestEditWhenSomeoneElseSavedFirst(t *testing.T) {
	t.Parallel()
	d := seeded(t)
	id, number := pick(t, d, whEditable)
	first, a := open(t, orders.New(d), id, number, 80, 24)
	second, b := open(t, orders.New(d), id, number, 80, 24)
	first.Press(keymaps.ScopeOrder, "edit")
	second.Press(keymaps.ScopeOrder, "edit")
	retype(first, "3")
	first.Press(keymaps.ScopeInput, "submit")
	if a.act != nil {
		t.Fatalf("the first save failed:\n%s", first.Frame())
	}
	retype(second, "7")
	second.Press(keymaps.ScopeOrder, "toggleSection")
	retype(second, "second's notes")
	second.Press(keymaps.ScopeInput, "submit")
	frame := second.Frame()
	if b.act == nil || !strings.Contains(frame, "was changed by") || !strings.Contains(frame, "— reload") {
		t.Fatalf("the second save should be refused and say by whom:\n%s", frame)
	}
	if b.act.form.fields[fPriority].in.Value() != "7" || b.act.form.fields[fNotes].in.Value() != "second's notes" {
		t.Fatal("the refused save lost the typing")
	}
	tuitest.Exactly(t, frame, 80, 24)
	tuitest.Golden(t, "edit-conflict_80x24", clockTimes.ReplaceAllString(frame, "at HH:MM"))
	var priority int
	if err := d.Get(&priority, `SELECT priority FROM orders WHERE id = $1`, id); err != nil || priority != 3 {
		t.Fatalf("stored priority %d (%v), want the first save's", priority, err)
	}
	second.Press(keymaps.ScopeInput, "submit")
	if b.act != nil {
		t.Fatalf("saving over the change failed:\n%s", second.Frame())
	}
	if b.detail.Header.Priority != 7 || b.detail.Header.Notes != "second's notes" {
		t.Fatalf("after the second save: %+v", b.detail.Header)
	}
}

// The queue's row keys open the order with an action started (ui.OrderRef.Action): once the
// order is shown, its cancel question is open, as if the key had been pressed on the page.
func TestAnOrderOpenedWithAnActionStartsIt(t *testing.T) {
	t.Parallel()
	d := seeded(t)
	id, number := pick(t, d, whEditable)
	for _, a := range []struct{ action, shows string }{
		{"cancel", "Cancel what of " + number}, {"hold", "Fraud review"}, {"edit", "Ship to"},
	} {
		ctx := tuitest.NewContext()
		s := Def(orders.New(d)).Build(ctx, ui.OrderRef{ID: id, Number: number, Action: a.action}).(*Screen)
		drv := tuitest.New(t, s, *ctx.Keys, 80, 24)
		if !s.Capturing() || !strings.Contains(drv.Frame(), a.shows) {
			t.Errorf("opened with %q: no %q:\n%s", a.action, a.shows, drv.Frame())
		}
		drv.Press(keymaps.ScopeInput, "cancel")
		if s.act != nil || s.pending != "" {
			t.Errorf("opened with %q: esc left the action open or pending", a.action)
		}
	}
}
