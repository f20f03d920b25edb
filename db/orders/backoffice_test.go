package orders_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"oms/db"
	"oms/db/dbtest"
	"oms/db/orders"
	"oms/model"
)

// backoffice is a small business with one web order: line 1 is 3 × TEE-1, all reserved on the
// store's shelf A-01 (5 on hand), line 2 is 1 × MUG-1, not reserved; a packing station COUNTER
// and a carrier service dhl/express. clerk is a back-office login.
type backoffice struct {
	owner       *db.DB
	clerk       *orders.Store
	login       string
	order       int64
	tee, mug    int64 // the lines
	ctx         context.Context
	teeReserved string
}

func newBackoffice(t *testing.T) *backoffice {
	t.Helper()
	owner := dbtest.SmallBusiness(t)
	login, url := dbtest.NewLogin(t, owner, dbtest.Staff{Jobs: []string{"backoffice"}})
	b := &backoffice{owner: owner, clerk: orders.New(dbtest.Open(t, url)), login: login, ctx: context.Background()}
	o := webOrder("BO-1", model.IncomingLine{SKU: "TEE-1", Qty: 3, AmountMinor: 4500},
		model.IncomingLine{SKU: "MUG-1", Qty: 1, AmountMinor: 1200})
	importAll(t, b.clerk, "web-eu", false, orders.Incoming{Order: o, Line: 1, Ref: "BO-1"})
	mustGet(t, owner, &b.order, `SELECT id FROM orders WHERE external_id = 'BO-1'`)
	mustGet(t, owner, &b.tee, `SELECT l.id FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = $1 AND p.sku = 'TEE-1'`, b.order)
	mustGet(t, owner, &b.mug, `SELECT l.id FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = $1 AND p.sku = 'MUG-1'`, b.order)
	b.teeReserved = `SELECT reserved FROM stock_balances sb JOIN products p ON p.id = sb.product_id
		JOIN locations l ON l.id = sb.location_id WHERE p.sku = 'TEE-1' AND l.code = 'A-01'`
	mustExec(t, owner,
		`INSERT INTO locations (warehouse_id, code, kind) SELECT id, 'COUNTER', 'packing' FROM warehouses WHERE code = 'BER-M'`,
		`INSERT INTO carriers (code, name) VALUES ('dhl', 'DHL')`,
		`INSERT INTO carrier_services (carrier_id, code, name, max_weight_g, transit_days)
		 SELECT id, 'express', 'DHL Express', 30000, 1 FROM carriers WHERE code = 'dhl'`)
	b.reserve(t, 3)
	return b
}

// reserve reserves n more TEE-1 units for line 1 on A-01, as allocation does.
func (b *backoffice) reserve(t *testing.T, n int) {
	t.Helper()
	_, err := b.owner.Exec(`
		WITH u AS (UPDATE order_lines SET qty_allocated = qty_allocated + $2 WHERE id = $1)
		INSERT INTO reservations (order_line_id, location_id, product_id, qty)
		SELECT $1, l.id, p.id, $2 FROM locations l, products p WHERE l.code = 'A-01' AND p.sku = 'TEE-1'
		ON CONFLICT (order_line_id, location_id, lot_id) DO UPDATE SET qty = reservations.qty + EXCLUDED.qty`, b.tee, n)
	if err != nil {
		t.Fatal(err)
	}
}

