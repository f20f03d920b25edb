package picking_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"oms/db"
	"oms/db/picking"
)

// The shortcuts of migration 00038: a pick that leaves a line partly picked does not touch its
// order's row, and the status is still right after the last unit; a bin whose stock is all
// reserved and one with spare units both carry their reservations to the packing location.

// balance is a balance's on hand and reserved in the Rotterdam DC, "on_hand/reserved".
func balance(t *testing.T, owner *db.DB, sku, loc string) string {
	t.Helper()
	var b string
	mustGet(t, owner, &b, `SELECT coalesce((SELECT b.on_hand || '/' || b.reserved FROM stock_balances b
		JOIN products p ON p.id = b.product_id JOIN locations l ON l.id = b.location_id
		JOIN warehouses w ON w.id = l.warehouse_id AND w.code = 'RTM1'
		WHERE p.sku = $1 AND l.code = $2), 'none')`, sku, loc)
	return b
}

// orderRow is what changes whenever the order's row is written or locked: the transactions that
// wrote (xmin) and last locked (xmax) it, its stamp and status.
func orderRow(t *testing.T, owner *db.DB, id int64) string {
	t.Helper()
	var v string
	mustGet(t, owner, &v, `SELECT xmin::text || ' ' || xmax::text || ' ' || change_xid::text || ' ' || status FROM orders WHERE id = $1`, id)
	return v
}

func TestPicksInsideALineLeaveTheOrderRowAloneAndTheLastOneDerivesItsStatus(t *testing.T) {
	t.Parallel()
	// TEE-1: A-01 holds exactly the 3 ordered (all reserved: the movement must wait for the
	// release). MUG-1: A-02 holds 10 for 2 ordered (the movement may go first).
	s := newShop(t, map[string]map[string]int{"A-01": {"TEE-1": 3}, "A-02": {"MUG-1": 10}})
	ids := s.orders(t, map[string]int64{"TEE-1": 3, "MUG-1": 2})
	s.release(t, "release-0001", 0)
	ctx := context.Background()
	_, p, _ := s.picker(t)
	b, err := p.Claim(ctx, "", "RTM1", "T1")
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Tasks) != 2 || b.Tasks[0].SKU != "TEE-1" || b.Tasks[1].SKU != "MUG-1" {
		t.Fatalf("tasks %+v", b.Tasks)
	}
	n := 0
	pick := func(task picking.Task) {
		t.Helper()
		n++
		if _, err := p.Confirm(ctx, fmt.Sprintf("scan-%04d", n), picking.Pick{Task: task.ID, Bin: task.Bin, Item: task.SKU, Qty: 1}); err != nil {
			t.Fatalf("pick %d: %v", n, err)
		}
	}
	tee, mug := b.Tasks[0], b.Tasks[1]

	if st := status(t, s.owner, ids[0]); st != "allocated" {
		t.Fatalf("status before picking %q", st)
	}
	pick(tee) // 0 → 1 of 3: the order starts picking
	row := orderRow(t, s.owner, ids[0])
	if st := status(t, s.owner, ids[0]); st != "picking" {
		t.Errorf("after the first unit: %q, want picking", st)
	}
	if got := balance(t, s.owner, "TEE-1", "A-01") + " " + balance(t, s.owner, "TEE-1", "PACK"); got != "2/2 1/1" {
		t.Errorf("after the first unit, A-01 and PACK hold %s, want 2/2 1/1", got)
	}
	pick(tee) // 1 → 2 of 3: nothing the status reads moves
	if got := orderRow(t, s.owner, ids[0]); got != row {
		t.Errorf("a pick inside the line wrote or locked the order row: %s, then %s", row, got)
	}
	pick(tee) // 2 → 3 of 3: the line is picked, the order is not
	pick(mug) // 0 → 1 of 2
	pick(mug) // 1 → 2 of 2: the last unit
	if st := status(t, s.owner, ids[0]); st != "picked" {
		t.Errorf("after the last unit: %q, want picked", st)
	}
	for _, c := range []struct{ sku, loc, want string }{
		{"TEE-1", "A-01", "0/0"}, {"TEE-1", "PACK", "3/3"}, {"MUG-1", "A-02", "8/0"}, {"MUG-1", "PACK", "2/2"},
	} {
		if got := balance(t, s.owner, c.sku, c.loc); got != c.want {
			t.Errorf("%s at %s: %s, want %s", c.sku, c.loc, got, c.want)
		}
	}
	checkClean(t, s.owner)
}

