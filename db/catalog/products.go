package catalog

import (
	"context"
	"slices"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"oms/catalog"
	"oms/model"
)

// ImportProducts upserts products by SKU, with their extra barcodes (the file's list replaces
// the stored one), in one transaction. A column the file does not have is left as stored. The back office's work (migration 00009).
func (s *Store) ImportProducts(ctx context.Context, file string, rows []catalog.Product) (Result, error) {
	var taxCats map[string]bool
	return importRows(ctx, s.d, file, rows, func(p catalog.Product) int { return p.Line },
		func(tx *sqlx.Tx) (err error) {
			taxCats, err = names(ctx, tx, `SELECT code FROM tax_categories`)
			return err
		},
		func(tx *sqlx.Tx, p catalog.Product) (outcome, error) {
			if err := taxCategoryExists(taxCats, p.TaxCategory); err != nil {
				return 0, err
			}
			return upsertProduct(ctx, tx, p)
		})
}

// The columns of a product an import may change, and how (see merge).
var productSet, productStored, productIncoming = merge("p", sameName("name", "gtin", "weight_g", "length_mm",
	"width_mm", "height_mm", "hs_code", "country_of_origin", "tax_category", "lot_tracked", "expiry_tracked",
	"reorder_point", "active"), 15)

// taxCategoryExists refuses a tax category that is not one of cats.
func taxCategoryExists(cats map[string]bool, code string) error {
	if !cats[code] {
		return refuseField("tax_category", "tax category %s does not exist: the categories are %s", code, sortedKeys(cats))
	}
	return nil
}

// gtinFree refuses a GTIN that another product than sku has, as its GTIN or one of its barcodes.
func gtinFree(ctx context.Context, tx *sqlx.Tx, gtin, sku string) error {
	if gtin == "" {
		return nil
	}
	var other []string
	if err := tx.SelectContext(ctx, &other, `
		SELECT sku FROM products WHERE gtin = $1 AND sku <> $2
		UNION ALL
		SELECT p.sku FROM product_barcodes b JOIN products p ON p.id = b.product_id
		 WHERE b.barcode = $1 AND p.sku <> $2`, gtin, sku); err != nil {
		return err
	}
	if len(other) > 0 {
		return refuseField("gtin", "gtin %s already belongs to %s", gtin, other[0])
	}
	return nil
}

func upsertProduct(ctx context.Context, tx *sqlx.Tx, p catalog.Product) (outcome, error) {
	if err := gtinFree(ctx, tx, p.GTIN, p.SKU); err != nil {
		return 0, err
	}
	var got []bool
	var id int64
	rows, err := tx.QueryxContext(ctx, `
		INSERT INTO products AS p (sku, name, gtin, weight_g, length_mm, width_mm, height_mm, hs_code,
		                           country_of_origin, tax_category, lot_tracked, expiry_tracked,
		                           reorder_point, active)
		VALUES ($1, $2, nullif($3, ''), nullif($4, 0), nullif($5, 0), nullif($6, 0), nullif($7, 0),
		        nullif($8, ''), nullif($9, ''), $10, $11, $12, $13, $14)
		ON CONFLICT (sku) DO UPDATE
		   SET `+productSet+`, updated_at = now(), version = p.version + 1
		 WHERE `+productStored+` IS DISTINCT FROM `+productIncoming+`
		RETURNING id, (xmax = 0)`,
		p.SKU, p.Name, p.GTIN, p.WeightG, p.LengthMM, p.WidthMM, p.HeightMM, p.HSCode,
		p.CountryOfOrigin, p.TaxCategory, p.LotTracked, p.ExpiryTracked, p.ReorderPoint, p.Active,
		columnsOf("products", p.Columns))
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var ins bool
		if err := rows.Scan(&id, &ins); err != nil {
			rows.Close()
			return 0, err
		}
		got = append(got, ins)
	}
	if err := rows.Close(); err != nil {
		return 0, err
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	o := outcomeOf(got)
	if len(got) == 0 {
		if err := tx.GetContext(ctx, &id, `SELECT id FROM products WHERE sku = $1`, p.SKU); err != nil {
			return 0, err
		}
	}
	if !slices.Contains(columnsOf("products", p.Columns), "barcodes") {
		return o, nil
	}
	changed, err := syncBarcodes(ctx, tx, id, p.Barcodes)
	if err != nil {
		return 0, err
	}
	if changed && o == unchanged {
		o = updated
	}
	return o, nil
}

