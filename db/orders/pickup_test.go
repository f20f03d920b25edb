package orders_test

import (
	"context"
	"testing"

	"oms/db/orders"
	"oms/model"
)

// A click-and-collect order (imported with a store to collect it from) goes through the
// warehouse's stages like any other, through the ledger: reserved on the store's shelf, picked
// to the counter, packed there — then it waits for its customer (ready for pickup, still in
// the open queue), and once every unit has left with the customer it is collected (done). A
// return after collection reads as any order's. The queue's counts, its open filter and its
// status filters follow every step, and `oms check` agrees with each.
func TestAClickAndCollectOrderIsReadyForPickupThenCollected(t *testing.T) {
	owner, clerk := intakeBusiness(t)
	ctx := context.Background()
	cc := webOrder("CC-1", model.IncomingLine{SKU: "TEE-1", Qty: 2, AmountMinor: 3000})
	cc.Store = "BER-M"
	if res := importAll(t, clerk, "web-eu", false, orders.Incoming{Order: cc, Line: 1, Ref: "CC-1"}); res[0].Outcome != orders.OrderNew {
		t.Fatalf("importing a click-and-collect order: %+v", res)
	}
	var id int64
	mustGet(t, owner, &id, `SELECT id FROM orders WHERE external_id = 'CC-1' AND pickup_warehouse_id IS NOT NULL AND NOT store_sale`)
	mustExec(t, owner,
		`INSERT INTO locations (warehouse_id, code, kind) SELECT id, 'COUNTER', 'packing' FROM warehouses WHERE code = 'BER-M'`)
	line := `(SELECT l.id FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.external_id = 'CC-1')`
	move := func(kind, from, to string) string {
		return `INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind, order_line_id)
			SELECT p.id, f.id, t.id, 1, '` + kind + `', ` + line + ` FROM products p, locations f, locations t
			 WHERE p.sku = 'TEE-1' AND ` + from + ` AND ` + to
	}
	const shelf, counter = `f.code = 'A-01'`, `t.code = 'COUNTER'`
	const fromCounter, customer = `f.code = 'COUNTER'`, `t.kind = 'customer' AND t.warehouse_id IS NULL`
	steps := []struct {
		name string
		stmt string
		want model.OrderStatus
	}{
		{"imported", `SELECT 1`, model.StatusPending},
		{"reserved on the store's shelf", `
			WITH u AS (UPDATE order_lines SET qty_allocated = 2 WHERE id = ` + line + `)
			INSERT INTO reservations (order_line_id, location_id, product_id, qty)
			SELECT ` + line + `, b.id, p.id, 2 FROM locations b, products p WHERE b.code = 'A-01' AND p.sku = 'TEE-1'`,
			model.StatusAllocated},
		{"one picked to the counter", move("pick", shelf, counter), model.StatusPicking},
		{"both picked", move("pick", shelf, counter), model.StatusPicked},
		{"one packed", `UPDATE order_lines SET qty_packed = 1 WHERE id = ` + line, model.StatusPicked},
		{"both packed at the counter", `UPDATE order_lines SET qty_packed = 2 WHERE id = ` + line, model.StatusReadyForPickup},
		{"one handed over", move("ship", fromCounter, customer), model.StatusPartiallyShipped},
		{"both handed over", move("ship", fromCounter, customer), model.StatusCollected},
		{"one brought back", `INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind, order_line_id)
			SELECT p.id, f.id, t.id, 1, 'return', ` + line + ` FROM products p, locations f, locations t
			 WHERE p.sku = 'TEE-1' AND f.kind = 'customer' AND f.warehouse_id IS NULL AND t.code = 'A-01'`,
			model.StatusPartiallyReturned},
	}
	store := orders.New(owner)
	for _, step := range steps {
		mustExec(t, owner, step.stmt)
		var status model.OrderStatus
		mustGet(t, owner, &status, `SELECT status FROM orders WHERE id = $1`, id)
		if status != step.want {
			t.Fatalf("%s: the order is %s, want %s", step.name, status, step.want)
		}
		var open bool
		mustGet(t, owner, &open, `SELECT oms_order_is_open(status) FROM orders WHERE id = $1`, id)
		if open != step.want.Open() {
			t.Errorf("%s: oms_order_is_open(%s) = %v", step.name, status, open)
		}
		counts, err := store.QueueCounts(ctx, orders.QueueFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if counts.Of(status) != 1 || counts.Total() != 1 {
			t.Errorf("%s: the queue counts %v, want one %s order", step.name, counts.ByStatus, status)
		}
		for _, f := range []orders.StatusFilter{orders.StatusOpen, orders.OnlyStatus(status)} {
			rows, err := store.QueuePage(ctx, orders.PageRequest{Filter: orders.QueueFilter{Status: f}, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			if want := f != orders.StatusOpen || status.Open(); (len(rows) == 1) != want {
				t.Errorf("%s: filter %q lists %d orders, want the order listed: %v", step.name, f, len(rows), want)
			}
		}
		rep, err := owner.Check(ctx, 5)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK() {
			t.Errorf("%s: oms check: %+v", step.name, rep.Violations)
		}
	}
	d, err := store.OrderDetail(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if h := d.Header; h.Status != model.StatusPartiallyReturned || h.PickUpStore != "BER-M" || h.StoreSale {
		t.Errorf("the order's page shows %s, collected at %q, sold at the till %v", h.Status, h.PickUpStore, h.StoreSale)
	}
}

// Collecting instead of shipping is decided by the order, not by its lines: an order packed for
// shipping reads ready for pickup once a store is set to collect it from, and packed again when
// the store is taken off.
func TestSettingAStoreToCollectFromMovesAPackedOrder(t *testing.T) {
	owner, clerk := intakeBusiness(t)
	o := webOrder("CC-2", model.IncomingLine{SKU: "TEE-1", Qty: 1, AmountMinor: 1500})
	importAll(t, clerk, "web-eu", false, orders.Incoming{Order: o, Line: 1, Ref: "CC-2"})
	line := `(SELECT l.id FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.external_id = 'CC-2')`
	mustExec(t, owner,
		`INSERT INTO locations (warehouse_id, code, kind) SELECT id, 'COUNTER', 'packing' FROM warehouses WHERE code = 'BER-M'`, `
		WITH u AS (UPDATE order_lines SET qty_allocated = 1 WHERE id = `+line+`)
		INSERT INTO reservations (order_line_id, location_id, product_id, qty)
		SELECT `+line+`, b.id, p.id, 1 FROM locations b, products p WHERE b.code = 'A-01' AND p.sku = 'TEE-1'`, `
		INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind, order_line_id)
		SELECT p.id, f.id, t.id, 1, 'pick', `+line+` FROM products p, locations f, locations t
		 WHERE p.sku = 'TEE-1' AND f.code = 'A-01' AND t.code = 'COUNTER'`,
		`UPDATE order_lines SET qty_packed = 1 WHERE id = `+line)
	for _, c := range []struct {
		set  string
		want model.OrderStatus
	}{
		{"NULL", model.StatusPacked},
		{"(SELECT id FROM warehouses WHERE code = 'BER-M')", model.StatusReadyForPickup},
		{"NULL", model.StatusPacked},
	} {
		mustExec(t, owner, `UPDATE orders SET pickup_warehouse_id = `+c.set+` WHERE external_id = 'CC-2'`)
		var status model.OrderStatus
		mustGet(t, owner, &status, `SELECT status FROM orders WHERE external_id = 'CC-2'`)
		if status != c.want {
			t.Errorf("pickup_warehouse_id = %s: the order is %s, want %s", c.set, status, c.want)
		}
	}
}
