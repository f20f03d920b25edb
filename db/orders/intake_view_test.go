package orders_test

import (
	"context"
	"strings"
	"testing"

	"oms/db/orders"
	"oms/model"
)

// TestIntakeViewListsRunsRejectsAndExceptions imports two files as the back office would (one
// finished with its counts, one still going) and reads them back as the Intake screen does.
func TestIntakeViewListsRunsRejectsAndExceptions(t *testing.T) {
	owner, clerk := intakeBusiness(t)
	ctx := context.Background()
	ch, err := clerk.ChannelByCode(ctx, "web-eu")
	if err != nil {
		t.Fatal(err)
	}
	tee := model.IncomingLine{ExternalLineID: "L1", SKU: "TEE-1", Qty: 1, AmountMinor: 1000}

	first, err := clerk.StartImport(ctx, ch, "shopify", "orders-monday.csv", strings.Repeat("0f", 32))
	if err != nil {
		t.Fatal(err)
	}
	res, err := clerk.ImportBatch(ctx, first, []orders.Incoming{
		{Order: webOrder("5001", tee), Line: 2, Ref: "#5001"},
		{Order: webOrder("5002", model.IncomingLine{SKU: "NOPE", Qty: 1, AmountMinor: 100}), Line: 9, Ref: "#5002"},
		{Line: 4, Ref: "#5003", Reason: "quantity 0 on line 1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var counts orders.ImportCounts
	for _, r := range res {
		switch r.Outcome {
		case orders.OrderNew:
			counts.New++
		case orders.OrderRejected:
			counts.Rejected++
		}
	}
	if err := clerk.FinishImport(ctx, first, counts); err != nil {
		t.Fatal(err)
	}

	// The second file is still being imported: its rejects so far count already.
	second, err := clerk.StartImport(ctx, ch, "json", "orders-tuesday.jsonl", strings.Repeat("a1", 32))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := clerk.ImportBatch(ctx, second, []orders.Incoming{{Line: 3, Ref: "#6001", Reason: "no lines"}}); err != nil {
		t.Fatal(err)
	}

	runs, err := clerk.ImportRuns(ctx, orders.ImportRunsRequest{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 2 || runs[0].ID != second.ID || runs[1].ID != first.ID {
		t.Fatalf("runs %+v, want the tuesday file then the monday one", runs)
	}
	now, fin := runs[0], runs[1]
	if now.Finished() || now.Rejected != 1 || now.New != 0 || now.Took() != 0 {
		t.Errorf("the running import: finished %v, %d rejected, %d new, took %v; want not finished with 1 reject so far",
			now.Finished(), now.Rejected, now.New, now.Took())
	}
	if !fin.Finished() || fin.New != 1 || fin.Rejected != 2 || fin.Channel != "web-eu" || fin.Format != "shopify" ||
		fin.File != "orders-monday.csv" || fin.SHA256 != strings.Repeat("0f", 32) || fin.Actor == "" || fin.Took() < 0 {
		t.Errorf("the finished import: %+v", fin)
	}

	// Keyset paging: one run a page, newest first, then nothing.
	page, err := clerk.ImportRuns(ctx, orders.ImportRunsRequest{Limit: 1})
	if err != nil || len(page) != 1 || page[0].ID != second.ID {
		t.Fatalf("first page %+v, %v", page, err)
	}
	cur := page[0].Cursor()
	page, err = clerk.ImportRuns(ctx, orders.ImportRunsRequest{Limit: 1, Before: &cur})
	if err != nil || len(page) != 1 || page[0].ID != first.ID {
		t.Fatalf("second page %+v, %v", page, err)
	}
	cur = page[0].Cursor()
	if page, err = clerk.ImportRuns(ctx, orders.ImportRunsRequest{Limit: 1, Before: &cur}); err != nil || len(page) != 0 {
		t.Fatalf("past the oldest run: %+v, %v", page, err)
	}

	rejects, err := clerk.ImportRejects(ctx, first.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(rejects) != 2 || rejects[0].Line != 4 || rejects[0].OrderRef != "#5003" || rejects[0].Reason != "quantity 0 on line 1" ||
		rejects[1].Line != 9 || !strings.Contains(rejects[1].Reason, `unknown SKU "NOPE"`) {
		t.Errorf("rejects of the monday file: %+v", rejects)
	}
	if one, err := clerk.ImportRejects(ctx, first.ID, 1); err != nil || len(one) != 1 || one[0].Line != 4 {
		t.Errorf("the first reject alone: %+v, %v", one, err)
	}

	got, err := clerk.ImportRun(ctx, first.ID)
	if err != nil || got.ID != first.ID || got.Rejected != 2 {
		t.Errorf("run %d by id: %+v, %v", first.ID, got, err)
	}
	if _, err := clerk.ImportRun(ctx, -1); err != orders.ErrNoImportRun {
		t.Errorf("a run that does not exist: %v", err)
	}

	// An order picked and then changed by the channel is an open exception until resolved.
	if ex, err := clerk.OpenOrderExceptions(ctx, 0); err != nil || len(ex) != 0 {
		t.Fatalf("exceptions before any: %+v, %v", ex, err)
	}
	markPicked(t, owner, "5001")
	changed := webOrder("5001", model.IncomingLine{ExternalLineID: "L1", SKU: "TEE-1", Qty: 2, AmountMinor: 2000})
	importAll(t, clerk, "web-eu", false, orders.Incoming{Order: changed, Line: 2, Ref: "#5001"})
	ex, err := clerk.OpenOrderExceptions(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var number string
	mustGet(t, owner, &number, `SELECT number FROM orders WHERE external_id = '5001'`)
	if len(ex) != 1 || ex[0].Number != number || !strings.Contains(ex[0].Message, "after picking started") || !ex[0].RunID.Valid {
		t.Fatalf("open exceptions: %+v, want one for %s", ex, number)
	}
	mustExec(t, owner, `UPDATE order_exceptions SET resolved_at = now(), resolved_by = 'test'`)
	if ex, err := clerk.OpenOrderExceptions(ctx, 0); err != nil || len(ex) != 0 {
		t.Errorf("a resolved exception is still listed: %+v, %v", ex, err)
	}
}
