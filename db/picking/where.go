package picking

import (
	"context"
	"fmt"
	"strings"

	"oms/db"
)

// Where answers the handheld's "Where is it?" for a scan in a warehouse (its code): a bin (code
// or barcode) says what it holds, an item (SKU, GTIN or any barcode) says which bins hold it,
// a tote says which batch it carries. One line each, bins in pick sequence; one read, no lock.
func (s *Store) Where(ctx context.Context, warehouse, scan string) ([]string, error) {
	scan = strings.TrimSpace(scan)
	if scan == "" {
		return nil, nil
	}
	var lines []string
	err := s.d.SelectContext(ctx, &lines, `
		WITH w AS (SELECT id FROM warehouses WHERE code = upper($1)),
		bin AS (SELECT l.id, l.code, l.pick_seq FROM locations l JOIN w ON w.id = l.warehouse_id
		         WHERE upper(l.code) = upper($2) OR l.barcode = $2),
		item AS (SELECT p.id, p.sku, p.name FROM products p
		          WHERE upper(p.sku) = upper($2) OR p.gtin = $2
		             OR p.id IN (SELECT product_id FROM product_barcodes WHERE barcode = $2))
		SELECT line FROM (
		  SELECT 1 AS part, b.pick_seq AS seq, b.code || ': ' || coalesce(string_agg(
		             (sb.on_hand)::text || ' × ' || p.sku || CASE WHEN sb.reserved > 0 THEN ' (' || sb.reserved || ' reserved)' ELSE '' END,
		             ', ' ORDER BY p.sku) FILTER (WHERE sb.on_hand > 0), 'empty') AS line
		    FROM bin b LEFT JOIN stock_balances sb ON sb.location_id = b.id LEFT JOIN products p ON p.id = sb.product_id
		   GROUP BY b.id, b.code, b.pick_seq
		  UNION ALL
		  SELECT 2, min(l.pick_seq), i.sku || ' ' || i.name || ': ' || coalesce(string_agg(
		             l.code || ' ' || sb.on_hand, ', ' ORDER BY l.pick_seq, l.code) FILTER (WHERE sb.on_hand > 0), 'in no bin here')
		    FROM item i
		    LEFT JOIN (stock_balances sb JOIN locations l ON l.id = sb.location_id AND l.kind = 'bin'
		               JOIN w ON w.id = l.warehouse_id) ON sb.product_id = i.id
		   GROUP BY i.id, i.sku, i.name
		  UNION ALL
		  SELECT 3, pb.id::integer, 'tote ' || pb.tote || ': ' || pb.code || ' ' || pb.status
		    FROM pick_batches pb JOIN w ON w.id = pb.warehouse_id
		   WHERE upper(pb.tote) = upper($2) AND pb.status IN ('ready', 'claimed')
		) x ORDER BY part, seq`, warehouse, scan)
	if err != nil {
		return nil, db.MapError(err)
	}
	if len(lines) == 0 {
		return []string{fmt.Sprintf("%s is no bin, item or tote of %s", scan, strings.ToUpper(warehouse))}, nil
	}
	return lines, nil
}
