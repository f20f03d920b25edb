package alloc

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"oms/db"
	"oms/db/dbtest"
	"oms/db/orders"
	"oms/model"
)

// Stepped interleavings of the allocator with the commands that change an order under it (a
// back-office cancel, a channel's later export) and with a second allocator, in the manner of
// db/interleavings_test.go: each test holds one transaction open at a chosen point, starts the
// other command, waits until PostgreSQL shows it waiting for a lock (pg_stat_activity, never a
// sleep), then lets the first go on, and asserts what the second one did.
//
// Where the real command runs in one db.InTx and cannot be paused from outside, a third session
// (the gate) holds a row that command needs after it has locked the order's lines, so the
// command stops there holding them.

// lockWaits returns once at least n sessions of this test's database wait for a lock.
func lockWaits(t *testing.T, owner *db.DB, n int) { dbtest.WaitForLockWaits(t, owner, n) }

// gate opens a transaction of owner that takes the rows query locks and holds them until the
// test rolls it back.
func gate(t *testing.T, owner *db.DB, query string, args ...any) *sqlx.Tx {
	t.Helper()
	tx, err := owner.BeginTxx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tx.Rollback() })
	if _, err := tx.Exec(query, args...); err != nil {
		t.Fatal(err)
	}
	return tx
}

// stepped is an allocation in a transaction the test commits: allocate has run in full and
// holds the order's lines, the bins it took from and the order row.
func stepped(t *testing.T, d *db.DB, id int64) (*sqlx.Tx, Result) {
	t.Helper()
	ctx := context.Background()
	tx, err := d.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tx.Rollback() })
	r, err := allocate(txq{ctx, d, tx}, id)
	if err != nil {
		t.Fatal(err)
	}
	return tx, r
}

// async runs f in a goroutine and hands back its result.
func async[T any](f func() (T, error)) <-chan outcome[T] {
	ch := make(chan outcome[T], 1)
	go func() {
		v, err := f()
		ch <- outcome[T]{v, err}
	}()
	return ch
}

type outcome[T any] struct {
	v   T
	err error
}

// lineFacts is one line of an order after the run.
type lineFacts struct {
	SKU       string `db:"sku"`
	Ordered   int64  `db:"qty_ordered"`
	Cancelled int64  `db:"qty_cancelled"`
	Allocated int64  `db:"qty_allocated"`
	Shipped   int64  `db:"qty_shipped"`
	Reserved  int64  `db:"reserved"`
}

func lineFactsOf(t *testing.T, owner *db.DB, order int64) map[string]lineFacts {
	t.Helper()
	var rows []lineFacts
	if err := owner.Select(&rows, `
		SELECT p.sku, l.qty_ordered, l.qty_cancelled, l.qty_allocated, l.qty_shipped,
		       coalesce((SELECT sum(r.qty) FROM reservations r WHERE r.order_line_id = l.id), 0) AS reserved
		  FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = $1`, order); err != nil {
		t.Fatal(err)
	}
	m := map[string]lineFacts{}
	for _, r := range rows {
		m[r.SKU] = r
	}
	return m
}

// invariants are what every interleaving must leave: no balance with more reserved than on
// hand, every line's reservations equal to its allocated − shipped, nothing reserved for a
// cancelled order, and oms check clean.
func invariants(t *testing.T, owner *db.DB) {
	t.Helper()
	var over, lines, cancelled int
	if err := owner.Get(&over, `SELECT count(*) FROM stock_balances WHERE reserved > on_hand`); err != nil {
		t.Fatal(err)
	}
	if err := owner.Get(&lines, `
		SELECT count(*) FROM order_lines l
		 WHERE l.qty_allocated - l.qty_shipped <> coalesce((SELECT sum(r.qty) FROM reservations r WHERE r.order_line_id = l.id), 0)`); err != nil {
		t.Fatal(err)
	}
	if err := owner.Get(&cancelled, `
		SELECT count(*) FROM reservations r JOIN order_lines l ON l.id = r.order_line_id
		  JOIN orders o ON o.id = l.order_id WHERE o.cancelled_at IS NOT NULL OR l.qty_cancelled = l.qty_ordered`); err != nil {
		t.Fatal(err)
	}
	if over+lines+cancelled > 0 {
		t.Errorf("%d balances oversold, %d lines whose reservations are not allocated − shipped, %d reservations of cancelled orders or lines",
			over, lines, cancelled)
	}
	checkClean(t, owner)
}

