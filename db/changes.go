package db

import (
	"context"
	"fmt"
	"strings"
)

// Snapshot is a point in the database's commit history (a pg_snapshot in text form).
type Snapshot string

// Table is one kind of row a live screen can watch. A screen passes the ones it shows to
// ChangedSince and wakes only when one of them changed.
type Table uint8

const (
	// Orders is every order's own row (not its lines).
	Orders Table = iota + 1
	// OrderLines is every order line: its quantities at every stage, and through them
	// reservations (reserved stock follows allocated − shipped).
	OrderLines
	// PickTasks is pick tasks and the batches pickers claim.
	PickTasks
	// Stock is the ledger: every stock movement, so every change of on-hand stock. Reserved
	// stock follows OrderLines.
	Stock
	// RMAs is returns: RMAs and their lines (requests, receipts, refunds) and unexpected items.
	RMAs
	// Counts is stock counts and their lines.
	Counts
	// OpenOrders is what the open-orders queue shows: the orders that are open before or after
	// a change, with their lines, and every change of an order's status, channel or warehouse
	// (the queue's counts show every status). An order that was shipped and stays shipped, and
	// the lines of such orders, do not wake it. It is a narrower Orders plus OrderLines.
	OpenOrders
	// Products is the catalogue: products and their barcodes (migration 00016). A barcode
	// deleted alone leaves no stamp; an import that replaces a product's barcodes also updates
	// the product.
	Products
	// Imports is what the Intake screen shows of `oms import`: import runs (started, finished)
	// and the orders they rejected, written batch by batch while a run goes (migrations 00017,
	// 00019).
	Imports
	// OrderExceptions is orders a channel changed after work started on them: recorded by an
	// import, resolved by the back office (migration 00019).
	OrderExceptions
	// Invoices is issued documents: invoices and credit notes, each stamped by the transaction
	// that issues and numbers it (00018). Documents never change once issued, so a stamp means
	// a new document.
	Invoices
	lastTable = Invoices
)

var tableNames = [...]string{Orders: "orders", OrderLines: "order lines", PickTasks: "pick tasks",
	Stock: "stock", RMAs: "RMAs", Counts: "counts", OpenOrders: "open orders", Products: "products",
	Imports: "imports", OrderExceptions: "order exceptions", Invoices: "invoices"}

func (t Table) String() string {
	if t >= 1 && t <= lastTable {
		return tableNames[t]
	}
	return fmt.Sprintf("Table(%d)", uint8(t))
}

// unseen is the condition "x was written by a transaction that snapshot $1 could not see".
// Such a transaction's id is at least the snapshot's xmin (every older one had ended when the
// snapshot was taken), which lets an index on x find the few candidates.
func unseen(x string) string {
	return x + ` >= pg_snapshot_xmin($1::pg_snapshot) AND NOT pg_visible_in_snapshot(` + x + `, $1::pg_snapshot)`
}

// changeChecks is, per table, the EXISTS conditions that say it changed.
var changeChecks = [...][]string{
	Orders:     {`SELECT 1 FROM orders WHERE ` + unseen("change_xid")},
	OrderLines: {`SELECT 1 FROM order_lines WHERE ` + unseen("change_xid")},
	PickTasks: {`SELECT 1 FROM pick_tasks WHERE ` + unseen("change_xid"),
		`SELECT 1 FROM pick_batches WHERE ` + unseen("change_xid")},
	Stock: {`SELECT 1 FROM stock_movements WHERE ` + unseen("change_xid")},
	RMAs: {`SELECT 1 FROM rmas WHERE ` + unseen("change_xid"),
		`SELECT 1 FROM rma_lines WHERE ` + unseen("change_xid"),
		`SELECT 1 FROM rma_unexpected WHERE ` + unseen("change_xid")},
	Counts: {`SELECT 1 FROM stock_counts WHERE ` + unseen("change_xid"),
		`SELECT 1 FROM stock_count_lines WHERE ` + unseen("change_xid"),
		`SELECT 1 FROM count_tasks WHERE ` + unseen("change_xid")},
	// open_change_xid is stamped by the same transaction as change_xid and never later (00007),
	// so orders_changes finds its candidates. A line counts when its order is open now; a line
	// of an order that was open at the snapshot and is not now is covered by the stamp of the
	// transaction that closed the order, which the snapshot cannot have seen either.
	OpenOrders: {
		`SELECT 1 FROM orders WHERE ` + unseen("change_xid") + ` AND NOT pg_visible_in_snapshot(open_change_xid, $1::pg_snapshot)`,
		`SELECT 1 FROM order_lines l JOIN orders o ON o.id = l.order_id
		  WHERE ` + unseen("l.change_xid") + ` AND oms_order_is_open(o.status)`,
	},
	Products: {`SELECT 1 FROM products WHERE ` + unseen("change_xid"),
		`SELECT 1 FROM product_barcodes WHERE ` + unseen("change_xid")},
	Imports: {`SELECT 1 FROM import_runs WHERE ` + unseen("change_xid"),
		`SELECT 1 FROM import_rejects WHERE ` + unseen("change_xid")},
	OrderExceptions: {`SELECT 1 FROM order_exceptions WHERE ` + unseen("change_xid")},
	// A document's lines and tax lines are written in the transaction that writes the document,
	// so its own stamp says enough; invoices_changes (00018) finds it.
	Invoices: {`SELECT 1 FROM invoices WHERE ` + unseen("change_xid")},
}

