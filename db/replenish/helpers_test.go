package replenish_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"oms/db"
	"oms/db/dbtest"
	"oms/db/floortest"
	"oms/db/replenish"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// shelf is floortest's floor with replenishment's bins at RTM1: the pick bin P-01 (pick_seq 5)
// holding 4 × TEE-1, and the reserve bins R-01 (pick_seq 50) holding 10 and R-02 (60) holding
// 30 — marked reserve by the stock clerk, who set P-01's level for TEE-1 to min 5, max 20. P-02
// (pick_seq 6) is an empty pick bin. MILK-1 is lot- and expiry-tracked.
type shelf struct {
	*floortest.Floor
	stock   *replenish.Store
	stockDB *db.DB
}

func newShelf(t *testing.T) *shelf {
	t.Helper()
	f := floortest.New(t)
	for _, s := range []string{
		`INSERT INTO locations (warehouse_id, code, kind, pick_seq)
		 SELECT w.id, x.code, 'bin', x.seq FROM warehouses w,
		        (VALUES ('P-01', 5), ('P-02', 6), ('R-01', 50), ('R-02', 60)) AS x(code, seq) WHERE w.code = 'RTM1'`,
		`INSERT INTO products (sku, name, tax_category, lot_tracked, expiry_tracked) VALUES ('MILK-1', 'Milk', 'standard', true, true)`,
	} {
		mustExec(t, f.Owner, s)
	}
	floortest.Receive(t, f.Owner, "TEE-1", "P-01", 4)
	floortest.Receive(t, f.Owner, "TEE-1", "R-01", 10)
	floortest.Receive(t, f.Owner, "TEE-1", "R-02", 30)
	sh := &shelf{Floor: f}
	sh.stock, sh.stockDB = replenisher(t, f, "Rita Refill")
	ctx := context.Background()
	for _, bin := range []string{"R-01", "r-02"} {
		if err := sh.stock.SetReserve(ctx, "", "rtm1", bin, true); err != nil {
			t.Fatal(err)
		}
	}
	if l, err := sh.stock.SetLevel(ctx, "", replenish.Level{Warehouse: "RTM1", Bin: "P-01", SKU: "TEE-1", Min: 5, Max: 20}); err != nil ||
		l != (replenish.Level{Warehouse: "RTM1", Bin: "P-01", SKU: "TEE-1", Min: 5, Max: 20}) {
		t.Fatalf("setting P-01's level: %+v, %v", l, err)
	}
	return sh
}

// replenisher is a fresh stock clerk's login named name, and its replenishment commands.
func replenisher(t *testing.T, f *floortest.Floor, name string) (*replenish.Store, *db.DB) {
	t.Helper()
	_, u := dbtest.NewLogin(t, f.Owner, dbtest.Staff{Name: name, Jobs: []string{"stock"}})
	d := dbtest.Open(t, u)
	return replenish.New(d), d
}

// receiveLot puts n units of a lot (made when new, with its expiry) into a bin of RTM1.
func receiveLot(t *testing.T, owner *db.DB, sku, lot, expires, bin string, n int) {
	t.Helper()
	mustExec(t, owner, `INSERT INTO lots (product_id, lot_code, expires_on) SELECT id, $2, $3::date FROM products WHERE sku = $1
		ON CONFLICT (product_id, lot_code) DO NOTHING`, sku, lot, expires)
	mustExec(t, owner, `
		INSERT INTO stock_movements (product_id, lot_id, from_location_id, to_location_id, qty, kind)
		SELECT p.id, lo.id, s.id, b.id, $5, 'receipt' FROM products p JOIN lots lo ON lo.product_id = p.id AND lo.lot_code = $2,
		       locations s, locations b JOIN warehouses w ON w.id = b.warehouse_id
		 WHERE p.sku = $1 AND s.kind = 'supplier' AND b.code = $3 AND w.code = 'RTM1' AND $4 <> ''`, sku, lot, bin, expires, n)
}

// onHand is what a place of RTM1 holds of a SKU (and lot, when given).
func onHand(t *testing.T, owner *db.DB, place, sku string, lot ...string) int64 {
	t.Helper()
	var n int64
	mustGet(t, owner, &n, `SELECT coalesce(sum(b.on_hand), 0) FROM stock_balances b JOIN locations l ON l.id = b.location_id
		JOIN warehouses w ON w.id = l.warehouse_id JOIN products p ON p.id = b.product_id LEFT JOIN lots lo ON lo.id = b.lot_id
		WHERE w.code = 'RTM1' AND l.code = $1 AND p.sku = $2 AND ($3 = '' OR lo.lot_code = $3)`, place, sku, strings.Join(lot, ""))
	return n
}

// brief is a task as "FROM→TO SKU[/LOT] QTY STATUS", for comparing lists.
func brief(ts ...replenish.Task) string {
	var b strings.Builder
	for i, t := range ts {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(t.From + "→" + t.To + " " + t.SKU)
		if t.Lot != "" {
			b.WriteString("/" + t.Lot)
		}
		fmt.Fprintf(&b, " %d %s", t.Qty, t.Status)
	}
	return b.String()
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
