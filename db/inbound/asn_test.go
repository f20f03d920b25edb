package inbound_test

import (
	"context"
	"fmt"
	"testing"

	"oms/db/inbound"
	"oms/model"
)

// sscc is an SSCC with extension digit 3, GS1 company prefix 8712345 and serial n, its check
// digit computed (the digit itself is proved on the GS1 examples in model).
func sscc(t *testing.T, n int) string {
	t.Helper()
	body := fmt.Sprintf("38712345%09d", n)
	d, err := model.GS1CheckDigit(body)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%s%d", body, d)
}

// ACME announces 6 of the 10 tees and the 20 milk of lot L2701 on one pallet. The back office
// records the notice; wrong notices are refused with what is wrong. At the dock the clerk scans
// the pallet's label (a GS1 scan of its SSCC): it names the PO, and receiving the notice takes
// in exactly what it announced, once — a second clerk is told who received it. The rest of the
// tees come without a notice and are received against the notice's number item by item.
func TestReceivingAnAdvanceShippingNotice(t *testing.T) {
	y := newYard(t)
	ctx := context.Background()
	po := y.po(t, inbound.POLineRequest{SKU: "TEE-1", Qty: 10}, inbound.POLineRequest{SKU: "MILK-1", Qty: 20})
	pallet := sscc(t, 7781)
	lines := []inbound.ASNLineRequest{{SKU: "TEE-1", Qty: 6}, {SKU: "MILK-1", Qty: 20, Lot: "L2701", Expires: "2027-01-31"}}

	for _, bad := range []struct {
		req  inbound.ASNRequest
		want string
	}{
		{inbound.ASNRequest{PO: po.Number, Number: "D-1", Lines: []inbound.ASNLineRequest{{SKU: "TEE-1", Qty: 12}}},
			"the notice announces 12 × TEE-1 but PO-000001 has 10 open"},
		{inbound.ASNRequest{PO: po.Number, Number: "D-1", Lines: []inbound.ASNLineRequest{{SKU: "MILK-1", Qty: 2}}},
			"MILK-1 is lot-tracked: the notice says which lot"},
		{inbound.ASNRequest{PO: po.Number, Number: "D-1", Lines: []inbound.ASNLineRequest{{SKU: "CAP-9", Qty: 1}}},
			"CAP-9 is not on PO-000001"},
		{inbound.ASNRequest{PO: po.Number, Number: "D-1"}, "a notice has at least one line"},
		{inbound.ASNRequest{PO: po.Number, Number: "D 1", Lines: lines}, "a notice's number is 1 to 40 letters"},
		{inbound.ASNRequest{PO: po.Number, Number: "D-1", SSCC: pallet[:17] + "0", Lines: lines}, "is not an SSCC: its check digit should be"},
	} {
		_, err := y.office.CreateASN(ctx, "", bad.req)
		wantErr(t, err, bad.want)
	}
	_, err := y.stock.CreateASN(ctx, "", inbound.ASNRequest{PO: po.Number, Number: "D-1", Lines: lines})
	wantErr(t, err, "permission denied for function oms_asn_create")

	asn, err := y.office.CreateASN(ctx, "asn-create-7781", inbound.ASNRequest{PO: po.Number, Number: "desadv-7781", SSCC: pallet, Lines: lines})
	if err != nil || asn.Number != "DESADV-7781" || asn.PO != po.Number || asn.Supplier != "ACME" || asn.SSCC != pallet ||
		len(asn.Lines) != 2 || asn.Lines[1].Lot != "L2701" || asn.Lines[1].Expires == nil {
		t.Fatalf("the notice: %+v, %v", asn, err)
	}
	var n int
	mustGet(t, y.Owner, &n, `SELECT count(*) FROM stock_movements WHERE po_line_id IS NOT NULL`)
	if n != 0 {
		t.Fatalf("recording a notice moved stock: %d movements", n)
	}

	scan := "]C100" + pallet // the pallet label as a scanner sends it
	if got, err := y.stock.PO(ctx, scan); err != nil || got.Number != po.Number {
		t.Fatalf("the pallet's label names %+v, %v", got, err)
	}
	got, err := y.stock.ReceiveASN(ctx, "dock-receipt-1", scan)
	if err != nil || got != (inbound.ReceivedASN{ASN: "DESADV-7781", PO: po.Number, Units: 26, Lines: 2, Status: "partially_received"}) {
		t.Fatalf("receiving the notice: %+v, %v", got, err)
	}
	if again, err := y.stock.ReceiveASN(ctx, "dock-receipt-1", scan); err != nil || again != got {
		t.Fatalf("the same receipt retried under its key: %+v, %v", again, err)
	}
	other, _ := clerk(t, y.Floor, "Rita Receiver", "stock")
	_, err = other.ReceiveASN(ctx, "", "DESADV-7781")
	wantErr(t, err, "notice DESADV-7781 was received already by Stan Stock at ")
	if _, err = other.ReceiveASN(ctx, "", "DESADV-0000"); !isNotFound(err) {
		t.Fatalf("a notice that does not exist: %v", err)
	}
	if tees, milk := onHand(t, y.Owner, "RTM1", "RECEIVING", "TEE-1"), onHand(t, y.Owner, "RTM1", "RECEIVING", "MILK-1", "L2701"); tees != 6 || milk != 20 {
		t.Fatalf("receiving holds %d tees and %d milk of L2701, want 6 and 20", tees, milk)
	}

	// The other four tees, scanned against the notice's number.
	r, err := other.Receive(ctx, "", inbound.Receipt{PO: "DESADV-7781", Scan: "TEE-1", Qty: 4})
	if err != nil || r.PO != po.Number || r.LineReceived != 10 || r.Status != "received" {
		t.Fatalf("the rest against the notice: %+v, %v", r, err)
	}
	_, err = y.office.CreateASN(ctx, "", inbound.ASNRequest{PO: po.Number, Number: "D-2", Lines: []inbound.ASNLineRequest{{SKU: "TEE-1", Qty: 1}}})
	wantErr(t, err, "PO-000001 is received: no notice is taken for it")
	checkClean(t, y.Owner)
}

func TestParseASNLines(t *testing.T) {
	got, err := inbound.ParseASNLines([]string{"TEE-1=6", "MILK-1=20/L2701/2027-01-31", "CAP-9=2/L9"})
	if err != nil || len(got) != 3 || got[0] != (inbound.ASNLineRequest{SKU: "TEE-1", Qty: 6}) ||
		got[1] != (inbound.ASNLineRequest{SKU: "MILK-1", Qty: 20, Lot: "L2701", Expires: "2027-01-31"}) || got[2].Lot != "L9" {
		t.Fatalf("%+v, %v", got, err)
	}
	for _, bad := range []string{"TEE-1", "TEE-1=0", "TEE-1=x", "MILK-1=2/L1/31-01-2027"} {
		if _, err := inbound.ParseASNLines([]string{bad}); err == nil {
			t.Errorf("%q was read", bad)
		}
	}
}
