package db_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"oms/db"
	"oms/db/dbtest"
)

func TestTableSet(t *testing.T) {
	s := db.SetOf(db.OrderLines, db.Orders, db.OrderLines)
	if !s.Has(db.Orders) || !s.Has(db.OrderLines) || s.Has(db.PickTasks) || s.Has(db.Table(99)) {
		t.Errorf("SetOf(order lines, orders): Has says %v", s.Tables())
	}
	if got := s.Tables(); !slices.Equal(got, []db.Table{db.Orders, db.OrderLines}) {
		t.Errorf("Tables() = %v, want orders then order lines", got)
	}
	if got := s.String(); got != "orders, order lines" {
		t.Errorf("String() = %q", got)
	}
	if got := db.TableSet(0).String(); got != "none" {
		t.Errorf("the empty set prints %q", got)
	}
	if !s.Intersects(db.SetOf(db.OrderLines, db.Stock)) || s.Intersects(db.SetOf(db.Stock, db.Counts)) || s.Intersects(0) {
		t.Error("Intersects is wrong")
	}
	if got := db.SetOf(db.OpenOrders); got != 1<<db.OpenOrders {
		t.Errorf("SetOf(open orders) = %b: bit i must be Table i", got)
	}
}

// TestChangesSinceReportsEachTable polls every table in one call after one kind of write at a
// time: the answer must name exactly the tables that write wakes, as ChangedSince does table by
// table, so one poller can serve screens that watch different tables.
func TestChangesSinceReportsEachTable(t *testing.T) {
	d := seeded(t)
	ctx := context.Background()
	all := db.SetOf(allTables...)
	var warehouse, receiving, adjustment, product int64
	mustGet(t, d, &warehouse, `SELECT min(id) FROM warehouses`)
	mustGet(t, d, &receiving, `SELECT min(id) FROM locations WHERE kind = 'receiving'`)
	mustGet(t, d, &adjustment, `SELECT id FROM locations WHERE code = 'ADJUSTMENT'`)
	mustGet(t, d, &product, `SELECT min(id) FROM products WHERE NOT lot_tracked`)
	open := `(SELECT min(id) FROM orders WHERE status = 'pending')`
	shipped := `(SELECT min(id) FROM orders WHERE status = 'shipped')`
	movement := fmt.Sprintf(`INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind, reason_code)
		VALUES (%d, %d, %d, 5, 'adjustment', 'ADJ_FOUND')`, product, adjustment, receiving)
	for _, c := range []struct {
		what  string
		stmts []string // each its own transaction, all between two polls
		want  db.TableSet
	}{
		{"a pick batch", []string{fmt.Sprintf(`INSERT INTO pick_batches (warehouse_id) VALUES (%d)`, warehouse)},
			db.SetOf(db.PickTasks)},
		{"a note on an open order", []string{`UPDATE orders SET notes = 'x' WHERE id = ` + open},
			db.SetOf(db.Orders, db.OpenOrders)},
		{"a note on a shipped order", []string{`UPDATE orders SET notes = 'x' WHERE id = ` + shipped},
			db.SetOf(db.Orders)},
		{"a line of an open order", []string{`UPDATE order_lines SET description = 'x' WHERE order_id = ` + open},
			db.SetOf(db.OrderLines, db.OpenOrders)},
		{"a stock movement", []string{movement}, db.SetOf(db.Stock)},
		{"a stock movement and an RMA line", []string{movement,
			`UPDATE rma_lines SET reason_code = reason_code WHERE id = (SELECT min(id) FROM rma_lines)`},
			db.SetOf(db.Stock, db.RMAs)},
	} {
		snap := baseline(t, d)
		if _, got, err := d.ChangesSince(ctx, snap, all); err != nil || got != 0 {
			t.Fatalf("before %s, nothing written: %v changed (%v)", c.what, got, err)
		}
		mustExec(t, d, c.stmts...)
		now, got, err := d.ChangesSince(ctx, snap, all)
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("after %s: %v changed, want %v", c.what, got, c.want)
		}
		// Each table answers as its own poll does.
		w := woken(t, d, snap)
		for _, tb := range allTables {
			if got.Has(tb) != w[tb] {
				t.Errorf("after %s: ChangesSince says %v changed: %v; ChangedSince: %v", c.what, tb, got.Has(tb), w[tb])
			}
		}
		// A poller watching less hears only of what it watches.
		narrow := db.SetOf(db.PickTasks, db.OpenOrders, db.Counts)
		if _, got, err := d.ChangesSince(ctx, snap, narrow); err != nil || got != c.want&narrow {
			t.Errorf("after %s, watching %v: %v changed (%v), want %v", c.what, narrow, got, err, c.want&narrow)
		}
		// The snapshot returned is the next baseline: nothing more since.
		if _, got, err := d.ChangesSince(ctx, now, all); err != nil || got != 0 {
			t.Errorf("after %s, polled again: %v changed (%v), want none", c.what, got, err)
		}
	}
}

