package invoicing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"oms/db"
	"oms/model"
)

// The exchange rates and tax rates the back office keeps (migration 00026): setting and
// importing them, and finding the rate in force on a date. Each command is one transaction; an
// import is all or nothing.

// FXEntry is a stored exchange rate: one unit of Base is Rate units of Quote from Date on.
// Line is the line of the file it came from (0 when it did not).
type FXEntry struct {
	Line        int
	Base, Quote model.Currency
	Date        time.Time
	Rate        model.Rate
	Source      string // "manual" when empty
}

// Pair names a currency pair as people write it: "EUR→USD".
func Pair(base, quote model.Currency) string { return string(base) + "→" + string(quote) }

// RowError is one row of a file an import refuses: FILE:LINE: reason.
type RowError struct {
	File   string
	Line   int
	Reason string
}

func (e RowError) String() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Reason) }

// RefusedError is an import refused as a whole because of the rows it lists: nothing was stored.
type RefusedError struct {
	File string
	Rows []RowError // by line
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("%s: %d bad %s, nothing imported", e.File, len(e.Rows), plural(len(e.Rows), "row", "rows"))
}

func refused(file string, rows []RowError) error {
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Line < rows[j].Line })
	return &RefusedError{File: file, Rows: rows}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

const dateOnly = time.DateOnly

// checkFX refuses what fx_rates cannot hold, in a sentence.
func checkFX(e FXEntry) error {
	if _, err := e.Base.Exponent(); err != nil {
		return err
	}
	if _, err := e.Quote.Exponent(); err != nil {
		return err
	}
	if e.Base == e.Quote {
		return fmt.Errorf("%s is always 1: an exchange rate needs two currencies", Pair(e.Base, e.Quote))
	}
	if e.Date.IsZero() {
		return fmt.Errorf("%s: no date", Pair(e.Base, e.Quote))
	}
	return model.CheckStorable(e.Rate)
}

func sourceOf(e FXEntry) string {
	if s := strings.TrimSpace(e.Source); s != "" {
		return s
	}
	return "manual"
}

// SetResult is what setting a rate did: Replaced says a rate was stored for that pair and date
// already, and Was is that rate.
type SetResult struct {
	Replaced bool
	Was      model.Rate
}

// upsertFX writes e, replacing the rate of its pair and date, and returns the rate it replaced
// ("" when there was none).
const upsertFX = `
	WITH old AS (SELECT rate FROM fx_rates WHERE base = $1 AND quote = $2 AND rate_date = $3::date)
	INSERT INTO fx_rates AS f (base, quote, rate_date, rate, source) VALUES ($1, $2, $3::date, $4::numeric, $5)
	ON CONFLICT (base, quote, rate_date) DO UPDATE SET rate = EXCLUDED.rate, source = EXCLUDED.source
	RETURNING coalesce((SELECT rate::text FROM old), '')`

// SetRate stores e, replacing the rate stored for the same pair and date. The back office's
// work (and the supervisor's).
func (s *Store) SetRate(ctx context.Context, e FXEntry) (SetResult, error) {
	if err := checkFX(e); err != nil {
		return SetResult{}, err
	}
	var res SetResult
	err := s.d.InTx(ctx, func(tx *sqlx.Tx) error {
		res = SetResult{}
		var was string
		if err := tx.GetContext(ctx, &was, upsertFX, string(e.Base), string(e.Quote), e.Date.Format(dateOnly),
			e.Rate.String(), sourceOf(e)); err != nil {
			return err
		}
		if was == "" {
			return nil
		}
		r, err := model.ParseRate(was)
		res = SetResult{Replaced: true, Was: r}
		return err
	})
	return res, err
}

// ImportResult is what an import stored: rows added, rows that replaced (exchange rates) or
// closed (tax rates) a stored one, and rows that were stored exactly so already.
type ImportResult struct {
	Imported, Replaced, Closed, Unchanged int
}

