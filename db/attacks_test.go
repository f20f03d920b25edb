package db_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"oms/db"
	"oms/db/dbtest"
	"oms/db/invoicing"
	"oms/db/orders"
	"oms/db/stock"
	"oms/model"
)

// shop is a small business worked through its normal commands by the ordinary client role:
// one warehouse, two bins and a packing station, a plain and a lot-tracked product, and two
// orders — SO-1 shipped and invoiced, SO-2 allocated.
type shop struct {
	owner, client               *db.DB
	warehouse, binA, binB, pack int64
	supplier, customer          int64
	mug, tea, teaLot, otherLot  int64
	channel, customer1, address int64
	so1, so1Line, so2, so2Line  int64
	invoice                     int64
	invoiceNumber               string
	shipment, pkg               int64
}

func newShop(t *testing.T) *shop {
	t.Helper()
	s := &shop{}
	s.owner, s.client = dbtest.NewWithClient(t)
	o := s.owner
	mustGet(t, o, &s.warehouse, `INSERT INTO warehouses (code, name, kind, country, time_zone, currency)
		VALUES ('RTM1', 'Rotterdam DC', 'dc', 'NL', 'Europe/Amsterdam', 'EUR') RETURNING id`)
	mustGet(t, o, &s.binA, `INSERT INTO locations (warehouse_id, code, kind, zone) VALUES ($1, 'A-01-01-1', 'bin', 'A') RETURNING id`, s.warehouse)
	mustGet(t, o, &s.binB, `INSERT INTO locations (warehouse_id, code, kind, zone) VALUES ($1, 'B-02-01-1', 'bin', 'B') RETURNING id`, s.warehouse)
	mustGet(t, o, &s.pack, `INSERT INTO locations (warehouse_id, code, kind) VALUES ($1, 'PACK-1', 'packing') RETURNING id`, s.warehouse)
	mustGet(t, o, &s.supplier, `SELECT id FROM locations WHERE code = 'SUPPLIER'`)
	mustGet(t, o, &s.customer, `SELECT id FROM locations WHERE code = 'CUSTOMER'`)
	mustGet(t, o, &s.mug, `INSERT INTO products (sku, name, tax_category) VALUES ('MUG-01', 'Stoneware mug', 'standard') RETURNING id`)
	mustGet(t, o, &s.tea, `INSERT INTO products (sku, name, tax_category, lot_tracked, expiry_tracked)
		VALUES ('TEA-01', 'Green tea', 'reduced', true, true) RETURNING id`)
	mustGet(t, o, &s.teaLot, `INSERT INTO lots (product_id, lot_code, expires_on) VALUES ($1, 'L2406', '2027-06-30') RETURNING id`, s.tea)
	var coffee int64
	mustGet(t, o, &coffee, `INSERT INTO products (sku, name, tax_category, lot_tracked) VALUES ('COF-01', 'Coffee', 'reduced', true) RETURNING id`)
	mustGet(t, o, &s.otherLot, `INSERT INTO lots (product_id, lot_code) VALUES ($1, 'C0001') RETURNING id`, coffee)
	mustGet(t, o, &s.channel, `INSERT INTO channels (code, name, kind, currency) VALUES ('web', 'Web shop', 'webshop', 'EUR') RETURNING id`)
	mustGet(t, o, &s.customer1, `INSERT INTO customers (name, country, currency) VALUES ('Anna de Vries', 'NL', 'EUR') RETURNING id`)
	mustGet(t, o, &s.address, `INSERT INTO addresses (customer_id, name, line1, city, country)
		VALUES ($1, 'Anna de Vries', 'Keizersgracht 1', 'Amsterdam', 'NL') RETURNING id`, s.customer1)

	// From here on the client role does the work, through the data layer's commands.
	ctx := context.Background()
	c := s.client
	ledger := stock.New(c)
	must(t, ledger.Post(ctx, "receive-mug-0001", stock.Movement{Product: s.mug, From: s.supplier, To: s.binA, Qty: 10, Kind: model.MoveReceipt}))
	must(t, ledger.Post(ctx, "receive-tea-0001", stock.Movement{Product: s.tea, Lot: s.teaLot, From: s.supplier, To: s.binA, Qty: 5, Kind: model.MoveReceipt}))
	s.so1, s.so1Line = s.newOrder(t, "SO-1", s.mug, 2, 1000)
	s.so2, s.so2Line = s.newOrder(t, "SO-2", s.mug, 3, 1000)
	must(t, ledger.Reserve(ctx, "reserve-so1-0001", stock.Reservation{OrderLine: s.so1Line, Location: s.binA, Product: s.mug, Qty: 2}))
	must(t, ledger.Reserve(ctx, "reserve-so2-0001", stock.Reservation{OrderLine: s.so2Line, Location: s.binA, Product: s.mug, Qty: 3}))
	must(t, ledger.Post(ctx, "pick-so1-00001", stock.Movement{Product: s.mug, From: s.binA, To: s.pack, Qty: 2, Kind: model.MovePick, OrderLine: s.so1Line}))
	must(t, orders.New(c).SetPacked(ctx, "pack-so1-00001", orders.Packed{Line: s.so1Line, Packed: 2}))
	mustGet(t, c, &s.shipment, `INSERT INTO shipments (order_id, warehouse_id, status) VALUES ($1, $2, 'packed') RETURNING id`, s.so1, s.warehouse)
	mustGet(t, c, &s.pkg, `INSERT INTO packages (shipment_id, box_code, weight_g) VALUES ($1, 'BOX-S', 900) RETURNING id`, s.shipment)
	mustExecArgs(t, c, `INSERT INTO package_lines (package_id, order_line_id, qty) VALUES ($1, $2, 2)`, s.pkg, s.so1Line)
	must(t, ledger.Post(ctx, "ship-so1-00001", stock.Movement{Product: s.mug, From: s.pack, To: s.customer, Qty: 2, Kind: model.MoveShip, OrderLine: s.so1Line}))
	issued, err := invoicing.New(c).Issue(ctx, "invoice-so1-0001", invoicing.Document{
		Kind: invoicing.Invoice, Series: "invoice", Order: s.so1, Currency: "EUR", BaseCurrency: "EUR",
		FXRate: "1", FXDate: time.Now().UTC(),
		Lines: []invoicing.Line{{OrderLine: s.so1Line, Description: "Stoneware mug",
			InvoiceLine: model.InvoiceLine{Qty: 2, UnitMinor: 500, TaxMinor: 210, TaxRatePPM: 210000}}},
	})
	must(t, err)
	s.invoice, s.invoiceNumber = issued.ID, issued.Number
	return s
}

