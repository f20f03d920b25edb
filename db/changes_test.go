package db_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"oms/db"
	"oms/db/invoicing"
	"oms/model"
)

var allTables = []db.Table{db.Orders, db.OrderLines, db.PickTasks, db.Stock, db.RMAs, db.Counts, db.OpenOrders, db.Products,
	db.Imports, db.OrderExceptions, db.Invoices}

// baseline is a snapshot to ask the feed with: taken after every write so far has committed.
func baseline(t *testing.T, d *db.DB) db.Snapshot {
	t.Helper()
	snap, _, err := d.ChangedSince(context.Background(), "", db.Orders)
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// woken lists the tables whose watchers a poll since snap would wake.
func woken(t *testing.T, d *db.DB, snap db.Snapshot) map[db.Table]bool {
	t.Helper()
	out := map[db.Table]bool{}
	for _, tb := range allTables {
		_, changed, err := d.ChangedSince(context.Background(), snap, tb)
		if err != nil {
			t.Fatalf("%v: %v", tb, err)
		}
		if changed {
			out[tb] = true
		}
	}
	return out
}

func TestChangeFeedSeesLateCommits(t *testing.T) {
	d := seeded(t)
	ctx := context.Background()
	poll := func(since db.Snapshot) (db.Snapshot, bool, error) {
		return d.ChangedSince(ctx, since, db.Orders, db.OrderLines)
	}
	snap, changed, err := poll("")
	if err != nil || !changed {
		t.Fatalf("first poll: %v, %v; want a change (no baseline yet)", changed, err)
	}
	// A transaction that starts before the next poll and commits after it.
	early, err := d.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	defer early.Rollback()
	if _, err := early.Exec(`UPDATE orders SET notes = 'call before delivery' WHERE id = (SELECT min(id) FROM orders)`); err != nil {
		t.Fatal(err)
	}
	snap, changed, err = poll(snap)
	if err != nil || changed {
		t.Fatalf("uncommitted work reported as a change: %v, %v", changed, err)
	}
	if _, err := d.Exec(`UPDATE order_lines SET description = 'gift' WHERE id = (SELECT max(id) FROM order_lines)`); err != nil {
		t.Fatal(err)
	}
	snap, changed, err = poll(snap)
	if err != nil || !changed {
		t.Fatalf("a committed line change was missed: %v, %v", changed, err)
	}
	if err := early.Commit(); err != nil {
		t.Fatal(err)
	}
	_, changed, err = poll(snap)
	if err != nil || !changed {
		t.Fatalf("the early transaction committed late and was missed: %v, %v", changed, err)
	}
}

// TestChangeFeedWakesOnlyTheTablesWritten writes one kind of row at a time and asks every
// table's watchers: a screen must wake for what it shows and only for that.
func TestChangeFeedWakesOnlyTheTablesWritten(t *testing.T) {
	d := seeded(t)
	var warehouse, receiving, adjustment, product, count, countLine int64
	mustGet(t, d, &warehouse, `SELECT min(id) FROM warehouses`)
	mustGet(t, d, &receiving, `SELECT min(id) FROM locations WHERE kind = 'receiving'`)
	mustGet(t, d, &adjustment, `SELECT id FROM locations WHERE code = 'ADJUSTMENT'`)
	mustGet(t, d, &product, `SELECT min(id) FROM products WHERE NOT lot_tracked`)
	mustGet(t, d, &count, `INSERT INTO stock_counts (warehouse_id) VALUES ($1) RETURNING id`, warehouse)
	mustGet(t, d, &countLine, `INSERT INTO stock_count_lines (count_id, location_id, product_id)
		VALUES ($1, $2, $3) RETURNING id`, count, receiving, product)
	shipped := `(SELECT min(id) FROM orders WHERE status = 'shipped')`
	for _, w := range []struct {
		what  string
		sql   string
		wakes []db.Table
	}{
		{"a note on a shipped order", `UPDATE orders SET notes = 'left at the door' WHERE id = ` + shipped,
			[]db.Table{db.Orders}},
		{"a line of a shipped order", `UPDATE order_lines SET description = 'gift' WHERE order_id = ` + shipped,
			[]db.Table{db.OrderLines}},
		{"a stock movement", fmt.Sprintf(`INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind, reason_code)
			VALUES (%d, %d, %d, 5, 'adjustment', 'ADJ_FOUND')`, product, adjustment, receiving),
			[]db.Table{db.Stock}},
		{"a pick batch", fmt.Sprintf(`INSERT INTO pick_batches (warehouse_id) VALUES (%d)`, warehouse),
			[]db.Table{db.PickTasks}},
		{"an RMA line", `UPDATE rma_lines SET reason_code = reason_code WHERE id = (SELECT min(id) FROM rma_lines)`,
			[]db.Table{db.RMAs}},
		{"a counted line", fmt.Sprintf(`UPDATE stock_count_lines SET counted_qty = 3 WHERE id = %d`, countLine),
			[]db.Table{db.Counts}},
		{"a renamed product", `UPDATE products SET name = name || ' (new)' WHERE id = (SELECT min(id) FROM products)`,
			[]db.Table{db.Products}},
		{"a barcode", `UPDATE product_barcodes SET qty_per_scan = 6 WHERE barcode = (SELECT min(barcode) FROM product_barcodes)`,
			[]db.Table{db.Products}},
		{"an import starting", `INSERT INTO import_runs (channel_id, format, file_name, file_sha256)
			SELECT min(id), 'json', 'orders.jsonl', repeat('ab', 32) FROM channels`,
			[]db.Table{db.Imports}},
		{"an order it rejected", `INSERT INTO import_rejects (run_id, line, order_ref, reason)
			SELECT max(id), 7, '#1001', 'unknown SKU' FROM import_runs`,
			[]db.Table{db.Imports}},
		{"an import finishing", `UPDATE import_runs SET finished_at = now(), rejected = 1`,
			[]db.Table{db.Imports}},
		{"an order exception", `INSERT INTO order_exceptions (order_id, kind, message)
			SELECT min(id), 'changed_after_picking', 'the channel changed the order' FROM orders`,
			[]db.Table{db.OrderExceptions}},
		{"an exception resolved", `UPDATE order_exceptions SET resolved_at = now(), resolved_by = 'backoffice_01'`,
			[]db.Table{db.OrderExceptions}},
	} {
		snap := baseline(t, d)
		if got := woken(t, d, snap); len(got) != 0 {
			t.Fatalf("before %s, nothing written: %v woken", w.what, got)
		}
		mustExec(t, d, w.sql)
		got := woken(t, d, snap)
		for _, tb := range allTables {
			want := false
			for _, x := range w.wakes {
				want = want || x == tb
			}
			if got[tb] != want {
				t.Errorf("after %s, watchers of %v woke: %v, want %v", w.what, tb, got[tb], want)
			}
		}
	}
	if _, _, err := d.ChangedSince(context.Background(), baseline(t, d), db.Table(99)); err == nil {
		t.Error("an unknown table was accepted")
	}
}

// TestOpenOrdersFeed is the open queue's narrowed feed: it ignores orders it cannot show and
// never misses one that enters or leaves it, or a move its counts show.
func TestOpenOrdersFeed(t *testing.T) {
	d := seeded(t)
	var open, open2, shipped, shipped2 int64
	mustGet(t, d, &open, `SELECT min(id) FROM orders WHERE status = 'pending'`)
	mustGet(t, d, &open2, `SELECT max(id) FROM orders WHERE status IN ('allocated', 'backordered', 'picking')`)
	mustGet(t, d, &shipped, `SELECT min(id) FROM orders WHERE status = 'shipped'`)
	mustGet(t, d, &shipped2, `SELECT max(id) FROM orders WHERE status = 'shipped'`)
	for _, c := range []struct {
		what  string
		stmts []string // each its own transaction, all after the snapshot
		wakes bool
	}{
		{"a note on a shipped order", []string{`UPDATE orders SET notes = 'x' WHERE id = %[3]d`}, false},
		{"a line of a shipped order", []string{`UPDATE order_lines SET description = 'x' WHERE order_id = %[3]d`}, false},
		{"a note on an open order", []string{`UPDATE orders SET notes = 'x' WHERE id = %[1]d`}, true},
		{"a line of an open order", []string{`UPDATE order_lines SET description = 'x' WHERE order_id = %[2]d`}, true},
		{"an open order held", []string{`UPDATE orders SET on_hold = true, hold_reason = 'HOLD_FRAUD' WHERE id = %[2]d`}, true},
		{"an open order cancelled", []string{`UPDATE orders SET cancelled_at = now(), cancel_reason = 'CANCEL_CUSTOMER' WHERE id = %[1]d`}, true},
		{"a shipped order moved to another warehouse", []string{`UPDATE orders o SET warehouse_id = (SELECT min(w.id) FROM warehouses w
			WHERE w.id IS DISTINCT FROM o.warehouse_id) WHERE id = %[4]d`}, true},
		{"a shipped order cancelled (the counts move)", []string{`UPDATE orders SET cancelled_at = now(), cancel_reason = 'CANCEL_CUSTOMER' WHERE id = %[3]d`}, true},
		{"a new order", []string{`INSERT INTO orders (number, channel_id, external_id, customer_id, customer_name, ship_to_address_id,
			currency, subtotal_minor, total_minor, ordered_at, promised_at)
			SELECT 'SO-NEW1', channel_id, 'new-1', customer_id, customer_name, ship_to_address_id, currency, 0, 0, now(), now()
			  FROM orders WHERE id = %[4]d`}, true},
		// The second transaction overwrites what the first left on the row; a stamp of "the
		// status before the last change" would read cancelled → cancelled and miss the first.
		{"an order closed, then edited while closed", []string{
			`UPDATE orders SET cancelled_at = now(), cancel_reason = 'CANCEL_CUSTOMER' WHERE id = %[2]d`,
			`UPDATE orders SET notes = 'refund sent' WHERE id = %[2]d`}, true},
		{"the same closed order edited again", []string{`UPDATE orders SET notes = 'refund confirmed' WHERE id = %[2]d`}, false},
	} {
		snap := baseline(t, d)
		for _, s := range c.stmts {
			mustExec(t, d, fmt.Sprintf(s, open, open2, shipped, shipped2))
		}
		_, changed, err := d.ChangedSince(context.Background(), snap, db.OpenOrders)
		if err != nil {
			t.Fatal(err)
		}
		if changed != c.wakes {
			t.Errorf("%s: the open queue woke: %v, want %v", c.what, changed, c.wakes)
		}
		if _, changed, _ := d.ChangedSince(context.Background(), snap, db.Orders, db.OrderLines); !changed {
			t.Errorf("%s: the unnarrowed feed did not wake", c.what)
		}
	}
}

// TestOpenOrdersFeedSeesLateCommits: a transaction that closes an order, begun before a poll and
// committed after it, still wakes the open queue.
func TestOpenOrdersFeedSeesLateCommits(t *testing.T) {
	d := seeded(t)
	ctx := context.Background()
	snap := baseline(t, d)
	early, err := d.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	defer early.Rollback()
	if _, err := early.Exec(`UPDATE orders SET cancelled_at = now(), cancel_reason = 'CANCEL_CUSTOMER'
		WHERE id = (SELECT min(id) FROM orders WHERE status = 'pending')`); err != nil {
		t.Fatal(err)
	}
	snap, changed, err := d.ChangedSince(ctx, snap, db.OpenOrders)
	if err != nil || changed {
		t.Fatalf("uncommitted work woke the queue: %v, %v", changed, err)
	}
	if err := early.Commit(); err != nil {
		t.Fatal(err)
	}
	if _, changed, err = d.ChangedSince(ctx, snap, db.OpenOrders); err != nil || !changed {
		t.Fatalf("the order closed by a late commit was missed: %v, %v", changed, err)
	}
}

func TestOpenStatusesInTheDatabaseMatchModel(t *testing.T) {
	d := seeded(t)
	for _, st := range model.AllStatuses {
		var open bool
		mustGet(t, d, &open, `SELECT oms_order_is_open($1)`, string(st))
		if open != st.Open() {
			t.Errorf("oms_order_is_open(%s) = %v, model says %v", st, open, st.Open())
		}
	}
}

// TestChangeFeedReportsIssuedDocuments: an invoice issued from an order (as `oms invoice issue
// --shipped` does) and a credit note each wake the Invoices screen's watchers and no other
// table's; a poll after them reports nothing more.
func TestChangeFeedReportsIssuedDocuments(t *testing.T) {
	d := seeded(t)
	ctx := context.Background()
	store := invoicing.New(d)
	all := db.SetOf(allTables...)
	due, err := store.ShippedUninvoiced(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(due) == 0 {
		t.Fatal("the seeded data has no shipped order left to invoice")
	}
	snap := baseline(t, d)
	inv, err := store.IssueForOrder(ctx, "feed-invoice", due[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	next, got, err := d.ChangesSince(ctx, snap, all)
	if err != nil || got != db.SetOf(db.Invoices) {
		t.Fatalf("after %s was issued: %v changed (%v), want invoices", inv.Number, got, err)
	}
	if _, changed, err := d.ChangedSince(ctx, snap, db.Invoices); err != nil || !changed {
		t.Fatalf("a watcher of invoices alone missed %s: %v (%v)", inv.Number, changed, err)
	}
	if _, got, err := d.ChangesSince(ctx, next, all); err != nil || got != 0 {
		t.Fatalf("polled again after %s: %v changed (%v), want none", inv.Number, got, err)
	}

	// A credit note of one minor unit against the invoice just issued.
	var head struct {
		ID     int64  `db:"id"`
		Order  int64  `db:"order_id"`
		Cur    string `db:"currency"`
		Base   string `db:"base_currency"`
		Rate   string `db:"fx_rate"`
		FXDate string `db:"fx_date"`
	}
	mustGet(t, d, &head, `SELECT id, order_id, currency, base_currency, fx_rate::text, fx_date::text
		FROM invoices WHERE number = $1`, inv.Number)
	day, err := time.Parse(time.DateOnly, head.FXDate)
	if err != nil {
		t.Fatal(err)
	}
	cn, err := store.Issue(ctx, "feed-credit", invoicing.Document{Kind: invoicing.CreditNote, Series: "credit_note",
		Order: head.Order, Credits: head.ID, Currency: model.Currency(head.Cur), BaseCurrency: model.Currency(head.Base),
		FXRate: head.Rate, FXDate: day, Lines: []invoicing.Line{{Description: "goodwill",
			InvoiceLine: model.InvoiceLine{Qty: 1, UnitMinor: 1}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, got, err := d.ChangesSince(ctx, next, all); err != nil || got != db.SetOf(db.Invoices) {
		t.Fatalf("after credit note %s: %v changed (%v), want invoices", cn.Number, got, err)
	}
}
