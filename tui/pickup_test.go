package tui

import (
	"fmt"
	"strings"
	"testing"

	"oms/model"
	"oms/tui/tuitest"
)

// TestGoldenPickUpFrames: orders collected at a store show their own statuses everywhere the
// queue and the order page show one. The demo data has no store, so a Berlin store is added and
// a few packed and shipped orders become its click-and-collect orders: the database derives
// ready for pickup and collected for them. The shots are the queue filtered to ready for pickup
// (its counts bar on wide screens lists both new statuses), the status picker on that filter,
// and the page of the first such order.
func TestGoldenPickUpFrames(t *testing.T) {
	d := seeded(t)
	for _, stmt := range []string{
		`INSERT INTO warehouses (code, name, kind, country, time_zone, currency)
		 VALUES ('BER-M', 'Berlin Mitte store', 'store', 'DE', 'Europe/Berlin', 'EUR')`,
		`UPDATE orders SET pickup_warehouse_id = (SELECT id FROM warehouses WHERE code = 'BER-M')
		  WHERE id IN (SELECT id FROM orders WHERE status = 'packed' ORDER BY id LIMIT 4)
		     OR id IN (SELECT id FROM orders WHERE status = 'shipped' ORDER BY id DESC LIMIT 6)`,
	} {
		if _, err := d.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	var n struct {
		Ready     int `db:"ready"`
		Collected int `db:"collected"`
	}
	if err := d.Get(&n, `SELECT count(*) FILTER (WHERE status = 'ready_for_pickup') AS ready,
		count(*) FILTER (WHERE status = 'collected') AS collected FROM orders`); err != nil {
		t.Fatal(err)
	}
	if n.Ready != 4 || n.Collected != 6 {
		t.Fatalf("%d orders ready for pickup and %d collected, want 4 and 6", n.Ready, n.Collected)
	}
	// Open, All, then the statuses in model order: the filter after that many presses of ].
	toPickup := 2
	for _, st := range model.AllStatuses {
		if st == model.StatusReadyForPickup {
			break
		}
		toPickup++
	}
	filtered := func(press func(scope, action string)) {
		for range toPickup {
			press("queue", "nextStatus")
		}
	}
	for _, sz := range sizes {
		// The queue of orders waiting for their customers, then the order page of the first.
		_, drv, _ := newShell(t, d, sz.w, sz.h)
		filtered(drv.Press)
		frame := drv.Frame()
		tuitest.Exactly(t, frame, sz.w, sz.h)
		want := "* Pickup ready"
		if sz.w < 100 {
			want = "PKUP"
		}
		if !strings.Contains(frame, want) {
			t.Errorf("at %d×%d the queue filtered to ready for pickup does not say %q:\n%s", sz.w, sz.h, want, frame)
		}
		if sz.w >= 80 && (!strings.Contains(frame, "[PKUP 4]") || !strings.Contains(frame, "COLLD 6")) {
			t.Errorf("at %d×%d the counts bar does not count the pick-up orders:\n%s", sz.w, sz.h, frame)
		}
		tuitest.Golden(t, fmt.Sprintf("shell-pickup-queue-%dx%d", sz.w, sz.h), frame)

		drv.Press("list", "open")
		frame = drv.Frame()
		tuitest.Exactly(t, frame, sz.w, sz.h)
		if !strings.Contains(frame, "* Pickup ready") && !strings.Contains(frame, "* PKUP") || !strings.Contains(frame, "BER-M · click") {
			t.Errorf("at %d×%d the order page does not show ready for pickup at BER-M:\n%s", sz.w, sz.h, frame)
		}
		tuitest.Golden(t, fmt.Sprintf("shell-pickup-detail-%dx%d", sz.w, sz.h), frame)

		// The status picker opens on the filter in force.
		_, drv, _ = newShell(t, d, sz.w, sz.h)
		filtered(drv.Press)
		drv.Press("queue", "filterStatus")
		frame = drv.Frame()
		tuitest.Exactly(t, frame, sz.w, sz.h)
		tuitest.Golden(t, fmt.Sprintf("shell-pickup-picker-%dx%d", sz.w, sz.h), frame)
	}
}
