package catalog

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
)

// The products screen's reads and its one command (tui/products). They live here, beside the
// imports, because they read and write the same master data.

// ProductRow is one line of the products list.
type ProductRow struct {
	ID     int64  `db:"id"`
	SKU    string `db:"sku"`
	Name   string `db:"name"`
	OnHand int64  `db:"on_hand"` // in every real (non-virtual) location
	Active bool   `db:"active"`
}

// ProductPageRequest asks for a page of the list in SKU order, filtered by Search: a SKU
// prefix, a part of the name, or an exact GTIN or barcode. After and Before are keysets (a SKU
// of the window's last or first row); From starts at a SKU, inclusive (a refresh of a window);
// with none, the first page.
type ProductPageRequest struct {
	Search              string
	After, Before, From string
	Limit               int
}

// likeEscape escapes LIKE's wildcards so that a typed "_" or "%" matches itself.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// ProductPage returns the page r asks for, in SKU order.
func (s *Store) ProductPage(ctx context.Context, r ProductPageRequest) ([]ProductRow, error) {
	limit := r.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	text := strings.TrimSpace(r.Search)
	where, args := []string{"true"}, []any{}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if text != "" {
		esc := likeEscape(text)
		where = append(where, "(p.sku ILIKE "+arg(esc+"%")+" OR p.name ILIKE "+arg("%"+esc+"%")+
			" OR p.gtin = "+arg(text)+" OR p.id IN (SELECT product_id FROM product_barcodes WHERE barcode = "+arg(text)+"))")
	}
	order := "p.sku"
	switch {
	case r.Before != "":
		where = append(where, "p.sku < "+arg(r.Before))
		order = "p.sku DESC"
	case r.After != "":
		where = append(where, "p.sku > "+arg(r.After))
	case r.From != "":
		where = append(where, "p.sku >= "+arg(r.From))
	}
	q := `SELECT p.id, p.sku, p.name, p.active,
	             COALESCE((SELECT sum(b.on_hand) FROM stock_balances b
	                        WHERE b.product_id = p.id AND NOT b.location_virtual), 0) AS on_hand
	        FROM products p
	       WHERE ` + strings.Join(where, " AND ") + `
	       ORDER BY ` + order + ` LIMIT ` + arg(limit)
	var rows []ProductRow
	if err := s.d.SelectContext(ctx, &rows, q, args...); err != nil {
		return nil, err
	}
	if r.Before != "" {
		for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
			rows[i], rows[j] = rows[j], rows[i]
		}
	}
	return rows, nil
}

// ProductByCode finds the one product a scanned code names: its GTIN, one of its barcodes, or
// its exact SKU. found is false when no product has that code.
func (s *Store) ProductByCode(ctx context.Context, code string) (row ProductRow, found bool, err error) {
	code = strings.TrimSpace(code)
	if code == "" {
		return row, false, nil
	}
	err = s.d.GetContext(ctx, &row, `
		SELECT p.id, p.sku, p.name, p.active, 0::bigint AS on_hand
		  FROM products p
		 WHERE p.gtin = $1 OR p.sku = $1
		    OR p.id IN (SELECT product_id FROM product_barcodes WHERE barcode = $1)
		 ORDER BY (p.gtin = $1) DESC NULLS LAST, p.sku
		 LIMIT 1`, code)
	if errors.Is(err, sql.ErrNoRows) {
		return row, false, nil
	}
	return row, err == nil, err
}
