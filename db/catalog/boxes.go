package catalog

import (
	"context"

	"github.com/jmoiron/sqlx"

	"oms/catalog"
)

// The columns of a box an import may change, and how (see merge).
var boxSet, boxStored, boxIncoming = merge("b", sameName("name", "length_mm", "width_mm", "height_mm",
	"max_weight_g", "tare_weight_g", "active"), 10)

// ImportBoxes upserts packing boxes by (warehouse code, code) in one transaction; a column the
// file does not have is left as stored. Stock control's work, and the supervisor's (migration
// 00015). A box is never deleted, only retired with active = false.
func (s *Store) ImportBoxes(ctx context.Context, file string, rows []catalog.Box) (Result, error) {
	var warehouses map[string]bool
	return importRows(ctx, s.d, file, rows, func(b catalog.Box) int { return b.Line },
		func(tx *sqlx.Tx) (err error) {
			warehouses, err = names(ctx, tx, `SELECT code FROM warehouses`)
			return err
		},
		func(tx *sqlx.Tx, b catalog.Box) (outcome, error) {
			if !warehouses[b.Warehouse] {
				return 0, refuse("warehouse %s does not exist: import it first (oms catalog import warehouses)", b.Warehouse)
			}
			var got []bool
			err := tx.SelectContext(ctx, &got, `
				INSERT INTO boxes AS b (warehouse_id, code, name, length_mm, width_mm, height_mm, max_weight_g,
				                        tare_weight_g, active)
				VALUES ((SELECT id FROM warehouses WHERE code = $1), $2, $3, $4, $5, $6, $7, $8, $9)
				ON CONFLICT (warehouse_id, code) DO UPDATE SET `+boxSet+`
				 WHERE `+boxStored+` IS DISTINCT FROM `+boxIncoming+`
				RETURNING (xmax = 0)`,
				b.Warehouse, b.Code, b.Name, b.LengthMM, b.WidthMM, b.HeightMM, b.MaxWeightG, b.TareWeightG, b.Active,
				columnsOf("boxes", b.Columns))
			return outcomeOf(got), err
		})
}

// Boxes reads every packing box, by warehouse and code, for export.
func (s *Store) Boxes(ctx context.Context) ([]catalog.Box, error) {
	var rows []struct {
		Warehouse   string `db:"warehouse"`
		Code        string `db:"code"`
		Name        string `db:"name"`
		LengthMM    int    `db:"length_mm"`
		WidthMM     int    `db:"width_mm"`
		HeightMM    int    `db:"height_mm"`
		MaxWeightG  int    `db:"max_weight_g"`
		TareWeightG int    `db:"tare_weight_g"`
		Active      bool   `db:"active"`
	}
	if err := s.d.SelectContext(ctx, &rows, `
		SELECT w.code AS warehouse, b.code, b.name, b.length_mm, b.width_mm, b.height_mm, b.max_weight_g,
		       b.tare_weight_g, b.active
		  FROM boxes b JOIN warehouses w ON w.id = b.warehouse_id
		 ORDER BY w.code, b.code`); err != nil {
		return nil, err
	}
	out := make([]catalog.Box, len(rows))
	for i, r := range rows {
		out[i] = catalog.Box{Warehouse: r.Warehouse, Code: r.Code, Name: r.Name, LengthMM: r.LengthMM, WidthMM: r.WidthMM,
			HeightMM: r.HeightMM, MaxWeightG: r.MaxWeightG, TareWeightG: r.TareWeightG, Active: r.Active}
	}
	return out, nil
}
