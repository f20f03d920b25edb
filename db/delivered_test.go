package db_test

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

// dock is dbtest.SmallBusiness with what packing and shipping need: TEE-1 and MUG-1 measured,
// weighed and with customs data, stock in RTM1's bins, a box, the company's GS1
// prefix and a one-zone rate card of "test-post"; the back office's clerk records tracking.
type dock struct {
	owner, clerk *db.DB
	packer       *shipping.Store
	n            int
	day          time.Time
}

func newDock(t *testing.T) *dock {
	t.Helper()
	owner := dbtest.SmallBusiness(t)
	mustExec(t, owner,
		`UPDATE products SET weight_g = 200, length_mm = 300, width_mm = 250, height_mm = 20, hs_code = '610910', country_of_origin = 'PT' WHERE sku = 'TEE-1'`,
		`UPDATE products SET weight_g = 350, length_mm = 120, width_mm = 100, height_mm = 100, hs_code = '691200', country_of_origin = 'CN' WHERE sku = 'MUG-1'`,
		`INSERT INTO locations (warehouse_id, code, kind, pick_seq) SELECT id, 'A-01', 'bin', 10 FROM warehouses WHERE code = 'RTM1'`,
		`INSERT INTO locations (warehouse_id, code, kind, pick_seq) SELECT id, 'A-02', 'bin', 20 FROM warehouses WHERE code = 'RTM1'`,
		`INSERT INTO boxes (warehouse_id, code, name, length_mm, width_mm, height_mm, max_weight_g, tare_weight_g)
		 SELECT id, 'M', 'Medium', 350, 280, 150, 10000, 250 FROM warehouses WHERE code = 'RTM1'`,
		`UPDATE company SET gs1_prefix = '8712345', line1 = 'Waalhaven 1', postal_code = '3089 JH', city = 'Rotterdam', phone = '+31 10 123 4567'`,
		`UPDATE warehouses SET latitude = 51.885, longitude = 4.4035, city = 'Rotterdam' WHERE code = 'RTM1'`)
	for _, s := range []struct{ sku, bin string }{{"TEE-1", "A-01"}, {"MUG-1", "A-02"}} {
		mustExecArgs(t, owner, `
			INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind)
			SELECT p.id, s.id, b.id, 40, 'receipt' FROM products p, locations s, locations b, warehouses w
			 WHERE p.sku = $1 AND s.kind = 'supplier' AND b.code = $2 AND b.warehouse_id = w.id AND w.code = 'RTM1'`, s.sku, s.bin)
	}
	d := &dock{owner: owner, clerk: dbtest.LoginAs(t, owner, "backoffice"), day: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)}
	card := ship.RateCard{Carrier: "test-post", Name: "Test Post", TrackingFormat: "s10", Currency: "EUR",
		ValidFrom: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), DimUnit: "cm", DimDivisor: 5000, SideRounding: "up",
		WeightStepG: 500, Services: []ship.Service{{Code: "parcel", Name: "Parcel", MaxWeightG: 20000}},
		Zones:   []ship.Zone{{Origin: "NL", Country: "NL", Zone: "1"}},
		Rates:   []ship.Rate{{Service: "parcel", Zone: "1", MaxWeightG: 20000, PriceMinor: 900}},
		Transit: []ship.Transit{{Service: "parcel", Zone: "1", Days: 2}}}
	if _, err := shipping.New(d.clerk).ImportRateCard(context.Background(), "", card, "test", strings.Repeat("a", 64)); err != nil {
		t.Fatal(err)
	}
	_, u := dbtest.NewLogin(t, owner, dbtest.Staff{Name: "Piet Packer", Jobs: []string{"packer"}})
	d.packer = shipping.New(dbtest.Open(t, u))
	return d
}

// picked imports an order of the web shop to Rotterdam with the given units, allocates,
// releases and picks all of it; it returns the order's id.
func (d *dock) picked(t *testing.T, units map[string]int64) int64 {
	t.Helper()
	ctx := context.Background()
	st := orders.New(d.clerk)
	ch, err := st.ChannelByCode(ctx, "web-eu")
	if err != nil {
		t.Fatal(err)
	}
	d.n++
	ext := fmt.Sprintf("D%05d", d.n)
	o := model.IncomingOrder{ExternalID: ext, DisplayID: "#" + ext, Currency: "EUR",
		OrderedAt: d.day.Add(-time.Duration(48-d.n) * time.Hour),
		Customer:  model.IncomingCustomer{Name: "Anna de Vries"},
		ShipTo: model.Address{Name: "Anna de Vries", Line1: "Coolsingel 40", City: "Rotterdam",
			PostalCode: "3011 AD", Country: "NL"}}
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
	mustGet(t, d.clerk, &id, `SELECT id FROM orders WHERE external_id = $1`, ext)
	if _, err := alloc.New(d.clerk).AllocateMany(ctx, []int64{id}, false); err != nil {
		t.Fatal(err)
	}
	if _, err := picking.New(d.clerk).Release(ctx, "", picking.ReleaseOptions{Warehouse: "RTM1", MaxOrders: 1}); err != nil {
		t.Fatal(err)
	}
	_, u := dbtest.NewLogin(t, d.owner, dbtest.Staff{Jobs: []string{"picker"}})
	pk := picking.New(dbtest.Open(t, u))
	b, err := pk.Claim(ctx, "", "RTM1", fmt.Sprintf("T%d", d.n))
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
	return id
}

