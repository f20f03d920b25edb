package returns_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"oms/db/returns"
	"oms/db/shipping"
	"oms/model"
)

// A customer sends back two tees of three: one is fine and goes back to stock, one is damaged
// and scrapped. The desk finds the order by the customer's name, opens the RMA (authorised: it
// shipped today), receives the parcel by its label, grades both units and refunds them with a
// credit note.
func TestAnRMAFromFindToRefund(t *testing.T) {
	d := newDesk(t)
	ctx := context.Background()
	id, number := d.Shipped(t, "T1", map[string]int64{"TEE-1": 3})

	hits, err := d.clerk.Find(ctx, "de vries")
	if err != nil || len(hits) != 1 || hits[0].Number != number || hits[0].Shipped != 3 {
		t.Fatalf("finding Anna de Vries: %+v, %v", hits, err)
	}
	o, err := d.clerk.Order(ctx, id)
	if err != nil || len(o.Lines) != 1 || o.Lines[0].Returnable != 3 {
		t.Fatalf("order %+v, %v", o, err)
	}
	_, err = d.clerk.Open(ctx, "rma-open-0", returns.OpenRequest{Order: id, Wish: model.WishRefund,
		Lines: []returns.OpenLine{{Line: o.Lines[0].ID, Qty: 4, Reason: "RET_SIZE"}}})
	if err == nil || !strings.Contains(err.Error(), "shipped 3 units, and its RMAs would ask 4 back") {
		t.Fatalf("asking 4 of 3 back: %v", err)
	}
	r, err := d.clerk.Open(ctx, "rma-open-1", returns.OpenRequest{Order: id, Wish: model.WishRefund,
		Lines: []returns.OpenLine{{Line: o.Lines[0].ID, Qty: 2, Reason: "RET_SIZE"}}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != model.RMAAuthorized || r.Tracking == "" || r.LabelFormat != "pdf" || !strings.HasPrefix(r.Number, "RMA-") {
		t.Fatalf("opened %+v", r)
	}

	got, err := d.clerk.ReceiveParcel(ctx, "rma-recv-1", r.ID, r.Tracking)
	if err != nil || got.Received != 2 {
		t.Fatalf("receiving the parcel: %+v, %v", got, err)
	}
	if _, err := d.clerk.ReceiveParcel(ctx, "rma-recv-2", r.ID, r.Tracking); err == nil ||
		!strings.Contains(err.Error(), "was received already by Rita Returns") {
		t.Fatalf("receiving it again: %v", err)
	}
	line := r.Lines[0].ID
	if _, err := d.clerk.Inspect(ctx, "rma-insp-0", returns.Grading{Line: line, Qty: 1, Grade: "C", Disposition: "restock"}); err == nil ||
		!strings.Contains(err.Error(), "grade C unit is not restocked") {
		t.Fatalf("restocking a damaged unit: %v", err)
	}
	g, err := d.clerk.Inspect(ctx, "rma-insp-1", returns.Grading{Line: line, Qty: 1, Grade: "A", Disposition: "restock"})
	if err != nil || !strings.Contains(g.Place, "A-01") {
		t.Fatalf("restocking: %+v, %v", g, err)
	}
	if g, err = d.clerk.Inspect(ctx, "rma-insp-2", returns.Grading{Line: line, Qty: 1, Grade: "C", Disposition: "scrap"}); err != nil || g.Status != "inspected" {
		t.Fatalf("scrapping: %+v, %v", g, err)
	}

	q, err := d.clerk.Quote(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Each tee was 10.00 (3 × 1000 on the line, no tax); shipping nothing (the order's total is
	// its lines): 20.00 back.
	if q.TotalMinor != 2000 || q.GoodsMinor != 2000 {
		t.Fatalf("quote %+v", q.RefundQuote)
	}
	if _, err := d.clerk.Refund(ctx, "rma-refund-0", returns.RefundRequest{RMA: r.ID, Amount: 2100, Method: "original_payment"}); err == nil ||
		!strings.Contains(err.Error(), "supervisor") {
		t.Fatalf("a clerk paying more than computed: %v", err)
	}
	paid, err := d.clerk.Refund(ctx, "rma-refund-1", returns.RefundRequest{RMA: r.ID, Method: "original_payment"})
	if err != nil || paid.Amount != 2000 || len(paid.CreditNotes) != 1 {
		t.Fatalf("refund %+v, %v", paid, err)
	}
	r, _ = d.clerk.RMA(ctx, r.ID)
	if r.Status != model.RMAClosed || r.Refund != model.RefundDone || len(r.Refunds) != 1 || r.Refunds[0].CreditNote == "" {
		t.Fatalf("after the refund %+v", r)
	}
	var onHand int64
	mustGet(t, d.Owner, &onHand, `SELECT b.on_hand FROM stock_balances b JOIN locations l ON l.id = b.location_id
		JOIN warehouses w ON w.id = l.warehouse_id JOIN products p ON p.id = b.product_id
		WHERE w.code = 'RTM1' AND l.code = 'A-01' AND p.sku = 'TEE-1'`)
	if onHand != 38 {
		t.Errorf("A-01 holds %d tees; want 40 − 3 shipped + 1 restocked = 38", onHand)
	}
	checkClean(t, d.Owner)
}

// The carrier's first scan of a return parcel (oms tracking import) puts its RMA in transit; the
// number is not reported as unknown.
func TestAReturnParcelOnItsWayIsInTransit(t *testing.T) {
	d := newDesk(t)
	ctx := context.Background()
	id, _ := d.Shipped(t, "T1", map[string]int64{"MUG-1": 1})
	o, err := d.clerk.Order(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	r, err := d.clerk.Open(ctx, "", returns.OpenRequest{Order: id, Wish: model.WishStoreCredit,
		Lines: []returns.OpenLine{{Line: o.Lines[0].ID, Qty: 1, Reason: "RET_DAMAGED"}}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := shipping.New(d.Clerk).RecordTracking(ctx, "", []shipping.TrackingEvent{
		{Tracking: r.Tracking, At: time.Now(), Status: "in_transit", Place: "Rotterdam"}})
	if err != nil || len(res.Unknown) != 0 || len(res.Returns) != 1 {
		t.Fatalf("tracking the return parcel: %+v, %v", res, err)
	}
	if r, _ = d.clerk.RMA(ctx, r.ID); r.Status != model.RMAInTransit {
		t.Fatalf("the RMA is %s; want in transit", r.Status)
	}
	checkClean(t, d.Owner)
}
