package inbound_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"oms/db"
	"oms/db/dbtest"
	"oms/db/floortest"
	"oms/db/inbound"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// yard is floortest's floor made ready for inbound work: RTM1 has a RECEIVING location, A-01
// and A-02 are in zone A with the empty bins A-03 (pick_seq 30) and A-04 (25), and B-01 (zone B,
// pick_seq 5) is empty too; BER-M has a RECEIVING location; MILK-1 is lot- and expiry-tracked;
// a tee costs 10.00, a mug 20.00, milk 1.00; the supplier ACME (NL, EUR). office is the back
// office's clerk, stock a stock clerk (Stan Stock).
type yard struct {
	*floortest.Floor
	office  *inbound.Store
	stock   *inbound.Store
	stockDB *db.DB
}

func newYard(t testing.TB) *yard {
	t.Helper()
	f := floortest.New(t)
	for _, s := range []string{
		`INSERT INTO locations (warehouse_id, code, kind) SELECT id, 'RECEIVING', 'receiving' FROM warehouses WHERE code IN ('RTM1', 'BER-M')`,
		`UPDATE locations SET zone = 'A' WHERE code IN ('A-01', 'A-02') AND warehouse_id = (SELECT id FROM warehouses WHERE code = 'RTM1')`,
		`INSERT INTO locations (warehouse_id, code, kind, zone, pick_seq)
		 SELECT w.id, x.code, 'bin', x.zone, x.seq FROM warehouses w,
		        (VALUES ('A-03', 'A', 30), ('A-04', 'A', 25), ('B-01', 'B', 5)) AS x(code, zone, seq) WHERE w.code = 'RTM1'`,
		`INSERT INTO products (sku, name, tax_category, lot_tracked, expiry_tracked) VALUES ('MILK-1', 'Milk', 'standard', true, true)`,
		`UPDATE products SET unit_cost_minor = CASE sku WHEN 'TEE-1' THEN 1000 WHEN 'MUG-1' THEN 2000 WHEN 'MILK-1' THEN 100 ELSE 0 END`,
	} {
		mustExec(t, f.Owner, s)
	}
	y := &yard{Floor: f, office: inbound.New(f.Clerk)}
	y.stock, y.stockDB = clerk(t, f, "Stan Stock", "stock")
	if err := y.office.AddSupplier(context.Background(), "", inbound.Supplier{Code: "acme", Name: "Acme Supplies", Country: "NL", Currency: "EUR"}); err != nil {
		t.Fatal(err)
	}
	return y
}

// clerk is a fresh login named name holding jobs, and its inbound commands.
func clerk(t testing.TB, f *floortest.Floor, name string, jobs ...string) (*inbound.Store, *db.DB) {
	t.Helper()
	_, u := dbtest.NewLogin(t, f.Owner, dbtest.Staff{Name: name, Jobs: jobs})
	d := dbtest.Open(t, u)
	return inbound.New(d), d
}

// po is a PO from ACME to RTM1 for units, created by the back office.
func (y *yard) po(t testing.TB, lines ...inbound.POLineRequest) inbound.PO {
	t.Helper()
	po, err := y.office.CreatePO(context.Background(), "", inbound.PORequest{Supplier: "ACME", Warehouse: "RTM1", Lines: lines})
	if err != nil {
		t.Fatal(err)
	}
	return po
}

// onHand is what a place of a warehouse holds of a SKU (and lot, when given).
func onHand(t testing.TB, owner *db.DB, warehouse, place, sku string, lot ...string) int64 {
	t.Helper()
	var n int64
	mustGet(t, owner, &n, `SELECT coalesce(sum(b.on_hand), 0) FROM stock_balances b JOIN locations l ON l.id = b.location_id
		JOIN warehouses w ON w.id = l.warehouse_id JOIN products p ON p.id = b.product_id LEFT JOIN lots lo ON lo.id = b.lot_id
		WHERE w.code = $1 AND l.code = $2 AND p.sku = $3 AND ($4 = '' OR lo.lot_code = $4)`, warehouse, place, sku, strings.Join(lot, ""))
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

// wantErr fails unless err says want.
func wantErr(t testing.TB, err error, want string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error %v; want one saying %q", err, want)
	}
}

func isNotFound(err error) bool { return errors.Is(err, inbound.ErrNotFound) }

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
