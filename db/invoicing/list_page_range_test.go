package invoicing

import (
	"context"
	"testing"
	"time"
)

// A range of issue days bounds every kind of page, both days included (UTC calendar days, as
// the invoices screen types them): paging one document at a time by keyset inside today walks
// every document issued today, and a range that ends yesterday or starts tomorrow, paged from
// any cursor, holds none.
func TestDocumentPagesKeepToTheirDays(t *testing.T) {
	w := newShop(t)
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		id, number, lines := w.order(t, orderSpec{channel: "web", buyer: buyer{Name: "Buyer " + string(rune('A'+i)), Country: "NL"},
			lines: []line{{product: w.mug, qty: 1, amount: 1000, tax: 210, rate: 210000}}})
		w.ship(t, lines[0], w.mug, 1)
		if _, err := w.s.IssueForOrder(ctx, "days-"+number, id); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now().UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	walk := func(f ListFilter) []PageRow {
		var out []PageRow
		req := PageRequest{Filter: f, Limit: 1}
		for {
			page, err := w.s.DocumentPage(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				return out
			}
			out = append(out, page...)
			c := page[len(page)-1].Cursor()
			req.After = &c
		}
	}
	all := walk(ListFilter{From: today, To: today})
	if len(all) != 3 {
		t.Fatalf("today, one at a time: %d documents, want 3", len(all))
	}
	first, last := all[0].Cursor(), all[len(all)-1].Cursor()
	for _, f := range []ListFilter{{To: today.AddDate(0, 0, -1)}, {From: today.AddDate(0, 0, 1)},
		{From: today.AddDate(0, 0, -7), To: today.AddDate(0, 0, -1)}} {
		if got := walk(f); len(got) != 0 {
			t.Errorf("%s..%s: %d documents issued today", f.From.Format(time.DateOnly), f.To.Format(time.DateOnly), len(got))
		}
		for _, req := range []PageRequest{{Filter: f, Before: &last, Limit: 10}, {Filter: f, From: &first, Limit: 10}} {
			if got, err := w.s.DocumentPage(ctx, req); err != nil || len(got) != 0 {
				t.Errorf("%s..%s from a cursor: %d documents (%v)", f.From.Format(time.DateOnly), f.To.Format(time.DateOnly), len(got), err)
			}
		}
	}
	if got, err := w.s.DocumentPage(ctx, PageRequest{Filter: ListFilter{From: today}, Before: &last, Limit: 10}); err != nil || len(got) != 2 {
		t.Errorf("from today, before the oldest: %d documents (%v), want 2", len(got), err)
	}
}
