package orders_test

import (
	"context"
	"strings"
	"testing"

	"oms/db"
	"oms/db/dbtest"
	"oms/db/orders"
	"oms/model"
)

// checkClean runs oms check's audit and fails on any violation.
func checkClean(t *testing.T, owner *db.DB) {
	t.Helper()
	rep, err := owner.Check(context.Background(), 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range rep.Violations {
		t.Errorf("oms check: %s", v.Message)
	}
}

// collectAtBerlin imports a click-and-collect order for BER-M with qty × TEE-1 and 1 × MUG-1
// when mug, and returns its id.
func collectAtBerlin(t *testing.T, owner *db.DB, clerk *orders.Store, ext string, qty int64, mug bool) int64 {
	t.Helper()
	lines := []model.IncomingLine{{SKU: "TEE-1", Qty: qty, AmountMinor: 1500 * qty}}
	if mug {
		lines = append(lines, model.IncomingLine{SKU: "MUG-1", Qty: 1, AmountMinor: 900})
	}
	cc := webOrder(ext, lines...)
	cc.Store = "BER-M"
	if res := importAll(t, clerk, "web-eu", false, orders.Incoming{Order: cc, Line: 1, Ref: ext}); res[0].Outcome != orders.OrderNew {
		t.Fatalf("importing %s: %+v", ext, res)
	}
	var id int64
	mustGet(t, owner, &id, `SELECT id FROM orders WHERE external_id = $1`, ext)
	return id
}

// A click-and-collect order with one unit reserved on the store's shelf and one not yet
// reserved is handed over by the store's clerk: both units leave the shelf through the counter
// to the customer, the order is collected, its history says so, a retry of the same key does
// nothing more, and oms check is clean.
func TestAHandOverTakesTheStoresStockAndCollectsTheOrder(t *testing.T) {
	owner, bo := intakeBusiness(t)
	ctx := context.Background()
	id := collectAtBerlin(t, owner, bo, "CC-10", 2, false)
	// One unit reserved on A-01 by allocation, as the allocator would.
	mustExec(t, owner, `
		WITH l AS (SELECT id, product_id FROM order_lines WHERE order_id = (SELECT id FROM orders WHERE external_id = 'CC-10')),
		     u AS (UPDATE order_lines SET qty_allocated = 1 WHERE id = (SELECT id FROM l))
		INSERT INTO reservations (order_line_id, location_id, product_id, qty)
		SELECT l.id, b.id, l.product_id, 1 FROM l, locations b WHERE b.code = 'A-01'`)

	_, clerkURL := dbtest.NewLogin(t, owner, dbtest.Staff{Jobs: []string{"store"}, Warehouse: "BER-M"})
	clerk := orders.New(dbtest.Open(t, clerkURL))
	m, ok, err := clerk.ExactMatch(ctx, "#CC-10")
	if err != nil || !ok || m.ID != id {
		t.Fatalf("the clerk's scan found %+v %v %v", m, ok, err)
	}
	c, err := clerk.Collection(ctx, id)
	if err != nil || c.Customer != "Zoë Ångström" || c.Store != "BER-M" || c.Units() != 2 {
		t.Fatalf("the counter shows %+v, %v", c, err)
	}
	said, err := clerk.HandOver(ctx, "handover-key-0001", id)
	if err != nil {
		t.Fatal(err)
	}
	if said != "handed over to Zoë Ångström at BER-M: 2 units of 1 line" {
		t.Errorf("the hand-over says %q", said)
	}
	again, err := clerk.HandOver(ctx, "handover-key-0001", id)
	if err != nil || again != said {
		t.Errorf("the same key again: %q, %v", again, err)
	}
	var got struct {
		Status  string `db:"status"`
		Shelf   int64  `db:"shelf"`
		Counter int64  `db:"counter"`
		Shipped int64  `db:"shipped"`
		Events  int    `db:"events"`
	}
	mustGet(t, owner, &got, `
		SELECT o.status,
		       (SELECT on_hand FROM stock_balances b JOIN locations l ON l.id = b.location_id WHERE l.code = 'A-01') AS shelf,
		       (SELECT coalesce(sum(on_hand), 0) FROM stock_balances b JOIN locations l ON l.id = b.location_id WHERE l.code = 'COUNTER') AS counter,
		       (SELECT sum(qty_shipped) FROM order_lines WHERE order_id = o.id) AS shipped,
		       (SELECT count(*) FROM events e WHERE e.order_id = o.id AND e.kind = 'order.handed_over') AS events
		  FROM orders o WHERE o.id = $1`, id)
	if got.Status != string(model.StatusCollected) || got.Shelf != 3 || got.Counter != 0 || got.Shipped != 2 || got.Events != 1 {
		t.Errorf("after the hand-over: %+v; want collected, 3 left on the shelf, none at the counter, 2 shipped, one event", got)
	}
	if _, err := clerk.HandOver(ctx, "handover-key-0002", id); err == nil || !strings.Contains(err.Error(), "nothing left to hand over (it is collected)") {
		t.Errorf("handing a collected order over again: %v", err)
	}
	checkClean(t, owner)
}

// A store without the units refuses, naming the SKU and the quantities, and nothing moves.
func TestAHandOverWithoutTheStockIsRefused(t *testing.T) {
	owner, bo := intakeBusiness(t)
	ctx := context.Background()
	tooMany := collectAtBerlin(t, owner, bo, "CC-11", 6, false)
	noMug := collectAtBerlin(t, owner, bo, "CC-12", 1, true)
	clerk := orders.New(dbtest.LoginAs(t, owner, "supervisor"))
	for _, c := range []struct {
		id   int64
		says string
	}{
		{tooMany, "store BER-M has only 5 × TEE-1 free to hand over, order"},
		{noMug, "store BER-M has only 0 × MUG-1 free to hand over"},
	} {
		_, err := clerk.HandOver(ctx, "", c.id)
		if err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("handing over order %d: %v, want %q", c.id, err, c.says)
		}
	}
	var moved int
	mustGet(t, owner, &moved, `SELECT count(*) FROM stock_movements WHERE kind <> 'receipt'`)
	if moved != 0 {
		t.Errorf("refused hand-overs moved stock %d times", moved)
	}
	checkClean(t, owner)
}

