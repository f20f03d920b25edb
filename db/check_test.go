package db_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"oms/db"
	"oms/db/company"
	"oms/db/dbtest"
	"oms/db/seed"
)

// seeded is a fresh copy of a small seeded business in which every invariant holds.
func seeded(t *testing.T) *db.DB {
	t.Helper()
	return dbtest.Filled(t, "check-300", func(ctx context.Context, d *db.DB) error {
		_, err := seed.Run(ctx, d, seed.Options{Orders: 300, SKUs: 60, Seed: 3}, nil)
		return err
	})
}

func mustExec(t *testing.T, d *db.DB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := d.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// replica wraps statements in a transaction with triggers and foreign keys switched off.
func replica(stmts string) string {
	return "BEGIN; SET LOCAL session_replication_role = replica; " + stmts + "; COMMIT"
}

func check(t *testing.T, d *db.DB) db.CheckReport {
	t.Helper()
	rep, err := d.Check(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestCheckPassesOnSeededData(t *testing.T) {
	rep := check(t, seeded(t))
	if !rep.OK() {
		t.Fatalf("violations on freshly seeded data: %v", rep.Violations)
	}
	if len(rep.Rules) != 22 {
		t.Fatalf("%d rules checked, want 22", len(rep.Rules))
	}

}

// TestCheckFindsEachKindOfViolation breaks each invariant the way a bug or a hand edit could
// and expects a sentence naming the thing broken. Where a constraint would refuse the edit, the
// test drops the constraint first, as a damaged or hand-altered database might have.
func TestCheckFindsEachKindOfViolation(t *testing.T) {
	cases := []struct {
		rule   string
		break_ []string
		says   []string
	}{
		{"ledger", []string{`UPDATE stock_balances SET on_hand = on_hand + 2
			WHERE (location_id, product_id) = (SELECT location_id, product_id FROM stock_balances
			 WHERE NOT location_virtual AND reserved = 0 AND on_hand > 0 ORDER BY 1, 2 LIMIT 1)`},
			[]string{"Bin ", " on hand, but its movements add up to ", "(2 more than the ledger)"}},
		{"negative", []string{`ALTER TABLE stock_balances DROP CONSTRAINT stock_balances_no_negative_stock`,
			`ALTER TABLE stock_balances DROP CONSTRAINT stock_balances_reserved_in_range`,
			`UPDATE stock_balances SET on_hand = -3
			WHERE (location_id, product_id) = (SELECT location_id, product_id FROM stock_balances
			 WHERE NOT location_virtual AND reserved = 0 ORDER BY 1, 2 LIMIT 1)`},
			[]string{"has -3 × ", "stock in a real location can never be negative"}},
		{"over_reserved", []string{`ALTER TABLE stock_balances DROP CONSTRAINT stock_balances_reserved_in_range`,
			`UPDATE stock_balances SET reserved = on_hand + 5
			WHERE (location_id, product_id) = (SELECT location_id, product_id FROM stock_balances
			 WHERE NOT location_virtual AND on_hand > 0 ORDER BY 1, 2 LIMIT 1)`},
			[]string{" reserved but only ", " on hand"}},
		{"line_reservations", []string{replica(`DELETE FROM reservations WHERE id = (SELECT min(id) FROM reservations)`)},
			[]string{"Order SO-", " allocated and not shipped, but ", " reserved in stock"}},
		{"balance_reservations", []string{`UPDATE stock_balances SET reserved = reserved - 1
			WHERE (location_id, product_id) = (SELECT location_id, product_id FROM stock_balances
			 WHERE reserved > 0 ORDER BY 1, 2 LIMIT 1)`},
			[]string{" are reserved, but orders hold reservations for "}},
		{"order_counts", []string{`INSERT INTO order_count_deltas (channel_id, warehouse_id, status, n)
			SELECT channel_id, coalesce(warehouse_id, 0), status, 4 FROM orders WHERE status = 'picking' ORDER BY id LIMIT 1`},
			[]string{"The queue counts ", " picking orders from ", ", but there are "}},
		// The rest are refused by triggers and foreign keys; a restore with triggers off
		// (session_replication_role = replica, as pg_restore does) is how they could get in.
		{"status", []string{replica(`UPDATE orders SET status = 'shipped' WHERE id = (SELECT min(id) FROM orders WHERE status = 'allocated')`)},
			[]string{"Order SO-", " is stored as Shipped, but its lines say Allocated"}},
		{"status", []string{replica(`UPDATE orders SET status = 'shipped' WHERE id = (SELECT min(id) FROM orders WHERE status = 'delivered')`)},
			[]string{"Order SO-", " is stored as Shipped, but its lines and shipments say Delivered (every shipment is delivered)"}},
		{"status", []string{replica(`UPDATE shipments SET status = 'shipped', delivered_at = NULL
			WHERE order_id = (SELECT min(id) FROM orders WHERE status = 'delivered')`)},
			[]string{"Order SO-", " is stored as Delivered, but its lines and shipments say Shipped (not every shipment is delivered)"}},
		{"line_movements", []string{replica(`UPDATE order_lines SET qty_shipped = qty_shipped - 1
			WHERE id = (SELECT min(id) FROM order_lines WHERE qty_shipped > 1 AND qty_returned = 0)`)},
			[]string{"Order SO-", " shipped and 0 returned, but its movements say "}},
		{"lots", []string{replica(`UPDATE lots SET product_id = (SELECT min(id) FROM products WHERE NOT lot_tracked)
			WHERE id = (SELECT min(lot_id) FROM stock_balances WHERE on_hand > 0)`)},
			[]string{" names lot ", ", which belongs to "}},
		{"line_products", []string{replica(`UPDATE order_lines SET product_id = (SELECT max(id) FROM products)
			WHERE id = (SELECT min(order_line_id) FROM reservations)`)},
			[]string{"Reservation ", " but order SO-"}},
		{"invoice_series", []string{replica(`DELETE FROM invoice_lines WHERE invoice_id = (SELECT min(id) FROM invoices WHERE kind = 'invoice');
			DELETE FROM invoice_tax_lines WHERE invoice_id = (SELECT min(id) FROM invoices WHERE kind = 'invoice');
			DELETE FROM invoices WHERE id = (SELECT min(id) FROM invoices WHERE kind = 'invoice')`)},
			[]string{"The invoice series of ", "numbers missing: 1"}},
		{"invoice_totals", []string{replica(`UPDATE invoices SET subtotal_minor = subtotal_minor + 100, total_minor = total_minor + 100
			WHERE id = (SELECT min(id) FROM invoices)`)},
			[]string{"Invoice INV-", " net and ", " tax, but its lines add up to "}},
		{"credits", []string{replica(`UPDATE refunds SET amount_minor = amount_minor * 100 WHERE id = (SELECT min(id) FROM refunds)`)},
			[]string{"Order SO-", ", but ", " has been refunded"}},
		{"returns", []string{replica(`UPDATE rma_lines SET qty_received = qty_received - 1, qty_inspected = qty_inspected - 1,
			qty_refunded = 0 WHERE id = (SELECT min(id) FROM rma_lines WHERE qty_inspected > 0)`)},
			[]string{"RMA-", " inspected, but its return movements bring "}},
		{"rma_status", []string{replica(`UPDATE rmas SET status = 'requested' WHERE id = (SELECT min(id) FROM rmas WHERE status = 'closed')`)},
			[]string{"RMA-", " reads requested (refund ", "but its lines say closed"}},
		{"packages", []string{replica(`UPDATE package_lines SET qty = qty + 1
			WHERE (package_id, order_line_id) = (SELECT package_id, order_line_id FROM package_lines ORDER BY 1, 2 LIMIT 1)`)},
			[]string{"Order SO-", " packed, but its packages hold "}},
		{"shipped_parcels", []string{replica(`UPDATE package_lines SET qty = qty + 1
			WHERE (package_id, order_line_id) = (SELECT pl.package_id, pl.order_line_id FROM package_lines pl
			  JOIN packages pk ON pk.id = pl.package_id JOIN shipments s ON s.id = pk.shipment_id
			 WHERE s.status = 'shipped' ORDER BY 1, 2 LIMIT 1)`)},
			[]string{"Order SO-", " shipped, but its shipped parcels hold "}},
		{"manifests", []string{`INSERT INTO manifests (carrier_id, warehouse_id, parcels, weight_g)
			SELECT (SELECT min(id) FROM carriers), (SELECT min(id) FROM warehouses), 3, 0`},
			[]string{"Manifest M-", " says 3 parcels, but 0 are on it"}},
		{"counts", []string{replica(`INSERT INTO stock_counts (id, warehouse_id, status, number) SELECT 9001, min(id), 'posted', 'C-009001' FROM warehouses;
			INSERT INTO count_tasks (id, count_id, warehouse_id, location_id, status, counted_at, snapshot)
			SELECT 9001, 9001, l.warehouse_id, l.id, 'posted', now(), pg_current_snapshot() FROM locations l
			 WHERE l.id = (SELECT min(id) FROM locations WHERE kind = 'bin');
			INSERT INTO count_task_lines (task_id, product_id, counted, expected) SELECT 9001, min(id), 5, 3 FROM products`)},
			[]string{"Count C-009001 bin ", " 5 × ", " counted against 3 expected, but its adjustment moved 0"}},
		{"inbound", []string{replica(`INSERT INTO suppliers (id, code, name, country, currency) VALUES (9001, 'SUP9', 'Sup', 'NL', 'EUR');
			INSERT INTO purchase_orders (id, number, supplier_id, warehouse_id, currency) SELECT 9001, 'PO-009001', 9001, min(id), 'EUR' FROM warehouses;
			INSERT INTO purchase_order_lines (po_id, line_no, product_id, qty_ordered, qty_received) SELECT 9001, 1, min(id), 10, 4 FROM products`)},
			[]string{"PO-009001 line 1 (", ") says 4 received, 0 damaged, but its receipts bring 0, 0 of them into quarantine"}},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			d := seeded(t)
			mustExec(t, d, c.break_...)
			rep := check(t, d)
			if rep.OK() {
				t.Fatal("check found nothing wrong")
			}
			var found []string
			for _, v := range rep.Violations {
				if v.Rule == c.rule {
					found = append(found, v.Message)
				}
			}
			if len(found) == 0 {
				t.Fatalf("no %s violation among %v", c.rule, rep.Violations)
			}
			for _, want := range c.says {
				if !strings.Contains(found[0], want) {
					t.Errorf("%q does not say %q", found[0], want)
				}
			}
		})
	}
}

// taxWorld is a Dutch seller (not in the One Stop Shop) with the NL and DE rates, a webshop and
// a manual channel, and orders whose tax the channel stated: on the web, one right, one a
// minor unit off (rounding), one at 9 % where NL's standard rate is 21 %, one to a German
// consumer at German VAT; by hand, one at a wrong rate (oms taxes those itself, at issue).
func taxWorld(t *testing.T) *db.DB {
	t.Helper()
	owner := dbtest.New(t)
	if _, err := company.New(owner).Init(context.Background(), company.Company{Name: "Jansen Trading B.V.", Country: "NL", Currency: "EUR"}); err != nil {
		t.Fatal(err)
	}
	mustExec(t, owner,
		`INSERT INTO tax_rates (country, tax_category, name, rate_ppm, valid_from) VALUES
		   ('NL', 'standard', 'BTW 21%', 210000, '2019-01-01'), ('NL', 'reduced', 'BTW 9%', 90000, '2019-01-01'),
		   ('DE', 'standard', 'USt 19%', 190000, '2007-01-01')`,
		`INSERT INTO products (sku, name, tax_category) VALUES ('MUG-1', 'Stoneware mug', 'standard')`,
		`INSERT INTO channels (code, name, kind, currency) VALUES ('web', 'Web shop', 'webshop', 'EUR'), ('phone', 'Phone', 'manual', 'EUR')`)
	for _, o := range []struct {
		number, channel, country string
		amount, tax              int64
	}{
		{"SO-OK", "web", "NL", 1000, 210}, {"SO-ROUND", "web", "NL", 1000, 211}, {"SO-LOW", "web", "NL", 10000, 900},
		{"SO-DE", "web", "DE", 10000, 1900}, {"SO-MAN", "phone", "NL", 10000, 900},
	} {
		mustExec(t, owner, fmt.Sprintf(`
			WITH cu AS (INSERT INTO customers (channel_id, external_id, name, country, currency)
			            SELECT id, '%[1]s', 'Customer %[1]s', '%[3]s', 'EUR' FROM channels WHERE code = '%[2]s' RETURNING id, channel_id),
			     a AS (INSERT INTO addresses (customer_id, name, line1, city, country)
			           SELECT id, 'Customer %[1]s', 'Street 1', 'City', '%[3]s' FROM cu RETURNING id),
			     o AS (INSERT INTO orders (number, channel_id, external_id, customer_id, customer_name, ship_to_address_id,
			                               currency, subtotal_minor, tax_minor, total_minor, ordered_at, promised_at)
			           SELECT '%[1]s', cu.channel_id, '%[1]s', cu.id, 'Customer %[1]s', a.id, 'EUR', %[4]d, %[5]d, %[4]d + %[5]d,
			                  '2026-11-20T10:00:00Z', '2026-11-22T10:00:00Z' FROM cu, a RETURNING id)
			INSERT INTO order_lines (order_id, line_no, external_line_id, product_id, unit_price_minor, amount_minor,
			                         tax_minor, tax_rate_ppm, qty_ordered)
			SELECT o.id, 1, '1', p.id, %[4]d, %[4]d, %[5]d, 0, 1 FROM o, products p`,
			o.number, o.channel, o.country, o.amount, o.tax))
	}
	return owner
}

func warnings(rep db.CheckReport, rule string) (n int64, msgs []string) {
	for _, r := range rep.Rules {
		if r.Rule == rule {
			n = r.Warnings
		}
	}
	for _, v := range rep.Violations {
		if v.Rule == rule && v.Warning {
			msgs = append(msgs, v.Message)
		}
	}
	return n, msgs
}

// oms check warns, without failing, about imported orders whose tax is further from oms's own
// than the tolerance: the 9 % order and the German consumer taxed at German VAT by a seller
// who declares no OSS; not the right one, not the one a minor unit off, not the manual one.
// Once the seller declares through the OSS, German VAT is what oms computes too.
func TestCheckWarnsAboutImportedTaxThatDiffers(t *testing.T) {
	owner := taxWorld(t)
	rep := check(t, owner)
	if !rep.OK() {
		t.Fatalf("only warnings, yet not OK: %v", rep.Violations)
	}
	n, msgs := warnings(rep, "imported_tax")
	want := []string{
		"Order SO-LOW (web): the channel's tax is EUR 9.00, oms's is EUR 21.00 (domestic, NL), EUR 12.00 apart",
		"Order SO-DE (web): the channel's tax is EUR 19.00, oms's is EUR 21.00 (EU distance sale at origin, NL), EUR 2.00 apart",
	}
	if n != 2 || rep.Warned() != 2 || strings.Join(msgs, "\n") != strings.Join(want, "\n") {
		t.Fatalf("%d warnings:\n%s\nwant\n%s", n, strings.Join(msgs, "\n"), strings.Join(want, "\n"))
	}
	// The limit bounds what is listed, not what is counted.
	rep, err := owner.Check(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if n, msgs := warnings(rep, "imported_tax"); n != 2 || len(msgs) != 1 {
		t.Fatalf("with --limit 1: %d warnings, %d listed", n, len(msgs))
	}

	if _, err := company.New(owner).Update(context.Background(), company.Changes{OSSRegistered: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	if n, msgs := warnings(check(t, owner), "imported_tax"); n != 1 || !strings.HasPrefix(msgs[0], "Order SO-LOW ") {
		t.Fatalf("after OSS registration: %d warnings %q", n, msgs)
	}
}

func ptr[T any](v T) *T { return &v }
