package shipping_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"oms/db"
	"oms/db/alloc"
	"oms/db/dbtest"
	"oms/db/floortest"
	"oms/db/orders"
	"oms/db/picking"
	"oms/db/shipping"
	"oms/model"
)

// The floor from release to the truck at once: pickers pick batches into totes (shorting now
// and then), packers take the finished totes — each tote handed to two packers, so they meet on
// the same orders — verify, box (one or two parcels), rate-shop and ship, and a supervisor closes
// a manifest whenever parcels have shipped since the last. Afterwards every picked unit has
// shipped (the rest waits for stock), every parcel is on exactly one manifest, and oms check is
// clean.
func TestPickPackShipStress(t *testing.T) {
	const nOrders, pickers, packers = 600, 8, 6
	f := newFloor(t)
	ctx := context.Background()
	floortest.Receive(t, f.Owner, "TEE-1", "A-01", 1000)
	floortest.Receive(t, f.Owner, "MUG-1", "A-02", 300)
	ids := importMany(t, f, nOrders)
	for i := 0; i < len(ids); i += 100 {
		if _, err := alloc.New(f.Clerk).AllocateMany(ctx, ids[i:min(i+100, len(ids))], false); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := picking.New(f.Clerk).Release(ctx, "", picking.ReleaseOptions{Warehouse: "RTM1", MaxOrders: 3}); err != nil {
		t.Fatal(err)
	}

	totes := make(chan string, 2*nOrders)
	shippedNow := make(chan struct{}, 1) // a ship since the last manifest
	var picks, shorts, shipped, refused, manifests atomic.Int64
	var pickWG, packWG sync.WaitGroup
	errs := make(chan error, pickers+packers+1)
	for i := range pickers {
		_, u := dbtest.NewLogin(t, f.Owner, dbtest.Staff{Jobs: []string{"picker"}})
		pk := picking.New(dbtest.Open(t, u))
		pickWG.Add(1)
		go func() {
			defer pickWG.Done()
			errs <- pickAll(ctx, pk, i, totes, &picks, &shorts)
		}()
	}
	for range packers {
		st, _ := f.Packer(t, "Piet Packer")
		packWG.Add(1)
		go func() {
			defer packWG.Done()
			errs <- packTotes(ctx, f, st, totes, shippedNow, &shipped, &refused)
		}()
	}
	closer, _ := f.Packer(t, "Piet Packer")
	var closeWG sync.WaitGroup
	closeWG.Add(1)
	go func() {
		defer closeWG.Done()
		for range shippedNow {
			if _, err := closer.CloseManifest(ctx, "", "test-post", "RTM1"); err == nil {
				manifests.Add(1)
			} else if !strings.Contains(err.Error(), "wait for a manifest") {
				errs <- fmt.Errorf("closing a manifest: %w", err)
				return
			}
		}
		errs <- nil
	}()
	pickWG.Wait()
	close(totes)
	packWG.Wait()
	close(shippedNow)
	closeWG.Wait()
	for range pickers + packers + 1 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if _, err := closer.CloseManifest(ctx, "", "test-post", "RTM1"); err != nil && !strings.Contains(err.Error(), "wait for a manifest") {
		t.Fatal(err)
	}
	t.Logf("%d picks, %d shorts, %d shipments, %d refusals met by packers, %d manifests closed meanwhile",
		picks.Load(), shorts.Load(), shipped.Load(), refused.Load(), manifests.Load())

	var open, unmanifested, twice, notShipped int
	mustGet(t, f.Owner, &open, `SELECT count(*) FROM shipments WHERE status = 'open'`)
	mustGet(t, f.Owner, &unmanifested, `SELECT count(*) FROM packages WHERE manifest_id IS NULL`)
	mustGet(t, f.Owner, &notShipped, `SELECT count(*) FROM order_lines WHERE qty_picked > qty_shipped`)
	mustGet(t, f.Owner, &twice, `SELECT count(*) FROM (SELECT tracking_number FROM packages GROUP BY 1 HAVING count(*) > 1) x`)
	if open != 0 || unmanifested != 0 || notShipped != 0 || twice != 0 || shipped.Load() == 0 {
		t.Errorf("after the day: %d packings open, %d parcels on no manifest, %d lines with picked units left behind, "+
			"%d tracking numbers on two parcels, %d shipped", open, unmanifested, notShipped, twice, shipped.Load())
	}
	checkClean(t, f.Owner)
}

// pickAll claims batches until none is left, picks every task (shorting one in 25) and hands
// each finished tote to the packers twice.
func pickAll(ctx context.Context, pk *picking.Store, picker int, totes chan<- string, picks, shorts *atomic.Int64) error {
	for n := 0; ; n++ {
		tote := fmt.Sprintf("T%d-%d", picker, n)
		b, err := pk.Claim(ctx, "", "RTM1", tote)
		if errors.Is(err, picking.ErrNoWork) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("claiming: %w", err)
		}
		for _, task := range b.Tasks {
			if !task.Open() {
				continue
			}
			if picks.Add(1)%25 == 0 {
				if _, err := pk.Short(ctx, "", task.ID, "SHORT_EMPTY"); err != nil {
					return fmt.Errorf("shorting: %w", err)
				}
				shorts.Add(1)
				continue
			}
			if _, err := pk.Confirm(ctx, "", picking.Pick{Task: task.ID, Bin: task.Bin, Item: task.SKU, Qty: task.Remaining()}); err != nil {
				return fmt.Errorf("confirming: %w", err)
			}
		}
		if _, err := pk.Claim(ctx, "", "RTM1", ""); err != nil && !errors.Is(err, picking.ErrNoWork) {
			return err // this claim closes the finished batch (and may take the next)
		}
		totes <- b.Tote
		totes <- b.Tote
	}
}

