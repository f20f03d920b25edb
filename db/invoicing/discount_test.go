package invoicing

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// Order-level discounts (a voucher on the whole basket) reach the invoices: the lines share
// the order's discount beyond their own pro rata to their amounts after their own discounts
// (largest remainder), so what is invoiced adds up to what the customer paid.

// discounted is an imported EUR order of 2 mugs (20.00, 21 %) and 3 teas (10.00, 9 %) with
// 3.00 off the whole order, which the channel taxed after the discount: the mugs carry 2.00 of
// it (18.00 net, 3.78 tax), the teas 1.00 (9.00 net, 0.81 tax); shipping 4.95 + 1.04 tax.
// The customer paid 30.00 − 3.00 + 4.95 + 5.63 = 37.58.
func discounted(t *testing.T, w *shop) (id int64, number string, lines []int64) {
	t.Helper()
	id, number, lines = w.order(t, orderSpec{channel: "web", shipping: 495, shipTax: 104, discount: 300, lines: []line{
		{product: w.mug, qty: 2, amount: 2000, tax: 378, rate: 210000},
		{product: w.tea, qty: 3, amount: 1000, tax: 81, rate: 90000},
	}})
	var total int64
	mustGet(t, w.owner, &total, `SELECT total_minor FROM orders WHERE id = $1`, id)
	if total != 3758 {
		t.Fatalf("the order totals %d, want 3758", total)
	}
	return id, number, lines
}

// sums is what the documents of an order add up to, per kind: net, tax and total, and the
// taxable amount and tax per rate ("90000: 900/81; 210000: 2295/482").
func sums(t *testing.T, w *shop, order int64, kind string) (net, tax, total int64, perRate string) {
	t.Helper()
	mustGet(t, w.owner, &net, `SELECT coalesce(sum(subtotal_minor), 0) FROM invoices WHERE order_id = $1 AND kind = $2`, order, kind)
	mustGet(t, w.owner, &tax, `SELECT coalesce(sum(tax_minor), 0) FROM invoices WHERE order_id = $1 AND kind = $2`, order, kind)
	mustGet(t, w.owner, &total, `SELECT coalesce(sum(total_minor), 0) FROM invoices WHERE order_id = $1 AND kind = $2`, order, kind)
	var rows []struct {
		Rate    int64 `db:"tax_rate_ppm"`
		Taxable int64 `db:"taxable"`
		Tax     int64 `db:"tax"`
	}
	if err := w.owner.Select(&rows, `SELECT t.tax_rate_ppm, sum(t.taxable_minor) AS taxable, sum(t.tax_minor) AS tax
		FROM invoice_tax_lines t JOIN invoices i ON i.id = t.invoice_id WHERE i.order_id = $1 AND i.kind = $2
		GROUP BY 1 ORDER BY 1`, order, kind); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, fmt.Sprintf("%d: %d/%d", r.Rate, r.Taxable, r.Tax))
	}
	return net, tax, total, strings.Join(out, "; ")
}

// Invoiced whole, the invoice is the order to the cent: each line's discount is its share of
// the order's (2.00 and 1.00), tax per rate is on the discounted amounts as the channel stated.
func TestOrderDiscountOnOneInvoice(t *testing.T) {
	w := newShop(t)
	ctx := context.Background()
	id, number, lines := discounted(t, w)
	w.ship(t, lines[0], w.mug, 2)
	w.ship(t, lines[1], w.tea, 3)
	iss, err := w.s.IssueForOrder(ctx, "issue-"+number, id)
	if err != nil {
		t.Fatal(err)
	}
	d := w.doc(t, iss.Number)
	if got, want := linesView(d), "MUG-1 2×1000−200+378@210000=2178; TEA-1 3×334−102+81@90000=981; 1×495−0+104@210000=599"; got != want {
		t.Errorf("lines\n got  %s\n want %s", got, want)
	}
	if got, want := taxView(d), "90000: 900/81 → 900/81; 210000: 2295/482 → 2295/482"; got != want {
		t.Errorf("tax lines\n got  %s\n want %s", got, want)
	}
	if d.Subtotal != 3195 || d.Tax != 563 || d.Total != 3758 {
		t.Errorf("the invoice is %d + %d = %d, want 3195 + 563 = 3758, what the customer paid", d.Subtotal, d.Tax, d.Total)
	}
}

