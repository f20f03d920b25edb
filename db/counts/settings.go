package counts

import (
	"context"
	"fmt"
	"strings"

	"oms/db"
	"oms/model"
)

// Tolerance is how far a warehouse's counts may differ from the books before another person
// recounts: units per product and the value of a bin's variances in the company's currency.
type Tolerance struct {
	Warehouse    string
	Units        int
	Value        string // an amount in the company's currency ("50.00")
	ShowExpected bool   // counters see what the books expect: counts are not blind
}

// SetTolerance sets a warehouse's count tolerance (a supervisor's setting).
func (s *Store) SetTolerance(ctx context.Context, t Tolerance) error {
	if t.Units < 0 {
		return fmt.Errorf("a tolerance of %d units: it cannot be negative", t.Units)
	}
	var cur string
	if err := s.d.GetContext(ctx, &cur, `SELECT currency FROM company`); err != nil {
		return db.MapError(err)
	}
	v, err := model.ParseMoney(t.Value, model.Currency(cur))
	if err != nil || v.Minor < 0 {
		return fmt.Errorf("a tolerance of %q %s: %v", t.Value, cur, err)
	}
	res, err := s.d.ExecContext(ctx, `UPDATE warehouses SET count_tolerance_units = $2, count_tolerance_minor = $3,
		count_show_expected = $4 WHERE code = upper($1)`, strings.TrimSpace(t.Warehouse), t.Units, v.Minor, t.ShowExpected)
	if err != nil {
		return db.MapError(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("there is no warehouse %q", t.Warehouse)
	}
	return nil
}
