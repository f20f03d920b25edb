package invoicing

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"oms/db/company"
)

func ptr[T any](v T) *T { return &v }

// What a printed invoice needs comes back with the document: the seller and its VAT number, the
// buyer with theirs, the bill-to and ship-to addresses, the order and the id the customer knows
// it by, lines with SKUs (shipping without), tax lines, totals in both currencies, the rate and
// its date, the note, and for a credit note the invoice it corrects. Lists filter by order,
// issue day and series.
func TestReadDocumentsAndListThem(t *testing.T) {
	w := newShop(t)
	ctx := context.Background()
	id, number, lines := w.order(t, orderSpec{channel: "phone", shipping: 500,
		buyer: buyer{Name: "Müller GmbH", Country: "DE", VAT: "DE123456789", Company: "Müller Einkauf"},
		lines: []line{{product: w.mug, qty: 2, amount: 2000}}})
	w.ship(t, lines[0], w.mug, 2)
	inv, err := w.s.IssueForOrder(ctx, "read-doc-1", id)
	if err != nil {
		t.Fatal(err)
	}
	w.giveBack(t, id, lines[0], w.mug, 1)
	cns, err := w.s.CreditReturns(ctx, "read-doc-2", id)
	if err != nil {
		t.Fatal(err)
	}
	other, _, otherLines := w.order(t, orderSpec{channel: "web", lines: []line{{product: w.tea, qty: 1, amount: 500, tax: 45, rate: 90000}}})
	w.ship(t, otherLines[0], w.tea, 1)
	if _, err := w.s.IssueForOrder(ctx, "read-doc-3", other); err != nil {
		t.Fatal(err)
	}

	d := w.doc(t, inv.Number)
	if d.Kind != Invoice || d.Series != "invoice" || d.OrderNumber != number || d.OrderExternal != number || d.Credits != "" {
		t.Errorf("header %+v", d)
	}
	if d.Seller.Name != "Jansen Trading B.V." || d.Seller.Country != "NL" || d.Seller.VATNumber != "NL123456789B01" {
		t.Errorf("seller %+v", d.Seller)
	}
	// The seller's address is the company's as it was at issue (00028, 00035): none was set,
	// and setting one afterwards does not rewrite the invoice (TestADocumentKeepsItsPartiesAsIssued
	// shows the next invoice carrying it).
	if d.Seller.Line1 != "" || d.Seller.City != "" {
		t.Errorf("seller address before one is set: %+v", d.Seller)
	}
	if _, err := company.New(w.owner).Update(ctx, company.Changes{Line1: ptr("Wijnhaven 3"), Line2: ptr("2nd floor"),
		PostalCode: ptr("3011 WG"), City: ptr("Rotterdam"), Region: ptr("Zuid-Holland")}); err != nil {
		t.Fatal(err)
	}
	if s := w.doc(t, inv.Number).Seller; s != (Party{Name: "Jansen Trading B.V.", Country: "NL", VATNumber: "NL123456789B01"}) {
		t.Errorf("the invoice's seller after the company moved: %+v", s)
	}
	if d.Buyer.Name != "Müller GmbH" || d.Buyer.VATNumber != "DE123456789" || d.BillTo == nil ||
		d.BillTo.Company != "Müller Einkauf" || d.BillTo.VATNumber != "DE123456789" || d.ShipTo.City != "Somewhere" ||
		d.ShipTo.Country != "DE" || d.ShipTo.Line1 != "Hauptstraße 1" {
		t.Errorf("buyer %+v bill-to %+v ship-to %+v", d.Buyer, d.BillTo, d.ShipTo)
	}
	if got := linesView(d); got != "MUG-1 2×1000−0+0@0=2000; 1×500−0+0@0=500" || d.Lines[1].Description != "Shipping" {
		t.Errorf("lines %s (%q)", got, d.Lines[1].Description)
	}
	if d.Total != 2500 || d.TotalBase != 2500 || d.FXRate != "1" || d.FXDate.Format(time.DateOnly) != w.today(t) ||
		!strings.HasPrefix(d.Notes, "Reverse charge") || taxView(d) != "0: 2500/0 → 2500/0" {
		t.Errorf("total %d (base %d) at %s of %s, notes %q, tax %s", d.Total, d.TotalBase, d.FXRate,
			d.FXDate.Format(time.DateOnly), d.Notes, taxView(d))
	}
	cn := w.doc(t, cns[0].Number)
	if cn.Kind != CreditNote || cn.Credits != inv.Number || cn.Notes != d.Notes || linesView(cn) != "MUG-1 1×1000−0+0@0=1000" {
		t.Errorf("credit note of %q, notes %q: %s", cn.Credits, cn.Notes, linesView(cn))
	}
	if _, err := w.s.Document(ctx, "INV-1999-0000001"); !errors.Is(err, ErrNoDocument) {
		t.Errorf("a number that does not exist: %v", err)
	}

	list := func(f ListFilter) string {
		t.Helper()
		got, err := w.s.List(ctx, f, 10)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, s := range got {
			out = append(out, s.Number+" "+s.OrderNumber)
		}
		return strings.Join(out, ", ")
	}
	var otherNumber string
	mustGet(t, w.owner, &otherNumber, `SELECT number FROM orders WHERE id = $1`, other)
	today, _ := time.Parse(time.DateOnly, w.today(t))
	if got := list(ListFilter{Order: strings.ToLower(number)}); got != cns[0].Number+" "+number+", "+inv.Number+" "+number {
		t.Errorf("by order: %s", got)
	}
	if got := list(ListFilter{Series: "credit_note"}); got != cns[0].Number+" "+number {
		t.Errorf("credit notes: %s", got)
	}
	if got := list(ListFilter{From: today, To: today}); strings.Count(got, ",") != 2 {
		t.Errorf("today: %s", got)
	}
	if got := list(ListFilter{To: today.AddDate(0, 0, -1)}); got != "" {
		t.Errorf("before today: %s", got)
	}
}
