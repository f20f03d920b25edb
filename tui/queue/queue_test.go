package queue

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"oms/db"
	"oms/db/dbtest"
	"oms/db/orders"
	"oms/model"
	"oms/tui/tuitest"
	"oms/tui/ui"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func seeded(t *testing.T) *db.DB { return tuitest.DemoDB(t) }

// flakyStore is the real database behind a switch that makes every call fail as a dropped
// connection would, and that counts queries in flight at once.
type flakyStore struct {
	*orders.Store
	down        atomic.Bool
	inFlight    atomic.Int32
	maxInFlight atomic.Int32
	pageCalls   atomic.Int32
}

var errDropped = errors.New("read tcp 127.0.0.1:5432: connection reset by peer")

func (f *flakyStore) track() func() {
	n := f.inFlight.Add(1)
	for {
		m := f.maxInFlight.Load()
		if n <= m || f.maxInFlight.CompareAndSwap(m, n) {
			break
		}
	}
	return func() { f.inFlight.Add(-1) }
}

func (f *flakyStore) QueuePage(ctx context.Context, r orders.PageRequest) ([]orders.QueueRow, error) {
	defer f.track()()
	f.pageCalls.Add(1)
	if f.down.Load() {
		return nil, errDropped
	}
	return f.Store.QueuePage(ctx, r)
}

func (f *flakyStore) QueueCounts(ctx context.Context, q orders.QueueFilter) (orders.StatusCounts, error) {
	if f.down.Load() {
		return orders.StatusCounts{}, errDropped
	}
	return f.Store.QueueCounts(ctx, q)
}

// frozenStore is the real database behind a gate: while frozen, QueuePage waits for the test to
// thaw it and ignores its context, as a driver blocked on a frozen server's socket does.
type frozenStore struct {
	*orders.Store
	mu   sync.Mutex
	gate chan struct{} // nil while pages are answered at once
}

func (f *frozenStore) freeze() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.gate == nil {
		f.gate = make(chan struct{})
	}
}

func (f *frozenStore) thaw() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.gate != nil {
		close(f.gate)
		f.gate = nil
	}
}

func (f *frozenStore) QueuePage(ctx context.Context, r orders.PageRequest) ([]orders.QueueRow, error) {
	f.mu.Lock()
	gate := f.gate
	f.mu.Unlock()
	if gate != nil {
		<-gate
	}
	return f.Store.QueuePage(ctx, r)
}

func newQueue(t *testing.T, store Data, w, h int) (*Screen, *tuitest.Driver, *ui.Context) {
	t.Helper()
	c := tuitest.NewContext()
	s := New(c, store)
	return s, tuitest.New(t, s, *c.Keys, w, h), c
}

// orderNumbers lists what the screen's window holds, in order.
func orderNumbers(s *Screen) []string {
	out := make([]string, len(s.rows))
	for i, r := range s.rows {
		out[i] = r.Number
	}
	return out
}

func sqlNumbers(t *testing.T, d *db.DB, query string, args ...any) []string {
	t.Helper()
	var out []string
	if err := d.Select(&out, query, args...); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestGoldenFrames(t *testing.T) {
	d := seeded(t)
	for _, size := range []struct{ w, h int }{{80, 21}, {120, 37}, {40, 13}, {20, 13}} {
		_, drv, _ := newQueue(t, orders.New(d), size.w, size.h)
		frame := drv.Frame()
		tuitest.Fits(t, frame, size.w, size.h)
		tuitest.Golden(t, fmt.Sprintf("queue-%dx%d", size.w, size.h), frame)
	}
}

func TestOpensOnOpenOrdersOldestFirst(t *testing.T) {
	d := seeded(t)
	s, _, _ := newQueue(t, orders.New(d), 80, 21)
	want := sqlNumbers(t, d, `SELECT number FROM orders WHERE status NOT IN ('shipped', 'delivered', 'partially_returned', 'returned', 'cancelled')
		ORDER BY ordered_at, id LIMIT 5`)
	if got := orderNumbers(s)[:5]; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("first rows %v, want the oldest open orders %v", got, want)
	}
	var open int64
	if err := d.Get(&open, `SELECT count(*) FROM orders WHERE status NOT IN ('shipped', 'delivered', 'partially_returned', 'returned', 'cancelled')`); err != nil {
		t.Fatal(err)
	}
	if s.count(string(orders.StatusOpen)) != open {
		t.Fatalf("open count %d, want %d", s.count(string(orders.StatusOpen)), open)
	}
}

