package db

import (
	"context"

	"github.com/lib/pq"
)

// Fault injection and its bookkeeping for `oms simulate --faults` (reliability.md, proof 2):
// the simulator runs no SQL of its own, so the few statements it needs beyond the screens'
// commands live here.

// TerminateBackends ends every other session whose application_name starts with appPrefix
// (pg_terminate_backend), as an administrator killing connections would, and returns how many
// it ended. The caller must be a superuser or a member of pg_signal_backend (and may only end
// sessions of roles that are not superusers, unless it is one).
func (d *DB) TerminateBackends(ctx context.Context, appPrefix string) (int, error) {
	var n int
	err := d.pool.GetContext(ctx, &n, `
		SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))
		  FROM pg_stat_activity
		 WHERE pid <> pg_backend_pid() AND datname = current_database()
		   AND starts_with(application_name, $1)`, appPrefix)
	return n, MapError(err)
}

// LastMovement is the id of the ledger's newest movement (0 when it is empty): where a run
// starts counting what it moved.
func (d *DB) LastMovement(ctx context.Context) (int64, error) {
	var id int64
	err := d.pool.GetContext(ctx, &id, `SELECT coalesce(max(id), 0) FROM stock_movements`)
	return id, MapError(err)
}

// MovedSince sums, by movement kind, the units of the ledger's movements after movement id
// after that the given actors (logins) made: what a run's workers did, to compare with what
// their commands were told they did.
func (d *DB) MovedSince(ctx context.Context, after int64, actors []string) (map[string]int64, error) {
	var rows []struct {
		Kind string `db:"kind"`
		Qty  int64  `db:"qty"`
	}
	err := d.pool.SelectContext(ctx, &rows, `
		SELECT kind, sum(qty) AS qty FROM stock_movements
		 WHERE id > $1 AND actor = ANY($2) GROUP BY kind`, after, pq.Array(actors))
	if err != nil {
		return nil, MapError(err)
	}
	out := map[string]int64{}
	for _, r := range rows {
		out[r.Kind] = r.Qty
	}
	return out, nil
}
