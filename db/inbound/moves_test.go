package inbound_test

import (
	"context"
	"testing"

	"oms/db/inbound"
)

// Received tees go where tees are; caps, which have no bin, to the first empty bin on the
// pick path (B-01). Once caps have lived in zone A and left it, the next caps go to an
// empty bin of zone A rather than the earlier B-01. A putaway is confirmed by scanning
// the bin: a place that is not a bin, or more than receiving holds, is refused.
func TestReceivedUnitsMoveToTheSuggestedBin(t *testing.T) {
	y := newYard(t)
	ctx := context.Background()
	po := y.po(t, inbound.POLineRequest{SKU: "TEE-1", Qty: 5}, inbound.POLineRequest{SKU: "CAP-9", Qty: 6})
	for _, sku := range []string{"TEE-1", "CAP-9"} {
		if _, err := y.stock.Receive(ctx, "", inbound.Receipt{PO: po.Number, Scan: sku, Qty: 5}); err != nil {
			t.Fatal(err)
		}
	}
	suggest := func(sku, bin, why string) {
		t.Helper()
		s, err := y.stock.SuggestPutaway(ctx, "rtm1", sku)
		if err != nil || s.Bin != bin || s.Why != why {
			t.Fatalf("suggestion for %s: %+v, %v; want %s (%s)", sku, s, err, bin, why)
		}
	}
	suggest("TEE-1", "A-01", "holds TEE-1 already")
	suggest("CAP-9", "B-01", "empty")

	moved, err := y.stock.Putaway(ctx, "putaway-tee", inbound.Move{Warehouse: "RTM1", From: "receiving", Scan: "TEE-1", Qty: 5, To: "a-01"})
	if err != nil || moved.To != "A-01" || moved.Qty != 5 {
		t.Fatalf("putting tees away: %+v, %v", moved, err)
	}
	_, err = y.stock.Putaway(ctx, "", inbound.Move{Warehouse: "RTM1", From: "RECEIVING", Scan: "CAP-9", Qty: 2, To: "QUARANTINE"})
	wantErr(t, err, "QUARANTINE is not a bin of RTM1")
	_, err = y.stock.Putaway(ctx, "", inbound.Move{Warehouse: "RTM1", From: "RECEIVING", Scan: "CAP-9", Qty: 6, To: "A-03"})
	wantErr(t, err, "not enough stock: receiving RECEIVING at RTM1 holds 5 × CAP-9 and the move takes 6")
	if _, err = y.stock.Putaway(ctx, "", inbound.Move{Warehouse: "RTM1", From: "RECEIVING", Scan: "CAP-9", Qty: 2, To: "A-03"}); err != nil {
		t.Fatal(err)
	}
	suggest("CAP-9", "A-03", "holds CAP-9 already")
	if a, err := y.stock.Adjust(ctx, "", inbound.AdjustRequest{Warehouse: "RTM1", Location: "A-03", Scan: "CAP-9", Qty: -2, Reason: "ADJ_LOST"}); err != nil || a.Status != "posted" {
		t.Fatalf("losing the caps: %+v, %v", a, err)
	}
	suggest("CAP-9", "A-04", "empty, in zone A where CAP-9 has been")

	if n := onHand(t, y.Owner, "RTM1", "A-01", "TEE-1"); n != 45 {
		t.Errorf("A-01 holds %d tees; want 40 + 5", n)
	}
	if n := onHand(t, y.Owner, "RTM1", "RECEIVING", "CAP-9"); n != 3 {
		t.Errorf("receiving holds %d caps; want 3", n)
	}
	checkClean(t, y.Owner)
}

