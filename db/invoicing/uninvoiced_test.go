package invoicing

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"oms/db"
)

// order_lines.qty_invoiced (migration 00033) is what ShippedUninvoiced finds work by: the
// database keeps it from the invoice lines, nobody else may write it, oms check compares it with
// the invoices, and the partial index on qty_shipped > qty_invoiced makes the search cost the
// work waiting, not the order history.

func invoicedUnits(t *testing.T, w *shop, lines []int64) string {
	t.Helper()
	var out []string
	for _, l := range lines {
		var n int64
		mustGet(t, w.owner, &n, `SELECT qty_invoiced FROM order_lines WHERE id = $1`, l)
		out = append(out, fmt.Sprint(n))
	}
	return strings.Join(out, ",")
}

func toInvoice(t *testing.T, w *shop) string {
	t.Helper()
	todo, err := w.s.ShippedUninvoiced(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, o := range todo {
		out = append(out, fmt.Sprintf("%s:%d", o.Number, o.Shipped))
	}
	return strings.Join(out, " ")
}

// A line shipped in parts is found while it has shipped units not invoiced and not once they
// are; qty_invoiced follows each invoice, and a credit note for returned units leaves it alone
// (they were billed: billing them again would charge for what came back).
func TestShippedUninvoicedFollowsPartialInvoices(t *testing.T) {
	w := newShop(t)
	ctx := context.Background()
	id, number, lines := w.order(t, orderSpec{channel: "web", lines: []line{
		{product: w.mug, qty: 3, amount: 3000, tax: 630, rate: 210000},
		{product: w.tea, qty: 2, amount: 1000, tax: 90, rate: 90000},
	}})
	other, otherNumber, otherLines := w.order(t, orderSpec{channel: "web", lines: []line{
		{product: w.mug, qty: 1, amount: 1000, tax: 210, rate: 210000},
	}})
	if got := toInvoice(t, w); got != "" {
		t.Fatalf("nothing shipped, but %q is waiting", got)
	}
	w.ship(t, lines[0], w.mug, 1)
	w.ship(t, otherLines[0], w.mug, 1)
	if got, want := toInvoice(t, w), number+":1 "+otherNumber+":1"; got != want {
		t.Fatalf("waiting %q, want %q", got, want)
	}
	if _, err := w.s.IssueForOrder(ctx, "issue-1-"+number, id); err != nil {
		t.Fatal(err)
	}
	if got := invoicedUnits(t, w, lines); got != "1,0" {
		t.Errorf("invoiced %s, want 1,0", got)
	}
	if got, want := toInvoice(t, w), otherNumber+":1"; got != want {
		t.Fatalf("after the first invoice, waiting %q, want %q", got, want)
	}
	w.ship(t, lines[0], w.mug, 1)
	w.ship(t, lines[1], w.tea, 2)
	if got, want := toInvoice(t, w), number+":4 "+otherNumber+":1"; got != want {
		t.Fatalf("after more shipped, waiting %q, want %q", got, want)
	}
	if _, err := w.s.IssueForOrder(ctx, "issue-2-"+number, id); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.IssueForOrder(ctx, "issue-"+otherNumber, other); err != nil {
		t.Fatal(err)
	}
	if got := invoicedUnits(t, w, lines); got != "2,2" {
		t.Errorf("invoiced %s, want 2,2", got)
	}
	if got := toInvoice(t, w); got != "" {
		t.Fatalf("everything shipped is invoiced, but %q is waiting", got)
	}
	w.giveBack(t, id, lines[1], w.tea, 1)
	if _, err := w.s.CreditReturns(ctx, "credit-"+number, id); err != nil {
		t.Fatal(err)
	}
	if got := invoicedUnits(t, w, lines); got != "2,2" {
		t.Errorf("after a credit note invoiced %s, want still 2,2", got)
	}
	if got := toInvoice(t, w); got != "" {
		t.Fatalf("a credited unit is not to be invoiced again, but %q is waiting", got)
	}
	audit(t, w.owner, "")
}

// audit runs oms check and fails unless exactly the rule want (or none, for "") has violations.
func audit(t *testing.T, d *db.DB, want string) []db.Violation {
	t.Helper()
	rep, err := d.Check(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	var found []db.Violation
	for _, v := range rep.Violations {
		switch {
		case v.Warning:
		case v.Rule == want:
			found = append(found, v)
		default:
			t.Errorf("oms check: %s: %s", v.Rule, v.Message)
		}
	}
	return found
}

// Only the database writes qty_invoiced: the back office, which may update order lines, is
// refused on update and on insert, in a sentence naming the order and line.
func TestInvoicedUnitsAreTheDatabases(t *testing.T) {
	w := newShop(t)
	id, number, lines := w.order(t, orderSpec{channel: "web", lines: []line{{product: w.mug, qty: 2, amount: 2000, tax: 420, rate: 210000}}})
	_, err := w.bo.Exec(`UPDATE order_lines SET qty_invoiced = 2 WHERE id = $1`, lines[0])
	if err == nil || !strings.Contains(db.MapError(err).Error(), "order "+number+" line 1: invoiced units follow the invoices") {
		t.Errorf("the back office set qty_invoiced: %v", err)
	}
	_, err = w.bo.Exec(`INSERT INTO order_lines (order_id, line_no, external_line_id, product_id, unit_price_minor, qty_ordered, qty_invoiced)
		VALUES ($1, 2, '2', $2, 100, 1, 1)`, id, w.mug)
	if err == nil || !strings.Contains(db.MapError(err).Error(), "invoiced units follow the invoices") {
		t.Errorf("the back office inserted a line already invoiced: %v", err)
	}
	// The column is still theirs to read, and other columns theirs to write.
	if _, err := w.bo.Exec(`UPDATE order_lines SET description = 'Mug, blue' WHERE id = $1`, lines[0]); err != nil {
		t.Errorf("the back office could not edit a line: %v", err)
	}
	var n int64
	if err := w.bo.Get(&n, `SELECT qty_invoiced FROM order_lines WHERE id = $1`, lines[0]); err != nil || n != 0 {
		t.Errorf("the back office reads qty_invoiced %d, %v", n, err)
	}
}

// oms check finds a qty_invoiced that is not its invoices' sum (written behind the trigger's
// back by a superuser with triggers off), naming the order, line and both figures.
func TestCheckCatchesTamperedInvoicedUnits(t *testing.T) {
	w := newShop(t)
	ctx := context.Background()
	id, number, lines := w.order(t, orderSpec{channel: "web", lines: []line{{product: w.mug, qty: 2, amount: 2000, tax: 420, rate: 210000}}})
	w.ship(t, lines[0], w.mug, 2)
	if _, err := w.s.IssueForOrder(ctx, "issue-"+number, id); err != nil {
		t.Fatal(err)
	}
	if v := audit(t, w.owner, "invoiced_units"); len(v) != 0 {
		t.Fatalf("an honest database: %v", v)
	}
	tx, err := w.owner.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`SET LOCAL session_replication_role = replica`, fmt.Sprintf(`UPDATE order_lines SET qty_invoiced = 1 WHERE id = %d`, lines[0])} {
		if _, err := tx.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	v := audit(t, w.owner, "invoiced_units")
	if want := "Order " + number + " line 1 (MUG-1) says 1 invoiced, but its invoices bill 2"; len(v) != 1 || v[0].Message != want {
		t.Errorf("oms check found %v, want one: %s", v, want)
	}
}

// With thousands of orders shipped and invoiced and one waiting, the search reads the partial
// index of lines with uninvoiced units instead of every shipped order's lines and invoices.
func TestShippedUninvoicedUsesThePartialIndex(t *testing.T) {
	w := newShop(t)
	id, number, lines := w.order(t, orderSpec{channel: "web", lines: []line{{product: w.mug, qty: 2, amount: 2000, tax: 420, rate: 210000}}})
	w.ship(t, lines[0], w.mug, 1)
	// 20,000 orders of history, shipped and invoiced, written as a restore would (triggers off).
	tx, err := w.owner.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`SET LOCAL session_replication_role = replica`,
		fmt.Sprintf(`INSERT INTO orders (number, channel_id, external_id, customer_id, customer_name, ship_to_address_id,
			currency, subtotal_minor, total_minor, status, ordered_at, promised_at, warehouse_id)
			SELECT 'H-' || g, o.channel_id, 'H-' || g, o.customer_id, o.customer_name, o.ship_to_address_id, o.currency, 1000, 1000,
			       'shipped', now(), now(), o.warehouse_id
			  FROM generate_series(1, 20000) g CROSS JOIN orders o WHERE o.id = %d`, id),
		fmt.Sprintf(`INSERT INTO order_lines (order_id, line_no, external_line_id, product_id, unit_price_minor, amount_minor,
			qty_ordered, qty_allocated, qty_picked, qty_packed, qty_shipped, qty_invoiced)
			SELECT o.id, 1, '1', %d, 1000, 1000, 1, 1, 1, 1, 1, 1 FROM orders o WHERE o.number LIKE 'H-%%'`, w.mug),
		`ANALYZE orders`, `ANALYZE order_lines`,
	} {
		if _, err := tx.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	var plan []string
	if err := w.owner.Select(&plan, `EXPLAIN `+shippedUninvoicedSQL); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(plan, "\n")
	if !strings.Contains(text, "order_lines_uninvoiced") || strings.Contains(text, "Seq Scan on order_lines") {
		t.Errorf("the search does not read the partial index:\n%s", text)
	}
	if got, want := toInvoice(t, w), number+":1"; got != want {
		t.Errorf("waiting %q, want %q", got, want)
	}
}
