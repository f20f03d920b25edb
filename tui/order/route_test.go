package order

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"oms/db"
	"oms/db/alloc"
	"oms/db/orders"
	"oms/keymaps"
	"oms/tui/tuitest"
	"oms/tui/ui"
)

// whReroutable is an order routing may change: nothing picked, not held, cancelled, collected
// or sold at a store, with a warehouse and two lines or more.
const whReroutable = `o.status IN ('pending', 'backordered', 'allocated') AND o.cancelled_at IS NULL
	AND o.pickup_warehouse_id IS NULL AND NOT o.store_sale AND o.warehouse_id IS NOT NULL
	AND (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id) >= 2
	AND NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND l.qty_picked > 0)`

// whSplittable is an order partly allocated, nothing picked on its waiting lines.
const whSplittable = `o.status = 'backordered' AND o.cancelled_at IS NULL
	AND EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND l.qty_allocated > 0)
	AND EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND l.qty_allocated < l.qty_ordered - l.qty_cancelled)
	AND NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND l.qty_picked > 0
	                   AND l.qty_allocated < l.qty_ordered - l.qty_cancelled)`

func stores(d *db.DB) Stores { return Stores{Store: orders.New(d), Alloc: alloc.New(d)} }

func checkClean(t *testing.T, d *db.DB) {
	t.Helper()
	rep, err := d.Check(t.Context(), 0)
	if err != nil || !rep.OK() {
		t.Fatalf("oms check: %v %v", err, rep.Violations)
	}
}

// otherWarehouse moves the picker's cursor to the warehouse the order is not routed to that has
// most of its lines in stock (the first of them).
func otherWarehouse(t *testing.T, drv *tuitest.Driver, s *Screen) choice {
	t.Helper()
	best, most := -1, -1
	for i, c := range s.act.choices {
		var in, of int
		if _, err := fmt.Sscanf(c.stock, "%d of %d", &in, &of); err != nil {
			in = 1 << 20 // "all n lines in stock"
		}
		if !strings.Contains(c.label, "(now)") && in > most {
			best, most = i, in
		}
	}
	if best < 0 {
		t.Fatalf("no other warehouse to re-route to: %+v", s.act.choices)
	}
	for range best {
		drv.Press(keymaps.ScopeOrder, "scrollDown")
	}
	return s.act.choices[best]
}

// stamp hides when and by whom the new history line was written (the database's clock and the
// test's login), keeping the frame's widths, so golden frames stay put.
var stamp = regexp.MustCompile(`(?m)^ \d{4}-\d\d-\d\d \d\d:\d\d  \S+ *(order\.(?:rerouted|split))`)

func goldenStamped(t *testing.T, drv *tuitest.Driver, name string, w, h int) {
	t.Helper()
	frame := drv.Frame()
	tuitest.Exactly(t, frame, w, h)
	frame = stamp.ReplaceAllStringFunc(frame, func(m string) string {
		kind := stamp.FindStringSubmatch(m)[1]
		head := " YYYY-MM-DD HH:MM  actor"
		return head + strings.Repeat(" ", len(m)-len(head)-len(kind)) + kind
	})
	tuitest.Golden(t, fmt.Sprintf("%s_%dx%d", name, w, h), frame)
}