// TestPagingVisitsEveryOrderOnceInABoundedWindow scrolls the whole queue with down and checks
// that every order of the test's own database is seen once, in order, while the screen never
// holds more than its window.
//
// Defect 2: on a loaded machine (two test runs at once) it once reported "saw 5000 orders".
// 5000 was this loop's bound, not a count of orders: before the refactor a page fetch slower than
// ui.DefaultTimeout came back with no payload, the fetch stayed "in flight" for good (defect 1),
// no page came after it, and down on the window's last row added that row again until the loop
// gave up (reproduced on 64038ae by delaying one page past the deadline). Now the loop is bounded
// by the database's count and a press that brings no new order fails at once, saying so, except
// while the screen says stale: a timed-out page is asked for again by the next press, as a user
// would press again.
func TestPagingVisitsEveryOrderOnceInABoundedWindow(t *testing.T) {
	d := seeded(t)
	s, drv, _ := newQueue(t, orders.New(d), 40, 13)
	drv.Press("queue", "prevStatus") // open → all (the choices wrap: open, all, statuses…)
	drv.Press("queue", "nextStatus")
	drv.Press("queue", "nextStatus")
	if s.status != "" || s.stale {
		t.Fatalf("status filter %q (stale %v), want all", s.status, s.stale)
	}
	want := sqlNumbers(t, d, `SELECT number FROM orders ORDER BY ordered_at, id`)
	seen := []string{s.rows[s.cursor].Number}
	for retries := 0; s.cursor < len(s.rows)-1 || !s.atEnd; {
		if len(seen) > len(want) {
			t.Fatalf("scrolled past all %d orders without reaching the end", len(want))
		}
		drv.Press("list", "down")
		if len(s.rows) > s.maxWindow() {
			t.Fatalf("window holds %d rows, more than its bound %d", len(s.rows), s.maxWindow())
		}
		if len(s.lines) != len(s.rows) {
			t.Fatalf("%d rendered lines for %d rows", len(s.lines), len(s.rows))
		}
		if !strings.Contains(s.lines[s.cursor], s.rows[s.cursor].Number) {
			t.Fatalf("rendered line %q is not row %s", s.lines[s.cursor], s.rows[s.cursor].Number)
		}
		switch n := s.rows[s.cursor].Number; {
		case n != seen[len(seen)-1]:
			seen = append(seen, n)
		case s.stale && retries < 10:
			retries++
		default:
			t.Fatalf("down on %s (row %d of a %d-row window, stale %v) showed no next order",
				n, s.cursor+1, len(s.rows), s.stale)
		}
	}
	for i := range max(len(seen), len(want)) {
		if i >= len(seen) || i >= len(want) || seen[i] != want[i] {
			t.Fatalf("scrolling saw %d orders, want all %d in order; they differ at %d", len(seen), len(want), i+1)
		}
	}
	// Bottom and top jump straight to the ends.
	drv.Press("list", "top")
	if s.rows[s.cursor].Number != want[0] {
		t.Fatalf("top shows %s, want %s", s.rows[s.cursor].Number, want[0])
	}
	drv.Press("list", "bottom")
	if s.rows[s.cursor].Number != want[len(want)-1] {
		t.Fatalf("bottom shows %s, want %s", s.rows[s.cursor].Number, want[len(want)-1])
	}
	for range 3 {
		drv.Press("list", "pageUp")
	}
	if got, want := s.rows[s.cursor].Number, want[len(want)-1-3*s.visibleRows()]; got != want {
		t.Fatalf("three pages up from the end shows %s, want %s", got, want)
	}
}