func lineID(t *testing.T, owner *db.DB, order int64, sku string) int64 {
	t.Helper()
	var id int64
	if err := owner.Get(&id, `SELECT l.id FROM order_lines l JOIN products p ON p.id = l.product_id
		WHERE l.order_id = $1 AND p.sku = $2`, order, sku); err != nil {
		t.Fatal(err)
	}
	return id
}

// cancel is the back office cancelling the whole order ("" line) or one line of it.
func cancel(d *db.DB, key string, order, line int64) func() (struct{}, error) {
	return func() (struct{}, error) {
		s := orders.New(d)
		if line == 0 {
			return struct{}{}, s.CancelOrder(context.Background(), key, order, "CANCEL_CUSTOMER")
		}
		return struct{}{}, s.CancelLine(context.Background(), key, order, line, "CANCEL_CUSTOMER")
	}
}

func allocating(d *db.DB, order int64) func() (Result, error) {
	return func() (Result, error) { return New(d).Allocate(context.Background(), order, false) }
}

// TestACancelHoldingTheLinesKeepsTheAllocatorOff: the back office cancels the order (or one
// line) and stops, the gate holding the order row, after its lines are locked and their
// reservations freed; an allocator starts on the same order and waits for the lines. When the
// cancel commits, the allocator reads the lines again under its lock and reserves nothing for
// what was cancelled — though it read the order as not cancelled before it waited.
func TestACancelHoldingTheLinesKeepsTheAllocatorOff(t *testing.T) {
	for _, whole := range []bool{true, false} {
		name := map[bool]string{true: "order", false: "line"}[whole]
		t.Run(name, func(t *testing.T) {
			owner, clerk := business(t, map[string]int{"TEE-1": 5, "MUG-1": 5})
			other := dbtest.LoginAs(t, owner, "backoffice")
			id := order(t, clerk, "C1", map[string]int64{"TEE-1": 1, "MUG-1": 2})
			var line int64
			if !whole {
				line = lineID(t, owner, id, "MUG-1")
			}
			g := gate(t, owner, `SELECT 1 FROM orders WHERE id = $1 FOR NO KEY UPDATE`, id)
			cancelled := async(cancel(clerk, "cancel-"+name, id, line))
			lockWaits(t, owner, 1) // the cancel, holding the lines, waits for the order row
			allocated := async(allocating(other, id))
			lockWaits(t, owner, 2) // the allocator waits for the lines
			if err := g.Rollback(); err != nil {
				t.Fatal(err)
			}
			if c := <-cancelled; c.err != nil {
				t.Fatalf("cancel: %v", c.err)
			}
			a := <-allocated
			if a.err != nil {
				t.Fatalf("allocator: %v", a.err)
			}
			got := lineFactsOf(t, owner, id)
			if whole {
				if a.v.Reserved != 0 || a.v.Outcome != Skipped {
					t.Errorf("allocator after the cancel: %+v, want nothing reserved", a.v)
				}
				if s := status(t, owner, id); s != "cancelled" {
					t.Errorf("status %s", s)
				}
			} else {
				if a.v.Reserved != 1 || a.v.Outcome != Allocated || got["TEE-1"].Reserved != 1 {
					t.Errorf("allocator after the line's cancel: %+v, lines %+v: want the tee only", a.v, got)
				}
			}
			if m := got["MUG-1"]; m.Allocated != 0 || m.Reserved != 0 || m.Cancelled != 2 {
				t.Errorf("the cancelled mug line: %+v", m)
			}
			invariants(t, owner)
		})
	}
}

