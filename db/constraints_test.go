package db_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"oms/db"
	"oms/db/dbtest"
)

// world is the least a constraint test needs: one warehouse with one bin, one product, stock.
type world struct {
	d                           *db.DB
	warehouse, bin, product     int64
	supplier, customer, channel int64
	customerID, address         int64
}

func newWorld(t *testing.T) world {
	t.Helper()
	w := world{d: dbtest.New(t)}
	mustGet(t, w.d, &w.warehouse, `INSERT INTO warehouses (code, name, kind, country, time_zone, currency)
		VALUES ('TST1', 'Test DC', 'dc', 'NL', 'Europe/Amsterdam', 'EUR') RETURNING id`)
	mustGet(t, w.d, &w.bin, `INSERT INTO locations (warehouse_id, code, kind, zone) VALUES ($1, 'A-01-01-1', 'bin', 'A') RETURNING id`, w.warehouse)
	mustGet(t, w.d, &w.product, `INSERT INTO products (sku, name, gtin, tax_category) VALUES ('MUG-01', 'Stoneware mug', '4006381333931', 'standard') RETURNING id`)
	mustGet(t, w.d, &w.supplier, `SELECT id FROM locations WHERE code = 'SUPPLIER'`)
	mustGet(t, w.d, &w.customer, `SELECT id FROM locations WHERE code = 'CUSTOMER'`)
	mustGet(t, w.d, &w.channel, `INSERT INTO channels (code, name, kind, currency) VALUES ('web', 'Web shop', 'webshop', 'EUR') RETURNING id`)
	mustGet(t, w.d, &w.customerID, `INSERT INTO customers (name, country, currency) VALUES ('Anna de Vries', 'NL', 'EUR') RETURNING id`)
	mustGet(t, w.d, &w.address, `INSERT INTO addresses (customer_id, name, line1, city, country) VALUES ($1, 'Anna de Vries', 'Keizersgracht 1', 'Amsterdam', 'NL') RETURNING id`, w.customerID)
	return w
}

func mustGet(t *testing.T, d *db.DB, dest any, query string, args ...any) {
	t.Helper()
	if err := d.GetContext(context.Background(), dest, query, args...); err != nil {
		t.Fatalf("%s: %v", strings.Fields(query)[0:3], err)
	}
}

func (w world) move(from, to, qty int64) error {
	_, err := w.d.Exec(`INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind)
		VALUES ($1, $2, $3, $4, 'adjustment')`, w.product, from, to, qty)
	return db.MapError(err)
}

func (w world) onHand(t *testing.T) (onHand, reserved int64) {
	t.Helper()
	err := w.d.QueryRow(`SELECT on_hand, reserved FROM stock_balances WHERE location_id = $1 AND product_id = $2`,
		w.bin, w.product).Scan(&onHand, &reserved)
	if err != nil {
		t.Fatal(err)
	}
	return onHand, reserved
}

func wantConstraint(t *testing.T, err error, kind db.ConstraintKind, constraint, sentence string) {
	t.Helper()
	var ce *db.ConstraintError
	if !errors.As(db.MapError(err), &ce) {
		t.Fatalf("got %v, want the database to refuse it (%s)", err, constraint)
	}
	if ce.Kind != kind || (constraint != "" && ce.Constraint != constraint) {
		t.Fatalf("refused by %s (kind %d), want %s (kind %d)", ce.Constraint, ce.Kind, constraint, kind)
	}
	if !strings.Contains(ce.Error(), sentence) {
		t.Fatalf("message %q does not say %q", ce.Error(), sentence)
	}
}

func TestMovementsKeepBalancesAndRefuseNegativeStock(t *testing.T) {
	w := newWorld(t)
	if err := w.move(w.supplier, w.bin, 10); err != nil {
		t.Fatal(err)
	}
	if err := w.move(w.bin, w.customer, 4); err != nil {
		t.Fatal(err)
	}
	if got, _ := w.onHand(t); got != 6 {
		t.Fatalf("on hand after +10 −4 = %d, want 6", got)
	}
	err := w.move(w.bin, w.customer, 7)
	wantConstraint(t, err, db.Invalid, "stock_balances_no_negative_stock",
		"not enough stock: bin A-01-01-1 at TST1 holds 6 × MUG-01 and the move takes 7")
	if got, _ := w.onHand(t); got != 6 {
		t.Fatalf("a refused movement changed on hand to %d", got)
	}
	var movements int
	mustGet(t, w.d, &movements, `SELECT count(*) FROM stock_movements`)
	if movements != 2 {
		t.Fatalf("%d movements recorded, want the refused one left out (2)", movements)
	}
	// Virtual locations balance the books in the ledger but keep no balance row that every
	// warehouse's receipts and shipments would have to lock.
	var virtual int
	mustGet(t, w.d, &virtual, `SELECT count(*) FROM stock_balances WHERE location_id IN ($1, $2)`, w.supplier, w.customer)
	if virtual != 0 {
		t.Fatalf("%d balance rows for the SUPPLIER and CUSTOMER locations, want none", virtual)
	}
	wantConstraint(t, w.move(w.bin, w.customer, 0), db.Invalid, "stock_movements_qty_check", "positive whole number")
}