// newOrder adds an order with one line of qty units at unit minor each, as the client.
func (s *shop) newOrder(t *testing.T, number string, product, qty, unit int64) (order, line int64) {
	t.Helper()
	mustGet(t, s.client, &order, `INSERT INTO orders (number, channel_id, external_id, customer_id, customer_name,
		ship_to_address_id, currency, subtotal_minor, tax_minor, total_minor, ordered_at, promised_at)
		VALUES ($1, $2, $1, $3, 'Anna de Vries', $4, 'EUR', $5::bigint, $6::bigint, $5::bigint + $6::bigint, now(), now() + interval '2 days') RETURNING id`,
		number, s.channel, s.customer1, s.address, qty*unit, qty*unit*21/100)
	mustGet(t, s.client, &line, `INSERT INTO order_lines (order_id, line_no, external_line_id, product_id, unit_price_minor, qty_ordered)
		VALUES ($1, 1, '1', $2, $3, $4) RETURNING id`, order, product, unit, qty)
	return order, line
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func mustExecArgs(t *testing.T, d *db.DB, query string, args ...any) {
	t.Helper()
	if _, err := d.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", strings.Fields(query)[0:3], err)
	}
}

// tamper runs statements as the client in one transaction, as a hostile psql session would.
func (s *shop) tamper(statements ...string) error {
	return s.client.InTx(context.Background(), func(tx *sqlx.Tx) error {
		for _, stmt := range statements {
			if _, err := tx.Exec(stmt); err != nil {
				return err
			}
		}
		return nil
	})
}

