package packing

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"oms/db"
	"oms/db/alloc"
	"oms/db/dbtest"
	"oms/db/orders"
	"oms/db/picking"
	"oms/db/shipping"
	"oms/keymaps"
	"oms/model"
	ship "oms/shipping"
	"oms/tui/tuitest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// floor is dbtest.SmallBusiness with what packing needs (as db/shipping's tests build it):
// TEE-1 and MUG-1 with measures, weights, customs data and stock in RTM1's bins,
// the boxes S, M and L, the company's GS1 prefix and address, and a one-zone rate card of
// "test-post" for the Netherlands.
type floor struct {
	owner, clerk *db.DB
	n            int
}

// testCard is db/shipping's test card: NL only, 500 g steps, 5000 cm³/kg, parcel in 2 working
// days and express in 1.
var testCard = ship.RateCard{Carrier: "test-post", Name: "Test Post", TrackingFormat: "s10", Currency: "EUR",
	ValidFrom: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), DimUnit: "cm", DimDivisor: 5000, SideRounding: "up",
	WeightStepG: 500, FuelPercentBP: 1000,
	Services: []ship.Service{{Code: "parcel", Name: "Parcel", MaxWeightG: 20000}, {Code: "express", Name: "Express", MaxWeightG: 10000}},
	Zones:    []ship.Zone{{Origin: "NL", Country: "NL", Zone: "1"}, {Origin: "NL", Country: "*", Zone: "W"}},
	Rates: []ship.Rate{{Service: "parcel", Zone: "1", MaxWeightG: 2000, PriceMinor: 500}, {Service: "parcel", Zone: "1", MaxWeightG: 20000, PriceMinor: 900},
		{Service: "express", Zone: "1", MaxWeightG: 10000, PriceMinor: 1500}, {Service: "parcel", Zone: "W", MaxWeightG: 20000, PriceMinor: 3000}},
	Transit: []ship.Transit{{Service: "parcel", Zone: "1", Days: 2}, {Service: "express", Zone: "1", Days: 1}, {Service: "parcel", Zone: "W", Days: 5}},
}

