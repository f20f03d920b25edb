package supervisor

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"oms/db"
	"oms/db/alloc"
	dbcounts "oms/db/counts"
	"oms/db/dbtest"
	"oms/db/floor"
	"oms/db/floortest"
	"oms/db/inbound"
	"oms/db/orders"
	"oms/db/picking"
	"oms/db/returns"
	"oms/keymaps"
	"oms/model"
	"oms/tui/tuitest"
	"oms/tui/ui"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// scene is a floor the supervisor watches, seeded around tuitest.Now (Thursday 26 November
// 2026, 14:00), the screen's clock:
//
//   - an order shipped earlier (SO-0000001), with two RMAs: RMA 1's tee back, scrapped and its
//     refund due; RMA 2 opened after the channel's window closed, waiting for authorisation;
//   - Y (39 tees, promised 12:00, late): Piet found A-01 empty, so it waits for stock;
//   - X (a tee and a mug, promised 17:00): Pia holds its batch, picked its tee with a wrong
//     scan, and her lease ran out;
//   - Z (2 mugs, promised tomorrow) released and waiting for a picker;
//   - an order of the same weekday a week ago at 11:00 (cancelled);
//   - A-02's count beyond tolerance twice, waiting for a supervisor; 60 tees found at A-01
//     waiting for approval; an import that rejected an order.
type scene struct {
	*floortest.Floor
	sup      Stores
	pia      *picking.Store
	piaLogin string
	pietName string
	x, y, z  int64
	rma1     int64
	rma2     int64
	adjust   int64
	review   int64
}

