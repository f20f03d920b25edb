package returns_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"oms/db/dbtest"
	"oms/db/orders"
	"oms/db/picking"
	"oms/db/returns"
	"oms/model"
)

// Stepped interleavings of the returns desk with itself and with the floor, in the manner of
// db/picking and db/alloc: one session is held at a chosen point (a transaction left open after
// the returns function it ran, or a gate — a third session holding a row the command needs
// next), the other command is started, the test waits until PostgreSQL shows it waiting for a
// lock (dbtest.WaitForLockWaits: pg_stat_activity, never a sleep), then lets the first go on.

// Two clerks receive the same parcel at once: Ann's receipt is held open while Bob scans the
// same label. Bob waits for her; when she commits he is told she received it, and every line
// has its units once, by one return movement. Had she rolled back (the second RMA), Bob
// receives it all himself.
func TestTwoClerksReceiveTheSameParcel(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	ctx := context.Background()
	_, annDB := returnsClerk(t, d.Floor, "Ann Returns")
	bob, _ := returnsClerk(t, d.Floor, "Bob Returns")
	id, _ := d.Shipped(t, "T1", map[string]int64{"TEE-1": 2, "MUG-1": 1})
	first := openRMA(t, d.clerk, "open-first", id, model.WishRefund, false, map[string]int64{"TEE-1": 1, "MUG-1": 1})
	second := openRMA(t, d.clerk, "open-second", id, model.WishRefund, false, map[string]int64{"TEE-1": 1})

	for _, c := range []struct {
		r        returns.RMA
		commit   bool
		bobGets  int64
		bobError string
	}{
		{first, true, 0, first.Number + " was received already by Ann Returns"},
		{second, false, 1, ""},
	} {
		tx, err := annDB.BeginTxx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		var raw []byte
		if err := tx.Get(&raw, `SELECT oms_rma_receive_all($1, $2)`, c.r.ID, c.r.Tracking); err != nil {
			t.Fatal(err)
		}
		type answer struct {
			got returns.Received
			err error
		}
		done := make(chan answer, 1)
		go func() {
			got, err := bob.ReceiveParcel(ctx, "bob-"+c.r.Number, c.r.ID, c.r.Tracking)
			done <- answer{got, err}
		}()
		dbtest.WaitForLockWaits(t, d.Owner, 1) // Bob waits for Ann's RMA
		if c.commit {
			err = tx.Commit()
		} else {
			err = tx.Rollback()
		}
		if err != nil {
			t.Fatal(err)
		}
		a := <-done
		if c.bobError != "" {
			wantErr(t, a.err, c.bobError)
		} else if a.err != nil || a.got.Received != c.bobGets {
			t.Fatalf("Bob receiving %s after Ann rolled back: %+v, %v", c.r.Number, a.got, a.err)
		}
	}

	type line struct {
		RMA       string `db:"number"`
		Requested int64  `db:"qty_requested"`
		Received  int64  `db:"qty_received"`
		Movements int64  `db:"movements"`
		Units     int64  `db:"units"`
		By        string `db:"by"`
	}
	var lines []line
	if err := d.Owner.Select(&lines, `
		SELECT r.number, rl.qty_requested, rl.qty_received, count(m.id) AS movements, coalesce(sum(m.qty), 0) AS units,
		       coalesce(string_agg(DISTINCT s.name, ','), '') AS by
		  FROM rma_lines rl JOIN rmas r ON r.id = rl.rma_id
		  LEFT JOIN stock_movements m ON m.rma_line_id = rl.id AND m.kind = 'return' LEFT JOIN staff s ON s.login = m.actor
		 WHERE r.order_id = $1 GROUP BY r.number, rl.id ORDER BY rl.id`, id); err != nil {
		t.Fatal(err)
	}
	wantBy := map[string]string{first.Number: "Ann Returns", second.Number: "Bob Returns"}
	if len(lines) != 3 {
		t.Fatalf("RMA lines %+v", lines)
	}
	for _, l := range lines {
		if l.Received != l.Requested || l.Movements != 1 || l.Units != l.Requested || l.By != wantBy[l.RMA] {
			t.Errorf("%s line: %+v; want every requested unit received once, by %s", l.RMA, l, wantBy[l.RMA])
		}
	}
	for _, r := range []returns.RMA{first, second} {
		if got, _ := d.clerk.RMA(ctx, r.ID); got.Status != model.RMAReceived {
			t.Errorf("%s is %s; want received", r.Number, got.Status)
		}
	}
	balanceMatchesLedger(t, d.Owner, "TEE-1", "RETURNS")
	checkClean(t, d.Owner)
}

