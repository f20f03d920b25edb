package db

import (
	"context"
	"fmt"
	"slices"
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
	// RMAs is returns: RMAs and their lines (requests, receipts, refunds).
	RMAs
	// Counts is stock counts and their lines.
	Counts
	// OpenOrders is what the open-orders queue shows: the orders that are open before or after
	// a change, with their lines, and every change of an order's status, channel or warehouse
	// (the queue's counts show every status). An order that was shipped and stays shipped, and
	// the lines of such orders, do not wake it. It is a narrower Orders plus OrderLines.
	OpenOrders
	lastTable = OpenOrders
)

var tableNames = [...]string{Orders: "orders", OrderLines: "order lines", PickTasks: "pick tasks",
	Stock: "stock", RMAs: "RMAs", Counts: "counts", OpenOrders: "open orders"}

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
		`SELECT 1 FROM rma_lines WHERE ` + unseen("change_xid")},
	Counts: {`SELECT 1 FROM stock_counts WHERE ` + unseen("change_xid"),
		`SELECT 1 FROM stock_count_lines WHERE ` + unseen("change_xid")},
	// open_change_xid is stamped by the same transaction as change_xid and never later (00007),
	// so orders_changes finds its candidates. A line counts when its order is open now; a line
	// of an order that was open at the snapshot and is not now is covered by the stamp of the
	// transaction that closed the order, which the snapshot cannot have seen either.
	OpenOrders: {
		`SELECT 1 FROM orders WHERE ` + unseen("change_xid") + ` AND NOT pg_visible_in_snapshot(open_change_xid, $1::pg_snapshot)`,
		`SELECT 1 FROM order_lines l JOIN orders o ON o.id = l.order_id
		  WHERE ` + unseen("l.change_xid") + ` AND oms_order_is_open(o.status)`,
	},
}

// ChangedSince says whether any row of the given tables was committed after snapshot since was
// taken, and returns the current snapshot to ask with next time. An empty since always reports a
// change (there is no baseline yet); no tables never does.
//
// This is the polled change feed of ARCHITECTURE.md §4: writers only stamp rows with their
// transaction id (a trigger or a column default, no NOTIFY, so nothing serializes commits), and
// readers ask which stamped transactions their last snapshot could not see. Unlike comparing
// max(updated_at) or a sequence, it cannot miss a transaction that started early and committed
// late. Deleted rows leave no stamp; none of these tables deletes rows in normal work.
//
// The poll runs unprepared on purpose: a generic plan cannot know that the snapshot's xmin is
// recent, and would scan the tables instead of reading the few newest entries of their indexes.
func (d *DB) ChangedSince(ctx context.Context, since Snapshot, tables ...Table) (Snapshot, bool, error) {
	var res struct {
		Now     Snapshot `db:"now"`
		Changed bool     `db:"changed"`
	}
	if since == "" {
		err := d.GetContext(ctx, &res, `SELECT pg_current_snapshot()::text AS now, true AS changed`)
		return res.Now, true, err
	}
	tables = slices.Clone(tables)
	slices.Sort(tables)
	tables = slices.Compact(tables)
	var checks []string
	for _, t := range tables {
		if t < 1 || t > lastTable {
			return since, false, fmt.Errorf("change feed: unknown table %v", t)
		}
		for _, c := range changeChecks[t] {
			checks = append(checks, "EXISTS ("+c+")")
		}
	}
	if len(checks) == 0 {
		err := d.GetContext(ctx, &res, `SELECT pg_current_snapshot()::text AS now, false AS changed`)
		return res.Now, false, err
	}
	err := d.GetContext(ctx, &res, `SELECT pg_current_snapshot()::text AS now, `+
		strings.Join(checks, "\n\t\tOR ")+` AS changed`, string(since))
	return res.Now, res.Changed, err
}