func TestFiltersSortAndSearch(t *testing.T) {
	d := seeded(t)
	s, drv, _ := newQueue(t, orders.New(d), 80, 21)

	drv.Press("queue", "filterStatus")
	if !strings.Contains(drv.Frame(), "Show orders that are") {
		t.Fatal("the status picker did not open")
	}
	for range 3 { // open, all, pending, backordered
		drv.Press("list", "down")
	}
	drv.Press("list", "open")
	for _, r := range s.rows {
		if r.Status != "backordered" {
			t.Fatalf("status filter backordered shows %s (%s)", r.Number, r.Status)
		}
	}
	if !strings.Contains(drv.Frame(), "[BACK ") {
		t.Fatal("the counts bar does not mark the backordered filter")
	}

	drv.Press("queue", "filterChannel")
	if !strings.Contains(drv.Frame(), "All channels") {
		t.Fatalf("c should offer the channels to choose from:\n%s", drv.Frame())
	}
	drv.Press("list", "down")
	drv.Press("list", "open")
	ch := s.lookups.Channels[0]
	for _, r := range s.rows {
		if r.Channel != ch.Code {
			t.Fatalf("channel filter %s shows %s from %s", ch.Code, r.Number, r.Channel)
		}
	}

	drv.Press("queue", "clearFilter")
	drv.Press("queue", "sortToggle")
	want := sqlNumbers(t, d, `SELECT number FROM orders WHERE status NOT IN ('shipped', 'delivered', 'partially_returned', 'returned', 'cancelled')
		ORDER BY promised_at, id LIMIT 3`)
	if got := orderNumbers(s)[:3]; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("sorted by promise: %v, want %v", got, want)
	}

	// Search by a customer's name, then by an order number without its prefix.
	var name, number string
	if err := d.QueryRow(`SELECT customer_name, number FROM orders ORDER BY id DESC LIMIT 1`).Scan(&name, &number); err != nil {
		t.Fatal(err)
	}
	drv.Press("queue", "prevStatus")
	drv.Press("queue", "nextStatus")
	drv.Press("queue", "nextStatus") // all orders
	drv.Press("queue", "search")
	drv.Type(strings.Fields(name)[1])
	for _, r := range s.rows {
		if !strings.Contains(r.CustomerName, strings.Fields(name)[1]) {
			t.Fatalf("search %q shows %s for %s", strings.Fields(name)[1], r.Number, r.CustomerName)
		}
	}
	drv.Press("input", "clear")
	drv.Type(strings.TrimLeft(strings.TrimPrefix(number, "SO-"), "0"))
	if got := orderNumbers(s); len(got) != 1 || got[0] != number {
		t.Fatalf("searching for the digits of %s finds %v", number, got)
	}
	drv.Press("input", "submit")
	if s.Capturing() {
		t.Fatal("enter did not leave the search field")
	}
	if !strings.Contains(drv.Frame(), number) {
		t.Fatal("the found order is not on screen")
	}
}

func TestSearchFieldTakesKeysThatAreShortcutsElsewhere(t *testing.T) {
	d := seeded(t)
	s, drv, _ := newQueue(t, orders.New(d), 80, 21)
	drv.Press("queue", "search")
	drv.Type("sox") // s, o and x are filter, sort and clear outside the field
	if s.search.Value() != "sox" || s.sort != orders.ByAge || s.status != string(orders.StatusOpen) {
		t.Fatalf("typing went to shortcuts: search %q, sort %v, status %q", s.search.Value(), s.sort, s.status)
	}
}

func TestChangesInTheDatabaseShowAfterAChangeNotice(t *testing.T) {
	d := seeded(t)
	s, drv, _ := newQueue(t, orders.New(d), 80, 21)
	first := s.rows[0]
	if _, err := d.Exec(`UPDATE orders SET status = 'on_hold', on_hold = true, hold_reason = 'HOLD_FRAUD'
		WHERE id = $1`, first.ID); err != nil {
		t.Fatal(err)
	}
	drv.Send(ui.ChangedMsg{})
	if s.rows[0].Status != "on_hold" || !strings.Contains(drv.Frame(), first.Number+" HOLD") {
		t.Fatalf("after the change the first row is %s %s", s.rows[0].Number, s.rows[0].Status)
	}
}