func (b *backoffice) pickOne(t *testing.T) {
	t.Helper()
	mustExec(t, b.owner, `INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind, order_line_id)
		SELECT p.id, f.id, c.id, 1, 'pick', `+itoa(b.tee)+` FROM products p, locations f, locations c
		 WHERE p.sku = 'TEE-1' AND f.code = 'A-01' AND c.code = 'COUNTER'`)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func (b *backoffice) history(t *testing.T) []string {
	t.Helper()
	var msgs []string
	if err := b.owner.Select(&msgs, `SELECT kind || ' ' || message FROM events WHERE order_id = $1 AND kind NOT LIKE 'order.imported' ORDER BY id`, b.order); err != nil {
		t.Fatal(err)
	}
	return msgs
}

func (b *backoffice) check(t *testing.T) {
	t.Helper()
	rep, err := b.owner.Check(b.ctx, 0)
	if err != nil || !rep.OK() {
		t.Fatalf("oms check: %v %v", err, rep.Violations)
	}
}

func (b *backoffice) status(t *testing.T) model.OrderStatus {
	t.Helper()
	var s model.OrderStatus
	mustGet(t, b.owner, &s, `SELECT status FROM orders WHERE id = $1`, b.order)
	return s
}

func (b *backoffice) version(t *testing.T) int {
	t.Helper()
	var v int
	mustGet(t, b.owner, &v, `SELECT version FROM orders WHERE id = $1`, b.order)
	return v
}

func refusal(t *testing.T, err error, want string) {
	t.Helper()
	var ce *db.ConstraintError
	if !errors.As(err, &ce) || !strings.Contains(ce.Message, want) {
		t.Fatalf("want a refusal saying %q, got %v", want, err)
	}
}

// Hold and release: the same key twice holds once, the history says why, release clears the
// hold and the status comes back; a reason of another kind, a second hold and a release of an
// order not held are refused with sentences.
func TestHoldAndReleaseOnceEachWithTheReason(t *testing.T) {
	b := newBackoffice(t)
	refusal(t, b.clerk.Hold(b.ctx, "hold-key-0001", b.order, "CANCEL_FRAUD"), `"CANCEL_FRAUD" is not a hold reason`)
	for range 2 {
		if err := b.clerk.Hold(b.ctx, "hold-key-0001", b.order, "HOLD_FRAUD"); err != nil {
			t.Fatal(err)
		}
	}
	if s := b.status(t); s != model.StatusOnHold {
		t.Fatalf("held order is %s", s)
	}
	refusal(t, b.clerk.Hold(b.ctx, "hold-key-0002", b.order, "HOLD_ADDRESS"), "already held: Fraud review")
	if err := b.clerk.Release(b.ctx, "release-key-01", b.order); err != nil {
		t.Fatal(err)
	}
	if err := b.clerk.Release(b.ctx, "release-key-01", b.order); err != nil {
		t.Fatalf("the same release again: %v", err)
	}
	refusal(t, b.clerk.Release(b.ctx, "release-key-02", b.order), "is not held")
	if s := b.status(t); s != model.StatusBackordered {
		t.Fatalf("released order is %s, want backordered (line 1 reserved, line 2 not)", s)
	}
	want := []string{"order.held held: Fraud review", "order.released released: Fraud review"}
	if got := b.history(t); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("history %q, want %q", got, want)
	}
	var actor string
	mustGet(t, b.owner, &actor, `SELECT actor FROM events WHERE order_id = $1 AND kind = 'order.held'`, b.order)
	if actor != b.login {
		t.Errorf("the hold was written by %q, want %q", actor, b.login)
	}
	b.check(t)
}

// Cancelling a line releases its reservations in the same transaction; the same key twice
// cancels once; a line with picked units and a whole order with any are refused, naming them.
func TestCancelALineFreesItsStockAndPickedUnitsAreRefused(t *testing.T) {
	b := newBackoffice(t)
	for range 2 {
		if err := b.clerk.CancelLine(b.ctx, "cancel-line-01", b.order, b.tee, "CANCEL_CUSTOMER"); err != nil {
			t.Fatal(err)
		}
	}
	var reserved, cancelled, allocated int
	mustGet(t, b.owner, &reserved, b.teeReserved)
	mustGet(t, b.owner, &cancelled, `SELECT qty_cancelled FROM order_lines WHERE id = $1`, b.tee)
	mustGet(t, b.owner, &allocated, `SELECT qty_allocated FROM order_lines WHERE id = $1`, b.tee)
	if reserved != 0 || cancelled != 3 || allocated != 0 {
		t.Fatalf("after cancelling line 1: reserved %d, cancelled %d, allocated %d; want 0, 3, 0", reserved, cancelled, allocated)
	}
	want := []string{"order.line_cancelled line 1 (TEE-1) cancelled: 3 units, Customer cancelled"}
	if got := b.history(t); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("history %q, want %q", got, want)
	}
	refusal(t, b.clerk.CancelLine(b.ctx, "cancel-line-02", b.order, b.tee, "CANCEL_CUSTOMER"), "line 1 (TEE-1) has nothing left to cancel")
	b.check(t)

	// Picked units stay.
	p := newBackoffice(t)
	p.pickOne(t)
	refusal(t, p.clerk.CancelLine(p.ctx, "cancel-line-03", p.order, p.tee, "CANCEL_CUSTOMER"),
		"line 1 (TEE-1): 1 unit already picked cannot be cancelled")
	refusal(t, p.clerk.CancelOrder(p.ctx, "cancel-order-03", p.order, "CANCEL_CUSTOMER"),
		"cannot be cancelled: line 1 (TEE-1) has 1 picked")
	refusal(t, p.clerk.CancelLine(p.ctx, "cancel-line-04", p.order, p.mug, "HOLD_FRAUD"), `"HOLD_FRAUD" is not a cancel reason`)
	if err := p.clerk.CancelLine(p.ctx, "cancel-line-05", p.order, p.mug, "CANCEL_NO_STOCK"); err != nil {
		t.Fatalf("line 2 has nothing picked: %v", err)
	}
	p.check(t)
}

