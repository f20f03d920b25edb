package replenish_test

import (
	"context"
	"testing"
	"time"

	"oms/db/dbtest"
	"oms/db/floortest"
	"oms/db/inbound"
	"oms/db/replenish"
)

// Reorder suggestions by hand at RTM1 (floortest's floor: 40 tees in A-01, 40 mugs in A-02):
//
//	tees: 6 shipped in an order (A-01 34), 3 picked for another (A-01 31; the 3 in PACK are
//	      reserved), 5 in QUARANTINE (not available), 4 of PO-000001's 10 received (4 in
//	      RECEIVING; 6 on order; PO-000002 cancelled) and 2 in transit from BER-M: available
//	      31 + 4 = 35, position 35 + 6 + 2 = 43; demand 6 / 28 × 7 = 1.5, rounded up 2. Point 40:
//	      43 > 42, nothing; point 41: 43 ≤ 43, order the rule's 30.
//	mugs: 10 shipped 40 days ago (outside the 28 days), 4 in the order: available 26, demand
//	      4 / 28 × 14 = 2; point 60: 26 ≤ 62, order max(5, 62 − 26) = 36.
//	caps: nothing at all, point 0: 0 ≤ 0, order the rule's 10, from no supplier.
//
// The draft is one PO from ACME for 36 mugs and 30 tees, expected in 14 days; the caps have
// no supplier. After it the tees are on order and no longer suggested.
func TestReorderSuggestionsAndDraft(t *testing.T) {
	f := floortest.New(t)
	ctx := context.Background()
	mustExec(t, f.Owner, `INSERT INTO locations (warehouse_id, code, kind) SELECT id, 'RECEIVING', 'receiving' FROM warehouses WHERE code = 'RTM1'`)
	floortest.Receive(t, f.Owner, "TEE-1", "QUARANTINE", 5)
	old, err := f.Owner.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`SET LOCAL oms.backdate = 'on'`, `
		INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind, at, actor)
		SELECT p.id, b.id, c.id, 10, 'ship', now() - interval '40 days', 'test' FROM products p, locations b, locations c
		 WHERE p.sku = 'MUG-1' AND b.code = 'A-02' AND b.warehouse_id = (SELECT id FROM warehouses WHERE code = 'RTM1') AND c.kind = 'customer'`} {
		if _, err := old.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	if err := old.Commit(); err != nil {
		t.Fatal(err)
	}
	f.Shipped(t, "T1", map[string]int64{"TEE-1": 6, "MUG-1": 4})
	f.Picked(t, "T2", map[string]int64{"TEE-1": 3})

	office := inbound.New(f.Clerk)
	stockDB := dbtest.LoginAs(t, f.Owner, "stock")
	stock := inbound.New(stockDB)
	if err := office.AddSupplier(ctx, "", inbound.Supplier{Code: "ACME", Name: "Acme Supplies", Country: "NL", Currency: "EUR"}); err != nil {
		t.Fatal(err)
	}
	for _, qty := range []int{10, 50} {
		if _, err := office.CreatePO(ctx, "", inbound.PORequest{Supplier: "ACME", Warehouse: "RTM1", Lines: []inbound.POLineRequest{{SKU: "TEE-1", Qty: qty}}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := stock.Receive(ctx, "", inbound.Receipt{PO: "PO-000001", Scan: "TEE-1", Qty: 4}); err != nil {
		t.Fatal(err)
	}
	if _, err := office.CancelPO(ctx, "", "PO-000002", "too many"); err != nil {
		t.Fatal(err)
	}
	if _, err := stock.CreateTransfer(ctx, "", inbound.TransferRequest{From: "BER-M", To: "RTM1", Lines: []inbound.TransferLineRequest{{SKU: "TEE-1", Qty: 2}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := stock.Ship(ctx, "", "TR-000001", nil); err != nil {
		t.Fatal(err)
	}

	bo := replenish.New(f.Clerk)
	for _, r := range []replenish.Rule{
		{Warehouse: "RTM1", SKU: "TEE-1", Point: 41, Qty: 30, LeadDays: 7, Supplier: "acme"},
		{Warehouse: "RTM1", SKU: "MUG-1", Point: 60, Qty: 5, LeadDays: 14, Supplier: "ACME"},
		{Warehouse: "RTM1", SKU: "CAP-9", Point: 1, Qty: 10, LeadDays: 7},
		{Warehouse: "BER-M", SKU: "TEE-1", Point: 100, Qty: 5, LeadDays: 3, Supplier: "ACME"},
	} {
		if _, err := bo.SetRule(ctx, "", r); err != nil {
			t.Fatalf("rule %+v: %v", r, err)
		}
	}
	_, err = replenish.New(stockDB).SetRule(ctx, "", replenish.Rule{Warehouse: "RTM1", SKU: "TEE-1", Point: 1, Qty: 1})
	wantErr(t, err, "permission denied for function oms_reorder_rule_set")
	_, err = bo.Raise(ctx, "", "RTM1")
	wantErr(t, err, "permission denied for function oms_replenish_raise")

	mug := replenish.Suggestion{Warehouse: "RTM1", SKU: "MUG-1", Supplier: "ACME", Available: 26, Shipped: 4, Demand: 2, LeadDays: 14,
		Point: 60, ReorderQty: 5, Qty: 36}
	cap9 := replenish.Suggestion{Warehouse: "RTM1", SKU: "CAP-9", LeadDays: 7, Point: 1, ReorderQty: 10, Qty: 10}
	tee := replenish.Suggestion{Warehouse: "RTM1", SKU: "TEE-1", Supplier: "ACME", Available: 35, OnOrder: 6, InTransit: 2, Shipped: 6,
		Demand: 2, LeadDays: 7, Point: 42, ReorderQty: 30, Qty: 30}
	same := func(what string, got []replenish.Suggestion, want ...replenish.Suggestion) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("%s: %+v\nwant %+v", what, got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%s: suggestion %d is %+v\nwant %+v", what, i, got[i], want[i])
			}
		}
	}
	got, err := bo.Suggest(ctx, "rtm1")
	if err != nil {
		t.Fatal(err)
	}
	// The tees' position (35 + 6 + 2 = 43) is not below point 41 plus demand 2: no suggestion.
	same("at point 41 for tees", got, cap9, mug)
	if _, err := bo.SetRule(ctx, "", replenish.Rule{Warehouse: "RTM1", SKU: "TEE-1", Point: 42, Qty: 30, LeadDays: 7, Supplier: "ACME"}); err != nil {
		t.Fatal(err)
	}
	got, err = bo.Suggest(ctx, "RTM1")
	if err != nil {
		t.Fatal(err)
	}
	same("at point 42 for tees", got, cap9, mug, tee)

	d, err := bo.Draft(ctx, "test-draft-0001", "RTM1")
	if err != nil {
		t.Fatal(err)
	}
	same("the draft's suggestions", d.Suggestions, cap9, mug, tee)
	if len(d.POs) != 1 || d.POs[0] != (replenish.DraftPO{Number: "PO-000003", Supplier: "ACME", Lines: 2, Units: 66}) ||
		len(d.Unsupplied) != 1 || d.Unsupplied[0] != "CAP-9" {
		t.Fatalf("draft: %+v", d)
	}
	if again, err := bo.Draft(ctx, "test-draft-0001", "RTM1"); err != nil || len(again.POs) != 1 || again.POs[0].Number != "PO-000003" {
		t.Fatalf("the same draft under its key: %+v, %v", again, err)
	}
	po, err := office.PO(ctx, "PO-000003")
	if err != nil {
		t.Fatal(err)
	}
	var expected time.Time
	mustGet(t, f.Owner, &expected, `SELECT current_date + 14`)
	if po.Supplier != "ACME" || po.Warehouse != "RTM1" || po.Status != "open" || po.Expected == nil || !po.Expected.Equal(expected) ||
		len(po.Lines) != 2 || po.Lines[0].SKU != "MUG-1" || po.Lines[0].Ordered != 36 || po.Lines[1].SKU != "TEE-1" || po.Lines[1].Ordered != 30 {
		t.Fatalf("the drafted PO: %+v", po)
	}
	got, err = bo.Suggest(ctx, "RTM1")
	if err != nil {
		t.Fatal(err)
	}
	// The tees are on order now (6 + 30: position 73, not below 44); the mugs' position is
	// their point plus demand exactly (26 + 36 = 62), not below it, so the draft is not
	// suggested again. Only the cap, which no PO covers (its rule names no supplier), remains.
	same("after the draft", got, cap9)
	var pos int
	mustGet(t, f.Owner, &pos, `SELECT count(*) FROM purchase_orders`)
	if pos != 3 {
		t.Fatalf("%d POs, want 3", pos)
	}
	checkClean(t, f.Owner)
}
