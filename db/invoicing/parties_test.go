package invoicing

import (
	"context"
	"testing"
)

// TestADocumentKeepsItsPartiesAsIssued: the company moves and changes its VAT number, the
// customer renames and registers for VAT; the invoice issued before still names both as they
// were, with the seller's phone and e-mail, and the next invoice names them as they are now.
func TestADocumentKeepsItsPartiesAsIssued(t *testing.T) {
	w := newShop(t)
	ctx := context.Background()
	mustExec(t, w.owner, `UPDATE company SET line1 = 'Wijnhaven 3', postal_code = '3011 WG', city = 'Rotterdam',
		phone = '+31 10 123 4567', email = 'invoices@jansen.example'`)
	id, number, lines := w.order(t, orderSpec{channel: "web", buyer: buyer{Name: "Anna de Vries", Country: "NL"},
		lines: []line{{product: w.mug, qty: 2, amount: 2000, tax: 420, rate: 210000}}})
	w.ship(t, lines[0], w.mug, 1)
	first, err := w.s.IssueForOrder(ctx, "issue-1-"+number, id)
	if err != nil {
		t.Fatal(err)
	}

	mustExec(t, w.owner, `UPDATE company SET line1 = 'Coolsingel 40', postal_code = '3011 AD', vat_number = 'NL999999999B01',
		phone = '', email = ''`)
	mustExec(t, w.owner, `UPDATE customers SET name = 'Anna Jansen', vat_number = 'NL000099998B57' WHERE external_id = $1`, number)
	w.ship(t, lines[0], w.mug, 1)
	second, err := w.s.IssueForOrder(ctx, "issue-2-"+number, id)
	if err != nil {
		t.Fatal(err)
	}

	old := w.doc(t, first.Number)
	if s := old.Seller; s.Line1 != "Wijnhaven 3" || s.PostalCode != "3011 WG" || s.VATNumber != "NL123456789B01" ||
		s.Phone != "+31 10 123 4567" || s.Email != "invoices@jansen.example" {
		t.Errorf("the first invoice's seller is %+v, want the company as it was at issue", s)
	}
	if b := old.Buyer; b.Name != "Anna de Vries" || b.VATNumber != "" {
		t.Errorf("the first invoice's buyer is %+v, want the customer as they were at issue", b)
	}
	now := w.doc(t, second.Number)
	if s := now.Seller; s.Line1 != "Coolsingel 40" || s.VATNumber != "NL999999999B01" || s.Phone != "" {
		t.Errorf("the second invoice's seller is %+v, want the company as it is now", s)
	}
	if b := now.Buyer; b.Name != "Anna Jansen" || b.VATNumber != "NL000099998B57" {
		t.Errorf("the second invoice's buyer is %+v", b)
	}
}
