package inbound_test

import (
	"context"
	"testing"

	"oms/db/floortest"
	"oms/db/inbound"
)

// Ten tees go from RTM1 to the Berlin store; nine arrive. The transfer reads received with
// differences and the ledger says one is in transit; receiving two more is refused; the write-off
// moves the missing one to the adjustment location, and nothing is in transit any more.
func TestATransferLosesAUnitInTransit(t *testing.T) {
	y := newYard(t)
	ctx := context.Background()
	tr, err := y.stock.CreateTransfer(ctx, "transfer-1", inbound.TransferRequest{From: "RTM1", To: "ber-m",
		Lines: []inbound.TransferLineRequest{{SKU: "TEE-1", Qty: 10}}})
	if err != nil || tr.Number != "TR-000001" || tr.Status != "open" || len(tr.Lines) != 1 {
		t.Fatalf("created %+v, %v", tr, err)
	}
	_, err = y.stock.ReceiveTransfer(ctx, "", tr.Number, nil)
	wantErr(t, err, "TR-000001 has not shipped yet")
	_, err = y.stock.Ship(ctx, "", tr.Number, []inbound.Units{{SKU: "TEE-1", Qty: 11}})
	wantErr(t, err, "TR-000001 has 10 × TEE-1 left to ship, not 11")

	shipped, err := y.stock.Ship(ctx, "ship-transfer-1", tr.Number, nil)
	if err != nil || shipped.Shipped != 10 || shipped.Status != "shipped" {
		t.Fatalf("shipping: %+v, %v", shipped, err)
	}
	if n := onHand(t, y.Owner, "RTM1", "A-01", "TEE-1"); n != 30 {
		t.Errorf("A-01 holds %d tees after shipping; want 30", n)
	}
	if tr, _ = y.stock.Transfer(ctx, tr.Number); tr.InTransit != 10 || tr.Lines[0].Shipped != 10 {
		t.Fatalf("shipped transfer %+v", tr)
	}
	_, err = y.stock.WriteOff(ctx, "", tr.Number, "lost")
	wantErr(t, err, "TR-000001 is still on its way: receive it first")

	got, err := y.stock.ReceiveTransfer(ctx, "receive-transfer-1", tr.Number, []inbound.Units{{SKU: "TEE-1", Qty: 9}})
	if err != nil || got.Received != 9 || got.InTransit != 1 || got.Status != "received_with_differences" {
		t.Fatalf("receiving 9: %+v, %v", got, err)
	}
	_, err = y.stock.ReceiveTransfer(ctx, "", tr.Number, []inbound.Units{{SKU: "TEE-1", Qty: 2}})
	wantErr(t, err, "TR-000001 has 1 × TEE-1 in transit, not 2")
	tr, err = y.stock.Transfer(ctx, tr.Number)
	if err != nil || tr.Status != "received_with_differences" || tr.InTransit != 1 || tr.Lines[0].Received != 9 {
		t.Fatalf("received transfer %+v, %v", tr, err)
	}
	transit, err := y.stock.InTransit(ctx, "BER-M")
	if err != nil || len(transit) != 1 || transit[0].Qty != 1 || transit[0].Transfer != tr.Number || transit[0].SKU != "TEE-1" {
		t.Fatalf("in transit to BER-M: %+v, %v", transit, err)
	}
	if n := onHand(t, y.Owner, "BER-M", "RECEIVING", "TEE-1"); n != 9 {
		t.Errorf("BER-M's receiving holds %d tees; want 9", n)
	}

	off, err := y.stock.WriteOff(ctx, "write-off-1", tr.Number, "the carrier lost a unit")
	if err != nil || off.WrittenOff != 1 || off.Status != "received_with_differences" {
		t.Fatalf("writing off: %+v, %v", off, err)
	}
	_, err = y.stock.WriteOff(ctx, "", tr.Number, "again")
	wantErr(t, err, "TR-000001 has nothing in transit to write off")
	tr, _ = y.stock.Transfer(ctx, tr.Number)
	if tr.InTransit != 0 || tr.Lines[0].WrittenOff != 1 || tr.WriteOffReason != "the carrier lost a unit" {
		t.Fatalf("after the write-off %+v", tr)
	}
	if transit, _ = y.stock.InTransit(ctx, ""); len(transit) != 0 {
		t.Fatalf("still in transit: %+v", transit)
	}
	var lost int64
	mustGet(t, y.Owner, &lost, `SELECT coalesce(sum(m.qty), 0) FROM stock_movements m JOIN locations f ON f.id = m.from_location_id
		JOIN locations a ON a.id = m.to_location_id WHERE f.kind = 'transit' AND a.kind = 'adjustment' AND m.reason_code = 'ADJ_LOST'`)
	if lost != 1 {
		t.Errorf("%d units went from transit to adjustment; want 1", lost)
	}
	_, err = y.stock.Ship(ctx, "", tr.Number, nil)
	wantErr(t, err, "TR-000001 was received already: nothing more ships on it")
	checkClean(t, y.Owner)
}

// A short pick flagged A-01's tees for a count: a transfer ships from the other bins only, and
// is refused rather than sending off units from the flagged bin; once the count resolves the
// flag, the flagged bin ships again.
func TestATransferLeavesAFlaggedBinAlone(t *testing.T) {
	y := newYard(t)
	ctx := context.Background()
	floortest.Receive(t, y.Owner, "TEE-1", "A-03", 5)
	mustExec(t, y.Owner, `INSERT INTO count_flags (location_id, product_id, reason_code)
		SELECT l.id, p.id, 'SHORT_NOT_FOUND' FROM locations l JOIN warehouses w ON w.id = l.warehouse_id, products p
		 WHERE w.code = 'RTM1' AND l.code = 'A-01' AND p.sku = 'TEE-1'`)
	tr, err := y.stock.CreateTransfer(ctx, "", inbound.TransferRequest{From: "RTM1", To: "BER-M",
		Lines: []inbound.TransferLineRequest{{SKU: "TEE-1", Qty: 8}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = y.stock.Ship(ctx, "", tr.Number, nil)
	wantErr(t, err, "RTM1's bins have too little free TEE-1 for TR-000001: 3 more are needed")
	if got, err := y.stock.Ship(ctx, "", tr.Number, []inbound.Units{{SKU: "TEE-1", Qty: 5}}); err != nil || got.Shipped != 5 {
		t.Fatalf("shipping the 5 unflagged tees: %+v, %v", got, err)
	}
	if a01, a03 := onHand(t, y.Owner, "RTM1", "A-01", "TEE-1"), onHand(t, y.Owner, "RTM1", "A-03", "TEE-1"); a01 != 40 || a03 != 0 {
		t.Fatalf("A-01 holds %d and A-03 %d tees; want 40 (flagged, untouched) and 0", a01, a03)
	}
	mustExec(t, y.Owner, `UPDATE count_flags SET resolved_at = now()`)
	if got, err := y.stock.Ship(ctx, "", tr.Number, nil); err != nil || got.Shipped != 3 {
		t.Fatalf("shipping the rest once the flag is resolved: %+v, %v", got, err)
	}
	checkClean(t, y.Owner)
}