// Cancelling the order cancels every line's open units, frees the stock, stamps the order and
// says so once, however often the same key comes.
func TestCancelTheWholeOrderOnce(t *testing.T) {
	b := newBackoffice(t)
	for range 2 {
		if err := b.clerk.CancelOrder(b.ctx, "cancel-order-1", b.order, "CANCEL_FRAUD"); err != nil {
			t.Fatal(err)
		}
	}
	var reserved, open int
	var reason string
	mustGet(t, b.owner, &reserved, b.teeReserved)
	mustGet(t, b.owner, &open, `SELECT sum(qty_ordered - qty_cancelled) FROM order_lines WHERE order_id = $1`, b.order)
	mustGet(t, b.owner, &reason, `SELECT cancel_reason FROM orders WHERE id = $1 AND cancelled_at IS NOT NULL`, b.order)
	if reserved != 0 || open != 0 || reason != "CANCEL_FRAUD" || b.status(t) != model.StatusCancelled {
		t.Fatalf("reserved %d, open %d, reason %q, status %s", reserved, open, reason, b.status(t))
	}
	want := []string{"order.cancelled cancelled: Fraud (4 units on 2 lines)"}
	if got := b.history(t); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("history %q, want %q", got, want)
	}
	refusal(t, b.clerk.CancelOrder(b.ctx, "cancel-order-2", b.order, "CANCEL_FRAUD"), "already cancelled")
	refusal(t, b.clerk.Hold(b.ctx, "hold-after-cancel", b.order, "HOLD_FRAUD"), "is cancelled")
	_, err := b.clerk.EditOrder(b.ctx, "edit-after-cancel", orders.OrderEdit{Order: b.order, Version: b.version(t)})
	refusal(t, err, "is cancelled: it cannot be edited")
	b.check(t)
}

