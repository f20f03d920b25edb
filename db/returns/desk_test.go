package returns_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"oms/db"
	"oms/db/alloc"
	"oms/db/dbtest"
	"oms/db/floortest"
	"oms/db/orders"
	"oms/db/picking"
	"oms/db/returns"
	"oms/db/shipping"
	"oms/model"
)

// ───────────────────────────── helpers of these tests ─────────────────────────────

// importOrders imports orders of the web shop to Rotterdam as the back office, one for each map
// of SKU → units (10.00 a unit), known to the channel as prefix-1, prefix-2, …, and returns their
// ids in that order. Nothing is allocated.
func importOrders(t testing.TB, f *floortest.Floor, prefix string, units ...map[string]int64) []int64 {
	t.Helper()
	return importCharged(t, f, prefix, 0, units...)
}

// importCharged is importOrders with shipping charged on each order.
func importCharged(t testing.TB, f *floortest.Floor, prefix string, shippingMinor int64, units ...map[string]int64) []int64 {
	t.Helper()
	ctx := context.Background()
	st := orders.New(f.Clerk)
	ch, err := st.ChannelByCode(ctx, "web-eu")
	if err != nil {
		t.Fatal(err)
	}
	run, err := st.StartImport(ctx, ch, "json", prefix, strings.Repeat("0", 64))
	if err != nil {
		t.Fatal(err)
	}
	var in []orders.Incoming
	for i, u := range units {
		ext := fmt.Sprintf("%s-%d", prefix, i+1)
		o := model.IncomingOrder{ExternalID: ext, DisplayID: "#" + ext, Currency: "EUR",
			OrderedAt: f.Day.Add(-time.Duration(24*60-i) * time.Minute), PromisedAt: f.Promise,
			Customer: model.IncomingCustomer{Name: floortest.Rotterdam.Name}, ShipTo: floortest.Rotterdam}
		for _, sku := range []string{"TEE-1", "MUG-1"} {
			if q := u[sku]; q > 0 {
				o.Lines = append(o.Lines, model.IncomingLine{ExternalLineID: sku, SKU: sku, Qty: q, AmountMinor: 1000 * q})
				o.SubtotalMinor += 1000 * q
			}
		}
		o.ShippingMinor = shippingMinor
		o.TotalMinor = o.SubtotalMinor + shippingMinor
		in = append(in, orders.Incoming{Order: o, Line: i + 1, Ref: ext})
	}
	if _, err := st.ImportBatch(ctx, run, in); err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, len(units))
	for i := range units {
		if err := f.Clerk.Get(&ids[i], `SELECT id FROM orders WHERE external_id = $1`, fmt.Sprintf("%s-%d", prefix, i+1)); err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

// newPicker is a fresh picker's commands and connection.
func newPicker(t testing.TB, f *floortest.Floor) (*picking.Store, *db.DB) {
	t.Helper()
	_, u := dbtest.NewLogin(t, f.Owner, dbtest.Staff{Jobs: []string{"picker"}})
	d := dbtest.Open(t, u)
	return picking.New(d), d
}

// released allocates and releases one order (a batch of its own) and has pk claim it into tote.
func released(t testing.TB, f *floortest.Floor, pk *picking.Store, id int64, tote string) picking.Batch {
	t.Helper()
	ctx := context.Background()
	if rs, err := alloc.New(f.Clerk).AllocateMany(ctx, []int64{id}, false); err != nil || len(rs) != 1 || rs[0].Outcome != alloc.Allocated {
		t.Fatalf("allocating order %d: %+v, %v", id, rs, err)
	}
	if _, err := picking.New(f.Clerk).Release(ctx, "", picking.ReleaseOptions{Warehouse: "RTM1", MaxOrders: 1}); err != nil {
		t.Fatal(err)
	}
	b, err := pk.Claim(ctx, "", "RTM1", tote)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// partlyShipped imports n orders of units (shipping charged on each), allocates and releases
// them, has a picker pick each but short every unit of the SKU short (its bin is "empty": the
// order waits for it; "" shorts nothing), and a packer ship what was picked. It returns the
// orders' ids.
func partlyShipped(t testing.TB, f *floortest.Floor, prefix string, shippingMinor int64, units map[string]int64, short string, n int) []int64 {
	t.Helper()
	ctx := context.Background()
	all := make([]map[string]int64, n)
	for i := range all {
		all[i] = units
	}
	ids := importCharged(t, f, prefix, shippingMinor, all...)
	if rs, err := alloc.New(f.Clerk).AllocateMany(ctx, ids, false); err != nil || len(rs) != n {
		t.Fatalf("allocating: %+v, %v", rs, err)
	}
	if _, err := picking.New(f.Clerk).Release(ctx, "", picking.ReleaseOptions{Warehouse: "RTM1", MaxOrders: 1}); err != nil {
		t.Fatal(err)
	}
	pk, _ := newPicker(t, f)
	for i := range ids {
		b, err := pk.Claim(ctx, "", "RTM1", fmt.Sprintf("T-%s-%d", prefix, i))
		if err != nil {
			t.Fatal(err)
		}
		for _, task := range b.Tasks {
			if task.SKU == short {
				if _, err := pk.Short(ctx, "", task.ID, "SHORT_EMPTY"); err != nil {
					t.Fatal(err)
				}
				continue
			}
			if _, err := pk.Confirm(ctx, "", picking.Pick{Task: task.ID, Bin: task.Bin, Item: task.SKU, Qty: task.Qty}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := pk.Claim(ctx, "", "RTM1", ""); err != picking.ErrNoWork {
		t.Fatalf("claiming after the batches: %v", err)
	}
	pack, _ := f.Packer(t, "Parcel Packer "+prefix)
	for _, id := range ids {
		p, err := pack.Open(ctx, "", id, "P1")
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range p.Lines {
			if n := l.ToVerify(); n > 0 {
				if _, err := pack.Verify(ctx, "", p.Shipment, l.SKU, n, f.Day); err != nil {
					t.Fatalf("verifying %s: %v", l.SKU, err)
				}
			}
		}
		if _, err := pack.CloseParcel(ctx, "", shipping.ParcelRequest{Shipment: p.Shipment, Box: "L", WeightG: 1000, Confirmed: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := pack.Ship(ctx, "", shipping.ShipRequest{Shipment: p.Shipment, Carrier: "test-post", Service: "parcel", Day: f.Day}); err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

// lineOf is the id of order's line of sku.
func lineOf(t testing.TB, d *db.DB, order int64, sku string) int64 {
	t.Helper()
	var id int64
	mustGet(t, d, &id, `SELECT l.id FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = $1 AND p.sku = $2`, order, sku)
	return id
}

// openRMA opens an RMA as st for units (SKU → units) of an order, for a wrong size.
func openRMA(t testing.TB, st *returns.Store, key string, order int64, wish model.RMAWish, crossShip bool, units map[string]int64) returns.RMA {
	t.Helper()
	ctx := context.Background()
	o, err := st.Order(ctx, order)
	if err != nil {
		t.Fatal(err)
	}
	req := returns.OpenRequest{Order: order, Wish: wish, CrossShip: crossShip}
	for _, l := range o.Lines {
		if q := units[l.SKU]; q > 0 {
			req.Lines = append(req.Lines, returns.OpenLine{Line: l.ID, Qty: q, Reason: "RET_SIZE"})
		}
	}
	r, err := st.Open(ctx, key, req)
	if err != nil {
		t.Fatalf("opening an RMA of order %d for %v: %v", order, units, err)
	}
	return r
}

// mustTx runs a statement in a transaction the test holds open.
func mustTx(t testing.TB, tx *sqlx.Tx, q string, args ...any) {
	t.Helper()
	if _, err := tx.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// wantErr fails unless err says want.
func wantErr(t testing.TB, err error, want string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("got %v; want an error saying %q", err, want)
	}
}

// balanceMatchesLedger fails unless the balance of sku in RTM1's bin is what the ledger moved
// in and out of it, and its reservations are what the balance says is reserved.
func balanceMatchesLedger(t testing.TB, owner *db.DB, sku, bin string) (onHand, reserved int64) {
	t.Helper()
	var b struct {
		OnHand    int64 `db:"on_hand"`
		Reserved  int64 `db:"reserved"`
		Ledger    int64 `db:"ledger"`
		Reserving int64 `db:"reserving"`
	}
	mustGet(t, owner, &b, `
		SELECT coalesce(sum(b.on_hand), 0) AS on_hand, coalesce(sum(b.reserved), 0) AS reserved,
		       (SELECT coalesce(sum(CASE WHEN m.to_location_id = l.id THEN m.qty ELSE -m.qty END), 0)
		          FROM stock_movements m WHERE m.product_id = p.id AND l.id IN (m.to_location_id, m.from_location_id)) AS ledger,
		       (SELECT coalesce(sum(r.qty), 0) FROM reservations r WHERE r.product_id = p.id AND r.location_id = l.id) AS reserving
		  FROM products p JOIN warehouses w ON w.code = 'RTM1' JOIN locations l ON l.warehouse_id = w.id AND l.code = $2
		  LEFT JOIN stock_balances b ON b.product_id = p.id AND b.location_id = l.id
		 WHERE p.sku = $1 GROUP BY p.id, l.id`, sku, bin)
	if b.OnHand != b.Ledger || b.Reserved != b.Reserving {
		t.Errorf("%s in %s: %d on hand and %d reserved; the ledger says %d and the reservations %d",
			sku, bin, b.OnHand, b.Reserved, b.Ledger, b.Reserving)
	}
	return b.OnHand, b.Reserved
}

// ───────────────────────────── single flows ─────────────────────────────

// What nobody expected goes on the unexpected list, outside stock, until someone decides: a
// second tee where the RMA asked one back (added to the RMA: received onto it), a mug of the
// order the RMA did not name (kept: found stock, into quarantine), something oms does not know
// (refused at the scan, put aside by hand; scrapped, it cannot be kept), and a parcel without an
// RMA. Each is decided once.
func TestUnexpectedItems(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	ctx := context.Background()
	id, number := d.Shipped(t, "T1", map[string]int64{"TEE-1": 2, "MUG-1": 1})
	r := openRMA(t, d.clerk, "rma-open-1", id, model.WishRefund, false, map[string]int64{"TEE-1": 1})

	got, err := d.clerk.Receive(ctx, "receive-tees", r.ID, "TEE-1", 2, "")
	if err != nil || got.Received != 1 || got.Unexpected != 1 || got.UnexpectedID == 0 {
		t.Fatalf("two tees where one was asked: %+v, %v", got, err)
	}
	extraTee := got.UnexpectedID
	got, err = d.clerk.Receive(ctx, "receive-mug", r.ID, "4006381333931", 1, "") // the mug's GTIN
	if err != nil || got.Received != 0 || got.Unexpected != 1 || got.SKU != "MUG-1" {
		t.Fatalf("a mug the RMA does not name: %+v, %v", got, err)
	}
	mug := got.UnexpectedID
	// A scan oms does not know is refused rather than put aside: it is put aside by hand, with a note.
	_, err = d.clerk.Receive(ctx, "receive-banana", r.ID, "BANANA", 1, "")
	wantErr(t, err, `"BANANA" is not a product oms knows`)
	banana, err := d.clerk.RecordUnexpected(ctx, "put-aside-banana", "RTM1", "BANANA", 1, "yellow, curved")
	if err != nil {
		t.Fatal(err)
	}
	stray, err := d.clerk.RecordUnexpected(ctx, "stray-parcel", "RTM1", "TEE-1", 1, "no paperwork")
	if err != nil {
		t.Fatal(err)
	}

	list, err := d.clerk.OpenUnexpected(ctx, "RTM1")
	if err != nil || len(list) != 4 {
		t.Fatalf("the unexpected list: %+v, %v", list, err)
	}
	notes := map[int64]string{}
	for _, u := range list {
		notes[u.ID] = u.Note
		if withRMA := u.ID == extraTee || u.ID == mug; withRMA != (u.RMA == r.Number && u.Order == number) {
			t.Errorf("unexpected item %+v: want it to name %s of %s only when it came with it", u, r.Number, number)
		}
	}
	for id, want := range map[int64]string{extraTee: "more TEE-1 than " + r.Number + " asked back",
		mug: "MUG-1 is not on " + r.Number, banana: "yellow, curved", stray: "no paperwork"} {
		if notes[id] != want {
			t.Errorf("unexpected item %d says %q; want %q", id, notes[id], want)
		}
	}
	if c, err := d.clerk.Count(ctx, "RTM1"); err != nil || c.Unexpected != 4 {
		t.Errorf("the queue counts %+v, %v; want 4 unexpected", c, err)
	}
	var quarantineBefore int64
	mustGet(t, d.Owner, &quarantineBefore, `SELECT count(*) FROM stock_balances b JOIN locations l ON l.id = b.location_id WHERE l.code = 'QUARANTINE' AND b.on_hand > 0`)
	if quarantineBefore != 0 {
		t.Fatalf("quarantine holds stock before anything was kept")
	}

	if err := d.clerk.Decide(ctx, "decide-tee", extraTee, "added_to_rma"); err != nil {
		t.Fatal(err)
	}
	if r, _ = d.clerk.RMA(ctx, r.ID); len(r.Lines) != 1 || r.Lines[0].Requested != 2 || r.Lines[0].Received != 2 || r.Status != model.RMAReceived {
		t.Errorf("after adding the tee: %s %+v; want 2 tees asked back and received", r.Status, r.Lines)
	}
	if err := d.clerk.Decide(ctx, "decide-tee-again", extraTee, "scrapped"); err == nil ||
		!strings.Contains(err.Error(), "was decided already (added to rma, by ") {
		t.Fatalf("deciding twice: %v", err)
	}
	if err := d.clerk.Decide(ctx, "decide-mug", mug, "kept"); err != nil {
		t.Fatal(err)
	}
	var kept struct {
		Kind string `db:"kind"`
		To   string `db:"code"`
		Qty  int64  `db:"qty"`
		SKU  string `db:"sku"`
	}
	mustGet(t, d.Owner, &kept, `SELECT m.kind, l.code, m.qty, p.sku FROM rma_unexpected u JOIN stock_movements m ON m.id = u.movement_id
		JOIN locations l ON l.id = m.to_location_id JOIN products p ON p.id = m.product_id WHERE u.id = $1`, mug)
	if kept.To != "QUARANTINE" || kept.Qty != 1 || kept.SKU != "MUG-1" {
		t.Errorf("the kept mug moved %+v; want 1 × MUG-1 into QUARANTINE", kept)
	}
	if onHand, _ := balanceMatchesLedger(t, d.Owner, "MUG-1", "QUARANTINE"); onHand != 1 {
		t.Errorf("quarantine holds %d mugs; want the kept one", onHand)
	}
	wantErr(t, d.clerk.Decide(ctx, "decide-banana-kept", banana, "kept"), "only a known product can be kept")
	wantErr(t, d.clerk.Decide(ctx, "decide-stray-added", stray, "added_to_rma"), "only a known product that came with an RMA")
	wantErr(t, d.clerk.Decide(ctx, "decide-banana-eaten", banana, "eaten"), `not "eaten"`)
	if err := d.clerk.Decide(ctx, "decide-banana", banana, "scrapped"); err != nil {
		t.Fatal(err)
	}
	if err := d.clerk.Decide(ctx, "decide-stray", stray, "sent_back"); err != nil {
		t.Fatal(err)
	}
	if list, err := d.clerk.OpenUnexpected(ctx, ""); err != nil || len(list) != 0 {
		t.Errorf("still undecided: %+v, %v", list, err)
	}
	var returns int64
	mustGet(t, d.Owner, &returns, `SELECT coalesce(sum(qty), 0) FROM stock_movements WHERE kind = 'return'`)
	if returns != 2 {
		t.Errorf("%d units came back onto RMAs through the ledger; want the 2 tees", returns)
	}
	checkClean(t, d.Owner)
}

// An order shipped outside its channel's return window (the window is closed to 0 days): its
// RMA waits for a supervisor, the parcel cannot be received, a clerk cannot authorise it; a
// supervisor does, and then it is received.
func TestOutsideTheReturnWindowASupervisorAuthorises(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	ctx := context.Background()
	sup, _ := returnsClerk(t, d.Floor, "Sam Supervisor", "supervisor")
	id, _ := d.Shipped(t, "T1", map[string]int64{"TEE-1": 1})
	mustExec(t, d.Owner, `UPDATE channels SET return_days = 0 WHERE code = 'web-eu'`)
	r := openRMA(t, d.clerk, "rma-open-late", id, model.WishRefund, false, map[string]int64{"TEE-1": 1})
	if r.Status != model.RMARequested {
		t.Fatalf("an RMA outside the window is %s; want requested", r.Status)
	}
	if c, err := d.clerk.Count(ctx, ""); err != nil || c.Requested != 1 {
		t.Errorf("the queue counts %+v, %v; want 1 waiting for authorisation", c, err)
	}
	_, err := d.clerk.ReceiveParcel(ctx, "receive-too-soon", r.ID, r.Tracking)
	wantErr(t, err, r.Number+" waits for a supervisor's authorisation")
	_, err = d.clerk.Receive(ctx, "receive-unit-too-soon", r.ID, "TEE-1", 1, "")
	wantErr(t, err, "waits for a supervisor")
	wantErr(t, d.clerk.Authorize(ctx, "clerk-authorises", r.ID), "permission denied")
	if err := sup.Authorize(ctx, "sup-authorises", r.ID); err != nil {
		t.Fatal(err)
	}
	if r, _ = d.clerk.RMA(ctx, r.ID); r.Status != model.RMAAuthorized {
		t.Fatalf("after the supervisor: %s; want authorized", r.Status)
	}
	var by string
	mustGet(t, d.Owner, &by, `SELECT authorized_by FROM rmas WHERE id = $1`, r.ID)
	if !strings.HasPrefix(by, "t") {
		t.Errorf("authorised by %q; want the supervisor's login", by)
	}
	if got, err := d.clerk.ReceiveParcel(ctx, "receive-after", r.ID, r.Tracking); err != nil || got.Received != 1 {
		t.Fatalf("receiving after the authorisation: %+v, %v", got, err)
	}
	checkClean(t, d.Owner)
}

// An exchange that cross-ships: the replacement order is made at once, at no charge, known to
// the channel by the RMA's number; it wakes the allocator for its product, and the back office's
// allocator (as `oms allocate --follow` runs it) allocates it. An exchange that does not
// cross-ship waits for its units. Neither pays money back.
func TestACrossShippedExchangeIsAllocated(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	ctx := context.Background()
	id, number := d.Shipped(t, "T1", map[string]int64{"TEE-1": 2, "MUG-1": 1})
	later := openRMA(t, d.clerk, "rma-open-later", id, model.WishExchange, false, map[string]int64{"MUG-1": 1})
	_, err := d.clerk.Exchange(ctx, "exchange-too-soon", later.ID)
	wantErr(t, err, "ships when the return is back")
	_, err = d.clerk.Open(ctx, "rma-cross-refund", returns.OpenRequest{Order: id, Wish: model.WishRefund, CrossShip: true,
		Lines: []returns.OpenLine{{Line: lineOf(t, d.Owner, id, "TEE-1"), Qty: 1, Reason: "RET_SIZE"}}})
	wantErr(t, err, "only an exchange can cross-ship")

	r := openRMA(t, d.clerk, "rma-open-cross", id, model.WishExchange, true, map[string]int64{"TEE-1": 2})
	if !r.CrossShip || r.Refund != model.RefundNone {
		t.Fatalf("opened %+v", r)
	}
	mustExec(t, d.Owner, `DELETE FROM allocation_wakeups`)
	replacement, err := d.clerk.Exchange(ctx, "exchange-cross", r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if again, err := d.clerk.Exchange(ctx, "exchange-cross-again", r.ID); err != nil || again != replacement {
		t.Fatalf("the exchange again: %q, %v; want %s", again, err, replacement)
	}
	var o struct {
		ID       int64  `db:"id"`
		External string `db:"external_id"`
		Total    int64  `db:"total_minor"`
		Customer string `db:"customer_name"`
		Notes    string `db:"notes"`
		Status   string `db:"status"`
		Lines    int64  `db:"lines"`
		Tees     int64  `db:"tees"`
		Priced   int64  `db:"priced"`
	}
	mustGet(t, d.Owner, &o, `
		SELECT o.id, o.external_id, o.total_minor, o.customer_name, o.notes, o.status,
		       (SELECT count(*) FROM order_lines WHERE order_id = o.id) AS lines,
		       (SELECT coalesce(sum(l.qty_ordered), 0) FROM order_lines l JOIN products p ON p.id = l.product_id
		         WHERE l.order_id = o.id AND p.sku = 'TEE-1') AS tees,
		       (SELECT count(*) FROM order_lines WHERE order_id = o.id AND (unit_price_minor <> 0 OR amount_minor <> 0)) AS priced
		  FROM orders o WHERE o.number = $1`, replacement)
	if o.External != r.Number || o.Total != 0 || o.Lines != 1 || o.Tees != 2 || o.Priced != 0 ||
		o.Customer != floortest.Rotterdam.Name || !strings.Contains(o.Notes, number) || o.Status != "pending" {
		t.Fatalf("the replacement order %s: %+v", replacement, o)
	}
	if r, _ = d.clerk.RMA(ctx, r.ID); r.Exchange != replacement {
		t.Errorf("the RMA names the replacement %q; want %s", r.Exchange, replacement)
	}

	a := alloc.New(d.Clerk)
	products, err := a.TakeWakeups(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	var tee int64
	mustGet(t, d.Owner, &tee, `SELECT id FROM products WHERE sku = 'TEE-1'`)
	if len(products) != 1 || products[0] != tee {
		t.Fatalf("the wake-ups name products %v; want TEE-1 (%d)", products, tee)
	}
	waiting, err := a.Waiting(ctx, alloc.Filter{Products: products})
	if err != nil || len(waiting) != 1 || waiting[0] != o.ID {
		t.Fatalf("waiting for TEE-1: %v, %v; want the replacement %d", waiting, err, o.ID)
	}
	rs, err := a.AllocateMany(ctx, waiting, false)
	if err != nil || len(rs) != 1 || rs[0].Outcome != alloc.Allocated || rs[0].Reserved != 2 {
		t.Fatalf("allocating the replacement: %+v, %v", rs, err)
	}
	mustGet(t, d.Owner, &o.Status, `SELECT status FROM orders WHERE id = $1`, o.ID)
	if o.Status != string(model.StatusAllocated) {
		t.Errorf("the replacement is %s; want allocated", o.Status)
	}
	if _, err := d.clerk.Quote(ctx, r.ID); err == nil || !strings.Contains(err.Error(), "is an exchange") {
		t.Errorf("quoting an exchange: %v", err)
	}
	checkClean(t, d.Owner)
}

// A lot-tracked mug comes back from a lot that has since expired: it goes back in its lot, and
// cannot be restocked; it is quarantined instead.
func TestAnExpiredLotIsNotRestocked(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	ctx := context.Background()
	for _, s := range []string{
		// The untracked mugs leave A-02; the mug becomes lot-tracked and 5 of lot L1 arrive.
		`INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind, reason_code)
		 SELECT p.id, b.id, a.id, 40, 'adjustment', 'ADJ_DAMAGED' FROM products p, locations b, locations a, warehouses w
		  WHERE p.sku = 'MUG-1' AND b.code = 'A-02' AND b.warehouse_id = w.id AND w.code = 'RTM1' AND a.kind = 'adjustment'`,
		`UPDATE products SET lot_tracked = true, expiry_tracked = true WHERE sku = 'MUG-1'`,
		`INSERT INTO lots (product_id, lot_code, expires_on) SELECT id, 'L1', current_date + 10 FROM products WHERE sku = 'MUG-1'`,
		`INSERT INTO stock_movements (product_id, lot_id, from_location_id, to_location_id, qty, kind)
		 SELECT p.id, l.id, s.id, b.id, 5, 'receipt' FROM products p JOIN lots l ON l.product_id = p.id, locations s, locations b, warehouses w
		  WHERE p.sku = 'MUG-1' AND s.kind = 'supplier' AND b.code = 'A-02' AND b.warehouse_id = w.id AND w.code = 'RTM1'`,
		// floortest's picker does not scan lots: RTM1 only warns.
		`UPDATE warehouses SET verify_lot = 'warn' WHERE code = 'RTM1'`,
	} {
		mustExec(t, d.Owner, s)
	}
	id, _ := d.Shipped(t, "T1", map[string]int64{"MUG-1": 2})
	r := openRMA(t, d.clerk, "rma-open-lot", id, model.WishRefund, false, map[string]int64{"MUG-1": 2})
	if _, err := d.clerk.Receive(ctx, "receive-lot-9", r.ID, "MUG-1", 1, "L9"); err == nil || !strings.Contains(err.Error(), "lot L9 of MUG-1 did not go out on "+r.Number) {
		t.Fatalf("a lot that never went out: %v", err)
	}
	if got, err := d.clerk.ReceiveParcel(ctx, "receive-lot", r.ID, r.Tracking); err != nil || got.Received != 2 {
		t.Fatalf("receiving: %+v, %v", got, err)
	}
	var lot string
	mustGet(t, d.Owner, &lot, `SELECT coalesce(string_agg(DISTINCT l.lot_code, ','), '') FROM stock_movements m LEFT JOIN lots l ON l.id = m.lot_id
		WHERE m.kind = 'return' AND m.rma_line_id = $1`, r.Lines[0].ID)
	if lot != "L1" {
		t.Fatalf("the mugs came back in lot %q; want L1", lot)
	}
	// Fresh, a unit goes back to stock.
	if _, err := d.clerk.Inspect(ctx, "inspect-fresh", returns.Grading{Line: r.Lines[0].ID, Qty: 1, Grade: "A", Disposition: "restock", Bin: "A-02"}); err != nil {
		t.Fatal(err)
	}
	mustExec(t, d.Owner, `UPDATE lots SET expires_on = current_date - 1 WHERE lot_code = 'L1'`)
	_, err := d.clerk.Inspect(ctx, "inspect-expired", returns.Grading{Line: r.Lines[0].ID, Qty: 1, Grade: "A", Disposition: "restock", Bin: "A-02"})
	wantErr(t, err, "lot L1 of MUG-1 expired on")
	g, err := d.clerk.Inspect(ctx, "inspect-quarantine", returns.Grading{Line: r.Lines[0].ID, Qty: 1, Grade: "A", Disposition: "quarantine"})
	if err != nil || g.Status != "inspected" {
		t.Fatalf("quarantining the expired mug: %+v, %v", g, err)
	}
	var inQuarantine int64
	mustGet(t, d.Owner, &inQuarantine, `SELECT coalesce(sum(b.on_hand), 0) FROM stock_balances b JOIN locations l ON l.id = b.location_id
		JOIN lots t ON t.id = b.lot_id WHERE l.code = 'QUARANTINE' AND t.lot_code = 'L1'`)
	if inQuarantine != 1 {
		t.Errorf("quarantine holds %d mugs of L1; want 1", inQuarantine)
	}
	checkClean(t, d.Owner)
}

// A refund pays the computed amount unless a supervisor changes it: a clerk cannot; a
// supervisor may pay up to 10% (the company's raise) more, not beyond.
func TestASupervisorAdjustsARefund(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	ctx := context.Background()
	sup, _ := returnsClerk(t, d.Floor, "Sam Supervisor", "supervisor")
	id, _ := d.Shipped(t, "T1", map[string]int64{"TEE-1": 3})
	r := openRMA(t, d.clerk, "rma-open-adjust", id, model.WishRefund, false, map[string]int64{"TEE-1": 2})
	if _, err := d.clerk.ReceiveParcel(ctx, "receive-adjust", r.ID, r.Tracking); err != nil {
		t.Fatal(err)
	}
	if _, err := d.clerk.Inspect(ctx, "inspect-adjust", returns.Grading{Line: r.Lines[0].ID, Qty: 2, Grade: "B", Disposition: "restock", Bin: "A-01"}); err != nil {
		t.Fatal(err)
	}
	q, err := d.clerk.Quote(ctx, r.ID)
	if err != nil || q.TotalMinor != 2000 {
		t.Fatalf("quote %+v, %v; want 20.00", q.RefundQuote, err)
	}
	_, err = d.clerk.Refund(ctx, "refund-clerk-less", returns.RefundRequest{RMA: r.ID, Amount: 1900, Method: "original_payment"})
	wantErr(t, err, "only a supervisor may pay 19.00 EUR instead of the computed 20.00 EUR")
	_, err = sup.Refund(ctx, "refund-sup-too-much", returns.RefundRequest{RMA: r.ID, Amount: 2201, Method: "original_payment"})
	wantErr(t, err, "is more than the 22.00 EUR a supervisor may give")
	var refunds int
	mustGet(t, d.Owner, &refunds, `SELECT count(*) FROM refunds`)
	if refunds != 0 {
		t.Fatalf("%d refunds after two refused ones", refunds)
	}

	paid, err := sup.Refund(ctx, "refund-sup-raised", returns.RefundRequest{RMA: r.ID, Amount: 2200, Method: "original_payment", Note: "goodwill"})
	if err != nil || paid.Amount != 2200 || paid.Computed != 2000 || len(paid.CreditNotes) != 1 {
		t.Fatalf("the supervisor's refund of 22.00: %+v, %v", paid, err)
	}
	if r, _ = d.clerk.RMA(ctx, r.ID); len(r.Refunds) != 1 || r.Refunds[0].Amount != 2200 || r.Refunds[0].Computed != 2000 || r.Status != model.RMAClosed {
		t.Errorf("after the refund: %s %+v", r.Status, r.Refunds)
	}
	checkClean(t, d.Owner)
}
