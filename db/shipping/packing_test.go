package shipping_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"oms/db/shipping"
	"oms/model"
	"oms/shipping/label"
)

// A two-parcel order packed and shipped as a packer does it: the tote scanned, a wrong item and
// a surplus unit refused, a weight far from the expected asked about, the boxes oms suggests,
// prices worked out by hand from floortest.Card, labels with valid numbers, the ledger and the
// invoice.
func TestPackAndShipAnOrderInTwoParcels(t *testing.T) {
	f := newFloor(t)
	ctx := context.Background()
	id, number := f.Picked(t, "T7", map[string]int64{"TEE-1": 2, "MUG-1": 1})
	pk, _ := f.Packer(t, "Piet Packer")

	found, err := pk.Find(ctx, "t7")
	if err != nil || len(found) != 1 || found[0].Number != number {
		t.Fatalf("scanning tote T7 found %v, %v; want %s", found, err, number)
	}
	p, err := pk.Open(ctx, "pack-open-1", id, "P1")
	if err != nil {
		t.Fatal(err)
	}
	if p.Order != number || len(p.Lines) != 2 || p.AllVerified() {
		t.Fatalf("opened %+v", p)
	}

	verify := func(key, scan string, want string) {
		t.Helper()
		_, err := pk.Verify(ctx, key, p.Shipment, scan, 1, f.Day)
		if want == "" && err != nil {
			t.Fatalf("scanning %s: %v", scan, err)
		}
		if want != "" && (err == nil || !strings.Contains(err.Error(), want)) {
			t.Fatalf("scanning %s: got %v, want an error saying %q", scan, err, want)
		}
	}
	verify("pack-verify-1", "TEE-1", "")
	verify("pack-verify-2", "CAP-9", "Wrong item: CAP-9 is not in "+number)
	verify("pack-verify-3", "tee-1", "")
	verify("pack-verify-3", "tee-1", "") // the same scan again: applied once
	verify("pack-verify-4", "TEE-1", "Too many: 2 × TEE-1 picked for "+number+", 2 already verified")

	p, _ = pk.Packing(ctx, p.Shipment)
	if box, ok, err := pk.SuggestBox(ctx, p); err != nil || !ok || box.Code != "M" {
		t.Fatalf("box for two tees: %v %v %v; want M (they are 300 mm long, S is 200)", box.Code, ok, err)
	}
	_, err = pk.CloseParcel(ctx, "pack-parcel-1", shipping.ParcelRequest{Shipment: p.Shipment, Box: "M", WeightG: 2000})
	var w *shipping.WeightWarning
	if !errors.As(err, &w) || w.ExpectedG != 650 {
		t.Fatalf("2,000 g for two tees (400 g) in box M (250 g): got %v, want a warning expecting 650 g", err)
	}
	if p, err = pk.CloseParcel(ctx, "pack-parcel-2", shipping.ParcelRequest{Shipment: p.Shipment, Box: "m", WeightG: 660}); err != nil {
		t.Fatal(err)
	}
	verify("pack-verify-5", "4006381333931", "") // the mug's GTIN
	p, _ = pk.Packing(ctx, p.Shipment)
	if box, ok, _ := pk.SuggestBox(ctx, p); !ok || box.Code != "S" {
		t.Fatalf("box for a mug: %v %v; want S", box.Code, ok)
	}
	if p, err = pk.CloseParcel(ctx, "pack-parcel-3", shipping.ParcelRequest{Shipment: p.Shipment, Box: "S", WeightG: 470}); err != nil {
		t.Fatal(err)
	}
	if len(p.Parcels) != 2 || p.Parcels[0].Units != 2 || p.Parcels[1].Units != 1 || !p.AllVerified() || p.Unboxed() != 0 {
		t.Fatalf("parcels %+v", p.Parcels)
	}

	// Parcel 1: 660 g → 1,000 g; M is 35×28×15 cm = 14,700 cm³ / 5,000 = 2.94 kg → 3,000 g
	// billable: parcel 9.00 + 10% fuel = 9.90, express 15.00 + 1.50 = 16.50. Parcel 2: 470 g →
	// 500 g; S is 20×15×12 cm = 3,600 cm³ → 0.72 kg → 1,000 g: parcel 5.00 + 0.50 = 5.50,
	// express 16.50. Shipped on Monday 30 November: parcel (2 days) Wednesday, express Tuesday;
	// the order was promised for the 30th, so neither meets it and the faster is the default.
	offers, err := pk.Offers(ctx, p.Shipment, f.Day)
	if err != nil {
		t.Fatal(err)
	}
	if len(offers) != 2 || offers[0].Key() != "test-post:parcel" || offers[0].TotalMinor != 1540 ||
		offers[1].Key() != "test-post:express" || offers[1].TotalMinor != 3300 || !offers[1].Default ||
		offers[0].Delivery.Format("2006-01-02") != "2026-12-02" || offers[1].Delivery.Format("2006-01-02") != "2026-12-01" {
		t.Fatalf("offers %+v", offers)
	}

	req := shipping.ShipRequest{Shipment: p.Shipment, Carrier: "test-post", Service: "parcel", Day: f.Day}
	out, err := pk.Ship(ctx, "pack-ship-1", req)
	if err != nil {
		t.Fatal(err)
	}
	again, err := pk.Ship(ctx, "pack-ship-1", req)
	if err != nil || strings.Join(again.Tracking, ",") != strings.Join(out.Tracking, ",") {
		t.Fatalf("the same ship again: %v, %v; want the first answer %v", again.Tracking, err, out.Tracking)
	}
	if len(out.Tracking) != 2 || out.CostMinor != 1540 || out.Invoice == "" || out.LabelFormat != "zpl" {
		t.Fatalf("shipped %+v", out)
	}
	for i, n := range out.Tracking {
		if err := label.ValidTracking("s10", n); err != nil || !strings.HasPrefix(n, "CP") || !strings.HasSuffix(n, "NL") {
			t.Errorf("tracking number %s: %v", n, err)
		}
		if err := label.ValidSSCC(out.SSCC[i]); err != nil || !strings.HasPrefix(out.SSCC[i], "08712345") {
			t.Errorf("SSCC %s: %v", out.SSCC[i], err)
		}
		if !strings.Contains(string(out.Labels[i]), n) {
			t.Errorf("label %d does not carry its tracking number %s", i+1, n)
		}
	}
	var shipped, moved int
	var status string
	mustGet(t, f.Owner, &shipped, `SELECT sum(qty_shipped) FROM order_lines WHERE order_id = $1`, id)
	mustGet(t, f.Owner, &moved, `SELECT sum(m.qty) FROM stock_movements m JOIN order_lines l ON l.id = m.order_line_id
		WHERE l.order_id = $1 AND m.kind = 'ship'`, id)
	mustGet(t, f.Owner, &status, `SELECT status FROM orders WHERE id = $1`, id)
	if shipped != 3 || moved != 3 || status != "shipped" {
		t.Errorf("after the ship: %d units shipped, %d moved, order %s; want 3, 3, shipped", shipped, moved, status)
	}
	checkClean(t, f.Owner)
}

