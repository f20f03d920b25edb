package counts

import (
	"context"

	"oms/db"
)

// Shelf is what a bin of the warehouse holds as the ledger has it now, one line per product
// and lot: the simulated counter's eyes in `oms simulate` (a person counts the shelf; a
// simulation has only the ledger for a shelf). It is never shown to a person counting blind.
func (s *Store) Shelf(ctx context.Context, warehouse, bin string) ([]Line, error) {
	var rows []struct {
		Product int64 `db:"product_id"`
		Lot     int64 `db:"lot_id"`
		Qty     int64 `db:"on_hand"`
	}
	err := s.d.SelectContext(ctx, &rows, `
		SELECT b.product_id, coalesce(b.lot_id, 0) AS lot_id, b.on_hand FROM stock_balances b
		  JOIN locations l ON l.id = b.location_id AND l.code = $2
		  JOIN warehouses w ON w.id = l.warehouse_id AND w.code = upper($1)
		 WHERE b.on_hand > 0 ORDER BY b.product_id, b.lot_id`, warehouse, bin)
	if err != nil {
		return nil, db.MapError(err)
	}
	lines := make([]Line, 0, len(rows))
	for _, r := range rows {
		lines = append(lines, Line{Product: r.Product, Lot: r.Lot, Qty: r.Qty})
	}
	return lines, nil
}
