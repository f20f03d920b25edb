package picking_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"oms/db"
	"oms/db/alloc"
	"oms/db/dbtest"
	"oms/db/orders"
	"oms/db/picking"
	"oms/model"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// shop is dbtest.SmallBusiness with bins in the Rotterdam DC — zone A: A-01 (pick_seq 10),
// A-03 (20), A-02 (30); zone B: B-01 (40) — the back office's clerk (intake, allocation,
// release) and the owner's connection for setting up and auditing.
type shop struct {
	owner, clerk *db.DB
	rel          *picking.Store
	promise      time.Time
	n            int
}

func newShop(t testing.TB, stock map[string]map[string]int) *shop {
	t.Helper()
	owner := dbtest.SmallBusiness(t)
	for _, s := range []string{
		`INSERT INTO products (sku, name, tax_category, gtin) VALUES ('CAP-1', 'Cap', 'standard', '4006381333931')`,
		`INSERT INTO locations (warehouse_id, code, kind, pick_seq) SELECT id, 'A-01', 'bin', 10 FROM warehouses WHERE code = 'RTM1'`,
		`INSERT INTO locations (warehouse_id, code, kind, pick_seq) SELECT id, 'A-03', 'bin', 20 FROM warehouses WHERE code = 'RTM1'`,
		`INSERT INTO locations (warehouse_id, code, kind, pick_seq) SELECT id, 'A-02', 'bin', 30 FROM warehouses WHERE code = 'RTM1'`,
		`INSERT INTO locations (warehouse_id, code, kind, pick_seq, barcode) SELECT id, 'B-01', 'bin', 40, 'LOC0000B01' FROM warehouses WHERE code = 'RTM1'`,
		`UPDATE warehouses SET latitude = 51.885, longitude = 4.4035 WHERE code = 'RTM1'`,
		`UPDATE warehouses SET latitude = 52.53, longitude = 13.40 WHERE code = 'BER-M'`,
	} {
		mustExec(t, owner, s)
	}
	for bin, skus := range stock {
		for sku, n := range skus {
			receive(t, owner, sku, bin, n)
		}
	}
	clerk := dbtest.LoginAs(t, owner, "backoffice")
	return &shop{owner: owner, clerk: clerk, rel: picking.New(clerk),
		promise: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)}
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

func receive(t testing.TB, owner *db.DB, sku, bin string, n int) {
	t.Helper()
	mustExec(t, owner, `
		INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind)
		SELECT p.id, s.id, b.id, $3, 'receipt' FROM products p, locations s, locations b, warehouses w
		 WHERE p.sku = $1 AND s.kind = 'supplier' AND b.code = $2 AND b.warehouse_id = w.id AND w.code = 'RTM1'`, sku, bin, n)
}

// orders imports orders of the web shop to the Netherlands, each ordered an hour after the one
// before (so promised in that order), allocates them and returns their ids.
func (s *shop) orders(t testing.TB, lines ...map[string]int64) []int64 {
	t.Helper()
	ctx := context.Background()
	st := orders.New(s.clerk)
	ch, err := st.ChannelByCode(ctx, "web-eu")
	if err != nil {
		t.Fatal(err)
	}
	var in []orders.Incoming
	var exts []string
	for _, l := range lines {
		s.n++
		ext := fmt.Sprintf("P%05d", s.n)
		o := model.IncomingOrder{ExternalID: ext, DisplayID: "#" + ext, Currency: "EUR",
			OrderedAt: s.promise.Add(time.Duration(s.n) * time.Hour),
			Customer:  model.IncomingCustomer{Name: "Anna"},
			ShipTo:    model.Address{Name: "Anna", Line1: "Damrak 1", City: "Amsterdam", Country: "NL"}}
		for _, sku := range []string{"TEE-1", "MUG-1", "CAP-1"} {
			if q := l[sku]; q > 0 {
				o.Lines = append(o.Lines, model.IncomingLine{ExternalLineID: sku, SKU: sku, Qty: q, AmountMinor: 100 * q})
				o.SubtotalMinor += 100 * q
			}
		}
		o.TotalMinor = o.SubtotalMinor
		in = append(in, orders.Incoming{Order: o, Line: s.n, Ref: ext})
		exts = append(exts, ext)
	}
	run, err := st.StartImport(ctx, ch, "json", "test", strings.Repeat("0", 64))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(in); i += 500 {
		if _, err := st.ImportBatch(ctx, run, in[i:min(i+500, len(in))]); err != nil {
			t.Fatal(err)
		}
	}
	var ids []int64
	for _, ext := range exts {
		var id int64
		mustGet(t, s.clerk, &id, `SELECT id FROM orders WHERE external_id = $1`, ext)
		ids = append(ids, id)
	}
	if _, err := alloc.New(s.clerk).AllocateMany(ctx, ids, false); err != nil {
		t.Fatal(err)
	}
	return ids
}