// syncBarcodes makes the product's extra barcodes the list (a file's or a form's): codes no longer listed are
// removed, new ones added (a GTIN-shaped code as gtin/upc/ean, anything else as a supplier's).
// A code another product scans as is refused.
func syncBarcodes(ctx context.Context, tx *sqlx.Tx, id int64, barcodes []string) (bool, error) {
	var stored []string
	if err := tx.SelectContext(ctx, &stored, `SELECT barcode FROM product_barcodes WHERE product_id = $1`, id); err != nil {
		return false, err
	}
	var add, drop []string
	for _, b := range barcodes {
		if !slices.Contains(stored, b) {
			add = append(add, b)
		}
	}
	for _, b := range stored {
		if !slices.Contains(barcodes, b) {
			drop = append(drop, b)
		}
	}
	if len(add) > 0 {
		var clash []struct {
			Barcode string `db:"barcode"`
			SKU     string `db:"sku"`
		}
		if err := tx.SelectContext(ctx, &clash, `
			SELECT b.barcode, p.sku FROM product_barcodes b JOIN products p ON p.id = b.product_id
			 WHERE b.barcode = ANY($1) AND b.product_id <> $2
			UNION ALL
			SELECT p.gtin, p.sku FROM products p WHERE p.gtin = ANY($1) AND p.id <> $2`, pq.Array(add), id); err != nil {
			return false, err
		}
		if len(clash) > 0 {
			return false, refuseField("barcodes", "barcode %s already belongs to %s", clash[0].Barcode, clash[0].SKU)
		}
	}
	if len(drop) > 0 {
		if _, err := tx.ExecContext(ctx, `DELETE FROM product_barcodes WHERE product_id = $1 AND barcode = ANY($2)`,
			id, pq.Array(drop)); err != nil {
			return false, err
		}
	}
	for _, b := range add {
		if _, err := tx.ExecContext(ctx, `INSERT INTO product_barcodes (barcode, product_id, kind) VALUES ($1, $2, $3)`,
			b, id, barcodeKind(b)); err != nil {
			return false, err
		}
	}
	return len(add)+len(drop) > 0, nil
}

func barcodeKind(b string) string {
	if !model.ValidGTIN(b) {
		return "supplier"
	}
	switch len(b) {
	case 12:
		return "upc"
	case 13:
		return "ean"
	}
	return "gtin"
}

// Products reads every product with its extra barcodes, by SKU, for export.
func (s *Store) Products(ctx context.Context) ([]catalog.Product, error) {
	var rows []struct {
		SKU             string         `db:"sku"`
		Name            string         `db:"name"`
		GTIN            string         `db:"gtin"`
		Barcodes        pq.StringArray `db:"barcodes"`
		WeightG         int            `db:"weight_g"`
		LengthMM        int            `db:"length_mm"`
		WidthMM         int            `db:"width_mm"`
		HeightMM        int            `db:"height_mm"`
		HSCode          string         `db:"hs_code"`
		CountryOfOrigin string         `db:"country_of_origin"`
		TaxCategory     string         `db:"tax_category"`
		LotTracked      bool           `db:"lot_tracked"`
		ExpiryTracked   bool           `db:"expiry_tracked"`
		ReorderPoint    int            `db:"reorder_point"`
		Active          bool           `db:"active"`
	}
	err := s.d.SelectContext(ctx, &rows, `
		SELECT p.sku, p.name, coalesce(p.gtin, '') AS gtin,
		       ARRAY(SELECT b.barcode FROM product_barcodes b WHERE b.product_id = p.id ORDER BY b.barcode) AS barcodes,
		       coalesce(p.weight_g, 0) AS weight_g, coalesce(p.length_mm, 0) AS length_mm,
		       coalesce(p.width_mm, 0) AS width_mm, coalesce(p.height_mm, 0) AS height_mm,
		       coalesce(p.hs_code, '') AS hs_code, coalesce(p.country_of_origin, '') AS country_of_origin,
		       p.tax_category, p.lot_tracked, p.expiry_tracked, p.reorder_point, p.active
		  FROM products p ORDER BY p.sku`)
	if err != nil {
		return nil, err
	}
	out := make([]catalog.Product, len(rows))
	for i, r := range rows {
		out[i] = catalog.Product{SKU: r.SKU, Name: r.Name, GTIN: r.GTIN, Barcodes: r.Barcodes, WeightG: r.WeightG,
			LengthMM: r.LengthMM, WidthMM: r.WidthMM, HeightMM: r.HeightMM, HSCode: r.HSCode,
			CountryOfOrigin: r.CountryOfOrigin, TaxCategory: r.TaxCategory, LotTracked: r.LotTracked,
			ExpiryTracked: r.ExpiryTracked, ReorderPoint: r.ReorderPoint, Active: r.Active}
	}
	return out, nil
}
