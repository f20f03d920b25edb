package counts_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"oms/db"
	"oms/db/alloc"
	"oms/db/counts"
	"oms/db/dbtest"
	"oms/db/orders"
	"oms/db/picking"
	"oms/db/stock"
	"oms/model"
)

// ───────────────────────────── helpers of flow_test.go and interleave_test.go ─────────────────────────────

// bin is the id of RTM1's location code.
func (f floor) bin(t testing.TB, code string) int64 {
	t.Helper()
	var id int64
	mustGet(t, f.Owner, &id, `SELECT l.id FROM locations l JOIN warehouses w ON w.id = l.warehouse_id
		WHERE w.code = 'RTM1' AND l.code = $1`, code)
	return id
}

// addLocation adds a location of kind to RTM1 (pick_seq seq) and returns its id.
func (f floor) addLocation(t testing.TB, code, kind string, seq int) int64 {
	t.Helper()
	var id int64
	mustGet(t, f.Owner, &id, `INSERT INTO locations (warehouse_id, code, kind, pick_seq)
		SELECT id, $1, $2, $3 FROM warehouses WHERE code = 'RTM1' RETURNING id`, code, kind, seq)
	return id
}

// adjusted is the net of the count adjustments posted to RTM1's bin for sku: what counts put in
// less what they took out.
func (f floor) adjusted(t testing.TB, bin, sku string) int64 {
	t.Helper()
	var n int64
	mustGet(t, f.Owner, &n, `SELECT coalesce(sum(CASE WHEN m.to_location_id = l.id THEN m.qty ELSE -m.qty END), 0)
		FROM stock_movements m JOIN products p ON p.id = m.product_id
		JOIN locations l ON l.id IN (m.from_location_id, m.to_location_id)
		JOIN warehouses w ON w.id = l.warehouse_id
		WHERE m.kind = 'count' AND w.code = 'RTM1' AND l.code = $1 AND p.sku = $2`, bin, sku)
	return n
}

// openTasks is how many count tasks of RTM1's bin are open: ready, claimed or under review (a
// first round waiting for its recount is the recount's: the recount is the open task).
func (f floor) openTasks(t testing.TB, bin string) int {
	t.Helper()
	var n int
	mustGet(t, f.Owner, &n, `SELECT count(*) FROM count_tasks t JOIN locations l ON l.id = t.location_id
		JOIN warehouses w ON w.id = l.warehouse_id
		WHERE w.code = 'RTM1' AND l.code = $1 AND t.status IN ('ready', 'claimed', 'review')`, bin)
	return n
}

// openFlags is how many count flags of RTM1's bin are not resolved.
func (f floor) openFlags(t testing.TB, bin string) int {
	t.Helper()
	var n int
	mustGet(t, f.Owner, &n, `SELECT count(*) FROM count_flags c JOIN locations l ON l.id = c.location_id
		JOIN warehouses w ON w.id = l.warehouse_id
		WHERE w.code = 'RTM1' AND l.code = $1 AND c.resolved_at IS NULL`, bin)
	return n
}

// settles fails unless RTM1's bin holds truth units of sku (what the test put in and took out,
// whatever the books said before), the count adjustments posted there net to wantAdjusted, and
// the database's own checks pass.
func (f floor) settles(t *testing.T, bin, sku string, truth, wantAdjusted int64) {
	t.Helper()
	if got := f.adjusted(t, bin, sku); got != wantAdjusted {
		t.Errorf("the counts of %s posted %+d × %s; want %+d (the true difference)", bin, got, sku, wantAdjusted)
	}
	if got := f.onHand(t, bin, sku); got != truth {
		t.Errorf("%s holds %d × %s by the books; in truth %d", bin, got, sku, truth)
	}
	checkClean(t, f.Owner)
}

// tolerance sets RTM1's count tolerance in units (the owner's setting for the test).
func (f floor) tolerance(t testing.TB, units int) {
	t.Helper()
	mustExec(t, f.Owner, `UPDATE warehouses SET count_tolerance_units = $1 WHERE code = 'RTM1'`, units)
}

