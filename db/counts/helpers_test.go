package counts_test

import (
	"context"
	"testing"

	"oms/db"
	"oms/db/counts"
	"oms/db/dbtest"
	"oms/db/floortest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// floor is floortest's (40 tees in RTM1 A-01, 40 mugs in A-02) and logins by job.
type floor struct {
	*floortest.Floor
}

func newFloor(t testing.TB) floor {
	t.Helper()
	return floor{floortest.New(t)}
}

// login is a fresh login named name holding jobs, and its counting commands.
func (f floor) login(t testing.TB, name string, jobs ...string) (*counts.Store, *db.DB) {
	t.Helper()
	_, u := dbtest.NewLogin(t, f.Owner, dbtest.Staff{Name: name, Jobs: jobs, Warehouse: "RTM1"})
	d := dbtest.Open(t, u)
	return counts.New(d), d
}

func (f floor) product(t testing.TB, sku string) int64 {
	t.Helper()
	var id int64
	mustGet(t, f.Owner, &id, `SELECT id FROM products WHERE sku = $1`, sku)
	return id
}

// onHand is what RTM1's bin holds of sku.
func (f floor) onHand(t testing.TB, bin, sku string) int64 {
	t.Helper()
	var n int64
	mustGet(t, f.Owner, &n, `SELECT coalesce(sum(b.on_hand), 0) FROM stock_balances b JOIN locations l ON l.id = b.location_id
		JOIN warehouses w ON w.id = l.warehouse_id JOIN products p ON p.id = b.product_id
		WHERE w.code = 'RTM1' AND l.code = $1 AND p.sku = $2`, bin, sku)
	return n
}

func mustExec(t testing.TB, d *db.DB, q string, args ...any) {
	t.Helper()
	if _, err := d.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func mustGet(t testing.TB, d *db.DB, dest any, q string, args ...any) {
	t.Helper()
	if err := d.Get(dest, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func checkClean(t *testing.T, owner *db.DB) {
	t.Helper()
	rep, err := owner.Check(context.Background(), 5)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Errorf("oms check: %+v", rep.Violations)
	}
}