func (b *backoffice) detail(t *testing.T) orders.Detail {
	t.Helper()
	d, err := b.clerk.OrderDetail(b.ctx, b.order)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// editOf is an edit that changes nothing, as the form opens.
func editOf(d orders.Detail) orders.OrderEdit {
	e := orders.OrderEdit{Order: d.Header.ID, Version: d.Header.Version, ShipTo: d.ShipTo,
		Priority: d.Header.Priority, Notes: d.Header.Notes, Service: d.Header.ServiceCode}
	for _, l := range d.Lines {
		e.Lines = append(e.Lines, orders.LineQty{Line: l.ID, Qty: l.Ordered - l.Cancelled})
	}
	return e
}

// An edit changes quantities (down below allocated gives the surplus back), adds a line by SKU,
// moves the ship-to to a new address, sets priority, notes and service, in one transaction with
// one history sentence; the same key again applies nothing more. After picking, it is refused.
func TestEditAnOrderBeforePicking(t *testing.T) {
	b := newBackoffice(t)
	d := b.detail(t)
	e := editOf(d)
	if same, err := b.clerk.EditOrder(b.ctx, "edit-nothing-01", e); err != nil || same != d.Header.Version {
		t.Fatalf("an edit that changes nothing: version %d, %v", same, err)
	}
	e.Lines[0].Qty = 1 // TEE-1 3 → 1: two reserved units go back
	e.Lines[1].Qty = 2
	e.Add = []orders.NewLine{{SKU: "TEE-1", Qty: 2}}
	e.ShipTo.Line1, e.ShipTo.City, e.ShipTo.PostalCode = "Herengracht 2", "Amsterdam", "1015 BB"
	e.Priority, e.Notes, e.Service = 5, "leave at the door", "dhl/express"
	var v1, v2 int
	var err error
	if v1, err = b.clerk.EditOrder(b.ctx, "edit-key-00001", e); err != nil {
		t.Fatal(err)
	}
	if v2, err = b.clerk.EditOrder(b.ctx, "edit-key-00001", e); err != nil || v2 != v1 || v1 <= d.Header.Version {
		t.Fatalf("versions %d then %d (from %d): %v", v1, v2, d.Header.Version, err)
	}
	var reserved int
	mustGet(t, b.owner, &reserved, b.teeReserved)
	if reserved != 1 {
		t.Fatalf("TEE-1 reserved %d, want 1", reserved)
	}
	after := b.detail(t)
	if len(after.Lines) != 3 || after.Lines[0].Ordered-after.Lines[0].Cancelled != 1 || after.Lines[0].Allocated != 1 ||
		after.Lines[1].Ordered != 2 || after.Lines[2].SKU != "TEE-1" || after.Lines[2].Ordered != 2 {
		t.Fatalf("lines after the edit: %+v", after.Lines)
	}
	if after.ShipTo.Line1 != "Herengracht 2" || after.Header.Priority != 5 || after.Header.Notes != "leave at the door" ||
		after.Header.ServiceCode != "dhl/express" || after.Header.Version != v1 {
		t.Fatalf("header after the edit: %+v %+v", after.Header, after.ShipTo)
	}
	var addresses int
	mustGet(t, b.owner, &addresses, `SELECT count(*) FROM addresses a JOIN orders o ON o.customer_id = a.customer_id WHERE o.id = $1`, b.order)
	if addresses != 2 {
		t.Errorf("%d addresses for the customer, want the old one kept and a new one", addresses)
	}
	want := []string{"order.edited edited: line 1 (TEE-1) 3 → 1; line 2 (MUG-1) 1 → 2; line 3 (TEE-1) added × 2; " +
		"ship-to Keizersgracht 1, Amsterdam → Herengracht 2, Amsterdam; priority 0 → 5; notes; service — → dhl/express; " +
		"total 61.95 EUR → 43.95"}
	if got := b.history(t); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("history %q,\nwant    %q", got, want)
	}
	// The money follows the units: 1 of 3 tees is 15.00 of 45.00, 2 mugs 24.00, the added tees
	// have no catalogue price here; shipping stays.
	var money string
	mustGet(t, b.owner, &money, `SELECT string_agg(l.amount_minor::text, ' ' ORDER BY l.line_no) || ' = ' || o.subtotal_minor
		|| ' + ' || o.shipping_minor || ' = ' || o.total_minor FROM orders o JOIN order_lines l ON l.order_id = o.id
		WHERE o.id = $1 GROUP BY o.id`, b.order)
	if money != "1500 2400 0 = 3900 + 495 = 4395" {
		t.Errorf("amounts after the edit: %s", money)
	}
	b.check(t)

	// Down to 0 cancels the line; then picking starts and edits are refused.
	e = editOf(b.detail(t))
	e.Lines[1].Qty = 0
	if _, err := b.clerk.EditOrder(b.ctx, "edit-key-00002", e); err != nil {
		t.Fatal(err)
	}
	b.pickOne(t)
	e = editOf(b.detail(t))
	e.Notes = "too late"
	_, err = b.clerk.EditOrder(b.ctx, "edit-key-00003", e)
	refusal(t, err, "cannot be edited once picking has started: line 1 (TEE-1) has 1 picked")
	b.check(t)
}