func newFloor(t testing.TB) *floor {
	t.Helper()
	owner := dbtest.SmallBusiness(t)
	for _, s := range []string{
		`UPDATE products SET weight_g = 200, length_mm = 300, width_mm = 250, height_mm = 20, hs_code = '610910', country_of_origin = 'PT' WHERE sku = 'TEE-1'`,
		`UPDATE products SET weight_g = 350, length_mm = 120, width_mm = 100, height_mm = 100, hs_code = '691200', country_of_origin = 'CN', gtin = '4006381333931' WHERE sku = 'MUG-1'`,
		`INSERT INTO locations (warehouse_id, code, kind, pick_seq) SELECT id, 'A-01', 'bin', 10 FROM warehouses WHERE code = 'RTM1'`,
		`INSERT INTO locations (warehouse_id, code, kind, pick_seq) SELECT id, 'A-02', 'bin', 20 FROM warehouses WHERE code = 'RTM1'`,
		`INSERT INTO boxes (warehouse_id, code, name, length_mm, width_mm, height_mm, max_weight_g, tare_weight_g)
		 SELECT id, 'S', 'Small', 200, 150, 120, 3000, 100 FROM warehouses WHERE code = 'RTM1'`,
		`INSERT INTO boxes (warehouse_id, code, name, length_mm, width_mm, height_mm, max_weight_g, tare_weight_g)
		 SELECT id, 'M', 'Medium', 350, 280, 150, 10000, 250 FROM warehouses WHERE code = 'RTM1'`,
		`INSERT INTO boxes (warehouse_id, code, name, length_mm, width_mm, height_mm, max_weight_g, tare_weight_g)
		 SELECT id, 'L', 'Large', 600, 400, 400, 25000, 600 FROM warehouses WHERE code = 'RTM1'`,
		`UPDATE company SET gs1_prefix = '8712345', line1 = 'Waalhaven 1', postal_code = '3089 JH', city = 'Rotterdam', phone = '+31 10 123 4567'`,
		`UPDATE warehouses SET latitude = 51.885, longitude = 4.4035, city = 'Rotterdam' WHERE code = 'RTM1'`,
	} {
		mustExec(t, owner, s)
	}
	receive(t, owner, "TEE-1", "A-01", 40)
	receive(t, owner, "MUG-1", "A-02", 40)
	f := &floor{owner: owner, clerk: dbtest.LoginAs(t, owner, "backoffice")}
	if _, err := shipping.New(f.clerk).ImportRateCard(context.Background(), "", testCard, "test", strings.Repeat("a", 64)); err != nil {
		t.Fatal(err)
	}
	return f
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

// rotterdam is where the test orders go unless told otherwise.
var rotterdam = model.Address{Name: "Anna de Vries", Line1: "Coolsingel 40", City: "Rotterdam", PostalCode: "3011 AD", Country: "NL"}

// picked imports an order of the web shop to Rotterdam with the given units, promised for the
// day after tuitest.Now, allocates it, releases it and picks all of it into tote; it returns
// the order's id and number.
func (f *floor) picked(t testing.TB, tote string, units map[string]int64) (int64, string) {
	t.Helper()
	return f.pickedTo(t, tote, units, rotterdam)
}

func (f *floor) pickedTo(t testing.TB, tote string, units map[string]int64, to model.Address) (int64, string) {
	t.Helper()
	ctx := context.Background()
	st := orders.New(f.clerk)
	ch, err := st.ChannelByCode(ctx, "web-eu")
	if err != nil {
		t.Fatal(err)
	}
	f.n++
	ext := fmt.Sprintf("S%05d", f.n)
	o := model.IncomingOrder{ExternalID: ext, DisplayID: "#" + ext, Currency: "EUR",
		OrderedAt: tuitest.Now.Add(-time.Duration(48-f.n) * time.Hour), PromisedAt: tuitest.Now.Add(24 * time.Hour),
		Customer: model.IncomingCustomer{Name: to.Name}, ShipTo: to}
	for _, sku := range []string{"TEE-1", "MUG-1"} {
		if q := units[sku]; q > 0 {
			o.Lines = append(o.Lines, model.IncomingLine{ExternalLineID: sku, SKU: sku, Qty: q, AmountMinor: 1000 * q})
			o.SubtotalMinor += 1000 * q
		}
	}
	o.TotalMinor = o.SubtotalMinor
	run, err := st.StartImport(ctx, ch, "json", "test", strings.Repeat("0", 64))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportBatch(ctx, run, []orders.Incoming{{Order: o, Line: 1, Ref: ext}}); err != nil {
		t.Fatal(err)
	}
	var id int64
	var number string
	mustGet(t, f.clerk, &id, `SELECT id FROM orders WHERE external_id = $1`, ext)
	mustGet(t, f.clerk, &number, `SELECT number FROM orders WHERE id = $1`, id)
	if _, err := alloc.New(f.clerk).AllocateMany(ctx, []int64{id}, false); err != nil {
		t.Fatal(err)
	}
	if _, err := picking.New(f.clerk).Release(ctx, "", picking.ReleaseOptions{Warehouse: "RTM1", MaxOrders: 1}); err != nil {
		t.Fatal(err)
	}
	_, u := dbtest.NewLogin(t, f.owner, dbtest.Staff{Jobs: []string{"picker"}})
	pk := picking.New(dbtest.Open(t, u))
	b, err := pk.Claim(ctx, "", "RTM1", tote)
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range b.Tasks {
		if _, err := pk.Confirm(ctx, "", picking.Pick{Task: task.ID, Bin: task.Bin, Item: task.SKU, Qty: task.Qty}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := pk.Claim(ctx, "", "RTM1", ""); err != picking.ErrNoWork { // closes the finished batch
		t.Fatalf("claiming after the batch: %v", err)
	}
	return id, number
}

// bench is the screen's data as a packer's login has it, with one verify whose answer is lost
// on the way back when loseNext is set: it commits, and the screen hears a time-out.
type bench struct {
	*shipping.Store
	loseNext bool
}

func (b *bench) Verify(ctx context.Context, key string, shipment int64, scan string, qty int, today time.Time) (shipping.Verified, error) {
	v, err := b.Store.Verify(ctx, key, shipment, scan, qty, today)
	if b.loseNext && err == nil {
		b.loseNext = false
		return shipping.Verified{}, errors.New("the database did not answer in time")
	}
	return v, err
}

// station is a packer's screen on the floor at a size: a fresh login of name, the screen and
// its driver.
type station struct {
	t    *testing.T
	s    *Screen
	drv  *tuitest.Driver
	data *bench
	w, h int
}

func (f *floor) station(t *testing.T, name string, w, h int) *station {
	t.Helper()
	_, url := dbtest.NewLogin(t, f.owner, dbtest.Staff{Name: name, Jobs: []string{"packer"}, Warehouse: "RTM1"})
	data := &bench{Store: shipping.New(dbtest.Open(t, url))}
	c := tuitest.NewContext()
	c.Jobs, c.User.Warehouse, c.User.Name = []string{"packer"}, "RTM1", name
	s := Def(data).Build(c, nil).(*Screen)
	return &station{t: t, s: s, drv: tuitest.New(t, s, *c.Keys, w, h), data: data, w: w, h: h}
}

// scan types text and ends it with enter, as a scanner does.
func (st *station) scan(text string) {
	st.drv.Type(text)
	st.drv.Press(keymaps.ScopeInput, "submit")
}

// frame is the frame now, checked to fill the size and to say each of want (line breaks and
// padding aside).
func (st *station) frame(what string, want ...string) string {
	st.t.Helper()
	frame := st.drv.Frame()
	tuitest.Exactly(st.t, frame, st.w, st.h)
	for _, w := range want {
		if !strings.Contains(flat(frame), w) {
			st.t.Fatalf("%s: the frame does not say %q:\n%s", what, w, frame)
		}
	}
	return frame
}

// flat is a frame's text with its line breaks and padding gone, so a sentence wrapped at 20
// columns reads as one.
func flat(frame string) string { return strings.Join(strings.Fields(frame), " ") }
