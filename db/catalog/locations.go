package catalog

import (
	"context"
	"slices"

	"github.com/jmoiron/sqlx"

	"oms/catalog"
)

// The columns of a location an import may change, and how (see merge).
var locationSet, locationStored, locationIncoming = merge("l", sameName("kind", "zone", "aisle", "pick_seq", "barcode", "active"), 9)

// ImportLocations upserts locations by (warehouse code, code) in one transaction; a column
// the file does not have is left as stored. Stock control's work (migration 00009). A location that holds stock is not deactivated: the
// database refuses, naming the quantity (migration 00011). A barcode another location scans as
// is refused, naming that location (migration 00014).
func (s *Store) ImportLocations(ctx context.Context, file string, rows []catalog.Location) (Result, error) {
	var warehouses map[string]bool
	return importRows(ctx, s.d, file, rows, func(l catalog.Location) int { return l.Line },
		func(tx *sqlx.Tx) (err error) {
			warehouses, err = names(ctx, tx, `SELECT code FROM warehouses`)
			return err
		},
		func(tx *sqlx.Tx, l catalog.Location) (outcome, error) {
			if !warehouses[l.Warehouse] {
				return 0, refuse("warehouse %s does not exist: import it first (oms catalog import warehouses)", l.Warehouse)
			}
			if l.Barcode != "" && slices.Contains(columnsOf("locations", l.Columns), "barcode") {
				var other []string
				if err := tx.SelectContext(ctx, &other, `
					SELECT l.code || coalesce(' at ' || w.code, '') FROM locations l LEFT JOIN warehouses w ON w.id = l.warehouse_id
					 WHERE l.barcode = $1 AND (w.code IS DISTINCT FROM $2 OR l.code <> $3)`, l.Barcode, l.Warehouse, l.Code); err != nil {
					return 0, err
				}
				if len(other) > 0 {
					return 0, refuse("barcode %s already belongs to location %s", l.Barcode, other[0])
				}
			}
			var got []bool
			err := tx.SelectContext(ctx, &got, `
				INSERT INTO locations AS l (warehouse_id, code, kind, zone, aisle, pick_seq, barcode, active)
				VALUES ((SELECT id FROM warehouses WHERE code = $1), $2, $3, $4, $5, $6, nullif($7, ''), $8)
				ON CONFLICT (warehouse_id, code) DO UPDATE SET `+locationSet+`
				 WHERE `+locationStored+` IS DISTINCT FROM `+locationIncoming+`
				RETURNING (xmax = 0)`,
				l.Warehouse, l.Code, l.Kind, l.Zone, l.Aisle, l.PickSeq, l.Barcode, l.Active, columnsOf("locations", l.Columns))
			return outcomeOf(got), err
		})
}

// Locations reads every location of a warehouse (not the virtual ones), by warehouse and code,
// for export.
func (s *Store) Locations(ctx context.Context) ([]catalog.Location, error) {
	var rows []struct {
		Warehouse string `db:"warehouse"`
		Code      string `db:"code"`
		Kind      string `db:"kind"`
		Zone      string `db:"zone"`
		Aisle     string `db:"aisle"`
		PickSeq   int    `db:"pick_seq"`
		Barcode   string `db:"barcode"`
		Active    bool   `db:"active"`
	}
	if err := s.d.SelectContext(ctx, &rows, `
		SELECT w.code AS warehouse, l.code, l.kind, l.zone, l.aisle, l.pick_seq, coalesce(l.barcode, '') AS barcode, l.active
		  FROM locations l JOIN warehouses w ON w.id = l.warehouse_id
		 ORDER BY w.code, l.code`); err != nil {
		return nil, err
	}
	out := make([]catalog.Location, len(rows))
	for i, r := range rows {
		out[i] = catalog.Location{Warehouse: r.Warehouse, Code: r.Code, Kind: r.Kind, Zone: r.Zone, Aisle: r.Aisle,
			PickSeq: r.PickSeq, Barcode: r.Barcode, Active: r.Active}
	}
	return out, nil
}