// Two clerks refund the same RMA at once. A gate holds the RMA (a third session has its row):
// Ann's refund reaches it holding the order's lines, Bob's waits behind her for the lines.
// When the gate opens Ann pays; Bob is refused, naming her. One refund, one credit note, and
// nothing paid beyond what the order cost.
func TestTwoClerksRefundTheSameRMA(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	ctx := context.Background()
	ann, _ := returnsClerk(t, d.Floor, "Ann Returns")
	bob, _ := returnsClerk(t, d.Floor, "Bob Returns")
	id, _ := d.Shipped(t, "T1", map[string]int64{"TEE-1": 2})
	r := openRMA(t, d.clerk, "", id, model.WishRefund, false, map[string]int64{"TEE-1": 2})
	if _, err := d.clerk.ReceiveParcel(ctx, "", r.ID, r.Tracking); err != nil {
		t.Fatal(err)
	}
	if _, err := d.clerk.Inspect(ctx, "", returns.Grading{Line: r.Lines[0].ID, Qty: 2, Grade: "A", Disposition: "restock", Bin: "A-01"}); err != nil {
		t.Fatal(err)
	}

	gate, err := d.Owner.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer gate.Rollback()
	mustTx(t, gate, `SELECT 1 FROM rmas WHERE id = $1 FOR UPDATE`, r.ID)
	type answer struct {
		who string
		got returns.Refunded
		err error
	}
	done := make(chan answer, 2)
	refund := func(who string, st *returns.Store) {
		got, err := st.Refund(ctx, "refund-"+who, returns.RefundRequest{RMA: r.ID, Method: "original_payment"})
		done <- answer{who, got, err}
	}
	go refund("ann", ann)
	dbtest.WaitForLockWaits(t, d.Owner, 1) // Ann holds the order's lines and waits for the RMA
	go refund("bob", bob)
	dbtest.WaitForLockWaits(t, d.Owner, 2) // Bob waits for the lines
	if err := gate.Rollback(); err != nil {
		t.Fatal(err)
	}
	a, b := <-done, <-done
	if a.who != "ann" {
		a, b = b, a
	}
	if a.err != nil || a.got.Amount != 2000 || len(a.got.CreditNotes) != 1 {
		t.Fatalf("Ann's refund: %+v, %v", a.got, a.err)
	}
	wantErr(t, b.err, "refunded by Ann Returns")

	var money struct {
		Refunds     int64 `db:"refunds"`
		Paid        int64 `db:"paid"`
		Total       int64 `db:"total"`
		CreditNotes int64 `db:"credit_notes"`
		Linked      int64 `db:"linked"`
		Refunded    int64 `db:"refunded"`
	}
	mustGet(t, d.Owner, &money, `
		SELECT (SELECT count(*) FROM refunds WHERE order_id = o.id) AS refunds,
		       (SELECT coalesce(sum(amount_minor), 0) FROM refunds WHERE order_id = o.id) AS paid, o.total_minor AS total,
		       (SELECT count(*) FROM invoices WHERE order_id = o.id AND kind = 'credit_note') AS credit_notes,
		       (SELECT count(*) FROM refunds WHERE order_id = o.id AND credit_note_id IS NOT NULL) AS linked,
		       (SELECT sum(qty_refunded) FROM order_lines WHERE order_id = o.id) AS refunded
		  FROM orders o WHERE o.id = $1`, id)
	if money.Refunds != 1 || money.CreditNotes != 1 || money.Linked != 1 || money.Paid > money.Total || money.Refunded != 2 {
		t.Errorf("after two refunds at once: %+v; want one refund of at most the order's total with its credit note, 2 units refunded", money)
	}
	if got, _ := d.clerk.RMA(ctx, r.ID); got.Status != model.RMAClosed || got.Refund != model.RefundDone {
		t.Errorf("the RMA is %s, %s; want closed and refunded", got.Status, got.Refund)
	}
	checkClean(t, d.Owner)
}