// TableSet is a set of Tables (bit i = Table i).
type TableSet uint32

// SetOf is the set of the given tables. A value no Table has (0, or 32 and above, which do not
// fit a bit) sets bit 0, Table 0, which is no table either, so that ChangesSince refuses it
// rather than ignoring it.
func SetOf(tables ...Table) TableSet {
	var s TableSet
	for _, t := range tables {
		if t >= 32 {
			t = 0
		}
		s |= 1 << t
	}
	return s
}

// Has says whether t is in s.
func (s TableSet) Has(t Table) bool { return t < 32 && s&(1<<t) != 0 }

// Intersects says whether s and o have a table in common.
func (s TableSet) Intersects(o TableSet) bool { return s&o != 0 }

// Tables lists the tables in s, ascending.
func (s TableSet) Tables() []Table {
	var out []Table
	for t := Table(0); t < 32; t++ {
		if s.Has(t) {
			out = append(out, t)
		}
	}
	return out
}

// String lists the tables' names, ascending: "orders, order lines"; the empty set is "none".
func (s TableSet) String() string {
	if s == 0 {
		return "none"
	}
	var names []string
	for _, t := range s.Tables() {
		names = append(names, t.String())
	}
	return strings.Join(names, ", ")
}

// known is every table the feed can watch.
const known = TableSet(1<<(lastTable+1)) - 2

// ChangesSince returns the current snapshot and which of the watched tables had a row committed
// that snapshot since could not see. An empty since reports every watched table changed (there
// is no baseline yet); an empty watch reports none. A table the feed does not know is an error.
//
// One process can serve many screens with it: one poll for the union of what they watch, then
// each screen wakes when the result intersects its own set. It is one round trip, one SELECT
// with one boolean column per watched table.
//
// This is the polled change feed of ARCHITECTURE.md §4: writers only stamp rows with their
// transaction id (a trigger or a column default, no NOTIFY, so nothing serializes commits), and
// readers ask which stamped transactions their last snapshot could not see. Unlike comparing
// max(updated_at) or a sequence, it cannot miss a transaction that started early and committed
// late. Deleted rows leave no stamp; none of these tables deletes rows in normal work.
//
// The poll runs unprepared on purpose: a generic plan cannot know that the snapshot's xmin is
// recent, and would scan the tables instead of reading the few newest entries of their indexes.
func (d *DB) ChangesSince(ctx context.Context, since Snapshot, watch TableSet) (Snapshot, TableSet, error) {
	if bad := watch &^ known; bad != 0 {
		return since, 0, fmt.Errorf("change feed: unknown table %v", bad.Tables()[0])
	}
	var now Snapshot
	if since == "" || watch == 0 {
		err := d.GetContext(ctx, &now, `SELECT pg_current_snapshot()::text`)
		if err != nil || since == "" {
			return now, watch, err
		}
		return now, 0, nil
	}
	tables := watch.Tables()
	cols := make([]string, len(tables))
	for i, t := range tables {
		checks := make([]string, len(changeChecks[t]))
		for j, c := range changeChecks[t] {
			checks[j] = "EXISTS (" + c + ")"
		}
		cols[i] = strings.Join(checks, "\n\t\tOR ")
	}
	changed := make([]bool, len(tables))
	dest := []any{&now}
	for i := range changed {
		dest = append(dest, &changed[i])
	}
	err := d.scanRow(ctx, "SELECT pg_current_snapshot()::text,\n\t"+strings.Join(cols, ",\n\t"),
		[]any{string(since)}, dest...)
	if err != nil {
		return since, 0, err
	}
	var out TableSet
	for i, t := range tables {
		if changed[i] {
			out |= SetOf(t)
		}
	}
	return now, out, nil
}

// ChangedSince says whether any row of the given tables was committed after snapshot since was
// taken, and returns the current snapshot to ask with next time. An empty since always reports a
// change (there is no baseline yet); no tables never does otherwise. It is ChangesSince for a
// caller that watches for one screen and needs no more than yes or no.
func (d *DB) ChangedSince(ctx context.Context, since Snapshot, tables ...Table) (Snapshot, bool, error) {
	now, changed, err := d.ChangesSince(ctx, since, SetOf(tables...))
	if err != nil {
		return now, false, err
	}
	return now, since == "" || changed != 0, nil
}
