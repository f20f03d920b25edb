package shipping_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"oms/db"
	"oms/db/floortest"
	"oms/db/orders"
	"oms/db/shipping"
)

// packAll opens the order, verifies every picked unit by SKU and closes one parcel in box M.
func packAll(t *testing.T, f *floortest.Floor, pk *shipping.Store, id int64, station string) shipping.Packing {
	t.Helper()
	ctx := context.Background()
	p, err := pk.Open(ctx, "", id, station)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range p.Lines {
		for i := l.Packed; i < l.Picked; i++ {
			if _, err := pk.Verify(ctx, "", p.Shipment, l.SKU, 1, f.Day); err != nil {
				t.Fatal(err)
			}
		}
	}
	p, err = pk.CloseParcel(ctx, "", shipping.ParcelRequest{Shipment: p.Shipment, Box: "M", WeightG: 1000, Confirmed: true})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Two packers scan the same tote at the same moment: one packs it, the other is told who does,
// and when the first drops off (the lease runs out) the second takes over what was verified.
func TestTwoPackersScanTheSameTote(t *testing.T) {
	f := newFloor(t)
	ctx := context.Background()
	id, number := f.Picked(t, "T8", map[string]int64{"TEE-1": 2})
	a, _ := f.Packer(t, "Piet Packer")
	b, _ := f.Packer(t, "Piet Packer")

	type opened struct {
		p   shipping.Packing
		err error
	}
	start := make(chan struct{})
	results := make(chan opened, 2)
	for i, pk := range []*shipping.Store{a, b} {
		station := []string{"P1", "P2"}[i]
		go func() {
			<-start
			p, err := pk.Open(ctx, "", id, station)
			results <- opened{p, err}
		}()
	}
	close(start)
	r1, r2 := <-results, <-results
	if (r1.err == nil) == (r2.err == nil) {
		t.Fatalf("both or neither opened %s: %v / %v", number, r1.err, r2.err)
	}
	won, lost := r1, r2
	if r1.err != nil {
		won, lost = r2, r1
	}
	if !strings.Contains(lost.err.Error(), number+" is being packed by Piet Packer at station P") {
		t.Fatalf("the second packer was told %q", lost.err)
	}
	winner, loser := a, b
	if won.p.Station == "P2" {
		winner, loser = b, a
	}
	if _, err := winner.Verify(ctx, "", won.p.Shipment, "TEE-1", 1, f.Day); err != nil {
		t.Fatal(err)
	}
	if _, err := loser.Verify(ctx, "", won.p.Shipment, "TEE-1", 1, f.Day); err == nil || !strings.Contains(err.Error(), "is being packed by") {
		t.Fatalf("a verify on someone else's packing: %v", err)
	}

	// The winner's handheld drops off: past the lease the other packer takes it over.
	mustExec(t, f.Owner, `UPDATE shipments SET lease_expires_at = now() - interval '1 second' WHERE id = $1`, won.p.Shipment)
	p, err := loser.Open(ctx, "", id, "P3")
	if err != nil {
		t.Fatal(err)
	}
	if p.Shipment != won.p.Shipment || p.Lines[0].Packed != 1 || p.Station != "P3" {
		t.Fatalf("taken over: %+v; want the same shipment with 1 unit verified at P3", p)
	}
	if _, err := winner.Verify(ctx, "", p.Shipment, "TEE-1", 1, f.Day); err == nil {
		t.Fatal("the first packer still verified after the takeover")
	}
	checkClean(t, f.Owner)
}

// The back office holds an order while it is packed: the packer's next scan is refused and
// changes nothing; released, the packing goes on. Cancelling it is refused, because its units
// are picked.
func TestPackVersusHoldAndCancel(t *testing.T) {
	f := newFloor(t)
	ctx := context.Background()
	id, number := f.Picked(t, "T9", map[string]int64{"TEE-1": 2})
	pk, _ := f.Packer(t, "Piet Packer")
	p, err := pk.Open(ctx, "", id, "P1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pk.Verify(ctx, "", p.Shipment, "TEE-1", 1, f.Day); err != nil {
		t.Fatal(err)
	}
	// A product of the catalogue that this order does not have, by its GTIN.
	if _, err := pk.Verify(ctx, "", p.Shipment, "4006381333931", 1, f.Day); err == nil || !strings.Contains(err.Error(), "Wrong item: 4006381333931 is not in "+number) {
		t.Fatalf("the mug scanned into a tees-only order: %v", err)
	}
	bo := orders.New(f.Clerk)
	if err := bo.Hold(ctx, "hold-while-packing", id, "HOLD_FRAUD"); err != nil {
		t.Fatal(err)
	}
	if _, err := pk.Verify(ctx, "", p.Shipment, "TEE-1", 1, f.Day); err == nil || !strings.Contains(err.Error(), number+" was put on hold while you packed it") {
		t.Fatalf("a scan after the hold: %v", err)
	}
	var packed int
	mustGet(t, f.Owner, &packed, `SELECT qty_packed FROM order_lines WHERE order_id = $1`, id)
	if packed != 1 {
		t.Fatalf("%d units packed after the refused scan, want 1", packed)
	}
	if err := bo.Release(ctx, "release-after-packing-hold", id); err != nil {
		t.Fatal(err)
	}
	if err := bo.CancelOrder(ctx, "cancel-while-packing", id, "CANCEL_CUSTOMER"); err == nil {
		t.Fatal("an order with picked units was cancelled under the packer")
	}
	if _, err := pk.Verify(ctx, "", p.Shipment, "TEE-1", 1, f.Day); err != nil {
		t.Fatalf("a scan after the release: %v", err)
	}
	checkClean(t, f.Owner)
}

// A parcel shipped while the manifest closes is on no manifest, never half on one: it goes on
// the next. A parcel on a closed manifest keeps its label for good; before the close a label
// can be voided and the parcel labelled again with a new number.
func TestShipVersusManifestClose(t *testing.T) {
	f := newFloor(t)
	ctx := context.Background()
	first, _ := f.Picked(t, "T10", map[string]int64{"TEE-1": 1})
	second, _ := f.Picked(t, "T11", map[string]int64{"MUG-1": 1})
	pk, pd := f.Packer(t, "Piet Packer")
	p1 := packAll(t, f, pk, first, "P1")
	out1, err := pk.Ship(ctx, "ship-first-parcel", shipping.ShipRequest{Shipment: p1.Shipment, Carrier: "test-post", Service: "parcel", Day: f.Day})
	if err != nil {
		t.Fatal(err)
	}
	// Void the first label and label the parcel again: the old number is never used again.
	if err := pk.Void(ctx, "void-first-label", out1.Tracking[0], "label torn"); err != nil {
		t.Fatal(err)
	}
	re, err := pk.Relabel(ctx, "relabel-first-parcel", p1.Shipment, f.Day)
	if err != nil || len(re.Tracking) != 1 || re.Tracking[0] == out1.Tracking[0] {
		t.Fatalf("relabelled: %v, %v", re.Tracking, err)
	}

	p2 := packAll(t, f, pk, second, "P1")
	// The second ship runs in a transaction the test holds open while the manifest closes.
	tx, err := pd.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var service int64
	mustGet(t, f.Owner, &service, `SELECT cs.id FROM carrier_services cs JOIN carriers c ON c.id = cs.carrier_id WHERE c.code = 'test-post' AND cs.code = 'parcel'`)
	if _, err := tx.Exec(`SELECT oms_ship($1, $2, 500, 'EUR', ARRAY['CP000000115NL'], ARRAY['087123450000000999'], 'zpl', ARRAY['label'::bytea], '10 minutes')`,
		p2.Shipment, service); err != nil {
		t.Fatal(err)
	}
	closer, _ := f.Packer(t, "Piet Packer")
	done := make(chan error, 1)
	var m shipping.Manifest
	go func() {
		var err error
		m, err = closer.CloseManifest(ctx, "close-day-one", "test-post", "RTM1")
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Minute):
		t.Fatal("closing the manifest waited for the ship in flight")
	}
	if len(m.Parcels) != 1 || m.Parcels[0].Tracking != re.Tracking[0] {
		t.Fatalf("manifest %s holds %+v; want only the relabelled first parcel %s", m.Number, m.Parcels, re.Tracking[0])
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	m2, err := closer.CloseManifest(ctx, "close-day-one-again", "test-post", "RTM1")
	if err != nil || len(m2.Parcels) != 1 || m2.Parcels[0].Tracking != "CP000000115NL" {
		t.Fatalf("the next manifest: %+v, %v; want the parcel shipped meanwhile", m2.Parcels, err)
	}
	if _, err := closer.CloseManifest(ctx, "close-day-one-third", "test-post", "RTM1"); err == nil || !strings.Contains(err.Error(), "no Test Post parcels from RTM1 wait for a manifest") {
		t.Fatalf("a third close: %v", err)
	}
	// On a closed manifest: no void, and not even the owner moves it to another manifest.
	if err := pk.Void(ctx, "void-after-close", re.Tracking[0], "too late"); err == nil || !strings.Contains(err.Error(), "which is closed") {
		t.Fatalf("voiding a manifested parcel: %v", err)
	}
	_, err = f.Owner.Exec(`UPDATE packages SET manifest_id = $1 WHERE tracking_number = $2`, m2.ID, re.Tracking[0])
	if !db.IsConstraint(db.MapError(err), db.Invalid) {
		t.Fatalf("moving a parcel from a closed manifest to another: %v", err)
	}
	checkClean(t, f.Owner)
}

// Tracking events deliver parcels, and a shipment when all its parcels are; a file imported
// twice records nothing new; unknown numbers are named.
func TestTrackingDeliversTheShipment(t *testing.T) {
	f := newFloor(t)
	ctx := context.Background()
	id, _ := f.Picked(t, "T12", map[string]int64{"TEE-1": 1})
	pk, _ := f.Packer(t, "Piet Packer")
	p := packAll(t, f, pk, id, "P1")
	out, err := pk.Ship(ctx, "ship-for-tracking", shipping.ShipRequest{Shipment: p.Shipment, Carrier: "test-post", Service: "parcel", Day: f.Day})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	evs := []shipping.TrackingEvent{
		{Tracking: out.Tracking[0], At: at, Status: "in_transit", Place: "Rotterdam hub"},
		{Tracking: out.Tracking[0], At: at.Add(3 * time.Hour), Status: "out_for_delivery", Place: "Rotterdam"},
		{Tracking: out.Tracking[0], At: at.Add(5 * time.Hour), Status: "delivered", Place: "Rotterdam"},
		{Tracking: "CP999999995NL", At: at, Status: "in_transit"},
	}
	res, err := shipping.New(f.Clerk).RecordTracking(ctx, "tracking-file-1", evs)
	if err != nil || res.Recorded != 3 || len(res.Unknown) != 1 || res.Unknown[0] != "CP999999995NL" {
		t.Fatalf("recorded %+v, %v", res, err)
	}
	res, err = shipping.New(f.Clerk).RecordTracking(ctx, "tracking-file-2", evs)
	if err != nil || res.Recorded != 0 {
		t.Fatalf("the same events again recorded %+v, %v", res, err)
	}
	var status string
	var delivered time.Time
	mustGet(t, f.Owner, &status, `SELECT status FROM shipments WHERE id = $1`, p.Shipment)
	mustGet(t, f.Owner, &delivered, `SELECT delivered_at FROM shipments WHERE id = $1`, p.Shipment)
	if status != "delivered" || !delivered.Equal(at.Add(5*time.Hour)) {
		t.Fatalf("shipment %s delivered at %v", status, delivered)
	}
	var history []string
	if err := f.Owner.Select(&history, `SELECT message FROM events WHERE order_id = $1 AND kind LIKE 'tracking.%' ORDER BY id`, id); err != nil {
		t.Fatal(err)
	}
	if len(history) != 3 || history[2] != out.Tracking[0]+" delivered at Rotterdam, 01 Dec 14:00 UTC" {
		t.Fatalf("the order's history says %q", history)
	}
}
