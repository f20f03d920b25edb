package invoicing

import (
	"context"
	"strings"
	"testing"
)

// Paging newest first by keyset, two at a time, walks every document once in List's order,
// with the customer and the invoice a credit note corrects; paging back returns the same pages;
// a refresh from a row starts there; the filters narrow pages as they narrow List.
func TestDocumentPagesWalkEveryDocumentOnce(t *testing.T) {
	w := newShop(t)
	ctx := context.Background()
	var invoices []string
	var creditOrder string
	for i := 0; i < 3; i++ {
		id, number, lines := w.order(t, orderSpec{channel: "web", buyer: buyer{Name: "Buyer " + string(rune('A'+i)), Country: "NL"},
			lines: []line{{product: w.mug, qty: 2, amount: 2000, tax: 420, rate: 210000}}})
		w.ship(t, lines[0], w.mug, 2)
		inv, err := w.s.IssueForOrder(ctx, "page-"+number, id)
		if err != nil {
			t.Fatal(err)
		}
		invoices = append(invoices, inv.Number)
		if i == 1 {
			w.giveBack(t, id, lines[0], w.mug, 1)
			if _, err := w.s.CreditReturns(ctx, "page-cn-"+number, id); err != nil {
				t.Fatal(err)
			}
			creditOrder = number
		}
	}
	all, err := w.s.List(ctx, ListFilter{}, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 4 {
		t.Fatalf("%d documents, want 4", len(all))
	}
	var walked []PageRow
	var pages [][]PageRow
	req := PageRequest{Limit: 2}
	for {
		page, err := w.s.DocumentPage(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		pages = append(pages, page)
		walked = append(walked, page...)
		c := page[len(page)-1].Cursor()
		req.After = &c
	}
	if len(walked) != len(all) {
		t.Fatalf("walked %d documents, want %d", len(walked), len(all))
	}
	for i := range all {
		if walked[i].Number != all[i].Number {
			t.Fatalf("document %d is %s, List says %s", i, walked[i].Number, all[i].Number)
		}
		if r := walked[i]; r.Kind == CreditNote && (r.Credits != invoices[1] || r.OrderNumber != creditOrder || r.Customer != "Buyer B") {
			t.Errorf("credit note %+v", r)
		}
	}
	before := pages[1][0].Cursor()
	back, err := w.s.DocumentPage(ctx, PageRequest{Before: &before, Limit: 2})
	if err != nil || len(back) != 2 || back[0].Number != pages[0][0].Number || back[1].Number != pages[0][1].Number {
		t.Fatalf("the page before the second: %+v, %v", back, err)
	}
	from := pages[0][1].Cursor()
	again, err := w.s.DocumentPage(ctx, PageRequest{From: &from, Limit: 10})
	if err != nil || len(again) != 3 || again[0].Number != pages[0][1].Number {
		t.Fatalf("from the second row: %+v, %v", again, err)
	}
	byOrder, err := w.s.DocumentPage(ctx, PageRequest{Filter: ListFilter{Order: strings.ToLower(creditOrder)}, Limit: 10})
	if err != nil || len(byOrder) != 2 || byOrder[0].Kind != CreditNote || byOrder[1].Number != invoices[1] {
		t.Fatalf("by order %s: %+v, %v", creditOrder, byOrder, err)
	}
	credits, err := w.s.DocumentPage(ctx, PageRequest{Filter: ListFilter{Series: "credit_note"}, Limit: 10})
	if err != nil || len(credits) != 1 {
		t.Fatalf("credit notes: %+v, %v", credits, err)
	}
	series, err := w.s.DocumentSeries(ctx)
	if err != nil || len(series) != 2 || series[0].Code != "invoice" || series[1].Prefix != "CN-" {
		t.Fatalf("series %+v, %v", series, err)
	}
}