func TestReservedCannotExceedOnHand(t *testing.T) {
	w := newWorld(t)
	if err := w.move(w.supplier, w.bin, 3); err != nil {
		t.Fatal(err)
	}
	_, err := w.d.Exec(`UPDATE stock_balances SET reserved = 4 WHERE location_id = $1`, w.bin)
	wantConstraint(t, err, db.Invalid, "stock_balances_reserved_in_range", "reserved")
	if _, err := w.d.Exec(`UPDATE stock_balances SET reserved = 3 WHERE location_id = $1`, w.bin); err != nil {
		t.Fatal(err)
	}
	// Moving reserved stock away would leave reserved > on hand: refused.
	wantConstraint(t, w.move(w.bin, w.customer, 1), db.Invalid, "stock_balances_reserved_in_range", "reserved")
}

func TestLedgerIsAppendOnlyAndStampedByTheDatabase(t *testing.T) {
	w := newWorld(t)
	if err := w.move(w.supplier, w.bin, 5); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`UPDATE stock_movements SET qty = 50`,
		`DELETE FROM stock_movements`,
		`TRUNCATE stock_movements CASCADE`,
		`TRUNCATE events`,
		`UPDATE events SET message = 'x'`,
	} {
		if _, err := w.d.Exec(`INSERT INTO events (entity, entity_id, kind) VALUES ('stock', 1, 'test.probe')`); err != nil {
			t.Fatal(err)
		}
		_, err := w.d.Exec(stmt)
		wantConstraint(t, err, db.Forbidden, "", "append-only")
	}
	if got, _ := w.onHand(t); got != 5 {
		t.Fatalf("on hand %d after refused edits, want 5", got)
	}

	// A client cannot backdate a movement or claim to be someone else: either is refused with a
	// sentence, and what it may post is stamped by the database.
	_, err := w.d.Exec(`INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind, at)
		VALUES ($1, $2, $3, 1, 'adjustment', '2001-01-01')`, w.product, w.supplier, w.bin)
	wantConstraint(t, err, db.Forbidden, "", "stock movements are stamped with the time they are posted: one cannot be dated 2001-01-01")
	_, err = w.d.Exec(`INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind, actor)
		VALUES ($1, $2, $3, 1, 'adjustment', 'someone_else')`, w.product, w.supplier, w.bin)
	wantConstraint(t, err, db.Forbidden, "", "cannot post one as someone_else")
	if err := w.move(w.supplier, w.bin, 1); err != nil {
		t.Fatal(err)
	}
	var at time.Time
	var actor, user, terminal string
	mustGet(t, w.d, &user, `SELECT current_user`)
	if err := w.d.QueryRow(`SELECT at, actor, terminal FROM stock_movements ORDER BY id DESC LIMIT 1`).Scan(&at, &actor, &terminal); err != nil {
		t.Fatal(err)
	}
	if time.Since(at) > time.Minute || actor != user || terminal != "oms-test" {
		t.Fatalf("movement stamped %v by %q at %q, want now by %q at oms-test", at, actor, terminal, user)
	}
}

func TestOneOrderPerChannelAndExternalID(t *testing.T) {
	w := newWorld(t)
	insert := func(number string) error {
		_, err := w.d.Exec(`INSERT INTO orders (number, channel_id, external_id, customer_id, customer_name,
			ship_to_address_id, currency, subtotal_minor, total_minor, status, ordered_at, promised_at)
			VALUES ($1, $2, '#1001', $3, 'Anna de Vries', $4, 'EUR', 1000, 1000, 'pending', now(), now() + interval '2 days')`,
			number, w.channel, w.customerID, w.address)
		return err
	}
	if err := insert("SO-1"); err != nil {
		t.Fatal(err)
	}
	wantConstraint(t, insert("SO-2"), db.Duplicate, "orders_channel_id_external_id_key", "already exists on this channel")
}