// ImportRates stores every entry in one transaction, or none: a bad entry (the same pair and
// date twice, one currency on both sides, a rate fx_rates cannot hold) refuses the whole file
// with a *RefusedError naming each bad line. An entry for a pair and date already stored
// replaces that rate, as SetRate does.
func (s *Store) ImportRates(ctx context.Context, file string, entries []FXEntry) (ImportResult, error) {
	var bad []RowError
	seen := map[string]int{}
	for _, e := range entries {
		if err := checkFX(e); err != nil {
			bad = append(bad, RowError{file, e.Line, err.Error()})
			continue
		}
		key := Pair(e.Base, e.Quote) + " " + e.Date.Format(dateOnly)
		if first, ok := seen[key]; ok {
			bad = append(bad, RowError{file, e.Line, fmt.Sprintf("%s is on line %d already", key, first)})
			continue
		}
		seen[key] = e.Line
	}
	if len(bad) > 0 {
		return ImportResult{}, refused(file, bad)
	}
	var res ImportResult
	err := s.d.InTx(ctx, func(tx *sqlx.Tx) error {
		res = ImportResult{}
		for _, e := range entries {
			var was string
			if err := tx.GetContext(ctx, &was, upsertFX, string(e.Base), string(e.Quote), e.Date.Format(dateOnly),
				e.Rate.String(), sourceOf(e)); err != nil {
				if reason, ok := rowRefusal(err); ok {
					return refused(file, []RowError{{file, e.Line, reason}})
				}
				return err
			}
			res.Imported++
			if was != "" {
				res.Replaced++
			}
		}
		return nil
	})
	return res, err
}

// rowRefusal says whether err turns down one row (a constraint of the schema) rather than the
// whole import (no privilege, a lost connection), and with which sentence.
func rowRefusal(err error) (string, bool) {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Code == "42501" {
		return "", false
	}
	var ce *db.ConstraintError
	if errors.As(db.MapError(err), &ce) {
		return ce.Message, true
	}
	return "", false
}

// ErrNoRate is wrapped by *NoRateError.
var ErrNoRate = errors.New("no exchange rate")

// NoRateError says that no rate of a pair (either way round) is stored on or before a date, and
// how to set one. Nothing ever converts at a made-up 1.
type NoRateError struct {
	Base, Quote model.Currency
	On          time.Time
}

func (e *NoRateError) Error() string {
	d := e.On.Format(dateOnly)
	return fmt.Sprintf("no %s rate on or before %s: set one with oms fx set %s %s RATE --date %s",
		Pair(e.Base, e.Quote), d, e.Base, e.Quote, d)
}

func (e *NoRateError) Unwrap() error { return ErrNoRate }

// FoundRate is the rate of Base → Quote in force On: Rate exactly, from the stored rate of Date
// (Stored, in the direction it is stored: Quote → Base when Inverse) and its Source. For the same
// currency Rate is exactly 1, Date is On and nothing is stored.
type FoundRate struct {
	Base, Quote model.Currency
	On, Date    time.Time
	Rate        model.FXRate
	Stored      model.Rate
	Inverse     bool
	Source      string
}

