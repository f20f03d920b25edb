package company

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
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
// work; setting the same again changes nothing. It is Update with all four settings given.
func (s *Store) SetTaxSettings(ctx context.Context, t TaxSettings) error {
	rounding := t.Rounding
	if rounding == "" {
		rounding = RoundPerLine
	}
	_, err := s.Update(ctx, Changes{VATNumber: &t.VATNumber, Rounding: &rounding, OSSRegistered: &t.OSSRegistered,
		OverDistanceThreshold: &t.OverDistanceThreshold})
	return err
}

// Address is the seller's postal address and how to reach it (migration 00028), with the
// addresses table's names; "" where it is not given.
type Address struct {
	Line1      string `db:"line1"`
	Line2      string `db:"line2"`
	PostalCode string `db:"postal_code"`
	City       string `db:"city"`
	Region     string `db:"region"`
	Phone      string `db:"phone"`
	Email      string `db:"email"`
}

// Profile is everything the company row says: who, where, and its tax settings.
type Profile struct {
	Company
	Address
	TaxSettings
	// GS1Prefix is the GS1 company prefix (7 to 11 digits) parcels' SSCCs are made with; ""
	// until the company has one, when packing cannot label a parcel.
	GS1Prefix string `db:"gs1_prefix"`
}

const profileColumns = `name, country, currency, line1, line2, postal_code, city, region, phone, email,
	vat_number, tax_rounding, oss_registered, over_distance_threshold, gs1_prefix`

// Profile returns the company with its address and tax settings; ok is false before oms init.
func (s *Store) Profile(ctx context.Context) (p Profile, ok bool, err error) {
	err = s.d.GetContext(ctx, &p, `SELECT `+profileColumns+` FROM company`)
	if errors.Is(err, sql.ErrNoRows) {
		return Profile{}, false, nil
	}
	return p, err == nil, db.MapError(err)
}

// Changes are the settings Update changes; nil leaves one as it is.
type Changes struct {
	VATNumber             *string
	Rounding              *TaxRounding
	OSSRegistered         *bool
	OverDistanceThreshold *bool
	Line1, Line2          *string
	PostalCode, City      *string
	Region, Phone, Email  *string
	GS1Prefix             *string
}

// gs1Prefix is a GS1 company prefix as migration 00037 keeps it.
var gs1Prefix = regexp.MustCompile(`^[0-9]{7,11}$`)

// Empty says whether c changes nothing at all.
func (c Changes) Empty() bool { return c == Changes{} }

