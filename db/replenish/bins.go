package replenish

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// Level is a pick bin's min and max for a product: at or below Min, a replenishment task fills
// it up to Max from the reserve bins. Max 0 removes the level.
type Level struct {
	Warehouse string `json:"-"`
	Bin       string `json:"bin"`
	SKU       string `json:"sku"` // or a GTIN or barcode of the product
	Min       int    `json:"min"`
	Max       int    `json:"max"`
}

// SetLevel sets (or, with Max 0, removes) a pick bin's level for a product, the stock role's
// work, in one transaction under key. It answers the level as stored, with the product's SKU.
func (s *Store) SetLevel(ctx context.Context, key string, l Level) (Level, error) {
	req := struct {
		Warehouse, Bin, SKU string
		Min, Max            int
	}{l.Warehouse, l.Bin, l.SKU, l.Min, l.Max}
	return keyed(ctx, s, key, "replenish.level_set", req, func(tx *sqlx.Tx) (Level, error) {
		var out Level
		_, err := decode(ctx, tx, &out, `SELECT oms_bin_level_set($1, $2, $3, $4, $5)`, l.Warehouse, l.Bin, l.SKU, l.Min, l.Max)
		out.Warehouse = code(l.Warehouse)
		return out, err
	})
}

// SetReserve marks a bin of a warehouse as a reserve bin (stock stored there refills the pick
// bins; it is not picked from by plan), or with on false as a pick bin again, in one
// transaction under key. A bin with levels is a pick bin: remove its levels first.
func (s *Store) SetReserve(ctx context.Context, key, warehouse, bin string, on bool) error {
	req := struct {
		Warehouse, Bin string
		On             bool
	}{warehouse, bin, on}
	_, err := keyed(ctx, s, key, "replenish.reserve_set", req, func(tx *sqlx.Tx) (bool, error) {
		wid, err := warehouseID(ctx, tx, warehouse)
		if err != nil {
			return false, err
		}
		res, err := tx.ExecContext(ctx, `
			UPDATE locations l SET reserve = $3
			 WHERE l.warehouse_id = $1 AND l.code = upper(btrim($2)) AND l.kind = 'bin'
			   AND NOT ($3 AND EXISTS (SELECT 1 FROM bin_levels bl WHERE bl.location_id = l.id))`, wid, bin, on)
		if err != nil {
			return false, err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return true, nil
		}
		var why struct {
			Kind   string         `db:"kind"`
			Levels sql.NullString `db:"levels"`
		}
		err = tx.GetContext(ctx, &why, `
			SELECT l.kind, (SELECT string_agg(p.sku, ', ' ORDER BY p.sku) FROM bin_levels bl JOIN products p ON p.id = bl.product_id
			                 WHERE bl.location_id = l.id) AS levels
			  FROM locations l WHERE l.warehouse_id = $1 AND l.code = upper(btrim($2))`, wid, bin)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return false, fmt.Errorf("%w: %s has no bin %s", ErrNotFound, code(warehouse), code(bin))
		case err != nil:
			return false, err
		case why.Kind != "bin":
			return false, fmt.Errorf("%s at %s is a %s location, not a bin: only bins hold reserve stock", code(bin), code(warehouse), why.Kind)
		default:
			return false, fmt.Errorf("%s at %s is a pick bin with levels for %s: remove them first (oms bins level %s %s SKU --max 0)",
				code(bin), code(warehouse), why.Levels.String, code(warehouse), code(bin))
		}
	})
	return err
}
