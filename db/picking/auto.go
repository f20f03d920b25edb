package picking

import (
	"context"
	"fmt"
	"time"

	"oms/db"
)

// SetAutoRelease makes a warehouse (its code) release its allocated orders every interval, or
// only by hand when every is 0. The database keeps it between a minute and a day.
func (s *Store) SetAutoRelease(ctx context.Context, warehouse string, every time.Duration) error {
	var arg any
	if every > 0 {
		arg = fmt.Sprintf("%d seconds", int64(every/time.Second))
	}
	res, err := s.d.ExecContext(ctx, `UPDATE warehouses SET pick_release_every = $2::interval WHERE code = upper($1)`, warehouse, arg)
	if err != nil {
		return db.MapError(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("there is no warehouse %s", warehouse)
	}
	return nil
}

// DueForRelease lists the warehouses (codes) that release on a timer and whose last batch (the
// newest by id, read from the end of the primary key: a few rows back while the warehouse is
// releasing), or
// the last attempt the caller made (tried, by code), is at least their interval old.
func (s *Store) DueForRelease(ctx context.Context, tried map[string]time.Time) ([]string, error) {
	var rows []struct {
		Code  string    `db:"code"`
		Since time.Time `db:"since"`
		Every float64   `db:"every"`
		Now   time.Time `db:"now"`
	}
	err := s.d.SelectContext(ctx, &rows, `
		SELECT w.code, coalesce((SELECT b.created_at FROM pick_batches b WHERE b.warehouse_id = w.id
		                          ORDER BY b.id DESC LIMIT 1), 'epoch'::timestamptz) AS since,
		       extract(epoch FROM w.pick_release_every)::float8 AS every, now() AS now
		  FROM warehouses w WHERE w.active AND w.pick_release_every IS NOT NULL ORDER BY w.code`)
	if err != nil {
		return nil, db.MapError(err)
	}
	var due []string
	for _, r := range rows {
		last := r.Since
		if t, ok := tried[r.Code]; ok && t.After(last) {
			last = t
		}
		if r.Now.Sub(last) >= time.Duration(r.Every*float64(time.Second)) {
			due = append(due, r.Code)
		}
	}
	return due, nil
}
