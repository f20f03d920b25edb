package shipping

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"oms/db"
	"oms/shipping"
	"oms/shipping/label"
)

// ImportedCard is what `oms carriers import` says about a card.
type ImportedCard struct {
	Carrier   string `json:"carrier"`
	ValidFrom string `json:"valid_from"`
	Services  int    `json:"services"`
	Zones     int    `json:"zones"`
	Rates     int    `json:"rates"`
	Replaced  bool   `json:"replaced"` // a card of the carrier with the same first day was there
}

// ImportRateCard stores a carrier's rate card in one transaction under key: the carrier (made or
// renamed), its services (made, renamed or given new limits; never removed, since shipments
// name them), and the card with its zones, breaks, transit times and surcharges, replacing a
// card of the same carrier and first day. source names the file and sum is its SHA-256.
func (s *Store) ImportRateCard(ctx context.Context, key string, c shipping.RateCard, source, sum string) (ImportedCard, error) {
	req := struct {
		Carrier, From, Sum string
	}{c.Carrier, c.ValidFrom.Format(time.DateOnly), sum}
	return db.Keyed(ctx, s.d, key, "shipping.import_rate_card", req, func(tx *sqlx.Tx) (ImportedCard, error) {
		out := ImportedCard{Carrier: c.Carrier, ValidFrom: req.From, Services: len(c.Services), Zones: len(c.Zones), Rates: len(c.Rates)}
		carrier, err := upsertCarrier(ctx, tx, c)
		if err != nil {
			return out, err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM rate_cards WHERE carrier_id = $1 AND valid_from = $2`, carrier, req.From)
		if err != nil {
			return out, err
		}
		n, _ := res.RowsAffected()
		out.Replaced = n > 0
		return out, insertCard(ctx, tx, carrier, c, source, sum)
	})
}

func upsertCarrier(ctx context.Context, tx *sqlx.Tx, c shipping.RateCard) (int64, error) {
	var id int64
	err := tx.GetContext(ctx, &id, `
		INSERT INTO carriers (code, name, tracking_format) VALUES ($1, $2, $3)
		ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, tracking_format = EXCLUDED.tracking_format, active = true
		RETURNING id`, c.Carrier, c.Name, c.TrackingFormat)
	if err != nil {
		return 0, err
	}
	for _, sv := range c.Services {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO carrier_services (carrier_id, code, name, max_weight_g, max_side_mm, transit_days)
			VALUES ($1, $2, $3, $4, $5, 0)
			ON CONFLICT (carrier_id, code) DO UPDATE SET name = EXCLUDED.name, max_weight_g = EXCLUDED.max_weight_g,
			       max_side_mm = EXCLUDED.max_side_mm, active = true`,
			id, sv.Code, sv.Name, sv.MaxWeightG, sv.MaxSideMM); err != nil {
			return 0, err
		}
	}
	return id, nil
}

func insertCard(ctx context.Context, tx *sqlx.Tx, carrier int64, c shipping.RateCard, source, sum string) error {
	var validTo sql.NullString
	if !c.ValidTo.IsZero() {
		validTo = sql.NullString{String: c.ValidTo.Format(time.DateOnly), Valid: true}
	}
	var card int64
	if err := tx.GetContext(ctx, &card, `
		INSERT INTO rate_cards (carrier_id, currency, valid_from, valid_to, weight_unit, dim_unit, dim_divisor, side_rounding,
		                        weight_step_g, fuel_percent_bp, source, source_sha256)
		VALUES ($1, $2, $3, $4, coalesce(nullif($5, ''), 'kg'), $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		carrier, c.Currency, c.ValidFrom.Format(time.DateOnly), validTo, c.WeightUnit, c.DimUnit, c.DimDivisor, c.SideRounding,
		c.WeightStepG, c.FuelPercentBP, source, sum); err != nil {
		return err
	}
	for _, z := range c.Zones {
		if _, err := tx.ExecContext(ctx, `INSERT INTO rate_card_zones (card_id, origin, country, postcode_prefix, zone)
			VALUES ($1, $2, $3, $4, $5)`, card, z.Origin, z.Country, z.PostcodePrefix, z.Zone); err != nil {
			return fmt.Errorf("zone %s %s %s: %w", z.Origin, z.Country, z.PostcodePrefix, err)
		}
	}
	for _, r := range c.Rates {
		if _, err := tx.ExecContext(ctx, `INSERT INTO rate_card_rates (card_id, service, zone, max_weight_g, price_minor)
			VALUES ($1, $2, $3, $4, $5)`, card, r.Service, r.Zone, r.MaxWeightG, r.PriceMinor); err != nil {
			return err
		}
	}
	for _, t := range c.Transit {
		if _, err := tx.ExecContext(ctx, `INSERT INTO rate_card_transit (card_id, service, zone, days)
			VALUES ($1, $2, $3, $4)`, card, t.Service, t.Zone, t.Days); err != nil {
			return err
		}
	}
	for _, x := range c.Surcharges {
		if _, err := tx.ExecContext(ctx, `INSERT INTO rate_card_surcharges (card_id, kind, country, postcode_prefix, min_side_mm, amount_minor)
			VALUES ($1, $2, $3, $4, $5, $6)`, card, x.Kind, x.Country, x.PostcodePrefix, x.MinSideMM, x.AmountMinor); err != nil {
			return err
		}
	}
	return nil
}

// cardRow is a rate_cards row with its carrier. (The card's parts are read into package
// shipping's types, whose fields sqlx matches by their lower-cased names.)
type cardRow struct {
	ID            int64          `db:"id"`
	Carrier       string         `db:"carrier"`
	Name          string         `db:"name"`
	Tracking      string         `db:"tracking_format"`
	Currency      string         `db:"currency"`
	ValidFrom     time.Time      `db:"valid_from"`
	ValidTo       sql.NullTime   `db:"valid_to"`
	WeightUnit    string         `db:"weight_unit"`
	DimUnit       string         `db:"dim_unit"`
	DimDivisor    int            `db:"dim_divisor"`
	SideRounding  string         `db:"side_rounding"`
	WeightStepG   int            `db:"weight_step_g"`
	FuelPercentBP int            `db:"fuel_percent_bp"`
	Source        sql.NullString `db:"source"`
}

// RateCards reads every active carrier's cards that apply on day or later (a parcel shipped
// today may quote with today's card only, but the station shows what is coming).
func (s *Store) RateCards(ctx context.Context, day time.Time) ([]shipping.RateCard, error) {
	var out []shipping.RateCard
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		var err error
		out, err = readCards(ctx, tx, day)
		return err
	})
	return out, err
}

func readCards(ctx context.Context, tx *sqlx.Tx, day time.Time) ([]shipping.RateCard, error) {
	var rows []cardRow
	if err := tx.SelectContext(ctx, &rows, `
		SELECT rc.id, c.code AS carrier, c.name, c.tracking_format, rc.currency, rc.valid_from, rc.valid_to, rc.weight_unit, rc.dim_unit,
		       rc.dim_divisor, rc.side_rounding, rc.weight_step_g, rc.fuel_percent_bp, rc.source
		  FROM rate_cards rc JOIN carriers c ON c.id = rc.carrier_id
		 WHERE c.active AND (rc.valid_to IS NULL OR rc.valid_to >= $1::date)
		 ORDER BY c.code, rc.valid_from`, day.Format(time.DateOnly)); err != nil {
		return nil, err
	}
	out := make([]shipping.RateCard, 0, len(rows))
	for _, r := range rows {
		c := shipping.RateCard{Carrier: r.Carrier, Name: r.Name, TrackingFormat: r.Tracking, Currency: r.Currency,
			ValidFrom: r.ValidFrom, WeightUnit: r.WeightUnit, DimUnit: r.DimUnit, DimDivisor: r.DimDivisor, SideRounding: r.SideRounding,
			WeightStepG: r.WeightStepG, FuelPercentBP: r.FuelPercentBP}
		if r.ValidTo.Valid {
			c.ValidTo = r.ValidTo.Time
		}
		if err := cardParts(ctx, tx, r.ID, &c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

func cardParts(ctx context.Context, tx *sqlx.Tx, id int64, c *shipping.RateCard) error {
	if err := tx.SelectContext(ctx, &c.Services, `
		SELECT cs.code, cs.name, cs.max_weight_g AS maxweightg, cs.max_side_mm AS maxsidemm FROM carrier_services cs
		 WHERE cs.active AND cs.carrier_id = (SELECT carrier_id FROM rate_cards WHERE id = $1)
		   AND EXISTS (SELECT 1 FROM rate_card_rates r WHERE r.card_id = $1 AND r.service = cs.code)
		 ORDER BY cs.code`, id); err != nil {
		return err
	}
	if err := tx.SelectContext(ctx, &c.Zones, `SELECT origin, country, postcode_prefix AS postcodeprefix, zone FROM rate_card_zones
		WHERE card_id = $1 ORDER BY origin, country, postcode_prefix`, id); err != nil {
		return err
	}
	if err := tx.SelectContext(ctx, &c.Rates, `SELECT service, zone, max_weight_g AS maxweightg, price_minor AS priceminor FROM rate_card_rates
		WHERE card_id = $1 ORDER BY service, zone, max_weight_g`, id); err != nil {
		return err
	}
	if err := tx.SelectContext(ctx, &c.Transit, `SELECT service, zone, days FROM rate_card_transit
		WHERE card_id = $1 ORDER BY service, zone`, id); err != nil {
		return err
	}
	return tx.SelectContext(ctx, &c.Surcharges, `SELECT kind, country, postcode_prefix AS postcodeprefix, min_side_mm AS minsidemm,
		amount_minor AS amountminor
		FROM rate_card_surcharges WHERE card_id = $1 ORDER BY id`, id)
}

// SetAccount sets the account a carrier's tracking numbers are made with (UPS: shipper number
// and service code, "5R893903"; S10: service indicator and country, "CPNL"). It is checked by
// making a number with it first.
func (s *Store) SetAccount(ctx context.Context, carrier, account string) error {
	var format string
	if err := s.d.GetContext(ctx, &format, `SELECT tracking_format FROM carriers WHERE code = $1`, carrier); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("there is no carrier %s: import its rate card first", carrier)
		}
		return db.MapError(err)
	}
	if _, err := label.Tracking(format, account, 1); err != nil {
		return err
	}
	_, err := s.d.ExecContext(ctx, `UPDATE carriers SET tracking_account = $2 WHERE code = $1`, carrier, account)
	return db.MapError(err)
}
