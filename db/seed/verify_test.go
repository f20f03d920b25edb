package seed

import (
	"context"
	"strings"
	"testing"

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