func TestErrorDuringRefreshKeepsSearchAndRows(t *testing.T) {
	d := seeded(t)
	store := &flakyStore{Store: orders.New(d)}
	s, drv, _ := newQueue(t, store, 80, 21)
	drv.Press("queue", "search")
	drv.Type("an")
	before := orderNumbers(s)
	store.down.Store(true)
	drv.Send(ui.ChangedMsg{})
	drv.Type("n")
	frame := drv.Frame()
	if s.search.Value() != "ann" || !strings.Contains(frame, "/ann") {
		t.Fatalf("search text after a failed refresh: %q", s.search.Value())
	}
	if strings.Join(orderNumbers(s), " ") != strings.Join(before, " ") || !strings.Contains(frame, "(stale)") {
		t.Fatal("a failed refresh should keep the rows on screen, marked stale")
	}
	store.down.Store(false)
	drv.Send(ui.ChangedMsg{})
	if strings.Contains(drv.Frame(), "(stale)") {
		t.Fatal("still stale after the database came back")
	}
	for _, r := range s.rows {
		if !strings.Contains(strings.ToLower(r.CustomerName+r.Number+r.ExternalID), "ann") {
			t.Fatalf("after recovery the search \"ann\" shows %s (%s)", r.Number, r.CustomerName)
		}
	}
}

// TestNeverTwoQueriesAtOnce holds every answer while changes and keys pile up: the screen must
// keep one page query in flight and queue the latest wish.
func TestNeverTwoQueriesAtOnce(t *testing.T) {
	d := seeded(t)
	store := &flakyStore{Store: orders.New(d)}
	s, drv, _ := newQueue(t, store, 80, 21)
	calls := store.pageCalls.Load()
	drv.Hold = func(msg tea.Msg) bool { _, ok := msg.(ui.Result); return ok }
	drv.Send(ui.ChangedMsg{}, ui.ChangedMsg{}, ui.ChangedMsg{})
	drv.Press("list", "bottom")
	drv.Press("queue", "refresh")
	if n := store.pageCalls.Load() - calls; n != 1 {
		t.Fatalf("%d page queries started while the first was unanswered, want 1", n)
	}
	drv.Release()
	if n := store.pageCalls.Load() - calls; n != 2 {
		t.Fatalf("%d page queries in all, want 2 (the one in flight and the latest wish)", n)
	}
	if !s.atEnd || s.cursor != len(s.rows)-1 {
		t.Fatal("the queued jump to the bottom was lost")
	}
}

// millionCounts are the widest figures a million orders give, for every status.
func millionCounts() orders.StatusCounts {
	counts := orders.StatusCounts{ByStatus: map[model.OrderStatus]int64{}}
	for i, st := range []model.OrderStatus{"pending", "backordered", "allocated", "picking", "picked", "packed",
		"partially_shipped", "shipped", "partially_returned", "returned", "on_hold", "cancelled"} {
		counts.ByStatus[st] = int64(88_888 + i*100_000)
	}
	return counts
}

func TestCountsBarFitsEveryStatusAtAMillionOrders(t *testing.T) {
	c := tuitest.NewContext()
	s := New(c, nil)
	s.SetSize(80, 21)
	s.counts = millionCounts()
	var b strings.Builder
	s.writeCounts(&b)
	bar := b.String()
	for _, label := range []string{"Open", "All", "PEND", "BACK", "ALLOC", "PICKG", "PICKD", "PACKD", "PSHIP", "SHIP", "PRET", "RET", "HOLD", "CANC"} {
		if !strings.Contains(bar, label+" ") {
			t.Errorf("the counts bar at 80 columns leaves out %s:\n%s", label, bar)
		}
	}
	for _, want := range []string{"88.9k", "188k", "1.19M"} {
		if !strings.Contains(bar, want) {
			t.Errorf("the counts bar does not show %s:\n%s", want, bar)
		}
	}
}

// Delivered shows in the counts bar once some order is (tracking events are imported), or when
// it is the filter; a business without tracking sees the bar as before.
func TestCountsBarShowsDeliveredOnceAnOrderIs(t *testing.T) {
	bar := func(filter string, delivered int64) string {
		s := New(tuitest.NewContext(), nil)
		s.SetSize(120, 21)
		s.status, s.counts = filter, millionCounts()
		if delivered > 0 {
			s.counts.ByStatus[model.StatusDelivered] = delivered
		}
		var b strings.Builder
		s.writeCounts(&b)
		return b.String()
	}
	if b := bar("", 0); strings.Contains(b, "DELIV") {
		t.Errorf("no order is delivered, but the bar shows delivered:\n%s", b)
	}
	if b := bar("", 1234); !strings.Contains(b, "DELIV 1,234  PRET") || strings.Index(b, "DELIV") < strings.Index(b, "SHIP 788k") {
		t.Errorf("1,234 delivered orders are not shown after shipped:\n%s", b)
	}
	if b := bar("delivered", 0); !strings.Contains(b, "[DELIV 0]") {
		t.Errorf("the delivered filter is not shown:\n%s", b)
	}
}