// Two editors open the same version; the first saves; the second is told who changed it and
// when, and nothing of theirs is saved nor anything of the first's lost. Saving again against
// the version the conflict names succeeds.
func TestTheSecondOfTwoEditorsIsToldWhoChangedTheOrder(t *testing.T) {
	b := newBackoffice(t)
	d := b.detail(t)
	first, second := editOf(d), editOf(d)
	first.Notes = "first"
	second.Notes, second.Priority = "second", 9
	if _, err := b.clerk.EditOrder(b.ctx, "edit-first-001", first); err != nil {
		t.Fatal(err)
	}
	_, err := b.clerk.EditOrder(b.ctx, "edit-second-01", second)
	var c *orders.ChangedError
	if !errors.As(err, &c) || c.By != b.login || c.Version != b.version(t) || c.At.IsZero() {
		t.Fatalf("the second editor got %v (%+v), want a conflict naming %s", err, c, b.login)
	}
	if !strings.Contains(err.Error(), "was changed by "+b.login+" at ") || !strings.HasSuffix(err.Error(), "— reload") {
		t.Errorf("sentence %q", err.Error())
	}
	after := b.detail(t)
	if after.Header.Notes != "first" || after.Header.Priority != 0 {
		t.Fatalf("after the conflict: notes %q priority %d", after.Header.Notes, after.Header.Priority)
	}
	second.Version = c.Version
	if _, err := b.clerk.EditOrder(b.ctx, "edit-second-01", second); err != nil {
		t.Fatalf("saving over the reloaded version with the same key: %v", err)
	}
	if after := b.detail(t); after.Header.Notes != "second" || after.Header.Priority != 9 {
		t.Fatalf("after the second save: %+v", after.Header)
	}
}

// The version moves once per transaction whatever a client writes, and lines count: a client
// that changes a line's ordered units without touching the order moves it too.
func TestEveryWriterMovesTheVersion(t *testing.T) {
	b := newBackoffice(t)
	v := b.version(t)
	mustExec(t, b.owner, `UPDATE orders SET version = 1000, notes = 'x' WHERE id = `+itoa(b.order))
	if got := b.version(t); got != v+1 {
		t.Fatalf("after one update the version is %d, want %d", got, v+1)
	}
	mustExec(t, b.owner, `BEGIN; UPDATE orders SET notes = 'y' WHERE id = `+itoa(b.order)+`;
		UPDATE order_lines SET qty_ordered = 5 WHERE id = `+itoa(b.mug)+`;
		UPDATE orders SET notes = 'z' WHERE id = `+itoa(b.order)+`; COMMIT`)
	if got := b.version(t); got != v+2 {
		t.Fatalf("after one transaction of three writes the version is %d, want %d", got, v+2)
	}
	mustExec(t, b.owner, `UPDATE order_lines SET qty_ordered = 4 WHERE id = `+itoa(b.mug))
	if got := b.version(t); got != v+3 {
		t.Fatalf("after a line's change the version is %d, want %d", got, v+3)
	}
	mustExec(t, b.owner, `UPDATE order_lines SET qty_packed = qty_packed, description = 'gift' WHERE id = `+itoa(b.mug))
	if got := b.version(t); got != v+3 {
		t.Fatalf("a write that changes nothing the edit sets moved the version to %d", got)
	}
}

// The commands are the back office's: a picker's login is refused by the database, whatever a
// screen would offer.
func TestAPickerCannotHoldOrCancel(t *testing.T) {
	b := newBackoffice(t)
	picker := orders.New(dbtest.LoginAs(t, b.owner, "picker"))
	if err := picker.Hold(b.ctx, "picker-hold-01", b.order, "HOLD_FRAUD"); !db.IsConstraint(err, db.Forbidden) {
		t.Fatalf("a picker's hold: %v", err)
	}
	if err := picker.CancelOrder(b.ctx, "picker-cancel-1", b.order, "CANCEL_FRAUD"); !db.IsConstraint(err, db.Forbidden) {
		t.Fatalf("a picker's cancel: %v", err)
	}
	if b.status(t) != model.StatusBackordered || len(b.history(t)) != 0 {
		t.Fatalf("after the picker's tries: %s, %q", b.status(t), b.history(t))
	}
	supervisor := orders.New(dbtest.LoginAs(t, b.owner, "supervisor"))
	if err := supervisor.Hold(b.ctx, "super-hold-001", b.order, "HOLD_FRAUD"); err != nil {
		t.Fatalf("the supervisor holds the back office's job: %v", err)
	}
}