// FindRate is the rate of base → quote in force on on's calendar date: the stored base → quote
// rate with the latest date on or before it; when that pair has none, the latest quote → base
// rate, inverted exactly. No rate either way is a *NoRateError.
func (s *Store) FindRate(ctx context.Context, base, quote model.Currency, on time.Time) (FoundRate, error) {
	day, err := time.Parse(dateOnly, on.Format(dateOnly))
	if err != nil {
		return FoundRate{}, err
	}
	found := FoundRate{Base: base, Quote: quote, On: day}
	for _, c := range []model.Currency{base, quote} {
		if _, err := c.Exponent(); err != nil {
			return FoundRate{}, err
		}
	}
	if base == quote {
		found.Date, found.Rate = day, model.OneToOne()
		return found, nil
	}
	var row struct {
		Inverse bool   `db:"inverse"`
		Date    string `db:"rate_date"`
		Rate    string `db:"rate"`
		Source  string `db:"source"`
	}
	err = s.d.GetContext(ctx, &row, `
		SELECT base <> $1 AS inverse, to_char(rate_date, 'YYYY-MM-DD') AS rate_date, rate::text AS rate, source
		  FROM fx_rates
		 WHERE ((base = $1 AND quote = $2) OR (base = $2 AND quote = $1)) AND rate_date <= $3::date
		 ORDER BY base = $1 DESC, rate_date DESC
		 LIMIT 1`, string(base), string(quote), day.Format(dateOnly))
	if errors.Is(err, sql.ErrNoRows) {
		return FoundRate{}, &NoRateError{Base: base, Quote: quote, On: day}
	}
	if err != nil {
		return FoundRate{}, err
	}
	if found.Stored, err = model.ParseRate(row.Rate); err != nil {
		return FoundRate{}, fmt.Errorf("the stored %s rate of %s: %w", Pair(base, quote), row.Date, err)
	}
	if found.Date, err = time.Parse(dateOnly, row.Date); err != nil {
		return FoundRate{}, err
	}
	found.Inverse, found.Source = row.Inverse, row.Source
	found.Rate = model.FXRateOf(found.Stored)
	if found.Inverse {
		found.Rate = found.Rate.Inverse()
	}
	return found, nil
}

// RateOn is the rate of base → quote in force on on's date, exactly, and the date of the stored
// rate it comes from (see FindRate). Convert with model.ConvertAt and model.ConversionRounding.
func (s *Store) RateOn(ctx context.Context, base, quote model.Currency, on time.Time) (model.FXRate, time.Time, error) {
	f, err := s.FindRate(ctx, base, quote, on)
	if err != nil {
		return model.FXRate{}, time.Time{}, err
	}
	return f.Rate, f.Date, nil
}

// TaxRate is one rate of a tax category in a country (and region), in parts per million, in
// force from ValidFrom until the day before ValidTo (zero: until a later rate closes it).
type TaxRate struct {
	Line      int // the file's line, for imports
	Country   string
	Region    string
	Category  string
	Name      string // the category's name when empty
	RatePPM   int64
	ValidFrom time.Time
	ValidTo   time.Time
}

func (r TaxRate) key() string {
	k := r.Country
	if r.Region != "" {
		k += "-" + r.Region
	}
	return k + " " + r.Category
}

var countryCode = regexp.MustCompile(`^[A-Z]{2}$`)

func checkTax(r TaxRate) error {
	switch {
	case !countryCode.MatchString(r.Country):
		return fmt.Errorf("country %q is not an ISO 3166 code of two capital letters", r.Country)
	case r.RatePPM < 0 || r.RatePPM > 1_000_000:
		return fmt.Errorf("rate %s %% is not 0 to 100 %%", model.FormatTaxPercent(r.RatePPM))
	case r.ValidFrom.IsZero():
		return errors.New("valid_from is empty: the date the rate starts")
	case !r.ValidTo.IsZero() && !r.ValidTo.After(r.ValidFrom):
		return fmt.Errorf("valid_to %s is not after valid_from %s", r.ValidTo.Format(dateOnly), r.ValidFrom.Format(dateOnly))
	}
	return nil
}

