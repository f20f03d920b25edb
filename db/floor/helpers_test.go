package floor_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"oms/db"
	"oms/db/alloc"
	"oms/db/dbtest"
	"oms/db/floor"
	"oms/db/floortest"
	"oms/db/orders"
	"oms/db/picking"
	"oms/model"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// yard is floortest's floor (40 tees in RTM1 A-01, 40 mugs in A-02) with a supervisor, two
// pickers and the time the test started.
type yard struct {
	*floortest.Floor
	now      time.Time
	sup      *floor.Store
	supDB    *db.DB
	pia      *picking.Store // Pia Picker
	piet     *picking.Store // Piet Picker
	piaDB    *db.DB
	piaName  string // Pia's login
	pietName string
}

func newYard(t testing.TB) *yard {
	t.Helper()
	f := floortest.New(t)
	y := &yard{Floor: f, now: time.Now()}
	_, u := dbtest.NewLogin(t, f.Owner, dbtest.Staff{Name: "Sam Supervisor", Jobs: []string{"supervisor"}, Warehouse: "RTM1"})
	y.supDB = dbtest.Open(t, u)
	y.sup = floor.New(y.supDB)
	var login string
	login, u = dbtest.NewLogin(t, f.Owner, dbtest.Staff{Name: "Pia Picker", Jobs: []string{"picker"}, Warehouse: "RTM1"})
	y.piaDB = dbtest.Open(t, u)
	y.pia, y.piaName = picking.New(y.piaDB), login
	y.pietName, u = dbtest.NewLogin(t, f.Owner, dbtest.Staff{Name: "Piet Picker", Jobs: []string{"picker"}, Warehouse: "RTM1"})
	y.piet = picking.New(dbtest.Open(t, u))
	return y
}

// window is a day that began 12 hours ago, so "today" holds the test's promises whatever the
// hour it runs at, and a shift that began an hour ago.
func (y *yard) window() floor.Window {
	return floor.Window{Day: y.now.Add(-12 * time.Hour), Since: y.now.Add(-time.Hour)}
}

// order imports an order of web-eu to Rotterdam (ordered and promised as given, relative to
// now) and allocates it; it returns the order's id and number.
func (y *yard) order(t testing.TB, ext string, ordered, promised time.Duration, units map[string]int64) (int64, string) {
	t.Helper()
	return y.orderOf(t, "web-eu", ext, ordered, promised, units)
}

func (y *yard) orderOf(t testing.TB, channel, ext string, ordered, promised time.Duration, units map[string]int64) (int64, string) {
	t.Helper()
	ctx := context.Background()
	st := orders.New(y.Clerk)
	ch, err := st.ChannelByCode(ctx, channel)
	if err != nil {
		t.Fatal(err)
	}
	o := model.IncomingOrder{ExternalID: ext, DisplayID: "#" + ext, Currency: "EUR",
		OrderedAt: y.now.Add(ordered), PromisedAt: y.now.Add(promised),
		Customer: model.IncomingCustomer{Name: "Anna de Vries"}, ShipTo: floortest.Rotterdam}
	for _, sku := range []string{"TEE-1", "MUG-1"} {
		if q := units[sku]; q > 0 {
			o.Lines = append(o.Lines, model.IncomingLine{ExternalLineID: sku, SKU: sku, Qty: q, AmountMinor: 1000 * q})
			o.SubtotalMinor += 1000 * q
		}
	}
	o.TotalMinor = o.SubtotalMinor
	run, err := st.StartImport(ctx, ch, "json", "test.json", strings.Repeat("0", 64))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportBatch(ctx, run, []orders.Incoming{{Order: o, Line: 1, Ref: ext}}); err != nil {
		t.Fatal(err)
	}
	var row struct {
		ID     int64  `db:"id"`
		Number string `db:"number"`
	}
	mustGet(t, y.Owner, &row, `SELECT id, number FROM orders WHERE external_id = $1`, ext)
	if _, err := alloc.New(y.Clerk).AllocateMany(ctx, []int64{row.ID}, false); err != nil {
		t.Fatal(err)
	}
	return row.ID, row.Number
}

// reject imports a file whose one order the parser rejected; it returns the run's id.
func (y *yard) reject(t testing.TB, why string) int64 {
	t.Helper()
	ctx := context.Background()
	st := orders.New(y.Clerk)
	ch, err := st.ChannelByCode(ctx, "web-eu")
	if err != nil {
		t.Fatal(err)
	}
	run, err := st.StartImport(ctx, ch, "json", "bad.json", strings.Repeat("1", 64))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportBatch(ctx, run, []orders.Incoming{{Line: 3, Ref: "#BAD", Reason: why}}); err != nil {
		t.Fatal(err)
	}
	return run.ID
}

// release releases RTM1's allocated orders as the back office would.
func (y *yard) release(t testing.TB) []picking.BatchSummary {
	t.Helper()
	bs, err := picking.New(y.Clerk).Release(context.Background(), "", picking.ReleaseOptions{Warehouse: "RTM1"})
	if err != nil {
		t.Fatal(err)
	}
	return bs
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

func wantErr(t testing.TB, err error, want string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error %v, want one saying %q", err, want)
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
