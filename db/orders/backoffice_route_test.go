package orders_test

import (
	"strings"
	"testing"

	"oms/db/alloc"
	"oms/db/dbtest"
	"oms/db/orders"
	"oms/model"
)

// leeds adds a DC in Leeds with TEE-1 in two bins (L-01 first on the pick path: 1, L-02: 5) and
// no MUG-1, and routes the backoffice order to the Berlin store, where its TEE-1 is reserved.
func (b *backoffice) leeds(t *testing.T) int64 {
	t.Helper()
	mustExec(t, b.owner,
		`INSERT INTO warehouses (code, name, kind, country, time_zone, currency) VALUES ('LDS1', 'Leeds DC', 'dc', 'GB', 'Europe/London', 'GBP')`,
		`INSERT INTO locations (warehouse_id, code, kind, pick_seq) SELECT id, 'L-02', 'bin', 20 FROM warehouses WHERE code = 'LDS1'`,
		`INSERT INTO locations (warehouse_id, code, kind, pick_seq) SELECT id, 'L-01', 'bin', 10 FROM warehouses WHERE code = 'LDS1'`,
		`INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind)
		 SELECT p.id, s.id, b.id, CASE b.code WHEN 'L-01' THEN 1 ELSE 5 END, 'receipt'
		   FROM products p, locations s, locations b WHERE p.sku = 'TEE-1' AND s.kind = 'supplier' AND b.code IN ('L-01', 'L-02')`,
		`UPDATE orders SET warehouse_id = (SELECT id FROM warehouses WHERE code = 'BER-M') WHERE id = `+itoa(b.order))
	var id int64
	mustGet(t, b.owner, &id, `SELECT id FROM warehouses WHERE code = 'LDS1'`)
	return id
}

func (b *backoffice) strings(t *testing.T, query string, args ...any) string {
	t.Helper()
	var out []string
	if err := b.owner.Select(&out, query, args...); err != nil {
		t.Fatal(err)
	}
	return strings.Join(out, " ")
}

// Re-route by hand, as a supervisor: the picker shows each warehouse's stock of the order's
// lines; the same key twice re-routes once; the Berlin reservation is given back and Leeds
// reserves TEE-1 by pick sequence, MUG-1 waits, and the history says so; the warehouse it is
// routed to already is refused.
func TestRerouteReservesInTheChosenWarehouseOnce(t *testing.T) {
	b := newBackoffice(t)
	leeds := b.leeds(t)
	super := alloc.New(dbtest.LoginAs(t, b.owner, "supervisor"))

	choices, err := super.RerouteChoices(b.ctx, b.order)
	if err != nil {
		t.Fatal(err)
	}
	var labels []string
	var berlin int64
	for _, c := range choices {
		labels = append(labels, c.Label())
		if c.Code == "BER-M" {
			berlin = c.ID
		}
	}
	want := "BER-M (now) · 1 of 2 lines in stock; short 1 × MUG-1|LDS1 · 1 of 2 lines in stock; short 1 × MUG-1|" +
		"RTM1 · 0 of 2 lines in stock; short 3 × TEE-1, 1 × MUG-1"
	if got := strings.Join(labels, "|"); got != want {
		t.Fatalf("choices\n %s\nwant\n %s", got, want)
	}
	refusal(t, errOf(super.Reroute(b.ctx, "route-key-001", b.order, berlin)), "routed to BER-M already")

	for i := range 2 {
		res, err := super.Reroute(b.ctx, "route-key-002", b.order, leeds)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 && (res.Outcome != alloc.Backordered || res.Reserved != 3 || res.Waiting != 1) {
			t.Fatalf("result %+v", res)
		}
	}
	if got := b.strings(t, `SELECT l.code || ':' || r.qty FROM reservations r JOIN locations l ON l.id = r.location_id
		ORDER BY l.pick_seq`); got != "L-01:1 L-02:2" {
		t.Errorf("reservations %s, want L-01:1 L-02:2 (pick sequence)", got)
	}
	var reserved int
	mustGet(t, b.owner, &reserved, b.teeReserved)
	if reserved != 0 {
		t.Errorf("Berlin still reserves %d", reserved)
	}
	if got := b.strings(t, `SELECT w.code FROM orders o JOIN warehouses w ON w.id = o.warehouse_id WHERE o.id = $1`, b.order); got != "LDS1" {
		t.Errorf("routed to %q", got)
	}
	if s := b.status(t); s != model.StatusBackordered {
		t.Errorf("status %s", s)
	}
	wantH := []string{"order.rerouted re-routed BER-M → LDS1 by hand: 1 of 2 lines in stock; backordered 1 × MUG-1"}
	if got := b.history(t); strings.Join(got, "|") != strings.Join(wantH, "|") {
		t.Fatalf("history %q, want %q", got, wantH)
	}
	refusal(t, errOf(super.Reroute(b.ctx, "route-key-003", b.order, leeds)), "routed to LDS1 already")
	b.check(t)
}