func TestChangesSinceWithoutBaselineOrTables(t *testing.T) {
	d := seeded(t)
	ctx := context.Background()
	watch := db.SetOf(db.PickTasks, db.Counts)
	snap, got, err := d.ChangesSince(ctx, "", watch)
	if err != nil || got != watch || snap == "" {
		t.Fatalf("no baseline: snapshot %q, %v changed (%v); want a snapshot and every watched table", snap, got, err)
	}
	mustExec(t, d, `UPDATE orders SET notes = 'x' WHERE id = (SELECT min(id) FROM orders)`)
	next, got, err := d.ChangesSince(ctx, snap, 0)
	if err != nil || got != 0 || next == "" {
		t.Fatalf("watching nothing: snapshot %q, %v changed (%v); want a snapshot and nothing", next, got, err)
	}
	if _, changed, err := d.ChangedSince(ctx, snap); err != nil || changed {
		t.Errorf("ChangedSince of no tables: %v (%v), want no change", changed, err)
	}
	if _, changed, err := d.ChangedSince(ctx, "", db.PickTasks); err != nil || !changed {
		t.Errorf("ChangedSince without a baseline: %v (%v), want a change", changed, err)
	}
	for _, bad := range []db.TableSet{db.SetOf(db.Table(0)), db.SetOf(db.Orders, db.Table(99)), 1 << 20} {
		if _, _, err := d.ChangesSince(ctx, snap, bad); err == nil {
			t.Errorf("watching %b was accepted", bad)
		}
		if _, _, err := d.ChangesSince(ctx, "", bad); err == nil {
			t.Errorf("watching %b without a baseline was accepted", bad)
		}
	}
}

// TestTheServersPollerReadsEveryTable: the SSH server's shared feed polls every table as its
// pool's own role, which reads what the people it serves may read. Serving only a picker, who
// may not read imports or exceptions, it must still be able to ask whether they changed: it may
// read their stamps (migration 00019).
func TestTheServersPollerReadsEveryTable(t *testing.T) {
	owner := seeded(t)
	dbtest.NewLogin(t, owner, dbtest.Staff{Jobs: []string{"picker"}})
	_, url := dbtest.ServerLogin(t, owner)
	pool := dbtest.Open(t, url)
	ctx := context.Background()
	all := db.SetOf(allTables...)
	snap, _, err := pool.ChangesSince(ctx, "", all)
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, owner, `INSERT INTO import_runs (channel_id, format, file_name, file_sha256)
		SELECT min(id), 'json', 'orders.jsonl', repeat('ab', 32) FROM channels`)
	if _, got, err := pool.ChangesSince(ctx, snap, all); err != nil || got != db.SetOf(db.Imports) {
		t.Fatalf("the server's poll after an import started: %v (%v), want imports", got, err)
	}
	var stamps bool
	mustGet(t, owner, &stamps, `SELECT bool_and(has_column_privilege('oms_server', t, 'change_xid', 'SELECT'))
		FROM unnest('{import_runs,import_rejects,order_exceptions}'::text[]) t`)
	if !stamps {
		t.Error("oms_server may not read the stamps of imports and exceptions")
	}
}
