package db

import "context"

// Snapshot is a point in the database's commit history (a pg_snapshot in text form).
type Snapshot string

// OrdersChangedSince says whether any order or order line was committed after snapshot since
// was taken, and returns the current snapshot to ask with next time. An empty since always
// reports a change.
//
// This is the polled change feed of DESIGN.md §5: writers only stamp rows with their
// transaction id (a trigger, no NOTIFY, so no commit-time serialization), and readers ask which
// stamped transactions their last snapshot could not see. Unlike comparing max(updated_at) or a
// sequence, it cannot miss a transaction that started early and committed late.
func (d *DB) OrdersChangedSince(ctx context.Context, since Snapshot) (Snapshot, bool, error) {
	var res struct {
		Now     Snapshot `db:"now"`
		Changed bool     `db:"changed"`
	}
	if since == "" {
		err := d.GetContext(ctx, &res, `SELECT pg_current_snapshot()::text AS now, true AS changed`)
		return res.Now, true, err
	}
	err := d.GetContext(ctx, &res, `
		SELECT pg_current_snapshot()::text AS now,
		       EXISTS (SELECT 1 FROM orders
		                WHERE change_xid >= pg_snapshot_xmin($1::pg_snapshot)
		                  AND NOT pg_visible_in_snapshot(change_xid, $1::pg_snapshot))
		    OR EXISTS (SELECT 1 FROM order_lines
		                WHERE change_xid >= pg_snapshot_xmin($1::pg_snapshot)
		                  AND NOT pg_visible_in_snapshot(change_xid, $1::pg_snapshot)) AS changed`,
		string(since))
	return res.Now, res.Changed, err
}