// A returned unit is restocked into A-01 while a picker picks the same product from A-01, each
// way round: the restock held open while the pick waits for A-01's balance, then a pick held
// open while the next restock waits. Both succeed every time; A-01's balance is the ledger's.
func TestRestockVersusAPickFromTheSameBin(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	ctx := context.Background()
	_, clerkDB := returnsClerk(t, d.Floor, "Ann Returns")
	shipped, _ := d.Shipped(t, "T1", map[string]int64{"TEE-1": 2})
	r := openRMA(t, d.clerk, "", shipped, model.WishRefund, false, map[string]int64{"TEE-1": 2})
	if _, err := d.clerk.ReceiveParcel(ctx, "", r.ID, r.Tracking); err != nil {
		t.Fatal(err)
	}
	ids := importOrders(t, d.Floor, "PICK", map[string]int64{"TEE-1": 3}, map[string]int64{"TEE-1": 4})
	pk1, pk1DB := newPicker(t, d.Floor)
	pk2, _ := newPicker(t, d.Floor)
	b1 := released(t, d.Floor, pk1, ids[0], "T2")
	b2 := released(t, d.Floor, pk2, ids[1], "T3")
	if b1.Tasks[0].Bin != "A-01" || b2.Tasks[0].Bin != "A-01" {
		t.Fatalf("tasks %+v, %+v; want picks from A-01", b1.Tasks, b2.Tasks)
	}
	before, _ := balanceMatchesLedger(t, d.Owner, "TEE-1", "A-01")

	// The restock is held; the pick waits for A-01.
	tx, err := clerkDB.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	mustTx(t, tx, `SELECT oms_rma_inspect($1, 1, 'A', 'restock', 'A-01', '')`, r.Lines[0].ID)
	picked := make(chan error, 1)
	go func() {
		task := b2.Tasks[0]
		_, err := pk2.Confirm(ctx, "pick-while-restocking", picking.Pick{Task: task.ID, Bin: task.Bin, Item: task.SKU, Qty: task.Qty})
		picked <- err
	}()
	dbtest.WaitForLockWaits(t, d.Owner, 1)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-picked; err != nil {
		t.Fatalf("the pick after the restock: %v", err)
	}

	// A pick is held; the restock waits for A-01.
	tx, err = pk1DB.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	task := b1.Tasks[0]
	mustTx(t, tx, `SELECT oms_pick_confirm('', '', $1, $2, $3, '', $4)`, task.ID, task.Bin, task.SKU, task.Qty)
	restocked := make(chan error, 1)
	go func() {
		_, err := d.clerk.Inspect(ctx, "restock-while-picking", returns.Grading{Line: r.Lines[0].ID, Qty: 1, Grade: "A", Disposition: "restock", Bin: "A-01"})
		restocked <- err
	}()
	dbtest.WaitForLockWaits(t, d.Owner, 1)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-restocked; err != nil {
		t.Fatalf("the restock after the pick: %v", err)
	}

	after, reserved := balanceMatchesLedger(t, d.Owner, "TEE-1", "A-01")
	if after != before+2-7 || reserved != 0 {
		t.Errorf("A-01 holds %d tees (%d reserved); want %d + 2 restocked − 7 picked, none reserved", after, reserved, before)
	}
	var restockedUnits int64
	mustGet(t, d.Owner, &restockedUnits, `SELECT qty_inspected FROM rma_lines WHERE id = $1`, r.Lines[0].ID)
	if restockedUnits != 2 {
		t.Errorf("%d units inspected; want 2", restockedUnits)
	}
	checkClean(t, d.Owner)
}