// Stock moves 5 tees from by scan; an adjustment worth 30.00 posts at once; one
// worth 600.00 (above RTM1's 500.00) waits: the clerk who asked cannot approve it, nor can a
// supervisor their own; another supervisor approves it and it posts. A rejected one never
// moves stock, and a clerk's own adjustment movement above the value is refused.
func TestMovesAndAdjustments(t *testing.T) {
	y := newYard(t)
	ctx := context.Background()
	sam, _ := clerk(t, y.Floor, "Sam Supervisor", "supervisor")
	sue, _ := clerk(t, y.Floor, "Sue Supervisor", "supervisor")

	if m, err := y.stock.MoveStock(ctx, "move-tees-1", inbound.Move{Warehouse: "RTM1", From: "A-01", Scan: "TEE-1", Qty: 5, To: "A-03"}); err != nil || m.From != "A-01" || m.To != "A-03" {
		t.Fatalf("moving tees: %+v, %v", m, err)
	}
	_, err := y.stock.MoveStock(ctx, "", inbound.Move{Warehouse: "RTM1", From: "A-01", Scan: "TEE-1", Qty: 1, To: "RECEIVING"})
	wantErr(t, err, "RECEIVING is not a bin of RTM1")

	small, err := y.stock.Adjust(ctx, "adjust-small", inbound.AdjustRequest{Warehouse: "RTM1", Location: "A-01", Scan: "TEE-1", Qty: -3, Reason: "adj_damaged"})
	if err != nil || small.Status != "posted" || small.Value != 3000 || small.Currency != "EUR" {
		t.Fatalf("a small adjustment: %+v, %v", small, err)
	}
	_, err = y.stock.Adjust(ctx, "", inbound.AdjustRequest{Warehouse: "RTM1", Location: "A-01", Scan: "TEE-1", Qty: 1, Reason: "RET_SIZE"})
	wantErr(t, err, `"RET_SIZE" is not an adjustment reason`)

	big, err := y.stock.Adjust(ctx, "adjust-big", inbound.AdjustRequest{Warehouse: "RTM1", Location: "A-01", Scan: "TEE-1", Qty: 60, Reason: "ADJ_FOUND", Note: "a pallet behind the rack"})
	if err != nil || big.Status != "pending" || big.Value != 60000 || big.Limit != 50000 {
		t.Fatalf("a big adjustment: %+v, %v", big, err)
	}
	if n := onHand(t, y.Owner, "RTM1", "A-01", "TEE-1"); n != 32 {
		t.Fatalf("A-01 holds %d tees while the adjustment waits; want 40 − 5 − 3", n)
	}
	pending, err := y.stock.PendingAdjustments(ctx, "RTM1")
	if err != nil || len(pending) != 1 || pending[0].ID != big.ID || pending[0].Qty != 60 {
		t.Fatalf("pending %+v, %v", pending, err)
	}
	_, err = y.stock.Approve(ctx, "", big.ID)
	wantErr(t, err, "permission denied")

	own, err := sam.Adjust(ctx, "", inbound.AdjustRequest{Warehouse: "RTM1", Location: "A-02", Scan: "MUG-1", Qty: -30, Reason: "ADJ_EXPIRED"})
	if err != nil || own.Status != "pending" {
		t.Fatalf("a supervisor's own big adjustment: %+v, %v", own, err)
	}
	_, err = sam.Approve(ctx, "", own.ID)
	wantErr(t, err, "your own request: another supervisor approves it")

	if a, err := sue.Approve(ctx, "approve-big", big.ID); err != nil || a.Status != "posted" {
		t.Fatalf("Sue approving: %+v, %v", a, err)
	}
	_, err = sam.Approve(ctx, "", big.ID)
	wantErr(t, err, "was posted already by Sue Supervisor")
	if err := sue.Reject(ctx, "", own.ID, "count it first"); err != nil {
		t.Fatal(err)
	}
	if n := onHand(t, y.Owner, "RTM1", "A-01", "TEE-1"); n != 92 {
		t.Errorf("A-01 holds %d tees; want 32 + 60", n)
	}
	if n := onHand(t, y.Owner, "RTM1", "A-02", "MUG-1"); n != 40 {
		t.Errorf("A-02 holds %d mugs after the rejection; want 40", n)
	}

	_, err = y.stockDB.Exec(`INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind, reason_code)
		SELECT p.id, b.id, a.id, 100, 'adjustment', 'ADJ_LOST' FROM products p, locations b, locations a, warehouses w
		 WHERE p.sku = 'TEE-1' AND b.code = 'A-01' AND b.warehouse_id = w.id AND w.code = 'RTM1' AND a.kind = 'adjustment'`)
	wantErr(t, err, "an adjustment of 100 × TEE-1 is worth 1000.00 EUR, more than RTM1 adjusts without a supervisor (500.00 EUR)")
	checkClean(t, y.Owner)
}