// Re-route: w lists the active warehouses with what each has of the order's lines, Enter on one
// asks first, n changes nothing; y (twice, while the first is on its way) re-routes once, the
// page reloads with the history line and the footer offers the key to the back office.
func TestRerouteFromThePickerAsksFirst(t *testing.T) {
	t.Parallel()
	d := seeded(t)
	id, number := pick(t, d, whReroutable)
	for _, sz := range screenSizes {
		drv, s := open(t, stores(d), id, number, sz.w, sz.h)
		drv.Press(keymaps.ScopeOrder, "reroute")
		if s.act == nil || s.act.loading || len(s.act.choices) < 2 || !strings.Contains(drv.Frame(), " of ") {
			t.Fatalf("%d×%d: the re-route key shows no warehouses:\n%s", sz.w, sz.h, drv.Frame())
		}
		golden(t, drv, "reroute-pick", sz.w, sz.h)
		otherWarehouse(t, drv, s)
		drv.Press(keymaps.ScopeInput, "submit")
		if !strings.Contains(drv.Frame(), "Are you sure?") {
			t.Fatalf("%d×%d: no confirmation:\n%s", sz.w, sz.h, drv.Frame())
		}
		golden(t, drv, "reroute-confirm", sz.w, sz.h)
		drv.Press(keymaps.ScopeDialog, "cancel")
	}
	if got := events(t, d, id, "order.rerouted"); len(got) != 0 {
		t.Fatalf("answering no re-routed: %q", got)
	}
	drv, s := open(t, stores(d), id, number, 80, 24)
	if help := fmt.Sprint(s.ShortHelp()); !strings.Contains(help, "re-route") || !strings.Contains(help, "split") {
		t.Errorf("the footer does not offer re-route and split: %s", help)
	}
	drv.Press(keymaps.ScopeOrder, "reroute")
	to := otherWarehouse(t, drv, s)
	drv.Press(keymaps.ScopeInput, "submit")
	drv.Hold = func(m tea.Msg) bool { r, ok := m.(ui.Result); _, cmd := r.Wish.(command); return ok && cmd }
	drv.Press(keymaps.ScopeDialog, "confirm")
	drv.Press(keymaps.ScopeDialog, "confirm") // y twice
	drv.Release()
	if s.act != nil {
		t.Fatalf("the re-route did not close:\n%s", drv.Frame())
	}
	got := events(t, d, id, "order.rerouted")
	if len(got) != 1 || !strings.Contains(got[0], "→ "+to.code+" by hand: ") {
		t.Fatalf("re-routed events %q, want one to %s", got, to.code)
	}
	drv.Press(keymaps.ScopeOrder, "toggleSection")
	drv.Press(keymaps.ScopeOrder, "toggleSection") // History
	if !strings.Contains(drv.Frame(), "re-routed") {
		t.Fatalf("the history does not show the re-route:\n%s", drv.Frame())
	}
	goldenStamped(t, drv, "reroute-done", 80, 24)
	checkClean(t, d)
}

// Split: b asks first, naming what waits; n changes nothing; y splits once, the page reloads
// with the history line naming the new order, and the original is allocated. Splitting again is
// refused with the database's sentence, shown in the dialog.
func TestSplitTheBackorderOffAsksFirst(t *testing.T) {
	t.Parallel()
	d := seeded(t)
	id, number := pick(t, d, whSplittable)
	for _, sz := range screenSizes {
		drv, _ := open(t, stores(d), id, number, sz.w, sz.h)
		drv.Press(keymaps.ScopeOrder, "split")
		if !strings.Contains(drv.Frame(), "Are you sure?") {
			t.Fatalf("%d×%d: no confirmation:\n%s", sz.w, sz.h, drv.Frame())
		}
		golden(t, drv, "split-confirm", sz.w, sz.h)
		drv.Press(keymaps.ScopeDialog, "cancel")
	}
	if got := events(t, d, id, "order.split"); len(got) != 0 {
		t.Fatalf("answering no split: %q", got)
	}
	drv, s := open(t, stores(d), id, number, 80, 24)
	drv.Press(keymaps.ScopeOrder, "split")
	drv.Press(keymaps.ScopeDialog, "confirm")
	if s.act != nil {
		t.Fatalf("the split did not close:\n%s", drv.Frame())
	}
	got := events(t, d, id, "order.split")
	if len(got) != 1 || !strings.HasPrefix(got[0], "split off ") || !strings.HasSuffix(got[0], " waiting") {
		t.Fatalf("split events %q, want one", got)
	}
	if st := s.detail.Header.Status; st != "allocated" {
		t.Errorf("after the split the order is %s, want allocated", st)
	}
	drv.Press(keymaps.ScopeOrder, "toggleSection")
	drv.Press(keymaps.ScopeOrder, "toggleSection") // History
	if !strings.Contains(drv.Frame(), "split off") {
		t.Fatalf("the history does not show the split:\n%s", drv.Frame())
	}
	goldenStamped(t, drv, "split-done", 80, 24)
	drv.Press(keymaps.ScopeOrder, "split")
	drv.Press(keymaps.ScopeDialog, "confirm")
	if s.act == nil || !strings.Contains(drv.Frame(), "has nothing waiting") {
		t.Fatalf("splitting again is not refused in the dialog:\n%s", drv.Frame())
	}
	goldenStamped(t, drv, "split-refused", 80, 24)
	checkClean(t, d)
}