// A clerk of another store neither sees the order nor hands it over; a back-office clerk
// without the store job may not call the hand-over at all.
func TestAnotherStoresClerkCannotHandItOver(t *testing.T) {
	owner, bo := intakeBusiness(t)
	ctx := context.Background()
	id := collectAtBerlin(t, owner, bo, "CC-13", 1, false)
	mustExec(t, owner, `INSERT INTO warehouses (code, name, kind, country, time_zone, currency)
		VALUES ('HAM-1', 'Hamburg store', 'store', 'DE', 'Europe/Berlin', 'EUR')`)
	_, otherURL := dbtest.NewLogin(t, owner, dbtest.Staff{Jobs: []string{"store"}, Warehouse: "HAM-1"})
	other := orders.New(dbtest.Open(t, otherURL))
	if _, ok, err := other.ExactMatch(ctx, "CC-13"); ok || err != nil {
		t.Errorf("Hamburg's clerk found Berlin's order (%v)", err)
	}
	if _, err := other.Collection(ctx, id); err == nil {
		t.Error("Hamburg's clerk read Berlin's order")
	}
	if _, err := other.HandOver(ctx, "", id); err == nil || !strings.Contains(err.Error(), "is collected at BER-M, not at your store") {
		t.Errorf("Hamburg's clerk handing over Berlin's order: %v", err)
	}
	if _, err := bo.HandOver(ctx, "", id); err == nil || !strings.Contains(err.Error(), "permission denied for function oms_hand_over") {
		t.Errorf("a back-office clerk handing over: %v", err)
	}
	var status string
	mustGet(t, owner, &status, `SELECT status FROM orders WHERE id = $1`, id)
	if status != string(model.StatusPending) {
		t.Errorf("the order is %s", status)
	}
}