// TestTheDatabaseRefusesCrossTableTampering replays, as an ordinary role, every kind of
// tampering that an audit once found going through, and expects each to be refused with a
// sentence a person can act on, leaving nothing changed.
func TestTheDatabaseRefusesCrossTableTampering(t *testing.T) {
	s := newShop(t)
	fill := func(stmt string) string {
		r := strings.NewReplacer(
			"$so1line", itoa(s.so1Line), "$so2line", itoa(s.so2Line), "$so1", itoa(s.so1), "$so2", itoa(s.so2),
			"$binA", itoa(s.binA), "$binB", itoa(s.binB), "$pack", itoa(s.pack), "$supplier", itoa(s.supplier),
			"$customer", itoa(s.customer), "$mug", itoa(s.mug), "$teaLot", itoa(s.teaLot), "$tea", itoa(s.tea),
			"$otherLot", itoa(s.otherLot), "$invoice", itoa(s.invoice), "$pkg", itoa(s.pkg))
		return r.Replace(stmt)
	}
	attacks := []struct {
		name       string
		statements []string
		says       string
	}{
		{"a reservation of another product than its line's, with balance, allocation and status to match", []string{
			`INSERT INTO reservations (order_line_id, location_id, product_id, lot_id, qty) VALUES ($so2line, $binA, $tea, $teaLot, 1)`,
			`UPDATE stock_balances SET reserved = reserved + 1 WHERE product_id = $tea`,
			`UPDATE order_lines SET qty_allocated = qty_allocated + 1 WHERE id = $so2line`,
			`UPDATE orders SET status = 'allocated' WHERE id = $so2`,
		}, "that order line is for another product"},
		{"a reservation of a product that does not exist (checked through its line, migration 00052)", []string{
			`INSERT INTO reservations (order_line_id, location_id, product_id, qty) VALUES ($so2line, $binB, 999999999, 1)`,
			`UPDATE order_lines SET qty_allocated = qty_allocated + 1 WHERE id = $so2line`,
		}, "that order line is for another product"},
		{"a movement of a lot that belongs to another product", []string{
			`INSERT INTO stock_movements (product_id, lot_id, from_location_id, to_location_id, qty, kind)
			 VALUES ($mug, $otherLot, $supplier, $binB, 1, 'receipt')`,
		}, "that lot belongs to another product"},
		{"a lot-tracked product moved into a real location with no lot", []string{
			`INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind)
			 VALUES ($tea, $supplier, $binB, 4, 'receipt')`,
		}, "TEA-01 is lot-tracked: a movement of it must say which lot moves"},
		{"a guarded reserve of the balance alongside a reservation it did not cover", []string{
			`INSERT INTO reservations (order_line_id, location_id, product_id, qty) VALUES ($so2line, $binB, $mug, 1)`,
			`UPDATE stock_balances SET reserved = reserved + 1 WHERE location_id = $binB AND on_hand - reserved >= 1`,
		}, "not enough free stock to reserve 1 × MUG-01: bin B-02-01-1 at RTM1 holds 0"},
		{"writing reserved directly", []string{
			`UPDATE stock_balances SET reserved = reserved + 1 WHERE location_id = $binA AND product_id = $mug`,
		}, "your database role may not do that"},
		{"a reservation without the allocation that goes with it", []string{
			`UPDATE reservations SET qty = qty + 1 WHERE order_line_id = $so2line`,
		}, "order SO-2 line 1 (MUG-01) has 3 allocated and not shipped, but 4 reserved in stock"},
		{"an order un-shipped while its ship movement stays in the ledger", []string{
			`UPDATE order_lines SET qty_shipped = 0, qty_packed = 0, qty_picked = 0 WHERE id = $so1line`,
			`UPDATE orders SET status = 'pending' WHERE id = $so1`,
		}, "order SO-1 line 1: picked, shipped and returned units follow the stock ledger"},
		{"a line's product changed after allocation", []string{
			`UPDATE order_lines SET product_id = $tea WHERE id = $so2line`,
		}, "order SO-2 line 1: stock has been allocated or moved for it, so its product cannot change"},
		// Issued documents are not the client's to change at all (no job has UPDATE or DELETE on
		// them); TestIssuedDocumentsStayFixedEvenForTheOwner shows the triggers behind the grants.
		{"an invoice deleted", []string{`DELETE FROM invoices WHERE id = $invoice`},
			"your database role may not do that: permission denied for table invoices"},
		{"an invoice renumbered", []string{`UPDATE invoices SET seq = 82116, number = 'INV-2026-0082116' WHERE id = $invoice`},
			"your database role may not do that: permission denied for table invoices"},
		{"an invoice backdated", []string{`UPDATE invoices SET issued_at = '2001-01-01' WHERE id = $invoice`},
			"your database role may not do that: permission denied for table invoices"},
		{"an invoice re-totalled", []string{
			`UPDATE invoice_lines SET total_minor = 1 WHERE invoice_id = $invoice`,
		}, "your database role may not do that: permission denied for table invoice_lines"},
		{"a line slipped into an issued invoice", []string{
			`INSERT INTO invoice_lines (invoice_id, line_no, description, qty, unit_price_minor, tax_rate_ppm, tax_minor, total_minor)
			 VALUES ($invoice, 2, 'Gift wrap', 1, 100, 0, 0, 100)`,
		}, "invoice " + s.invoiceNumber + " is issued: its lines are written with it and never change"},
		{"an invoice whose header does not add up to its lines", []string{
			`INSERT INTO invoices (series, kind, order_id, currency, subtotal_minor, tax_minor, total_minor, base_currency,
			                       fx_rate, fx_date, subtotal_base_minor, tax_base_minor, total_base_minor)
			 VALUES ('invoice', 'invoice', $so2, 'EUR', 99999, 0, 99999, 'EUR', 1, current_date, 99999, 0, 99999)`,
			`INSERT INTO invoice_lines (invoice_id, line_no, description, qty, unit_price_minor, tax_rate_ppm, tax_minor, total_minor)
			 VALUES (currval('invoices_id_seq'), 1, 'Mug', 1, 500, 0, 0, 500)`,
			`INSERT INTO invoice_tax_lines (invoice_id, tax_rate_ppm, taxable_minor, tax_minor, taxable_base_minor, tax_base_minor)
			 VALUES (currval('invoices_id_seq'), 0, 500, 0, 500, 0)`,
		}, "says 999.99 EUR net and 0.00 EUR tax, but its lines add up to 5.00 EUR and 0.00 EUR"},
		{"a credit note for more than its invoice", []string{
			`INSERT INTO invoices (series, kind, order_id, credited_invoice_id, currency, subtotal_minor, tax_minor, total_minor,
			                       base_currency, fx_rate, fx_date, subtotal_base_minor, tax_base_minor, total_base_minor)
			 VALUES ('credit_note', 'credit_note', $so1, $invoice, 'EUR', 100000, 0, 100000, 'EUR', 1, current_date, 100000, 0, 100000)`,
			`INSERT INTO invoice_lines (invoice_id, line_no, description, qty, unit_price_minor, tax_rate_ppm, tax_minor, total_minor)
			 VALUES (currval('invoices_id_seq'), 1, 'Goodwill', 1, 100000, 0, 0, 100000)`,
			`INSERT INTO invoice_tax_lines (invoice_id, tax_rate_ppm, taxable_minor, tax_minor, taxable_base_minor, tax_base_minor)
			 VALUES (currval('invoices_id_seq'), 0, 100000, 0, 100000, 0)`,
		}, "would bring the credits on " + s.invoiceNumber + " to 1000.00 EUR, more than its total of 12.10 EUR"},
		{"the invoice series written directly", []string{
			`UPDATE invoice_counters SET last_seq = last_seq + 82115`,
		}, "your database role may not do that"},
		{"a refund of 100 times the order total", []string{
			`INSERT INTO refunds (order_id, amount_minor, currency, method) VALUES ($so1, 121000, 'EUR', 'original_payment')`,
		}, "permission denied for table refunds"}, // refunds go through oms_rma_refund (00041)
		{"a refund in another currency than the order's", []string{
			`INSERT INTO refunds (order_id, amount_minor, currency, method) VALUES ($so1, 100, 'USD', 'original_payment')`,
		}, "permission denied for table refunds"},
		{"an RMA line for 99 units of a line never shipped", []string{
			`INSERT INTO rmas (number, order_id, status) VALUES ('RMA-HACK', $so2, 'authorized')`,
			`INSERT INTO rma_lines (rma_id, order_line_id, qty_requested) VALUES (currval('rmas_id_seq'), $so2line, 99)`,
		}, "permission denied for table rmas"}, // RMAs open through oms_rma_open (00041)
		{"an RMA line on another order's line", []string{
			`INSERT INTO rmas (number, order_id, status) VALUES ('RMA-HACK', $so1, 'authorized')`,
			`INSERT INTO rma_lines (rma_id, order_line_id, qty_requested) VALUES (currval('rmas_id_seq'), $so2line, 1)`,
		}, "permission denied for table rmas"},
		{"a package line taken from another order's line", []string{
			`INSERT INTO package_lines (package_id, order_line_id, qty) VALUES ($pkg, $so2line, 1)`,
		}, "that order line belongs to another order than the package"},
		{"more units in packages than packed", []string{
			`UPDATE package_lines SET qty = 5 WHERE package_id = $pkg`,
		}, "order SO-1 line 1 (MUG-01) has 2 units packed, and its packages would hold 5"},
		{"the queue counts written directly", []string{
			`INSERT INTO order_count_deltas (channel_id, warehouse_id, status, n) VALUES (1, 0, 'shipped', 1000)`,
		}, "your database role may not do that"},
	}
	before := s.snapshot(t)
	for _, a := range attacks {
		t.Run(a.name, func(t *testing.T) {
			stmts := make([]string, len(a.statements))
			for i, st := range a.statements {
				stmts[i] = fill(st)
			}
			err := s.tamper(stmts...)
			if err == nil {
				t.Fatal("the database accepted it")
			}
			if !strings.Contains(err.Error(), a.says) {
				t.Fatalf("refused with %q, want it to say %q", err, a.says)
			}
			if after := s.snapshot(t); after != before {
				t.Fatalf("something changed although it was refused:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

// TestIssuedDocumentsStayFixedEvenForTheOwner: the grants keep clients from touching issued
// invoices; behind them the triggers refuse even the owner (a superuser here), with a sentence.
func TestIssuedDocumentsStayFixedEvenForTheOwner(t *testing.T) {
	s := newShop(t)
	before := s.snapshot(t)
	id := itoa(s.invoice)
	for _, a := range []struct{ stmt, says string }{
		{`DELETE FROM invoices WHERE id = ` + id, "invoice " + s.invoiceNumber + " is issued and cannot be changed or deleted"},
		{`UPDATE invoices SET seq = 82116, number = 'INV-2026-0082116' WHERE id = ` + id, "invoice " + s.invoiceNumber + " is issued and cannot be changed or deleted"},
		{`UPDATE invoices SET issued_at = '2001-01-01' WHERE id = ` + id, "is issued and cannot be changed or deleted"},
		{`UPDATE invoice_lines SET total_minor = 1 WHERE invoice_id = ` + id, "invoice_lines is append-only"},
	} {
		_, err := s.owner.Exec(a.stmt)
		if err = db.MapError(err); err == nil || !strings.Contains(err.Error(), a.says) {
			t.Errorf("%s: %v, want it refused saying %q", a.stmt, err, a.says)
		}
	}
	if after := s.snapshot(t); after != before {
		t.Fatalf("something changed although it was refused:\nbefore %s\nafter  %s", before, after)
	}
}

// TestAStatusWrittenByAClientIsReplacedByTheDerivedOne: the stored status is not the client's
// to choose; whatever it writes, the lines decide.
func TestAStatusWrittenByAClientIsReplacedByTheDerivedOne(t *testing.T) {
	s := newShop(t)
	for _, forged := range []string{"shipped", "pending", "returned"} {
		mustExecArgs(t, s.client, `UPDATE orders SET status = $2 WHERE id = $1`, s.so2, forged)
		var status string
		mustGet(t, s.client, &status, `SELECT status FROM orders WHERE id = $1`, s.so2)
		if status != "allocated" {
			t.Errorf("after writing %s the order reads %s, want allocated (its lines)", forged, status)
		}
	}
	// A number, a date and a seq chosen by the client are not what gets stored.
	ctx := context.Background()
	err := s.client.InTx(ctx, func(tx *sqlx.Tx) error {
		for _, stmt := range []string{
			`INSERT INTO invoices (series, seq, number, kind, order_id, currency, subtotal_minor, tax_minor, total_minor,
			        base_currency, fx_rate, fx_date, subtotal_base_minor, tax_base_minor, total_base_minor, issued_at)
			 VALUES ('invoice', 82116, 'HELLO', 'invoice', ` + itoa(s.so2) + `, 'EUR', 1500, 0, 1500, 'EUR', 1, current_date, 1500, 0, 1500, '2001-01-01')`,
			`INSERT INTO invoice_lines (invoice_id, line_no, description, qty, unit_price_minor, tax_rate_ppm, tax_minor, total_minor)
			 VALUES (currval('invoices_id_seq'), 1, 'Mug', 3, 500, 0, 0, 1500)`,
			`INSERT INTO invoice_tax_lines (invoice_id, tax_rate_ppm, taxable_minor, tax_minor, taxable_base_minor, tax_base_minor)
			 VALUES (currval('invoices_id_seq'), 0, 1500, 0, 1500, 0)`,
		} {
			if _, err := tx.Exec(stmt); err != nil {
				return err
			}
		}
		return nil
	})
	must(t, err)
	var got struct {
		Number string    `db:"number"`
		Seq    int64     `db:"seq"`
		At     time.Time `db:"issued_at"`
	}
	mustGet(t, s.client, &got, `SELECT number, seq, issued_at FROM invoices ORDER BY id DESC LIMIT 1`)
	year := time.Now().UTC().Year()
	if want := strings.Replace(s.invoiceNumber, "0000001", "0000002", 1); got.Number != want || got.Seq != 2 {
		t.Errorf("the second invoice of %d is %s (seq %d), want %s (seq 2)", year, got.Number, got.Seq, want)
	}
	if time.Since(got.At) > time.Minute {
		t.Errorf("issued_at %v: the client's date was kept", got.At)
	}
}

// snapshot is everything the attacks aim at, as one comparable string.
func (s *shop) snapshot(t *testing.T) string {
	t.Helper()
	var out string
	mustGet(t, s.owner, &out, `SELECT concat_ws(' | ',
		(SELECT string_agg(concat_ws(':', location_id, product_id, lot_id, on_hand, reserved), ',' ORDER BY 1) FROM stock_balances),
		(SELECT string_agg(concat_ws(':', order_line_id, location_id, qty), ',' ORDER BY 1) FROM reservations),
		(SELECT string_agg(concat_ws(':', id, product_id, qty_allocated, qty_picked, qty_packed, qty_shipped), ',' ORDER BY 1) FROM order_lines),
		(SELECT string_agg(concat_ws(':', id, status), ',' ORDER BY 1) FROM orders),
		(SELECT count(*) FROM stock_movements), (SELECT count(*) FROM invoices), (SELECT count(*) FROM refunds),
		(SELECT count(*) FROM rma_lines), (SELECT count(*) FROM package_lines),
		(SELECT string_agg(concat_ws(':', series, year, last_seq), ',') FROM invoice_counters),
		(SELECT sum(n) FROM order_counts_live))`)
	return out
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