// TestCappedCountsSayAtLeast: a search's counts stop at a cap; the figures are then lower
// bounds and say so with a +.
func TestCappedCountsSayAtLeast(t *testing.T) {
	for _, w := range []int{80, 40} {
		s := New(tuitest.NewContext(), nil)
		s.SetSize(w, 16)
		s.status = ""
		s.counts = orders.StatusCounts{ByStatus: map[model.OrderStatus]int64{"shipped": 900, "pending": 101}, Capped: true}
		var b strings.Builder
		s.writeCounts(&b)
		if !strings.Contains(b.String(), "1,001+") {
			t.Errorf("at %d columns, capped counts do not say \"1,001+\":\n%s", w, b.String())
		}
		s.counts.Capped = false
		b.Reset()
		s.writeCounts(&b)
		if strings.Contains(b.String(), "+") {
			t.Errorf("at %d columns, exact counts carry a +:\n%s", w, b.String())
		}
	}
}

// Defect 1: before the refactor a page fetch that timed out came back with no payload, matched
// nothing, and stayed "in flight" for good: change notices and r never fetched again, so the
// queue stayed empty or stale until restarted.
func TestAfterATimeOutChangesAndRefreshShowTheQueueAgain(t *testing.T) {
	d := seeded(t)
	store := &frozenStore{Store: orders.New(d)}
	t.Cleanup(store.thaw)
	c := tuitest.NewContext()
	s := New(c, store)
	c.Timeout = 200 * time.Millisecond // while frozen, the screen gives up soon
	store.freeze()
	drv := tuitest.New(t, s, *c.Keys, 80, 21)
	if frame := drv.Frame(); !strings.Contains(frame, "(stale)") || !strings.Contains(frame, "Could not load the orders") {
		t.Fatalf("the first page timed out; the queue should say stale and show no rows:\n%s", frame)
	}
	store.thaw()
	c.Timeout = time.Hour // a loaded machine must not time out the real queries
	hold := func(number string) {
		t.Helper()
		if _, err := d.Exec(`UPDATE orders SET status = 'on_hold', on_hold = true, hold_reason = 'HOLD_FRAUD'
			WHERE number = $1`, number); err != nil {
			t.Fatal(err)
		}
	}
	oldest := sqlNumbers(t, d, `SELECT number FROM orders WHERE status NOT IN ('shipped', 'delivered', 'partially_returned', 'returned', 'cancelled')
		ORDER BY ordered_at, id LIMIT 2`)
	hold(oldest[0]) // changed after the time-out
	drv.Send(ui.ChangedMsg{})
	if frame := drv.Frame(); strings.Contains(frame, "(stale)") || !strings.Contains(frame, oldest[0]+" HOLD") {
		t.Fatalf("after the time-out a change notice should show %s on hold:\n%s", oldest[0], frame)
	}

	c.Timeout = 200 * time.Millisecond // while frozen, the screen gives up soon
	store.freeze()                     // and again while rows are showing; this time r brings them back
	drv.Send(ui.ChangedMsg{})
	if frame := drv.Frame(); !strings.Contains(frame, "(stale)") || !strings.Contains(frame, oldest[0]+" HOLD") {
		t.Fatalf("a refresh that timed out should keep the rows, marked stale:\n%s", frame)
	}
	store.thaw()
	c.Timeout = time.Hour // a loaded machine must not time out the real queries
	hold(oldest[1])
	drv.Press("queue", "refresh")
	if frame := drv.Frame(); strings.Contains(frame, "(stale)") || !strings.Contains(frame, oldest[1]+" HOLD") {
		t.Fatalf("after the time-out r should show %s on hold:\n%s", oldest[1], frame)
	}
}

// barLabels are the status labels a counts bar shows: "[HOLD" and "HOLD" both give HOLD.
func barLabels(bar string) map[string]bool {
	out := map[string]bool{}
	for _, f := range strings.Fields(bar) {
		out[strings.TrimPrefix(f, "[")] = true
	}
	return out
}

