package handover

import (
	"strings"
	"testing"

	"oms/db"
	"oms/db/dbtest"
	"oms/db/orders"
	"oms/keymaps"
	"oms/tui/tuitest"
)

// counterBusiness is the small business with a click-and-collect order CC-20 (2 × TEE-1) for
// BER-M, one unit reserved on the store's shelf; it returns the owner and the order's number.
func counterBusiness(t *testing.T) (*db.DB, string) {
	t.Helper()
	owner := dbtest.SmallBusiness(t)
	for _, stmt := range []string{
		`INSERT INTO customers (name, country, currency) VALUES ('Zoë Ångström', 'NL', 'EUR')`,
		`INSERT INTO addresses (customer_id, name, line1, city, country) VALUES (1, 'Zoë Ångström', 'Keizersgracht 1', 'Amsterdam', 'NL')`,
		`INSERT INTO orders (number, channel_id, external_id, external_name, customer_id, customer_name, ship_to_address_id,
		                     pickup_warehouse_id, currency, subtotal_minor, total_minor, ordered_at, promised_at)
		 SELECT 'SO-000020', c.id, 'CC-20', '#CC-20', 1, 'Zoë Ångström', 1, w.id, 'EUR', 3000, 3000, now(), now() + interval '1 day'
		   FROM channels c, warehouses w WHERE c.code = 'web-eu' AND w.code = 'BER-M'`,
		`INSERT INTO order_lines (order_id, line_no, external_line_id, product_id, description, unit_price_minor, qty_ordered)
		 SELECT o.id, 1, '1', p.id, 'Tee', 1500, 2 FROM orders o, products p WHERE p.sku = 'TEE-1'`,
		`WITH u AS (UPDATE order_lines SET qty_allocated = 1)
		 INSERT INTO reservations (order_line_id, location_id, product_id, qty)
		 SELECT l.id, b.id, l.product_id, 1 FROM order_lines l, locations b WHERE b.code = 'A-01'`,
	} {
		if _, err := owner.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	return owner, "SO-000020"
}

// A store's clerk scans the order, sees the customer and the lines, confirms, and the order is
// collected; at the handheld's sizes and at 80×24.
func TestScanConfirmHandOver(t *testing.T) {
	for _, size := range []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"40x16", 40, 16}, {"20x16", 20, 16}} {
		t.Run(size.name, func(t *testing.T) {
			owner, number := counterBusiness(t)
			_, url := dbtest.NewLogin(t, owner, dbtest.Staff{Name: "Mia Store", Jobs: []string{"store"}, Warehouse: "BER-M"})
			c := tuitest.NewContext()
			c.Jobs = []string{"store"}
			s := Def(orders.New(dbtest.Open(t, url))).Build(c, nil).(*Screen)
			drv := tuitest.New(t, s, *c.Keys, size.w, size.h)
			tuitest.Exactly(t, drv.Frame(), size.w, size.h)
			tuitest.Golden(t, "handover-scan-"+size.name, drv.Frame())
			drv.Type("#CC-20")
			drv.Press(keymaps.ScopeInput, "submit")
			frame := drv.Frame()
			if s.shown == nil || !strings.Contains(frame, "Zoë Ångström") || !strings.Contains(frame, "2 × TEE-1") {
				t.Fatalf("the scan does not show the order:\n%s", frame)
			}
			tuitest.Exactly(t, frame, size.w, size.h)
			tuitest.Golden(t, "handover-confirm-"+size.name, frame)
			drv.Press(keymaps.ScopeDialog, "confirm")
			frame = drv.Frame()
			tuitest.Exactly(t, frame, size.w, size.h)
			tuitest.Golden(t, "handover-done-"+size.name, frame)
			var status string
			if err := owner.Get(&status, `SELECT status FROM orders WHERE number = $1`, number); err != nil || status != "collected" {
				t.Fatalf("the order is %q (%v) after the hand-over:\n%s", status, err, frame)
			}
			if s.shown != nil || !strings.Contains(strings.Join(strings.Fields(frame), " "), number+" collected") {
				t.Fatalf("the counter does not say it is done:\n%s", frame)
			}
			// Scanning it again says there is nothing left.
			drv.Type(number)
			drv.Press(keymaps.ScopeInput, "submit")
			if !strings.Contains(strings.Join(strings.Fields(drv.Frame()), " "), "nothing left") {
				t.Errorf("a second scan:\n%s", drv.Frame())
			}
		})
	}
}
