package inbound_test

import (
	"context"
	"testing"
	"time"

	"oms/db/inbound"
)

// The back office orders 10 tees, 5 mugs and 20 milk from ACME for RTM1. Stock receives 8 tees
// (partially received), 3 more (11: within RTM1's 10% tolerance), and one more is refused naming
// the PO, the SKU and what is still open. Two mugs arrive damaged (into quarantine, scanned by
// their GTIN), two good ones; the milk needs its lot and expiry, and the lot is made with them.
// One mug never comes: the back office closes the PO short, and nothing more is received.
func TestReceivingAgainstAPO(t *testing.T) {
	y := newYard(t)
	ctx := context.Background()
	cost := int64(450)
	po := y.po(t, inbound.POLineRequest{SKU: "TEE-1", Qty: 10, CostMinor: &cost}, inbound.POLineRequest{SKU: "mug-1", Qty: 5},
		inbound.POLineRequest{SKU: "MILK-1", Qty: 20})
	if po.Number != "PO-000001" || po.Status != "open" || po.Currency != "EUR" || len(po.Lines) != 3 ||
		po.Lines[0].CostMinor != 450 || po.Lines[1].CostMinor != 2000 || po.Lines[1].Open != 5 {
		t.Fatalf("created %+v", po)
	}
	if _, err := y.stock.CreatePO(ctx, "", inbound.PORequest{Supplier: "ACME", Warehouse: "RTM1",
		Lines: []inbound.POLineRequest{{SKU: "TEE-1", Qty: 1}}}); err == nil {
		t.Fatal("a stock clerk created a purchase order")
	}

	got, err := y.stock.Receive(ctx, "po-receive-1", inbound.Receipt{PO: po.Number, Scan: "TEE-1", Qty: 8})
	if err != nil || got.LineReceived != 8 || got.Open != 2 || got.Status != "partially_received" || got.Place != "receiving RECEIVING at RTM1" {
		t.Fatalf("receiving 8 tees: %+v, %v", got, err)
	}
	if again, err := y.stock.Receive(ctx, "po-receive-1", inbound.Receipt{PO: po.Number, Scan: "TEE-1", Qty: 8}); err != nil || again != got {
		t.Fatalf("the same receipt retried: %+v, %v", again, err)
	}
	if got, err = y.stock.Receive(ctx, "", inbound.Receipt{PO: po.Number, Scan: "tee-1", Qty: 3}); err != nil || got.LineReceived != 11 || got.Open != 0 {
		t.Fatalf("receiving 3 more (within tolerance): %+v, %v", got, err)
	}
	_, err = y.stock.Receive(ctx, "", inbound.Receipt{PO: po.Number, Scan: "TEE-1", Qty: 1})
	wantErr(t, err, "PO-000001 has 0 × TEE-1 still open (10 ordered, 11 received) and RTM1's 10% tolerance allows 1 over: receiving 1 would make 12, more than 11")
	_, err = y.stock.Receive(ctx, "", inbound.Receipt{PO: po.Number, Scan: "CAP-9", Qty: 1})
	wantErr(t, err, "CAP-9 is not on PO-000001")
	if _, err = y.stock.Receive(ctx, "", inbound.Receipt{PO: "PO-999999", Scan: "TEE-1", Qty: 1}); !isNotFound(err) {
		t.Fatalf("a PO that does not exist: %v", err)
	}

	got, err = y.stock.Receive(ctx, "", inbound.Receipt{PO: po.Number, Scan: "4006381333931", Qty: 2, Damaged: true})
	if err != nil || got.SKU != "MUG-1" || got.Place != "quarantine QUARANTINE at RTM1" || got.LineDamaged != 2 {
		t.Fatalf("receiving 2 damaged mugs: %+v, %v", got, err)
	}
	if _, err = y.stock.Receive(ctx, "", inbound.Receipt{PO: po.Number, Scan: "MUG-1", Qty: 2}); err != nil {
		t.Fatal(err)
	}

	_, err = y.stock.Receive(ctx, "", inbound.Receipt{PO: po.Number, Scan: "MILK-1", Qty: 20})
	wantErr(t, err, "MILK-1 is lot-tracked: say which lot arrived")
	_, err = y.stock.Receive(ctx, "", inbound.Receipt{PO: po.Number, Scan: "MILK-1", Qty: 20, Lot: "L2701"})
	wantErr(t, err, "MILK-1 is expiry-tracked: say when lot L2701 expires")
	expires := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	if got, err = y.stock.Receive(ctx, "", inbound.Receipt{PO: po.Number, Scan: "MILK-1", Qty: 12, Lot: "L2701", Expires: expires}); err != nil || got.Lot != "L2701" {
		t.Fatalf("receiving milk with its lot: %+v, %v", got, err)
	}
	_, err = y.stock.Receive(ctx, "", inbound.Receipt{PO: po.Number, Scan: "MILK-1", Qty: 8, Lot: "L2701", Expires: expires.AddDate(0, 0, 1)})
	wantErr(t, err, "lot L2701 of MILK-1 expires on 2027-03-01, not 2027-03-02")
	if _, err = y.stock.Receive(ctx, "", inbound.Receipt{PO: po.Number, Scan: "MILK-1", Qty: 8, Lot: "L2701"}); err != nil {
		t.Fatal(err)
	}
	var lotExpires time.Time
	mustGet(t, y.Owner, &lotExpires, `SELECT l.expires_on FROM lots l JOIN products p ON p.id = l.product_id WHERE p.sku = 'MILK-1' AND l.lot_code = 'L2701'`)
	if !lotExpires.Equal(expires) {
		t.Errorf("lot L2701 expires on %s", lotExpires)
	}

	po, err = y.stock.PO(ctx, "po-000001")
	if err != nil || po.Status != "partially_received" || po.Lines[1].Received != 4 || po.Lines[1].Damaged != 2 || po.Lines[1].Open != 1 {
		t.Fatalf("the PO after receiving: %+v, %v", po, err)
	}
	if _, err := y.stock.ClosePO(ctx, "", po.Number, "short"); err == nil {
		t.Fatal("a stock clerk closed a PO")
	}
	_, err = y.office.ClosePO(ctx, "", po.Number, " ")
	wantErr(t, err, "say why PO-000001 closes short")
	if st, err := y.office.ClosePO(ctx, "", po.Number, "ACME is out of mugs"); err != nil || st != "closed" {
		t.Fatalf("closing short: %s, %v", st, err)
	}
	_, err = y.stock.Receive(ctx, "", inbound.Receipt{PO: po.Number, Scan: "MUG-1", Qty: 1})
	wantErr(t, err, "PO-000001 is closed: nothing more is received against it")
	if po, _ = y.stock.PO(ctx, po.Number); po.Status != "closed" || po.CloseReason != "ACME is out of mugs" {
		t.Fatalf("closed PO %+v", po)
	}

	for _, c := range []struct {
		place, sku string
		want       int64
	}{{"RECEIVING", "TEE-1", 11}, {"RECEIVING", "MUG-1", 2}, {"QUARANTINE", "MUG-1", 2}, {"RECEIVING", "MILK-1", 20}} {
		if n := onHand(t, y.Owner, "RTM1", c.place, c.sku); n != c.want {
			t.Errorf("%s holds %d × %s; want %d", c.place, n, c.sku, c.want)
		}
	}
	// Received units follow the receipts that name the line.
	var off int
	mustGet(t, y.Owner, &off, `SELECT count(*) FROM purchase_order_lines l
		WHERE l.qty_received <> (SELECT coalesce(sum(m.qty), 0) FROM stock_movements m WHERE m.po_line_id = l.id)`)
	if off != 0 {
		t.Errorf("%d PO lines disagree with their receipts", off)
	}
	checkClean(t, y.Owner)
}

// A receipt a stock clerk posts straight into the ledger naming a PO line meets the same rules:
// beyond the tolerance it is refused; within it, the line follows.
func TestADirectReceiptFollowsThePOLine(t *testing.T) {
	y := newYard(t)
	po := y.po(t, inbound.POLineRequest{SKU: "TEE-1", Qty: 10})
	insert := `INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind, po_line_id)
		SELECT p.id, s.id, r.id, $2, 'receipt', $1 FROM products p, locations s, locations r, warehouses w
		 WHERE p.sku = 'TEE-1' AND s.kind = 'supplier' AND r.code = 'RECEIVING' AND r.warehouse_id = w.id AND w.code = 'RTM1'`
	if _, err := y.stockDB.Exec(insert, po.Lines[0].ID, 12); err == nil {
		t.Fatal("12 of 10 were received")
	}
	mustExec(t, y.stockDB, insert, po.Lines[0].ID, 10)
	if po, _ = y.stock.PO(context.Background(), po.Number); po.Status != "received" || po.Lines[0].Received != 10 {
		t.Fatalf("after a direct receipt: %+v", po)
	}
	checkClean(t, y.Owner)
}