// plan plans a count of RTM1's bins (codes) and fails unless it has n bins.
func plan(t testing.TB, st *counts.Store, key, bins string, n int) counts.Count {
	t.Helper()
	c, err := st.Plan(context.Background(), "key-"+key, counts.PlanRequest{Warehouse: "RTM1", How: "bins", Arg: bins})
	if err != nil || c.Bins != n {
		t.Fatalf("planning a count of %s: %+v, %v; want %d bins", bins, c, err, n)
	}
	return c
}

// claim claims the caller's next bin at RTM1 and fails unless it is bin.
func claim(t testing.TB, st *counts.Store, bin string) counts.Task {
	t.Helper()
	task, err := st.Claim(context.Background(), "RTM1")
	if err != nil || task.Bin != bin {
		t.Fatalf("claiming: %+v, %v; want %s", task, err, bin)
	}
	return task
}

// record records a count and fails unless its outcome is want.
func record(t testing.TB, st *counts.Store, key string, task int64, want string, lines ...counts.Line) {
	t.Helper()
	out, err := st.Record(context.Background(), "key-"+key, task, lines)
	if err != nil || out.Outcome != want {
		t.Fatalf("recording %s: %+v, %v; want %s", key, out, err, want)
	}
}

// mustTx runs a statement in a transaction the test holds open.
func mustTx(t testing.TB, tx *sqlx.Tx, q string, args ...any) {
	t.Helper()
	if _, err := tx.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// begin opens a transaction on d that the test holds open; it is rolled back at the end unless
// committed.
func begin(t testing.TB, d *db.DB) *sqlx.Tx {
	t.Helper()
	tx, err := d.BeginTxx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tx.Rollback() })
	return tx
}

