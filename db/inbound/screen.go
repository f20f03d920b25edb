package inbound

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// The small reads the receiving and moves screen (tui/stockwork) asks before it gives a
// command: what a scan names, whether a lot is known, what waits to be put away, what a bin
// holds. Each is one transaction; the commands themselves re-check everything.

// Item is the product a scan names, as a screen shows it.
type Item struct {
	Product       int64  `db:"id"`
	SKU           string `db:"sku"`
	Name          string `db:"name"`
	LotTracked    bool   `db:"lot_tracked"`
	ExpiryTracked bool   `db:"expiry_tracked"`
}

// Item finds the product a scan names: its SKU, GTIN (with or without leading zeros) or one of
// its barcodes, in the order the commands read them (oms_inbound_product). A scan that names
// nothing is ErrNotFound with a sentence.
func (s *Store) Item(ctx context.Context, scan string) (Item, error) {
	var it Item
	scan = strings.TrimSpace(scan)
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &it, `
			SELECT p.id, p.sku, p.name, p.lot_tracked, p.expiry_tracked FROM products p JOIN (
			       SELECT x.id, 1 AS rank FROM products x WHERE x.sku = upper($1)
			       UNION ALL
			       SELECT x.id, 2 FROM products x WHERE $1 ~ '^[0-9]{8,14}$' AND x.gtin IS NOT NULL AND ltrim(x.gtin, '0') = ltrim($1, '0')
			       UNION ALL
			       SELECT b.product_id, 3 FROM product_barcodes b WHERE b.barcode = $1) m ON m.id = p.id
			 ORDER BY m.rank LIMIT 1`, scan)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: no product has the SKU, GTIN or barcode %q", ErrNotFound, scan)
		}
		return err
	})
	return it, err
}

// Lot is a product's lot as known, with its expiry when one was given.
type Lot struct {
	Code    string     `db:"lot_code"`
	Expires *time.Time `db:"expires_on"`
}

// Lot reads a product's lot by its code; a lot not received yet is ErrNotFound (a receipt
// makes it, with its expiry).
func (s *Store) Lot(ctx context.Context, product int64, code string) (Lot, error) {
	var l Lot
	code = strings.TrimSpace(code)
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &l, `SELECT lot_code, expires_on FROM lots WHERE product_id = $1 AND lot_code = $2`, product, code)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: lot %s is new", ErrNotFound, code)
		}
		return err
	})
	return l, err
}

// Holding is units of a product (and lot) at a place.
type Holding struct {
	Place string `db:"place"`
	Kind  string `db:"kind"`
	SKU   string `db:"sku"`
	Name  string `db:"name"`
	Lot   string `db:"lot"`
	Qty   int64  `db:"qty"`
}

// Waiting lists what waits to be put away at a warehouse: the units in its receiving and
// staging locations, by place, SKU and lot (at most 200 rows).
func (s *Store) Waiting(ctx context.Context, warehouse string) ([]Holding, error) {
	var out []Holding
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		return tx.SelectContext(ctx, &out, `
			SELECT l.code AS place, l.kind, p.sku, p.name, coalesce(lo.lot_code, '') AS lot, b.on_hand AS qty
			  FROM stock_balances b JOIN locations l ON l.id = b.location_id JOIN warehouses w ON w.id = l.warehouse_id
			  JOIN products p ON p.id = b.product_id LEFT JOIN lots lo ON lo.id = b.lot_id
			 WHERE w.code = upper(btrim($1)) AND l.kind IN ('receiving', 'staging') AND b.on_hand > 0
			 ORDER BY l.kind, l.code, p.sku, lo.lot_code NULLS FIRST LIMIT 200`, warehouse)
	})
	return out, err
}

// Place is a location of a warehouse as scanned, and what it holds.
type Place struct {
	Code  string    `db:"code"`
	Kind  string    `db:"kind"`
	Zone  string    `db:"zone"`
	Holds []Holding `db:"-"`
}

// Place reads a location of a warehouse by its code or barcode, with what it holds (at most
// 50 rows). A scan that names no active location there is ErrNotFound with a sentence.
func (s *Store) Place(ctx context.Context, warehouse, scan string) (Place, error) {
	var pl Place
	scan = strings.TrimSpace(scan)
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		var id int64
		row := struct {
			ID int64 `db:"id"`
			Place
		}{}
		err := tx.GetContext(ctx, &row, `
			SELECT l.id, l.code, l.kind, coalesce(l.zone, '') AS zone FROM locations l JOIN warehouses w ON w.id = l.warehouse_id
			 WHERE w.code = upper(btrim($1)) AND l.active AND (l.code = upper($2) OR l.barcode = $2)
			 ORDER BY l.code = upper($2) DESC LIMIT 1`, warehouse, scan)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: %s has no place %s", ErrNotFound, strings.ToUpper(strings.TrimSpace(warehouse)), strings.ToUpper(scan))
		}
		if err != nil {
			return err
		}
		id, pl = row.ID, row.Place
		return tx.SelectContext(ctx, &pl.Holds, `
			SELECT l.code AS place, l.kind, p.sku, p.name, coalesce(lo.lot_code, '') AS lot, b.on_hand AS qty
			  FROM stock_balances b JOIN locations l ON l.id = b.location_id
			  JOIN products p ON p.id = b.product_id LEFT JOIN lots lo ON lo.id = b.lot_id
			 WHERE b.location_id = $1 AND b.on_hand > 0
			 ORDER BY p.sku, lo.lot_code NULLS FIRST LIMIT 50`, id)
	})
	return pl, err
}