// TestAnAllocatorHoldingTheLinesMakesACancelWait: the reverse. An allocator has reserved the
// order and not committed; the cancel waits for the lines, then frees what the allocator
// reserved.
func TestAnAllocatorHoldingTheLinesMakesACancelWait(t *testing.T) {
	for _, whole := range []bool{true, false} {
		name := map[bool]string{true: "order", false: "line"}[whole]
		t.Run(name, func(t *testing.T) {
			owner, clerk := business(t, map[string]int{"TEE-1": 5, "MUG-1": 5})
			other := dbtest.LoginAs(t, owner, "backoffice")
			id := order(t, clerk, "C2", map[string]int64{"TEE-1": 1, "MUG-1": 2})
			var line int64
			if !whole {
				line = lineID(t, owner, id, "MUG-1")
			}
			tx, r := stepped(t, clerk, id)
			if r.Reserved != 3 {
				t.Fatalf("allocator: %+v", r)
			}
			cancelled := async(cancel(other, "cancel-"+name, id, line))
			lockWaits(t, owner, 1)
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			if c := <-cancelled; c.err != nil {
				t.Fatalf("cancel: %v", c.err)
			}
			got := lineFactsOf(t, owner, id)
			if m := got["MUG-1"]; m.Allocated != 0 || m.Reserved != 0 || m.Cancelled != 2 {
				t.Errorf("the cancelled mug line: %+v", m)
			}
			if tee := got["TEE-1"]; whole && tee.Reserved != 0 || !whole && tee.Reserved != 1 {
				t.Errorf("the tee line: %+v", tee)
			}
			again, err := New(clerk).Allocate(context.Background(), id, false)
			if err != nil || again.Reserved != 0 {
				t.Errorf("allocating again after the cancel: %+v %v", again, err)
			}
			invariants(t, owner)
		})
	}
}

// incoming is the web shop's statement of an order, its lines in the order given.
func incoming(ext string, lines ...model.IncomingLine) model.IncomingOrder {
	o := model.IncomingOrder{ExternalID: ext, DisplayID: "#" + ext, Currency: "EUR",
		OrderedAt: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC),
		Customer:  model.IncomingCustomer{Name: "Anna"},
		ShipTo:    model.Address{Name: "Anna", Line1: "Damrak 1", City: "Amsterdam", Country: "NL"}}
	for _, l := range lines {
		l.ExternalLineID, l.AmountMinor = l.SKU, 100*l.Qty
		o.Lines = append(o.Lines, l)
		o.SubtotalMinor += l.AmountMinor
	}
	o.TotalMinor = o.SubtotalMinor
	return o
}

// startRun starts an import run of the web shop (a later export is a later run).
func startRun(t *testing.T, d *db.DB, file string) orders.ImportRun {
	t.Helper()
	ctx := context.Background()
	s := orders.New(d)
	ch, err := s.ChannelByCode(ctx, "web-eu")
	if err != nil {
		t.Fatal(err)
	}
	run, err := s.StartImport(ctx, ch, "json", file, strings.Repeat("1", 64))
	if err != nil {
		t.Fatal(err)
	}
	return run
}

// importing imports o in run.
func importing(d *db.DB, run orders.ImportRun, o model.IncomingOrder) func() (orders.Result, error) {
	return func() (orders.Result, error) {
		res, err := orders.New(d).ImportBatch(context.Background(), run, []orders.Incoming{{Order: o, Line: 1, Ref: o.ExternalID}})
		if err != nil {
			return orders.Result{}, err
		}
		return res[0], nil
	}
}

