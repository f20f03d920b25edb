package dbtest

import (
	"context"
	"testing"
	"time"

	"oms/db"
	"oms/db/company"
)

// SmallBusiness is a fresh database set up as `oms init` and catalog imports would leave it,
// without the seeder: one distribution centre (RTM1), one store (BER-M) with 5 × TEE-1 on its
// shelf A-01, the products TEE-1 and MUG-1, a webshop channel web-eu (EUR, 48 h) and the
// store's till store-berlin. It returns the superuser connection.
func SmallBusiness(t testing.TB) *db.DB {
	t.Helper()
	owner := New(t)
	ctx := context.Background()
	if _, err := company.New(owner).Init(ctx, company.Company{Name: "Test B.V.", Country: "NL", Currency: "EUR"}); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`INSERT INTO warehouses (code, name, kind, country, time_zone, currency) VALUES
		    ('RTM1', 'Rotterdam DC', 'dc', 'NL', 'Europe/Amsterdam', 'EUR'),
		    ('BER-M', 'Berlin store', 'store', 'DE', 'Europe/Berlin', 'EUR')`,
		`INSERT INTO locations (warehouse_id, code, kind, pick_seq) SELECT id, 'A-01', 'bin', 1 FROM warehouses WHERE code = 'BER-M'`,
		`INSERT INTO products (sku, name, tax_category) VALUES ('TEE-1', 'Tee', 'standard'), ('MUG-1', 'Mug', 'standard')`,
		`INSERT INTO channels (code, name, kind, currency, sla_hours) VALUES ('web-eu', 'Web EU', 'webshop', 'EUR', 48)`,
		`INSERT INTO channels (code, name, kind, currency, warehouse_id)
		 SELECT 'store-berlin', 'Berlin till', 'store', 'EUR', id FROM warehouses WHERE code = 'BER-M'`,
		`INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind)
		 SELECT p.id, s.id, b.id, 5, 'receipt' FROM products p, locations s, locations b
		  WHERE p.sku = 'TEE-1' AND s.kind = 'supplier' AND b.code = 'A-01'`,
	} {
		if _, err := owner.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	return owner
}

// WaitForLockWaits returns once at least n sessions of d's database wait for a lock: how a test
// knows another session has reached the row it must wait on. It polls pg_stat_activity (there is
// nothing to be told by) and fails the test after a minute.
func WaitForLockWaits(t testing.TB, d *db.DB, n int) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		var waiting int
		if err := d.Get(&waiting, `SELECT count(*) FROM pg_stat_activity
			WHERE wait_event_type = 'Lock' AND datname = current_database()`); err != nil {
			t.Fatal(err)
		}
		if waiting >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d sessions wait for a lock after a minute, want %d", waiting, n)
		}
		time.Sleep(2 * time.Millisecond) // polling pg_stat_activity, not a guess at timing
	}
}