func newScene(t *testing.T) *scene {
	t.Helper()
	f := floortest.New(t)
	ctx := context.Background()
	sc := &scene{Floor: f}
	now := tuitest.Now

	// The shipped order and its returns, first: floortest's picker takes the next batch.
	shipped, _ := f.Shipped(t, "T7", map[string]int64{"TEE-1": 2})
	mustExec(t, f.Owner, `UPDATE staff SET name = 'Fay Picker' WHERE name LIKE 'Test %'`)
	_, u := dbtest.NewLogin(t, f.Owner, dbtest.Staff{Name: "Rita Returns", Jobs: []string{"returns"}, Warehouse: "RTM1"})
	desk := returns.New(dbtest.Open(t, u))
	var line int64
	mustGet(t, f.Owner, &line, `SELECT id FROM order_lines WHERE order_id = $1`, shipped)
	r1, err := desk.Open(ctx, "rma-open-1", returns.OpenRequest{Order: shipped, Wish: model.WishRefund,
		Lines: []returns.OpenLine{{Line: line, Qty: 1, Reason: "RET_SIZE"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := desk.ReceiveParcel(ctx, "rma-recv-1", r1.ID, r1.Tracking); err != nil {
		t.Fatal(err)
	}
	if _, err := desk.Inspect(ctx, "rma-grade-1", returns.Grading{Line: r1.Lines[0].ID, Qty: 1, Grade: "C", Disposition: "scrap"}); err != nil {
		t.Fatal(err)
	}
	mustExec(t, f.Owner, `UPDATE channels SET return_days = 0 WHERE code = 'web-eu'`)
	r2, err := desk.Open(ctx, "rma-open-2", returns.OpenRequest{Order: shipped, Wish: model.WishRefund,
		Lines: []returns.OpenLine{{Line: line, Qty: 1, Reason: "RET_SIZE"}}})
	if err != nil || r2.Status != model.RMARequested {
		t.Fatalf("an RMA outside the window: %+v %v", r2, err)
	}
	sc.rma1, sc.rma2 = r1.ID, r2.ID

	// Today's orders.
	mustExec(t, f.Owner, `UPDATE warehouses SET verify_item = 'warn', pick_max_orders = 1, count_tolerance_units = 0 WHERE code = 'RTM1'`)
	sc.x, _ = sc.order(t, "X", now.Add(-3*time.Hour), now.Add(3*time.Hour), map[string]int64{"TEE-1": 1, "MUG-1": 1})
	sc.y, _ = sc.order(t, "Y", now.Add(-30*time.Hour), now.Add(-2*time.Hour), map[string]int64{"TEE-1": 37})
	sc.z, _ = sc.order(t, "Z", now.Add(-time.Hour), now.Add(30*time.Hour), map[string]int64{"MUG-1": 2})
	old, _ := sc.order(t, "OLD", now.Add(-7*24*time.Hour-3*time.Hour), now.Add(-5*24*time.Hour), map[string]int64{"MUG-1": 1})
	if err := orders.New(f.Clerk).CancelOrder(ctx, "", old, "CANCEL_CUSTOMER"); err != nil {
		t.Fatal(err)
	}
	if _, err := picking.New(f.Clerk).Release(ctx, "", picking.ReleaseOptions{Warehouse: "RTM1"}); err != nil {
		t.Fatal(err)
	}

	// Piet shorts Y; Pia picks X's tee with a wrong scan and goes quiet.
	var pietURL string
	sc.pietName = "Piet Picker"
	_, pietURL = dbtest.NewLogin(t, f.Owner, dbtest.Staff{Name: sc.pietName, Jobs: []string{"picker"}, Warehouse: "RTM1"})
	piet := picking.New(dbtest.Open(t, pietURL))
	by, err := piet.Claim(ctx, "", "RTM1", "T2")
	if err != nil || by.Tasks[0].OrderID != sc.y {
		t.Fatalf("Piet's claim: %+v %v", by, err)
	}
	if _, err := piet.Short(ctx, "", by.Tasks[0].ID, "SHORT_EMPTY"); err != nil {
		t.Fatal(err)
	}
	sc.piaLogin, u = dbtest.NewLogin(t, f.Owner, dbtest.Staff{Name: "Pia Picker", Jobs: []string{"picker"}, Warehouse: "RTM1"})
	sc.pia = picking.New(dbtest.Open(t, u))
	bx, err := sc.pia.Claim(ctx, "", "RTM1", "T1")
	if err != nil || bx.Tasks[0].OrderID != sc.x {
		t.Fatalf("Pia's claim: %+v %v", bx, err)
	}
	for _, task := range bx.Tasks {
		if task.SKU == "TEE-1" {
			if _, err := sc.pia.Confirm(ctx, "", picking.Pick{Task: task.ID, Bin: task.Bin, Item: "MUG-1", Qty: 1}); err != nil {
				t.Fatal(err)
			}
		}
	}
	mustExec(t, f.Owner, `UPDATE pick_batches SET lease_expires_at = now() - interval '1 minute' WHERE id = $1`, bx.ID)

	// A-02 counted 35 twice where the books say 40; 60 tees found at A-01.
	mustExec(t, f.Owner, `UPDATE products SET unit_cost_minor = 1000 WHERE sku = 'TEE-1'`)
	counter := func(name string) *dbcounts.Store {
		_, u := dbtest.NewLogin(t, f.Owner, dbtest.Staff{Name: name, Jobs: []string{"stock"}, Warehouse: "RTM1"})
		return dbcounts.New(dbtest.Open(t, u))
	}
	ann, bob := counter("Ann Counter"), counter("Bob Counter")
	if _, err := ann.Plan(ctx, "plan-a02-x", dbcounts.PlanRequest{Warehouse: "RTM1", How: "bins", Arg: "A-02"}); err != nil {
		t.Fatal(err)
	}
	var mug int64
	mustGet(t, f.Owner, &mug, `SELECT id FROM products WHERE sku = 'MUG-1'`)
	for i, who := range []*dbcounts.Store{ann, bob} {
		var task dbcounts.Task
		for {
			task, err = who.Claim(ctx, "RTM1")
			if err != nil {
				t.Fatal(err)
			}
			if task.Bin == "A-02" {
				break
			}
			if err := who.Unclaim(ctx, task.ID); err != nil { // A-01's task, raised by the short pick
				t.Fatal(err)
			}
			mustExec(t, f.Owner, `UPDATE count_tasks SET pick_seq = 99 WHERE id = $1`, task.ID)
		}
		if _, err := who.Record(ctx, fmt.Sprintf("count-a02-%d", i), task.ID, []dbcounts.Line{{Product: mug, Qty: 35}}); err != nil {
			t.Fatal(err)
		}
		sc.review = task.ID
	}
	_, u = dbtest.NewLogin(t, f.Owner, dbtest.Staff{Name: "Stan Stock", Jobs: []string{"stock"}, Warehouse: "RTM1"})
	adj, err := inbound.New(dbtest.Open(t, u)).Adjust(ctx, "adjust-found", inbound.AdjustRequest{Warehouse: "RTM1", Location: "A-01",
		Scan: "TEE-1", Qty: 60, Reason: "ADJ_FOUND"})
	if err != nil || adj.Status != "pending" {
		t.Fatalf("a big adjustment: %+v %v", adj, err)
	}
	sc.adjust = adj.ID

	// An import that rejected an order.
	st := orders.New(f.Clerk)
	ch, err := st.ChannelByCode(ctx, "web-eu")
	if err != nil {
		t.Fatal(err)
	}
	run, err := st.StartImport(ctx, ch, "json", "monday.json", strings.Repeat("1", 64))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportBatch(ctx, run, []orders.Incoming{{Line: 3, Ref: "#BAD", Reason: "no such SKU: CAP-0"}}); err != nil {
		t.Fatal(err)
	}

	_, u = dbtest.NewLogin(t, f.Owner, dbtest.Staff{Name: "Sam Supervisor", Jobs: []string{"supervisor"}, Warehouse: "RTM1"})
	sc.sup = NewData(dbtest.Open(t, u))
	return sc
}

// order imports an order of web-eu to Rotterdam and allocates it.
func (sc *scene) order(t *testing.T, ext string, ordered, promised time.Time, units map[string]int64) (int64, string) {
	t.Helper()
	ctx := context.Background()
	st := orders.New(sc.Clerk)
	ch, err := st.ChannelByCode(ctx, "web-eu")
	if err != nil {
		t.Fatal(err)
	}
	o := model.IncomingOrder{ExternalID: ext, DisplayID: "#" + ext, Currency: "EUR", OrderedAt: ordered, PromisedAt: promised,
		Customer: model.IncomingCustomer{Name: "Anna de Vries"}, ShipTo: floortest.Rotterdam}
	for _, sku := range []string{"TEE-1", "MUG-1"} {
		if q := units[sku]; q > 0 {
			o.Lines = append(o.Lines, model.IncomingLine{ExternalLineID: sku, SKU: sku, Qty: q, AmountMinor: 1000 * q})
			o.SubtotalMinor += 1000 * q
		}
	}
	o.TotalMinor = o.SubtotalMinor
	run, err := st.StartImport(ctx, ch, "json", ext+".json", strings.Repeat("0", 64))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportBatch(ctx, run, []orders.Incoming{{Order: o, Line: 1, Ref: ext}}); err != nil {
		t.Fatal(err)
	}
	var row struct {
		ID     int64  `db:"id"`
		Number string `db:"number"`
	}
	mustGet(t, sc.Owner, &row, `SELECT id, number FROM orders WHERE external_id = $1`, ext)
	if _, err := alloc.New(sc.Clerk).AllocateMany(ctx, []int64{row.ID}, false); err != nil {
		t.Fatal(err)
	}
	return row.ID, row.Number
}

// view is the supervisor's screen at one size.
type view struct {
	t    *testing.T
	s    *Screen
	drv  *tuitest.Driver
	w, h int
}

func (sc *scene) open(t *testing.T, w, h int) *view {
	t.Helper()
	c := tuitest.NewContext()
	c.Jobs, c.User.Name = []string{"supervisor"}, "Sam Supervisor"
	s := Def(sc.sup).Build(c, nil).(*Screen)
	return &view{t: t, s: s, drv: tuitest.New(t, s, *c.Keys, w, h), w: w, h: h}
}

func flat(frame string) string { return strings.Join(strings.Fields(frame), " ") }

// frame checks the frame fills the size and says each of want, and compares it with the golden
// frame supervisor-<name>-<w>x<h>.
func (v *view) frame(name string, want ...string) string {
	v.t.Helper()
	frame := v.drv.Frame()
	tuitest.Exactly(v.t, frame, v.w, v.h)
	for _, w := range want {
		if !strings.Contains(flat(frame), w) {
			v.t.Fatalf("%s: the frame does not say %q:\n%s", name, w, frame)
		}
	}
	tuitest.Golden(v.t, fmt.Sprintf("supervisor-%s-%dx%d", name, v.w, v.h), frame)
	return frame
}

func (v *view) press(scope, action string) { v.drv.Press(scope, action) }

// to puts the cursor of the pane shown on its i-th row.
func (v *view) to(i int) {
	v.press(keymaps.ScopeList, "top")
	for range i {
		v.press(keymaps.ScopeList, "down")
	}
}

// confirm answers the question shown with y, after checking it.
func (v *view) confirm(question string) {
	v.t.Helper()
	if q := v.s.act.question(); v.s.step != stepConfirm || q != question {
		v.t.Fatalf("asked %q (step %d), want %q; note %q", q, v.s.step, question, v.s.note)
	}
	v.press(keymaps.ScopeDialog, "confirm")
	if v.s.bad || !strings.HasPrefix(v.s.note, "✓") {
		v.t.Fatalf("after %q: %q", question, v.s.note)
	}
}

func (v *view) exceptionRow(kind string) int {
	v.t.Helper()
	for i, e := range v.s.board.Exceptions {
		if e.Kind == kind {
			return i
		}
	}
	v.t.Fatalf("no %s exception in %+v", kind, v.s.board.Exceptions)
	return 0
}

func (v *view) personRow(name string) int {
	v.t.Helper()
	for i, p := range v.s.board.People {
		if p.Name == name {
			return i
		}
	}
	v.t.Fatalf("no %s in %+v", name, v.s.board.People)
	return 0
}

func TestTheFloorAtEverySize(t *testing.T) {
	sc := newScene(t)
	for _, size := range []struct{ w, h int }{{80, 24}, {40, 16}, {20, 16}} {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			v := sc.open(t, size.w, size.h)
			switch size.w {
			case 80:
				v.frame("now", "RTM1 web-eu", "picking", "Orders/hour today", "same day last week", "B-000004")
			case 40:
				v.frame("now", "web-eu", "pick", "today")
			default:
				v.frame("now", "due 2 late 2")
			}
			v.press(keymaps.ScopeSupervisor, "nextPane")
			v.frame("people", "Pia Picker")
			v.press(keymaps.ScopeSupervisor, "nextPane")
			v.frame("exceptions", "short")
		})
	}
}

// The screen follows the floor: a change it is told of shows at the next read.
func TestTheFloorMovesOnTheScreen(t *testing.T) {
	sc := newScene(t)
	v := sc.open(t, 80, 24)
	if p := v.s.board.Stages[0]; p.Name != "picking" || p.Released != 1 || p.Claimed != 1 || p.Done != 2 {
		t.Fatalf("picking %+v, want Z's batch ready, Pia's claimed, two done", p)
	}
	// Quinn's claim takes over Pia's batch, whose lease ran out.
	_, u := dbtest.NewLogin(t, sc.Owner, dbtest.Staff{Name: "Quinn Picker", Jobs: []string{"picker"}, Warehouse: "RTM1"})
	if b, err := picking.New(dbtest.Open(t, u)).Claim(context.Background(), "", "RTM1", "T3"); err != nil || b.Code != "B-000003" {
		t.Fatalf("Quinn's claim: %+v %v", b, err)
	}
	v.drv.Send(ui.ChangedMsg{Tables: db.SetOf(db.PickTasks)})
	for _, p := range v.s.board.People {
		if (p.Name == "Quinn Picker") != (p.Batch == "B-000003") {
			t.Errorf("%s holds %q after Quinn's claim", p.Name, p.Batch)
		}
	}
	for _, e := range v.s.board.Exceptions {
		if e.Kind == floor.Lease {
			t.Errorf("the expired lease is still an exception: %+v", e)
		}
	}
	v.press(keymaps.ScopeSupervisor, "nextPane")
	v.frame("people-moved", "Quinn Picker")
	// The screen watches what it shows and nothing it does not.
	if w := v.s.Watches(); !w.Has(db.PickTasks) || !w.Has(db.Orders) || !w.Has(db.Counts) || w.Has(db.Invoices) {
		t.Errorf("watches %s", w)
	}
}

// Every "Act" item, each asserted in the database afterwards.
func TestActingOnTheFloor(t *testing.T) {
	sc := newScene(t)
	ctx := context.Background()
	v := sc.open(t, 80, 24)
	owner := sc.Owner

	// Hold web-eu: a wave then releases nothing of it.
	v.to(0)
	v.press(keymaps.ScopeSupervisor, "hold")
	v.frame("hold-why", "Why hold web-eu?")
	v.press(keymaps.ScopeInput, "submit") // no reason: asked again, nothing held
	if v.s.step != stepInput || !v.s.bad {
		t.Fatalf("a hold without a reason: step %d, note %q", v.s.step, v.s.note)
	}
	v.drv.Type("carrier strike")
	v.press(keymaps.ScopeInput, "submit")
	v.frame("hold-ask", "Hold channel web-eu (no waves): carrier strike? y/n")
	v.confirm("Hold channel web-eu (no waves): carrier strike?")
	v.frame("held", "web-eu HELD", "Held: web-eu", "(carrier strike)")
	var held int
	mustGet(t, owner, &held, `SELECT count(*) FROM channel_holds h JOIN channels c ON c.id = h.channel_id
		WHERE c.code = 'web-eu' AND h.released_at IS NULL AND h.note = 'carrier strike'`)
	if held != 1 {
		t.Fatalf("%d open holds of web-eu, want 1", held)
	}
	now := tuitest.Now
	v2, _ := sc.order(t, "V", now.Add(-time.Hour), now.Add(5*time.Hour), map[string]int64{"MUG-1": 1})
	v.press(keymaps.ScopeSupervisor, "wave")
	v.confirm("Release a wave at RTM1?")
	var tasks int
	mustGet(t, owner, &tasks, `SELECT count(*) FROM pick_tasks WHERE order_id = $1`, v2)
	if tasks != 0 || v.s.note != "✓ Nothing to release at RTM1" {
		t.Fatalf("a wave while web-eu is held: %d tasks of V, %q", tasks, v.s.note)
	}

	// Release the hold; the next wave takes V.
	v.to(0)
	v.press(keymaps.ScopeSupervisor, "hold")
	v.confirm("Release channel web-eu?")
	mustGet(t, owner, &held, `SELECT count(*) FROM channel_holds WHERE released_at IS NULL`)
	if held != 0 {
		t.Fatalf("%d open holds after the release", held)
	}
	v.press(keymaps.ScopeSupervisor, "wave")
	v.confirm("Release a wave at RTM1?")
	mustGet(t, owner, &tasks, `SELECT count(*) FROM pick_tasks WHERE order_id = $1 AND status = 'ready'`, v2)
	if tasks != 1 || v.s.note != "✓ released 1 batch, 1 line" {
		t.Fatalf("the wave: %d tasks of V, %q", tasks, v.s.note)
	}

	// Reassign Pia's batch to Piet, then give it back to the queue.
	v.press(keymaps.ScopeSupervisor, "nextPane")
	v.to(v.personRow("Pia Picker"))
	batch := v.s.board.People[v.s.cur[panePeople]].BatchID
	v.press(keymaps.ScopeSupervisor, "reassign")
	var pietLogin string
	mustGet(t, owner, &pietLogin, `SELECT login FROM staff WHERE name = $1`, sc.pietName)
	v.drv.Type(pietLogin)
	v.press(keymaps.ScopeInput, "submit")
	v.confirm("Give B-000003 to " + pietLogin + "?")
	var holder string
	mustGet(t, owner, &holder, `SELECT coalesce(s.name, '') FROM pick_batches b LEFT JOIN staff s ON s.id = b.claimed_by WHERE b.id = $1`, batch)
	if holder != sc.pietName {
		t.Fatalf("B-000003 is held by %q, want Piet", holder)
	}
	v.to(v.personRow(sc.pietName))
	v.press(keymaps.ScopeSupervisor, "giveBack")
	v.confirm("Give B-000003 back to the queue?")
	var status string
	mustGet(t, owner, &status, `SELECT status FROM pick_batches WHERE id = $1`, batch)
	if status != "ready" {
		t.Fatalf("B-000003 is %s after its release, want ready", status)
	}

	// Exceptions: Y's priority, the count, the adjustment, the RMAs.
	v.press(keymaps.ScopeSupervisor, "nextPane")
	v.frame("exceptions-act", "count", "adjustment", "authorise", "refund")
	v.to(v.exceptionRow(floor.Backorder))
	v.press(keymaps.ScopeSupervisor, "priority")
	v.drv.Type("5")
	v.press(keymaps.ScopeInput, "submit")
	v.confirm("Priority of SO-0000003 to 5?")
	var priority int
	mustGet(t, owner, &priority, `SELECT priority FROM orders WHERE id = $1`, sc.y)
	if priority != 5 {
		t.Fatalf("Y's priority %d, want 5", priority)
	}

	v.to(v.exceptionRow(floor.CountReview))
	v.press(keymaps.ScopeSupervisor, "approve")
	var count string
	mustGet(t, owner, &count, `SELECT c.number FROM count_tasks t JOIN stock_counts c ON c.id = t.count_id WHERE t.id = $1`, sc.review)
	v.confirm("Approve " + count + " as CNT_LOST?")
	mustGet(t, owner, &status, `SELECT status FROM count_tasks WHERE id = $1`, sc.review)
	var mugs int64
	mustGet(t, owner, &mugs, `SELECT b.on_hand FROM stock_balances b JOIN locations l ON l.id = b.location_id
		JOIN products p ON p.id = b.product_id WHERE l.code = 'A-02' AND p.sku = 'MUG-1'`)
	if status != "posted" || mugs != 35 {
		t.Fatalf("the count is %s and A-02 holds %d mugs, want posted and 35", status, mugs)
	}

	v.to(v.exceptionRow(floor.Adjustment))
	v.press(keymaps.ScopeSupervisor, "approve")
	v.confirm("Approve: adjust +60 × TEE-1 at A-01 (ADJ_FOUND) by Stan Stock?")
	mustGet(t, owner, &status, `SELECT status FROM stock_adjustments WHERE id = $1`, sc.adjust)
	if status != "posted" {
		t.Fatalf("the adjustment is %s, want posted", status)
	}

	v.to(v.exceptionRow(floor.Authorise))
	v.press(keymaps.ScopeSupervisor, "approve")
	var rma string
	mustGet(t, owner, &rma, `SELECT number FROM rmas WHERE id = $1`, sc.rma2)
	v.confirm("Authorise " + rma + "?")
	var authorised bool
	mustGet(t, owner, &authorised, `SELECT authorized_at IS NOT NULL FROM rmas WHERE id = $1`, sc.rma2)
	if !authorised {
		t.Fatal("RMA 2 is not authorised")
	}

	v.to(v.exceptionRow(floor.RefundDue))
	v.press(keymaps.ScopeSupervisor, "approve")
	mustGet(t, owner, &rma, `SELECT number FROM rmas WHERE id = $1`, sc.rma1)
	v.confirm("Refund " + rma + " now?")
	var refunded int64
	mustGet(t, owner, &refunded, `SELECT coalesce(sum(amount_minor), 0) FROM refunds WHERE rma_id = $1`, sc.rma1)
	if refunded != 1000 {
		t.Fatalf("RMA 1 refunded %d, want 10.00", refunded)
	}
	v.frame("acted", "refunded")

	rep, err := owner.Check(ctx, 5)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Errorf("oms check: %+v", rep.Violations)
	}
}

// A refusal keeps the question and its key: y again after fixing nothing sends the same key.
func TestARefusalKeepsTheQuestion(t *testing.T) {
	sc := newScene(t)
	v := sc.open(t, 80, 24)
	v.press(keymaps.ScopeSupervisor, "nextPane")
	v.to(v.personRow("Pia Picker"))
	v.press(keymaps.ScopeSupervisor, "reassign")
	v.drv.Type("nobody_here")
	v.press(keymaps.ScopeInput, "submit")
	key := v.s.act.key
	v.press(keymaps.ScopeDialog, "confirm")
	if !v.s.bad || v.s.step != stepConfirm || v.s.act.key != key {
		t.Fatalf("after a refusal: note %q, step %d, key %q (was %q)", v.s.note, v.s.step, v.s.act.key, key)
	}
	v.frame("refused", "nobody_here is not an active member of staff")
	v.press(keymaps.ScopeDialog, "cancel")
	if v.s.step != stepList {
		t.Fatalf("step %d after n", v.s.step)
	}
}

func mustExec(t *testing.T, d *db.DB, q string, args ...any) {
	t.Helper()
	if _, err := d.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func mustGet(t *testing.T, d *db.DB, dest any, q string, args ...any) {
	t.Helper()
	if err := d.Get(dest, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// lossy loses the answer of the next priority change: it commits, and the screen hears a
// time-out.
type lossy struct {
	Stores
	loseNext bool
}

func (l *lossy) SetPriority(ctx context.Context, key string, order int64, priority int) (floor.Prioritised, error) {
	p, err := l.Stores.SetPriority(ctx, key, order, priority)
	if l.loseNext && err == nil {
		l.loseNext = false
		return floor.Prioritised{}, fmt.Errorf("the answer was lost: %w", context.DeadlineExceeded)
	}
	return p, err
}

// An answer lost on the way back: y sends the same key again, and the change applies once.
func TestALostAnswerIsSentAgainUnderItsKey(t *testing.T) {
	sc := newScene(t)
	data := &lossy{Stores: sc.sup, loseNext: true}
	c := tuitest.NewContext()
	c.Jobs = []string{"supervisor"}
	s := Def(data).Build(c, nil).(*Screen)
	v := &view{t: t, s: s, drv: tuitest.New(t, s, *c.Keys, 80, 24), w: 80, h: 24}
	v.press(keymaps.ScopeSupervisor, "nextPane")
	v.press(keymaps.ScopeSupervisor, "nextPane")
	v.to(v.exceptionRow(floor.Backorder))
	v.press(keymaps.ScopeSupervisor, "priority")
	v.drv.Type("7")
	v.press(keymaps.ScopeInput, "submit")
	key := s.act.key
	v.press(keymaps.ScopeDialog, "confirm")
	if !s.bad || s.step != stepConfirm || !strings.Contains(s.note, "press y to send the same again") {
		t.Fatalf("after a lost answer: %q, step %d", s.note, s.step)
	}
	v.confirm("Priority of SO-0000003 to 7?")
	if s.note != "✓ SO-0000003 priority 0 → 7" {
		t.Errorf("the second answer says %q, want the first one's", s.note)
	}
	var row struct {
		Priority int `db:"priority"`
		Events   int `db:"events"`
		Keys     int `db:"keys"`
	}
	mustGet(t, sc.Owner, &row, `SELECT priority, (SELECT count(*) FROM events WHERE order_id = o.id AND kind = 'order.priority') AS events,
		(SELECT count(*) FROM idempotency_keys WHERE key = $2) AS keys FROM orders o WHERE id = $1`, sc.y, key)
	if row.Priority != 7 || row.Events != 1 || row.Keys != 1 {
		t.Errorf("after the retry %+v, want priority 7 changed once under one key", row)
	}
}

// The floor opens on the supervisor's own warehouse; v shows every warehouse's and v again only
// theirs. An RMA waiting for authorisation at another warehouse is on the second only.
func TestTheFloorOpensOnYourWarehouse(t *testing.T) {
	sc := newScene(t)
	mustExec(t, sc.Owner, `UPDATE rmas SET warehouse_id = (SELECT id FROM warehouses WHERE code <> 'RTM1' ORDER BY id LIMIT 1)
		WHERE id = $1`, sc.rma2)
	v := sc.open(t, 80, 24)
	authorise := func() int {
		n := 0
		for _, e := range v.s.board.Exceptions {
			if e.Kind == floor.Authorise {
				n++
			}
		}
		return n
	}
	if !strings.Contains(v.drv.Frame(), "RTM1 · 14:00") || authorise() != 0 {
		t.Fatalf("the floor did not open on RTM1 alone (%d authorisations):\n%s", authorise(), v.drv.Frame())
	}
	v.press(keymaps.ScopeSupervisor, "scope")
	if !strings.Contains(v.drv.Frame(), "all · 14:00") || authorise() != 1 {
		t.Fatalf("v did not show every warehouse (%d authorisations):\n%s", authorise(), v.drv.Frame())
	}
	v.press(keymaps.ScopeSupervisor, "scope")
	if !strings.Contains(v.drv.Frame(), "RTM1's floor only") || authorise() != 0 {
		t.Fatalf("v again did not go back to RTM1 (%d authorisations):\n%s", authorise(), v.drv.Frame())
	}
}
