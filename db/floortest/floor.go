package floortest

import (
	"context"
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
	"oms/model"
	ship "oms/shipping"
)

// Floor is dbtest.SmallBusiness with what packing needs: TEE-1 (300×250×20 mm, 200 g, HS 610910
// from PT) and MUG-1 (120×100×100 mm, 350 g, HS 691200 from CN, GTIN 4006381333931) with 40 of
// each in RTM1's bins, the boxes S (200×150×120, tare 100 g), M (350×280×150,
// 250 g) and L (600×400×400, 600 g), the company's GS1 prefix 8712345 and address, test-post's
// rate card (Card), RTM1's RETURNS and QUARANTINE locations, a cap (CAP-9) no order has, and the
// back office's clerk.
type Floor struct {
	Owner, Clerk *db.DB
	// Day is the day the tests ship on: Monday 30 November 2026.
	Day time.Time
	// Promise, when set, is when new orders are promised; otherwise the channel's 48 hours
	// from their order time, which falls on Day.
	Promise time.Time
	n       int
}

// Card is test-post's rate card, small enough to check prices by hand: from NL, zone 1 is the
// Netherlands (parcel 5.00 to 2 kg, 9.00 to 20 kg, 2 working days; express 15.00 to 10 kg, 1 day)
// and zone W every other country (parcel 30.00, 5 days); 500 g steps, 5000 cm³/kg with sides
// rounded up, 10% fuel.
var Card = ship.RateCard{Carrier: "test-post", Name: "Test Post", TrackingFormat: "s10", Currency: "EUR",
	ValidFrom: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), DimUnit: "cm", DimDivisor: 5000, SideRounding: "up",
	WeightStepG: 500, FuelPercentBP: 1000,
	Services: []ship.Service{{Code: "parcel", Name: "Parcel", MaxWeightG: 20000}, {Code: "express", Name: "Express", MaxWeightG: 10000}},
	Zones:    []ship.Zone{{Origin: "NL", Country: "NL", Zone: "1"}, {Origin: "NL", Country: "*", Zone: "W"}},
	Rates: []ship.Rate{{Service: "parcel", Zone: "1", MaxWeightG: 2000, PriceMinor: 500}, {Service: "parcel", Zone: "1", MaxWeightG: 20000, PriceMinor: 900},
		{Service: "express", Zone: "1", MaxWeightG: 10000, PriceMinor: 1500}, {Service: "parcel", Zone: "W", MaxWeightG: 20000, PriceMinor: 3000}},
	Transit: []ship.Transit{{Service: "parcel", Zone: "1", Days: 2}, {Service: "express", Zone: "1", Days: 1}, {Service: "parcel", Zone: "W", Days: 5}},
}

// Rotterdam is where orders go unless a test says otherwise.
var Rotterdam = model.Address{Name: "Anna de Vries", Line1: "Coolsingel 40", City: "Rotterdam", PostalCode: "3011 AD", Country: "NL"}

// New builds the floor on a fresh database.
func New(t testing.TB) *Floor {
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
		`INSERT INTO products (sku, name, tax_category) VALUES ('CAP-9', 'Cap', 'standard')`,
		`INSERT INTO locations (warehouse_id, code, kind) SELECT id, 'RETURNS', 'returns' FROM warehouses WHERE code = 'RTM1'`,
		`INSERT INTO locations (warehouse_id, code, kind) SELECT id, 'QUARANTINE', 'quarantine' FROM warehouses WHERE code = 'RTM1'`,
	} {
		if _, err := owner.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	Receive(t, owner, "TEE-1", "A-01", 40)
	Receive(t, owner, "MUG-1", "A-02", 40)
	f := &Floor{Owner: owner, Clerk: dbtest.LoginAs(t, owner, "backoffice"), Day: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)}
	if _, err := shipping.New(f.Clerk).ImportRateCard(context.Background(), "", Card, "test", strings.Repeat("a", 64)); err != nil {
		t.Fatal(err)
	}
	return f
}

