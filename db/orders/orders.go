package orders

import (
	"context"
	"slices"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"oms/db"
)

// Packed sets how many units of an order line are packed.
type Packed struct {
	Line   int64
	Packed int64
}

// Store runs the order commands on one database.
type Store struct{ d *db.DB }

// New returns the order commands of d.
func New(d *db.DB) *Store { return &Store{d: d} }

// SetPacked records the packed units of several lines in one transaction and one statement,
// lines in id order so that two packers touching the same lines never lock them in opposite
// orders. The database refuses more packed than picked or fewer than are in packages, and
// moves each order's status.
func (s *Store) SetPacked(ctx context.Context, key string, changes ...Packed) error {
	changes = slices.Clone(changes)
	slices.SortFunc(changes, func(a, b Packed) int { return int(a.Line - b.Line) })
	lines, packed := make([]int64, len(changes)), make([]int64, len(changes))
	for i, c := range changes {
		lines[i], packed[i] = c.Line, c.Packed
	}
	return s.d.InTx(ctx, func(tx *sqlx.Tx) error {
		if done, err := db.ClaimKey(ctx, tx, key, "orders.set_packed", changes); done || err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `
			UPDATE order_lines ol SET qty_packed = c.packed
			  FROM unnest($1::bigint[], $2::bigint[]) AS c(id, packed)
			 WHERE ol.id = c.id`, pq.Array(lines), pq.Array(packed))
		return err
	})
}