// picker is a fresh picker's login and connection.
func (s *shop) picker(t *testing.T) (string, *picking.Store, *db.DB) {
	t.Helper()
	login, u := dbtest.NewLogin(t, s.owner, dbtest.Staff{Jobs: []string{"picker"}})
	d := dbtest.Open(t, u)
	return login, picking.New(d), d
}

func (s *shop) release(t *testing.T, key string, maxOrders int) []picking.BatchSummary {
	t.Helper()
	bs, err := s.rel.Release(context.Background(), key, picking.ReleaseOptions{Warehouse: "RTM1", MaxOrders: maxOrders})
	if err != nil {
		t.Fatal(err)
	}
	return bs
}

func status(t *testing.T, d *db.DB, order int64) string {
	t.Helper()
	var st string
	mustGet(t, d, &st, `SELECT status FROM orders WHERE id = $1`, order)
	return st
}

// checkClean is oms check, and no balance reserving more than it holds, no line whose
// reservations differ from its allocated − shipped, no open task asking for more than its
// reservation holds.
func checkClean(t *testing.T, owner *db.DB) {
	t.Helper()
	rep, err := owner.Check(context.Background(), 5)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Errorf("oms check: %+v", rep.Violations)
	}
	var bad int
	mustGet(t, owner, &bad, `
		SELECT count(*) FROM pick_tasks t
		 WHERE t.status = 'ready' AND t.qty - t.qty_picked > coalesce((SELECT r.qty FROM reservations r
		        WHERE r.order_line_id = t.order_line_id AND r.location_id = t.location_id
		          AND r.lot_id IS NOT DISTINCT FROM t.lot_id), 0)`)
	if bad != 0 {
		t.Errorf("%d open tasks ask for more than their reservations hold", bad)
	}
	mustGet(t, owner, &bad, `
		SELECT count(*) FROM order_lines l
		 WHERE l.qty_allocated - l.qty_shipped <> coalesce((SELECT sum(r.qty) FROM reservations r WHERE r.order_line_id = l.id), 0)`)
	if bad != 0 {
		t.Errorf("%d lines whose reservations differ from allocated − shipped", bad)
	}
}

// gate opens a transaction of owner that takes the rows query locks and holds them until the
// test rolls it back.
func gate(t *testing.T, owner *db.DB, query string, args ...any) *sqlx.Tx {
	t.Helper()
	tx, err := owner.BeginTxx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tx.Rollback() })
	if _, err := tx.Exec(query, args...); err != nil {
		t.Fatal(err)
	}
	return tx
}

// async runs f in a goroutine and hands back its error.
func async(f func() error) <-chan error {
	ch := make(chan error, 1)
	go func() { ch <- f() }()
	return ch
}

// pickAll confirms every open task of b in pick order, one key per task, scanning the bin's
// code and the SKU.
func pickAll(t *testing.T, p *picking.Store, b picking.Batch, prefix string) picking.TaskState {
	t.Helper()
	var st picking.TaskState
	for i, task := range b.Tasks {
		if !task.Open() {
			continue
		}
		var err error
		st, err = p.Confirm(context.Background(), fmt.Sprintf("%s-%04d", prefix, i),
			picking.Pick{Task: task.ID, Bin: task.Bin, Item: task.SKU, Lot: task.Lot, Qty: task.Remaining()})
		if err != nil {
			t.Fatalf("confirming task %d (%s at %s): %v", task.ID, task.SKU, task.Bin, err)
		}
	}
	return st
}

func wantErr(t *testing.T, err error, says string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), says) {
		t.Errorf("got %v, want an error saying %q", err, says)
	}
}

func jsonUnmarshal(raw []byte, v any) error { return json.Unmarshal(raw, v) }

// dbtestWait returns once n sessions of the shop's database wait for a lock.
func dbtestWait(t *testing.T, s *shop, n int) { dbtest.WaitForLockWaits(t, s.owner, n) }

func orderNumber(t *testing.T, s *shop, id int64) string {
	t.Helper()
	var n string
	mustGet(t, s.owner, &n, `SELECT number FROM orders WHERE id = $1`, id)
	return n
}