// Update applies c to the company in one transaction (the row locked, so two admins' changes
// apply one after the other and neither undoes the other's) and returns the company as it is
// afterwards. A VAT number must be well formed (model.ValidVATNumber) and of the company's own
// country (GB may hold an XI number); "" removes it. Texts are trimmed; the database refuses an
// address it cannot print (migration 00028) and anyone but an admin.
func (s *Store) Update(ctx context.Context, c Changes) (Profile, error) {
	var vatCountry string
	if c.VATNumber != nil {
		v := model.NormalizeVATNumber(strings.TrimSpace(*c.VATNumber))
		c.VATNumber = &v
		if v != "" {
			country, err := model.ValidVATNumber(v)
			if err != nil {
				return Profile{}, err
			}
			vatCountry = country
		}
	}
	if c.Rounding != nil && *c.Rounding != RoundPerLine && *c.Rounding != RoundPerInvoice {
		return Profile{}, fmt.Errorf("tax rounding %q: choose line or invoice", *c.Rounding)
	}
	for _, f := range []**string{&c.Line1, &c.Line2, &c.PostalCode, &c.City, &c.Region, &c.Phone, &c.Email, &c.GS1Prefix} {
		if *f != nil {
			v := strings.TrimSpace(**f)
			*f = &v
		}
	}
	if c.GS1Prefix != nil && *c.GS1Prefix != "" && !gs1Prefix.MatchString(*c.GS1Prefix) {
		return Profile{}, fmt.Errorf("GS1 company prefix %q: 7 to 11 digits, as GS1 assigned it", *c.GS1Prefix)
	}
	var p Profile
	err := s.d.InTx(ctx, func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &p, `SELECT `+profileColumns+` FROM company FOR UPDATE`)
		if errors.Is(err, sql.ErrNoRows) {
			return errors.New("the database has no company yet: run oms init first")
		}
		if err != nil {
			return err
		}
		if vatCountry != "" && vatCountry != p.Country && !(p.Country == "GB" && vatCountry == "XI") {
			return fmt.Errorf("VAT number %s is from %s, but the company is established in %s", *c.VATNumber, vatCountry, p.Country)
		}
		set := func(dst *string, v *string) {
			if v != nil {
				*dst = *v
			}
		}
		set(&p.VATNumber, c.VATNumber)
		set(&p.Line1, c.Line1)
		set(&p.Line2, c.Line2)
		set(&p.PostalCode, c.PostalCode)
		set(&p.City, c.City)
		set(&p.Region, c.Region)
		set(&p.Phone, c.Phone)
		set(&p.Email, c.Email)
		set(&p.GS1Prefix, c.GS1Prefix)
		if c.Rounding != nil {
			p.Rounding = *c.Rounding
		}
		if c.OSSRegistered != nil {
			p.OSSRegistered = *c.OSSRegistered
		}
		if c.OverDistanceThreshold != nil {
			p.OverDistanceThreshold = *c.OverDistanceThreshold
		}
		// Only the columns given are written, so an admin who sets the address needs no more
		// than the grants 00028 added, and the tax settings stay as they were.
		var cols []string
		var args []any
		add := func(given bool, col string, v any) {
			if given {
				args = append(args, v)
				cols = append(cols, fmt.Sprintf("%s = $%d", col, len(args)))
			}
		}
		add(c.VATNumber != nil, "vat_number", p.VATNumber)
		add(c.Rounding != nil, "tax_rounding", string(p.Rounding))
		add(c.OSSRegistered != nil, "oss_registered", p.OSSRegistered)
		add(c.OverDistanceThreshold != nil, "over_distance_threshold", p.OverDistanceThreshold)
		add(c.Line1 != nil, "line1", p.Line1)
		add(c.Line2 != nil, "line2", p.Line2)
		add(c.PostalCode != nil, "postal_code", p.PostalCode)
		add(c.City != nil, "city", p.City)
		add(c.GS1Prefix != nil, "gs1_prefix", p.GS1Prefix)
		add(c.Region != nil, "region", p.Region)
		add(c.Phone != nil, "phone", p.Phone)
		add(c.Email != nil, "email", p.Email)
		if len(cols) == 0 {
			return nil
		}
		_, err = tx.ExecContext(ctx, `UPDATE company SET `+strings.Join(cols, ", "), args...)
		return err
	})
	if err != nil {
		return Profile{}, addressError(db.MapError(err))
	}
	return p, nil
}

// addressRules say, for each of 00028's checks, what the company's address must be.
var addressRules = map[string]string{
	"company_line1_one_line":     "an address line is one line of at most 200 characters",
	"company_line2_one_line":     "an address line is one line of at most 200 characters",
	"company_postal_code_format": "a postal code is up to 16 letters, digits, spaces and hyphens",
	"company_city_one_line":      "a city is one line of at most 100 characters",
	"company_region_one_line":    "a region is one line of at most 100 characters",
	"company_phone_format":       "a phone number is digits with an optional leading + and spaces, (), /, . or -, such as +31 10 123 4567",
	"company_email_format":       "an e-mail address looks like invoices@example.com",
	"company_address_complete":   "an address has both a first line and a city (and a second line only with a first)",
}

// addressError words a refusal of 00028's checks as the rule that was broken.
func addressError(err error) error {
	var ce *db.ConstraintError
	if errors.As(err, &ce) {
		if rule, ok := addressRules[ce.Constraint]; ok {
			return fmt.Errorf("the company's address was not changed: %s", rule)
		}
	}
	return err
}
