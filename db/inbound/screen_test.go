package inbound_test

import (
	"context"
	"testing"
	"time"

	"oms/db/inbound"
)

// The screen's reads, as a stock clerk makes them: an item by SKU, GTIN (leading zeros or not)
// or nothing; a lot known with its expiry, and a new one; what waits at receiving; a bin by its
// code or barcode with what it holds, and a place that is not there.
func TestTheScreensReads(t *testing.T) {
	y := newYard(t)
	ctx := context.Background()
	mustExec(t, y.Owner, `UPDATE locations SET barcode = 'LOC-A01' WHERE code = 'A-01' AND warehouse_id = (SELECT id FROM warehouses WHERE code = 'RTM1')`)
	po := y.po(t, inbound.POLineRequest{SKU: "TEE-1", Qty: 5}, inbound.POLineRequest{SKU: "MILK-1", Qty: 5})
	expires := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, r := range []inbound.Receipt{{PO: po.Number, Scan: "TEE-1", Qty: 3}, {PO: po.Number, Scan: "MILK-1", Qty: 2, Lot: "L1", Expires: expires}} {
		if _, err := y.stock.Receive(ctx, "", r); err != nil {
			t.Fatal(err)
		}
	}

	for scan, sku := range map[string]string{"tee-1": "TEE-1", "4006381333931": "MUG-1", "04006381333931": "MUG-1", "MILK-1": "MILK-1"} {
		it, err := y.stock.Item(ctx, scan)
		if err != nil || it.SKU != sku || it.Product == 0 {
			t.Errorf("item %q: %+v, %v; want %s", scan, it, err, sku)
		}
	}
	if it, _ := y.stock.Item(ctx, "MILK-1"); !it.LotTracked || !it.ExpiryTracked {
		t.Errorf("milk is lot- and expiry-tracked: %+v", it)
	}
	_, err := y.stock.Item(ctx, "NOPE")
	if !isNotFound(err) {
		t.Fatalf("an unknown scan: %v", err)
	}
	wantErr(t, err, `no product has the SKU, GTIN or barcode "NOPE"`)

	milk, _ := y.stock.Item(ctx, "MILK-1")
	if l, err := y.stock.Lot(ctx, milk.Product, " L1 "); err != nil || l.Code != "L1" || l.Expires == nil || !l.Expires.Equal(expires) {
		t.Fatalf("lot L1: %+v, %v", l, err)
	}
	if _, err := y.stock.Lot(ctx, milk.Product, "L2"); !isNotFound(err) {
		t.Fatalf("a new lot: %v", err)
	}

	waiting, err := y.stock.Waiting(ctx, "rtm1")
	if err != nil || len(waiting) != 2 || waiting[0].SKU != "MILK-1" || waiting[0].Lot != "L1" || waiting[0].Qty != 2 ||
		waiting[1].SKU != "TEE-1" || waiting[1].Qty != 3 || waiting[1].Place != "RECEIVING" {
		t.Fatalf("waiting: %+v, %v", waiting, err)
	}

	for _, scan := range []string{"a-01", "LOC-A01"} {
		pl, err := y.stock.Place(ctx, "RTM1", scan)
		if err != nil || pl.Code != "A-01" || pl.Kind != "bin" || pl.Zone != "A" || len(pl.Holds) != 1 || pl.Holds[0].Qty != 40 || pl.Holds[0].SKU != "TEE-1" {
			t.Fatalf("place %q: %+v, %v", scan, pl, err)
		}
	}
	if pl, err := y.stock.Place(ctx, "RTM1", "QUARANTINE"); err != nil || pl.Kind != "quarantine" || len(pl.Holds) != 0 {
		t.Fatalf("quarantine: %+v, %v", pl, err)
	}
	_, err = y.stock.Place(ctx, "RTM1", "Z-99")
	if !isNotFound(err) {
		t.Fatalf("a place that is not there: %v", err)
	}
	wantErr(t, err, "RTM1 has no place Z-99")
}