func errOf[T any](_ T, err error) error { return err }

// Re-routing is refused once anything is picked, for a held order, and for an inactive
// warehouse; a picker may not re-route at all. Nothing changes.
func TestRerouteRefusals(t *testing.T) {
	b := newBackoffice(t)
	leeds := b.leeds(t)
	clerk := alloc.New(dbtest.LoginAs(t, b.owner, "backoffice"))
	if err := b.clerk.Hold(b.ctx, "hold-key-0001", b.order, "HOLD_FRAUD"); err != nil {
		t.Fatal(err)
	}
	refusal(t, errOf(clerk.Reroute(b.ctx, "route-key-001", b.order, leeds)), "is held: release it before re-routing")
	if err := b.clerk.Release(b.ctx, "release-key-1", b.order); err != nil {
		t.Fatal(err)
	}
	mustExec(t, b.owner, `UPDATE warehouses SET active = false WHERE code = 'LDS1'`)
	refusal(t, errOf(clerk.Reroute(b.ctx, "route-key-002", b.order, leeds)), "warehouse LDS1 is not active")
	mustExec(t, b.owner, `UPDATE warehouses SET active = true WHERE code = 'LDS1'`)
	picker := alloc.New(dbtest.LoginAs(t, b.owner, "picker"))
	if _, err := picker.Reroute(b.ctx, "route-key-003", b.order, leeds); err == nil {
		t.Fatal("a picker re-routed an order")
	}
	b.pickOne(t)
	refusal(t, errOf(clerk.Reroute(b.ctx, "route-key-004", b.order, leeds)),
		"cannot be re-routed once picking has started: line 1 (TEE-1) has 1 picked")
	var reserved int
	mustGet(t, b.owner, &reserved, b.teeReserved)
	if reserved != 2 {
		t.Errorf("Berlin reserves %d after the refusals, want 2 (3 less the one picked)", reserved)
	}
	b.check(t)
}

// Splitting the backorder off, as a supervisor: the same key twice makes one new order with the
// waiting MUG-1, its amount and none of the shipping; the original keeps TEE-1, is allocated,
// and both still add up; both histories say it. Splitting again, or splitting the new order
// (nothing of it allocated), is refused.
func TestSplitTheBackorderOffOnce(t *testing.T) {
	b := newBackoffice(t)
	super := orders.New(dbtest.LoginAs(t, b.owner, "supervisor"))
	var number, again string
	var err error
	if number, err = super.SplitBackorder(b.ctx, "split-key-001", b.order); err != nil {
		t.Fatal(err)
	}
	if again, err = super.SplitBackorder(b.ctx, "split-key-001", b.order); err != nil || again != number {
		t.Fatalf("the same split again: %q %v, want %q", again, err, number)
	}
	var orig string
	mustGet(t, b.owner, &orig, `SELECT number FROM orders WHERE id = $1`, b.order)
	if got := b.strings(t, `SELECT number || ':' || external_id || ':' || subtotal_minor || '+' || shipping_minor || '=' || total_minor || ':' || status
		FROM orders WHERE external_id LIKE 'BO-1%' ORDER BY id`); got != orig+":BO-1:4500+495=4995:allocated "+number+":BO-1-B1:1200+0=1200:pending" {
		t.Fatalf("orders %s", got)
	}
	if got := b.strings(t, `SELECT o.external_id || '/' || l.line_no || '/' || p.sku || '/' || l.qty_ordered || '-' || l.qty_cancelled || '/' || l.amount_minor
		FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN products p ON p.id = l.product_id
		WHERE o.external_id LIKE 'BO-1%' ORDER BY l.id`); got != "BO-1/1/TEE-1/3-0/4500 BO-1/2/MUG-1/1-1/0 BO-1-B1/1/MUG-1/1-0/1200" {
		t.Fatalf("lines %s", got)
	}
	wantH := []string{"order.split split off " + number + " with 1 × MUG-1 waiting"}
	if got := b.history(t); strings.Join(got, "|") != strings.Join(wantH, "|") {
		t.Fatalf("history %q, want %q", got, wantH)
	}
	if got := b.strings(t, `SELECT e.kind || ' ' || e.message FROM events e JOIN orders o ON o.id = e.order_id WHERE o.number = $1`, number); got != "order.split split from "+orig+" with 1 × MUG-1 waiting" {
		t.Fatalf("the new order's history %q", got)
	}
	refusal(t, errOf(super.SplitBackorder(b.ctx, "split-key-002", b.order)), "has nothing waiting")
	var newID int64
	mustGet(t, b.owner, &newID, `SELECT id FROM orders WHERE number = $1`, number)
	refusal(t, errOf(super.SplitBackorder(b.ctx, "split-key-003", newID)), "has nothing allocated")
	b.check(t)
}