// TestAnImportChangingAnOrderUnderAnAllocator: a later export lowers an order's tee from 3 to 1
// while an allocator works on it, in three interleavings:
//
//   - allocator first: it reserved the 3 and holds the order; the import waits, then releases
//     the 3 and lowers the line;
//   - import first: it locked the order and the lines, released and lowered, and stops (the gate
//     holds its run's row, which the order's new intake_run_id must find); the allocator waits
//     for the lines, then reserves the 1 left;
//   - crossing: the allocator holds the lines and waits for a bin (the gate holds it); the
//     import starts and waits for the lines — before it takes the order row, which the
//     allocator needs next (the status follows the lines). The bin goes free, the allocator
//     commits, the import goes on. When ImportBatch took the order row first (lockExisting,
//     against ARCHITECTURE §3's lock order) this was a real deadlock, broken by PostgreSQL after
//     deadlock_timeout and rerun by db.InTx; now neither side may need a rerun for a deadlock.
//
// Each time: no error, the line says 1, its reservations are allocated − shipped, nothing
// oversold, and one more allocation reserves exactly the 1.
func TestAnImportChangingAnOrderUnderAnAllocator(t *testing.T) {
	tee := func(n int64) model.IncomingLine { return model.IncomingLine{SKU: "TEE-1", Qty: n} }
	for _, order := range []string{"allocator-first", "import-first", "crossing"} {
		t.Run(order, func(t *testing.T) {
			owner, clerk := business(t, map[string]int{"TEE-1": 5})
			allocator, importer := dbtest.LoginAs(t, owner, "backoffice"), dbtest.LoginAs(t, owner, "backoffice")
			first, err := importing(clerk, startRun(t, clerk, "first.json"), incoming("I1", tee(3)))()
			if err != nil || first.Outcome != orders.OrderNew {
				t.Fatalf("first export: %+v %v", first, err)
			}
			var id int64
			if err := owner.Get(&id, `SELECT id FROM orders WHERE external_id = 'I1'`); err != nil {
				t.Fatal(err)
			}
			run := startRun(t, importer, "later.json")
			later := importing(importer, run, incoming("I1", tee(1)))
			var imported <-chan outcome[orders.Result]
			var allocated <-chan outcome[Result]
			switch order {
			case "allocator-first":
				tx, r := stepped(t, allocator, id)
				if r.Reserved != 3 {
					t.Fatalf("allocator: %+v", r)
				}
				imported = async(later)
				lockWaits(t, owner, 1)
				if err := tx.Commit(); err != nil {
					t.Fatal(err)
				}
			case "import-first":
				// The run's row: the order's new intake_run_id must find it (a foreign key).
				g := gate(t, owner, `SELECT 1 FROM import_runs WHERE id = $1 FOR UPDATE`, run.ID)
				imported = async(later)
				lockWaits(t, owner, 1) // the import, holding order and lines, waits for its run's row
				allocated = async(allocating(allocator, id))
				lockWaits(t, owner, 2) // the allocator waits for the lines
				if err := g.Rollback(); err != nil {
					t.Fatal(err)
				}
			case "crossing":
				g := gate(t, owner, `SELECT 1 FROM stock_balances b JOIN products p ON p.id = b.product_id
					WHERE p.sku = 'TEE-1' FOR UPDATE OF b`)
				allocated = async(allocating(allocator, id))
				lockWaits(t, owner, 1) // the allocator holds the lines and waits for the bin
				imported = async(later)
				lockWaits(t, owner, 2) // the import holds the order row and waits for the lines
				if err := g.Rollback(); err != nil {
					t.Fatal(err)
				}
			}
			im := <-imported
			if im.err != nil || im.v.Outcome != orders.OrderUpdated {
				t.Fatalf("the later export: %+v %v", im.v, im.err)
			}
			if allocated != nil {
				if a := <-allocated; a.err != nil {
					t.Fatalf("allocator: %v", a.err)
				}
			}
			got := lineFactsOf(t, owner, id)["TEE-1"]
			if got.Ordered-got.Cancelled != 1 || got.Allocated > 1 || got.Reserved != got.Allocated-got.Shipped {
				t.Errorf("after the later export: %+v, want 1 ordered and at most 1 reserved", got)
			}
			invariants(t, owner)
			r, err := New(clerk).Allocate(context.Background(), id, false)
			if err != nil {
				t.Fatal(err)
			}
			if got := lineFactsOf(t, owner, id)["TEE-1"]; got.Reserved != 1 || got.Allocated != 1 {
				t.Errorf("allocating after the change: %+v, line %+v; want exactly the 1 reserved", r, got)
			}
			ra, ri := allocator.Retries(), importer.Retries()
			if ra.Deadlocks+ri.Deadlocks > 0 {
				t.Errorf("%s: deadlocks rerun: allocator %+v, import %+v (the lock order is lines, then the order)", order, ra, ri)
			}
			invariants(t, owner)
		})
	}
}