// Billed in two shipments, the invoices still add up to the order, per line and per rate: the
// first unit of each line takes its part of the line's share of the order's discount, the last
// units the rest.
func TestOrderDiscountAcrossTwoShipments(t *testing.T) {
	w := newShop(t)
	ctx := context.Background()
	id, number, lines := discounted(t, w)
	w.ship(t, lines[0], w.mug, 1)
	w.ship(t, lines[1], w.tea, 1)
	first, err := w.s.IssueForOrder(ctx, "issue-1-"+number, id)
	if err != nil {
		t.Fatal(err)
	}
	// MUG 1 of 2: 1000 less 100 of its 200 discount, 189 of its 378 tax. TEA 1 of 3: 333 less
	// 33 of its 100 discount, 27 of its 81 tax (shares rounded half up by unit, as lines are).
	if got, want := linesView(w.doc(t, first.Number)), "MUG-1 1×1000−100+189@210000=1089; TEA-1 1×333−33+27@90000=327; 1×495−0+104@210000=599"; got != want {
		t.Errorf("first invoice\n got  %s\n want %s", got, want)
	}
	w.ship(t, lines[0], w.mug, 1)
	w.ship(t, lines[1], w.tea, 2)
	second, err := w.s.IssueForOrder(ctx, "issue-2-"+number, id)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := linesView(w.doc(t, second.Number)), "MUG-1 1×1000−100+189@210000=1089; TEA-1 2×334−68+54@90000=654"; got != want {
		t.Errorf("second invoice\n got  %s\n want %s", got, want)
	}
	net, tax, total, perRate := sums(t, w, id, "invoice")
	if net != 3195 || tax != 563 || total != 3758 || perRate != "90000: 900/81; 210000: 2295/482" {
		t.Errorf("the two invoices add up to %d + %d = %d (%s), want the order's 3195 + 563 = 3758 (90000: 900/81; 210000: 2295/482)",
			net, tax, total, perRate)
	}
	for i, want := range []int64{1800, 900} {
		var billed int64
		mustGet(t, w.owner, &billed, `SELECT sum(qty * unit_price_minor - discount_minor) FROM invoice_lines WHERE order_line_id = $1`, lines[i])
		if billed != want {
			t.Errorf("line %d was billed %d net in all, want %d (its amount less its share of the order's discount)", i+1, billed, want)
		}
	}
}

// A unit that comes back is credited with its share of the order's discount: the credit note
// gives back what the customer paid for it, not its list price.
func TestOrderDiscountCreditedWithTheReturnedUnit(t *testing.T) {
	w := newShop(t)
	ctx := context.Background()
	id, number, lines := discounted(t, w)
	w.ship(t, lines[0], w.mug, 2)
	w.ship(t, lines[1], w.tea, 3)
	if _, err := w.s.IssueForOrder(ctx, "issue-"+number, id); err != nil {
		t.Fatal(err)
	}
	w.giveBack(t, id, lines[0], w.mug, 1)
	w.giveBack(t, id, lines[1], w.tea, 3)
	notes, err := w.s.CreditReturns(ctx, "credit-"+number, id)
	if err != nil || len(notes) != 1 {
		t.Fatalf("credit notes %+v, %v", notes, err)
	}
	if got, want := linesView(w.doc(t, notes[0].Number)), "MUG-1 1×1000−100+189@210000=1089; TEA-1 3×334−102+81@90000=981"; got != want {
		t.Errorf("credit note\n got  %s\n want %s", got, want)
	}
	_, _, total, perRate := sums(t, w, id, "credit_note")
	if total != 2070 || perRate != "90000: 900/81; 210000: 900/189" {
		t.Errorf("credited %d (%s), want 2070 (90000: 900/81; 210000: 900/189): a mug at 9.00 and the teas at 9.00 net", total, perRate)
	}
}

// An order entered by hand is taxed by oms: the tax per rate is worked out on the amounts after
// the order's discount (NL, per line: 18.00 × 21 % = 3.78, 9.00 × 9 % = 0.81, shipping 6.95 ×
// 21 % = 1.46), and OrderTax, which the order is saved with, says the same.
func TestOrderDiscountTaxedAfterTheDiscount(t *testing.T) {
	w := newShop(t)
	ctx := context.Background()
	id, number, lines := w.order(t, orderSpec{channel: "phone", shipping: 695, discount: 300, lines: []line{
		{product: w.mug, qty: 2, amount: 2000},
		{product: w.tea, qty: 3, amount: 1000},
	}})
	w.ship(t, lines[0], w.mug, 2)
	w.ship(t, lines[1], w.tea, 3)
	iss, err := w.s.IssueForOrder(ctx, "issue-"+number, id)
	if err != nil {
		t.Fatal(err)
	}
	d := w.doc(t, iss.Number)
	if got, want := taxView(d), "90000: 900/81 → 900/81; 210000: 2495/524 → 2495/524"; got != want {
		t.Errorf("tax lines\n got  %s\n want %s", got, want)
	}
	if d.Total != 3000-300+695+605 {
		t.Errorf("total %d, want %d", d.Total, 3000-300+695+605)
	}
	tx, err := w.owner.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	tax, err := OrderTax(ctx, tx, id, w.daysAgo(t, 0))
	if err != nil {
		t.Fatal(err)
	}
	if tax.TaxMinor != 605 || tax.Lines[lines[0]].TaxMinor != 378 || tax.Lines[lines[1]].TaxMinor != 81 || tax.Shipping.TaxMinor != 146 {
		t.Errorf("OrderTax %+v, want 605 in all: 378, 81 and 146 for the shipping", tax)
	}
}

// A discount larger than the goods (a shipping promotion on a cheap item) leaves the goods at
// nothing and takes the rest off the shipping.
func TestOrderDiscountBeyondTheGoodsComesOffTheShipping(t *testing.T) {
	w := newShop(t)
	ctx := context.Background()
	id, number, lines := w.order(t, orderSpec{channel: "phone", shipping: 695, discount: 1200, lines: []line{
		{product: w.mug, qty: 1, amount: 1000},
	}})
	w.ship(t, lines[0], w.mug, 1)
	iss, err := w.s.IssueForOrder(ctx, "issue-"+number, id)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := linesView(w.doc(t, iss.Number)), "MUG-1 1×1000−1000+0@210000=0; 1×695−200+104@210000=599"; got != want {
		t.Errorf("lines\n got  %s\n want %s", got, want)
	}
}