// The back office cancels the unshipped rest of a partly shipped order (a tee went out, the mug
// was short) while a returns clerk opens an RMA for the tee, each way round: the RMA held open
// while the cancel waits for the order's lines; then the cancel held (a gate on the order, which
// the cancel's status change needs) while the RMA waits for the lines. Both commands succeed
// every time, the RMA asks back only what shipped, the order reads shipped, and an RMA for the
// mug that never shipped is refused with nothing written.
func TestAReturnOfAnOrderBeingCancelled(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	ctx := context.Background()
	_, clerkDB := returnsClerk(t, d.Floor, "Ann Returns")
	bo := orders.New(d.Clerk)
	ids := partlyShipped(t, d.Floor, "PART", 0, map[string]int64{"TEE-1": 1, "MUG-1": 1}, "MUG-1", 2)
	first, second := ids[0], ids[1]
	for _, id := range []int64{first, second} {
		var status string
		mustGet(t, d.Owner, &status, `SELECT status FROM orders WHERE id = $1`, id)
		if status != string(model.StatusPartiallyShipped) && status != string(model.StatusBackordered) {
			t.Fatalf("order %d is %s after shipping the tee", id, status)
		}
	}
	rmaLines := func(id int64) []byte {
		raw, _ := json.Marshal([]returns.OpenLine{{Line: lineOf(t, d.Owner, id, "TEE-1"), Qty: 1, Reason: "RET_SIZE"}})
		return raw
	}

	// The RMA is held; the cancel waits for the order's lines.
	tx, err := clerkDB.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	mustTx(t, tx, `SELECT oms_rma_open($1, 'refund', $2, '', false)`, first, rmaLines(first))
	cancelled := make(chan error, 1)
	go func() {
		cancelled <- bo.CancelLine(ctx, "cancel-first", first, lineOf(t, d.Owner, first, "MUG-1"), "CANCEL_CUSTOMER")
	}()
	dbtest.WaitForLockWaits(t, d.Owner, 1)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-cancelled; err != nil {
		t.Fatalf("cancelling the mug after the RMA: %v", err)
	}

	// The cancel is held at the order's row (after it locked the lines); the RMA waits for the lines.
	gate, err := d.Owner.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer gate.Rollback()
	mustTx(t, gate, `SELECT 1 FROM orders WHERE id = $1 FOR UPDATE`, second)
	go func() {
		cancelled <- bo.CancelLine(ctx, "cancel-second", second, lineOf(t, d.Owner, second, "MUG-1"), "CANCEL_CUSTOMER")
	}()
	dbtest.WaitForLockWaits(t, d.Owner, 1)
	opened := make(chan error, 1)
	go func() {
		_, err := d.clerk.Open(ctx, "open-second", returns.OpenRequest{Order: second, Wish: model.WishRefund,
			Lines: []returns.OpenLine{{Line: lineOf(t, d.Owner, second, "TEE-1"), Qty: 1, Reason: "RET_SIZE"}}})
		opened <- err
	}()
	dbtest.WaitForLockWaits(t, d.Owner, 2)
	if err := gate.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := <-cancelled; err != nil {
		t.Fatalf("cancelling the mug before the RMA: %v", err)
	}
	if err := <-opened; err != nil {
		t.Fatalf("the RMA after the cancel: %v", err)
	}

	for _, id := range []int64{first, second} {
		var o struct {
			Status    string `db:"status"`
			Requested int64  `db:"requested"`
			Shipped   int64  `db:"shipped"`
			Mugs      int64  `db:"mugs"`
		}
		mustGet(t, d.Owner, &o, `
			SELECT o.status,
			       (SELECT coalesce(sum(rl.qty_requested), 0) FROM rma_lines rl WHERE rl.order_id = o.id) AS requested,
			       (SELECT sum(qty_shipped) FROM order_lines WHERE order_id = o.id) AS shipped,
			       (SELECT qty_ordered - qty_cancelled FROM order_lines l JOIN products p ON p.id = l.product_id
			         WHERE l.order_id = o.id AND p.sku = 'MUG-1') AS mugs
			  FROM orders o WHERE o.id = $1`, id)
		if o.Status != string(model.StatusShipped) || o.Requested != 1 || o.Shipped != 1 || o.Mugs != 0 {
			t.Errorf("order %d after the cancel and the RMA: %+v; want shipped, 1 tee asked back, the mug cancelled", id, o)
		}
	}

	// The mug never shipped: an RMA for it is refused and leaves nothing behind.
	var rmas int
	mustGet(t, d.Owner, &rmas, `SELECT count(*) FROM rmas`)
	_, err = d.clerk.Open(ctx, "open-mug", returns.OpenRequest{Order: first, Wish: model.WishRefund,
		Lines: []returns.OpenLine{{Line: lineOf(t, d.Owner, first, "MUG-1"), Qty: 1, Reason: "RET_SIZE"}}})
	wantErr(t, err, "shipped 0 units")
	var after int
	mustGet(t, d.Owner, &after, `SELECT count(*) FROM rmas`)
	if after != rmas {
		t.Errorf("%d RMAs after the refused one; want %d", after, rmas)
	}
	checkClean(t, d.Owner)
}

