package catalog

import "context"

// StockedAt lists up to limit SKUs with the most units free to sell in the warehouse's bins (on
// hand less reserved, at least min), active and tracked by neither lot nor expiry: what `oms
// simulate` has its customers order, so a simulated day's orders can be picked where it runs.
func (s *Store) StockedAt(ctx context.Context, warehouse string, min, limit int) ([]string, error) {
	var skus []string
	err := s.d.SelectContext(ctx, &skus, `
		SELECT p.sku FROM stock_balances b
		  JOIN locations l ON l.id = b.location_id AND l.kind = 'bin'
		  JOIN warehouses w ON w.id = l.warehouse_id AND w.code = upper($1)
		  JOIN products p ON p.id = b.product_id AND p.active AND NOT p.lot_tracked AND NOT p.expiry_tracked
		 GROUP BY p.sku HAVING sum(b.on_hand - b.reserved) >= $2
		 ORDER BY sum(b.on_hand - b.reserved) DESC, p.sku LIMIT $3`, warehouse, min, limit)
	return skus, err
}