// ImportTaxRates adds tax rates in one transaction, or none: a bad row (an unknown tax category,
// the same country, region, category and start twice, periods that overlap) refuses the whole
// file with a *RefusedError naming each bad line. A rate stored already with the same start and
// rate is left as it is (Unchanged); one with the same start and another rate is refused, as a
// rate in force is never rewritten. A rate without an end is closed (valid_to) by the next later
// rate of its country, region and category, whether that came in this file or before (Closed).
// The back office's work (migration 00026).
func (s *Store) ImportTaxRates(ctx context.Context, file string, rows []TaxRate) (ImportResult, error) {
	var bad []RowError
	seen := map[string]int{}
	for _, r := range rows {
		if err := checkTax(r); err != nil {
			bad = append(bad, RowError{file, r.Line, err.Error()})
			continue
		}
		key := r.key() + " from " + r.ValidFrom.Format(dateOnly)
		if first, ok := seen[key]; ok {
			bad = append(bad, RowError{file, r.Line, fmt.Sprintf("%s is on line %d already", key, first)})
			continue
		}
		seen[key] = r.Line
	}
	if len(bad) > 0 {
		return ImportResult{}, refused(file, bad)
	}
	var res ImportResult
	err := s.d.InTx(ctx, func(tx *sqlx.Tx) error {
		res = ImportResult{}
		// One tax import at a time: the overlap check below reads what the others write.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('oms tax_rates'))`); err != nil {
			return err
		}
		var categories []struct {
			Code string `db:"code"`
			Name string `db:"name"`
		}
		if err := tx.SelectContext(ctx, &categories, `SELECT code, name FROM tax_categories ORDER BY code`); err != nil {
			return err
		}
		names, codes := map[string]string{}, make([]string, 0, len(categories))
		for _, c := range categories {
			names[c.Code] = c.Name
			codes = append(codes, c.Code)
		}
		var bad []RowError
		lineOf := map[int64]int{}
		for _, r := range rows {
			catName, ok := names[r.Category]
			if !ok {
				bad = append(bad, RowError{file, r.Line, fmt.Sprintf("tax category %q does not exist: the categories are %s",
					r.Category, strings.Join(codes, ", "))})
				continue
			}
			var stored []int64
			if err := tx.SelectContext(ctx, &stored, `
				SELECT rate_ppm FROM tax_rates
				 WHERE country = $1 AND region = $2 AND tax_category = $3 AND valid_from = $4::date`,
				r.Country, r.Region, r.Category, r.ValidFrom.Format(dateOnly)); err != nil {
				return err
			}
			if len(stored) > 0 {
				if stored[0] != r.RatePPM {
					bad = append(bad, RowError{file, r.Line, fmt.Sprintf(
						"%s from %s is stored already at %s %%: a rate is never rewritten; give the new rate the date it starts",
						r.key(), r.ValidFrom.Format(dateOnly), model.FormatTaxPercent(stored[0]))})
				} else {
					res.Unchanged++
				}
				continue
			}
			name := strings.TrimSpace(r.Name)
			if name == "" {
				name = catName
			}
			var validTo any
			if !r.ValidTo.IsZero() {
				validTo = r.ValidTo.Format(dateOnly)
			}
			var id int64
			if err := tx.GetContext(ctx, &id, `
				INSERT INTO tax_rates (country, region, tax_category, name, rate_ppm, valid_from, valid_to)
				VALUES ($1, $2, $3, $4, $5, $6::date, $7::date) RETURNING id`,
				r.Country, r.Region, r.Category, name, r.RatePPM, r.ValidFrom.Format(dateOnly), validTo); err != nil {
				if reason, ok := rowRefusal(err); ok {
					return refused(file, append(bad, RowError{file, r.Line, reason}))
				}
				return err
			}
			lineOf[id] = r.Line
			res.Imported++
		}
		if len(bad) > 0 {
			return refused(file, bad)
		}
		if len(lineOf) == 0 {
			return nil
		}
		ids := make([]int64, 0, len(lineOf))
		for id := range lineOf {
			ids = append(ids, id)
		}
		// Close each open rate that a later one of its country, region and category follows, for
		// the keys this file touched.
		closed, err := tx.ExecContext(ctx, `
			WITH touched AS (SELECT DISTINCT country, region, tax_category FROM tax_rates WHERE id = ANY($1)),
			     next AS (SELECT t.id, lead(t.valid_from) OVER (PARTITION BY t.country, t.region, t.tax_category
			                                                    ORDER BY t.valid_from) AS next_from
			                FROM tax_rates t JOIN touched USING (country, region, tax_category))
			UPDATE tax_rates t SET valid_to = n.next_from
			  FROM next n
			 WHERE t.id = n.id AND t.valid_to IS NULL AND n.next_from IS NOT NULL`, pq.Array(ids))
		if err != nil {
			return err
		}
		n, err := closed.RowsAffected()
		if err != nil {
			return err
		}
		res.Closed = int(n)
		// No two rates of one country, region and category may be in force on the same day.
		var overlaps []struct {
			New       int64  `db:"new_id"`
			Other     int64  `db:"other_id"`
			What      string `db:"what"`
			OtherRate int64  `db:"other_rate"`
			OtherFrom string `db:"other_from"`
			OtherTo   string `db:"other_to"`
		}
		if err := tx.SelectContext(ctx, &overlaps, `
			SELECT a.id AS new_id, b.id AS other_id,
			       a.country || CASE WHEN a.region <> '' THEN '-' || a.region ELSE '' END || ' ' || a.tax_category ||
			           ' from ' || to_char(a.valid_from, 'YYYY-MM-DD') ||
			           coalesce(' to ' || to_char(a.valid_to, 'YYYY-MM-DD'), '') AS what,
			       b.rate_ppm AS other_rate, to_char(b.valid_from, 'YYYY-MM-DD') AS other_from,
			       coalesce(to_char(b.valid_to, 'YYYY-MM-DD'), '') AS other_to
			  FROM tax_rates a
			  JOIN tax_rates b ON b.country = a.country AND b.region = a.region AND b.tax_category = a.tax_category
			                  AND b.id <> a.id
			                  AND daterange(a.valid_from, a.valid_to) && daterange(b.valid_from, b.valid_to)
			 WHERE a.id = ANY($1)
			 ORDER BY a.id, b.valid_from`, pq.Array(ids)); err != nil {
			return err
		}
		reported := map[int64]bool{}
		for _, o := range overlaps {
			if reported[o.New] {
				continue
			}
			reported[o.New] = true
			other := fmt.Sprintf("the rate of %s %% from %s", model.FormatTaxPercent(o.OtherRate), o.OtherFrom)
			if o.OtherTo != "" {
				other += " to " + o.OtherTo
			}
			if line, ok := lineOf[o.Other]; ok {
				other += fmt.Sprintf(" (line %d)", line)
			}
			bad = append(bad, RowError{file, lineOf[o.New], fmt.Sprintf("%s overlaps %s", o.What, other)})
		}
		if len(bad) > 0 {
			return refused(file, bad)
		}
		return nil
	})
	return res, err
}