// TestTwoAllocatorsOnTwoHotSKUsInOppositeLineOrder: two orders share the tee and the mug, one
// listing the tee first, the other the mug first, with one unit of each in stock. Whichever
// allocator goes first takes both bins in the ledger's (product, location, lot) order, not its
// lines' order, so the second waits and then finds them taken — it never holds one while
// waiting for the other. Stepped both ways; no error reaches either caller, and whatever
// db.InTx reran is only counted.
func TestTwoAllocatorsOnTwoHotSKUsInOppositeLineOrder(t *testing.T) {
	for _, first := range []string{"tee-first", "mug-first"} {
		t.Run(first, func(t *testing.T) {
			owner, clerk := business(t, map[string]int{"TEE-1": 1, "MUG-1": 1})
			other := dbtest.LoginAs(t, owner, "backoffice")
			teeMug, err := importing(clerk, startRun(t, clerk, "a.json"), incoming("T1", model.IncomingLine{SKU: "TEE-1", Qty: 1},
				model.IncomingLine{SKU: "MUG-1", Qty: 1}))()
			if err != nil {
				t.Fatal(err)
			}
			mugTee, err := importing(clerk, startRun(t, clerk, "b.json"), incoming("M1", model.IncomingLine{SKU: "MUG-1", Qty: 1},
				model.IncomingLine{SKU: "TEE-1", Qty: 1}))()
			if err != nil {
				t.Fatal(err)
			}
			a, b := teeMug.OrderID, mugTee.OrderID
			if a == 0 || b == 0 {
				if err := owner.Get(&a, `SELECT id FROM orders WHERE external_id = 'T1'`); err != nil {
					t.Fatal(err)
				}
				if err := owner.Get(&b, `SELECT id FROM orders WHERE external_id = 'M1'`); err != nil {
					t.Fatal(err)
				}
			}
			if first == "mug-first" {
				a, b = b, a
			}
			tx, r1 := stepped(t, clerk, a)
			if r1.Reserved != 2 {
				t.Fatalf("first allocator: %+v", r1)
			}
			second := async(allocating(other, b))
			lockWaits(t, owner, 1)
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			r2 := <-second
			if r2.err != nil {
				t.Fatalf("second allocator: %v", r2.err)
			}
			if r2.v.Reserved != 0 || r2.v.Outcome != Backordered {
				t.Errorf("second allocator after both units went: %+v", r2.v)
			}
			if s1, s2 := status(t, owner, a), status(t, owner, b); s1 != "allocated" || s2 != "pending" {
				t.Errorf("statuses %s and %s", s1, s2)
			}
			t.Logf("reruns: %+v and %+v", clerk.Retries(), other.Retries())
			invariants(t, owner)
		})
	}
}

// TestABinAnotherAllocatorHoldsPutsOnlyItsOrdersAside: another allocator (the gate) holds the
// mugs' bin. A batch of five orders, one of them for a mug, does not wait for it with the other
// four's bins locked (the convoy that ran sixteen allocators one after the other): the four are
// allocated and committed while the mug order, put aside, waits for its bin alone; when the bin
// is free it is allocated too, last.
func TestABinAnotherAllocatorHoldsPutsOnlyItsOrdersAside(t *testing.T) {
	owner, clerk := business(t, map[string]int{"TEE-1": 10, "MUG-1": 2, "CAP-1": 10})
	mug := order(t, clerk, "P0", map[string]int64{"MUG-1": 1})
	others := []int64{
		order(t, clerk, "P1", map[string]int64{"TEE-1": 1}),
		order(t, clerk, "P2", map[string]int64{"CAP-1": 1}),
		order(t, clerk, "P3", map[string]int64{"TEE-1": 2}),
		order(t, clerk, "P4", map[string]int64{"TEE-1": 1, "CAP-1": 1}),
	}
	held := gate(t, owner, `SELECT * FROM oms_lock_free_bins(
		ARRAY(SELECT id FROM warehouses WHERE code = 'RTM1'), ARRAY(SELECT id FROM products WHERE sku = 'MUG-1'))`)
	run := async(func() ([]Result, error) {
		return New(clerk).AllocateMany(context.Background(), append([]int64{mug}, others...), false)
	})
	lockWaits(t, owner, 1)
	for _, id := range others {
		if s := status(t, owner, id); s != "allocated" {
			t.Errorf("order %d is %s while the mug order waits for its bin; want allocated and committed", id, s)
		}
	}
	if s := status(t, owner, mug); s != "pending" {
		t.Errorf("the mug order is %s while its bin is held; want pending", s)
	}
	if err := held.Rollback(); err != nil {
		t.Fatal(err)
	}
	got := <-run
	if got.err != nil || len(got.v) != 5 {
		t.Fatalf("AllocateMany: %+v %v", got.v, got.err)
	}
	for i, r := range got.v {
		want := append(others, mug)[i]
		if r.OrderID != want || r.Outcome != Allocated {
			t.Errorf("result %d: %+v; want order %d allocated", i, r, want)
		}
	}
	invariants(t, owner)
}