// Defect 3: from 60 to 76 columns a million orders' counts do not fit two lines even closed up,
// and the bar used to stop short with no mark (HOLD and CANC were simply not there). Now it ends
// with "…" (the s picker lists every status), and the filter in force is never what is left out.
func TestCountsBarEndsWithAnEllipsisWhenStatusesAreLeftOut(t *testing.T) {
	labels := []string{"Open", "All"}
	for _, st := range model.AllStatuses {
		// No order is collected at a store or delivered here: the bar leaves those out.
		if !st.PickUp() && st != model.StatusDelivered {
			labels = append(labels, st.Short())
		}
	}
	for w := 60; w < 80; w++ {
		for _, filter := range []string{string(orders.StatusOpen), "on_hold", "cancelled"} {
			s := New(tuitest.NewContext(), nil)
			s.SetSize(w, 21)
			s.status, s.counts = filter, millionCounts()
			bar := strings.Split(s.View(), "\n")[:2]
			for i, line := range bar {
				if ui.Width(line) > w {
					t.Errorf("at %d columns counts line %d is %d wide: %q", w, i+1, ui.Width(line), line)
				}
			}
			shown := barLabels(strings.Join(bar, " "))
			var missing []string
			for _, l := range labels {
				if !shown[l] {
					missing = append(missing, l)
				}
			}
			last := strings.TrimRight(bar[1], " ")
			marked := strings.HasSuffix(last, "…") || (filter == "cancelled" && strings.Contains(last, "… [CANC "))
			if len(missing) > 0 && !marked {
				t.Errorf("at %d columns the counts bar leaves out %v without a …:\n%s", w, missing, strings.Join(bar, "\n"))
			}
			if sel := "[" + filterLabel(filter, true) + " "; !strings.Contains(strings.Join(bar, " "), sel) {
				t.Errorf("at %d columns the counts bar hides the filter in force %s:\n%s", w, sel, strings.Join(bar, "\n"))
			}
		}
	}
}

// selectedLine is the line of a frame the cursor is on (a picker's or the table's).
func selectedLine(frame string) string {
	for _, line := range strings.Split(frame, "\n") {
		if strings.HasPrefix(line, ">") {
			return line
		}
	}
	return ""
}

// Defect 4: at 20 columns the status picker cut "Partially shipped" and "Partially returned" to
// the same "Part …". Now every line names its status whole and differently from the others; at
// 20 columns by the five-letter codes the table uses.
func TestStatusPickerNamesEveryStatusDistinctly(t *testing.T) {
	d := seeded(t)
	for _, w := range []int{20, 40} {
		_, drv, _ := newQueue(t, orders.New(d), w, 13)
		drv.Press("queue", "filterStatus")
		seen := map[string]bool{}
		for i, filter := range statusChoices() { // the cursor walks every line; the list scrolls
			frame := drv.Frame()
			tuitest.Fits(t, frame, w, 13)
			fields := strings.Fields(strings.TrimPrefix(selectedLine(frame), ">"))
			if len(fields) < 2 {
				t.Fatalf("at %d columns line %d of the picker is %q", w, i+1, selectedLine(frame))
			}
			label := strings.Join(fields[:len(fields)-1], " ") // the count is last
			if seen[label] || strings.Contains(label, "…") {
				t.Errorf("at %d columns the picker shows %q twice or cut:\n%s", w, label, frame)
			}
			seen[label] = true
			if st := model.OrderStatus(filter); w == 20 && i >= 2 && label != st.Short() {
				t.Errorf("at 20 columns the picker calls %s %q, want its code %s", st, label, st.Short())
			}
			drv.Press("list", "down")
		}
	}
}

// choose opens the picker of queue.action, moves to the line starting with label and takes it.
func choose(t *testing.T, drv *tuitest.Driver, action, label string) {
	t.Helper()
	drv.Press("queue", action)
	for range 30 {
		if strings.HasPrefix(strings.TrimSpace(strings.TrimPrefix(selectedLine(drv.Frame()), ">")), label) {
			drv.Press("list", "open")
			return
		}
		drv.Press("list", "down")
	}
	t.Fatalf("the picker offers no %q:\n%s", label, drv.Frame())
}

