package company

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"oms/db"
	"oms/model"
)

// Company is the business the database belongs to.
type Company struct {
	Name     string         `db:"name"`
	Country  string         `db:"country"`  // ISO 3166-1 alpha-2
	Currency model.Currency `db:"currency"` // the base currency
}

func (c Company) String() string {
	return fmt.Sprintf("%s (%s, %s)", c.Name, c.Country, c.Currency)
}

// Store runs the company's queries and its one command on a database.
type Store struct{ d *db.DB }

// New returns the company store of d.
func New(d *db.DB) *Store { return &Store{d: d} }

// ErrAlreadyOther says the database belongs to another company already.
var ErrAlreadyOther = errors.New("the database is set up for another company")

// Init records c as the database's company, in one transaction, and checks that the virtual
// locations the stock ledger balances against are there. Run again with the same company it
// changes nothing and says so (created false); with another it fails with ErrAlreadyOther and
// names the one there is.
func (s *Store) Init(ctx context.Context, c Company) (created bool, err error) {
	c.Name = strings.TrimSpace(c.Name)
	err = s.d.InTx(ctx, func(tx *sqlx.Tx) error {
		var known bool
		if err := tx.GetContext(ctx, &known, `SELECT EXISTS (SELECT 1 FROM currencies WHERE code = $1)`, string(c.Currency)); err != nil {
			return err
		}
		if !known {
			return fmt.Errorf("currency %s is not one the database knows (ISO 4217 codes such as EUR, USD, GBP)", c.Currency)
		}
		var missing []string
		if err := tx.SelectContext(ctx, &missing, `
			SELECT k FROM unnest(ARRAY['supplier', 'customer', 'adjustment', 'scrap', 'transit']) AS k
			 WHERE NOT EXISTS (SELECT 1 FROM locations l WHERE l.kind = k AND l.warehouse_id IS NULL)`); err != nil {
			return err
		}
		if len(missing) > 0 {
			return fmt.Errorf("the virtual locations %s are missing: run oms migrate on this database", strings.Join(missing, ", "))
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO company (name, country, currency) VALUES ($1, $2, $3)
			ON CONFLICT (id) DO NOTHING`, c.Name, c.Country, string(c.Currency))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			created = true
			return nil
		}
		var there Company
		if err := tx.GetContext(ctx, &there, `SELECT name, country, currency FROM company`); err != nil {
			return err
		}
		if there != c {
			return fmt.Errorf("%w: %s", ErrAlreadyOther, there)
		}
		return nil
	})
	return created, db.MapError(err)
}

// Get returns the database's company; ok is false before oms init.
func (s *Store) Get(ctx context.Context) (c Company, ok bool, err error) {
	err = s.d.GetContext(ctx, &c, `SELECT name, country, currency FROM company`)
	if errors.Is(err, sql.ErrNoRows) {
		return Company{}, false, nil
	}
	return c, err == nil, db.MapError(err)
}

// TaxRounding is where the seller rounds tax: "line" (each line's tax) or "invoice" (once per
// rate and document), model.RoundTaxPerLine and model.RoundTaxPerInvoice.
type TaxRounding string

const (
	RoundPerLine    TaxRounding = "line"
	RoundPerInvoice TaxRounding = "invoice"
)

// Level is the model's rounding level of r.
func (r TaxRounding) Level() model.TaxRoundingLevel {
	if r == RoundPerInvoice {
		return model.RoundTaxPerInvoice
	}
	return model.RoundTaxPerLine
}

// TaxSettings are the seller's tax settings (migration 00027), which decide the tax of orders
// entered by hand (model.DecideTaxTreatment) and how invoices round it.
type TaxSettings struct {
	VATNumber             string      `db:"vat_number"` // normalised; "" when the company has none
	Rounding              TaxRounding `db:"tax_rounding"`
	OSSRegistered         bool        `db:"oss_registered"`
	OverDistanceThreshold bool        `db:"over_distance_threshold"`
}

// TaxSettings returns the seller's tax settings; ok is false before oms init.
func (s *Store) TaxSettings(ctx context.Context) (t TaxSettings, ok bool, err error) {
	err = s.d.GetContext(ctx, &t, `SELECT vat_number, tax_rounding, oss_registered, over_distance_threshold FROM company`)
	if errors.Is(err, sql.ErrNoRows) {
		return TaxSettings{}, false, nil
	}
	return t, err == nil, db.MapError(err)
}

// SetTaxSettings stores the seller's tax settings in one transaction: the VAT number must be a
// well-formed one (model.ValidVATNumber) of the company's own country, or empty. The admin's
// work; setting the same again changes nothing.
func (s *Store) SetTaxSettings(ctx context.Context, t TaxSettings) error {
	t.VATNumber = model.NormalizeVATNumber(strings.TrimSpace(t.VATNumber))
	if t.Rounding == "" {
		t.Rounding = RoundPerLine
	}
	if t.Rounding != RoundPerLine && t.Rounding != RoundPerInvoice {
		return fmt.Errorf("tax rounding %q: choose line or invoice", t.Rounding)
	}
	var vatCountry string
	if t.VATNumber != "" {
		c, err := model.ValidVATNumber(t.VATNumber)
		if err != nil {
			return err
		}
		vatCountry = c
	}
	err := s.d.InTx(ctx, func(tx *sqlx.Tx) error {
		var country string
		err := tx.GetContext(ctx, &country, `SELECT country FROM company`)
		if errors.Is(err, sql.ErrNoRows) {
			return errors.New("the database has no company yet: run oms init first")
		}
		if err != nil {
			return err
		}
		if vatCountry != "" && vatCountry != country && !(country == "GB" && vatCountry == "XI") {
			return fmt.Errorf("VAT number %s is from %s, but the company is established in %s", t.VATNumber, vatCountry, country)
		}
		_, err = tx.ExecContext(ctx, `UPDATE company SET vat_number = $1, tax_rounding = $2, oss_registered = $3,
			over_distance_threshold = $4`, t.VATNumber, string(t.Rounding), t.OSSRegistered, t.OverDistanceThreshold)
		return err
	})
	return db.MapError(err)
}
