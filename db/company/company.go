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
