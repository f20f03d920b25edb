package catalog

import (
	"context"

	"github.com/jmoiron/sqlx"

	"oms/catalog"
)

// The columns of a warehouse an import may change, and how (see merge).
var warehouseSet, warehouseStored, warehouseIncoming = merge("w", sameName("name", "kind", "country", "city",
	"latitude", "longitude", "time_zone", "currency", "active"), 11)

// ImportWarehouses upserts warehouses by code in one transaction; a column the file does not
// have is left as stored. The admin's work (migration
// 00011). A currency oms does not know is refused with the list of those it does.
func (s *Store) ImportWarehouses(ctx context.Context, file string, rows []catalog.Warehouse) (Result, error) {
	var currencies map[string]bool
	return importRows(ctx, s.d, file, rows, func(w catalog.Warehouse) int { return w.Line },
		func(tx *sqlx.Tx) (err error) {
			currencies, err = names(ctx, tx, `SELECT code FROM currencies`)
			return err
		},
		func(tx *sqlx.Tx, w catalog.Warehouse) (outcome, error) {
			if !currencies[w.Currency] {
				return 0, refuse("currency %s is not one oms knows: add it to the currencies first (oms knows %s)", w.Currency, sortedKeys(currencies))
			}
			var got []bool
			err := tx.SelectContext(ctx, &got, `
				INSERT INTO warehouses AS w (code, name, kind, country, city, latitude, longitude, time_zone, currency, active)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
				ON CONFLICT (code) DO UPDATE SET `+warehouseSet+`
				 WHERE `+warehouseStored+` IS DISTINCT FROM `+warehouseIncoming+`
				RETURNING (xmax = 0)`,
				w.Code, w.Name, w.Kind, w.Country, w.City, w.Latitude, w.Longitude, w.TimeZone, w.Currency, w.Active,
				columnsOf("warehouses", w.Columns))
			return outcomeOf(got), err
		})
}

// Warehouses reads every warehouse, by code, for export.
func (s *Store) Warehouses(ctx context.Context) ([]catalog.Warehouse, error) {
	var rows []struct {
		Code      string   `db:"code"`
		Name      string   `db:"name"`
		Kind      string   `db:"kind"`
		Country   string   `db:"country"`
		City      string   `db:"city"`
		Latitude  *float64 `db:"latitude"`
		Longitude *float64 `db:"longitude"`
		TimeZone  string   `db:"time_zone"`
		Currency  string   `db:"currency"`
		Active    bool     `db:"active"`
	}
	if err := s.d.SelectContext(ctx, &rows, `
		SELECT code, name, kind, country, city, latitude, longitude, time_zone, currency, active
		  FROM warehouses ORDER BY code`); err != nil {
		return nil, err
	}
	out := make([]catalog.Warehouse, len(rows))
	for i, r := range rows {
		out[i] = catalog.Warehouse{Code: r.Code, Name: r.Name, Kind: r.Kind, Country: r.Country, City: r.City,
			Latitude: r.Latitude, Longitude: r.Longitude, TimeZone: r.TimeZone, Currency: r.Currency, Active: r.Active}
	}
	return out, nil
}
