package catalog

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"oms/catalog"
	"oms/db"
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
	// Low: the product is active and low somewhere it is stocked (lowSQL).
	Low bool `db:"low"`
}

// lowSQL says product p is low: active, and in some active warehouse that holds or has held
// it, or has a reorder rule for it, what is available (on hand less reserved in its real
// places) is at or below the reorder point there (the rule's, else the product's). Warehouses
// that never carried the product are not counted: otherwise every product would be low
// somewhere.
const lowSQL = `(p.active AND EXISTS (
	SELECT 1 FROM warehouses w
	  LEFT JOIN reorder_rules r ON r.warehouse_id = w.id AND r.product_id = p.id
	 CROSS JOIN LATERAL (SELECT count(*) AS places, coalesce(sum(b.on_hand - b.reserved), 0) AS free
	                       FROM stock_balances b JOIN locations l ON l.id = b.location_id
	                      WHERE b.product_id = p.id AND l.warehouse_id = w.id AND NOT b.location_virtual) s
	 WHERE w.active AND (s.places > 0 OR r.product_id IS NOT NULL)
	   AND s.free <= coalesce(r.reorder_point, p.reorder_point)))`

// ProductPageRequest asks for a page of the list in SKU order, filtered by Search: a SKU
// prefix, a part of the name, or an exact GTIN or barcode. After and Before are keysets (a SKU
// of the window's last or first row); From starts at a SKU, inclusive (a refresh of a window);
// with none, the first page.
type ProductPageRequest struct {
	Search              string
	Low                 bool // only the products low somewhere (ProductRow.Low)
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
	if r.Low {
		where = append(where, lowSQL)
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
	q := `SELECT p.id, p.sku, p.name, p.active, ` + lowSQL + ` AS low,
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
		SELECT p.id, p.sku, p.name, p.active, false AS low, 0::bigint AS on_hand
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

// ProductDetail is a product's page: what the back office maintains, its barcodes, its stock
// per warehouse (with what is coming in and a low-stock flag), per bin, and its latest
// movements, read in one transaction. Version is what an edit must name.
type ProductDetail struct {
	ID            int64   `db:"id"`
	SKU           string  `db:"sku"`
	Name          string  `db:"name"`
	GTIN          *string `db:"gtin"`
	WeightG       *int    `db:"weight_g"`
	LengthMM      *int    `db:"length_mm"`
	WidthMM       *int    `db:"width_mm"`
	HeightMM      *int    `db:"height_mm"`
	HSCode        *string `db:"hs_code"`
	Origin        *string `db:"country_of_origin"`
	TaxCategory   string  `db:"tax_category"`
	LotTracked    bool    `db:"lot_tracked"`
	ExpiryTracked bool    `db:"expiry_tracked"`
	ReorderPoint  int     `db:"reorder_point"`
	Active        bool    `db:"active"`
	Version       int     `db:"version"`
	Barcodes      []ProductBarcode
	Stock         []WarehouseStock
	Bins          []BinStock
	// Movements are the product's latest DetailMovements movements, newest first; MoreMovements
	// says older ones exist (ProductMovements pages on from the last one's key).
	Movements     []Movement
	MoreMovements bool
}

// ProductBarcode is an extra scannable code of a product.
type ProductBarcode struct {
	Barcode    string `db:"barcode"`
	Kind       string `db:"kind"`
	QtyPerScan int    `db:"qty_per_scan"`
}

// WarehouseStock is a product's stock in the real locations of one warehouse, what is on its
// way there, and whether it is low.
type WarehouseStock struct {
	Code     string `db:"code"`
	Name     string `db:"name"`
	OnHand   int64  `db:"on_hand"`
	Reserved int64  `db:"reserved"`
	// InTransit is what transfers to this warehouse shipped and it has not received, from the
	// ledger: movements into the virtual transit location less those out of it, per transfer
	// line (units a received transfer still has in transit count until written off).
	InTransit int64 `db:"in_transit"`
	// OnOrder is what open and partially received purchase orders to this warehouse still
	// expect: qty_ordered − qty_received per line (an over-receipt counts as 0).
	OnOrder int64 `db:"on_order"`
	// ReorderPoint is the level at or below which available stock is low here: the warehouse's
	// reorder rule's point for the product when it has one (oms reorder rule), else the product's.
	ReorderPoint int64 `db:"reorder_point"`
	// Low: available ≤ ReorderPoint, for an active product in an active warehouse.
	Low bool `db:"low"`
}

// Available is what can still be promised: on hand less reserved.
func (w WarehouseStock) Available() int64 { return w.OnHand - w.Reserved }

// BinStock is what one real location holds or reserves of the product, per lot.
type BinStock struct {
	Warehouse string `db:"warehouse"`
	Code      string `db:"code"`
	Kind      string `db:"kind"` // bin, receiving, packing, quarantine…
	Lot       string `db:"lot"`  // "" without lots
	OnHand    int64  `db:"on_hand"`
	Reserved  int64  `db:"reserved"`
}

// Available is what can still be promised from the location: on hand less reserved.
func (b BinStock) Available() int64 { return b.OnHand - b.Reserved }

// Movement is one movement of the product in the ledger. A place is its warehouse's code and
// its own ("RTM1 A-01"), or a virtual location's code alone ("SUPPLIER", "TRANSIT").
type Movement struct {
	ID     int64     `db:"id"`
	At     time.Time `db:"at"`
	Kind   string    `db:"kind"`
	Qty    int64     `db:"qty"`
	Lot    string    `db:"lot"`
	From   string    `db:"from_place"`
	To     string    `db:"to_place"`
	Reason string    `db:"reason"` // a reason code, or ""
	Actor  string    `db:"actor"`  // the login that posted it
	Note   string    `db:"note"`
}

// Key is where a page of older movements starts after m.
func (m Movement) Key() MovementKey { return MovementKey{At: m.At, ID: m.ID} }

// MovementKey is a keyset in the ledger's newest-first order: (time, id).
type MovementKey struct {
	At time.Time
	ID int64
}

// DetailMovements is how many movements a product's page shows.
const DetailMovements = 50

// ErrNoProduct: the product asked for does not exist.
var ErrNoProduct = errors.New("no such product")

// stockSQL is a product's ($1) stock per warehouse: every active warehouse, with 0 where it
// holds none, and an inactive one only while it holds, expects or reserves some.
const stockSQL = `
	WITH held AS (
	        SELECT l.warehouse_id, sum(b.on_hand) AS on_hand, sum(b.reserved) AS reserved
	          FROM stock_balances b JOIN locations l ON l.id = b.location_id
	         WHERE b.product_id = $1 AND NOT b.location_virtual
	         GROUP BY l.warehouse_id),
	     transit AS (
	        SELECT t.to_warehouse_id AS warehouse_id,
	               sum(CASE WHEN tl.kind = 'transit' THEN m.qty ELSE -m.qty END) AS qty
	          FROM stock_movements m
	          JOIN transfer_lines x ON x.id = m.transfer_line_id JOIN transfers t ON t.id = x.transfer_id
	          JOIN locations fl ON fl.id = m.from_location_id JOIN locations tl ON tl.id = m.to_location_id
	         WHERE m.product_id = $1 AND m.transfer_line_id IS NOT NULL
	           AND (fl.kind = 'transit' OR tl.kind = 'transit')
	         GROUP BY t.to_warehouse_id),
	     ordered AS (
	        SELECT po.warehouse_id, sum(greatest(pl.qty_ordered - pl.qty_received, 0)) AS qty
	          FROM purchase_order_lines pl JOIN purchase_orders po ON po.id = pl.po_id
	         WHERE pl.product_id = $1 AND po.status IN ('open', 'partially_received')
	         GROUP BY po.warehouse_id)
	SELECT w.code, w.name, coalesce(h.on_hand, 0) AS on_hand, coalesce(h.reserved, 0) AS reserved,
	       coalesce(tr.qty, 0) AS in_transit, coalesce(o.qty, 0) AS on_order,
	       coalesce(r.reorder_point, p.reorder_point)::bigint AS reorder_point,
	       (p.active AND w.active AND coalesce(h.on_hand, 0) - coalesce(h.reserved, 0) <= coalesce(r.reorder_point, p.reorder_point)) AS low
	  FROM warehouses w CROSS JOIN (SELECT active, reorder_point FROM products WHERE id = $1) p
	  LEFT JOIN reorder_rules r ON r.warehouse_id = w.id AND r.product_id = $1
	  LEFT JOIN held h ON h.warehouse_id = w.id
	  LEFT JOIN transit tr ON tr.warehouse_id = w.id
	  LEFT JOIN ordered o ON o.warehouse_id = w.id
	 WHERE w.active OR coalesce(h.on_hand, 0) <> 0 OR coalesce(tr.qty, 0) <> 0 OR coalesce(o.qty, 0) <> 0
	 ORDER BY w.code`

// binsSQL is every real location that holds or reserves product $1, per lot, by warehouse and
// then the pick path.
const binsSQL = `
	SELECT w.code AS warehouse, l.code, l.kind, coalesce(lo.lot_code, '') AS lot, b.on_hand, b.reserved
	  FROM stock_balances b JOIN locations l ON l.id = b.location_id
	  JOIN warehouses w ON w.id = l.warehouse_id LEFT JOIN lots lo ON lo.id = b.lot_id
	 WHERE b.product_id = $1 AND NOT b.location_virtual AND (b.on_hand <> 0 OR b.reserved <> 0)
	 ORDER BY w.code, l.pick_seq, l.code, lo.lot_code NULLS FIRST`

// movementsSQL is product $1's movements older than the key ($2, $3; NULLs for the newest),
// newest first, at most $4.
const movementsSQL = `
	SELECT m.id, m.at, m.kind, m.qty, coalesce(lo.lot_code, '') AS lot,
	       coalesce(fw.code || ' ', '') || fl.code AS from_place, coalesce(tw.code || ' ', '') || tl.code AS to_place,
	       coalesce(m.reason_code, '') AS reason, m.actor, m.note
	  FROM stock_movements m
	  JOIN locations fl ON fl.id = m.from_location_id LEFT JOIN warehouses fw ON fw.id = fl.warehouse_id
	  JOIN locations tl ON tl.id = m.to_location_id LEFT JOIN warehouses tw ON tw.id = tl.warehouse_id
	  LEFT JOIN lots lo ON lo.id = m.lot_id
	 WHERE m.product_id = $1 AND ($2::timestamptz IS NULL OR (m.at, m.id) < ($2, $3::bigint))
	 ORDER BY m.at DESC, m.id DESC
	 LIMIT $4`

// ProductDetail reads product id's page in one snapshot, so that its warehouses, bins and
// movements agree.
func (s *Store) ProductDetail(ctx context.Context, id int64) (ProductDetail, error) {
	var p ProductDetail
	err := s.d.InSnapshot(ctx, func(tx *sqlx.Tx) error {
		p = ProductDetail{}
		err := tx.GetContext(ctx, &p, `
			SELECT id, sku, name, gtin, weight_g, length_mm, width_mm, height_mm, hs_code,
			       country_of_origin, tax_category, lot_tracked, expiry_tracked, reorder_point,
			       active, version
			  FROM products WHERE id = $1`, id)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNoProduct
		}
		if err != nil {
			return err
		}
		if err := tx.SelectContext(ctx, &p.Barcodes, `
			SELECT barcode, kind, qty_per_scan FROM product_barcodes
			 WHERE product_id = $1 ORDER BY kind, barcode`, id); err != nil {
			return err
		}
		if err := tx.SelectContext(ctx, &p.Stock, stockSQL, id); err != nil {
			return err
		}
		if err := tx.SelectContext(ctx, &p.Bins, binsSQL, id); err != nil {
			return err
		}
		p.Movements, p.MoreMovements, err = movements(ctx, tx, id, nil, DetailMovements)
		return err
	})
	return p, err
}

// ProductMovements pages on through product id's movements, newest first: at most limit
// (1 to 500) older than after, and whether there are more still.
func (s *Store) ProductMovements(ctx context.Context, id int64, after MovementKey, limit int) ([]Movement, bool, error) {
	var out []Movement
	var more bool
	err := s.d.InSnapshot(ctx, func(tx *sqlx.Tx) (err error) {
		out, more, err = movements(ctx, tx, id, &after, limit)
		return err
	})
	return out, more, err
}

func movements(ctx context.Context, tx *sqlx.Tx, id int64, after *MovementKey, limit int) ([]Movement, bool, error) {
	if limit <= 0 || limit > 500 {
		limit = DetailMovements
	}
	var at *time.Time
	var key int64
	if after != nil {
		at, key = &after.At, after.ID
	}
	var out []Movement
	if err := tx.SelectContext(ctx, &out, movementsSQL, id, at, key, limit+1); err != nil {
		return nil, false, err
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	return out, more, nil
}

// ProductEdit is what the back office changes on a product's page, with the version of the
// product it was typed against: every field a products file carries but the SKU. Zero measures
// and "" codes are "not known" (stored as NULL), as in a file.
type ProductEdit struct {
	ID            int64
	Version       int
	Name          string
	GTIN          string
	Barcodes      []string // the extra codes; the list replaces the stored one
	WeightG       int
	LengthMM      int
	WidthMM       int
	HeightMM      int
	HSCode        string
	Origin        string // ISO 3166-1 alpha-2
	TaxCategory   string
	LotTracked    bool
	ExpiryTracked bool
	ReorderPoint  int
	Active        bool
}

// ErrChangedSinceOpened: someone saved the product after the version the edit names.
var ErrChangedSinceOpened = errors.New("changed by someone else since you opened it: reload")

// RefusedField names the field a refusal of UpdateProduct is about, as a products file names
// its column (gtin, barcodes, tax_category, lot_tracked…), with the sentence; ok is false for
// a refusal of no one field (a conflict, a missing grant).
func RefusedField(err error) (column, reason string, ok bool) {
	var fe *catalog.FieldError
	if errors.As(err, &fe) {
		return fe.Column, fe.Reason, true
	}
	var r refusal
	if errors.As(err, &r) && r.column != "" {
		return r.column, r.reason, true
	}
	var ce *db.ConstraintError
	if errors.As(err, &ce) && ce.Constraint == "products_lot_tracking" {
		return "lot_tracked", ce.Message, true
	}
	return "", "", false
}

// UpdateProduct saves e in one transaction, only if the product is still at e.Version, and
// returns its new version. Its values are checked as a products file's row is (a refusal is a
// *catalog.FieldError); a GTIN or barcode another product scans as and an unknown tax category
// are refused like an import's (RefusedField names the field), and so is ending lot tracking
// while lots are in stock (the database's sentence). The barcodes are replaced as an import
// replaces them. A product saved by someone else meanwhile is left as they saved it and
// ErrChangedSinceOpened returned; one that does not exist, ErrNoProduct.
func (s *Store) UpdateProduct(ctx context.Context, e ProductEdit) (int, error) {
	p, err := catalog.ParseProduct(e.values("x")) // the SKU is not edited: any valid one will do
	if err != nil {
		return 0, err
	}
	e = EditOf(e.ID, e.Version, p)
	var version int
	err = s.d.InTx(ctx, func(tx *sqlx.Tx) error {
		var cur struct {
			SKU     string `db:"sku"`
			Version int    `db:"version"`
		}
		err := tx.GetContext(ctx, &cur, `SELECT sku, version FROM products WHERE id = $1 FOR UPDATE`, e.ID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNoProduct
		}
		if err != nil {
			return err
		}
		if cur.Version != e.Version {
			return ErrChangedSinceOpened
		}
		cats, err := names(ctx, tx, `SELECT code FROM tax_categories`)
		if err != nil {
			return err
		}
		if err := taxCategoryExists(cats, e.TaxCategory); err != nil {
			return err
		}
		if err := gtinFree(ctx, tx, e.GTIN, cur.SKU); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &version, `
			UPDATE products SET name = $2, gtin = nullif($3, ''), weight_g = nullif($4, 0),
			       length_mm = nullif($5, 0), width_mm = nullif($6, 0), height_mm = nullif($7, 0),
			       hs_code = nullif($8, ''), country_of_origin = nullif($9, ''), tax_category = $10,
			       lot_tracked = $11, expiry_tracked = $12, reorder_point = $13, active = $14,
			       updated_at = now(), version = version + 1
			 WHERE id = $1
			RETURNING version`, e.ID, e.Name, e.GTIN, e.WeightG, e.LengthMM, e.WidthMM, e.HeightMM,
			e.HSCode, e.Origin, e.TaxCategory, e.LotTracked, e.ExpiryTracked, e.ReorderPoint, e.Active); err != nil {
			return err
		}
		_, err = syncBarcodes(ctx, tx, e.ID, e.Barcodes)
		return err
	})
	if err != nil {
		version = 0
	}
	return version, err
}

// values is e as the text of a products file's row of SKU sku.
func (e ProductEdit) values(sku string) map[string]string {
	num := func(n int) string {
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	return map[string]string{
		"sku": sku, "name": e.Name, "gtin": e.GTIN, "barcodes": strings.Join(e.Barcodes, ";"),
		"weight_g": num(e.WeightG), "length_mm": num(e.LengthMM), "width_mm": num(e.WidthMM),
		"height_mm": num(e.HeightMM), "hs_code": e.HSCode, "country_of_origin": e.Origin,
		"tax_category": e.TaxCategory, "lot_tracked": strconv.FormatBool(e.LotTracked),
		"expiry_tracked": strconv.FormatBool(e.ExpiryTracked), "reorder_point": strconv.Itoa(e.ReorderPoint),
		"active": strconv.FormatBool(e.Active),
	}
}

// EditOf is the edit a products file's row makes of product id at version: what ParseProduct
// reads from a form's fields.
func EditOf(id int64, version int, p catalog.Product) ProductEdit {
	return ProductEdit{ID: id, Version: version, Name: p.Name, GTIN: p.GTIN, Barcodes: p.Barcodes,
		WeightG: p.WeightG, LengthMM: p.LengthMM, WidthMM: p.WidthMM, HeightMM: p.HeightMM,
		HSCode: p.HSCode, Origin: p.CountryOfOrigin, TaxCategory: p.TaxCategory, LotTracked: p.LotTracked,
		ExpiryTracked: p.ExpiryTracked, ReorderPoint: p.ReorderPoint, Active: p.Active}
}
