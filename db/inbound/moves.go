package inbound

import (
	"context"

	"github.com/jmoiron/sqlx"
)

// Suggestion is where received units of a product should go, and why.
type Suggestion struct {
	Bin  string `json:"bin"`
	Zone string `json:"zone"`
	Why  string `json:"why"`
}

// SuggestPutaway says where to put a product away in a warehouse: a bin that holds it already
// (first on the pick path), else an empty bin in a zone where it has had a bin, else any empty
// bin.
func (s *Store) SuggestPutaway(ctx context.Context, warehouse, scan string) (Suggestion, error) {
	var out Suggestion
	err := s.read(ctx, func(tx *sqlx.Tx) (err error) {
		out, err = decode[Suggestion](ctx, tx, `SELECT oms_putaway_suggest($1, $2)`, warehouse, scan)
		return err
	})
	return out, err
}

// Move is units of a product moved inside a warehouse, confirmed by scanning the places.
type Move struct {
	Warehouse string
	From, To  string // location codes
	Scan      string // SKU, GTIN or barcode
	Qty       int
	Lot       string // needed when the place holds more than one lot of it
}

// Moved is what a putaway or a move did.
type Moved struct {
	SKU  string `json:"sku"`
	Qty  int64  `json:"qty"`
	From string `json:"from"`
	To   string `json:"to"`
	Lot  string `json:"lot"`
}

// Putaway puts received units away from the receiving (or staging) location into a bin, in one
// transaction under key: a putaway movement.
func (s *Store) Putaway(ctx context.Context, key string, m Move) (Moved, error) {
	return keyed(ctx, s, key, "inbound.putaway", m, func(tx *sqlx.Tx) (Moved, error) {
		return decode[Moved](ctx, tx, `SELECT oms_putaway($1, $2, $3, $4, $5, $6)`, m.Warehouse, m.From, m.Scan, m.Qty, m.Lot, m.To)
	})
}

// MoveStock moves units from one bin to another of the same warehouse in one transaction under
// key: a transfer movement. Reserved units stay where they are.
func (s *Store) MoveStock(ctx context.Context, key string, m Move) (Moved, error) {
	return keyed(ctx, s, key, "inbound.move", m, func(tx *sqlx.Tx) (Moved, error) {
		return decode[Moved](ctx, tx, `SELECT oms_move($1, $2, $3, $4, $5, $6)`, m.Warehouse, m.From, m.Scan, m.Qty, m.Lot, m.To)
	})
}