// Two RMAs of the same order, one unit each, are refunded at once by two clerks. The channel
// pays shipping back once every shipped unit is refunded (all_returned): whichever refund comes
// second pays its tee and the 5.00 shipping, as it does when the two come one after the other
// (the first order, refunded in turn). A gate holds the second order's lines until both refunds
// have computed their amounts and wait for the lines; then too the customer must have got back
// all 25.00 they paid, and no more.
func TestTwoRMAsOfOneOrderRefundedAtOnce(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	ctx := context.Background()
	bob, _ := returnsClerk(t, d.Floor, "Bob Returns")
	mustExec(t, d.Owner, `UPDATE channels SET return_shipping = 'all_returned' WHERE code = 'web-eu'`)
	ids := partlyShipped(t, d.Floor, "SHIP", 500, map[string]int64{"TEE-1": 2}, "", 2)
	inspected := func(order int64) []returns.RMA {
		var rmas []returns.RMA
		for i := range 2 {
			r := openRMA(t, d.clerk, fmt.Sprintf("rma-open-%d-%d", order, i), order, model.WishRefund, false, map[string]int64{"TEE-1": 1})
			if _, err := d.clerk.ReceiveParcel(ctx, "", r.ID, r.Tracking); err != nil {
				t.Fatal(err)
			}
			if _, err := d.clerk.Inspect(ctx, "", returns.Grading{Line: r.Lines[0].ID, Qty: 1, Grade: "A", Disposition: "restock", Bin: "A-01"}); err != nil {
				t.Fatal(err)
			}
			rmas = append(rmas, r)
		}
		return rmas
	}
	paidBack := func(order int64) (paid, shipping, total int64) {
		mustGet(t, d.Owner, &paid, `SELECT coalesce(sum(amount_minor), 0) FROM refunds WHERE order_id = $1`, order)
		mustGet(t, d.Owner, &shipping, `SELECT coalesce(sum(shipping_minor), 0) FROM refunds WHERE order_id = $1`, order)
		mustGet(t, d.Owner, &total, `SELECT total_minor FROM orders WHERE id = $1`, order)
		return
	}

	// One after the other.
	for i, r := range inspected(ids[0]) {
		if _, err := d.clerk.Refund(ctx, fmt.Sprintf("refund-in-turn-%d", i), returns.RefundRequest{RMA: r.ID, Method: "original_payment"}); err != nil {
			t.Fatal(err)
		}
	}
	if paid, shipping, total := paidBack(ids[0]); paid != total || shipping != 500 || total != 2500 {
		t.Fatalf("two refunds in turn paid back %d (shipping %d) of the %d the order cost", paid, shipping, total)
	}

	// At once.
	rmas := inspected(ids[1])
	gate, err := d.Owner.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer gate.Rollback()
	mustTx(t, gate, `SELECT 1 FROM order_lines WHERE order_id = $1 FOR NO KEY UPDATE`, ids[1])
	done := make(chan error, 2)
	for i, st := range []*returns.Store{d.clerk, bob} {
		go func() {
			_, err := st.Refund(ctx, fmt.Sprintf("refund-at-once-%d", i), returns.RefundRequest{RMA: rmas[i].ID, Method: "original_payment"})
			done <- err
		}()
	}
	dbtest.WaitForLockWaits(t, d.Owner, 2)
	if err := gate.Rollback(); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	checkClean(t, d.Owner)
	paid, shipping, total := paidBack(ids[1])
	if paid != total || shipping != 500 {
		t.Errorf("two refunds at once paid back %d (shipping %d) of the %d the order cost", paid, shipping, total)
	}
}