const openSQL = `status NOT IN ('shipped', 'delivered', 'partially_returned', 'returned', 'cancelled')`

// showsFirst fails unless the queue's window holds the first of want in order, and all of them
// once it has reached the end.
func showsFirst(t *testing.T, s *Screen, what string, want []string) {
	t.Helper()
	got := orderNumbers(s)
	if len(got) == 0 || len(got) > len(want) || (s.atEnd && len(got) != len(want)) ||
		strings.Join(got, " ") != strings.Join(want[:len(got)], " ") {
		t.Fatalf("%s shows %v, want %v", what, got, want)
	}
}

// Defect 5: w cycled through the warehouses with no list, and a warehouse's orders silently left
// out the orders not yet routed to any, with no way to list those.
func TestWarehousePickerListsUnassignedOrdersAndEachWarehouse(t *testing.T) {
	d := seeded(t)
	s, drv, _ := newQueue(t, orders.New(d), 80, 21)
	drv.Press("queue", "filterWarehouse")
	frame := drv.Frame()
	offers := append([]string{"All warehouses", "Unassigned (no warehouse yet)"},
		sqlNumbers(t, d, `SELECT code || ' ' || name FROM warehouses WHERE active ORDER BY code`)...)
	for _, want := range offers {
		if !strings.Contains(frame, want) {
			t.Errorf("w should offer %q:\n%s", want, frame)
		}
	}
	before := orderNumbers(s)
	drv.Press("list", "down")
	drv.Press("global", "back")
	if frame := drv.Frame(); s.Capturing() || !strings.Contains(frame, "warehouse all ·") ||
		strings.Join(orderNumbers(s), " ") != strings.Join(before, " ") {
		t.Fatalf("esc should close the picker and keep every warehouse:\n%s", frame)
	}

	choose(t, drv, "filterWarehouse", "Unassigned")
	showsFirst(t, s, "unassigned", sqlNumbers(t, d,
		`SELECT number FROM orders WHERE warehouse_id IS NULL AND `+openSQL+` ORDER BY ordered_at, id`))
	if !strings.Contains(drv.Frame(), "warehouse none ·") {
		t.Fatalf("the filter line does not say unassigned:\n%s", drv.Frame())
	}

	choose(t, drv, "filterWarehouse", "RNO1")
	showsFirst(t, s, "warehouse RNO1", sqlNumbers(t, d, `SELECT o.number FROM orders o JOIN warehouses w ON w.id = o.warehouse_id
		WHERE w.code = 'RNO1' AND o.`+openSQL+` ORDER BY o.ordered_at, o.id`))
	if !strings.Contains(drv.Frame(), "warehouse RNO1 (unrouted hidden)") {
		t.Fatalf("the filter line should say unrouted orders are hidden:\n%s", drv.Frame())
	}
}

// Defect 5, for channels: c cycled through the channels with no list to choose from.
func TestChannelPickerListsEveryChannel(t *testing.T) {
	d := seeded(t)
	s, drv, _ := newQueue(t, orders.New(d), 80, 21)
	drv.Press("queue", "filterChannel")
	frame := drv.Frame()
	for _, want := range append([]string{"All channels"},
		sqlNumbers(t, d, `SELECT code || ' ' || name FROM channels WHERE active ORDER BY code`)...) {
		if !strings.Contains(frame, want) {
			t.Errorf("c should offer %q:\n%s", want, frame)
		}
	}
	drv.Press("list", "down")
	drv.Press("global", "back")
	if frame := drv.Frame(); s.Capturing() || !strings.Contains(frame, "channel all ·") {
		t.Fatalf("esc should close the picker and keep every channel:\n%s", frame)
	}

	choose(t, drv, "filterChannel", "phone")
	showsFirst(t, s, "channel phone", sqlNumbers(t, d, `SELECT o.number FROM orders o JOIN channels c ON c.id = o.channel_id
		WHERE c.code = 'phone' AND o.`+openSQL+` ORDER BY o.ordered_at, o.id`))
	if !strings.Contains(drv.Frame(), "channel phone ·") {
		t.Fatalf("the filter line does not name the channel:\n%s", drv.Frame())
	}
}

