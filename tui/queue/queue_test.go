package queue

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

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
	want := sqlNumbers(t, d, `SELECT number FROM orders WHERE status NOT IN ('shipped', 'partially_returned', 'returned', 'cancelled')
		ORDER BY ordered_at, id LIMIT 5`)
	if got := orderNumbers(s)[:5]; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("first rows %v, want the oldest open orders %v", got, want)
	}
	var open int64
	if err := d.Get(&open, `SELECT count(*) FROM orders WHERE status NOT IN ('shipped', 'partially_returned', 'returned', 'cancelled')`); err != nil {
		t.Fatal(err)
	}
	if s.count(string(orders.StatusOpen)) != open {
		t.Fatalf("open count %d, want %d", s.count(string(orders.StatusOpen)), open)
	}
}

// TestPagingVisitsEveryOrderOnceInABoundedWindow scrolls the whole queue (all 2,000 orders) with
// page-down and checks that every order is seen once, in order, while the screen never holds
// more than its window.
func TestPagingVisitsEveryOrderOnceInABoundedWindow(t *testing.T) {
	d := seeded(t)
	s, drv, _ := newQueue(t, orders.New(d), 40, 13)
	drv.Press("queue", "prevStatus") // open → all (the choices wrap: open, all, statuses…)
	drv.Press("queue", "nextStatus")
	drv.Press("queue", "nextStatus")
	if s.status != "" {
		t.Fatalf("status filter %q, want all", s.status)
	}
	want := sqlNumbers(t, d, `SELECT number FROM orders ORDER BY ordered_at, id`)
	var seen []string
	for range 5000 {
		seen = append(seen, s.rows[s.cursor].Number)
		if len(s.rows) > s.maxWindow() {
			t.Fatalf("window holds %d rows, more than its bound %d", len(s.rows), s.maxWindow())
		}
		if len(s.lines) != len(s.rows) {
			t.Fatalf("%d rendered lines for %d rows", len(s.lines), len(s.rows))
		}
		if !strings.Contains(s.lines[s.cursor], s.rows[s.cursor].Number) {
			t.Fatalf("rendered line %q is not row %s", s.lines[s.cursor], s.rows[s.cursor].Number)
		}
		if s.cursor == len(s.rows)-1 && s.atEnd {
			break
		}
		drv.Press("list", "down")
	}
	if strings.Join(seen, " ") != strings.Join(want, " ") {
		t.Fatalf("scrolling saw %d orders, want all %d in order", len(seen), len(want))
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
	want := sqlNumbers(t, d, `SELECT number FROM orders WHERE status NOT IN ('shipped', 'partially_returned', 'returned', 'cancelled')
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

func TestCountsBarFitsEveryStatusAtAMillionOrders(t *testing.T) {
	counts := orders.StatusCounts{ByStatus: map[model.OrderStatus]int64{}}
	for i, st := range []model.OrderStatus{"pending", "backordered", "allocated", "picking", "picked", "packed",
		"partially_shipped", "shipped", "partially_returned", "returned", "on_hold", "cancelled"} {
		counts.ByStatus[st] = int64(88_888 + i*100_000) // the widest figures a million orders give
	}
	c := tuitest.NewContext()
	s := New(c, nil)
	s.SetSize(80, 21)
	s.counts = counts
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
