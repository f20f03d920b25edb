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
	if len(rep.Rules) != 7 {
		t.Fatalf("%d rules checked, want 7", len(rep.Rules))
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
		{"line_reservations", []string{`DELETE FROM reservations WHERE id = (SELECT min(id) FROM reservations)`},
			[]string{"Order SO-", " allocated and not shipped, but ", " reserved in stock"}},
		{"balance_reservations", []string{`UPDATE stock_balances SET reserved = reserved - 1
			WHERE (location_id, product_id) = (SELECT location_id, product_id FROM stock_balances
			 WHERE reserved > 0 ORDER BY 1, 2 LIMIT 1)`},
			[]string{" are reserved, but orders hold reservations for "}},
		{"order_counts", []string{`UPDATE order_counts SET n = n + 4 WHERE (channel_id, warehouse_id, status, shard) =
			(SELECT channel_id, warehouse_id, status, shard FROM order_counts WHERE status = 'picking' ORDER BY 1, 2, 4 LIMIT 1)`},
			[]string{"The queue counts ", " picking orders from ", ", but there are "}},
		{"status", []string{`UPDATE orders SET status = 'shipped' WHERE id = (SELECT min(id) FROM orders WHERE status = 'allocated')`},
			[]string{"Order SO-", " is stored as Shipped, but its lines say Allocated"}},
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