// A line partly allocated splits its units and its amount pro rata; the suffix is the next one
// the channel has not used; the taxes and discounts divide so both orders add up.
func TestSplitDividesAPartLineAndTakesTheNextSuffix(t *testing.T) {
	b := newBackoffice(t)
	importAll(t, b.clerk, "web-eu", false, orders.Incoming{Order: webOrder("BO-1-B1", model.IncomingLine{SKU: "MUG-1", Qty: 1, AmountMinor: 100}), Line: 1, Ref: "BO-1-B1"})
	mustExec(t, b.owner,
		`WITH u AS (UPDATE order_lines SET qty_allocated = 2 WHERE id = `+itoa(b.tee)+`)
		 UPDATE reservations SET qty = 2 WHERE order_line_id = `+itoa(b.tee),
		`UPDATE orders SET discount_minor = 570, tax_minor = 1000, total_minor = total_minor - 570 + 1000 WHERE id = `+itoa(b.order))
	number, err := b.clerk.SplitBackorder(b.ctx, "split-key-001", b.order)
	if err != nil {
		t.Fatal(err)
	}
	// Moved: 1 of 3 TEE-1 (1500 of 4500) and MUG-1 (1200): 2700 of 5700 of the lines.
	if got := b.strings(t, `SELECT external_id || ':' || subtotal_minor || '-' || discount_minor || '+' || shipping_minor || '+' || tax_minor || '=' || total_minor
		FROM orders WHERE external_id LIKE 'BO-1%' AND id <> (SELECT id FROM orders WHERE external_id = 'BO-1-B1') ORDER BY id`); got != "BO-1:3000-300+495+526=3721 BO-1-B2:2700-270+0+474=2904" {
		t.Fatalf("orders %s", got)
	}
	wantH := []string{"order.split split off " + number + " with 1 × TEE-1, 1 × MUG-1 waiting"}
	if got := b.history(t); strings.Join(got, "|") != strings.Join(wantH, "|") {
		t.Fatalf("history %q, want %q", got, wantH)
	}
	if s := b.status(t); s != model.StatusAllocated {
		t.Errorf("the original is %s", s)
	}
	b.check(t)
}

// Nothing picked on a waiting line may be split off.
func TestSplitRefusesPickedUnitsOnAWaitingLine(t *testing.T) {
	b := newBackoffice(t)
	b.pickOne(t)
	mustExec(t, b.owner,
		`WITH u AS (UPDATE order_lines SET qty_allocated = 2 WHERE id = `+itoa(b.tee)+`)
		 UPDATE reservations SET qty = 1 WHERE order_line_id = `+itoa(b.tee))
	refusal(t, errOf(b.clerk.SplitBackorder(b.ctx, "split-key-001", b.order)), "line 1 (TEE-1) has 1 picked on a waiting line")
	b.check(t)
}

// A channel that sends a split order again, changed, would give it back the units now on its
// backorder: the change becomes an exception for the back office instead, naming the split.
func TestAChangedOrderThatWasSplitBecomesAnException(t *testing.T) {
	b := newBackoffice(t)
	number, err := orders.New(dbtest.LoginAs(t, b.owner, "supervisor")).SplitBackorder(b.ctx, "split-key-010", b.order)
	if err != nil {
		t.Fatal(err)
	}
	o := webOrder("BO-1", model.IncomingLine{SKU: "TEE-1", Qty: 3, AmountMinor: 4500},
		model.IncomingLine{SKU: "MUG-1", Qty: 1, AmountMinor: 1200})
	o.Notes = "please gift wrap"
	res := importAll(t, b.clerk, "web-eu", false, orders.Incoming{Order: o, Line: 1, Ref: "BO-1"})
	if res[0].Outcome != orders.OrderException || res[0].Reason != "changed after a split, exception recorded" {
		t.Fatalf("re-sent after the split: %+v", res[0])
	}
	if got := b.strings(t, `SELECT e.message FROM order_exceptions e WHERE e.order_id = $1`, b.order); !strings.Contains(got,
		"after its backorder was split off into "+number) {
		t.Errorf("exception %q", got)
	}
	if got := b.strings(t, `SELECT l.qty_ordered || '-' || l.qty_cancelled FROM order_lines l WHERE l.order_id = $1 ORDER BY l.id`,
		b.order); got != "3-0 1-1" {
		t.Errorf("the original's lines changed: %s", got)
	}
	b.check(t)
}
