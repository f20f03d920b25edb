package order

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"oms/db"
	"oms/db/dbtest"
	"oms/db/orders"
	"oms/db/seed"
	"oms/keymaps"
	"oms/tui/tuitest"
	"oms/tui/ui"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// Body sizes the root gives the screen: a terminal minus header, status line and footer.
var bodySizes = []struct{ w, h int }{{80, 21}, {40, 13}, {20, 13}}

// seeded is a fresh copy of the seeded data set; the seeder runs once per test binary.
func seeded(t testing.TB) *db.DB {
	t.Helper()
	return tuitest.Seeded(t, seed.Options{Orders: 60, SKUs: 60, Warehouses: 3, Seed: 1, Now: tuitest.Now})
}

// pick returns the first order matching a condition on orders o, failing the test if none.
func pick(t testing.TB, d *db.DB, where string) (int64, string) {
	t.Helper()
	var o struct {
		ID     int64  `db:"id"`
		Number string `db:"number"`
	}
	err := d.GetContext(context.Background(), &o,
		`SELECT o.id, o.number FROM orders o WHERE `+where+` ORDER BY o.id LIMIT 1`)
	if err != nil {
		t.Fatalf("no seeded order where %s: %v", where, err)
	}
	return o.ID, o.Number
}

const (
	whPicking = `o.status = 'picking'`
	// A shipped order, most of which are delivered by now: the first reads delivered.
	whShipped = `o.status IN ('shipped', 'delivered') AND o.discount_minor > 0 AND EXISTS (SELECT 1 FROM events e WHERE e.order_id = o.id)`
	whHeld    = `o.status = 'on_hold' AND EXISTS (SELECT 1 FROM events e WHERE e.order_id = o.id)`
)

// open shows order id on a store at w×h and waits for its data.
func open(t testing.TB, store Data, id int64, number string, w, h int) (*tuitest.Driver, *Screen) {
	t.Helper()
	ctx := tuitest.NewContext()
	s := New(ctx, store, id, number)
	return tuitest.New(t, s, *ctx.Keys, w, h), s
}

func TestGoldenFrames(t *testing.T) {
	t.Parallel()
	d := seeded(t)
	cases := []struct{ name, where string }{
		{"picking", whPicking}, {"shipped", whShipped}, {"held", whHeld},
	}
	for _, o := range cases {
		id, number := pick(t, d, o.where)
		for _, sz := range bodySizes {
			name := fmt.Sprintf("%s_%dx%d", o.name, sz.w, sz.h)
			t.Run(name, func(t *testing.T) {
				drv, _ := open(t, orders.New(d), id, number, sz.w, sz.h)
				frame := drv.Frame()
				tuitest.Exactly(t, frame, sz.w, sz.h)
				if !strings.Contains(frame, number) {
					t.Errorf("frame does not show %s:\n%s", number, frame)
				}
				tuitest.Golden(t, name, frame)
			})
		}
	}
}

// TestGoldenWholePage keeps the whole picking order at each width in golden files, so a
// reviewer sees every section as each class lays it out, not only the first screenful.
func TestGoldenWholePage(t *testing.T) {
	t.Parallel()
	d := seeded(t)
	id, number := pick(t, d, whPicking)
	for _, w := range []int{80, 60, 40, 20} {
		drv, s := open(t, orders.New(d), id, number, w, 13)
		drv.Resize(w, len(s.page.lines))
		frame := drv.Frame()
		tuitest.Exactly(t, frame, w, len(s.page.lines))
		tuitest.Golden(t, fmt.Sprintf("picking_page_%d", w), frame)
	}
}