// A parcel to Switzerland leaves the EU: a product without an HS code is caught at the packing
// station (the ship is refused, naming it), and once the catalogue has it the parcel ships with
// a CN23 listing each item's HS code, origin, weight and value next to the packing slip.
func TestACrossBorderParcelNeedsItsCustomsData(t *testing.T) {
	f := newFloor(t)
	ctx := context.Background()
	mustExec(t, f.Owner, `UPDATE products SET hs_code = NULL WHERE sku = 'MUG-1'`)
	id, number := f.PickedTo(t, "T20", map[string]int64{"TEE-1": 1, "MUG-1": 2}, model.Address{Name: "Lea Meier",
		Line1: "Bahnhofstrasse 1", City: "Zürich", PostalCode: "8001", Country: "CH", Phone: "+41 44 123 45 67"})
	pk, _ := f.Packer(t, "Piet Packer")
	p := packAll(t, f, pk, id, "P1")
	if probs := p.CustomsProblems(); len(probs) != 1 || !strings.Contains(probs[0], "MUG-1") {
		t.Fatalf("customs problems %q; want one naming MUG-1", probs)
	}
	req := shipping.ShipRequest{Shipment: p.Shipment, Carrier: "test-post", Service: "parcel", Day: f.Day}
	if _, err := pk.Ship(ctx, "ship-to-zurich", req); err == nil || !strings.Contains(err.Error(), number+" cannot leave for CH until its customs data is complete") {
		t.Fatalf("shipping without an HS code: %v", err)
	}
	mustExec(t, f.Owner, `UPDATE products SET hs_code = '691200' WHERE sku = 'MUG-1'`)
	if _, err := pk.Ship(ctx, "ship-to-zurich-2", req); err != nil {
		t.Fatal(err)
	}
	papers, err := pk.Paperwork(ctx, p.Shipment, f.Day)
	if err != nil {
		t.Fatal(err)
	}
	if len(papers) != 2 || papers[0].Name != number+"-slip.pdf" || papers[1].Name != number+"-CN23-1.pdf" {
		t.Fatalf("papers %v", names(papers))
	}
	text := pdfText(t, papers[1].PDF)
	for _, want := range []string{"CN23", "610910", "691200", "PT", "CN", "LeaMeier", "Zürich"} {
		if !strings.Contains(text, want) {
			t.Errorf("the CN23 does not say %q:\n%s", want, text)
		}
	}
}

func names(ps []shipping.Paper) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Name)
	}
	return out
}
