package seed

import (
	"context"
	"strings"
	"testing"
	"time"

	"oms/db/dbtest"
)

// The loader skips row-by-row foreign-key checks, so its one-pass check must catch what they
// would have: here an address of a customer that does not exist.
func TestVerifyReferencesRefusesADanglingRow(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	tx, err := d.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	l := &loader{tx: tx}
	addr := newTable("addresses", "id", "customer_id", "name", "line1", "city", "country")
	addr.add(int64(1), int64(999), "Nobody", "Kerkstraat 1", "Utrecht", "NL")
	if err := l.copyIn(ctx, addr); err != nil {
		t.Fatalf("loading: %v", err)
	}
	err = l.verifyReferences(ctx, func(Progress) {})
	if err == nil || !strings.Contains(err.Error(), "addresses_customer_id_fkey") {
		t.Fatalf("verifyReferences = %v, want the broken addresses_customer_id_fkey reported", err)
	}
}

// The stock ledger is loaded like every other table now, so its keys are proved the same way,
// composite ones included.
func TestVerifyReferencesCoversTheLedger(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	tx, err := d.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var supplier, customer int64
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT id FROM locations WHERE code = 'SUPPLIER'),
		(SELECT id FROM locations WHERE code = 'CUSTOMER')`).Scan(&supplier, &customer); err != nil {
		t.Fatal(err)
	}
	l := &loader{tx: tx}
	m := newTable("stock_movements", movementCols...)
	m.add(movementRow(1, fixedTime, "clerk", 999, 0, supplier, customer, 1, "ship", "", 0, 0, "", "")...)
	if err := l.copyIn(ctx, m); err != nil {
		t.Fatalf("loading: %v", err)
	}
	err = l.verifyReferences(ctx, func(Progress) {})
	if err == nil || !strings.Contains(err.Error(), "stock_movements_product_id_fkey") {
		t.Fatalf("verifyReferences = %v, want the broken stock_movements_product_id_fkey reported", err)
	}
}

var fixedTime = time.Date(2026, 3, 16, 14, 30, 0, 0, time.UTC)