// Defect 6: Enter in the search only left the field; a scanned number had to be found in the
// list and opened by hand. Now a search that names exactly one order opens it.
func TestScanningAnOrderNumberOrExternalIDOpensThatOrder(t *testing.T) {
	d := seeded(t)
	var o struct {
		ID         int64  `db:"id"`
		Number     string `db:"number"`
		ExternalID string `db:"external_id"`
	}
	// An external id that only one order has (one can recur across channels).
	if err := d.Get(&o, `SELECT id, number, external_id FROM orders WHERE external_id IN
		(SELECT external_id FROM orders GROUP BY external_id HAVING count(*) = 1) ORDER BY id DESC LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	for _, scan := range []string{o.Number, o.ExternalID} {
		s, drv, _ := newQueue(t, orders.New(d), 80, 21)
		var opened []ui.Open
		drv.Hold = func(msg tea.Msg) bool {
			open, ok := msg.(ui.Open)
			if ok {
				opened = append(opened, open)
			}
			return ok
		}
		drv.Press("queue", "search")
		drv.Type(scan)
		drv.Press("input", "submit")
		want := ui.Open{Route: ui.RouteOrder, Arg: ui.OrderRef{ID: o.ID, Number: o.Number}}
		if !slices.Equal(opened, []ui.Open{want}) {
			t.Errorf("scanning %q and enter asked for %v, want %v", scan, opened, want)
		}
		if s.Capturing() {
			t.Errorf("enter did not leave the search field after scanning %q", scan)
		}
	}
}

// Defect 6, the other side: a search that matches several orders opens none and keeps the text.
func TestEnterOnASearchMatchingSeveralOrdersOpensNone(t *testing.T) {
	d := seeded(t)
	var surname string
	if err := d.Get(&surname, `SELECT split_part(customer_name, ' ', 2) FROM orders WHERE `+openSQL+`
		GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	s, drv, _ := newQueue(t, orders.New(d), 80, 21)
	var opened []tea.Msg
	drv.Hold = func(msg tea.Msg) bool {
		_, ok := msg.(ui.Open)
		if ok {
			opened = append(opened, msg)
		}
		return ok
	}
	drv.Press("queue", "search")
	drv.Type(surname)
	drv.Press("input", "submit")
	if len(opened) != 0 || len(s.rows) < 2 {
		t.Fatalf("enter on %q, which %d orders match, opened %v", surname, len(s.rows), opened)
	}
	if frame := drv.Frame(); !strings.Contains(frame, `search "`+surname+`"`) {
		t.Fatalf("the search text should stay after enter:\n%s", frame)
	}
}

// Defect 7: the help page listed only keys; the marks narrow tables use (!, ~, +, the status
// codes) were explained nowhere.
func TestHelpExplainsEveryMark(t *testing.T) {
	s := New(tuitest.NewContext(), nil)
	desc := map[string]string{}
	for _, column := range s.FullHelp() {
		for _, b := range column {
			if f := strings.Fields(b.Help().Key); len(f) > 0 {
				desc[f[0]] = b.Help().Desc
			}
		}
	}
	marks := []string{"!", "~", "+"}
	for _, st := range model.AllStatuses {
		marks = append(marks, st.Short())
	}
	for _, m := range marks {
		if desc[m] == "" {
			t.Errorf("the help page does not explain %q", m)
		}
	}
}

// The order page's actions work from the queue's row: each key opens the selected order with
// its action started (the order page's tests show it opening).
func TestRowKeysOpenTheOrderWithTheAction(t *testing.T) {
	d := seeded(t)
	s, drv, _ := newQueue(t, orders.New(d), 80, 21)
	drv.Press("list", "down")
	row := s.rows[s.cursor]
	for _, action := range ui.OrderActions {
		var opened []ui.Open
		drv.Hold = func(msg tea.Msg) bool {
			open, ok := msg.(ui.Open)
			if ok {
				opened = append(opened, open)
			}
			return ok
		}
		drv.Press("queue", action)
		want := ui.Open{Route: ui.RouteOrder, Arg: ui.OrderRef{ID: row.ID, Number: row.Number, Action: action}}
		if !slices.Equal(opened, []ui.Open{want}) {
			t.Errorf("the %s key asked for %v, want %v", action, opened, want)
		}
	}
}