// Receive puts n units of sku into RTM1's bin from the supplier.
func Receive(t testing.TB, owner *db.DB, sku, bin string, n int) {
	t.Helper()
	if _, err := owner.Exec(`
		INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind)
		SELECT p.id, s.id, b.id, $3, 'receipt' FROM products p, locations s, locations b, warehouses w
		 WHERE p.sku = $1 AND s.kind = 'supplier' AND b.code = $2 AND b.warehouse_id = w.id AND w.code = 'RTM1'`, sku, bin, n); err != nil {
		t.Fatalf("receiving %d × %s: %v", n, sku, err)
	}
}

// Picked imports an order of the web shop to Rotterdam with the given units, allocates it,
// releases it and has a picker pick all of it into tote; it returns the order's id and number.
func (f *Floor) Picked(t testing.TB, tote string, units map[string]int64) (int64, string) {
	t.Helper()
	return f.PickedTo(t, tote, units, Rotterdam)
}

// PickedTo is Picked for an order to another address.
func (f *Floor) PickedTo(t testing.TB, tote string, units map[string]int64, to model.Address) (int64, string) {
	t.Helper()
	ctx := context.Background()
	st := orders.New(f.Clerk)
	ch, err := st.ChannelByCode(ctx, "web-eu")
	if err != nil {
		t.Fatal(err)
	}
	f.n++
	ext := fmt.Sprintf("S%05d", f.n)
	o := model.IncomingOrder{ExternalID: ext, DisplayID: "#" + ext, Currency: "EUR",
		OrderedAt: f.Day.Add(-time.Duration(48-f.n) * time.Hour), PromisedAt: f.Promise,
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
	var o2 struct {
		ID     int64  `db:"id"`
		Number string `db:"number"`
	}
	if err := f.Clerk.Get(&o2, `SELECT id, number FROM orders WHERE external_id = $1`, ext); err != nil {
		t.Fatal(err)
	}
	id, number := o2.ID, o2.Number
	if _, err := alloc.New(f.Clerk).AllocateMany(ctx, []int64{id}, false); err != nil {
		t.Fatal(err)
	}
	if _, err := picking.New(f.Clerk).Release(ctx, "", picking.ReleaseOptions{Warehouse: "RTM1", MaxOrders: 1}); err != nil {
		t.Fatal(err)
	}
	_, u := dbtest.NewLogin(t, f.Owner, dbtest.Staff{Jobs: []string{"picker"}})
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

// Packer is a fresh packer's login (named name) and its shipping commands.
func (f *Floor) Packer(t testing.TB, name string) (*shipping.Store, *db.DB) {
	t.Helper()
	_, u := dbtest.NewLogin(t, f.Owner, dbtest.Staff{Name: name, Jobs: []string{"packer"}})
	d := dbtest.Open(t, u)
	return shipping.New(d), d
}

// Shipped is Picked, then packed into one box L by a packer and shipped with test-post's parcel
// service; web-eu invoices on shipment, so the order has its invoice.
func (f *Floor) Shipped(t testing.TB, tote string, units map[string]int64) (int64, string) {
	t.Helper()
	ctx := context.Background()
	id, number := f.Picked(t, tote, units)
	pk, _ := f.Packer(t, "Parcel Packer "+tote)
	p, err := pk.Open(ctx, "", id, "P1")
	if err != nil {
		t.Fatal(err)
	}
	var weight int
	for _, l := range p.Lines {
		if _, err := pk.Verify(ctx, "", p.Shipment, l.SKU, l.ToVerify(), f.Day); err != nil {
			t.Fatalf("verifying %s: %v", l.SKU, err)
		}
	}
	if err := f.Owner.Get(&weight, `SELECT 600 + sum(l.qty_picked * p.weight_g) FROM order_lines l JOIN products p ON p.id = l.product_id
		WHERE l.order_id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if _, err := pk.CloseParcel(ctx, "", shipping.ParcelRequest{Shipment: p.Shipment, Box: "L", WeightG: weight}); err != nil {
		t.Fatal(err)
	}
	if _, err := pk.Ship(ctx, "", shipping.ShipRequest{Shipment: p.Shipment, Carrier: "test-post", Service: "parcel", Day: f.Day}); err != nil {
		t.Fatal(err)
	}
	return id, number
}