// TestEveryOrderFits lays every seeded order out at widths across all classes and their
// edges: no line may be wider than the width, and the frame is always exactly the height.
func TestEveryOrderFits(t *testing.T) {
	t.Parallel()
	d := seeded(t)
	var ids []int64
	if err := d.SelectContext(context.Background(), &ids, `SELECT id FROM orders ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	if len(ids) == 0 {
		t.Fatal("the seed wrote no orders")
	}
	for _, id := range ids {
		drv, s := open(t, orders.New(d), id, "order", 80, 21)
		if s.detail == nil {
			t.Fatalf("order %d did not load: %v", id, s.err)
		}
		for _, w := range []int{20, 21, 29, 30, 39, 40, 59, 60, 79, 80, 100, 160} {
			drv.Resize(w, 13)
			tuitest.Exactly(t, drv.Frame(), w, 13)
			for _, action := range []string{"bottom", "toggleSection", "pageDown"} {
				drv.Press(keymaps.ScopeOrder, action)
				tuitest.Exactly(t, drv.Frame(), w, 13)
			}
		}
	}
}

func TestLoadingFrame(t *testing.T) {
	t.Parallel()
	d := seeded(t)
	id, number := pick(t, d, whPicking)
	s := New(tuitest.NewContext(), orders.New(d), id, number)
	s.SetSize(40, 13)
	frame := s.View()
	tuitest.Exactly(t, frame, 40, 13)
	if first := strings.Split(frame, "\n")[0]; !strings.Contains(first, "Loading "+number+" …") {
		t.Errorf("first line before the data = %q, want it to say it is loading %s", first, number)
	}
}

func TestScroll(t *testing.T) {
	t.Parallel()
	d := seeded(t)
	id, number := pick(t, d, whShipped)
	drv, s := open(t, orders.New(d), id, number, 80, 21)
	top := lines(drv.Frame())
	if len(s.page.lines) <= 21 {
		t.Fatalf("the order fits in one screen (%d lines); pick a longer one", len(s.page.lines))
	}
	shows := func(what string, offset int) {
		t.Helper()
		frame := lines(drv.Frame())
		for i, want := range s.page.lines[offset:min(offset+21, len(s.page.lines))] {
			if frame[i] != want {
				t.Fatalf("%s: row %d is %q, want page line %d %q", what, i+1, frame[i], offset+i+1, want)
			}
		}
	}

	drv.Press(keymaps.ScopeOrder, "scrollDown")
	shows("scrollDown", 1)
	if got := lines(drv.Frame()); got[0] != top[1] {
		t.Errorf("scrollDown did not move the content up one line: first row %q", got[0])
	}
	drv.Press(keymaps.ScopeOrder, "scrollUp")
	shows("scrollUp", 0)

	last := len(s.page.lines) - 21
	drv.Press(keymaps.ScopeOrder, "bottom")
	shows("bottom", last)
	drv.Press(keymaps.ScopeOrder, "scrollDown")
	shows("scrollDown at the bottom", last)

	drv.Press(keymaps.ScopeOrder, "top")
	shows("top", 0)
	drv.Press(keymaps.ScopeOrder, "pageDown")
	shows("pageDown", min(20, last))
	drv.Press(keymaps.ScopeOrder, "pageUp")
	shows("pageUp", 0)
}

func TestToggleSection(t *testing.T) {
	t.Parallel()
	d := seeded(t)
	id, number := pick(t, d, whShipped)
	drv, s := open(t, orders.New(d), id, number, 80, 21)

	drv.Press(keymaps.ScopeOrder, "toggleSection")
	frame := drv.Frame()
	tuitest.Exactly(t, frame, 80, 21)
	if first := lines(frame)[0]; !strings.HasPrefix(first, " History ") {
		t.Errorf("toggleSection from the top: first row %q, want the History title", first)
	}
	if !strings.Contains(frame, s.detail.History[0].Message[:20]) {
		t.Errorf("the newest event is not under the History title:\n%s", frame)
	}
	drv.Press(keymaps.ScopeOrder, "toggleSection")
	if first := lines(drv.Frame())[0]; !strings.HasPrefix(first, " Lines ") {
		t.Errorf("toggleSection from History: first row %q, want the Lines title", first)
	}
	// Scrolling down from a jump past the end does not pull the page back up.
	drv.Press(keymaps.ScopeOrder, "toggleSection")
	drv.Press(keymaps.ScopeOrder, "scrollDown")
	if first := lines(drv.Frame())[0]; !strings.HasPrefix(first, " History ") {
		t.Errorf("scrollDown after jumping to History: first row %q", first)
	}
}

// On a handheld the section key visits both sections too, and never draws past the screen.
func TestToggleSectionHandheld(t *testing.T) {
	t.Parallel()
	d := seeded(t)
	id, number := pick(t, d, whShipped)
	for _, sz := range bodySizes[1:] {
		drv, _ := open(t, orders.New(d), id, number, sz.w, sz.h)
		seen := map[string]bool{}
		for range 2 {
			drv.Press(keymaps.ScopeOrder, "toggleSection")
			frame := drv.Frame()
			tuitest.Exactly(t, frame, sz.w, sz.h)
			seen[strings.Fields(lines(frame)[0])[0]] = true
		}
		if !seen["Lines"] || !seen["History"] {
			t.Errorf("%d×%d: two presses showed %v at the top, want Lines and History", sz.w, sz.h, seen)
		}
	}
}

func TestChangeInDatabaseAppears(t *testing.T) {
	t.Parallel()
	d := seeded(t)
	id, number := pick(t, d, whPicking)
	drv, _ := open(t, orders.New(d), id, number, 80, 21)
	if strings.Contains(drv.Frame(), "Fraud review") {
		t.Fatal("the order is already held for fraud review")
	}
	_, err := d.ExecContext(context.Background(),
		`UPDATE orders SET status = 'on_hold', on_hold = true, hold_reason = 'HOLD_FRAUD' WHERE id = $1`, id)
	if err != nil {
		t.Fatal(err)
	}
	drv.Send(ui.ChangedMsg{})
	frame := drv.Frame()
	tuitest.Exactly(t, frame, 80, 21)
	for _, want := range []string{"| On hold", "Fraud review"} {
		if !strings.Contains(frame, want) {
			t.Errorf("after the change the frame does not show %q:\n%s", want, frame)
		}
	}
}

// flakyStore is the real database behind a network that fails on demand.
type flakyStore struct {
	*orders.Store
	fail  atomic.Bool
	calls atomic.Int64
}

func (f *flakyStore) OrderDetail(ctx context.Context, id int64) (orders.Detail, error) {
	f.calls.Add(1)
	if f.fail.Load() {
		return orders.Detail{}, fmt.Errorf("read tcp 10.0.0.5:5432: %w", syscall.ECONNRESET)
	}
	return f.Store.OrderDetail(ctx, id)
}

func TestRefreshErrorKeepsData(t *testing.T) {
	t.Parallel()
	d := seeded(t)
	store := &flakyStore{Store: orders.New(d)}
	id, number := pick(t, d, whPicking)
	drv, _ := open(t, store, id, number, 80, 21)
	good := drv.Frame()

	store.fail.Store(true)
	drv.Send(ui.ChangedMsg{})
	stale := drv.Frame()
	tuitest.Exactly(t, stale, 80, 21)
	if !strings.Contains(lines(stale)[0], "(stale)") {
		t.Errorf("after a failed refresh the title does not say stale: %q", lines(stale)[0])
	}
	if want, got := lines(good)[1:], lines(stale)[1:]; strings.Join(want, "\n") != strings.Join(got, "\n") {
		t.Errorf("a failed refresh changed the data shown:\nbefore\n%s\nafter\n%s", good, stale)
	}

	store.fail.Store(false)
	drv.Send(ui.ChangedMsg{})
	if got := drv.Frame(); got != good {
		t.Errorf("after recovering the frame differs from the first:\n%s", got)
	}
}

func TestErrorBeforeAnyData(t *testing.T) {
	t.Parallel()
	d := seeded(t)
	store := &flakyStore{Store: orders.New(d)}
	store.fail.Store(true)
	id, number := pick(t, d, whPicking)
	drv, _ := open(t, store, id, number, 40, 13)
	frame := drv.Frame()
	tuitest.Exactly(t, frame, 40, 13)
	if !strings.Contains(frame, "Could not load "+number) || !strings.Contains(frame, "lost the connection") {
		t.Errorf("frame does not explain the failure:\n%s", frame)
	}
}

// A change notice while a fetch is running must not start a second fetch; it is remembered
// and fetched when the first answers, so the newest data wins.
func TestNoOverlappingFetches(t *testing.T) {
	t.Parallel()
	d := seeded(t)
	store := &flakyStore{Store: orders.New(d)}
	id, number := pick(t, d, whPicking)
	drv, _ := open(t, store, id, number, 80, 21)
	store.calls.Store(0)

	drv.Hold = func(msg tea.Msg) bool { _, ok := msg.(ui.Result); return ok }
	drv.Send(ui.ChangedMsg{})
	_, err := d.ExecContext(context.Background(),
		`UPDATE orders SET status = 'on_hold', on_hold = true, hold_reason = 'HOLD_ADDRESS' WHERE id = $1`, id)
	if err != nil {
		t.Fatal(err)
	}
	drv.Send(ui.ChangedMsg{}, ui.ActivatedMsg{})
	if n := store.calls.Load(); n != 1 {
		t.Fatalf("%d fetches ran while the first was in flight, want 1", n)
	}
	drv.Release()
	if n := store.calls.Load(); n != 2 {
		t.Errorf("%d fetches in all, want the held one and exactly one more", n)
	}
	if frame := drv.Frame(); !strings.Contains(frame, "Address needs checking") {
		t.Errorf("the change made during the first fetch is not shown:\n%s", frame)
	}
}

func TestStaleAnswerDropped(t *testing.T) {
	t.Parallel()
	d := seeded(t)
	id, number := pick(t, d, whPicking)
	drv, s := open(t, orders.New(d), id, number, 80, 21)
	before := drv.Frame()
	bogus := orders.Detail{Header: orders.Header{Number: "SO-BOGUS", Status: "cancelled"}}
	drv.Send(ui.Result{To: s.ID(), Req: 0, Payload: bogus})
	drv.Send(ui.Result{To: s.ID() + 1, Req: 1, Payload: bogus})
	if got := drv.Frame(); got != before {
		t.Errorf("an answer that is not the latest, or not ours, changed the screen:\n%s", got)
	}
}

// Amounts are minor units formatted by the currency's exponent.
func TestMoney(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		minor    int64
		currency string
		want     string
	}{
		{123456, "EUR", "1,234.56"}, {150000, "JPY", "150,000"}, {1234567, "KWD", "1,234.567"},
		{-500, "USD", "-5.00"}, {0, "JPY", "0"},
	} {
		if got := money(c.minor, c.currency); got != c.want {
			t.Errorf("money(%d, %s) = %q, want %q", c.minor, c.currency, got, c.want)
		}
	}
}

// The seed prices in two-decimal currencies only; an order moved to JPY and KWD in the
// database shows the same minor units with no decimals and with three.
func TestCurrencyExponent(t *testing.T) {
	t.Parallel()
	d := seeded(t)
	id, number := pick(t, d, whShipped)
	for _, c := range []string{"JPY", "KWD"} {
		if _, err := d.ExecContext(context.Background(), `UPDATE orders SET currency = $1 WHERE id = $2`, c, id); err != nil {
			t.Fatal(err)
		}
		drv, s := open(t, orders.New(d), id, number, 80, 21)
		drv.Press(keymaps.ScopeOrder, "toggleSection") // History at the top
		drv.Press(keymaps.ScopeOrder, "toggleSection") // Lines at the top: table and totals
		h, l := s.detail.Header, s.detail.Lines[0]
		frame := drv.Frame()
		for _, want := range []string{
			"Total " + c + " " + money(h.Total.Minor, c),
			money(l.UnitPrice.Minor*l.Ordered, c),
		} {
			if !strings.Contains(strings.Join(strings.Fields(frame), " "), want) {
				t.Errorf("%s: frame does not show %q:\n%s", c, want, frame)
			}
		}
	}
}

func TestHelpFromKeyMap(t *testing.T) {
	t.Parallel()
	ctx := tuitest.NewContext()
	s := New(ctx, nil, 1, "SO-1")
	if got := len(s.ShortHelp()); got == 0 {
		t.Error("no short help")
	}
	if s.Title() != "SO-1" {
		t.Errorf("Title() = %q", s.Title())
	}
}

func lines(frame string) []string { return strings.Split(frame, "\n") }

func BenchmarkOrderScroll(b *testing.B) {
	d := seeded(b)
	id, number := pick(b, d, whShipped)
	_, s := open(b, orders.New(d), id, number, 80, 21)
	down := keymaps.Press(*s.c.Keys, keymaps.ScopeOrder, "scrollDown")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if s.offset == s.maxOffset() {
			s.scrollTo(0, 0)
		}
		s.Update(down)
		_ = s.View()
	}
}