// Two runs of the same scan at once: the first holds the line (a gate holds the order row whose
// status its pick moves); the second waits for the line, then finds the key and replays the
// first's answer. One movement, one scan.
func TestTheSameScanTwiceAtOnceAppliesOnce(t *testing.T) {
	t.Parallel()
	s := newShop(t, map[string]map[string]int{"A-01": {"TEE-1": 10}})
	ids := s.orders(t, map[string]int64{"TEE-1": 2})
	s.release(t, "release-0001", 0)
	ctx := context.Background()
	_, p, _ := s.picker(t)
	b, err := p.Claim(ctx, "", "RTM1", "T1")
	if err != nil {
		t.Fatal(err)
	}
	task := b.Tasks[0]
	scan := picking.Pick{Task: task.ID, Bin: task.Bin, Item: task.SKU, Qty: 1}

	g := gate(t, s.owner, `SELECT 1 FROM orders WHERE id = $1 FOR UPDATE`, ids[0])
	type answer struct {
		st  picking.TaskState
		err error
	}
	run := func() <-chan answer {
		ch := make(chan answer, 1)
		go func() {
			st, err := p.Confirm(ctx, "scan-0001", scan)
			ch <- answer{st, err}
		}()
		return ch
	}
	first := run()
	dbtestWait(t, s, 1) // the first, at the order row
	second := run()
	dbtestWait(t, s, 2) // the second, at the order line
	if err := g.Rollback(); err != nil {
		t.Fatal(err)
	}
	a, c := <-first, <-second
	if a.err != nil || c.err != nil {
		t.Fatalf("first: %v, second: %v", a.err, c.err)
	}
	if a.st.Picked != 1 || c.st.Picked != 1 || c.st.Status != a.st.Status {
		t.Errorf("first %+v, second %+v: want the same answer, 1 picked", a.st, c.st)
	}
	var moves, scans, picked int
	mustGet(t, s.owner, &moves, `SELECT count(*) FROM stock_movements WHERE kind = 'pick'`)
	mustGet(t, s.owner, &scans, `SELECT count(*) FROM pick_scans`)
	mustGet(t, s.owner, &picked, `SELECT qty_picked FROM order_lines WHERE order_id = $1`, ids[0])
	if moves != 1 || scans != 1 || picked != 1 {
		t.Errorf("%d pick movements, %d scans, line picked %d; want 1 each", moves, scans, picked)
	}
	checkClean(t, s.owner)
}

// A scan's key used before for another command, or for another pick, is refused as
// db.ErrKeyReused and applies nothing.
func TestAConfirmKeyUsedForSomethingElseIsRefused(t *testing.T) {
	t.Parallel()
	s := newShop(t, map[string]map[string]int{"A-01": {"TEE-1": 10}})
	s.orders(t, map[string]int64{"TEE-1": 2})
	s.release(t, "release-0001", 0)
	ctx := context.Background()
	_, p, _ := s.picker(t)
	b, err := p.Claim(ctx, "", "RTM1", "T1")
	if err != nil {
		t.Fatal(err)
	}
	task := b.Tasks[0]
	if _, err := p.Confirm(ctx, "release-0001", picking.Pick{Task: task.ID, Bin: task.Bin, Item: task.SKU, Qty: 1}); !errors.Is(err, db.ErrKeyReused) {
		t.Errorf("a release's key: %v, want db.ErrKeyReused", err)
	}
	if _, err := p.Confirm(ctx, "scan-0001", picking.Pick{Task: task.ID, Bin: task.Bin, Item: task.SKU, Qty: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Confirm(ctx, "scan-0001", picking.Pick{Task: task.ID, Bin: task.Bin, Item: task.SKU, Qty: 2}); !errors.Is(err, db.ErrKeyReused) {
		t.Errorf("a key used for another pick: %v, want db.ErrKeyReused", err)
	}
	var moves int
	mustGet(t, s.owner, &moves, `SELECT count(*) FROM stock_movements WHERE kind = 'pick'`)
	if moves != 1 {
		t.Errorf("%d pick movements, want 1", moves)
	}
	checkClean(t, s.owner)
}
