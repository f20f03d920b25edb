package alloc

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lib/pq"

	"oms/db"
	"oms/db/dbtest"
	"oms/db/orders"
	"oms/model"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// business is dbtest.SmallBusiness plus stock in the Rotterdam DC (bins B-01, B-02 by pick
// sequence) and a back-office login's allocator and order intake.
func business(t *testing.T, stock map[string]int) (owner *db.DB, clerk *db.DB) {
	t.Helper()
	owner = dbtest.SmallBusiness(t)
	ctx := context.Background()
	for _, s := range []string{
		`UPDATE warehouses SET latitude = 51.885, longitude = 4.4035 WHERE code = 'RTM1'`,
		`UPDATE warehouses SET latitude = 52.53, longitude = 13.40 WHERE code = 'BER-M'`,
		`INSERT INTO locations (warehouse_id, code, kind, pick_seq) SELECT id, 'B-02', 'bin', 20 FROM warehouses WHERE code = 'RTM1'`,
		`INSERT INTO locations (warehouse_id, code, kind, pick_seq) SELECT id, 'B-01', 'bin', 10 FROM warehouses WHERE code = 'RTM1'`,
		`INSERT INTO products (sku, name, tax_category) VALUES ('CAP-1', 'Cap', 'standard')`,
	} {
		if _, err := owner.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	for sku, n := range stock {
		receive(t, owner, sku, "B-02", n)
	}
	return owner, dbtest.LoginAs(t, owner, "backoffice")
}

func receive(t *testing.T, owner *db.DB, sku, bin string, n int) {
	t.Helper()
	if _, err := owner.Exec(`
		INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind)
		SELECT p.id, s.id, b.id, $3, 'receipt' FROM products p, locations s, locations b
		 WHERE p.sku = $1 AND s.kind = 'supplier' AND b.code = $2`, sku, bin, n); err != nil {
		t.Fatal(err)
	}
}

// order imports an order of the web shop to the Netherlands and returns its id.
func order(t *testing.T, clerk *db.DB, ext string, lines map[string]int64) int64 {
	t.Helper()
	ctx := context.Background()
	s := orders.New(clerk)
	ch, err := s.ChannelByCode(ctx, "web-eu")
	if err != nil {
		t.Fatal(err)
	}
	o := model.IncomingOrder{ExternalID: ext, DisplayID: "#" + ext, Currency: "EUR",
		OrderedAt: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC),
		Customer:  model.IncomingCustomer{Name: "Anna"},
		ShipTo:    model.Address{Name: "Anna", Line1: "Damrak 1", City: "Amsterdam", Country: "NL"}}
	for _, sku := range []string{"TEE-1", "MUG-1", "CAP-1"} {
		if q := lines[sku]; q > 0 {
			o.Lines = append(o.Lines, model.IncomingLine{ExternalLineID: sku, SKU: sku, Qty: q, AmountMinor: 100 * q})
			o.SubtotalMinor += 100 * q
		}
	}
	o.TotalMinor = o.SubtotalMinor
	run, err := s.StartImport(ctx, ch, "json", "test", strings.Repeat("0", 64))
	if err != nil {
		t.Fatal(err)
	}
	if res, err := s.ImportBatch(ctx, run, []orders.Incoming{{Order: o, Line: 1, Ref: ext}}); err != nil || res[0].Outcome != orders.OrderNew {
		t.Fatalf("importing %s: %+v %v", ext, res, err)
	}
	var id int64
	if err := clerk.Get(&id, `SELECT id FROM orders WHERE external_id = $1`, ext); err != nil {
		t.Fatal(err)
	}
	return id
}