// TaxRatesInForce are the tax rates in force on on's date, by country, region and category;
// country "" for every country.
func (s *Store) TaxRatesInForce(ctx context.Context, on time.Time, country string) ([]TaxRate, error) {
	var rows []struct {
		Country   string `db:"country"`
		Region    string `db:"region"`
		Category  string `db:"tax_category"`
		Name      string `db:"name"`
		RatePPM   int64  `db:"rate_ppm"`
		ValidFrom string `db:"valid_from"`
		ValidTo   string `db:"valid_to"`
	}
	if err := s.d.SelectContext(ctx, &rows, `
		SELECT country, region, tax_category, name, rate_ppm, to_char(valid_from, 'YYYY-MM-DD') AS valid_from,
		       coalesce(to_char(valid_to, 'YYYY-MM-DD'), '') AS valid_to
		  FROM tax_rates
		 WHERE valid_from <= $1::date AND (valid_to IS NULL OR valid_to > $1::date) AND ($2 = '' OR country = $2)
		 ORDER BY country, region, tax_category`, on.Format(dateOnly), country); err != nil {
		return nil, err
	}
	out := make([]TaxRate, len(rows))
	for i, r := range rows {
		from, err := time.Parse(dateOnly, r.ValidFrom)
		if err != nil {
			return nil, err
		}
		var to time.Time
		if r.ValidTo != "" {
			if to, err = time.Parse(dateOnly, r.ValidTo); err != nil {
				return nil, err
			}
		}
		out[i] = TaxRate{Country: r.Country, Region: r.Region, Category: r.Category, Name: r.Name, RatePPM: r.RatePPM,
			ValidFrom: from, ValidTo: to}
	}
	return out, nil
}
