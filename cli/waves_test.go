package cli

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"oms/db/alloc"
	"oms/db/dbtest"
	"oms/db/orders"
	"oms/db/picking"
	"oms/model"
)

// TestWavesRelease: three allocated orders in the Rotterdam DC's zone A become batches of at
// most two orders, one line per batch and the total last; a second run finds nothing left; a
// picker may not release, and a missing --warehouse is a usage mistake.
func TestWavesRelease(t *testing.T) {
	owner := dbtest.SmallBusiness(t)
	for _, s := range []string{
		`INSERT INTO locations (warehouse_id, code, kind, pick_seq) SELECT id, 'A-01', 'bin', 10 FROM warehouses WHERE code = 'RTM1'`,
		`INSERT INTO locations (warehouse_id, code, kind, pick_seq) SELECT id, 'A-02', 'bin', 20 FROM warehouses WHERE code = 'RTM1'`,
		`UPDATE warehouses SET latitude = 51.885, longitude = 4.4035 WHERE code = 'RTM1'`,
		`UPDATE warehouses SET latitude = 52.53, longitude = 13.40 WHERE code = 'BER-M'`,
		`INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind)
		 SELECT p.id, s.id, b.id, 10, 'receipt' FROM products p, locations s, locations b, warehouses w
		  WHERE s.kind = 'supplier' AND b.warehouse_id = w.id AND w.code = 'RTM1'
		    AND (p.sku, b.code) IN (('TEE-1', 'A-01'), ('MUG-1', 'A-02'))`,
	} {
		if _, err := owner.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	_, bo := dbtest.NewLogin(t, owner, dbtest.Staff{Jobs: []string{"backoffice"}})
	clerk := dbtest.Open(t, bo)
	ctx := context.Background()
	st := orders.New(clerk)
	ch, err := st.ChannelByCode(ctx, "web-eu")
	if err != nil {
		t.Fatal(err)
	}
	var in []orders.Incoming
	for i := 1; i <= 3; i++ {
		ext := fmt.Sprintf("W%d", i)
		in = append(in, orders.Incoming{Line: i, Ref: ext, Order: model.IncomingOrder{ExternalID: ext, DisplayID: "#" + ext,
			Currency: "EUR", OrderedAt: time.Date(2026, 11, 30, 8+i, 0, 0, 0, time.UTC),
			Customer: model.IncomingCustomer{Name: "Anna"},
			ShipTo:   model.Address{Name: "Anna", Line1: "Damrak 1", City: "Amsterdam", Country: "NL"},
			Lines: []model.IncomingLine{{ExternalLineID: "1", SKU: "TEE-1", Qty: 1, AmountMinor: 100},
				{ExternalLineID: "2", SKU: "MUG-1", Qty: 2, AmountMinor: 200}},
			SubtotalMinor: 300, TotalMinor: 300}})
	}
	run, err := st.StartImport(ctx, ch, "json", "test", strings.Repeat("0", 64))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportBatch(ctx, run, in); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	if err := owner.Select(&ids, `SELECT id FROM orders ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	if _, err := alloc.New(clerk).AllocateMany(ctx, ids, false); err != nil {
		t.Fatal(err)
	}

	// A supervisor puts RTM1 on a timer: with no batch made yet it is due at once.
	_, super := dbtest.NewLogin(t, owner, dbtest.Staff{Jobs: []string{"supervisor"}})
	if out := omsOK(t, "waves", "auto", "--db", super, "--warehouse", "rtm1", "--every", "15m"); out != "RTM1 releases its allocated orders every 15m0s\n" {
		t.Fatalf("oms waves auto printed %q", out)
	}
	due := func() []string {
		t.Helper()
		d, err := picking.New(owner).DueForRelease(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	if d := due(); len(d) != 1 || d[0] != "RTM1" {
		t.Fatalf("due for release before any batch: %v", d)
	}

	out := omsOK(t, "waves", "release", "--db", bo, "--warehouse", "RTM1", "--max-orders", "2")
	if out != "B-000001 RTM1 zone A: 2 orders, 4 lines\nB-000002 RTM1 zone A: 1 order, 2 lines\nreleased 2 batches, 6 lines\n" {
		t.Fatalf("oms waves release printed %q", out)
	}
	if out := omsOK(t, "waves", "release", "--db", bo, "--warehouse", "RTM1"); out != "released 0 batches, 0 lines\n" {
		t.Fatalf("a second release printed %q", out)
	}
	if d := due(); len(d) != 0 {
		t.Fatalf("due for release right after a batch: %v", d)
	}
	omsOK(t, "waves", "auto", "--db", super, "--warehouse", "RTM1", "--every", "off")
	if d, err := picking.New(owner).DueForRelease(ctx, map[string]time.Time{}); err != nil || len(d) != 0 {
		t.Fatalf("due for release with the timer off: %v %v", d, err)
	}
	if code, _, stderr := oms(t, "waves", "auto", "--db", super, "--warehouse", "RTM1", "--every", "10s"); code != 2 || !strings.Contains(stderr, "from 1m to 24h") {
		t.Errorf("--every 10s: exit %d, %q", code, stderr)
	}
	_, picker := dbtest.NewLogin(t, owner, dbtest.Staff{Jobs: []string{"picker"}})
	if code, _, stderr := oms(t, "waves", "auto", "--db", picker, "--warehouse", "RTM1", "--every", "5m"); code != 1 || stderr == "" {
		t.Errorf("a picker setting the timer: exit %d, %q", code, stderr)
	}
	if code, _, stderr := oms(t, "waves", "release", "--db", picker, "--warehouse", "RTM1"); code != 1 || stderr == "" {
		t.Errorf("a picker releasing: exit %d, %q", code, stderr)
	}
	if code, _, stderr := oms(t, "waves", "release", "--db", bo); code != 2 || !strings.Contains(stderr, "--warehouse CODE") {
		t.Errorf("no warehouse: exit %d, %q", code, stderr)
	}
}