// ship packs the given units of order id into one parcel and ships it: one shipment. It returns
// the parcel's tracking number.
func (d *dock) ship(t *testing.T, id int64, units map[string]int) string {
	t.Helper()
	ctx := context.Background()
	p, err := d.packer.Open(ctx, "", id, "P1")
	if err != nil {
		t.Fatal(err)
	}
	for sku, n := range units {
		for range n {
			if _, err := d.packer.Verify(ctx, "", p.Shipment, sku, 1, d.day); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := d.packer.CloseParcel(ctx, "", shipping.ParcelRequest{Shipment: p.Shipment, Box: "M", WeightG: 1000, Confirmed: true}); err != nil {
		t.Fatal(err)
	}
	out, err := d.packer.Ship(ctx, "", shipping.ShipRequest{Shipment: p.Shipment, Carrier: "test-post", Service: "parcel", Day: d.day})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Tracking) != 1 {
		t.Fatalf("shipped %d parcels, want 1", len(out.Tracking))
	}
	return out.Tracking[0]
}

// deliver records the parcel's delivered event as a carrier's tracking file says it.
func (d *dock) deliver(t *testing.T, tracking string, at time.Time) {
	t.Helper()
	res, err := shipping.New(d.clerk).RecordTracking(context.Background(), "", []shipping.TrackingEvent{
		{Tracking: tracking, At: at.Add(-4 * time.Hour), Status: "in_transit", Place: "Rotterdam hub"},
		{Tracking: tracking, At: at, Status: "delivered", Place: "Rotterdam"}})
	if err != nil || res.Recorded != 2 {
		t.Fatalf("recording %s delivered: %+v, %v", tracking, res, err)
	}
}

func (d *dock) status(t *testing.T, id int64) model.OrderStatus {
	t.Helper()
	var s model.OrderStatus
	mustGet(t, d.owner, &s, `SELECT status FROM orders WHERE id = $1`, id)
	return s
}

// An order is delivered when all its parcels are (issue 14): shipped in two shipments, it stays
// shipped while one of them is on its way and reads delivered once the other arrives too; the
// queue counts it, it is no longer open, and oms check agrees. An order with a unit returned
// stays partially returned when its parcel arrives.
func TestAnOrderIsDeliveredWhenAllItsParcelsAre(t *testing.T) {
	d := newDock(t)
	ctx := context.Background()
	at := time.Date(2026, 12, 1, 14, 0, 0, 0, time.UTC)

	id := d.picked(t, map[string]int64{"TEE-1": 2, "MUG-1": 1})
	first := d.ship(t, id, map[string]int{"TEE-1": 2})
	if s := d.status(t, id); s != model.StatusPartiallyShipped {
		t.Fatalf("after the first shipment the order is %s, want partially shipped", s)
	}
	// The first parcel arrives while the rest still waits: still partially shipped.
	d.deliver(t, first, at)
	if s := d.status(t, id); s != model.StatusPartiallyShipped {
		t.Fatalf("the first parcel delivered before the rest shipped: the order is %s, want partially shipped", s)
	}
	second := d.ship(t, id, map[string]int{"MUG-1": 1})
	if s := d.status(t, id); s != model.StatusShipped {
		t.Fatalf("everything shipped, one parcel delivered: the order is %s, want shipped", s)
	}
	d.deliver(t, second, at.Add(2*time.Hour))
	if s := d.status(t, id); s != model.StatusDelivered {
		t.Fatalf("both parcels delivered: the order is %s, want delivered", s)
	}
	var open bool
	mustGet(t, d.owner, &open, `SELECT oms_order_is_open(status) FROM orders WHERE id = $1`, id)
	if open || model.StatusDelivered.Open() {
		t.Error("a delivered order is open")
	}
	// Writing the order again (any client's update) derives delivered again.
	mustExecArgs(t, d.owner, `UPDATE orders SET status = 'pending', notes = 'left at the door' WHERE id = $1`, id)
	if s := d.status(t, id); s != model.StatusDelivered {
		t.Fatalf("after an update of the order it is %s, want delivered", s)
	}

	// An order shipped in one parcel with a unit brought back: returns win over delivery.
	ret := d.picked(t, map[string]int64{"TEE-1": 2})
	parcel := d.ship(t, ret, map[string]int{"TEE-1": 2})
	mustExecArgs(t, d.owner, `
		INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind, order_line_id)
		SELECT p.id, f.id, b.id, 1, 'return', l.id
		  FROM order_lines l JOIN products p ON p.id = l.product_id, locations f, locations b JOIN warehouses w ON w.id = b.warehouse_id
		 WHERE l.order_id = $1 AND f.kind = 'customer' AND f.warehouse_id IS NULL AND b.code = 'A-01' AND w.code = 'RTM1'`, ret)
	if s := d.status(t, ret); s != model.StatusPartiallyReturned {
		t.Fatalf("one of two units returned: the order is %s, want partially returned", s)
	}
	d.deliver(t, parcel, at)
	var shipment string
	mustGet(t, d.owner, &shipment, `SELECT status FROM shipments WHERE order_id = $1`, ret)
	if s := d.status(t, ret); s != model.StatusPartiallyReturned || shipment != "delivered" {
		t.Fatalf("its parcel delivered: the order is %s and its shipment %s, want partially returned and delivered", s, shipment)
	}

	counts, err := orders.New(d.owner).QueueCounts(ctx, orders.QueueFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if counts.Of(model.StatusDelivered) != 1 || counts.Of(model.StatusShipped) != 0 || counts.Of(model.StatusPartiallyReturned) != 1 {
		t.Errorf("the queue counts %d delivered, %d shipped and %d partially returned; want 1, 0, 1",
			counts.Of(model.StatusDelivered), counts.Of(model.StatusShipped), counts.Of(model.StatusPartiallyReturned))
	}
	rep := check(t, d.owner)
	if !rep.OK() {
		t.Errorf("oms check: %+v", rep.Violations)
	}
}
