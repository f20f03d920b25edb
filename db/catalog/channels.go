package catalog

import (
	"context"

	"github.com/jmoiron/sqlx"

	"oms/catalog"
)

// The columns of a channel an import may change, and how (see merge).
var channelSet, channelStored, channelIncoming = merge("c", []field{{"name", "name"}, {"kind", "kind"},
	{"currency", "currency"}, {"warehouse", "warehouse_id"}, {"sla_hours", "sla_hours"},
	{"prices_include_tax", "prices_include_tax"}, {"split_allowed", "split_allowed"}, {"safety_buffer", "safety_buffer"},
	{"active", "active"}}, 11)

// ImportChannels upserts sales channels by code in one transaction; a column the file does
// not have is left as stored. The back office's work
// (migration 00009).
func (s *Store) ImportChannels(ctx context.Context, file string, rows []catalog.Channel) (Result, error) {
	var currencies, warehouses map[string]bool
	return importRows(ctx, s.d, file, rows, func(c catalog.Channel) int { return c.Line },
		func(tx *sqlx.Tx) (err error) {
			if currencies, err = names(ctx, tx, `SELECT code FROM currencies`); err != nil {
				return err
			}
			warehouses, err = names(ctx, tx, `SELECT code FROM warehouses`)
			return err
		},
		func(tx *sqlx.Tx, c catalog.Channel) (outcome, error) {
			if !currencies[c.Currency] {
				return 0, refuse("currency %s is not one oms knows: add it to the currencies first (oms knows %s)", c.Currency, sortedKeys(currencies))
			}
			if c.Warehouse != "" && !warehouses[c.Warehouse] {
				return 0, refuse("warehouse %s does not exist: import it first (oms catalog import warehouses)", c.Warehouse)
			}
			var got []bool
			err := tx.SelectContext(ctx, &got, `
				INSERT INTO channels AS c (code, name, kind, currency, warehouse_id, sla_hours,
				                           prices_include_tax, split_allowed, safety_buffer, active)
				VALUES ($1, $2, $3, $4, (SELECT id FROM warehouses WHERE code = nullif($5, '')), $6, $7, $8, $9, $10)
				ON CONFLICT (code) DO UPDATE SET `+channelSet+`
				 WHERE `+channelStored+` IS DISTINCT FROM `+channelIncoming+`
				RETURNING (xmax = 0)`,
				c.Code, c.Name, c.Kind, c.Currency, c.Warehouse, c.SLAHours, c.PricesIncludeTax, c.SplitAllowed, c.SafetyBuffer,
				c.Active, columnsOf("channels", c.Columns))
			return outcomeOf(got), err
		})
}

// Channels reads every channel, by code, for export.
func (s *Store) Channels(ctx context.Context) ([]catalog.Channel, error) {
	var rows []struct {
		Code      string `db:"code"`
		Name      string `db:"name"`
		Kind      string `db:"kind"`
		Currency  string `db:"currency"`
		Warehouse string `db:"warehouse"`
		SLAHours  int    `db:"sla_hours"`
		Gross     bool   `db:"prices_include_tax"`
		Split     bool   `db:"split_allowed"`
		Buffer    int    `db:"safety_buffer"`
		Active    bool   `db:"active"`
	}
	if err := s.d.SelectContext(ctx, &rows, `
		SELECT c.code, c.name, c.kind, c.currency, coalesce(w.code, '') AS warehouse, c.sla_hours,
		       c.prices_include_tax, c.split_allowed, c.safety_buffer, c.active
		  FROM channels c LEFT JOIN warehouses w ON w.id = c.warehouse_id
		 ORDER BY c.code`); err != nil {
		return nil, err
	}
	out := make([]catalog.Channel, len(rows))
	for i, r := range rows {
		out[i] = catalog.Channel{Code: r.Code, Name: r.Name, Kind: r.Kind, Currency: r.Currency, Warehouse: r.Warehouse,
			SLAHours: r.SLAHours, PricesIncludeTax: r.Gross, SplitAllowed: r.Split, SafetyBuffer: r.Buffer, Active: r.Active}
	}
	return out, nil
}
