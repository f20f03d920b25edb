package inbound

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"oms/db"
)

// Store runs inbound's queries and commands on one database.
type Store struct{ d *db.DB }

// New returns the inbound commands and readers of d.
func New(d *db.DB) *Store { return &Store{d: d} }

// ErrNotFound says a number, code or scan names nothing.
var ErrNotFound = errors.New("nothing found")

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

// decode runs a function that answers jsonb and reads its answer.
func decode[T any](ctx context.Context, tx *sqlx.Tx, query string, args ...any) (T, error) {
	var out T
	var raw []byte
	if err := tx.GetContext(ctx, &raw, query, args...); err != nil {
		return out, err
	}
	err := json.Unmarshal(raw, &out)
	return out, err
}

// read runs readers in one transaction.
func (s *Store) read(ctx context.Context, f func(tx *sqlx.Tx) error) error {
	err := s.d.InTx(ctx, f)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return mapError(err)
	}
	return err
}

// Units are units of a product named by a scan (SKU, GTIN or barcode).
type Units struct {
	SKU string `json:"sku"`
	Qty int    `json:"qty"`
}

// unitsJSON is units as the functions take them; nil is SQL NULL (everything).
func unitsJSON(units []Units) (any, error) {
	if units == nil {
		return nil, nil
	}
	b, err := json.Marshal(units)
	return string(b), err
}

// ParseUnits reads SKU=QTY arguments (QTY a whole number, 0 or more).
func ParseUnits(args []string) ([]Units, error) {
	var out []Units
	for _, a := range args {
		sku, qty, ok := strings.Cut(a, "=")
		n, err := strconv.Atoi(qty)
		if !ok || err != nil || strings.TrimSpace(sku) == "" || n < 0 {
			return nil, fmt.Errorf("%q is not SKU=QTY (a whole number of units)", a)
		}
		out = append(out, Units{SKU: strings.TrimSpace(sku), Qty: n})
	}
	return out, nil
}
