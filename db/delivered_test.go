package db_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"oms/db/floortest"
	"oms/db/orders"
	"oms/db/shipping"
	"oms/model"
)

// dock is floortest's floor with a packer; the back office's clerk records tracking.
type dock struct {
	*floortest.Floor
	packer *shipping.Store
	totes  int
}

func newDock(t *testing.T) *dock {
	t.Helper()
	f := floortest.New(t)
	packer, _ := f.Packer(t, "Piet Packer")
	return &dock{Floor: f, packer: packer}
}

// picked is an order to Rotterdam with the given units, picked into a tote of its own.
func (d *dock) picked(t *testing.T, units map[string]int64) int64 {
	t.Helper()
	d.totes++
	id, _ := d.Picked(t, fmt.Sprintf("T%d", d.totes), units)
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
			if _, err := d.packer.Verify(ctx, "", p.Shipment, sku, 1, d.Day); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := d.packer.CloseParcel(ctx, "", shipping.ParcelRequest{Shipment: p.Shipment, Box: "M", WeightG: 1000, Confirmed: true}); err != nil {
		t.Fatal(err)
	}
	out, err := d.packer.Ship(ctx, "", shipping.ShipRequest{Shipment: p.Shipment, Carrier: "test-post", Service: "parcel", Day: d.Day})
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
	res, err := shipping.New(d.Clerk).RecordTracking(context.Background(), "", []shipping.TrackingEvent{
		{Tracking: tracking, At: at.Add(-4 * time.Hour), Status: "in_transit", Place: "Rotterdam hub"},
		{Tracking: tracking, At: at, Status: "delivered", Place: "Rotterdam"}})
	if err != nil || res.Recorded != 2 {
		t.Fatalf("recording %s delivered: %+v, %v", tracking, res, err)
	}
}

func (d *dock) status(t *testing.T, id int64) model.OrderStatus {
	t.Helper()
	var s model.OrderStatus
	mustGet(t, d.Owner, &s, `SELECT status FROM orders WHERE id = $1`, id)
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
	mustGet(t, d.Owner, &open, `SELECT oms_order_is_open(status) FROM orders WHERE id = $1`, id)
	if open || model.StatusDelivered.Open() {
		t.Error("a delivered order is open")
	}
	// Writing the order again (any client's update) derives delivered again.
	mustExecArgs(t, d.Owner, `UPDATE orders SET status = 'pending', notes = 'left at the door' WHERE id = $1`, id)
	if s := d.status(t, id); s != model.StatusDelivered {
		t.Fatalf("after an update of the order it is %s, want delivered", s)
	}

	// An order shipped in one parcel with a unit brought back: returns win over delivery.
	ret := d.picked(t, map[string]int64{"TEE-1": 2})
	parcel := d.ship(t, ret, map[string]int{"TEE-1": 2})
	mustExecArgs(t, d.Owner, `
		INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind, order_line_id)
		SELECT p.id, f.id, b.id, 1, 'return', l.id
		  FROM order_lines l JOIN products p ON p.id = l.product_id, locations f, locations b JOIN warehouses w ON w.id = b.warehouse_id
		 WHERE l.order_id = $1 AND f.kind = 'customer' AND f.warehouse_id IS NULL AND b.code = 'A-01' AND w.code = 'RTM1'`, ret)
	if s := d.status(t, ret); s != model.StatusPartiallyReturned {
		t.Fatalf("one of two units returned: the order is %s, want partially returned", s)
	}
	d.deliver(t, parcel, at)
	var shipment string
	mustGet(t, d.Owner, &shipment, `SELECT status FROM shipments WHERE order_id = $1`, ret)
	if s := d.status(t, ret); s != model.StatusPartiallyReturned || shipment != "delivered" {
		t.Fatalf("its parcel delivered: the order is %s and its shipment %s, want partially returned and delivered", s, shipment)
	}

	counts, err := orders.New(d.Owner).QueueCounts(ctx, orders.QueueFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if counts.Of(model.StatusDelivered) != 1 || counts.Of(model.StatusShipped) != 0 || counts.Of(model.StatusPartiallyReturned) != 1 {
		t.Errorf("the queue counts %d delivered, %d shipped and %d partially returned; want 1, 0, 1",
			counts.Of(model.StatusDelivered), counts.Of(model.StatusShipped), counts.Of(model.StatusPartiallyReturned))
	}
	rep := check(t, d.Owner)
	if !rep.OK() {
		t.Errorf("oms check: %+v", rep.Violations)
	}
}