// packTotes packs and ships every order of each tote it gets; an order another packer holds or
// has shipped is left to them.
func packTotes(ctx context.Context, f *floortest.Floor, st *shipping.Store, totes <-chan string, shippedNow chan<- struct{},
	shipped, refused *atomic.Int64) error {
	for tote := range totes {
		found, err := st.Find(ctx, tote)
		if err != nil {
			refused.Add(1) // shipped already by the other packer of this tote
			continue
		}
		for _, o := range found {
			if err := packOne(ctx, f, st, o.ID); err != nil {
				var c *db.ConstraintError
				if errors.As(err, &c) {
					refused.Add(1)
					continue
				}
				return fmt.Errorf("packing %s: %w", o.Number, err)
			}
			shipped.Add(1)
			select {
			case shippedNow <- struct{}{}:
			default: // a close is due already
			}
		}
	}
	return nil
}

func packOne(ctx context.Context, f *floortest.Floor, st *shipping.Store, order int64) error {
	p, err := st.Open(ctx, "", order, "P1")
	if err != nil {
		return err
	}
	for _, l := range p.Lines {
		for i := l.Packed; i < l.Picked; i++ {
			if _, err := st.Verify(ctx, "", p.Shipment, l.SKU, 1, f.Day); err != nil {
				return err
			}
			if i == 0 && p.Shipment%2 == 0 { // every other order goes in two parcels
				if _, err := st.CloseParcel(ctx, "", shipping.ParcelRequest{Shipment: p.Shipment, Box: "M", WeightG: 900, Confirmed: true}); err != nil {
					return err
				}
			}
		}
	}
	if p, err = st.Packing(ctx, p.Shipment); err != nil {
		return err
	}
	if p.Unboxed() > 0 {
		if _, err := st.CloseParcel(ctx, "", shipping.ParcelRequest{Shipment: p.Shipment, Box: "L", WeightG: 1400, Confirmed: true}); err != nil {
			return err
		}
	}
	_, err = st.Ship(ctx, "", shipping.ShipRequest{Shipment: p.Shipment, Carrier: "test-post", Service: "parcel", Day: f.Day})
	return err
}

// importMany imports n orders of one or two lines in one batch and returns their ids.
func importMany(t *testing.T, f *floortest.Floor, n int) []int64 {
	t.Helper()
	ctx := context.Background()
	st := orders.New(f.Clerk)
	ch, err := st.ChannelByCode(ctx, "web-eu")
	if err != nil {
		t.Fatal(err)
	}
	run, err := st.StartImport(ctx, ch, "json", "stress", strings.Repeat("1", 64))
	if err != nil {
		t.Fatal(err)
	}
	var in []orders.Incoming
	for i := range n {
		ext := fmt.Sprintf("X%05d", i)
		o := model.IncomingOrder{ExternalID: ext, DisplayID: "#" + ext, Currency: "EUR", OrderedAt: f.Day,
			Customer: model.IncomingCustomer{Name: "Bram"},
			ShipTo:   model.Address{Name: "Bram", Line1: "Kade 1", City: "Delft", PostalCode: "2611 AA", Country: "NL"},
			Lines:    []model.IncomingLine{{ExternalLineID: "1", SKU: "TEE-1", Qty: int64(1 + i%2), AmountMinor: 1000}}}
		if i%3 == 0 {
			o.Lines = append(o.Lines, model.IncomingLine{ExternalLineID: "2", SKU: "MUG-1", Qty: 1, AmountMinor: 1000})
		}
		for _, l := range o.Lines {
			o.SubtotalMinor += l.AmountMinor
		}
		o.TotalMinor = o.SubtotalMinor
		in = append(in, orders.Incoming{Order: o, Line: i + 1, Ref: ext})
	}
	if _, err := st.ImportBatch(ctx, run, in); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	if err := f.Clerk.Select(&ids, `SELECT id FROM orders WHERE external_id LIKE 'X%' ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	return ids
}