func commit(t testing.TB, tx *sqlx.Tx) {
	t.Helper()
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// postIn posts moves as a stock login inside a transaction the test holds open.
func postIn(t testing.TB, tx *sqlx.Tx, moves ...stock.Movement) {
	t.Helper()
	if err := stock.PostIn(context.Background(), tx, "", moves...); err != nil {
		t.Fatalf("posting %+v: %v", moves, err)
	}
}

// importOrder imports an order of the web shop for the units (TEE-1, MUG-1) and returns its id.
func (f floor) importOrder(t testing.TB, ext string, units map[string]int64) int64 {
	t.Helper()
	ctx := context.Background()
	st := orders.New(f.Clerk)
	ch, err := st.ChannelByCode(ctx, "web-eu")
	if err != nil {
		t.Fatal(err)
	}
	o := model.IncomingOrder{ExternalID: ext, DisplayID: "#" + ext, Currency: "EUR", OrderedAt: f.Day,
		Customer: model.IncomingCustomer{Name: "Anna de Vries"},
		ShipTo:   model.Address{Name: "Anna de Vries", Line1: "Coolsingel 40", City: "Rotterdam", PostalCode: "3011 AD", Country: "NL"}}
	for _, sku := range []string{"TEE-1", "MUG-1"} {
		if q := units[sku]; q > 0 {
			o.Lines = append(o.Lines, model.IncomingLine{ExternalLineID: sku, SKU: sku, Qty: q, AmountMinor: 1000 * q})
			o.SubtotalMinor += 1000 * q
		}
	}
	o.TotalMinor = o.SubtotalMinor
	run, err := st.StartImport(ctx, ch, "json", ext, strings.Repeat("0", 64))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportBatch(ctx, run, []orders.Incoming{{Order: o, Line: 1, Ref: ext}}); err != nil {
		t.Fatal(err)
	}
	var id int64
	mustGet(t, f.Owner, &id, `SELECT id FROM orders WHERE external_id = $1`, ext)
	return id
}

// allocate allocates the orders in full.
func (f floor) allocate(t testing.TB, ids ...int64) {
	t.Helper()
	rs, err := alloc.New(f.Clerk).AllocateMany(context.Background(), ids, false)
	if err != nil || len(rs) != len(ids) {
		t.Fatalf("allocating %v: %+v, %v", ids, rs, err)
	}
	for _, r := range rs {
		if r.Outcome != alloc.Allocated {
			t.Fatalf("allocating %v: %+v", ids, rs)
		}
	}
}

// picker releases the allocated order (a batch of one) and has a fresh picker claim it: the
// picker's commands, connection and batch.
func (f floor) picker(t testing.TB, tote string) (*picking.Store, *db.DB, picking.Batch) {
	t.Helper()
	ctx := context.Background()
	if _, err := picking.New(f.Clerk).Release(ctx, "", picking.ReleaseOptions{Warehouse: "RTM1", MaxOrders: 1}); err != nil {
		t.Fatal(err)
	}
	_, u := dbtest.NewLogin(t, f.Owner, dbtest.Staff{Name: "Pia Picker " + tote, Jobs: []string{"picker"}})
	d := dbtest.Open(t, u)
	pk := picking.New(d)
	b, err := pk.Claim(ctx, "", "RTM1", tote)
	if err != nil {
		t.Fatal(err)
	}
	return pk, d, b
}

// ───────────────────────────── flows ─────────────────────────────

// Counts planned by zone, aisle, ABC class and short-pick flags take the bins each names, in
// pick sequence, never a bin with a count still open; a plan that names no bin to count is
// refused with a sentence and leaves nothing behind. MUG-1 shipped, so it is class A and
// the tee and the cap class C; B has no product. A counted class-A bin is not due again.
func TestPlansByZoneAisleABCAndFlags(t *testing.T) {
	t.Parallel()
	f := newFloor(t)
	ctx := context.Background()
	ann, _ := f.login(t, "Ann Counter", "stock")
	f.addLocation(t, "B-01", "bin", 30)
	f.addLocation(t, "B-02", "bin", 40)
	mustExec(t, f.Owner, `UPDATE locations l SET zone = x.zone, aisle = x.aisle
		FROM (VALUES ('A-01', 'Z1', 'A'), ('A-02', 'Z2', 'A'), ('B-01', 'Z1', 'B'), ('B-02', 'Z2', 'B')) AS x(code, zone, aisle),
		     warehouses w
		WHERE w.id = l.warehouse_id AND w.code = 'RTM1' AND l.code = x.code`)
	counted := func() int {
		var n int
		mustGet(t, f.Owner, &n, `SELECT count(*) FROM stock_counts`)
		return n
	}
	nothing := func(key string, p counts.PlanRequest) {
		t.Helper()
		before := counted()
		_, err := ann.Plan(ctx, "key-"+key, p)
		if err == nil || !strings.Contains(err.Error(), "nothing to count at RTM1") {
			t.Fatalf("planning %+v: %v; want nothing to count", p, err)
		}
		if after := counted(); after != before {
			t.Fatalf("a refused plan left %d counts behind", after-before)
		}
	}
	bins := func(c counts.Count) string {
		var codes string
		mustGet(t, f.Owner, &codes, `SELECT string_agg(l.code, ' ' ORDER BY t.pick_seq, t.id) FROM count_tasks t
			JOIN locations l ON l.id = t.location_id WHERE t.count_id = $1`, c.ID)
		return codes
	}

	// Nothing anywhere yet: no zone Z9, no short pick, no product of class B.
	nothing("plan-z9", counts.PlanRequest{Warehouse: "RTM1", How: "zone", Arg: "Z9"})
	nothing("plan-flags-0", counts.PlanRequest{Warehouse: "RTM1", How: "flags"})
	if _, err := ann.Plan(ctx, "key-plan-bad", counts.PlanRequest{Warehouse: "RTM1", How: "shelf", Arg: "A"}); err == nil ||
		!strings.Contains(err.Error(), "zone, aisle, bins, abc or flags") {
		t.Fatalf("planning by shelf: %v", err)
	}

	z1, err := ann.Plan(ctx, "key-plan-z1", counts.PlanRequest{Warehouse: "rtm1", How: "zone", Arg: "Z1", MaxBins: 10})
	if err != nil || z1.Bins != 2 || bins(z1) != "A-01 B-01" || z1.Plan != "zone Z1" || z1.Status != "counting" {
		t.Fatalf("zone Z1: %+v (%s), %v", z1, bins(z1), err)
	}
	// Aisle A: A-01 is Z1's already.
	a, err := ann.Plan(ctx, "key-plan-aisle-a", counts.PlanRequest{Warehouse: "RTM1", How: "aisle", Arg: "A", MaxBins: 10})
	if err != nil || a.Bins != 1 || bins(a) != "A-02" {
		t.Fatalf("aisle A: %+v (%s), %v", a, bins(a), err)
	}
	// Aisle B: B-01 is Z1's already, B-02 is free.
	b, err := ann.Plan(ctx, "key-plan-aisle-b", counts.PlanRequest{Warehouse: "RTM1", How: "aisle", Arg: "B", MaxBins: 10})
	if err != nil || b.Bins != 1 || bins(b) != "B-02" || b.Plan != "aisle B" {
		t.Fatalf("aisle B: %+v (%s), %v", b, bins(b), err)
	}
	nothing("plan-zone-z1-again", counts.PlanRequest{Warehouse: "RTM1", How: "zone", Arg: "Z1", MaxBins: 10})

	// Count everything planned, as it is.
	tee, mug := f.product(t, "TEE-1"), f.product(t, "MUG-1")
	for i := 0; ; i++ {
		task, err := ann.Claim(ctx, "RTM1")
		if err == counts.ErrNoWork {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		var lines []counts.Line
		switch task.Bin {
		case "A-01":
			lines = []counts.Line{{Product: tee, Qty: 40}}
		case "A-02":
			lines = []counts.Line{{Product: mug, Qty: 40}}
		}
		record(t, ann, fmt.Sprintf("rec-%d", i), task.ID, "posted", lines...)
	}

	// ABC: ship one mug, so MUG-1 is class A; the tee and the cap are C; B is no product.
	f.Shipped(t, "T1", map[string]int64{"MUG-1": 1})
	ca, err := ann.Plan(ctx, "key-plan-abc-a", counts.PlanRequest{Warehouse: "RTM1", How: "abc", Arg: "a", MaxBins: 10})
	// A-02 was counted (and posted) moments ago: a class-A bin is not due for 30 days.
	if err == nil || !strings.Contains(err.Error(), "nothing to count") {
		t.Fatalf("ABC class A with A-02 just counted: %+v (%s), %v", ca, bins(ca), err)
	}
	mustExec(t, f.Owner, `UPDATE count_tasks SET counted_at = counted_at - interval '31 days' WHERE status = 'posted'`)
	ca, err = ann.Plan(ctx, "key-plan-abc-a-2", counts.PlanRequest{Warehouse: "RTM1", How: "abc", Arg: "A", MaxBins: 10})
	if err != nil || bins(ca) != "A-02" || ca.Plan != "cycle count, class A" {
		t.Fatalf("ABC class A a month later: %+v (%s), %v", ca, bins(ca), err)
	}
	nothing("plan-abc-b", counts.PlanRequest{Warehouse: "RTM1", How: "abc", Arg: "B"})
	// Class C is counted yearly: A-01 was counted a month ago.
	nothing("plan-abc-c", counts.PlanRequest{Warehouse: "RTM1", How: "abc", Arg: "C"})
	mustExec(t, f.Owner, `UPDATE count_tasks SET counted_at = counted_at - interval '1 year' WHERE status = 'posted'`)
	cc, err := ann.Plan(ctx, "key-plan-abc-c-2", counts.PlanRequest{Warehouse: "RTM1", How: "abc", Arg: "C", MaxBins: 10})
	if err != nil || bins(cc) != "A-01" {
		t.Fatalf("ABC class C a year later: %+v (%s), %v", cc, bins(cc), err)
	}
	if _, err := ann.Plan(ctx, "key-plan-abc-d", counts.PlanRequest{Warehouse: "RTM1", How: "abc", Arg: "D"}); err == nil ||
		!strings.Contains(err.Error(), "A, B or C") {
		t.Fatalf("ABC class D: %v", err)
	}

	// Count the two cycle counts, as they are (a mug shipped from A-02).
	f.tolerance(t, 1)
	record(t, ann, "rec-abc-c", claim(t, ann, "A-01").ID, "posted", counts.Line{Product: tee, Qty: 40})
	record(t, ann, "rec-abc-a", claim(t, ann, "A-02").ID, "posted", counts.Line{Product: mug, Qty: 39})

	// Flags: a short pick of A-01 flags it, and its flag raised its own task in the count of
	// short-pick flags; a plan of the flagged bins then has nothing new. The bin holds 39 (one
	// tee was lost, not the two the picker could not find).
	id := f.importOrder(t, "FLAG-1", map[string]int64{"TEE-1": 2})
	f.allocate(t, id)
	pk, _, batch := f.picker(t, "T9")
	if _, err := pk.Short(ctx, "", batch.Tasks[0].ID, "SHORT_EMPTY"); err != nil {
		t.Fatal(err)
	}
	if n := f.openTasks(t, "A-01"); n != 1 {
		t.Fatalf("A-01 has %d open count tasks after its short pick; want 1", n)
	}
	var flagsCount string
	mustGet(t, f.Owner, &flagsCount, `SELECT c.plan FROM count_tasks t JOIN stock_counts c ON c.id = t.count_id
		JOIN locations l ON l.id = t.location_id WHERE l.code = 'A-01' AND l.warehouse_id = (SELECT id FROM warehouses WHERE code = 'RTM1')
		AND t.status = 'ready'`)
	if flagsCount != "short-pick flags" {
		t.Fatalf("A-01's open task is in a count of %q; want the short-pick flags' own", flagsCount)
	}
	nothing("plan-flags-1", counts.PlanRequest{Warehouse: "RTM1", How: "flags"})
	task := claim(t, ann, "A-01")
	out, err := ann.Record(ctx, "key-rec-flagged", task.ID, []counts.Line{{Product: tee, Qty: 39}})
	if err != nil || out.Outcome != "posted" || out.FlagsResolved != 1 {
		t.Fatalf("counting the flagged bin: %+v, %v", out, err)
	}
	if f.openFlags(t, "A-01") != 0 {
		t.Fatal("A-01's flag is open after its count")
	}
	f.settles(t, "A-01", "TEE-1", 39, -1)
}

// A plan that leaves MaxBins at 0 takes up to 500 bins (PlanRequest: "0: up to 500"), not one:
// a zone of three bins is planned whole.
func TestAPlanWithoutMaxBinsTakesTheWholeZone(t *testing.T) {
	t.Parallel()
	f := newFloor(t)
	ann, _ := f.login(t, "Ann Counter", "stock")
	f.addLocation(t, "B-01", "bin", 30)
	mustExec(t, f.Owner, `UPDATE locations SET zone = 'Z1' WHERE kind = 'bin'
		AND warehouse_id = (SELECT id FROM warehouses WHERE code = 'RTM1')`)
	c, err := ann.Plan(context.Background(), "key-plan-zone", counts.PlanRequest{Warehouse: "RTM1", How: "zone", Arg: "Z1"})
	if err != nil || c.Bins != 3 {
		t.Fatalf("planning zone Z1 (3 bins) with MaxBins 0: %+v, %v; want 3 bins", c, err)
	}
}

// An empty bin counted with goods in it: the variance is positive, posted as found (CNT_FOUND),
// from the adjustment location into the bin.
func TestAnEmptyBinThatHoldsGoods(t *testing.T) {
	t.Parallel()
	f := newFloor(t)
	f.tolerance(t, 5)
	ann, _ := f.login(t, "Ann Counter", "stock")
	f.addLocation(t, "C-01", "bin", 50)
	mug := f.product(t, "MUG-1")
	if n := f.onHand(t, "C-01", "MUG-1"); n != 0 {
		t.Fatalf("C-01 holds %d mugs before", n)
	}
	plan(t, ann, "plan-c01", "C-01", 1)
	task := claim(t, ann, "C-01")
	record(t, ann, "rec-c01", task.ID, "posted", counts.Line{Product: mug, Qty: 4})
	var l struct {
		Counted  int64  `db:"counted"`
		Expected int64  `db:"expected"`
		Variance int64  `db:"variance"`
		Reason   string `db:"reason_code"`
		From     string `db:"from_kind"`
		Kind     string `db:"kind"`
	}
	mustGet(t, f.Owner, &l, `SELECT cl.counted, cl.expected, cl.variance, cl.reason_code, fl.kind AS from_kind, m.kind
		FROM count_task_lines cl JOIN stock_movements m ON m.id = cl.movement_id JOIN locations fl ON fl.id = m.from_location_id
		WHERE cl.task_id = $1`, task.ID)
	if l.Counted != 4 || l.Expected != 0 || l.Variance != 4 || l.Reason != "CNT_FOUND" || l.From != "adjustment" || l.Kind != "count" {
		t.Fatalf("the found mugs' line: %+v", l)
	}
	f.settles(t, "C-01", "MUG-1", 4, +4)
}

// A lot-tracked product is counted per lot: lot L1 as the books say, two of L2 missing and two
// of L3 (which the books did not have here) found. Each lot's variance posts on its own.
func TestALotTrackedProductCountedPerLot(t *testing.T) {
	t.Parallel()
	f := newFloor(t)
	ctx := context.Background()
	f.tolerance(t, 5)
	ann, _ := f.login(t, "Ann Counter", "stock")
	f.addLocation(t, "B-01", "bin", 30)
	var pill int64
	mustGet(t, f.Owner, &pill, `INSERT INTO products (sku, name, tax_category, lot_tracked) VALUES ('PILL-1', 'Pills', 'standard', true) RETURNING id`)
	lots := map[string]int64{}
	for _, code := range []string{"L1", "L2", "L3"} {
		var id int64
		mustGet(t, f.Owner, &id, `INSERT INTO lots (product_id, lot_code) VALUES ($1, $2) RETURNING id`, pill, code)
		lots[code] = id
	}
	for code, n := range map[string]int{"L1": 10, "L2": 5} {
		mustExec(t, f.Owner, `INSERT INTO stock_movements (product_id, lot_id, from_location_id, to_location_id, qty, kind)
			SELECT $1, $2, s.id, $3, $4, 'receipt' FROM locations s WHERE s.kind = 'supplier'`, pill, lots[code], f.bin(t, "B-01"), n)
	}
	if l3, err := ann.LotOf(ctx, pill, " L3 "); err != nil || l3 != lots["L3"] {
		t.Fatalf("lot L3: %d, %v", l3, err)
	}
	plan(t, ann, "plan-b01", "B-01", 1)
	task := claim(t, ann, "B-01")
	record(t, ann, "rec-b01", task.ID, "posted",
		counts.Line{Product: pill, Lot: lots["L1"], Qty: 10}, counts.Line{Product: pill, Lot: lots["L2"], Qty: 3},
		counts.Line{Product: pill, Lot: lots["L3"], Qty: 2})
	type lotLine struct {
		Lot      string `db:"lot_code"`
		Expected int64  `db:"expected"`
		Variance int64  `db:"variance"`
		Moved    int64  `db:"moved"`
		OnHand   int64  `db:"on_hand"`
	}
	var got []lotLine
	if err := f.Owner.Select(&got, `SELECT lt.lot_code, cl.expected, cl.variance,
		       coalesce((SELECT CASE WHEN m.to_location_id = t.location_id THEN m.qty ELSE -m.qty END FROM stock_movements m
		                  WHERE m.id = cl.movement_id AND m.lot_id = cl.lot_id), 0) AS moved,
		       coalesce((SELECT b.on_hand FROM stock_balances b WHERE b.location_id = t.location_id AND b.product_id = cl.product_id
		                  AND b.lot_id = cl.lot_id), 0) AS on_hand
		FROM count_task_lines cl JOIN count_tasks t ON t.id = cl.task_id JOIN lots lt ON lt.id = cl.lot_id
		WHERE cl.task_id = $1 ORDER BY lt.lot_code`, task.ID); err != nil {
		t.Fatal(err)
	}
	want := []lotLine{{"L1", 10, 0, 0, 10}, {"L2", 5, -2, -2, 3}, {"L3", 0, 2, 2, 2}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("the lots counted: %+v; want %+v", got, want)
	}
	var lines int
	mustGet(t, f.Owner, &lines, `SELECT count(*) FROM count_task_lines WHERE task_id = $1 AND lot_id IS NULL`, task.ID)
	if lines != 0 {
		t.Fatalf("%d lines without a lot for a lot-tracked product", lines)
	}
	f.settles(t, "B-01", "PILL-1", 15, 0)
}

// A shortage under reservations: two orders hold 30 and 5 of A-01's 40 tees (allocated, not
// picked) and the count finds 32. The 8 lost leave 32 for 35 reserved: the newest reservation
// (the second order's) gives 3 back and its line's allocation drops from 5 to 2; the first
// order keeps its 30. Nothing is reserved beyond what is on hand.
func TestAShortageUnderReservations(t *testing.T) {
	t.Parallel()
	f := newFloor(t)
	f.tolerance(t, 10)
	ann, _ := f.login(t, "Ann Counter", "stock")
	tee := f.product(t, "TEE-1")
	first := f.importOrder(t, "RES-1", map[string]int64{"TEE-1": 30})
	f.allocate(t, first)
	second := f.importOrder(t, "RES-2", map[string]int64{"TEE-1": 5})
	f.allocate(t, second)
	allocated := func(order int64) (n int64) {
		mustGet(t, f.Owner, &n, `SELECT qty_allocated FROM order_lines WHERE order_id = $1`, order)
		return
	}
	if allocated(first) != 30 || allocated(second) != 5 {
		t.Fatalf("allocated %d and %d", allocated(first), allocated(second))
	}
	plan(t, ann, "plan-a01", "A-01", 1)
	task := claim(t, ann, "A-01")
	record(t, ann, "rec-a01", task.ID, "posted", counts.Line{Product: tee, Qty: 32})
	if allocated(first) != 30 || allocated(second) != 2 {
		t.Errorf("after the shortage the orders hold %d and %d; want 30 and 2 (the newest gives back 3)", allocated(first), allocated(second))
	}
	var b struct {
		OnHand   int64 `db:"on_hand"`
		Reserved int64 `db:"reserved"`
		Holding  int64 `db:"holding"`
	}
	mustGet(t, f.Owner, &b, `SELECT b.on_hand, b.reserved,
		(SELECT coalesce(sum(r.qty), 0) FROM reservations r WHERE r.location_id = b.location_id AND r.product_id = b.product_id) AS holding
		FROM stock_balances b WHERE b.location_id = $1 AND b.product_id = $2`, f.bin(t, "A-01"), tee)
	if b.OnHand != 32 || b.Reserved != 32 || b.Holding != 32 {
		t.Errorf("A-01 after the count: %+v; want 32 on hand, 32 reserved", b)
	}
	f.settles(t, "A-01", "TEE-1", 32, -8)
}

// A bin whose count went to a recount and a supervisor's approval is a bin like any other
// afterwards: it can be planned again, and its first round (superseded by the recount) is not a
// count still open.
func TestABinIsCountedAgainAfterARecount(t *testing.T) {
	t.Parallel()
	f := newFloor(t)
	ctx := context.Background()
	ann, _ := f.login(t, "Ann Counter", "stock")
	bob, _ := f.login(t, "Bob Counter", "stock")
	sup, _ := f.login(t, "Sam Super", "supervisor")
	tee := f.product(t, "TEE-1")
	plan(t, ann, "plan-1", "A-01", 1)
	record(t, ann, "rec-1", claim(t, ann, "A-01").ID, "recount", counts.Line{Product: tee, Qty: 38})
	re := claim(t, bob, "A-01")
	record(t, bob, "rec-2", re.ID, "review", counts.Line{Product: tee, Qty: 38})
	if err := sup.Decide(ctx, "key-dec-1", counts.Decision{Task: re.ID, Approve: true, Reasons: map[string]string{"*": "CNT_LOST"}}); err != nil {
		t.Fatal(err)
	}
	if n := f.openTasks(t, "A-01"); n != 0 {
		t.Fatalf("%d open tasks after the approval", n)
	}
	c, err := ann.Plan(ctx, "key-plan-2", counts.PlanRequest{Warehouse: "RTM1", How: "bins", Arg: "A-01"})
	if err != nil || c.Bins != 1 {
		t.Fatalf("planning A-01 again after its recount was approved: %+v, %v; want it counted again "+
			"(the first round's status 'recount' must not count as an open task once its recount is decided)", c, err)
	}
	record(t, ann, "rec-3", claim(t, ann, "A-01").ID, "posted", counts.Line{Product: tee, Qty: 38})
	f.settles(t, "A-01", "TEE-1", 38, -2)
}
