package picking

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"oms/db"
)

// Rules are what a warehouse does when a scan does not match its task, per field: "none"
// (not checked), "warn" (taken, with a warning) or "error" (refused). The database applies them
// to every confirmation; the handheld reads them to check a bin scan before the item's.
type Rules struct {
	Bin  string `db:"verify_bin"`
	Item string `db:"verify_item"`
	Lot  string `db:"verify_lot"`
	Qty  string `db:"verify_qty"`
}

// RulesOf reads a warehouse's verification rules by its code.
func (s *Store) RulesOf(ctx context.Context, warehouse string) (Rules, error) {
	var r Rules
	err := s.d.GetContext(ctx, &r, `
		SELECT verify_bin, verify_item, verify_lot, verify_qty FROM warehouses WHERE code = upper($1)`, warehouse)
	if errors.Is(err, sql.ErrNoRows) {
		return Rules{}, fmt.Errorf("there is no warehouse %s", warehouse)
	}
	return r, db.MapError(err)
}