func TestLineQuantitiesFollowTheStages(t *testing.T) {
	w := newWorld(t)
	var order int64
	mustGet(t, w.d, &order, `INSERT INTO orders (number, channel_id, external_id, customer_id, customer_name,
		ship_to_address_id, currency, subtotal_minor, total_minor, status, ordered_at, promised_at)
		VALUES ('SO-1', $1, '#1', $2, 'Anna de Vries', $3, 'EUR', 1000, 1000, 'allocated', now(), now())
		RETURNING id`, w.channel, w.customerID, w.address)
	if err := w.move(w.supplier, w.bin, 2); err != nil {
		t.Fatal(err)
	}
	// Allocation and its reservation go together, or the commit is refused.
	if _, err := w.d.Exec(`WITH l AS (INSERT INTO order_lines (order_id, line_no, external_line_id, product_id,
		unit_price_minor, qty_ordered, qty_allocated) VALUES ($1, 1, '1', $2, 1000, 2, 2) RETURNING id, product_id)
		INSERT INTO reservations (order_line_id, location_id, product_id, qty) SELECT id, $3, product_id, 2 FROM l`,
		order, w.product, w.bin); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ set, constraint, sentence string }{
		{"qty_picked = 3", "order_lines_picked_in_range", "cannot pick more"},
		{"qty_allocated = 3", "order_lines_allocated_in_range", "cannot allocate more"},
		{"qty_picked = 1, qty_packed = 2", "order_lines_packed_in_range", "cannot pack more"},
		{"qty_returned = 1", "order_lines_returned_in_range", "cannot return more"},
	}
	for _, c := range cases {
		_, err := w.d.Exec(`UPDATE order_lines SET `+c.set+` WHERE order_id = $1`, order)
		wantConstraint(t, err, db.Invalid, c.constraint, c.sentence)
	}
}

// TestTextShownOnTerminalsRefusesControlCharacters: a writer that bypasses intake (psql, a
// script) cannot store an ESC, another C0 control, DEL or a C1 control in text the screens
// show; tab and line breaks stay allowed, and every such rule covers the column it names.
func TestTextShownOnTerminalsRefusesControlCharacters(t *testing.T) {
	w := newWorld(t)
	for _, c := range []struct {
		query, constraint, sentence string
		id                          int64
	}{
		{`UPDATE customers SET name = E'Anna\x1b[2J' WHERE id = $1`, "customers_name_printable",
			"the customer's name holds a control character such as ESC", w.customerID},
		{`UPDATE addresses SET line1 = E'Keizersgracht\x1b]0;pwned\x07 1' WHERE customer_id = $1`, "addresses_line1_printable",
			"the address's line1 holds", w.customerID},
		{`UPDATE products SET name = E'Mug \u009b6n' WHERE id = $1`, "products_name_printable", "the product's name holds", w.product},
		{`UPDATE customers SET phone = E'\x7f' WHERE id = $1`, "customers_phone_printable", "the customer's phone holds", w.customerID},
	} {
		_, err := w.d.Exec(c.query, c.id)
		wantConstraint(t, err, db.Invalid, c.constraint, c.sentence)
	}
	if _, err := w.d.Exec(`UPDATE customers SET name = E'Anna\tde Vries\r\n(office)' WHERE id = $1`, w.customerID); err != nil {
		t.Fatalf("tab and line breaks refused: %v", err)
	}
	var wrong []string
	if err := w.d.Select(&wrong, `
		SELECT conname FROM pg_constraint c
		 WHERE conname LIKE '%\_printable' AND contype = 'c'
		   AND conname <> conrelid::regclass::text || '_' || (SELECT attname FROM pg_attribute
		         WHERE attrelid = c.conrelid AND attnum = c.conkey[1]) || '_printable'`); err != nil || len(wrong) > 0 {
		t.Fatalf("rules named for another column than they check: %v (%v)", wrong, err)
	}
}

// TestTextStoredBeforeTheRuleIsCleaned: a CHECK holds for every row an UPDATE writes, so text
// stored with control characters before migration 00050 is cleaned by it — else that customer
// could never be changed again — while the append-only ledger keeps its rows as written.
func TestTextStoredBeforeTheRuleIsCleaned(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	if err := w.d.MigrateDownTo(ctx, 49); err != nil {
		t.Fatal(err)
	}
	if _, err := w.d.Exec(`UPDATE customers SET name = E'Anna\x1b[2J de\tVries\u009b' WHERE id = $1`, w.customerID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.d.Exec(`INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind, note)
		VALUES ($1, $2, $3, 1, 'receipt', E'box\x1b]0;x\x07')`, w.product, w.supplier, w.bin); err != nil {
		t.Fatal(err)
	}
	if _, err := w.d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var name, note string
	mustGet(t, w.d, &name, `SELECT name FROM customers WHERE id = $1`, w.customerID)
	if name != "Anna[2J de\tVries" {
		t.Fatalf("the customer's name after the migration is %q", name)
	}
	if _, err := w.d.Exec(`UPDATE customers SET email = 'anna@example.com' WHERE id = $1`, w.customerID); err != nil {
		t.Fatalf("the customer cannot be changed after the migration: %v", err)
	}
	mustGet(t, w.d, &note, `SELECT note FROM stock_movements WHERE note LIKE 'box%'`)
	if note != "box\x1b]0;x\x07" {
		t.Fatalf("the ledger's note was rewritten: %q", note)
	}
}
