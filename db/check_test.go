package db_test

import (
	"context"
	"strings"
	"testing"

	"oms/db"
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
	if len(rep.Rules) != 15 {
		t.Fatalf("%d rules checked, want 15", len(rep.Rules))
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
		{"returns", []string{replica(`UPDATE rma_lines SET qty_received = qty_received - 1
			WHERE id = (SELECT min(id) FROM rma_lines WHERE qty_received > 0)`)},
			[]string{"RMA-", " received, but its inspection receipts add up to "}},
		{"packages", []string{replica(`UPDATE package_lines SET qty = qty + 1
			WHERE (package_id, order_line_id) = (SELECT package_id, order_line_id FROM package_lines ORDER BY 1, 2 LIMIT 1)`)},
			[]string{"Order SO-", " packed, but its packages hold "}},
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