func status(t *testing.T, d *db.DB, id int64) string {
	t.Helper()
	var s string
	if err := d.Get(&s, `SELECT status FROM orders WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	return s
}

func checkClean(t *testing.T, owner *db.DB) {
	t.Helper()
	rep, err := owner.Check(context.Background(), 5)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Errorf("oms check: %+v", rep.Violations)
	}
}

func TestAnOrderIsReservedInTheChosenWarehouseBinsByPickSequence(t *testing.T) {
	owner, clerk := business(t, map[string]int{"TEE-1": 2, "MUG-1": 5})
	receive(t, owner, "TEE-1", "B-01", 1) // B-01 comes first on the pick path
	id := order(t, clerk, "A1", map[string]int64{"TEE-1": 2, "MUG-1": 1})
	res, err := New(clerk).Allocate(context.Background(), id, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != Allocated || res.Warehouse != "RTM1" || res.Reserved != 3 ||
		res.Sentence != "RTM1: all 2 lines in stock, same market, 67 km" {
		t.Fatalf("allocation: %+v", res)
	}
	if s := status(t, owner, id); s != "allocated" {
		t.Errorf("status %s", s)
	}
	var bins []string
	if err := owner.Select(&bins, `SELECT l.code || ':' || r.qty FROM reservations r JOIN locations l ON l.id = r.location_id
		JOIN products p ON p.id = r.product_id WHERE p.sku = 'TEE-1' ORDER BY l.pick_seq`); err != nil {
		t.Fatal(err)
	}
	if strings.Join(bins, " ") != "B-01:1 B-02:1" {
		t.Errorf("TEE-1 reserved in %v, want B-01 first", bins)
	}
	var said string
	if err := owner.Get(&said, `SELECT message FROM events WHERE order_id = $1 AND kind = 'order.allocated'`, id); err != nil || said != res.Sentence {
		t.Errorf("history says %q (%v)", said, err)
	}
	again, err := New(clerk).Allocate(context.Background(), id, false)
	if err != nil || again.Outcome != Skipped {
		t.Errorf("allocating again: %+v %v", again, err)
	}
	checkClean(t, owner)
}

func TestABackorderReleasesItselfWhenStockArrives(t *testing.T) {
	owner, clerk := business(t, map[string]int{"TEE-1": 1})
	late := order(t, clerk, "B2", map[string]int64{"CAP-1": 2})
	early := order(t, clerk, "B1", map[string]int64{"CAP-1": 2})
	if _, err := owner.Exec(`UPDATE orders SET promised_at = ordered_at + interval '1 hour' WHERE external_id = 'B1'`); err != nil {
		t.Fatal(err)
	}
	a := New(clerk)
	ctx := context.Background()
	for _, id := range []int64{late, early} {
		res, err := a.Allocate(ctx, id, false)
		if err != nil || res.Outcome != Backordered || res.Sentence != "backordered: no warehouse has CAP-1" {
			t.Fatalf("allocating without stock: %+v %v", res, err)
		}
	}
	if products, err := a.TakeWakeups(ctx, 10); err != nil || len(products) != 0 {
		t.Fatalf("wake-ups before any stock came: %v %v", products, err)
	}
	receive(t, owner, "CAP-1", "B-01", 3)
	products, err := a.TakeWakeups(ctx, 10)
	if err != nil || len(products) != 1 {
		t.Fatalf("wake-ups after a receipt: %v %v", products, err)
	}
	waiting, err := a.Waiting(ctx, Filter{Products: products})
	if err != nil || len(waiting) != 2 || waiting[0] != early {
		t.Fatalf("waiting orders %v (%v), want the earlier promise %d first", waiting, err, early)
	}
	for _, id := range waiting {
		if _, err := a.Allocate(ctx, id, false); err != nil {
			t.Fatal(err)
		}
	}
	if s, l := status(t, owner, early), status(t, owner, late); s != "allocated" || l != "backordered" {
		t.Errorf("after 3 arrived: earlier promise %s, later %s; want allocated and backordered", s, l)
	}
	checkClean(t, owner)
}

// TestTwoAllocatorsAndTheLastUnit steps two connections: the first decides and reserves the
// last mug and keeps its transaction open; the second, deciding meanwhile, must wait on the
// bin and then find it empty — never reserve the same unit twice.
func TestTwoAllocatorsAndTheLastUnit(t *testing.T) {
	owner, clerk := business(t, map[string]int{"MUG-1": 1})
	first := order(t, clerk, "L1", map[string]int64{"MUG-1": 1})
	second := order(t, clerk, "L2", map[string]int64{"MUG-1": 1})
	other := dbtest.LoginAs(t, owner, "backoffice")
	ctx := context.Background()
	tx1, err := clerk.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	r1, err := allocate(txq{ctx, clerk, tx1}, first)
	if err != nil || r1.Reserved != 1 {
		t.Fatalf("first allocator: %+v %v", r1, err)
	}
	done := make(chan Result, 1)
	go func() {
		r, err := New(other).Allocate(ctx, second, false)
		if err != nil {
			t.Error(err)
		}
		done <- r
	}()
	// The second allocator waits on the bin the first holds.
	dbtest.WaitForLockWaits(t, owner, 1)
	if err := tx1.Commit(); err != nil {
		t.Fatal(err)
	}
	r2 := <-done
	if r2.Reserved != 0 || r2.Outcome != Backordered {
		t.Errorf("second allocator after the last unit went: %+v", r2)
	}
	checkClean(t, owner)
}

// TestConcurrentAllocatorsNeverOversell runs 16 allocators over 240 orders on 3 hot SKUs while
// stock arrives and orders are cancelled, then checks every unit and the audit.
func TestConcurrentAllocatorsNeverOversell(t *testing.T) {
	owner, clerk := business(t, map[string]int{"TEE-1": 40, "MUG-1": 40, "CAP-1": 40})
	skus := []string{"TEE-1", "MUG-1", "CAP-1"}
	var ids []int64
	for i := range 240 {
		ids = append(ids, order(t, clerk, fmt.Sprintf("H%03d", i), map[string]int64{skus[i%3]: 1 + int64(i%2), skus[(i+1)%3]: 1}))
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := range 16 {
		d := dbtest.LoginAs(t, owner, "backoffice")
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := New(d)
			for i := w; i < len(ids); i += 16 {
				if _, err := a.Allocate(ctx, ids[i], false); err != nil {
					errs <- fmt.Errorf("allocating %d: %w", ids[i], err)
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() { // stock arrives meanwhile
		defer wg.Done()
		for i := range 12 {
			receive(t, owner, skus[i%3], "B-01", 5)
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var over int
	if err := owner.Get(&over, `SELECT count(*) FROM stock_balances WHERE reserved > on_hand`); err != nil || over != 0 {
		t.Errorf("%d balances oversold (%v)", over, err)
	}
	var reserved, received int64
	if err := owner.Get(&reserved, `SELECT coalesce(sum(qty), 0) FROM reservations`); err != nil {
		t.Fatal(err)
	}
	if err := owner.Get(&received, `SELECT coalesce(sum(on_hand), 0) FROM stock_balances b JOIN locations l ON l.id = b.location_id WHERE l.code IN ('B-01', 'B-02')`); err != nil {
		t.Fatal(err)
	}
	if reserved > received {
		t.Errorf("%d reserved of %d on hand", reserved, received)
	}
	checkClean(t, owner)
}

// TestTwoReceiptsOfAWaitedForProductDoNotWaitForEachOther: the wake-ups they leave are rows of
// their own, not one row per product that the second would have to wait on until the first
// commits.
func TestTwoReceiptsOfAWaitedForProductDoNotWaitForEachOther(t *testing.T) {
	owner, clerk := business(t, nil)
	order(t, clerk, "W1", map[string]int64{"CAP-1": 1})
	ctx := context.Background()
	receipt := `INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind)
		SELECT p.id, s.id, b.id, 1, 'receipt' FROM products p, locations s, locations b
		 WHERE p.sku = 'CAP-1' AND s.kind = 'supplier' AND b.code = $1`
	first, err := owner.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Rollback()
	if _, err := first.ExecContext(ctx, receipt, "B-01"); err != nil {
		t.Fatal(err)
	}
	second, err := owner.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Rollback()
	if _, err := second.ExecContext(ctx, `SET LOCAL lock_timeout = '2s'`); err != nil {
		t.Fatal(err)
	}
	if _, err := second.ExecContext(ctx, receipt, "B-02"); err != nil {
		t.Fatalf("a second receipt of the product waited for the first: %v", err)
	}
	if err := second.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := first.Commit(); err != nil {
		t.Fatal(err)
	}
	products, err := New(clerk).TakeWakeups(ctx, 10)
	if err != nil || len(products) != 1 {
		t.Errorf("wake-ups: %v %v, want the one product once", products, err)
	}
}

// TestOneBatchAllocatesInTheOrderGiven allocates three orders in one transaction: the first
// takes what it needs, the second what is left of the same mugs, the third finds nothing; each
// says so in its own history, each allocated order is routed to the warehouse its units are
// reserved in, and a second sweep that changes nothing writes nothing.
func TestOneBatchAllocatesInTheOrderGiven(t *testing.T) {
	owner, clerk := business(t, map[string]int{"MUG-1": 3})
	first := order(t, clerk, "M1", map[string]int64{"MUG-1": 2})
	second := order(t, clerk, "M2", map[string]int64{"MUG-1": 2})
	third := order(t, clerk, "M3", map[string]int64{"CAP-1": 1})
	a := New(clerk)
	ctx := context.Background()
	rs, err := a.AllocateMany(ctx, []int64{first, second, third}, false)
	if err != nil || len(rs) != 3 {
		t.Fatalf("allocating three: %+v %v", rs, err)
	}
	want := []struct {
		id       int64
		outcome  Outcome
		reserved int64
		waiting  int64
		status   string
		routed   string
	}{
		{first, Allocated, 2, 0, "allocated", "RTM1"},
		{second, Backordered, 1, 1, "backordered", "RTM1"},
		{third, Backordered, 0, 1, "pending", ""}, // nothing allocated yet: its status is still pending
	}
	for i, w := range want {
		r := rs[i]
		if r.OrderID != w.id || r.Outcome != w.outcome || r.Reserved != w.reserved || r.Waiting != w.waiting {
			t.Errorf("order %d: %+v, want %s with %d reserved and %d waiting", i+1, r, w.outcome, w.reserved, w.waiting)
		}
		if s := status(t, owner, w.id); s != w.status {
			t.Errorf("order %d is %s, want %s", i+1, s, w.status)
		}
		var routed string
		if err := owner.Get(&routed, `SELECT coalesce(w.code, '') FROM orders o LEFT JOIN warehouses w ON w.id = o.warehouse_id
			WHERE o.id = $1`, w.id); err != nil || routed != w.routed {
			t.Errorf("order %d is routed to %q (%v), want %q", i+1, routed, err, w.routed)
		}
		var said []string
		if err := owner.Select(&said, `SELECT message FROM events WHERE order_id = $1
			AND kind IN ('order.allocated', 'order.backordered') ORDER BY id`, w.id); err != nil ||
			len(said) != 1 || said[0] != r.Sentence {
			t.Errorf("order %d's history says %q (%v), want %q", i+1, said, err, r.Sentence)
		}
	}
	if rs[2].Sentence != "backordered: no warehouse has CAP-1" {
		t.Errorf("the third order says %q", rs[2].Sentence)
	}
	count := func() (n int) {
		t.Helper()
		if err := owner.Get(&n, `SELECT count(*) FROM events WHERE order_id = ANY($1)
			AND kind IN ('order.allocated', 'order.backordered')`, pq.Array([]int64{first, second, third})); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// The first sweep tells the second order that nothing more is free; the next says nothing new.
	for sweep := 1; sweep <= 2; sweep++ {
		before := count()
		again, err := a.AllocateMany(ctx, []int64{first, second, third}, false)
		if err != nil || again[0].Outcome != Skipped || again[1].Reserved != 0 || again[2].Reserved != 0 {
			t.Fatalf("sweep %d: %+v %v", sweep, again, err)
		}
		if added := count() - before; sweep == 2 && added != 0 {
			t.Errorf("a sweep that changed nothing wrote %d allocation events", added)
		}
	}
	checkClean(t, owner)
}

// TestABinWaitingForACountIsNotAllocatedFrom: a short pick flagged the mugs' bin for a count
// (it holds fewer than the books say), so a new order for a mug waits rather than be sent to the
// same empty bin; once the count resolves the flag, it is allocated there.
func TestABinWaitingForACountIsNotAllocatedFrom(t *testing.T) {
	owner, clerk := business(t, map[string]int{"MUG-1": 5})
	if _, err := owner.Exec(`INSERT INTO count_flags (location_id, product_id, reason_code)
		SELECT l.id, p.id, 'SHORT_EMPTY' FROM locations l, products p WHERE l.code = 'B-02' AND p.sku = 'MUG-1'`); err != nil {
		t.Fatal(err)
	}
	id := order(t, clerk, "F1", map[string]int64{"MUG-1": 1})
	ctx := context.Background()
	res, err := New(clerk).Allocate(ctx, id, false)
	if err != nil || res.Outcome != Backordered || res.Reserved != 0 {
		t.Fatalf("allocating from a bin waiting for its count: %+v %v", res, err)
	}
	if _, err := owner.Exec(`UPDATE count_flags SET resolved_at = now()`); err != nil {
		t.Fatal(err)
	}
	after, err := New(clerk).AllocateMany(ctx, []int64{id}, false)
	if err != nil || len(after) != 1 || after[0].Outcome != Allocated {
		t.Fatalf("allocating after the count: %+v %v", after, err)
	}
	checkClean(t, owner)
}
