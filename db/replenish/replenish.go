package replenish

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"oms/db"
)

// Store runs replenishment's and reordering's queries and commands on one database.
type Store struct{ d *db.DB }

// New returns the replenishment commands and readers of d.
func New(d *db.DB) *Store { return &Store{d: d} }

// ErrNotFound says a warehouse, bin, task, SKU or supplier names nothing.
var ErrNotFound = errors.New("nothing found")

// ErrNoWork says there is no replenishment task to claim at the warehouse.
var ErrNoWork = errors.New("no replenishment task")

// mapError is db.MapError, and a function's "there is no …" (no_data_found) as ErrNotFound
// with the function's sentence.
func mapError(err error) error {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Code == "P0002" {
		return fmt.Errorf("%w: %s", ErrNotFound, pqErr.Message)
	}
	return db.MapError(err)
}

// keyed is db.Keyed with mapError.
func keyed[T any](ctx context.Context, s *Store, key, command string, request any, do func(tx *sqlx.Tx) (T, error)) (T, error) {
	out, err := db.Keyed(ctx, s.d, key, command, request, do)
	return out, mapError(err)
}

// decode runs a function that answers jsonb and reads its answer; SQL NULL leaves out zero and
// answers false.
func decode[T any](ctx context.Context, tx *sqlx.Tx, out *T, query string, args ...any) (bool, error) {
	var raw sql.Null[[]byte]
	if err := tx.GetContext(ctx, &raw, query, args...); err != nil {
		return false, err
	}
	if !raw.Valid || raw.V == nil {
		return false, nil
	}
	return true, json.Unmarshal(raw.V, out)
}

// read runs readers in one transaction.
func (s *Store) read(ctx context.Context, f func(tx *sqlx.Tx) error) error {
	err := s.d.InTx(ctx, f)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return mapError(err)
	}
	return err
}

func code(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// warehouseID is the id of the warehouse with that code, or ErrNotFound.
func warehouseID(ctx context.Context, tx *sqlx.Tx, warehouse string) (int64, error) {
	var id int64
	err := tx.GetContext(ctx, &id, `SELECT id FROM warehouses WHERE code = upper(btrim($1))`, warehouse)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("%w: there is no warehouse %s", ErrNotFound, code(warehouse))
	}
	return id, err
}
